/**
 * R3's yearly sum from the running totals (migration 3) must equal the sum over the rows, whatever
 * sequence of inserts, approvals, cancellations, failures and resets led there, on both sides of the
 * Shanghai new year (2027-01-01 00:00 +08:00 = 2026-12-31 16:00 UTC).
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { AfterSaleCase } from '../../../../../types/domain';
import { calendarYearRange } from '../../../../core/time';
import { SqliteCaseRepo } from '../cases';
import { SqliteDevStore } from '../devStore';
import { migrate, openSqlite, type Db } from '../open';
import { MIGRATIONS } from '../schema';
import { makeCase, nextVersion } from '../../../../../test/support/fixtures';

const NEW_YEAR = Date.UTC(2026, 11, 31, 16, 0, 0);
const HOUR = 3_600_000;
const SHOPS = ['shop_a', 'shop_b'];
const YEARS = [calendarYearRange(NEW_YEAR - 1), calendarYearRange(NEW_YEAR)];
/** Migrations before the running totals (schema.ts: the third one adds them). */
const YEAR_TOTALS_MIGRATION = 2;

/** The definition: every row approved in [from, to), not the excluded one. */
function scanned(db: Db, shopId: string, from: number, to: number, exclude = ''): number {
  return (
    db
      .prepare('SELECT COALESCE(SUM(committed_fen), 0) AS fen FROM cases WHERE shop_id = ? AND approved_at >= ? AND approved_at < ? AND id <> ?')
      .get(shopId, from, to, exclude) as { fen: number }
  ).fen;
}

type Op =
  | { kind: 'insert'; shop: number; approvedOffsetH: number | null; amountFen: number }
  | { kind: 'approve'; pick: number; approvedOffsetH: number; amountFen: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'failForGood'; pick: number }
  | { kind: 'reset' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    shop: fc.integer({ min: 0, max: SHOPS.length - 1 }),
    approvedOffsetH: fc.option(fc.integer({ min: -48, max: 48 }), { nil: null }),
    amountFen: fc.integer({ min: 1, max: 500_000 }),
  }),
  fc.record({
    kind: fc.constant('approve' as const),
    pick: fc.nat(),
    approvedOffsetH: fc.integer({ min: -48, max: 48 }),
    amountFen: fc.integer({ min: 1, max: 500_000 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('failForGood' as const), pick: fc.nat() }),
  fc.constant({ kind: 'reset' as const }),
);

async function run(ops: Op[]): Promise<void> {
  const db = openSqlite(':memory:');
  const repo = new SqliteCaseRepo(db);
  const store = new SqliteDevStore(db);
  let live: AfterSaleCase[] = [];
  for (const o of ops) {
    if (o.kind === 'reset') {
      store.reset();
      live = [];
    } else if (o.kind === 'insert') {
      const approvedAt = o.approvedOffsetH === null ? undefined : NEW_YEAR + o.approvedOffsetH * HOUR;
      const c = makeCase({
        shopId: SHOPS[o.shop],
        amountFen: o.amountFen,
        status: approvedAt === undefined ? 'PENDING' : 'REFUNDING',
        ...(approvedAt === undefined ? {} : { approvedAt, approvedFen: o.amountFen }),
      });
      const inserted = await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), []);
      expect(inserted.inserted).toBe(true);
      live.push(c);
    } else if (live.length > 0) {
      const i = o.pick % live.length;
      const before = live[i];
      const changes: Partial<AfterSaleCase> =
        o.kind === 'approve'
          ? { status: 'REFUNDING', approvedAt: NEW_YEAR + o.approvedOffsetH * HOUR, approvedFen: o.amountFen }
          : o.kind === 'cancel'
            ? { status: 'CANCELLED' }
            : { status: 'REFUND_FAILED', lastError: { code: 'AMOUNT_EXCEEDS_LIMIT', message: '已达上限', solution: '联系平台' } };
      const after = nextVersion(before, changes);
      expect(await repo.update(after, before.version, [])).toBe(true);
      live[i] = after;
    }
    for (const shop of SHOPS) {
      for (const [from, to] of YEARS) {
        expect(await repo.shopCommittedFen(shop, from, to)).toBe(scanned(db, shop, from, to));
        const excluded = live.find((c) => c.shopId === shop);
        if (excluded) expect(await repo.shopCommittedFen(shop, from, to, excluded._id)).toBe(scanned(db, shop, from, to, excluded._id));
      }
    }
  }
  db.close();
}

describe('R3 yearly running totals (shop_year_committed)', () => {
  it('equal the sum over the rows after any sequence of writes, on both sides of the Shanghai new year', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), run), { numRuns: 150 });
  });

  it('count an approval at 2027-01-01 00:00 Shanghai in 2027 and one a millisecond earlier in 2026', async () => {
    const db = openSqlite(':memory:');
    const repo = new SqliteCaseRepo(db);
    for (const [approvedAt, amountFen] of [
      [NEW_YEAR - 1, 100],
      [NEW_YEAR, 20_000],
    ]) {
      const c = makeCase({ shopId: 'shop_a', status: 'REFUNDING', approvedAt, approvedFen: amountFen, amountFen });
      await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), []);
    }
    expect(await repo.shopCommittedFen('shop_a', ...YEARS[0])).toBe(100);
    expect(await repo.shopCommittedFen('shop_a', ...YEARS[1])).toBe(20_000);
    db.close();
  });

  it('a database migrated with approvals already in it starts from their sums', async () => {
    const db = new Database(':memory:');
    for (let v = 0; v < YEAR_TOTALS_MIGRATION; v += 1) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${YEAR_TOTALS_MIGRATION}`);
    const repo = new SqliteCaseRepo(db);
    for (const [approvedAt, approvedFen] of [
      [NEW_YEAR - HOUR, 3_000],
      [NEW_YEAR + HOUR, 7_000],
      [NEW_YEAR + 2 * HOUR, 500],
    ]) {
      const c = makeCase({ shopId: 'shop_a', status: 'REFUNDED', approvedAt, approvedFen });
      await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), []);
    }
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(await repo.shopCommittedFen('shop_a', ...YEARS[0])).toBe(3_000);
    expect(await repo.shopCommittedFen('shop_a', ...YEARS[1])).toBe(7_500);
    db.close();
  });
});
