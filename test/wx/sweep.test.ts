/**
 * The autoApprove timer on the cloud adapters, at a volume no single run can finish: each run stops
 * inside its budget and the next one resumes where it stopped (handled cases leave the `timerAt <= now`
 * filter), until every due case has been approved exactly once and paid exactly once. It also counts
 * the requests one approval costs, the figure the README's capacity estimate rests on.
 */
import type { AfterSaleCase, Order } from '../../types/domain';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { createWxServices } from '../../src/server/adapters/wx';
import { afterSaleMain, autoApproveMain } from '../../src/server/adapters/wx/entries';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import type { Services } from '../../src/server/ports';
import { startLoopback, type Loopback } from './fake/loopback';

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const CASES = 120;

let lb: Loopback;
let svc: Services;
let now = T0;

beforeAll(async () => {
  lb = await startLoopback();
  svc = { ...createWxServices(lb.cloud, { subMchId: '1900000109', envId: 'prod-7g3h', notifyFunction: 'refundNotify' }), clock: { now: () => now } };
  lb.fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: 'shop_big', name: '大店', verified: true }) as never]);
  const orders: Order[] = Array.from({ length: CASES }, (_, i) => ({
    _id: `ord_${String(i).padStart(4, '0')}`,
    shopId: 'shop_big',
    buyerOpenid: `oBuyer_${i}`,
    status: 'DELIVERED',
    paidFen: 11_000,
    shippingFen: 1_000,
    payChannel: 'WECHAT',
    paidAt: T0 - 5 * DAY_MS,
    deliveredAt: T0 - 2 * DAY_MS,
    items: [{ skuId: 'mug', title: '陶瓷马克杯', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL' }],
  }));
  lb.fake.seed(COLLECTIONS.orders, orders as never);
  for (const o of orders) {
    now = T0 + Number(o._id.slice(4)) * 1_000;
    const r = await afterSaleMain({ getWXContext: () => ({ OPENID: o.buyerOpenid }) }, svc, {
      action: 'apply',
      orderId: o._id,
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: 'mug', qty: 1 }],
      amountFen: 5_000,
      description: '杯口有裂纹',
      evidence: [],
      idempotencyKey: `k_${o._id}`,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
}, 120_000);

afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

test('runs stay inside their budget and resume until every due case is approved and paid once', async () => {
  now = T0 + 48 * HOUR_MS + CASES * 1_000;
  const budgetMs = 300;
  const timer = { getWXContext: () => ({}) };
  lb.fake.calls.length = 0;
  const runs: { ms: number; approved: number; remaining: boolean }[] = [];
  let perCaseMs = 0;
  for (let i = 0; i < 100; i += 1) {
    const started = Date.now();
    const r = await autoApproveMain(timer, svc, { Type: 'Timer' }, { time_limit_in_ms: budgetMs / 0.75 });
    if (!r.ok) throw new Error(r.error);
    const ms = Date.now() - started;
    runs.push({ ms, approved: r.data.approved, remaining: r.data.remaining });
    if (r.data.approved > 0) perCaseMs = Math.max(perCaseMs, ms / r.data.approved);
    if (!r.data.remaining) break;
  }
  const requests = lb.fake.calls.length;
  const byAction = new Map<string, number>();
  for (const c of lb.fake.calls) byAction.set(`${c.action}${c.apiName ? `:${c.apiName}` : ''}`, (byAction.get(`${c.action}${c.apiName ? `:${c.apiName}` : ''}`) ?? 0) + 1);

  const cases = lb.fake.docs(COLLECTIONS.cases) as unknown as AfterSaleCase[];
  expect(cases.every((c) => c.status === 'REFUNDING' && c.refunds.length === 1)).toBe(true);
  expect(runs.reduce((n, r) => n + r.approved, 0)).toBe(CASES);
  expect(lb.fake.refunds.size).toBe(CASES);
  // Each refund was asked for once; the sweep then queried each REFUNDING case once in the same run.
  const pay = lb.fake.callsOf('wx.wxPayApi');
  expect(pay.filter((c) => c.apiName === 'refund')).toHaveLength(CASES);
  expect(new Set(pay.filter((c) => c.apiName === 'refund').map((c) => (c.data as { out_refund_no: string }).out_refund_no)).size).toBe(CASES);
  // More than one run was needed, and every run but the last stopped because its budget was spent.
  expect(runs.length).toBeGreaterThan(1);
  expect(runs.slice(0, -1).every((r) => r.remaining)).toBe(true);
  // A run ends within its budget plus the case in hand when the budget ran out (and the final due check),
  // with 400 ms for a busy machine's pauses (a run that ignored its budget would take all 120 cases' time).
  for (const r of runs) expect(r.ms).toBeLessThanOrEqual(budgetMs + 4 * perCaseMs + 400);

  // The next run finds nothing due: a second sweep at the same moment changes nothing.
  const after = await autoApproveMain(timer, svc, { Type: 'Timer' }, { time_limit_in_ms: 60_000 });
  expect(after).toMatchObject({ ok: true, data: { approved: 0, remaining: false } });
  console.info(
    `sweep on the loopback: ${CASES} approvals in ${runs.length} runs of ≤${budgetMs} ms budget; ` +
      `${(requests / CASES).toFixed(1)} requests per approval (database + cloudPay + messages); ` +
      `runs took ${runs.map((r) => r.ms).join(', ')} ms; per kind: ${JSON.stringify(Object.fromEntries(byAction))}`,
  );
}, 120_000);
