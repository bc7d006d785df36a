import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Order, PayChannel, RefundMethod, RefundScenario } from '../../../../../types/domain';
import { LIMITS } from '../../../../core/settings';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../../core/time';
import type { RefundNotifyEvent, RefundRequest } from '../../../ports';
import { GatewayTimeoutError } from '../gateway';
import { createLocalServices, type LocalServices } from '../services';
import { makeItem, makeOrder, T0, uniq } from '../../../../../test/support/fixtures';

class ManualClock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

let dataDir: string;
let clock: ManualClock;
let local: LocalServices;
let notified: RefundNotifyEvent[];

function open(): LocalServices {
  const l = createLocalServices({ dataDir, clock });
  l.gateway.setCallback(async (e) => {
    notified.push(e);
    return { status: 200 };
  });
  return l;
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-gateway-'));
  clock = new ManualClock(T0);
  notified = [];
  local = open();
  local.dev.seed({
    shops: [
      { _id: 'shop_ok', name: '好物小铺', verified: true },
      { _id: 'shop_unverified', name: '海淘精选', verified: false },
    ],
  });
});

afterEach(async () => {
  await local.close();
});

function order(over: Partial<Order> = {}): Order {
  const o = makeOrder({ shopId: 'shop_ok', items: [makeItem({ unitFen: 10_000, qty: 2 })], paidAt: T0 - DAY_MS, ...over });
  local.dev.seed({ orders: [o] });
  return o;
}

function req(o: Order, over: Partial<RefundRequest> = {}): RefundRequest {
  const caseId = over.caseId ?? uniq('AS');
  return {
    outRefundNo: `${caseId}-1`,
    caseId,
    orderId: o._id,
    amountFen: 5_000,
    totalFen: o.paidFen,
    payChannel: o.payChannel,
    method: 'ORIGINAL',
    ...over,
  };
}

const gw = () => local.gateway;

describe('a WECHAT or BANK_CARD refund at a verified shop', () => {
  it.each<PayChannel>(['WECHAT', 'BANK_CARD'])('%s: accepted, PROCESSING for a second, then SUCCESS by query and by callback', async (payChannel) => {
    const o = order({ payChannel });
    const r = req(o);
    expect(await gw().request(r)).toEqual({ accepted: true });
    expect(await gw().query(r.outRefundNo)).toEqual({ status: 'PROCESSING' });
    expect(await gw().deliverDue()).toBe(0);
    clock.t = T0 + 999;
    expect((await gw().query(r.outRefundNo)).status).toBe('PROCESSING');
    clock.t = T0 + 1_000;
    expect(await gw().query(r.outRefundNo)).toEqual({ status: 'SUCCESS', settledAt: T0 + 1_000 });
    expect(await gw().deliverDue()).toBe(1);
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatchObject({
      returnCode: 'SUCCESS',
      reqInfo: { outRefundNo: r.outRefundNo, outTradeNo: o._id, refundFee: 5_000, totalFee: o.paidFen, settlementRefundFee: 5_000, refundStatus: 'SUCCESS', successTime: '2026-11-25 12:00:01' },
    });
    expect(await gw().deliverDue()).toBe(0);
  });

  it('settles on a whole second, so the callback’s successTime and the query’s settledAt agree', async () => {
    clock.t = T0 + 501;
    const r = req(order());
    await gw().request(r);
    clock.t = T0 + 5_000;
    expect((await gw().query(r.outRefundNo)).settledAt).toBe(T0 + 2_000);
  });

  it('re-sending the same outRefundNo is idempotent: one refund, one callback', async () => {
    const o = order();
    const r = req(o);
    await gw().request(r);
    clock.t += 500;
    expect(await gw().request(r)).toEqual({ accepted: true });
    clock.t = T0 + 10_000;
    await gw().deliverDue();
    expect(notified).toHaveLength(1);
    expect((await gw().query(r.outRefundNo)).settledAt).toBe(T0 + 1_000);
  });

  it('refuses to re-send a refund number with another amount (a bug upstream, thrown)', async () => {
    const o = order();
    const r = req(o);
    await gw().request(r);
    await expect(gw().request({ ...r, amountFen: 4_999 })).rejects.toThrow(/another order or amount/);
  });

  it('answers UNKNOWN for a refund number it never received', async () => {
    expect(await gw().query('AS_never-1')).toEqual({ status: 'UNKNOWN' });
  });

  it('stays final once reported, even if the dev clock is moved back', async () => {
    const r = req(order());
    await gw().request(r);
    clock.t = T0 + 2_000;
    await gw().deliverDue();
    clock.t = T0 - HOUR_MS;
    expect((await gw().query(r.outRefundNo)).status).toBe('SUCCESS');
  });
});

