/**
 * R3's caps under concurrent approvals on the cloud adapters, through the real wx-server-sdk against
 * the loopback service (docs/DESIGN.md "Cap guard"). The use case reads the totals before it writes;
 * two approvals in flight together both read the same totals, so the cap must be claimed in the commit
 * that writes the case: the running total in `as_counters` moves in the same transaction.
 */
import type { AfterSaleCase, Notification, Order } from '../../types/domain';
import { makeCase } from '../../src/core/__tests__/fixtures';
import { cancelOrder } from '../../src/core/orders';
import { orderRefundCapFen } from '../../src/core/rules';
import { LIMITS, shopWithDefaults } from '../../src/core/settings';
import { DAY_MS } from '../../src/core/time';
import { createLocalServices } from '../../src/server/adapters/local/services';
import { createWxServices } from '../../src/server/adapters/wx';
import { capClaimOf } from '../../src/server/caps';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import { caseDocument } from '../../src/server/adapters/wx/docs';
import { handleAfterSale, type Reply } from '../../src/server/handler';
import type { Services } from '../../src/server/ports';
import { startLoopback, type Loopback } from './fake/loopback';
import { sequentialRoundTrips, type TracedRequest } from '../../src/server/adapters/cloudsim/service';

/** 2026-11-20 10:00 in Shanghai. */
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const OWNER = 'oOwner_cap';
const SHOP = 'shop_cap';

let lb: Loopback;
let svc: Services;

beforeAll(async () => {
  lb = await startLoopback();
  svc = { ...createWxServices(lb.cloud, { subMchId: '1900000109', envId: 'prod-7g3h', notifyFunction: 'refundNotify' }), clock: { now: () => T0 } };
});

afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

beforeEach(() => {
  lb.fake.reset();
  lb.fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: SHOP, name: '封顶小店', verified: true }) as never]);
  lb.fake.seed(COLLECTIONS.merchants, [{ _id: OWNER, shopId: SHOP, role: 'OWNER' } as never]);
});

function seedOrder(id: string, buyer: string, lines: { skuId: string; fen: number }[]): Order {
  const paidFen = lines.reduce((s, l) => s + l.fen, 0);
  const o: Order = {
    _id: id,
    shopId: SHOP,
    buyerOpenid: buyer,
    status: 'DELIVERED',
    paidFen,
    shippingFen: 0,
    payChannel: 'WECHAT',
    paidAt: T0 - 5 * DAY_MS,
    shippedAt: T0 - 4 * DAY_MS,
    deliveredAt: T0 - 2 * DAY_MS,
    items: lines.map((l) => ({ skuId: l.skuId, title: l.skuId, unitFen: l.fen, qty: 1, paidFen: l.fen, kind: 'NORMAL' as const })),
  };
  lb.fake.seed(COLLECTIONS.orders, [o as never]);
  return o;
}

async function call(openid: string, body: Record<string, unknown>): Promise<Reply> {
  return handleAfterSale(svc, openid, body);
}

async function apply(o: Order, skuId: string, amountFen: number, key: string): Promise<AfterSaleCase> {
  const r = await call(o.buyerOpenid, {
    action: 'apply',
    orderId: o._id,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId, qty: 1 }],
    amountFen,
    description: '收到就是坏的',
    evidence: [],
    idempotencyKey: key,
  });
  if (!r.body.ok) throw new Error(JSON.stringify(r.body.error));
  return r.body.data as AfterSaleCase;
}

/** What was asked of WeChat Pay per order (cloudPay.refund calls). */
function sentFen(orderId: string): number {
  let sum = 0;
  for (const r of lb.fake.refunds.values()) if (r.outTradeNo === orderId) sum += r.refundFee;
  return sum;
}

