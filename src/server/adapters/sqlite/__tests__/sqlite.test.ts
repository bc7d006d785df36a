import fs from 'fs';
import os from 'os';
import path from 'path';
import Database from 'better-sqlite3';
import { DEFAULT_SETTINGS } from '../../../../core/settings';
import { SqliteCaseRepo } from '../cases';
import { SqliteDevStore } from '../devStore';
import { DB_FILE_NAME, openSqlite, WAL_AUTOCHECKPOINT_PAGES, type Db } from '../open';
import { SqliteOrderRepo, SqliteRiskRepo } from '../repos';
import { MIGRATIONS } from '../schema';
import { makeCase, makeNotification, makeOrder, nextVersion, T0 } from '../../../../../test/support/fixtures';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-sqlite-'));
}

/** Records the SQL text of every statement the repositories prepare. */
function recordingDb(): { db: Db; sql: Set<string> } {
  const db = openSqlite(':memory:');
  const sql = new Set<string>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    sql.add(source);
    return prepare(source);
  }) as Db['prepare'];
  return { db, sql };
}

function plan(db: Db, source: string): string[] {
  const params = Array.from({ length: (source.match(/\?/g) ?? []).length }, () => 1);
  return (db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

describe('openSqlite', () => {
  it('opens a file database in WAL mode with every migration applied, and reopens it unchanged', () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(WAL_AUTOCHECKPOINT_PAGES).toBeGreaterThan(1_000);
    expect(db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    const again = openSqlite(dir, { synchronous: 'FULL' });
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(again.pragma('synchronous', { simple: true })).toBe(2);
    again.close();
    expect(fs.existsSync(path.join(dir, DB_FILE_NAME))).toBe(true);
  });

  it('keeps committed cases across close and reopen', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    const c = makeCase();
    const repo = new SqliteCaseRepo(db);
    await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), [makeNotification({ caseId: c._id })]);
    await repo.update(nextVersion(c, { status: 'CANCELLED', timerAt: undefined }), c.version, []);
    db.close();
    const reopened = openSqlite(dir);
    const stored = await new SqliteCaseRepo(reopened).get(c._id);
    expect(stored?.status).toBe('CANCELLED');
    expect(stored?.version).toBe(c.version + 1);
    expect(new SqliteDevStore(reopened).outbox()).toHaveLength(1);
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });

  it('a second connection to the same file sees a guard bumped by the first and refuses the stale insert', async () => {
    const dir = tempDir();
    const a = new SqliteCaseRepo(openSqlite(dir));
    const b = new SqliteCaseRepo(openSqlite(dir));
    const first = makeCase({ orderId: 'o-shared' });
    const second = makeCase({ orderId: 'o-shared', buyerOpenid: 'oOther' });
    const staleForB = await b.readGuard('o-shared', 'oOther');
    expect(await a.insert(first, await a.readGuard('o-shared', first.buyerOpenid), [])).toEqual({ inserted: true });
    expect(await b.insert(second, staleForB, [])).toEqual({ inserted: false, reason: 'CONFLICT' });
  });
});

describe('query plans', () => {
  it('every query the repositories prepare is answered from an index: no table scan, no sort of the result', async () => {
    const { db, sql } = recordingDb();
    const cases = new SqliteCaseRepo(db);
    const orders = new SqliteOrderRepo(db);
    const risk = new SqliteRiskRepo(db);
    const c = makeCase({ status: 'PENDING' });
    await cases.insert(c, await cases.readGuard(c.orderId, c.buyerOpenid), [makeNotification({ caseId: c._id })]);
    await cases.update(nextVersion(c, { refunds: [{ outRefundNo: `${c._id}-1`, amountFen: 1, status: 'PROCESSING', at: T0, method: 'ORIGINAL' }] }), c.version, []);
    await cases.get(c._id);
    await cases.findByIdempotencyKey(c.buyerOpenid, c.idempotencyKey);
    await cases.findByOutRefundNo(`${c._id}-1`);
    await cases.listByOrder(c.orderId);
    await cases.buyerCaseTimes(c.buyerOpenid, 0);
    await cases.shopCommittedFen(c.shopId, 0, T0);
    await cases.due(T0, 10);
    // A page of one, so the keyset condition of the second page is planned too.
    for await (const page of cases.scanForStats(c.shopId, 0, T0, 1)) expect(page).toHaveLength(1);
    for (const status of [undefined, 'PENDING', 'REFUNDED'] as const) {
      const first = await cases.listForShop(c.shopId, { status, limit: 1 });
      await cases.listForBuyer(c.buyerOpenid, { status, limit: 1 });
      expect(first.items).toHaveLength(status === 'REFUNDED' ? 0 : 1);
    }
    // A second page of each list, so the keyset condition's plan is checked too.
    const seedMore = makeCase({ shopId: c.shopId, buyerOpenid: c.buyerOpenid, orderId: 'o2' });
    await cases.insert(seedMore, await cases.readGuard('o2', c.buyerOpenid), []);
    for (const status of [undefined, 'PENDING'] as const) {
      const p = await cases.listForShop(c.shopId, { status, limit: 1 });
      await cases.listForShop(c.shopId, { status, limit: 1, cursor: p.nextCursor! });
      const b = await cases.listForBuyer(c.buyerOpenid, { status, limit: 1 });
      await cases.listForBuyer(c.buyerOpenid, { status, limit: 1, cursor: b.nextCursor! });
    }
    const e = await cases.listEscalated({ limit: 1 });
    expect(e.nextCursor).toBeNull();
    await orders.get('o');
    await orders.listForBuyer('b', { limit: 1 });
    await orders.listForBuyer('b', { status: 'DELIVERED', limit: 1 });
    await orders.countDelivered('s', 0, T0);
    await risk.liftedAt('b');

    const reads = [...sql].filter((s) => /^\s*SELECT/i.test(s));
    expect(reads.length).toBeGreaterThanOrEqual(20);
    const offenders = reads
      .map((s) => ({ sql: s.replace(/\s+/g, ' '), plan: plan(db, s) }))
      .filter((p) => p.plan.some((d) => /^SCAN (cases|orders|case_refunds|risk_lifts|apply_guards)\b/.test(d) || /TEMP B-TREE/.test(d)));
    expect(offenders).toEqual([]);
  });

  it('the plans named in the brief use the intended indexes', () => {
    const db = openSqlite(':memory:');
    const uses = (source: string, index: string) => expect(plan(db, source).join(' | ')).toContain(index);
    uses('SELECT doc FROM cases WHERE timer_at IS NOT NULL AND timer_at <= ? ORDER BY timer_at, id LIMIT ?', 'cases_due');
    uses("SELECT deadline_key AS k, id, doc FROM cases WHERE shop_id = ? AND status = 'PENDING' AND (deadline_key, id) > (?, ?) ORDER BY deadline_key ASC, id ASC LIMIT ?", 'cases_shop_status_deadline');
    uses('SELECT created_at AS k, id, doc FROM cases WHERE buyer_openid = ? ORDER BY created_at DESC, id DESC LIMIT ?', 'cases_buyer');
    uses('SELECT doc FROM cases WHERE buyer_openid = ? AND idem_key = ?', 'cases_idem');
    uses('SELECT c.doc FROM case_refunds r JOIN cases c ON c.id = r.case_id WHERE r.out_refund_no = ?', 'sqlite_autoindex_case_refunds_1');
  });
});