describe('R31 queue: refunds of one order start at least a minute apart', () => {
  it('queues the second refund instead of failing it', async () => {
    const o = order();
    const a = req(o);
    const b = req(o);
    expect(await gw().request(a)).toEqual({ accepted: true });
    expect(await gw().request(b)).toEqual({ accepted: true });
    clock.t = T0 + 2_000;
    expect((await gw().query(a.outRefundNo)).status).toBe('SUCCESS');
    expect((await gw().query(b.outRefundNo)).status).toBe('PROCESSING');
    clock.t = T0 + LIMITS.refundSpacingMs + 999;
    expect((await gw().query(b.outRefundNo)).status).toBe('PROCESSING');
    clock.t = T0 + LIMITS.refundSpacingMs + 1_000;
    expect(await gw().query(b.outRefundNo)).toEqual({ status: 'SUCCESS', settledAt: T0 + LIMITS.refundSpacingMs + 1_000 });
  });

  it('does not hold back refunds of other orders', async () => {
    const a = req(order());
    const b = req(order());
    await gw().request(a);
    await gw().request(b);
    clock.t = T0 + 1_000;
    expect((await gw().query(b.outRefundNo)).status).toBe('SUCCESS');
  });
});

describe('refusals at once (nothing recorded)', () => {
  it.each<[PayChannel, RefundMethod, string | null]>([
    ['CREDIT_CARD', 'ORIGINAL', 'PAYMENT_CHANNEL_RESTRICTED'],
    ['THIRD_PARTY', 'ORIGINAL', 'PAYMENT_CHANNEL_RESTRICTED'],
    ['CREDIT_CARD', 'DESIGNATED_ACCOUNT', null],
    ['THIRD_PARTY', 'DESIGNATED_ACCOUNT', null],
  ])('R4: %s refunded %s → %s', async (payChannel, method, code) => {
    const o = order({ payChannel });
    const r = req(o, { payChannel, method, ...(method === 'DESIGNATED_ACCOUNT' ? { account: '招商银行 ****2233' } : {}) });
    const answer = await gw().request(r);
    if (code === null) {
      expect(answer).toEqual({ accepted: true });
      clock.t = T0 + 1_000;
      expect((await gw().query(r.outRefundNo)).status).toBe('SUCCESS');
      await gw().deliverDue();
      expect(notified[0].reqInfo.refundRecvAccout).toBe('招商银行 ****2233');
    } else {
      expect(answer).toMatchObject({ accepted: false, error: { code } });
      if (!answer.accepted) expect(answer.error.solution).toContain('指定账户');
      expect(await gw().query(r.outRefundNo)).toEqual({ status: 'UNKNOWN' });
    }
  });

  it('R5: a shop whose merchant account is not verified cannot pay', async () => {
    const r = req(order({ shopId: 'shop_unverified' }));
    expect(await gw().request(r)).toMatchObject({ accepted: false, error: { code: 'MERCHANT_ACCOUNT_ABNORMAL' } });
  });

  it('R31: more than 365 days after payment', async () => {
    const o = order({ paidAt: T0 - LIMITS.paymentRefundDays * DAY_MS });
    expect(await gw().request(req(o))).toEqual({ accepted: true });
    const late = order({ paidAt: T0 - LIMITS.paymentRefundDays * DAY_MS - 1 });
    expect(await gw().request(req(late))).toMatchObject({ accepted: false, error: { code: 'AFTER_SALE_WINDOW_EXPIRED' } });
  });

  it('R31: the 51st refund of one order', async () => {
    const o = order({ items: [makeItem({ unitFen: 100, qty: 100 })] });
    for (let i = 0; i < LIMITS.maxRefundsPerOrder; i += 1) {
      expect(await gw().request(req(o, { amountFen: 1 }))).toEqual({ accepted: true });
    }
    expect(await gw().request(req(o, { amountFen: 1 }))).toMatchObject({ accepted: false, error: { code: 'AMOUNT_EXCEEDS_LIMIT' } });
  });

  it('R31 counts PROCESSING, SUCCESS and ABNORMAL refunds toward the 50, not CLOSED ones', async () => {
    // Each case's first refund of this order closes; refunds of one order start a minute apart.
    const o = order({ items: [makeItem({ unitFen: 100, qty: 100 })], refundScenario: 'CLOSED' });
    for (let i = 0; i < LIMITS.maxRefundsPerOrder; i += 1) {
      expect(await gw().request(req(o, { amountFen: 1 }))).toEqual({ accepted: true });
    }
    // Still in flight (PROCESSING as far as anyone can tell): they count.
    expect(await gw().request(req(o, { amountFen: 1 }))).toMatchObject({ accepted: false, error: { code: 'AMOUNT_EXCEEDS_LIMIT' } });
    clock.t = T0 + LIMITS.maxRefundsPerOrder * LIMITS.refundSpacingMs + 2_000;
    // All 50 are CLOSED now: a new refund of the order is the first that counts.
    expect(await gw().request(req(o, { amountFen: 1 }))).toEqual({ accepted: true });
  });

  it('R3: refunds of one order beyond 105% of what was paid; failed attempts do not count', async () => {
    const o = order({ refundScenario: 'CLOSED' });
    const cap = Math.floor((o.paidFen * 105) / 100);
    const attempt = (n: number, amountFen: number) => req(o, { caseId: 'AS_cap', outRefundNo: `AS_cap-${n}`, amountFen });
    expect(await gw().request(attempt(1, cap))).toEqual({ accepted: true });
    expect(await gw().request(attempt(2, cap))).toEqual({ accepted: true });
    expect(await gw().request(attempt(3, 1))).toMatchObject({ accepted: false, error: { code: 'AMOUNT_EXCEEDS_LIMIT' } });
    expect(await gw().request(req(o, { amountFen: 1 }))).toMatchObject({ accepted: false, error: { code: 'AMOUNT_EXCEEDS_LIMIT' } });
  });

  it('an order it does not know', async () => {
    const ghost = makeOrder({ shopId: 'shop_ok' });
    expect(await gw().request(req(ghost))).toMatchObject({ accepted: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('scenarios flagged on the order', () => {
  async function attempt(o: Order, caseId: string, n: number) {
    const r = req(o, { caseId, outRefundNo: `${caseId}-${n}` });
    await gw().request(r);
    return r;
  }

  it('LATE: success reported only an hour after the request', async () => {
    const o = order({ refundScenario: 'LATE' });
    const r = await attempt(o, 'AS_late', 1);
    clock.t = T0 + HOUR_MS - 1;
    expect((await gw().query(r.outRefundNo)).status).toBe('PROCESSING');
    expect(await gw().deliverDue()).toBe(0);
    clock.t = T0 + HOUR_MS;
    expect(await gw().query(r.outRefundNo)).toEqual({ status: 'SUCCESS', settledAt: T0 + HOUR_MS });
  });

  it.each<[RefundScenario, 'ABNORMAL' | 'CLOSED', 'CHANGE' | 'REFUNDCLOSE']>([
    ['ABNORMAL', 'ABNORMAL', 'CHANGE'],
    ['CLOSED', 'CLOSED', 'REFUNDCLOSE'],
  ])('%s: the case’s first attempt ends so; a new attempt succeeds', async (scenario, status, notifyStatus) => {
    const o = order({ refundScenario: scenario });
    const first = await attempt(o, 'AS_bad', 1);
    clock.t = T0 + 1_000;
    const q = await gw().query(first.outRefundNo);
    expect(q).toMatchObject({ status, settledAt: T0 + 1_000 });
    expect(q.failure).toEqual(expect.any(String));
    await gw().deliverDue();
    expect(notified[0].reqInfo).toMatchObject({ refundStatus: notifyStatus, settlementRefundFee: 0 });
    expect(notified[0].reqInfo.successTime).toBeUndefined();
    clock.t = T0 + 2 * MINUTE_MS;
    const second = await attempt(o, 'AS_bad', 2);
    clock.t += LIMITS.refundSpacingMs + 1_000;
    expect((await gw().query(second.outRefundNo)).status).toBe('SUCCESS');
  });

  it('TIMEOUT: the first request records the refund but throws; re-sending the number is accepted; one refund settles', async () => {
    const o = order({ refundScenario: 'TIMEOUT' });
    const r = req(o, { caseId: 'AS_to', outRefundNo: 'AS_to-1' });
    await expect(gw().request(r)).rejects.toBeInstanceOf(GatewayTimeoutError);
    expect((await gw().query(r.outRefundNo)).status).toBe('PROCESSING');
    expect(await gw().request(r)).toEqual({ accepted: true });
    clock.t = T0 + 1_000;
    expect((await gw().query(r.outRefundNo)).status).toBe('SUCCESS');
    await gw().deliverDue();
    expect(notified).toHaveLength(1);
  });

  it('DUPLICATE_NOTIFY: the callback is delivered twice', async () => {
    const o = order({ refundScenario: 'DUPLICATE_NOTIFY' });
    const r = await attempt(o, 'AS_dup', 1);
    clock.t = T0 + 1_000;
    expect(await gw().deliverDue()).toBe(2);
    expect(notified.map((e) => e.reqInfo.outRefundNo)).toEqual([r.outRefundNo, r.outRefundNo]);
    expect(await gw().deliverDue()).toBe(0);
  });
});

describe('callback delivery', () => {
  it('retries a callback that throws or answers 5xx, with backoff, and stops after one that answers 4xx', async () => {
    const replies: (number | 'throw')[] = ['throw', 503, 200];
    const calls: number[] = [];
    gw().setCallback(async () => {
      calls.push(clock.t);
      const next = replies.shift();
      if (next === 'throw') throw new Error('handler down');
      return { status: next ?? 200 };
    });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const r = req(order());
    await gw().request(r);
    clock.t = T0 + 1_000;
    expect(await gw().deliverDue()).toBe(0);
    expect(await gw().deliverDue()).toBe(0);
    clock.t += 2_000;
    expect(await gw().deliverDue()).toBe(0);
    clock.t += 4_000;
    expect(await gw().deliverDue()).toBe(1);
    expect(calls).toEqual([T0 + 1_000, T0 + 3_000, T0 + 7_000]);
    quiet.mockRestore();

    const r4 = req(order());
    gw().setCallback(async () => ({ status: 404 }));
    await gw().request(r4);
    clock.t += 2_000;
    expect(await gw().deliverDue()).toBe(1);
    expect(await gw().deliverDue()).toBe(0);
  });

  it('gives up after maxNotifyFailures; query still answers', async () => {
    await local.close();
    local = createLocalServices({ dataDir, clock, gatewayOptions: { maxNotifyFailures: 2 } });
    let calls = 0;
    local.gateway.setCallback(async () => {
      calls += 1;
      return { status: 500 };
    });
    const r = req(order());
    await gw().request(r);
    for (let i = 0; i < 5; i += 1) {
      clock.t += 60_000;
      await gw().deliverDue();
    }
    expect(calls).toBe(2);
    expect((await gw().query(r.outRefundNo)).status).toBe('SUCCESS');
  });

  it('delivers one callback at a time even when asked concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    gw().setCallback(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return { status: 200 };
    });
    for (let i = 0; i < 3; i += 1) await gw().request(req(order()));
    clock.t = T0 + 1_000;
    const counts = await Promise.all([gw().deliverDue(), gw().deliverDue(), gw().deliverDue()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(maxInFlight).toBe(1);
  });

  it('the background loop delivers within real time, with the host clock', async () => {
    await local.close();
    const real = createLocalServices({ dataDir });
    local = real;
    const got: string[] = [];
    real.gateway.setCallback(async (e) => {
      got.push(e.reqInfo.outRefundNo);
      return { status: 200 };
    });
    const o = makeOrder({ shopId: 'shop_ok', paidAt: Date.now() - DAY_MS });
    real.dev.seed({ orders: [o] });
    const started = Date.now();
    real.gateway.start();
    await real.gateway.request(req(o, { outRefundNo: 'AS_loop-1', caseId: 'AS_loop' }));
    while (got.length === 0 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['AS_loop-1']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('persistence', () => {
  it('a refund in flight survives a restart: the reopened gateway answers and delivers it', async () => {
    const o = order({ refundScenario: 'DUPLICATE_NOTIFY' });
    const r = req(o);
    await gw().request(r);
    await local.close();
    clock.t = T0 + 1_000;
    local = open();
    expect((await gw().query(r.outRefundNo)).status).toBe('SUCCESS');
    expect(await gw().deliverDue()).toBe(2);
    expect(await gw().request(r)).toEqual({ accepted: true });
    expect(await gw().deliverDue()).toBe(0);
  });

  it('the spacing queue survives a restart', async () => {
    const o = order();
    await gw().request(req(o));
    await local.close();
    local = open();
    const second = req(o);
    await gw().request(second);
    clock.t = T0 + 2_000;
    expect((await gw().query(second.outRefundNo)).status).toBe('PROCESSING');
  });
});