test('R3 cap guard: two ¥50 cases on one ¥100 order approved at once with ¥5 compensation each never send more than ¥105 (10 rounds)', async () => {
  for (let round = 0; round < 10; round += 1) {
    const buyer = `oBuyer_pair_${round}`;
    const o = seedOrder(`ord_pair_${round}`, buyer, [
      { skuId: 'left', fen: 5_000 },
      { skuId: 'right', fen: 5_000 },
    ]);
    const a = await apply(o, 'left', 5_000, `pair-${round}-a`);
    const b = await apply(o, 'right', 5_000, `pair-${round}-b`);
    const replies = await Promise.all(
      [a, b].map((c) => call(OWNER, { action: 'merchant.approve', caseId: c._id, compensationFen: 500 })),
    );
    const approved = replies.filter((r) => r.body.ok).map((r) => (r.body.ok ? (r.body.data as AfterSaleCase) : null)!);
    const refused = replies.filter((r) => !r.body.ok).map((r) => (r.body.ok ? '' : r.body.error.code));
    expect(approved).toHaveLength(1);
    expect(refused).toEqual(['AMOUNT_EXCEEDS_LIMIT']);
    const cases = await svc.cases.listByOrder(o._id);
    const agreed = cases.reduce((s, c) => s + (c.approvedFen ?? 0), 0);
    expect(agreed).toBeLessThanOrEqual(orderRefundCapFen(o));
    expect(sentFen(o._id)).toBeLessThanOrEqual(orderRefundCapFen(o));
    expect(sentFen(o._id)).toBe(5_500);
    // The running total agrees with the cases (open: agreed or asked).
    const total = lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:order:${o._id}`) as { fen: number } | undefined;
    expect(total?.fen).toBe(10_500);
  }
}, 60_000);

test('R3 cap guard: three ¥200,000 cases of one shop approved at once never pass the ¥500,000 yearly cap', async () => {
  const cases: AfterSaleCase[] = [];
  for (let i = 0; i < 3; i += 1) {
    const o = seedOrder(`ord_big_${i}`, `oBuyer_big_${i}`, [{ skuId: 'sofa', fen: 20_000_000 }]);
    cases.push(await apply(o, 'sofa', 20_000_000, `big-${i}`));
  }
  const replies = await Promise.all(cases.map((c) => call(OWNER, { action: 'merchant.approve', caseId: c._id })));
  expect(replies.filter((r) => r.body.ok)).toHaveLength(2);
  expect(replies.filter((r) => !r.body.ok).map((r) => (r.body.ok ? '' : r.body.error.code))).toEqual(['AMOUNT_EXCEEDS_LIMIT']);
  const stored = await Promise.all(cases.map((c) => svc.cases.get(c._id)));
  const committed = stored.reduce((s, c) => s + (c?.approvedAt !== undefined ? (c.approvedFen ?? 0) : 0), 0);
  expect(committed).toBeLessThanOrEqual(LIMITS.yearlyRefundCapFen);
  let sent = 0;
  for (const r of lb.fake.refunds.values()) sent += r.refundFee;
  expect(sent).toBe(40_000_000);
  const [from, to] = [Date.UTC(2026, 0, 1) - 8 * 3_600_000, Date.UTC(2027, 0, 1) - 8 * 3_600_000];
  expect(await svc.cases.shopCommittedFen(SHOP, from, to)).toBe(40_000_000);
  const total = lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:year:${SHOP}:2026`) as { fen: number } | undefined;
  expect(total?.fen).toBe(40_000_000);
}, 60_000);

