import type { Page } from '../../../../types/api';
import type { EpochMs, Fen, Merchant, Order, Shop } from '../../../../types/domain';
import { orderRefundHeldFen } from '../../../core/orders';
import { LIMITS, shopWithDefaults } from '../../../core/settings';
import { shanghaiYear } from '../../../core/time';
import { orderCapExceeded, orderTotalMoves, orderYearShare } from '../../caps';
import type { DueKey, MerchantRepo, OrderRepo, RiskRepo, ShopRepo } from '../../ports';
import type { Db } from './open';
import { keysetPage, ownedBy, Statements } from './statements';

/** Every column an order row copies from its document, in ORDER_UPSERT's order. */
export function orderRow(o: Order): unknown[] {
  return [
    o._id,
    o.shopId,
    o.buyerOpenid,
    o.status,
    o.paidAt,
    o.deliveredAt ?? null,
    o.version ?? 0,
    o.timerAt ?? null,
    o.cancelledAt ?? null,
    orderRefundHeldFen(o),
    JSON.stringify(o),
  ];
}

export const ORDER_UPSERT = `INSERT INTO orders (id, shop_id, buyer_openid, status, paid_at, delivered_at, version, timer_at, cancelled_at, cancel_refund_fen, doc)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET shop_id = excluded.shop_id, buyer_openid = excluded.buyer_openid, status = excluded.status,
    paid_at = excluded.paid_at, delivered_at = excluded.delivered_at, version = excluded.version, timer_at = excluded.timer_at,
    cancelled_at = excluded.cancelled_at, cancel_refund_fen = excluded.cancel_refund_fen, doc = excluded.doc`;

export class SqliteOrderRepo implements OrderRepo {
  private readonly st: Statements;

  constructor(private readonly db: Db) {
    this.st = new Statements(db);
  }

  async get(orderId: string): Promise<Order | null> {
    const row = this.st.get('SELECT doc FROM orders WHERE id = ?').get(orderId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Order) : null;
  }

