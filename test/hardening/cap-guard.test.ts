/**
 * R3's caps under concurrent approvals on SQLite with real interleaving (docs/DESIGN.md "Cap guard"):
 * every repository and gateway call yields first (support.ts jittered), so approvals read the totals,
 * give way, and only then write. The cap must hold at the commit: the order's and the shop's yearly
 * totals are checked in the same IMMEDIATE transaction as the case.
 */
import type { AfterSaleCase, Order } from '../../types/domain';
import { orderRefundCapFen } from '../../src/core/rules';
import { LIMITS } from '../../src/core/settings';
import { calendarYearRange } from '../../src/core/time';
import { handleAfterSale } from '../../src/server/handler';
import type { Services } from '../../src/server/ports';
import { makeWorld, OWNER, order as worldOrder, type World } from '../../src/server/usecases/__tests__/support/world';
import { jittered, type Jitter } from './support';

// On cloud-sim its setup took longer than jest's 5 s default on a busy machine.
jest.setTimeout(120_000);

const SEED = Number(process.env.RACE_SEED ?? Date.now() % 2 ** 31);

let w: World;
let jitter: Jitter;
let svc: Services;

beforeEach(() => {
  w = makeWorld();
  jitter = { seed: SEED, lostUpdates: 0, calls: 0 };
  svc = jittered(w.svc, jitter);
});
afterEach(() => w.close());

async function call(openid: string, body: Record<string, unknown>) {
  const r = await handleAfterSale(svc, openid, body);
  return r.body;
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
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data as AfterSaleCase;
}

/** What the gateway was asked to pay for the order's refunds. */
function sentFen(orderId: string): number {
  return (w.local.db.prepare('SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM gateway_refunds WHERE order_id = ?').get(orderId) as { fen: number }).fen;
}

test(`R3 cap guard: two ¥50 cases on one ¥100 order approved at once with ¥5 compensation each never send more than ¥105 (seed ${SEED})`, async () => {
  for (let round = 0; round < 10; round += 1) {
    const buyer = `cap_pair_${round}`;
    const o = worldOrder({
      buyerOpenid: buyer,
      paidFen: 10_000,
      shippingFen: 0,
      items: [
        { skuId: 'left', title: '左', unitFen: 5_000, qty: 1, paidFen: 5_000, kind: 'NORMAL' },
        { skuId: 'right', title: '右', unitFen: 5_000, qty: 1, paidFen: 5_000, kind: 'NORMAL' },
      ],
    });
    w.seedOrders(o);
    const a = await apply(o, 'left', 5_000, `pair-${round}-a`);
    const b = await apply(o, 'right', 5_000, `pair-${round}-b`);
    const replies = await Promise.all([a, b].map((c) => call(OWNER, { action: 'merchant.approve', caseId: c._id, compensationFen: 500 })));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code))).toEqual(['AMOUNT_EXCEEDS_LIMIT']);
    const cases = await w.svc.cases.listByOrder(o._id);
    expect(cases.reduce((s, c) => s + (c.approvedFen ?? 0), 0)).toBeLessThanOrEqual(orderRefundCapFen(o));
    expect(sentFen(o._id)).toBe(5_500);
  }
});

test(`R3 cap guard: three ¥200,000 cases of one shop approved at once never pass the ¥500,000 yearly cap (seed ${SEED})`, async () => {
  const cases: AfterSaleCase[] = [];
  for (let i = 0; i < 3; i += 1) {
    const o = worldOrder({
      buyerOpenid: `cap_big_${i}`,
      paidFen: 20_000_000,
      shippingFen: 0,
      items: [{ skuId: 'sofa', title: '沙发', unitFen: 20_000_000, qty: 1, paidFen: 20_000_000, kind: 'NORMAL' }],
    });
    w.seedOrders(o);
    cases.push(await apply(o, 'sofa', 20_000_000, `big-${i}`));
  }
  const replies = await Promise.all(cases.map((c) => call(OWNER, { action: 'merchant.approve', caseId: c._id })));
  expect(replies.filter((r) => r.ok)).toHaveLength(2);
  expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code))).toEqual(['AMOUNT_EXCEEDS_LIMIT']);
  const [from, to] = calendarYearRange(w.clock.now());
  const committed = await w.svc.cases.shopCommittedFen(cases[0].shopId, from, to);
  expect(committed).toBe(40_000_000);
  expect(committed).toBeLessThanOrEqual(LIMITS.yearlyRefundCapFen);
  // The running total (migration 3's triggers) agrees with a sum over the cases: the refused write left nothing behind.
  const summed = w.local.db
    .prepare('SELECT COALESCE(SUM(committed_fen), 0) AS fen FROM cases WHERE shop_id = ? AND approved_at >= ? AND approved_at < ?')
    .get(cases[0].shopId, from, to) as { fen: number };
  expect(summed.fen).toBe(committed);
  let sent = 0;
  for (const c of cases) sent += (w.local.db.prepare('SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM gateway_refunds WHERE case_id = ?').get(c._id) as { fen: number }).fen;
  expect(sent).toBe(40_000_000);
});

test(`R3 cap guard at order.cancel: two ¥300,000 cancellations of one shop at once never pass the ¥500,000 yearly cap (seed ${SEED})`, async () => {
  const orders = [0, 1].map((i) =>
    worldOrder({
      buyerOpenid: `cap_cancel_${i}`,
      status: 'PAID',
      paidFen: 30_000_000,
      shippingFen: 0,
      shippedAt: undefined,
      deliveredAt: undefined,
      paidAt: w.clock.now() - 86_400_000,
      items: [{ skuId: 'sofa', title: '沙发', unitFen: 30_000_000, qty: 1, paidFen: 30_000_000, kind: 'NORMAL' }],
    }),
  );
  w.seedOrders(...orders);
  // Both requests start in the same tick: each reads the shop's year total (0) before either writes.
  const replies = await Promise.all(orders.map((o) => call(o.buyerOpenid, { action: 'order.cancel', orderId: o._id })));
  expect(replies.filter((r) => r.ok)).toHaveLength(1);
  expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code))).toEqual(['AMOUNT_EXCEEDS_LIMIT']);
  const stored = await Promise.all(orders.map((o) => w.svc.orders.get(o._id)));
  expect(stored.map((o) => o?.status).sort()).toEqual(['CANCELLED', 'PAID']);
  const [from, to] = calendarYearRange(w.clock.now());
  expect(await w.svc.orders.shopCancelRefundFen(orders[0].shopId, from, to)).toBe(30_000_000);
  // The running total (migration 7's triggers) agrees with the orders: the refused write left nothing behind.
  const total = w.local.db.prepare('SELECT orders_fen AS fen FROM shop_year_committed WHERE shop_id = ?').get(orders[0].shopId) as { fen: number };
  expect(total.fen).toBe(30_000_000);
  expect(orders.reduce((s, o) => s + sentFen(o._id), 0)).toBe(30_000_000);
});