test('merchant.approve starts a shop’s first yearly total from the sums its facts read: nothing read twice, at most 6 sequential round trips', async () => {
  // As a live shop is: its messages' templates set, so that sending them reads nothing.
  lb.fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: SHOP, name: '封顶小店', verified: true, settings: { subscribeTemplateIds: { decision: 'TPL_DECISION', refund: 'TPL_REFUND' } } }) as never]);
  const o = seedOrder('ord_known', 'oBuyer_known', [{ skuId: 'lamp', fen: 8_000 }]);
  const c = await apply(o, 'lamp', 8_000, 'known-1');
  // Another case of the shop already approved, stored without any total document (as before the guard existed).
  lb.fake.seed(COLLECTIONS.cases, [caseDocument({ ...makeCase({ _id: 'as_old_known', orderId: 'ord_old_known', shopId: SHOP }), status: 'REFUNDED', approvedFen: 3_000, approvedAt: T0 - DAY_MS }, true) as never]);
  expect(lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:year:${SHOP}:2026`)).toBeUndefined();
  lb.fake.rttMs = 20;
  lb.fake.trace = [];
  let trace: TracedRequest[];
  try {
    const r = await call(OWNER, { action: 'merchant.approve', caseId: c._id });
    expect(r.body.ok).toBe(true);
  } finally {
    trace = lb.fake.trace;
    lb.fake.trace = null;
    lb.fake.rttMs = 0;
  }
  // The shop's committed sum is read once, with the facts (before, again inside the commit: 7 trips).
  const started = trace.find((t) => t.action === 'database.startTransaction');
  expect(started).toBeDefined();
  expect(trace.filter((t) => t.action === 'database.aggregateDocuments' && t.startMs > started!.endMs)).toEqual([]);
  expect(sequentialRoundTrips(trace)).toBeLessThanOrEqual(6);
  const total = lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:year:${SHOP}:2026`) as { fen: number } | undefined;
  expect(total?.fen).toBe(11_000);
});

