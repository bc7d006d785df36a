/**
 * Migrations, applied in order and recorded in `PRAGMA user_version`. Never edit a shipped one: add
 * the next. Documents are stored whole as JSON (`doc`, what the API returns); the other columns are
 * copies of the fields the queries filter and sort on, each query backed by one index (checked with
 * EXPLAIN QUERY PLAN in the adapter's tests).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  CREATE TABLE shops (id TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT;

  CREATE TABLE merchants (
    openid TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL,
    role TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;

  CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL,
    buyer_openid TEXT NOT NULL,
    status TEXT NOT NULL,
    paid_at INTEGER NOT NULL,
    delivered_at INTEGER,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX orders_buyer ON orders (buyer_openid, paid_at, id);
  CREATE INDEX orders_buyer_status ON orders (buyer_openid, status, paid_at, id);
  CREATE INDEX orders_shop_delivered ON orders (shop_id, delivered_at) WHERE delivered_at IS NOT NULL;

  CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    buyer_openid TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    status TEXT NOT NULL,
    timer_at INTEGER,
    deadline_at INTEGER,
    -- deadline_at, or the largest safe integer when there is none: keyset pages need a total order.
    deadline_key INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    approved_at INTEGER,
    -- What the case holds against the shop's yearly cap (R3); 0 once cancelled, closed or failed for good.
    committed_fen INTEGER NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX cases_idem ON cases (buyer_openid, idem_key);
  CREATE INDEX cases_due ON cases (timer_at, id) WHERE timer_at IS NOT NULL;
  CREATE INDEX cases_order ON cases (order_id, created_at, id);
  CREATE INDEX cases_buyer ON cases (buyer_openid, created_at, id);
  CREATE INDEX cases_buyer_status ON cases (buyer_openid, status, created_at, id);
  CREATE INDEX cases_shop_created ON cases (shop_id, created_at, id);
  CREATE INDEX cases_shop_status_created ON cases (shop_id, status, created_at, id);
  CREATE INDEX cases_shop_status_deadline ON cases (shop_id, status, deadline_key, id);
  CREATE INDEX cases_status_deadline ON cases (status, deadline_key, id);
  CREATE INDEX cases_shop_approved ON cases (shop_id, approved_at) WHERE approved_at IS NOT NULL;

  -- outRefundNo → case (the refund callback names only the refund number).
  CREATE TABLE case_refunds (out_refund_no TEXT PRIMARY KEY, case_id TEXT NOT NULL) STRICT;
  -- Evidence file → case, so the file route can tell which buyers and shops may read a file.
  CREATE TABLE case_files (file_id TEXT NOT NULL, case_id TEXT NOT NULL, PRIMARY KEY (file_id, case_id)) STRICT;

  -- Counters bumped by every case insert, per order and per buyer: a racing apply that read an older
  -- value is refused (ports.ts ApplyGuard).
  CREATE TABLE apply_guards (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) STRICT;

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    to_openid TEXT NOT NULL,
    case_id TEXT,
    template_key TEXT NOT NULL,
    delivered_at INTEGER,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX outbox_case ON outbox (case_id);
  CREATE INDEX outbox_to ON outbox (to_openid);

  CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    out_refund_no TEXT NOT NULL,
    openid TEXT NOT NULL,
    at INTEGER NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX tickets_case ON tickets (case_id);

  CREATE TABLE risk_lifts (
    id INTEGER PRIMARY KEY,
    openid TEXT NOT NULL,
    at INTEGER NOT NULL,
    note TEXT NOT NULL,
    by_openid TEXT NOT NULL
  ) STRICT;
  CREATE INDEX risk_lifts_openid ON risk_lifts (openid, at);

  CREATE TABLE uploads (
    file_id TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    original_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  -- The simulated WeChat Pay refund gateway's own books (adapters/local/gateway.ts).
  CREATE TABLE gateway_refunds (
    out_refund_no TEXT PRIMARY KEY,
    refund_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    total_fen INTEGER NOT NULL,
    pay_channel TEXT NOT NULL,
    method TEXT NOT NULL,
    account TEXT,
    requested_at INTEGER NOT NULL,
    start_at INTEGER NOT NULL,
    settle_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    failure TEXT,
    -- 1 once a query or a callback has reported the outcome: it stays final even if the dev clock goes back.
    observed INTEGER NOT NULL DEFAULT 0,
    notify_target INTEGER NOT NULL,
    notified INTEGER NOT NULL DEFAULT 0,
    notify_failures INTEGER NOT NULL DEFAULT 0,
    next_notify_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX gateway_order ON gateway_refunds (order_id, start_at);
  CREATE INDEX gateway_case ON gateway_refunds (case_id);
  CREATE INDEX gateway_undelivered ON gateway_refunds (next_notify_at) WHERE notified < notify_target;
  `,
  // R3's yearly sum (shopCommittedFen, read by every apply and approval) fetched each approved row of
  // the shop's year from the table: 45 ms per apply for a shop with 8,000 refunds (npm run bench).
  // Covering it (committed_fen, and id for the excluded case) makes it a range scan of the index alone.
  `
  DROP INDEX cases_shop_approved;
  CREATE INDEX cases_shop_approved ON cases (shop_id, approved_at, committed_fen, id) WHERE approved_at IS NOT NULL;
  `,
  // Even index-only, that sum still walked every approval of the shop's year: 0.7 ms per approval in a
  // shop with 10,000 of them, 37% of a 20,000-case sweep (npm run bench profile). The triggers keep it
  // per shop and Shanghai calendar year (UTC+8, no DST), in the same transaction as the case write.
  `
  CREATE TABLE shop_year_committed (
    shop_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    fen INTEGER NOT NULL,
    PRIMARY KEY (shop_id, year)
  ) STRICT;

  INSERT INTO shop_year_committed (shop_id, year, fen)
    SELECT shop_id, CAST(strftime('%Y', (approved_at + 28800000) / 1000, 'unixepoch') AS INTEGER), SUM(committed_fen) FROM cases
    WHERE approved_at IS NOT NULL GROUP BY 1, 2;

  CREATE TRIGGER cases_committed_insert AFTER INSERT ON cases
  WHEN NEW.approved_at IS NOT NULL AND NEW.committed_fen <> 0
  BEGIN
    INSERT INTO shop_year_committed (shop_id, year, fen) VALUES (NEW.shop_id, CAST(strftime('%Y', (NEW.approved_at + 28800000) / 1000, 'unixepoch') AS INTEGER), NEW.committed_fen)
    ON CONFLICT (shop_id, year) DO UPDATE SET fen = fen + excluded.fen;
  END;

  CREATE TRIGGER cases_committed_update AFTER UPDATE OF shop_id, approved_at, committed_fen ON cases
  WHEN OLD.shop_id IS NOT NEW.shop_id OR OLD.approved_at IS NOT NEW.approved_at OR OLD.committed_fen IS NOT NEW.committed_fen
  BEGIN
    UPDATE shop_year_committed SET fen = fen - OLD.committed_fen
    WHERE OLD.approved_at IS NOT NULL AND shop_id = OLD.shop_id AND year = CAST(strftime('%Y', (OLD.approved_at + 28800000) / 1000, 'unixepoch') AS INTEGER);
    INSERT INTO shop_year_committed (shop_id, year, fen)
    SELECT NEW.shop_id, CAST(strftime('%Y', (NEW.approved_at + 28800000) / 1000, 'unixepoch') AS INTEGER), NEW.committed_fen WHERE NEW.approved_at IS NOT NULL AND NEW.committed_fen <> 0
    ON CONFLICT (shop_id, year) DO UPDATE SET fen = fen + excluded.fen;
  END;

  CREATE TRIGGER cases_committed_delete AFTER DELETE ON cases
  WHEN OLD.approved_at IS NOT NULL AND OLD.committed_fen <> 0
  BEGIN
    UPDATE shop_year_committed SET fen = fen - OLD.committed_fen WHERE shop_id = OLD.shop_id AND year = CAST(strftime('%Y', (OLD.approved_at + 28800000) / 1000, 'unixepoch') AS INTEGER);
  END;
  `,
  // Upload quota (SPEC §4 "Uploads", LIMITS.uploadQuota): each upload counts one uploader's files and
  // bytes of the last 30 days, in the transaction that records it; covered, it is a range scan of the index.
  `
  CREATE INDEX uploads_openid_created ON uploads (openid, created_at, size);
  `,
  // SPEC §7 demo checkout: orders change (compare-and-set on version), are swept (timer_at: the 10-day
  // auto-confirm, a cancellation's refund), listed per shop, and cancellations' refunds count toward R3's
  // year. The simulated gateway keeps its payments beside its refunds.
  `
  ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE orders ADD COLUMN timer_at INTEGER;
  ALTER TABLE orders ADD COLUMN cancelled_at INTEGER;
  ALTER TABLE orders ADD COLUMN cancel_refund_fen INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX orders_due ON orders (timer_at, id) WHERE timer_at IS NOT NULL;
  CREATE INDEX orders_shop ON orders (shop_id, paid_at, id);
  CREATE INDEX orders_shop_status ON orders (shop_id, status, paid_at, id);
  CREATE INDEX orders_shop_cancelled ON orders (shop_id, cancelled_at, cancel_refund_fen) WHERE cancelled_at IS NOT NULL;

  CREATE TABLE gateway_payments (
    out_trade_no TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    payer_openid TEXT NOT NULL,
    total_fen INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    paid_at INTEGER,
    notified INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX gateway_payments_unnotified ON gateway_payments (paid_at) WHERE notified = 0 AND paid_at IS NOT NULL;
  `,
  // SPEC §7 people and orders in: one-time codes (setup → OWNER, invite → STAFF) and each shop's
  // order-sync key, both by their SHA-256 only.
  `
  CREATE TABLE access_codes (
    hash TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL,
    used_at INTEGER,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE TABLE shop_sync_keys (shop_id TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT;
  `,
  // R3's cap guard for order cancellations (docs/DESIGN.md "Cap guard: order cancellations"): what the
  // shop's cancelled orders hold in refunds, per Shanghai year of the cancellation, kept beside the
  // cases' total by triggers in the transaction that writes the order, so both an approval and a
  // cancellation check cases + cancellations against ¥500,000 at their commit.
  `
  ALTER TABLE shop_year_committed ADD COLUMN orders_fen INTEGER NOT NULL DEFAULT 0;

  INSERT INTO shop_year_committed (shop_id, year, fen, orders_fen)
    SELECT shop_id, CAST(strftime('%Y', (cancelled_at + 28800000) / 1000, 'unixepoch') AS INTEGER), 0, SUM(cancel_refund_fen) FROM orders
    WHERE cancelled_at IS NOT NULL GROUP BY 1, 2
    ON CONFLICT (shop_id, year) DO UPDATE SET orders_fen = excluded.orders_fen;

  CREATE TRIGGER orders_cancel_insert AFTER INSERT ON orders
  WHEN NEW.cancelled_at IS NOT NULL AND NEW.cancel_refund_fen <> 0
  BEGIN
    INSERT INTO shop_year_committed (shop_id, year, fen, orders_fen) VALUES (NEW.shop_id, CAST(strftime('%Y', (NEW.cancelled_at + 28800000) / 1000, 'unixepoch') AS INTEGER), 0, NEW.cancel_refund_fen)
    ON CONFLICT (shop_id, year) DO UPDATE SET orders_fen = orders_fen + excluded.orders_fen;
  END;

  CREATE TRIGGER orders_cancel_update AFTER UPDATE OF shop_id, cancelled_at, cancel_refund_fen ON orders
  WHEN OLD.shop_id IS NOT NEW.shop_id OR OLD.cancelled_at IS NOT NEW.cancelled_at OR OLD.cancel_refund_fen IS NOT NEW.cancel_refund_fen
  BEGIN
    UPDATE shop_year_committed SET orders_fen = orders_fen - OLD.cancel_refund_fen
    WHERE OLD.cancelled_at IS NOT NULL AND shop_id = OLD.shop_id AND year = CAST(strftime('%Y', (OLD.cancelled_at + 28800000) / 1000, 'unixepoch') AS INTEGER);
    INSERT INTO shop_year_committed (shop_id, year, fen, orders_fen)
    SELECT NEW.shop_id, CAST(strftime('%Y', (NEW.cancelled_at + 28800000) / 1000, 'unixepoch') AS INTEGER), 0, NEW.cancel_refund_fen WHERE NEW.cancelled_at IS NOT NULL AND NEW.cancel_refund_fen <> 0
    ON CONFLICT (shop_id, year) DO UPDATE SET orders_fen = orders_fen + excluded.orders_fen;
  END;

  CREATE TRIGGER orders_cancel_delete AFTER DELETE ON orders
  WHEN OLD.cancelled_at IS NOT NULL AND OLD.cancel_refund_fen <> 0
  BEGIN
    UPDATE shop_year_committed SET orders_fen = orders_fen - OLD.cancel_refund_fen WHERE shop_id = OLD.shop_id AND year = CAST(strftime('%Y', (OLD.cancelled_at + 28800000) / 1000, 'unixepoch') AS INTEGER);
  END;
  `,
  // The owner's list of pending invites (merchant.invites): the shop's unused codes.
  `
  CREATE INDEX access_codes_shop_unused ON access_codes (shop_id) WHERE used_at IS NULL;
  `,
];