  async getMany(orderIds: readonly string[]): Promise<Map<string, Order>> {
    const rows = this.st
      .get('SELECT doc FROM orders WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify([...new Set(orderIds)])) as { doc: string }[];
    return new Map(rows.map((r) => {
      const o = JSON.parse(r.doc) as Order;
      return [o._id, o];
    }));
  }

  async listForBuyer(
    buyerOpenid: string,
    q: { status?: Order['status']; cursor?: string; limit: number },
  ): Promise<Page<Order>> {
    return keysetPage(this.st, {
      table: 'orders',
      ...ownedBy('buyer_openid', buyerOpenid, q.status, 'o'),
      sortColumn: 'paid_at',
      direction: 'DESC',
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  async countDelivered(shopId: string, from: EpochMs, to: EpochMs): Promise<number> {
    const row = this.st
      .get('SELECT COUNT(*) AS n FROM orders WHERE shop_id = ? AND delivered_at >= ? AND delivered_at < ?')
      .get(shopId, from, to) as { n: number };
    return row.n;
  }

  async insert(order: Order): Promise<boolean> {
    const r = this.st
      .get(
        `INSERT INTO orders (id, shop_id, buyer_openid, status, paid_at, delivered_at, version, timer_at, cancelled_at, cancel_refund_fen, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(...orderRow(order));
    return r.changes === 1;
  }

  /**
   * Compare-and-set in one IMMEDIATE transaction with R3's cap guard (docs/DESIGN.md "Cap guard: order
   * cancellations"): migration 7's triggers move the shop's year total as the row is written; a write
   * that makes a year's total (cases + cancellations) grow past the cap throws AMOUNT_EXCEEDS_LIMIT and
   * rolls back, the order and the total unchanged.
   */
  async update(order: Order, expectedVersion: number): Promise<boolean> {
    const [id, shopId, buyer, status, paidAt, deliveredAt, version, timerAt, cancelledAt, refundFen, doc] = orderRow(order);
    return this.db
      .transaction((): boolean => {
        const before = this.st
          .get('SELECT shop_id AS shopId, cancelled_at AS cancelledAt, cancel_refund_fen AS fen FROM orders WHERE id = ? AND version = ?')
          .get(id, expectedVersion) as { shopId: string; cancelledAt: number | null; fen: number } | undefined;
        if (!before) return false;
        const r = this.st
          .get(
            `UPDATE orders SET shop_id = ?, buyer_openid = ?, status = ?, paid_at = ?, delivered_at = ?, version = ?, timer_at = ?,
               cancelled_at = ?, cancel_refund_fen = ?, doc = ? WHERE id = ? AND version = ?`,
          )
          .run(shopId, buyer, status, paidAt, deliveredAt, version, timerAt, cancelledAt, refundFen, doc, id, expectedVersion);
        if (r.changes !== 1) return false;
        const held = before.cancelledAt !== null && before.fen !== 0 ? { year: shanghaiYear(before.cancelledAt), fen: before.fen } : undefined;
        for (const move of orderTotalMoves(held, orderYearShare(order), order.shopId)) {
          if (move.delta <= 0) continue;
          const row = this.st.get('SELECT fen + orders_fen AS fen FROM shop_year_committed WHERE shop_id = ? AND year = ?').get(move.key, move.year) as
            | { fen: number }
            | undefined;
          if ((row?.fen ?? 0) > LIMITS.yearlyRefundCapFen) throw orderCapExceeded(LIMITS.yearlyRefundCapFen);
        }
        return true;
      })
      .immediate();
  }

  async listForShop(shopId: string, q: { status?: Order['status']; cursor?: string; limit: number }): Promise<Page<Order>> {
    return keysetPage(this.st, {
      table: 'orders',
      ...ownedBy('shop_id', shopId, q.status, 'so'),
      sortColumn: 'paid_at',
      direction: 'DESC',
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  async due(now: EpochMs, limit: number, after?: DueKey): Promise<Order[]> {
    const rows = (
      after
        ? this.st
            .get('SELECT doc FROM orders WHERE timer_at IS NOT NULL AND timer_at <= ? AND (timer_at, id) > (?, ?) ORDER BY timer_at, id LIMIT ?')
            .all(now, after.timerAt, after.id, limit)
        : this.st.get('SELECT doc FROM orders WHERE timer_at IS NOT NULL AND timer_at <= ? ORDER BY timer_at, id LIMIT ?').all(now, limit)
    ) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Order);
  }

  async shopCancelRefundFen(shopId: string, from: EpochMs, to: EpochMs): Promise<Fen> {
    const row = this.st
      .get('SELECT COALESCE(SUM(cancel_refund_fen), 0) AS fen FROM orders WHERE shop_id = ? AND cancelled_at >= ? AND cancelled_at < ?')
      .get(shopId, from, to) as { fen: number };
    return row.fen;
  }
}

export class SqliteShopRepo implements ShopRepo {
  private readonly st: Statements;

  constructor(db: Db) {
    this.st = new Statements(db);
  }

  /** Settings added to the product after a shop was stored read as their defaults. */
  async get(shopId: string): Promise<Shop | null> {
    const row = this.st.get('SELECT doc FROM shops WHERE id = ?').get(shopId) as { doc: string } | undefined;
    return row ? shopWithDefaults(JSON.parse(row.doc) as Shop) : null;
  }

  async save(shop: Shop): Promise<void> {
    this.st
      .get('INSERT INTO shops (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc')
      .run(shop._id, JSON.stringify(shop));
  }
}

export class SqliteMerchantRepo implements MerchantRepo {
  private readonly st: Statements;

  constructor(db: Db) {
    this.st = new Statements(db);
  }

  async get(openid: string): Promise<Merchant | null> {
    const row = this.st.get('SELECT doc FROM merchants WHERE openid = ?').get(openid) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Merchant) : null;
  }

  async listForShop(shopId: string): Promise<Merchant[]> {
    const rows = this.st
      .get("SELECT doc FROM merchants WHERE shop_id = ? AND role IN ('STAFF', 'OWNER') ORDER BY openid")
      .all(shopId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Merchant);
  }
}

export class SqliteRiskRepo implements RiskRepo {
  private readonly st: Statements;

  constructor(db: Db) {
    this.st = new Statements(db);
  }

  async liftedAt(openid: string): Promise<EpochMs | undefined> {
    const row = this.st
      .get('SELECT at FROM risk_lifts WHERE openid = ? ORDER BY at DESC, id DESC LIMIT 1')
      .get(openid) as { at: number } | undefined;
    return row?.at;
  }

  async liftedAtMany(openids: readonly string[]): Promise<Map<string, EpochMs>> {
    const rows = this.st
      .get('SELECT openid, MAX(at) AS at FROM risk_lifts WHERE openid IN (SELECT value FROM json_each(?)) GROUP BY openid')
      .all(JSON.stringify([...new Set(openids)])) as { openid: string; at: number }[];
    return new Map(rows.map((r) => [r.openid, r.at]));
  }

  async lift(openid: string, at: EpochMs, note: string, by: string): Promise<void> {
    this.st.get('INSERT INTO risk_lifts (openid, at, note, by_openid) VALUES (?, ?, ?, ?)').run(openid, at, note, by);
  }
}
