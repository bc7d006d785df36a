/**
 * SPEC §7 on the cloud database: codes in `as_codes` (`_id` = the code's SHA-256), sync keys in
 * `as_sync_keys` (`_id` = the shop id), merchants in `as_merchants` (`_id` = openid), synced orders in
 * `as_orders`. Every decision on a read is a transaction on single documents (the cloud database has
 * no multi-document where inside one), retried by the caller when it loses.
 */
import type { AccessCode, Merchant, Order, Shop, SyncKeyRecord } from '../../../../types/domain';
import { canonical } from '../../../core/orderSync';
import type { Clock, MerchantRepo, OrderSyncRepo, PeopleRepo } from '../../ports';
import { COLLECTIONS, type WxDatabase } from './sdk';

function withoutId<T extends { _id?: unknown }>(doc: T): Omit<T, '_id'> {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

function merchantOf(openid: string, data: unknown): Merchant | null {
  if (!data) return null;
  return { ...(withoutId(data as Merchant & { _id?: string }) as Merchant), openid };
}

/** Where a merchant's role was changed, so a cache of roles in this container forgets it at once. */
export interface RoleChanges {
  forget(openid: string): void;
}

export class WxPeopleRepo implements PeopleRepo {
  constructor(
    private readonly db: WxDatabase,
    private readonly roles?: RoleChanges,
  ) {}

  async createShop(shop: Shop, code: AccessCode): Promise<boolean> {
    try {
      return await this.db.runTransaction(async (tx) => {
        const doc = tx.collection(COLLECTIONS.shops).doc(shop._id);
        if ((await doc.get()).data) return false;
        await doc.set({ data: withoutId(shop) as Record<string, unknown> });
        await tx.collection(COLLECTIONS.codes).doc(code.hash).set({ data: { ...code } });
        return true;
      });
    } catch {
      return false;
    }
  }

  async addCode(code: AccessCode): Promise<void> {
    await this.db.collection(COLLECTIONS.codes).doc(code.hash).set({ data: { ...code } });
  }

  async getCode(hash: string): Promise<AccessCode | null> {
    const { data } = await this.db.collection(COLLECTIONS.codes).doc(hash).get();
    return data ? (withoutId(data as AccessCode & { _id?: string }) as AccessCode) : null;
  }

  async unusedCodes(shopId: string, kind: AccessCode['kind']): Promise<AccessCode[]> {
    const { data } = await this.db.collection(COLLECTIONS.codes).where({ shopId, kind }).limit(100).get();
    return (data as (AccessCode & { _id?: string })[]).map((d) => withoutId(d) as AccessCode).filter((c) => c.usedAt === undefined);
  }

  /** In a transaction with the code's document, which `redeem` writes too: a redemption and a revocation cannot both win. */
  async revokeCode(shopId: string, hash: string, at: number, by: string): Promise<boolean> {
    try {
      return await this.db.runTransaction(async (tx) => {
        const doc = tx.collection(COLLECTIONS.codes).doc(hash);
        const code = (await doc.get()).data as (AccessCode & { _id?: string }) | null;
        if (!code || code.shopId !== shopId || code.usedAt !== undefined) return false;
        await doc.set({ data: { ...withoutId(code), usedAt: at, usedBy: by, revokedAt: at } });
        return true;
      });
    } catch {
      return false;
    }
  }

  async merchant(openid: string): Promise<Merchant | null> {
    const { data } = await this.db.collection(COLLECTIONS.merchants).doc(openid).get();
    return merchantOf(openid, data);
  }

  async redeem(hash: string, usedAt: number, merchant: Merchant, before: Merchant | null): Promise<boolean> {
    try {
      const done = await this.db.runTransaction(async (tx) => {
        const codeDoc = tx.collection(COLLECTIONS.codes).doc(hash);
        const code = (await codeDoc.get()).data as (AccessCode & { _id?: string }) | null;
        if (!code || code.usedAt !== undefined) return false;
        const merchantDoc = tx.collection(COLLECTIONS.merchants).doc(merchant.openid);
        if (canonical(merchantOf(merchant.openid, (await merchantDoc.get()).data)) !== canonical(before)) return false;
        await codeDoc.set({ data: { ...withoutId(code), usedAt, usedBy: merchant.openid } });
        await merchantDoc.set({ data: { ...merchant } });
        return true;
      });
      return done;
    } catch {
      return false;
    } finally {
      this.roles?.forget(merchant.openid);
    }
  }

  async removeStaff(shopId: string, openid: string): Promise<boolean> {
    const res = await this.db.collection(COLLECTIONS.merchants).where({ _id: openid, shopId, role: 'STAFF' }).remove();
    this.roles?.forget(openid);
    return res.stats.removed === 1;
  }

  async syncKey(shopId: string): Promise<SyncKeyRecord | null> {
    const { data } = await this.db.collection(COLLECTIONS.syncKeys).doc(shopId).get();
    return data ? (withoutId(data as SyncKeyRecord & { _id?: string }) as SyncKeyRecord) : null;
  }

  async setSyncKey(record: SyncKeyRecord): Promise<void> {
    await this.db.collection(COLLECTIONS.syncKeys).doc(record.shopId).set({ data: { ...record } });
  }
}

export class WxOrderSyncRepo implements OrderSyncRepo {
  constructor(private readonly db: WxDatabase) {}

  async put(next: Order, expected: Order | null): Promise<boolean> {
    try {
      return await this.db.runTransaction(async (tx) => {
        const doc = tx.collection(COLLECTIONS.orders).doc(next._id);
        const stored = (await doc.get()).data as Order | null;
        if (canonical(stored ?? null) !== canonical(expected)) return false;
        await doc.set({ data: withoutId(next) as Record<string, unknown> });
        return true;
      });
    } catch {
      // A conflicting writer (or a lost answer): the caller re-reads and judges again.
      return false;
    }
  }
}

/** SPEC §7: a role read once is trusted for at most this long (then read again). */
export const ROLE_CACHE_MS = 60_000;

/**
 * The container's cache of merchant roles: each function instance reads a merchant's record once a
 * minute at most. Only merchants are cached (a buyer's call reads on, so a code just redeemed counts at
 * once everywhere); a removal is seen at once in the container that made it and within ROLE_CACHE_MS
 * in every other. The time is the function's clock (the host's dev clock on cloud-sim).
 */
export class CachedMerchantRepo implements MerchantRepo, RoleChanges {
  private readonly entries = new Map<string, { merchant: Merchant; readAt: number }>();

  constructor(
    private readonly inner: MerchantRepo,
    private readonly clock: Clock,
    private readonly ttlMs = ROLE_CACHE_MS,
  ) {}

  async get(openid: string): Promise<Merchant | null> {
    const now = this.clock.now();
    const hit = this.entries.get(openid);
    if (hit && now - hit.readAt <= this.ttlMs && now >= hit.readAt) return hit.merchant;
    const merchant = await this.inner.get(openid);
    if (merchant) this.entries.set(openid, { merchant, readAt: now });
    else this.entries.delete(openid);
    return merchant;
  }

  listForShop(shopId: string): Promise<Merchant[]> {
    return this.inner.listForShop(shopId);
  }

  forget(openid: string): void {
    this.entries.delete(openid);
  }
}
