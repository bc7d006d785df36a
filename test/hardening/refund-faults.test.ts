/**
 * Issue 8 item 5: the simulated WeChat Pay gateway misbehaving in each way it can (adapters/local
 * README: TIMEOUT, DUPLICATE_NOTIFY, LATE, ABNORMAL then SUCCESS, CLOSED then SUCCESS) while the
 * host's own loops run as they do in production: the refund callbacks every 50 ms and the sweep every
 * 100 ms of real time, on jittered services, the host clock moved on in 5-minute steps. Whatever
 * arrives first and however often, each case ends REFUNDED with its attempts as the fault dictates,
 * the gateway pays it exactly once (one SUCCESS in its books, for the approved amount), the buyer is
 * told of the money once, and the hash chain verifies.
 */
import type { AfterSaleCase, RefundAttemptStatus, RefundScenario } from '../../types/domain';
import { HOUR_MS, MINUTE_MS } from '../../src/core/time';
import { LIMITS } from '../../src/core/settings';
import { ok } from '../support/http';
import { TEST_BACKEND } from '../support/host';
import { LOCAL_V3_PAYMENT } from '../../src/server/adapters/wechatpay/keys';
import { gatewayRows, moneyProblems, OWNER, Stage, watchErrors, type Jitter, type Staged } from './support';

jest.setTimeout(120_000);

const STEP_MS = 5 * MINUTE_MS;
const jitter: Jitter = { seed: Number(process.env.RACE_SEED ?? Date.now() % 2 ** 31), lostUpdates: 0, calls: 0 };
let stage: Stage;
/** The one thing the host may complain about here: a refund request whose answer never came. */
const errors = watchErrors([/did not complete; the sweep will query it/]);

