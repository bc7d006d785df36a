/** SPEC §7 on SQLite: shops set up with their codes, merchants made by redeeming one, sync keys, synced orders. */
import type { AccessCode, Merchant, Order, Shop, SyncKeyRecord } from '../../../../types/domain';
import { canonical } from '../../../core/orderSync';
import type { OrderSyncRepo, PeopleRepo } from '../../ports';
import type { Db } from './open';
import { ORDER_UPSERT, orderRow } from './repos';
import { Statements } from './statements';

export class SqlitePeopleRepo implements PeopleRepo {
  private readonly st: Statements;

  constructor(private readonly db: Db) {
    this.st = new Statements(db);
  }

  async createShop(shop: Shop, code: AccessCode): Promise<boolean> {
    return this.db
      .transaction(() => {
        const r = this.st.get('INSERT INTO shops (id, doc) VALUES (?, ?) ON CONFLICT (id) DO NOTHING').run(shop._id, JSON.stringify(shop));
        if (r.changes !== 1) return false;
        this.insertCode(code);
        return true;
      })
      .immediate();
  }

  private insertCode(code: AccessCode): void {
    this.st.get('INSERT INTO access_codes (hash, shop_id, used_at, doc) VALUES (?, ?, NULL, ?)').run(code.hash, code.shopId, JSON.stringify(code));
  }

  async addCode(code: AccessCode): Promise<void> {
    this.insertCode(code);
  }

  async getCode(hash: string): Promise<AccessCode | null> {
    const row = this.st.get('SELECT doc FROM access_codes WHERE hash = ?').get(hash) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as AccessCode) : null;
  }

  async unusedCodes(shopId: string, kind: AccessCode['kind']): Promise<AccessCode[]> {
    const rows = this.st.get('SELECT doc FROM access_codes WHERE shop_id = ? AND used_at IS NULL').all(shopId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as AccessCode).filter((c) => c.kind === kind);
  }

  async revokeCode(shopId: string, hash: string, at: number, by: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.st.get('SELECT doc FROM access_codes WHERE hash = ? AND shop_id = ? AND used_at IS NULL').get(hash, shopId) as { doc: string } | undefined;
        if (!row) return false;
        const revoked: AccessCode = { ...(JSON.parse(row.doc) as AccessCode), usedAt: at, usedBy: by, revokedAt: at };
        return this.st.get('UPDATE access_codes SET used_at = ?, doc = ? WHERE hash = ? AND used_at IS NULL').run(at, JSON.stringify(revoked), hash).changes === 1;
      })
      .immediate();
  }

  async merchant(openid: string): Promise<Merchant | null> {
    const row = this.st.get('SELECT doc FROM merchants WHERE openid = ?').get(openid) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Merchant) : null;
  }

  async redeem(hash: string, usedAt: number, merchant: Merchant, before: Merchant | null): Promise<boolean> {
    return this.db
      .transaction(() => {
        const code = this.st.get('SELECT doc FROM access_codes WHERE hash = ? AND used_at IS NULL').get(hash) as { doc: string } | undefined;
        if (!code) return false;
        const current = this.st.get('SELECT doc FROM merchants WHERE openid = ?').get(merchant.openid) as { doc: string } | undefined;
        if (canonical(current ? JSON.parse(current.doc) : null) !== canonical(before)) return false;
        const used: AccessCode = { ...(JSON.parse(code.doc) as AccessCode), usedAt, usedBy: merchant.openid };
        this.st.get('UPDATE access_codes SET used_at = ?, doc = ? WHERE hash = ?').run(usedAt, JSON.stringify(used), hash);
        this.st
          .get(
            `INSERT INTO merchants (openid, shop_id, role, doc) VALUES (?, ?, ?, ?)
             ON CONFLICT (openid) DO UPDATE SET shop_id = excluded.shop_id, role = excluded.role, doc = excluded.doc`,
          )
          .run(merchant.openid, merchant.shopId, merchant.role, JSON.stringify(merchant));
        return true;
      })
      .immediate();
  }

  async removeStaff(shopId: string, openid: string): Promise<boolean> {
    return this.st.get("DELETE FROM merchants WHERE openid = ? AND shop_id = ? AND role = 'STAFF'").run(openid, shopId).changes === 1;
  }

  async syncKey(shopId: string): Promise<SyncKeyRecord | null> {
    const row = this.st.get('SELECT doc FROM shop_sync_keys WHERE shop_id = ?').get(shopId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as SyncKeyRecord) : null;
  }

  async setSyncKey(record: SyncKeyRecord): Promise<void> {
    this.st
      .get('INSERT INTO shop_sync_keys (shop_id, doc) VALUES (?, ?) ON CONFLICT (shop_id) DO UPDATE SET doc = excluded.doc')
      .run(record.shopId, JSON.stringify(record));
  }
}

export class SqliteOrderSyncRepo implements OrderSyncRepo {
  private readonly st: Statements;

  constructor(private readonly db: Db) {
    this.st = new Statements(db);
  }

  async put(next: Order, expected: Order | null): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.st.get('SELECT doc FROM orders WHERE id = ?').get(next._id) as { doc: string } | undefined;
        if (canonical(row ? JSON.parse(row.doc) : null) !== canonical(expected)) return false;
        // The same columns as the checkout's writes (version, timers, cancellations), so either sees the other's change.
        this.st.get(ORDER_UPSERT).run(...orderRow(next));
        return true;
      })
      .immediate();
  }
}
