/**
 * The refund callback: both shapes, stale and duplicate results, bad bodies, and SPEC §4 "Callbacks
 * are hints": a callback only names an attempt; what is recorded is what the gateway reports for it.
 */
import type { AfterSaleCase } from '../../../../types/domain';
import type { Order, RefundScenario } from '../../../../types/domain';
import { ALICE, makeWorld, order, OWNER, refundOnly, type World } from './support/world';

let w: World;
let c: AfterSaleCase;
let outRefundNo: string;

beforeEach(async () => {
  w = makeWorld();
  const o = order();
  w.seedOrders(o);
  c = await w.ok(ALICE, 'apply', refundOnly(w, o));
  await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
  outRefundNo = `${c._id}-1`;
});
afterEach(() => w.close());

async function stored(): Promise<AfterSaleCase> {
  return (await w.svc.cases.get(c._id))!;
}

/** A refund in flight on its own order, paying as `scenario` says (the gateway's first attempt of the case). */
async function inFlight(scenario: RefundScenario, amountFen = 5_000): Promise<{ o: Order; c: AfterSaleCase }> {
  const o = order({ refundScenario: scenario });
  w.seedOrders(o);
  const applied = await w.ok(ALICE, 'apply', refundOnly(w, o, { amountFen }));
  return { o, c: await w.ok(OWNER, 'merchant.approve', { caseId: applied._id }) };
}

/** What the gateway has paid out for the case by now. */
const paidFen = (caseId: string) =>
  (
    w.local.db
      .prepare("SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM gateway_refunds WHERE case_id = ? AND outcome = 'SUCCESS' AND settle_at <= ?")
      .get(caseId, w.clock.now()) as { fen: number }
  ).fen;

describe('refundNotify', () => {
  test('cloudPay’s notification settles the attempt with the gateway’s own success time, not the callback’s', async () => {
    w.clock.advance(2_000);
    const event = w.local.gateway.notifyEvent(outRefundNo)!;
    const r = await w.notify({ ...event, reqInfo: { ...event.reqInfo, successTime: '2026-11-20 10:00:05' } });
    expect(r).toEqual({ status: 200, ok: true, data: { outRefundNo, applied: true, caseId: c._id } });
    const s = await stored();
    expect(s.status).toBe('REFUNDED');
    expect(s.refunds[0]).toMatchObject({ status: 'SUCCESS', settledAt: (await w.svc.gateway.query(outRefundNo)).settledAt });
  });

  test('the same result twice is acknowledged the second time and changes nothing', async () => {
    w.clock.advance(2_000);
    const body = { outRefundNo, status: 'SUCCESS', settledAt: w.clock.now() };
    expect(await w.notify(body)).toMatchObject({ ok: true, data: { applied: true } });
    const once = await stored();
    const again = await w.notify(body);
    expect(again).toEqual({ status: 200, ok: true, data: { outRefundNo, applied: false, caseId: c._id } });
    expect(await stored()).toEqual(once);
  });

  test('ABNORMAL (CHANGE) and CLOSED (REFUNDCLOSE), as the gateway reports them, fail the refund with the code the merchant acts on', async () => {
    const abnormal = await inFlight('ABNORMAL');
    const closed = await inFlight('CLOSED');
    w.clock.advance(2_000);
    await w.notify(w.local.gateway.notifyEvent(abnormal.c.refunds[0].outRefundNo));
    expect(await w.svc.cases.get(abnormal.c._id)).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_ABNORMAL' } });
    await w.notify({ outRefundNo: closed.c.refunds[0].outRefundNo, status: 'CLOSED', failure: '银行退票' });
    const s = (await w.svc.cases.get(closed.c._id))!;
    expect(s).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_CLOSED' } });
    // The failure text is the gateway's, not the callback's.
    expect(s.refunds[0]).toMatchObject({ status: 'CLOSED', failure: (await w.svc.gateway.query(s.refunds[0].outRefundNo)).failure });
  });

  test('a late result for an earlier attempt changes nothing', async () => {
    const { c: closed } = await inFlight('CLOSED');
    const first = closed.refunds[0].outRefundNo;
    w.clock.advance(2_000);
    await w.notify({ outRefundNo: first, status: 'CLOSED' });
    await w.ok(OWNER, 'merchant.retryRefund', { caseId: closed._id });
    const before = (await w.svc.cases.get(closed._id))!;
    const stale = await w.notify({ outRefundNo: first, status: 'SUCCESS' });
    expect(stale.ok && stale.data).toMatchObject({ applied: false });
    expect(await w.svc.cases.get(closed._id)).toEqual(before);
  });

  test('an unknown refund number is acknowledged (200, applied false); a malformed body is INVALID_INPUT naming the field', async () => {
    expect(await w.notify({ outRefundNo: 'AS-none-1', status: 'SUCCESS' })).toEqual({
      status: 200,
      ok: true,
      data: { outRefundNo: 'AS-none-1', applied: false },
    });
    const bad = await w.notify({ outRefundNo, status: 'PAID' });
    expect(bad.ok ? null : [bad.status, bad.error.code, bad.error.field]).toEqual([400, 'INVALID_INPUT', 'status']);
    const extra = await w.notify({ outRefundNo, status: 'SUCCESS', amountFen: 1 });
    expect(extra.ok ? null : extra.error.field).toBe('amountFen');
    const cloudBad = await w.notify({ returnCode: 'SUCCESS', reqInfo: { outRefundNo: { $ne: 1 }, refundStatus: 'SUCCESS' } });
    expect(cloudBad.ok ? null : cloudBad.error.field).toBe('reqInfo.outRefundNo');
    for (const body of [null, 'SUCCESS', [outRefundNo], 3]) {
      const r = await w.notify(body);
      expect(r.ok ? null : [r.status, r.error.code]).toEqual([400, 'INVALID_INPUT']);
    }
    expect((await stored()).status).toBe('REFUNDING');
  });

  test('the gateway’s own delivery loop goes through this handler', async () => {
    w.clock.advance(2_000);
    expect(await w.deliverRefunds()).toBe(1);
    expect((await stored()).status).toBe('REFUNDED');
  });
});

