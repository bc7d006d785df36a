/** The refund callback: both shapes, stale and duplicate results, bad bodies. */
import type { AfterSaleCase } from '../../../../types/domain';
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

describe('refundNotify', () => {
  test('cloudPay’s notification settles the attempt with WeChat’s success time (Shanghai)', async () => {
    w.clock.advance(2_000);
    const event = w.local.gateway.notifyEvent(outRefundNo)!;
    const r = await w.notify({ ...event, reqInfo: { ...event.reqInfo, successTime: '2026-11-20 10:00:05' } });
    expect(r).toEqual({ status: 200, ok: true, data: { outRefundNo, applied: true, caseId: c._id } });
    const s = await stored();
    expect(s.status).toBe('REFUNDED');
    expect(s.refunds[0]).toMatchObject({ status: 'SUCCESS', settledAt: Date.UTC(2026, 10, 20, 2, 0, 5) });
  });

  test('the same result twice is acknowledged the second time and changes nothing', async () => {
    const body = { outRefundNo, status: 'SUCCESS', settledAt: w.clock.now() };
    expect((await w.notify(body)).ok).toBe(true);
    const once = await stored();
    const again = await w.notify(body);
    expect(again).toEqual({ status: 200, ok: true, data: { outRefundNo, applied: false, caseId: c._id } });
    expect(await stored()).toEqual(once);
  });

  test('ABNORMAL (CHANGE) and CLOSED (REFUNDCLOSE) fail the refund with the code the merchant acts on', async () => {
    const event = w.local.gateway.notifyEvent(outRefundNo)!;
    await w.notify({ ...event, reqInfo: { ...event.reqInfo, refundStatus: 'CHANGE', successTime: undefined } });
    expect(await stored()).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_ABNORMAL' } });
    const retried = await w.ok(OWNER, 'merchant.retryRefund', { caseId: c._id });
    const second = retried.refunds[1].outRefundNo;
    await w.notify({ outRefundNo: second, status: 'CLOSED', failure: '银行退票' });
    const s = await stored();
    expect(s).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_CLOSED' } });
    expect(s.refunds[1]).toMatchObject({ status: 'CLOSED', failure: '银行退票' });
  });

  test('a late result for an earlier attempt changes nothing', async () => {
    await w.notify({ outRefundNo, status: 'CLOSED' });
    await w.ok(OWNER, 'merchant.retryRefund', { caseId: c._id });
    const before = await stored();
    const stale = await w.notify({ outRefundNo, status: 'SUCCESS' });
    expect(stale.ok && stale.data).toMatchObject({ applied: false });
    expect(await stored()).toEqual(before);
  });

  test('an unknown refund number is NOT_FOUND; a malformed body is INVALID_INPUT naming the field', async () => {
    expect(await w.notify({ outRefundNo: 'AS-none-1', status: 'SUCCESS' })).toMatchObject({ status: 404, ok: false });
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
