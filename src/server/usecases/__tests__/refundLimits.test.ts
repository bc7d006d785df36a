/**
 * R4 and R31 at refund time, through the use cases on SQLite: a channel refusal is a CLOSED attempt the
 * timer leaves alone, and WeChat Pay's 50 refunds per order count PROCESSING, SUCCESS and ABNORMAL
 * attempts, not CLOSED ones.
 */
import type { AfterSaleCase, Order, RefundAttempt, RefundAttemptStatus } from '../../../../types/domain';
import { LIMITS } from '../../../core/settings';
import { HOUR_MS } from '../../../core/time';
import { ALICE, line, makeWorld, OWNER, refundOnly, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

test('R4: a channel refusal is recorded as a CLOSED attempt with PAYMENT_CHANNEL_RESTRICTED, and the timer never retries it the original way', async () => {
  for (const payChannel of ['CREDIT_CARD', 'THIRD_PARTY'] as const) {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ payChannel })));
    const refused = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    expect(refused).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'PAYMENT_CHANNEL_RESTRICTED' } });
    expect(refused.refunds).toEqual([expect.objectContaining({ outRefundNo: `${c._id}-1`, status: 'CLOSED', method: 'ORIGINAL' })]);
    for (let i = 0; i < 3; i += 1) {
      w.clock.advance(HOUR_MS);
      await w.sweep();
    }
    const after = (await w.svc.cases.get(c._id))!;
    expect(after.refunds).toHaveLength(1);
    expect(after).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'PAYMENT_CHANNEL_RESTRICTED' } });
    expect(w.local.db.prepare('SELECT COUNT(*) AS n FROM gateway_refunds WHERE case_id = ?').get(c._id)).toEqual({ n: 0 });
  }
});

/** An earlier case on line `other` of `o` that holds `n` refund numbers in `status`. */
async function earlierRefunds(o: Order, n: number, status: RefundAttemptStatus): Promise<void> {
  const c = await w.ok(ALICE, 'apply', refundOnly(w, o, { items: [{ skuId: 'other', qty: 1 }], amountFen: 100 }));
  const refunds: RefundAttempt[] = Array.from({ length: n }, (_, i) => ({
    outRefundNo: `${c._id}-${i + 1}`,
    amountFen: 100,
    status,
    at: w.clock.now() - HOUR_MS,
    method: 'ORIGINAL',
  }));
  const stored = (await w.svc.cases.get(c._id))!;
  const next: AfterSaleCase = { ...stored, status: 'CLOSED', refunds, version: stored.version + 1, timerAt: undefined, deadlineAt: undefined };
  expect(await w.svc.cases.update(next, stored.version, [])).toBe(true);
}

function twoLineOrder(): Order {
  return w.seedOrder({ items: [line('tshirt', { title: '纯棉T恤' }), line('other', { title: '袜子', unitFen: 100, qty: 1, paidFen: 100 })], paidFen: 11_100 });
}

test('R31: a 51st refund of one order is AMOUNT_EXCEEDS_LIMIT when 50 PROCESSING, SUCCESS or ABNORMAL refunds count', async () => {
  for (const status of ['ABNORMAL', 'SUCCESS', 'PROCESSING'] as const) {
    const o = twoLineOrder();
    await earlierRefunds(o, LIMITS.maxRefundsPerOrder, status);
    const refused = await w.fail(ALICE, 'apply', refundOnly(w, o));
    expect(refused.code).toBe('AMOUNT_EXCEEDS_LIMIT');
  }
});

test('R31: CLOSED refunds do not count toward the 50: the next refund of the order is paid', async () => {
  const o = twoLineOrder();
  await earlierRefunds(o, LIMITS.maxRefundsPerOrder, 'CLOSED');
  const c = await w.ok(ALICE, 'apply', refundOnly(w, o));
  const approved = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
  expect(approved.status).toBe('REFUNDING');
  await w.settle();
  expect((await w.svc.cases.get(c._id))!.status).toBe('REFUNDED');
});

test('R31 at payment: the order’s 50th counting refund landing after the apply fails the approval’s refund with AMOUNT_EXCEEDS_LIMIT (no attempt, no gateway call)', async () => {
  const o = twoLineOrder();
  await earlierRefunds(o, LIMITS.maxRefundsPerOrder - 1, 'ABNORMAL');
  const c = await w.ok(ALICE, 'apply', refundOnly(w, o));
  // Another refund of the order lands between apply and approval (written directly, as the order's 50th).
  const other = (await w.svc.cases.listByOrder(o._id)).find((x) => x._id !== c._id)!;
  const extra: RefundAttempt = { outRefundNo: `${other._id}-50`, amountFen: 100, status: 'ABNORMAL', at: w.clock.now(), method: 'ORIGINAL' };
  expect(await w.svc.cases.update({ ...other, refunds: [...other.refunds, extra], version: other.version + 1 }, other.version, [])).toBe(true);
  const failed = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
  expect(failed).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'AMOUNT_EXCEEDS_LIMIT' }, refunds: [] });
  expect(w.local.db.prepare('SELECT COUNT(*) AS n FROM gateway_refunds WHERE case_id = ?').get(c._id)).toEqual({ n: 0 });
});