describe('callbacks are hints (SPEC §4)', () => {
  test('a forged CLOSED callback and the timer do not pay attempt -2 while -1 also succeeds (¥80 for a ¥40 case)', async () => {
    const o = order();
    w.seedOrders(o);
    const applied = await w.ok(ALICE, 'apply', refundOnly(w, o, { amountFen: 4_000 }));
    const approved = await w.ok(OWNER, 'merchant.approve', { caseId: applied._id });
    const first = approved.refunds[0].outRefundNo;
    const forged = await w.notify({ outRefundNo: first, status: 'CLOSED' });
    expect(forged).toEqual({ status: 200, ok: true, data: { outRefundNo: first, applied: false, caseId: applied._id } });
    w.clock.advance(2_000);
    await w.sweep();
    await w.settle();
    await w.sweep();
    const s = (await w.svc.cases.get(applied._id))!;
    expect(s.status).toBe('REFUNDED');
    expect(s.refunds.map((r) => [r.outRefundNo, r.status])).toEqual([[first, 'SUCCESS']]);
    expect(paidFen(applied._id)).toBe(4_000);
  });

  test('a forged SUCCESS callback does not mark a case REFUNDED with nothing paid', async () => {
    const { c: late } = await inFlight('LATE');
    const forged = await w.notify({ outRefundNo: late.refunds[0].outRefundNo, status: 'SUCCESS', settledAt: w.clock.now() });
    expect(forged.ok && forged.data).toMatchObject({ applied: false });
    const cloudForged = w.local.gateway.notifyEvent(late.refunds[0].outRefundNo)!;
    expect((await w.notify(cloudForged)).ok).toBe(true);
    expect(await w.svc.cases.get(late._id)).toMatchObject({ status: 'REFUNDING', refunds: [{ status: 'PROCESSING' }] });
    expect(paidFen(late._id)).toBe(0);
    // Once the gateway has paid, the same callback records it.
    w.clock.advance(2 * 60 * 60_000);
    expect((await w.notify(cloudForged)).ok && (await w.svc.cases.get(late._id))!.status).toBe('REFUNDED');
  });

  test('a callback for a refund number the gateway never received changes nothing', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { c: timedOut } = await inFlight('TIMEOUT');
    quiet.mockRestore();
    const no = timedOut.refunds[0].outRefundNo;
    w.local.db.prepare('DELETE FROM gateway_refunds WHERE out_refund_no = ?').run(no);
    const r = await w.notify({ outRefundNo: no, status: 'SUCCESS' });
    expect(r.ok && r.data).toMatchObject({ applied: false });
    expect((await w.svc.cases.get(timedOut._id))!.status).toBe('REFUNDING');
  });

  test('the timer retries a CLOSED attempt under a new number only once the gateway confirms it CLOSED', async () => {
    // A case recorded CLOSED (e.g. by an older version that believed a callback) while the gateway paid it.
    w.clock.advance(2_000);
    const paid = await w.svc.gateway.query(outRefundNo);
    expect(paid.status).toBe('SUCCESS');
    const cur = await stored();
    const wrong: AfterSaleCase = {
      ...cur,
      status: 'REFUND_FAILED',
      version: cur.version + 1,
      timerAt: w.clock.now(),
      lastError: { code: 'REFUND_CLOSED', message: '退款单已关闭', solution: '系统将重新退款' },
      refunds: [{ ...cur.refunds[0], status: 'CLOSED' }],
    };
    expect(await w.svc.cases.update(wrong, cur.version, [])).toBe(true);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await w.sweep();
    expect(errors.mock.calls.some((a) => String(a[0]).includes('not retried under a new number'))).toBe(true);
    errors.mockRestore();
    const s = await stored();
    expect(s.refunds).toHaveLength(1);
    expect(paidFen(c._id)).toBe(5_000);
  });
});
