import type { Page } from '../../../../types/api';
import type { EpochMs, Fen, Merchant, Order, Shop } from '../../../../types/domain';
import { orderRefundHeldFen } from '../../../core/orders';
import { LIMITS, shopWithDefaults } from '../../../core/settings';
import { shanghaiYearStart } from '../../../core/time';
import { orderCapExceeded, orderTotalMoves, orderYearShare, type TotalMove } from '../../caps';
import { totalId, WxCaseRepo } from './cases';
import { cancelRefundFen, ordersYearFen, type YearTotalDoc } from './yearTotals';
import type { DueKey, MerchantRepo, OrderRepo, RiskRepo, ShopRepo } from '../../ports';
import { keysetPage } from './docs';
import { COLLECTIONS, type WxDatabase, type WxFilter } from './sdk';

/** Runs of an order's transaction that keeps failing (mostly: losing write conflicts) before the caller hears of it. */
const ORDER_TRANSACTION_ATTEMPTS = 10;

/** Orders in `as_orders`, written by the shop's order system with `_id` = the order number (out_trade_no). */
export class WxOrderRepo implements OrderRepo {
  constructor(private readonly db: WxDatabase) {}

  async get(orderId: string): Promise<Order | null> {
    const { data } = await this.db.collection(COLLECTIONS.orders).doc(orderId).get();
    return data ? orderFromDocument(data) : null;
  }

  async listForBuyer(buyerOpenid: string, q: { status?: Order['status']; cursor?: string; limit: number }): Promise<Page<Order>> {
    const filter: WxFilter = { buyerOpenid };
    if (q.status !== undefined) filter.status = q.status;
    const p = await keysetPage(this.db.command, this.db.collection(COLLECTIONS.orders), {
      filter,
      sortField: 'paidAt',
      direction: 'desc',
      tag: q.status ? `o:${q.status}` : 'o',
      cursor: q.cursor,
      limit: q.limit,
    });
    return { items: p.items.map(orderFromDocument), nextCursor: p.nextCursor };
  }

  async countDelivered(shopId: string, from: EpochMs, to: EpochMs): Promise<number> {
    const _ = this.db.command;
    const { total } = await this.db
      .collection(COLLECTIONS.orders)
      .where({ shopId, deliveredAt: _.gte(from).and(_.lt(to)) })
      .count();
    return total;
  }

  // ── SPEC §7 demo checkout ──

  async insert(order: Order): Promise<boolean> {
    try {
      await this.db.collection(COLLECTIONS.orders).add({ data: orderDocument(order, true) });
      return true;
    } catch (e) {
      if (await this.get(order._id)) return false;
      throw e;
    }
  }

  /**
   * Compare-and-set in a transaction: an order stored before §7 has no version and counts as 0. With
   * R3's cap guard (docs/DESIGN.md "Cap guard: order cancellations"): when the write changes what the
   * order's cancellation holds against its shop's year, the year's total document (`ordersFen`) moves
   * in the same transaction, and a write that makes cases + cancellations grow past the cap throws
   * AMOUNT_EXCEEDS_LIMIT, nothing written. A transaction that fails (mostly: a write conflict with an
   * approval or another cancellation on the same total) runs again; it re-reads all it decides on.
   */
  async update(order: Order, expectedVersion: number): Promise<boolean> {
    const next = orderYearShare(order);
    for (let attempt = 1; ; attempt += 1) {
      let outcome: boolean | 'CAP';
      try {
        outcome = await this.db.runTransaction(async (tx): Promise<boolean | 'CAP'> => {
          const ref = tx.collection(COLLECTIONS.orders).doc(order._id);
          const { data } = await ref.get();
          if (!data || ((data as Order).version ?? 0) !== expectedVersion) return false;
          const moves = orderTotalMoves(orderYearShare(orderFromDocument(data)), next, order.shopId);
          const counters = tx.collection(COLLECTIONS.counters);
          const docs = await Promise.all(moves.map((m) => counters.doc(totalId(m)).get()));
          const totals: { move: TotalMove; fen: number; ordersFen: number }[] = [];
          for (const [i, move] of moves.entries()) {
            const doc = docs[i].data as YearTotalDoc | null;
            const year = move.year as number;
            // Missing, or written before it counted cancellations: started from the stored cases and orders
            // (queries, outside the transaction; a document another writer creates meanwhile wins at the write).
            const fen = doc ? (doc.fen ?? 0) : await new WxCaseRepo(this.db).shopCommittedFen(move.key, shanghaiYearStart(year), shanghaiYearStart(year + 1));
            const ordersFen = (doc?.ordersFen ?? (await ordersYearFen(this.db, move.key, year))) + move.delta;
            if (move.delta > 0 && fen + ordersFen > LIMITS.yearlyRefundCapFen) return 'CAP';
            totals.push({ move, fen, ordersFen });
          }
          await Promise.all([
            ref.set({ data: orderDocument(order, false) }),
            ...totals.map(({ move, fen, ordersFen }) =>
              counters.doc(totalId(move)).set({ data: { kind: move.kind, key: move.key, year: move.year, fen, ordersFen } }),
            ),
          ]);
          return true;
        });
      } catch (e) {
        if (attempt >= ORDER_TRANSACTION_ATTEMPTS) throw e;
        await new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 8 * 2 ** attempt)));
        continue;
      }
      if (outcome === 'CAP') throw orderCapExceeded(LIMITS.yearlyRefundCapFen);
      return outcome;
    }
  }

  shopCancelRefundFen(shopId: string, from: EpochMs, to: EpochMs): Promise<Fen> {
    return cancelRefundFen(this.db, shopId, from, to);
  }

  async listForShop(shopId: string, q: { status?: Order['status']; cursor?: string; limit: number }): Promise<Page<Order>> {
    const filter: WxFilter = { shopId };
    if (q.status !== undefined) filter.status = q.status;
    const p = await keysetPage(this.db.command, this.db.collection(COLLECTIONS.orders), {
      filter,
      sortField: 'paidAt',
      direction: 'desc',
      tag: q.status ? `so:${q.status}` : 'so',
      cursor: q.cursor,
      limit: q.limit,
    });
    return { items: p.items.map(orderFromDocument), nextCursor: p.nextCursor };
  }

  async due(now: EpochMs, limit: number, after?: DueKey): Promise<Order[]> {
    const _ = this.db.command;
    const where = after
      ? _.or([{ timerAt: _.gt(after.timerAt).and(_.lte(now)) }, { timerAt: after.timerAt, _id: _.gt(after.id) }])
      : { timerAt: _.lte(now) };
    const { data } = await this.db.collection(COLLECTIONS.orders).where(where).orderBy('timerAt', 'asc').orderBy('_id', 'asc').limit(limit).get();
    return data.map(orderFromDocument);
  }


}