beforeAll(async () => {
  stage = await Stage.inProcess({ refundNotifyIntervalMs: 50, sweepIntervalMs: 100, jitter });
  console.log(`refund faults: jitter seed ${jitter.seed}`);
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
});
afterEach(() => {
  expect(errors.unexpected).toEqual([]);
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function approved(scenario: RefundScenario | undefined): Promise<Staged> {
  const buyer = stage.newBuyer('rf');
  const order = await stage.seedOrder(buyer, scenario ? { refundScenario: scenario } : {});
  const c = await stage.ok(buyer, 'apply', stage.applyRequest(order));
  const after = await stage.ok(OWNER, 'merchant.approve', { caseId: c._id });
  expect(after.status).toBe('REFUNDING');
  return { buyer, order, c: after };
}

/**
 * Both ways a shop's money goes out (SPEC §7): the default gateway (cloudPay; locally the simulated
 * gateway), and the shop's own WeChat Pay v3 merchant account through the v3 simulator, which plays
 * the same scenarios with signed answers and signed, encrypted callbacks.
 */
const PROVIDERS = [
  ['CLOUDPAY', undefined],
  ['WECHATPAY_V3', LOCAL_V3_PAYMENT],
] as const;

/**
 * How the merchant retries an ABNORMAL refund: to the buyer's designated account where the gateway can
 * pay one (SQLite's simulated gateway); on the cloud path and through a v3 account, which pay back only
 * along the original payment, along it again.
 */
let RETRY: { refundMethod: 'ORIGINAL' } | { refundMethod: 'DESIGNATED_ACCOUNT'; account: string } = { refundMethod: 'ORIGINAL' };
function retryFor(provider: string): typeof RETRY {
  return TEST_BACKEND === 'cloud-sim' || provider === 'WECHATPAY_V3'
    ? { refundMethod: 'ORIGINAL' }
    : { refundMethod: 'DESIGNATED_ACCOUNT', account: '6222020200112233' };
}

/**
 * Moves the host clock on step by step, letting the loops work in between, until every case is
 * REFUNDED. A merchant who sees a refund failed ABNORMAL retries it, as the banner tells them to.
 */
async function drive(staged: Staged[], opts: { merchantRetries: boolean } = { merchantRetries: true }): Promise<AfterSaleCase[]> {
  for (let step = 0; step < 60; step += 1) {
    const states = await Promise.all(staged.map((t) => stage.get(t.buyer, t.c._id)));
    if (states.every((c) => c.status === 'REFUNDED')) return states;
    if (opts.merchantRetries) {
      const abnormal = states.filter((c) => c.status === 'REFUND_FAILED' && c.lastError?.code === 'REFUND_ABNORMAL');
      const retries = await Promise.all(abnormal.map((c) => stage.call(OWNER, 'merchant.retryRefund', { caseId: c._id, ...RETRY })));
      for (const r of retries) if (!r.body.ok) expect(r.body.error.code).toBe('CASE_STATE_CHANGED');
    }
    await stage.advance(STEP_MS);
    await pause(200);
  }
  throw new Error('the refunds did not settle within 5 hours of host time');
}

async function outbox(caseId: string) {
  return ok(await stage.api.dev.outbox({ caseId }));
}

/** Paid exactly once, for what was approved; told once; the chain intact. */
async function paidOnce(c: AfterSaleCase, attempts: RefundAttemptStatus[]): Promise<void> {
  const rows = gatewayRows(stage.db, c._id);
  expect(c.status).toBe('REFUNDED');
  expect(c.refunds.map((r) => r.status)).toEqual(attempts);
  const paid = rows.filter((r) => r.outcome === 'SUCCESS');
  expect(paid).toHaveLength(1);
  expect(paid[0].amount_fen).toBe(c.approvedFen);
  expect(moneyProblems(c, rows)).toEqual([]);
  expect(c.history.filter((e) => e.action === 'REFUND_SUCCESS')).toHaveLength(1);
  const success = c.refunds.find((r) => r.status === 'SUCCESS')!;
  expect((await outbox(c._id)).filter((n) => n.templateKey === 'refund' && n.text.includes(success.outRefundNo))).toHaveLength(1);
  expect(await stage.ok(c.buyerOpenid, 'verify', { caseId: c._id })).toEqual({ ok: true });
}

describe.each(PROVIDERS)('%s: the gateway misbehaves; the buyer is paid exactly once', (provider, payment) => {
  const before = { refunds: 0, callbacksAccepted: 0 };
  beforeAll(async () => {
    RETRY = retryFor(provider);
    await stage.payThrough(payment);
    Object.assign(before, stage.wechatpay.stats);
  });
  afterAll(() => {
    // The v3 shop's refunds really went through its own account: signed requests, verified callbacks.
    const { refunds, callbacksAccepted } = stage.wechatpay.stats;
    if (provider === 'WECHATPAY_V3') expect([refunds > before.refunds, callbacksAccepted > before.callbacksAccepted]).toEqual([true, true]);
    else expect([refunds, callbacksAccepted]).toEqual([before.refunds, before.callbacksAccepted]);
  });

  test('TIMEOUT: the request is recorded but never answered; the callback and the sweep’s query settle the one refund', async () => {
    const t = await approved('TIMEOUT');
    expect(t.c.refunds.map((r) => r.status)).toEqual(['PROCESSING']);
    const [c] = await drive([t]);
    await paidOnce(c, ['SUCCESS']);
    expect(gatewayRows(stage.db, c._id)).toHaveLength(1);
  });

  test('DUPLICATE_NOTIFY: the success is reported twice; it is applied once', async () => {
    const t = await approved('DUPLICATE_NOTIFY');
    const [c] = await drive([t]);
    await pause(300);
    await paidOnce(await stage.get(t.buyer, c._id), ['SUCCESS']);
    expect(stage.db.prepare('SELECT notified FROM gateway_refunds WHERE case_id = ?').pluck(true).get(c._id)).toBe(2);
  });

  test('LATE: through an hour of PROCESSING the gateway holds one refund; R8 then asks the buyer to wait until 48 h after', async () => {
    const t = await approved('LATE');
    await stage.advance(30 * MINUTE_MS);
    await pause(300);
    const waiting = await stage.get(t.buyer, t.c._id);
    expect(waiting.status).toBe('REFUNDING');
    const early = await stage.call(t.buyer, 'reportNotReceived', { caseId: t.c._id });
    expect(early.body.ok ? 'ok' : early.body.error.code).toBe('CASE_STATE_CHANGED');
    const [c] = await drive([t]);
    await paidOnce(c, ['SUCCESS']);
    expect(gatewayRows(stage.db, c._id)).toHaveLength(1);
    const r8 = await stage.call(t.buyer, 'reportNotReceived', { caseId: c._id });
    expect(r8.body.ok ? 'ok' : r8.body.error.code).toBe('REFUND_SYNC_DELAYED');
    await stage.advance(LIMITS.refundSyncDelayHours * HOUR_MS);
    const ticketed = await stage.ok(t.buyer, 'reportNotReceived', { caseId: c._id });
    expect(ticketed.messages[ticketed.messages.length - 1].text).toContain(c.refunds[0].outRefundNo);
  });

  test('ABNORMAL then SUCCESS: the timer leaves it to the merchant, whose retry (five taps at once) pays once', async () => {
    const t = await approved('ABNORMAL');
    await stage.advance(STEP_MS);
    await pause(300);
    await stage.advance(STEP_MS);
    await pause(300);
    const failed = await stage.get(t.buyer, t.c._id);
    expect([failed.status, failed.lastError?.code, failed.refunds.length]).toEqual(['REFUND_FAILED', 'REFUND_ABNORMAL', 1]);
    const taps = await Promise.all(
      Array.from({ length: 5 }, () => stage.call(OWNER, 'merchant.retryRefund', { caseId: t.c._id, ...RETRY })),
    );
    expect(taps.filter((r) => r.body.ok)).toHaveLength(1);
    const [c] = await drive([t], { merchantRetries: false });
    await paidOnce(c, ['ABNORMAL', 'SUCCESS']);
    expect(c.refunds[1].method).toBe(RETRY.refundMethod);
  });

  test('CLOSED then SUCCESS: the timer retries with a new refund number, alone', async () => {
    const t = await approved('CLOSED');
    const [c] = await drive([t], { merchantRetries: false });
    await paidOnce(c, ['CLOSED', 'SUCCESS']);
    expect(c.refunds[0].outRefundNo).not.toBe(c.refunds[1].outRefundNo);
    expect(c.history.filter((e) => e.action === 'RETRY_REFUND').map((e) => e.actor)).toEqual(['SYSTEM']);
  });

  test('all of them at once: 24 cases, four of each fault and four well-behaved, approved together', async () => {
    const scenarios: (RefundScenario | undefined)[] = ['TIMEOUT', 'DUPLICATE_NOTIFY', 'LATE', 'ABNORMAL', 'CLOSED', undefined];
    const staged = await Promise.all(scenarios.flatMap((s) => Array.from({ length: 4 }, () => approved(s))));
    const settled = await drive(staged);
    await pause(300);
    const expected: Record<string, RefundAttemptStatus[]> = { ABNORMAL: ['ABNORMAL', 'SUCCESS'], CLOSED: ['CLOSED', 'SUCCESS'] };
    for (const [i, c] of settled.entries()) {
      const scenario = staged[i].order.refundScenario;
      await paidOnce(await stage.get(c.buyerOpenid, c._id), expected[scenario ?? ''] ?? ['SUCCESS']);
    }
    const books = gatewayRows(stage.db);
    const successes = new Map<string, number>();
    for (const r of books) if (r.outcome === 'SUCCESS') successes.set(r.case_id, (successes.get(r.case_id) ?? 0) + 1);
    expect([...successes.values()].every((n) => n === 1)).toBe(true);
  });
});
