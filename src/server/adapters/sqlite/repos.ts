import type { Page } from '../../../../types/api';
import type { EpochMs, Merchant, Order, Shop } from '../../../../types/domain';
import { shopWithDefaults } from '../../../core/settings';
import type { MerchantRepo, OrderRepo, RiskRepo, ShopRepo } from '../../ports';
import type { Db } from './open';
import { keysetPage, ownedBy, Statements } from './statements';

export class SqliteOrderRepo implements OrderRepo {
  private readonly st: Statements;

  constructor(db: Db) {
    this.st = new Statements(db);
  }

  async get(orderId: string): Promise<Order | null> {
    const row = this.st.get('SELECT doc FROM orders WHERE id = ?').get(orderId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Order) : null;
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

  async lift(openid: string, at: EpochMs, note: string, by: string): Promise<void> {
    this.st.get('INSERT INTO risk_lifts (openid, at, note, by_openid) VALUES (?, ?, ?, ?)').run(openid, at, note, by);
  }
}
