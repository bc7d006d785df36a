/**
 * What only the local host does to its database: seed and reset (the dev routes), read the outbox and
 * tickets back, and answer who may read an uploaded file. None of it is a port: the cloud build has
 * no such routes.
 */
import { ORDER_UPSERT, orderRow } from './repos';
import type { Merchant, MerchantRole, Notification, Order, Shop, ShopSettings, Ticket } from '../../../../types/domain';
import { shopWithDefaults } from '../../../core/settings';
import type { Db } from './open';
import { Statements } from './statements';

/** A shop as the seed route takes it: settings optional, every missing one gets its default. */
export type ShopSeed = Omit<Shop, 'settings'> & { settings?: Partial<ShopSettings> };

export interface SeedData {
  shops?: ShopSeed[];
  merchants?: Merchant[];
  orders?: Order[];
}

export interface OutboxEntry extends Notification {
  deliveredAt?: number;
}

export interface OutboxFilter {
  toOpenid?: string;
  caseId?: string;
}

/** Who may read a file besides its uploader: the buyers and shops of the cases listing it as evidence. */
export interface FileAudience {
  buyerOpenids: string[];
  shopIds: string[];
}

const TABLES = [
  'shops',
  'merchants',
  'orders',
  'cases',
  'case_refunds',
  'case_files',
  'apply_guards',
  'outbox',
  'tickets',
  'risk_lifts',
  'uploads',
  'gateway_refunds',
  'gateway_payments',
  'access_codes',
  'shop_sync_keys',
] as const;

export class SqliteDevStore {
  private readonly st: Statements;

  constructor(private readonly db: Db) {
    this.st = new Statements(db);
  }

  /** Inserts or replaces by `_id` (merchants by `openid`), all in one commit. */
  seed(data: SeedData): { shops: number; merchants: number; orders: number } {
    const shops = data.shops ?? [];
    const merchants = data.merchants ?? [];
    const orders = data.orders ?? [];
    this.db
      .transaction(() => {
        const shop = this.st.get('INSERT INTO shops (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc');
        for (const s of shops) shop.run(s._id, JSON.stringify(shopWithDefaults(s)));
        const merchant = this.st.get(
          `INSERT INTO merchants (openid, shop_id, role, doc) VALUES (?, ?, ?, ?)
           ON CONFLICT (openid) DO UPDATE SET shop_id = excluded.shop_id, role = excluded.role, doc = excluded.doc`,
        );
        for (const m of merchants) merchant.run(m.openid, m.shopId, m.role, JSON.stringify(m));
        const order = this.st.get(ORDER_UPSERT);
        for (const o of orders) order.run(...orderRow(o));
      })
      .immediate();
    return { shops: shops.length, merchants: merchants.length, orders: orders.length };
  }

  /** Empties every table but `meta` (which keeps the dev clock). Files on disk are the FileStore's. */
  reset(): void {
    this.db
      .transaction(() => {
        for (const t of TABLES) this.db.exec(`DELETE FROM ${t}`);
      })
      .immediate();
  }

  shopCount(): number {
    return (this.st.get('SELECT COUNT(*) AS n FROM shops').get() as { n: number }).n;
  }

  /** Notifications in the order they were committed. */
  outbox(filter: OutboxFilter = {}): OutboxEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.toOpenid !== undefined) {
      where.push('to_openid = ?');
      params.push(filter.toOpenid);
    }
    if (filter.caseId !== undefined) {
      where.push('case_id = ?');
      params.push(filter.caseId);
    }
    const rows = this.st
      .get(`SELECT doc, delivered_at FROM outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid`)
      .all(...params) as { doc: string; delivered_at: number | null }[];
    return rows.map((r) => {
      const n = JSON.parse(r.doc) as OutboxEntry;
      if (r.delivered_at !== null) n.deliveredAt = r.delivered_at;
      return n;
    });
  }

  tickets(caseId?: string): Ticket[] {
    const rows = (
      caseId === undefined
        ? this.st.get('SELECT doc FROM tickets ORDER BY rowid').all()
        : this.st.get('SELECT doc FROM tickets WHERE case_id = ? ORDER BY rowid').all(caseId)
    ) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Ticket);
  }

  markDelivered(ids: readonly string[], at: number): void {
    const mark = this.st.get('UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL');
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, id);
    })();
  }

  merchants(): { openid: string; shopId: string; role: MerchantRole; name?: string; shopName?: string }[] {
    const rows = this.st
      .get('SELECT m.doc AS m, s.doc AS s FROM merchants m LEFT JOIN shops s ON s.id = m.shop_id ORDER BY m.rowid')
      .all() as { m: string; s: string | null }[];
    return rows.map((r) => {
      const m = JSON.parse(r.m) as Merchant;
      const shopName = r.s ? (JSON.parse(r.s) as Shop).name : undefined;
      return { ...m, ...(shopName !== undefined ? { shopName } : {}) };
    });
  }

  /** Openids that own at least one order and are not merchants: the buyers one may sign in as. */
  buyerOpenids(): string[] {
    const rows = this.st
      .get(
        `SELECT buyer_openid AS openid FROM orders WHERE buyer_openid NOT IN (SELECT openid FROM merchants)
         GROUP BY buyer_openid ORDER BY MIN(rowid)`,
      )
      .all() as { openid: string }[];
    return rows.map((r) => r.openid);
  }

  fileAudience(fileId: string): FileAudience {
    const rows = this.st
      .get('SELECT DISTINCT c.buyer_openid AS buyer, c.shop_id AS shop FROM case_files f JOIN cases c ON c.id = f.case_id WHERE f.file_id = ?')
      .all(fileId) as { buyer: string; shop: string }[];
    return {
      buyerOpenids: [...new Set(rows.map((r) => r.buyer))],
      shopIds: [...new Set(rows.map((r) => r.shop))],
    };
  }
}