/** An order as stored: with what its cancellation's refund holds against R3's year, for the sum above. */
function orderDocument(o: Order, withId: boolean): Record<string, unknown> {
  const { _id, ...rest } = o;
  const doc = { ...rest, _cancelRefundFen: orderRefundHeldFen(o) };
  return withId ? { _id, ...doc } : doc;
}

function orderFromDocument(doc: unknown): Order {
  const { _cancelRefundFen: _held, ...o } = doc as Order & { _cancelRefundFen?: number };
  return o;
}

export class WxShopRepo implements ShopRepo {
  constructor(private readonly db: WxDatabase) {}

  /** Settings added to the product after a shop was stored read as their defaults. */
  async get(shopId: string): Promise<Shop | null> {
    const { data } = await this.db.collection(COLLECTIONS.shops).doc(shopId).get();
    return data ? shopWithDefaults(data as Shop) : null;
  }

  async save(shop: Shop): Promise<void> {
    const { _id, ...rest } = shop;
    await this.db.collection(COLLECTIONS.shops).doc(_id).set({ data: rest });
  }
}

/**
 * Merchants in `as_merchants` with `_id` = the staff member's openid. The container keeps the roles it
 * read for a minute in CachedMerchantRepo (people.ts), which wraps this one.
 */
export class WxMerchantRepo implements MerchantRepo {
  constructor(private readonly db: WxDatabase) {}

  async get(openid: string): Promise<Merchant | null> {
    const { data } = await this.db.collection(COLLECTIONS.merchants).doc(openid).get();
    if (!data) return null;
    const { _id: _ignored, ...m } = data as Merchant & { _id: string };
    return { ...m, openid };
  }

  async listForShop(shopId: string): Promise<Merchant[]> {
    const { data } = await this.db.collection(COLLECTIONS.merchants).where({ shopId }).limit(100).get();
    return (data as (Merchant & { _id: string })[])
      .map(({ _id, ...m }) => ({ ...m, openid: _id }))
      .filter((m) => m.role === 'STAFF' || m.role === 'OWNER');
  }
}

/** Every lift is kept (who lifted the limit and why); the latest counts. */
export class WxRiskRepo implements RiskRepo {
  constructor(private readonly db: WxDatabase) {}

  async liftedAt(openid: string): Promise<EpochMs | undefined> {
    const { data } = await this.db
      .collection(COLLECTIONS.risk)
      .where({ openid })
      .orderBy('at', 'desc')
      .limit(1)
      .field({ at: true })
      .get();
    return data.length > 0 ? (data[0] as { at: EpochMs }).at : undefined;
  }

  async lift(openid: string, at: EpochMs, note: string, by: string): Promise<void> {
    await this.db.collection(COLLECTIONS.risk).add({ data: { openid, at, note, by } });
  }
}