describe.each(['wx', 'sqlite'] as const)('the %s CaseRepo claims R3’s caps in the commit that writes the case', (adapter) => {
  let repo: Services['cases'];
  let orders: Services['orders'];
  let outbox: () => number;
  let close: () => Promise<void> = async () => undefined;

  beforeEach(() => {
    if (adapter === 'wx') {
      repo = svc.cases;
      orders = svc.orders;
      outbox = () => lb.fake.docs(COLLECTIONS.outbox).length;
    } else {
      const local = createLocalServices({ dataDir: ':memory:', clock: { now: () => T0 } });
      repo = local.svc.cases;
      orders = local.svc.orders;
      outbox = () => (local.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
      close = () => local.close();
    }
  });
  afterEach(() => close());

  const note = (c: AfterSaleCase): Notification => ({ _id: `ntf_${c._id}`, at: T0, toOpenid: c.buyerOpenid, caseId: c._id, templateKey: 'decision', text: '同意' });
  const approved = (c: AfterSaleCase, approvedFen: number): AfterSaleCase => ({ ...c, status: 'REFUNDING', approvedFen, approvedAt: T0, version: c.version + 1, updatedAt: T0 });

  it('moves the totals with the case and refuses, writing nothing, a write that would pass the order’s 105%', async () => {
    const order = { _id: `ord_unit_${adapter}`, paidFen: 10_000 };
    // Stored before any claim (no total yet): the total starts from the stored cases.
    const a = makeCase({ orderId: order._id, shopId: SHOP });
    const b = makeCase({ orderId: order._id, shopId: SHOP, items: [{ skuId: 'sku_b', qty: 1 }] });
    for (const c of [a, b]) expect(await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), [])).toEqual({ inserted: true });
    const a2 = approved(a, 5_500);
    expect(await repo.update(a2, a.version, [note(a2)], [], capClaimOf(a2, order))).toBe(true);
    const b2 = approved(b, 5_500);
    await expect(repo.update(b2, b.version, [note(b2)], [], capClaimOf(b2, order))).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', field: 'amountFen' });
    expect(await repo.get(b._id)).toEqual(b);
    expect(outbox()).toBe(1);
    // Within the cap it goes through: ¥55 + ¥50.
    const b3 = approved(b, 5_000);
    expect(await repo.update(b3, b.version, [], [], capClaimOf(b3, order))).toBe(true);
    if (adapter === 'wx') {
      const totals = Object.fromEntries(lb.fake.docs(COLLECTIONS.counters).filter((d) => String(d._id).startsWith('total:')).map((d) => [d._id, (d as { fen: number }).fen]));
      expect(totals).toEqual({ [`total:order:${order._id}`]: 10_500, [`total:year:${SHOP}:2026`]: 10_500 });
    }
    const [from, to] = [Date.UTC(2026, 0, 1) - 8 * 3_600_000, Date.UTC(2027, 0, 1) - 8 * 3_600_000];
    expect(await repo.shopCommittedFen(SHOP, from, to)).toBe(10_500);
  });

  it('updateMany (the sweep’s batch) claims the caps write after write in one commit, leaving out the stale and the refused', async () => {
    const order = { _id: `ord_batch_${adapter}`, paidFen: 10_000 };
    const other = { _id: `ord_batch2_${adapter}`, paidFen: 10_000 };
    const a = makeCase({ orderId: order._id, shopId: SHOP });
    const b = makeCase({ orderId: order._id, shopId: SHOP, items: [{ skuId: 'sku_b', qty: 1 }] });
    const c = makeCase({ orderId: `ord_batch3_${adapter}`, shopId: SHOP });
    const d = makeCase({ orderId: other._id, shopId: SHOP });
    for (const x of [a, b, c, d]) expect(await repo.insert(x, await repo.readGuard(x.orderId, x.buyerOpenid), [])).toEqual({ inserted: true });
    // c is changed by another writer after the batch read it: its write must not overwrite that.
    const cMoved = { ...c, description: '买家补充了说明', version: c.version + 1 };
    expect(await repo.update(cMoved, c.version, [])).toBe(true);
    const [a2, b2, c2, d2] = [approved(a, 5_500), approved(b, 5_500), approved(c, 1_000), approved(d, 4_000)];
    const outcomes = await repo.updateMany([
      { case: a2, expectedVersion: a.version, notifications: [note(a2)], claim: capClaimOf(a2, order) },
      // ¥55 + ¥55 passes the order's ¥105: refused as it would be one after the other.
      { case: b2, expectedVersion: b.version, notifications: [note(b2)], claim: capClaimOf(b2, order) },
      { case: c2, expectedVersion: c.version, notifications: [note(c2)], claim: capClaimOf(c2, { _id: c.orderId, paidFen: 10_000 }) },
      { case: d2, expectedVersion: d.version, notifications: [note(d2)], claim: capClaimOf(d2, other) },
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['UPDATED', 'CAP', 'STALE', 'UPDATED']);
    expect(outcomes[1]).toMatchObject({ kind: 'CAP', error: { code: 'AMOUNT_EXCEEDS_LIMIT' } });
    expect(await repo.get(a._id)).toEqual(a2);
    expect(await repo.get(b._id)).toEqual(b);
    expect(await repo.get(c._id)).toEqual(cMoved);
    expect(await repo.get(d._id)).toEqual(d2);
    expect(outbox()).toBe(2);
    const [from, to] = [Date.UTC(2026, 0, 1) - 8 * 3_600_000, Date.UTC(2027, 0, 1) - 8 * 3_600_000];
    expect(await repo.shopCommittedFen(SHOP, from, to)).toBe(9_500);
    if (adapter === 'wx') {
      const totals = Object.fromEntries(lb.fake.docs(COLLECTIONS.counters).filter((x) => String(x._id).startsWith('total:')).map((x) => [x._id, (x as { fen: number }).fen]));
      // a's ¥55 beside b's asked ¥50; d's ¥40 where it asked ¥50; c's order untouched.
      expect(totals[`total:order:${order._id}`]).toBe(10_500);
      expect(totals[`total:order:${c.orderId}`]).toBeUndefined();
      expect(totals[`total:order:${other._id}`]).toBe(4_000);
    }
  });

  const paidOrder = (id: string, fen: number): Order => ({
    _id: id,
    shopId: SHOP,
    buyerOpenid: `oBuyer_${id}`,
    status: 'PAID',
    paidFen: fen,
    shippingFen: 0,
    payChannel: 'WECHAT',
    paidAt: T0 - DAY_MS,
    version: 1,
    items: [{ skuId: 'sofa', title: '沙发', unitFen: fen, qty: 1, paidFen: fen, kind: 'NORMAL' }],
  });

  it('counts cancelled orders’ refunds in the shop’s year: an approval and a cancellation are each refused at their commit past ¥500,000 together', async () => {
    const o1 = paidOrder(`ord_cx1_${adapter}`, 30_000_000);
    expect(await orders.insert(o1)).toBe(true);
    expect(await orders.update(cancelOrder(o1, T0, 0), 1)).toBe(true);
    const c = makeCase({ orderId: `ord_cx_case_${adapter}`, shopId: SHOP, amountFen: 25_000_000 });
    expect(await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), [])).toEqual({ inserted: true });
    const claim = (x: AfterSaleCase) => capClaimOf(x, { _id: c.orderId, paidFen: 25_000_000 });
    // ¥250,000 beside the cancellation's ¥300,000: refused, nothing written.
    const tooMuch = approved(c, 25_000_000);
    await expect(repo.update(tooMuch, c.version, [], [], claim(tooMuch))).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT' });
    expect(await repo.get(c._id)).toEqual(c);
    // ¥200,000: exactly the cap.
    const upTo = approved(c, 20_000_000);
    expect(await repo.update(upTo, c.version, [], [], claim(upTo))).toBe(true);
    // Now cancelling even a ¥1 order is refused by the order's own commit, the order as it was.
    const o2 = paidOrder(`ord_cx2_${adapter}`, 100);
    expect(await orders.insert(o2)).toBe(true);
    await expect(orders.update(cancelOrder(o2, T0, 0), 1)).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', rule: 'R3' });
    expect(await orders.get(o2._id)).toEqual(o2);
    // A refund that closes gives its share back without a check.
    const cancelled = (await orders.get(o1._id)) as Order;
    const closed = { ...cancelled, version: 3, refunds: cancelled.refunds?.map((a) => ({ ...a, status: 'CLOSED' as const })) };
    expect(await orders.update(closed, 2)).toBe(true);
    expect(await orders.update(cancelOrder(o2, T0, 0), 1)).toBe(true);
    if (adapter === 'wx') {
      const total = lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:year:${SHOP}:2026`);
      expect(total).toMatchObject({ fen: 20_000_000, ordersFen: 100 });
    }
  });

  if (adapter === 'wx') {
    it('a year total stored before it counted cancellations starts its ordersFen from the stored orders', async () => {
      const o1 = paidOrder('ord_legacy_cx', 25_000_000);
      expect(await orders.insert(o1)).toBe(true);
      expect(await orders.update(cancelOrder(o1, T0, 0), 1)).toBe(true);
      // As an older deployment left it: the cases' total only.
      lb.fake.seed(COLLECTIONS.counters, [{ _id: `total:year:${SHOP}:2026`, kind: 'YEAR', key: SHOP, year: 2026, fen: 0 } as never]);
      const c = makeCase({ orderId: 'ord_legacy_case', shopId: SHOP, amountFen: 30_000_000 });
      expect(await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), [])).toEqual({ inserted: true });
      const c2 = approved(c, 30_000_000);
      await expect(repo.update(c2, c.version, [], [], capClaimOf(c2, { _id: c.orderId, paidFen: 30_000_000 }))).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT' });
      const c3 = approved(c, 25_000_000);
      expect(await repo.update(c3, c.version, [], [], capClaimOf(c3, { _id: c.orderId, paidFen: 30_000_000 }))).toBe(true);
      expect(lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:year:${SHOP}:2026`)).toMatchObject({ fen: 25_000_000, ordersFen: 25_000_000 });
    });
  }

  it('starts a missing total from the caller’s known sum (CapClaim.known), and an existing total document wins over it', async () => {
    const order = { _id: `ord_known_${adapter}`, paidFen: 10_000 };
    const a = makeCase({ orderId: order._id, shopId: SHOP });
    const b = makeCase({ orderId: `ord_known2_${adapter}`, shopId: SHOP });
    for (const c of [a, b]) expect(await repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), [])).toEqual({ inserted: true });
    // The caller read that the shop's year already holds ¥499,990 (the stored cases here hold nothing): ¥55 more passes the cap.
    const a2 = approved(a, 5_500);
    const near = { year: { shopId: SHOP, year: 2026, fen: LIMITS.yearlyRefundCapFen - 1_000 } };
    const refused = repo.update(a2, a.version, [note(a2)], [], { ...capClaimOf(a2, order), known: near });
    if (adapter === 'wx') {
      await expect(refused).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT' });
      expect(await repo.get(a._id)).toEqual(a);
      expect(outbox()).toBe(0);
    } else {
      // SQLite sums the stored cases inside its own transaction and needs no caller's reading.
      expect(await refused).toBe(true);
      return;
    }
    // Known as what the stored cases hold: written, the total starting there.
    const a3 = approved(a, 5_000);
    expect(await repo.update(a3, a.version, [], [], { ...capClaimOf(a3, order), known: { year: { shopId: SHOP, year: 2026, fen: 0 } } })).toBe(true);
    // Now the document exists: a known sum near the cap is not used.
    const b2 = approved(b, 4_000);
    expect(await repo.update(b2, b.version, [], [], { ...capClaimOf(b2, { _id: b.orderId, paidFen: 10_000 }), known: near })).toBe(true);
    const totals = Object.fromEntries(lb.fake.docs(COLLECTIONS.counters).filter((d) => String(d._id).startsWith('total:year:')).map((d) => [d._id, (d as { fen: number }).fen]));
    expect(totals).toEqual({ [`total:year:${SHOP}:2026`]: 9_000 });
  });

  if (adapter === 'wx') {
    it('counts the cancellations the caller read (known ordersFen) when the year’s document is missing', async () => {
      const order = { _id: 'ord_known_orders', paidFen: 10_000 };
      const a = makeCase({ orderId: order._id, shopId: SHOP });
      expect(await repo.insert(a, await repo.readGuard(a.orderId, a.buyerOpenid), [])).toEqual({ inserted: true });
      // No case holds anything, but the caller read ¥499,990 of cancelled orders' refunds this year.
      const a2 = approved(a, 5_500);
      const known = { year: { shopId: SHOP, year: 2026, fen: 0, ordersFen: LIMITS.yearlyRefundCapFen - 1_000 } };
      await expect(repo.update(a2, a.version, [], [], { ...capClaimOf(a2, order), known })).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT' });
      expect(await repo.get(a._id)).toEqual(a);
      const a3 = approved(a, 1_000);
      expect(await repo.update(a3, a.version, [], [], { ...capClaimOf(a3, order), known })).toBe(true);
      expect(lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === `total:year:${SHOP}:2026`)).toMatchObject({ fen: 1_000, ordersFen: LIMITS.yearlyRefundCapFen - 1_000 });
    });
  }

  it('refuses an insert (a quick refund’s approval) past the shop’s yearly cap', async () => {
    const big = (n: number) => approved(makeCase({ orderId: `ord_year_${adapter}_${n}`, shopId: SHOP, amountFen: 20_000_000 }), 20_000_000);
    for (let n = 0; n < 3; n += 1) {
      const c = { ...big(n), version: 1 };
      const claim = capClaimOf(c, { _id: c.orderId, paidFen: 20_000_000 });
      const insert = repo.insert(c, await repo.readGuard(c.orderId, c.buyerOpenid), [], claim);
      if (n < 2) expect(await insert).toEqual({ inserted: true });
      else await expect(insert).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT' });
    }
    const [from, to] = [Date.UTC(2026, 0, 1) - 8 * 3_600_000, Date.UTC(2027, 0, 1) - 8 * 3_600_000];
    expect(await repo.shopCommittedFen(SHOP, from, to)).toBe(LIMITS.yearlyRefundCapFen - 10_000_000);
  });
});