describe('SqliteDevStore', () => {
  it('seeds shops with every default setting, replaces by id, and reset empties every table', () => {
    const db = openSqlite(':memory:');
    const store = new SqliteDevStore(db);
    store.seed({
      shops: [{ _id: 's1', name: '好物小铺', verified: true, settings: { hotline: '13957101234' } }],
      merchants: [{ openid: 'oM', shopId: 's1', role: 'OWNER' }],
      orders: [makeOrder({ _id: 'o1', shopId: 's1' })],
    });
    const shop = JSON.parse((db.prepare('SELECT doc FROM shops WHERE id = ?').get('s1') as { doc: string }).doc);
    expect(shop.settings).toEqual({ ...DEFAULT_SETTINGS, hotline: '13957101234' });
    store.seed({ merchants: [{ openid: 'oM', shopId: 's2', role: 'STAFF' }] });
    expect(store.merchants()).toEqual([{ openid: 'oM', shopId: 's2', role: 'STAFF' }]);
    expect(store.buyerOpenids()).toEqual(['oBuyerTest']);
    store.reset();
    const counts = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'meta'").all() as { name: string }[]).map(
      ({ name }) => (db.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n,
    );
    expect(counts.every((n) => n === 0)).toBe(true);
    expect(store.shopCount()).toBe(0);
  });

  it('tells which buyers and shops a file is evidence for', async () => {
    const db = openSqlite(':memory:');
    const cases = new SqliteCaseRepo(db);
    const fileId = 'local://evidence/oBuyerTest/0123456789abcdef0123456789abcdef.jpg';
    const c = makeCase({ evidence: [{ fileId, kind: 'image', sha256: 'a'.repeat(64) }] });
    await cases.insert(c, await cases.readGuard(c.orderId, c.buyerOpenid), []);
    expect(new SqliteDevStore(db).fileAudience(fileId)).toEqual({ buyerOpenids: [c.buyerOpenid], shopIds: [c.shopId] });
    expect(new SqliteDevStore(db).fileAudience('local://evidence/x/y.jpg')).toEqual({ buyerOpenids: [], shopIds: [] });
  });

  it('filters the outbox by recipient and case, and marks rows delivered once', async () => {
    const db = openSqlite(':memory:');
    const cases = new SqliteCaseRepo(db);
    const store = new SqliteDevStore(db);
    const c = makeCase();
    const n1 = makeNotification({ caseId: c._id, toOpenid: 'oA' });
    const n2 = makeNotification({ caseId: c._id, toOpenid: 'oB' });
    await cases.insert(c, await cases.readGuard(c.orderId, c.buyerOpenid), [n1, n2]);
    expect(store.outbox({ toOpenid: 'oB' }).map((n) => n._id)).toEqual([n2._id]);
    store.markDelivered([n1._id], T0);
    store.markDelivered([n1._id], T0 + 5);
    expect(store.outbox({ caseId: c._id }).map((n) => n.deliveredAt)).toEqual([T0, undefined]);
  });
});

describe('integrity', () => {
  it('a database file written by this adapter passes PRAGMA integrity_check and foreign tables stay consistent', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    const cases = new SqliteCaseRepo(db);
    for (let i = 0; i < 50; i += 1) {
      const c = makeCase({ orderId: `o${i % 5}` });
      await cases.insert(c, await cases.readGuard(c.orderId, c.buyerOpenid), []);
    }
    db.close();
    const raw = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((raw.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n).toBe(50);
    expect((raw.prepare("SELECT seq FROM apply_guards WHERE scope = 'buyer'").get() as { seq: number }).seq).toBe(50);
    raw.close();
  });
});
