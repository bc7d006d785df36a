/** The lifecycle paths of SPEC §2, each end to end through the handlers. */
import { LIMITS } from '../../../core/settings';
import type { AfterSaleCase, Order } from '../../../../types/domain';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import {
  ALICE,
  line,
  makeWorld,
  NEW_OWNER,
  OWNER,
  refundOnly,
  REVIEWER,
  SHOP,
  STAFF,
  UNVERIFIED_SHOP,
  type World,
} from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

async function get(c: AfterSaleCase): Promise<AfterSaleCase> {
  return w.ok(ALICE, 'get', { caseId: c._id });
}

async function returnCase(o: Order, reason: 'NO_REASON' | 'QUALITY' = 'NO_REASON'): Promise<AfterSaleCase> {
  return w.ok(ALICE, 'apply', refundOnly(w, o, { type: 'RETURN_REFUND', reason, amountFen: 5_000 }));
}

function gatewayRows(caseId: string): number {
  return (w.local.db.prepare('SELECT COUNT(*) AS n FROM gateway_refunds WHERE case_id = ?').get(caseId) as { n: number }).n;
}

describe('refund only → REFUNDED', () => {
  test('approve starts one attempt; the gateway’s callback settles it; the buyer is told at each step', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const approved = await w.ok(STAFF, 'merchant.approve', { caseId: c._id, note: '给您带来不便，抱歉' });
    expect(approved).toMatchObject({ status: 'REFUNDING', approvedFen: 5_000, approvedBy: 'MERCHANT', version: 2 });
    expect(approved.refunds).toEqual([
      expect.objectContaining({ outRefundNo: `${c._id}-1`, amountFen: 5_000, status: 'PROCESSING', method: 'ORIGINAL' }),
    ]);
    expect(approved.deadlineAt).toBeUndefined();

    expect(await w.settle()).toBe(1);
    const done = await get(c);
    expect(done.status).toBe('REFUNDED');
    expect(done.refunds[0]).toMatchObject({ status: 'SUCCESS', settledAt: expect.any(Number) });
    expect(done.history.map((h) => h.action)).toEqual(['APPLY', 'APPROVE', 'REFUND_SUCCESS']);
    expect(w.local.dev.outbox({ caseId: c._id }).map((n) => n.templateKey)).toEqual(['autoReply', 'decision', 'refund']);
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: true });
    expect(gatewayRows(c._id)).toBe(1);
  });

  test('a second approve, and a cancel after approval, get CASE_STATE_CHANGED (409)', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    const again = await w.fail(OWNER, 'merchant.approve', { caseId: c._id });
    expect([again.code, again.status]).toEqual(['CASE_STATE_CHANGED', 409]);
    expect((await w.fail(ALICE, 'cancel', { caseId: c._id })).code).toBe('CASE_STATE_CHANGED');
    expect(gatewayRows(c._id)).toBe(1);
  });

  test('the buyer cancels a pending case; nothing can be done to it afterwards', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    expect((await w.ok(ALICE, 'cancel', { caseId: c._id })).status).toBe('CANCELLED');
    expect((await w.fail(OWNER, 'merchant.approve', { caseId: c._id })).code).toBe('CASE_STATE_CHANGED');
    expect((await w.fail(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '重复申请' })).code).toBe(
      'CASE_STATE_CHANGED',
    );
  });

  test('compensation is added within the 105% cap (R3), beyond it refused', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder(), { items: [{ skuId: 'tshirt', qty: 2 }], amountFen: 10_000 }));
    const over = await w.fail(OWNER, 'merchant.approve', { caseId: c._id, compensationFen: 1_551 });
    expect([over.code, over.rule]).toEqual(['AMOUNT_EXCEEDS_LIMIT', 'R3']);
    const ok = await w.ok(OWNER, 'merchant.approve', { caseId: c._id, compensationFen: 1_550 });
    expect(ok).toMatchObject({ approvedFen: 11_550, compensationFen: 1_550 });
  });
});

describe('return → ship → confirm → REFUNDED (R23, R33)', () => {
  test('approval copies the return address; the buyer ships; the merchant confirms; the refund settles', async () => {
    const c = await returnCase(w.seedOrder());
    const approved = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    expect(approved.status).toBe('AWAITING_RETURN');
    expect(approved.returnAddress?.address).toContain('文一西路');
    expect(approved.deadlineAt).toBe(w.clock.now() + 7 * DAY_MS);

    w.clock.advance(DAY_MS);
    const shipped = await w.ok(ALICE, 'shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(shipped).toMatchObject({ status: 'RETURN_SHIPPED', returnShipment: { company: '顺丰速运', trackingNo: 'SF1234567890' } });
    expect(shipped.deadlineAt).toBe(w.clock.now() + 10 * DAY_MS);

    const confirmed = await w.ok(STAFF, 'merchant.confirmReturn', { caseId: c._id });
    expect(confirmed.status).toBe('REFUNDING');
    w.clock.advance(LIMITS.refundQueryDelayMs);
    const report = await w.sweep();
    expect(report.refundsSettled).toBe(1);
    expect((await get(c)).status).toBe('REFUNDED');
  });

  test('a shop without a return address cannot approve a return until it sets one (R33)', async () => {
    const shop = (await w.svc.shops.get(SHOP))!;
    await w.svc.shops.save({ ...shop, returnAddress: undefined });
    const c = await returnCase(w.seedOrder());
    const e = await w.fail(OWNER, 'merchant.approve', { caseId: c._id });
    expect([e.code, e.field, e.status]).toEqual(['INVALID_INPUT', 'returnAddress', 400]);
    await w.ok(OWNER, 'merchant.settings.set', {
      returnAddress: { name: '王店长', phone: '13800138000', address: '杭州市余杭区文一西路100号' },
    });
    expect((await w.ok(OWNER, 'merchant.approve', { caseId: c._id })).status).toBe('AWAITING_RETURN');
  });
});

describe('unsealed → negotiate → accept (R6)', () => {
  async function unsealed(): Promise<AfterSaleCase> {
    const c = await returnCase(w.seedOrder());
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    await w.ok(ALICE, 'shipReturn', { caseId: c._id, company: '中通快递', trackingNo: 'ZT7788990011' });
    return w.ok(OWNER, 'merchant.confirmReturn', { caseId: c._id, unsealed: true });
  }

  test('unsealed NO_REASON goods go to NEGOTIATING with GOODS_UNSEALED; the buyer accepts an offer and is refunded that', async () => {
    const n = await unsealed();
    expect(n).toMatchObject({ status: 'NEGOTIATING', unsealed: true, lastError: { code: 'GOODS_UNSEALED' } });
    const offered = await w.ok(OWNER, 'merchant.offer', { caseId: n._id, amountFen: 3_500, note: '吊牌已拆，折价退款' });
    expect(offered.offer).toMatchObject({ amountFen: 3_500 });
    const accepted = await w.ok(ALICE, 'acceptOffer', { caseId: n._id });
    expect(accepted).toMatchObject({ status: 'REFUNDING', approvedFen: 3_500 });
    expect(accepted.refunds[0].amountFen).toBe(3_500);
    await w.settle();
    expect((await get(n)).status).toBe('REFUNDED');
  });

  test('the buyer’s proof of non-use puts the case back before the merchant with a new 48 h', async () => {
    const n = await unsealed();
    w.clock.advance(HOUR_MS);
    const back = await w.ok(ALICE, 'addEvidence', { caseId: n._id, evidence: [w.upload(ALICE, 'image', 'proof')], note: '吊牌还在' });
    expect(back.status).toBe('PENDING');
    expect(back.deadlineAt).toBe(w.clock.now() + 48 * HOUR_MS);
    expect(back.evidence.at(-1)).toMatchObject({ tag: 'proof', by: 'BUYER' });
  });

  test('an offer above what was asked is refused', async () => {
    const n = await unsealed();
    const e = await w.fail(OWNER, 'merchant.offer', { caseId: n._id, amountFen: 5_001, note: '多退' });
    expect(e.code).toBe('AMOUNT_EXCEEDS_LIMIT');
  });
});

describe('reject → escalate → the platform decides (R21, R24)', () => {
  test('a rejection needs a note of 2 characters', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const e = await w.fail(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: ' 否 ' });
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'note']);
  });

  test('escalated within 7 days, listed for the platform, approved → refunded, counted as overturned', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const rejected = await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '照片看不出问题' });
    expect(rejected).toMatchObject({ status: 'REJECTED', deadlineAt: w.clock.now() + 7 * DAY_MS });
    w.clock.advance(7 * DAY_MS);
    const escalated = await w.ok(ALICE, 'escalate', { caseId: c._id, note: '领口开线很明显，照片里能看到' });
    expect(escalated).toMatchObject({ status: 'ESCALATED', tier: 'DIFFICULT' });
    expect((await w.ok(REVIEWER, 'platform.list', {})).items.map((x) => x._id)).toEqual([c._id]);
    const seen = await w.ok(REVIEWER, 'platform.get', { caseId: c._id });
    expect(seen.order._id).toBe(c.orderId);
    const decided = await w.ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', note: '凭证可见开线，支持退款' });
    expect(decided).toMatchObject({ status: 'REFUNDING', overturned: true, approvedBy: 'PLATFORM' });
    await w.settle();
    expect((await get(c)).status).toBe('REFUNDED');
    expect((await w.fail(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'REJECT', note: '改判' })).code).toBe(
      'CASE_STATE_CHANGED',
    );
  });

  test('the platform’s REJECT closes the case for good; ¥500 or more is tier LEGAL with the 小法庭 entry', async () => {
    const o = w.seedOrder({ paidFen: 80_000, items: [line('sofa', { title: '布艺沙发', unitFen: 80_000, qty: 1, paidFen: 80_000 })] });
    const c = await w.ok(ALICE, 'apply', refundOnly(w, o, { items: [{ skuId: 'sofa', qty: 1 }], amountFen: 60_000 }));
    await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NOT_SELLER_RESPONSIBLE', note: '人为损坏' });
    const escalated = await w.ok(ALICE, 'escalate', { caseId: c._id, note: '收到就是坏的' });
    expect(escalated).toMatchObject({ tier: 'LEGAL', legalEntry: true });
    const closed = await w.ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'REJECT', note: '证据不足' });
    expect(closed.status).toBe('CLOSED');
  });

  test('escalating a millisecond after the 7 days is AFTER_SALE_WINDOW_EXPIRED', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '不符合政策' });
    w.clock.advance(7 * DAY_MS + 1);
    const e = await w.fail(ALICE, 'escalate', { caseId: c._id, note: '不服' });
    expect([e.code, e.status]).toEqual(['AFTER_SALE_WINDOW_EXPIRED', 422]);
  });

  test('declining an offer escalates at once', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.offer', { caseId: c._id, amountFen: 2_000, note: '部分退款' });
    expect((await w.ok(ALICE, 'declineOffer', { caseId: c._id })).status).toBe('ESCALATED');
  });
});

describe('R5: an unverified shop’s refund waits for verification', () => {
  test('approval succeeds, no gateway call; the timer leaves it until the shop is verified, then pays', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ shopId: UNVERIFIED_SHOP })));
    const approved = await w.ok(NEW_OWNER, 'merchant.approve', { caseId: c._id });
    expect(approved).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL' }, refunds: [] });
    expect(gatewayRows(c._id)).toBe(0);

    w.clock.advance(10 * 60_000);
    const idle = await w.sweep();
    expect(idle.refundsRetried).toBe(0);
    expect((await get(c)).status).toBe('REFUND_FAILED');

    const shop = (await w.svc.shops.get(UNVERIFIED_SHOP))!;
    await w.svc.shops.save({ ...shop, verified: true });
    w.clock.advance(10 * 60_000);
    expect((await w.sweep()).refundsRetried).toBe(1);
    expect((await get(c)).status).toBe('REFUNDING');
    await w.settle();
    const done = await get(c);
    expect(done.status).toBe('REFUNDED');
    expect(done.lastError).toBeUndefined();
    expect(gatewayRows(c._id)).toBe(1);
  });
});

describe('R4: a credit-card refund is refused by the channel; the merchant falls back to a designated account', () => {
  test('refused at once, not retried by the timer, retried by the merchant with an account', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ payChannel: 'CREDIT_CARD' })));
    const refused = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    expect(refused).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'PAYMENT_CHANNEL_RESTRICTED' } });
    expect(refused.refunds).toEqual([expect.objectContaining({ outRefundNo: `${c._id}-1`, status: 'CLOSED' })]);

    w.clock.advance(HOUR_MS);
    expect((await w.sweep()).refundsRetried).toBe(0);

    const noAccount = await w.fail(OWNER, 'merchant.retryRefund', { caseId: c._id, refundMethod: 'DESIGNATED_ACCOUNT' });
    expect([noAccount.code, noAccount.field]).toEqual(['INVALID_INPUT', 'account']);
    const retried = (await w.ok(OWNER, 'merchant.retryRefund', {
      caseId: c._id,
      refundMethod: 'DESIGNATED_ACCOUNT',
      account: '6222 0202 0011 2233',
    })) as AfterSaleCase;
    expect(retried.status).toBe('REFUNDING');
    expect(retried.refunds[1]).toMatchObject({ outRefundNo: `${c._id}-2`, method: 'DESIGNATED_ACCOUNT', account: '****2233' });
    w.clock.advance(2 * 60_000);
    await w.deliverRefunds();
    expect((await get(c)).status).toBe('REFUNDED');
  });
});

describe('gateway failures after acceptance', () => {
  test('ABNORMAL waits for the merchant (not the timer); the merchant’s retry uses a new number', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ refundScenario: 'ABNORMAL' })));
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    await w.settle();
    expect(await get(c)).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_ABNORMAL' } });
    w.clock.advance(HOUR_MS);
    expect((await w.sweep()).refundsRetried).toBe(0);
    const retried = (await w.ok(OWNER, 'merchant.retryRefund', { caseId: c._id })) as AfterSaleCase;
    expect(retried.refunds.map((r) => [r.outRefundNo, r.status])).toEqual([
      [`${c._id}-1`, 'ABNORMAL'],
      [`${c._id}-2`, 'PROCESSING'],
    ]);
    w.clock.advance(2 * 60_000);
    await w.deliverRefunds();
    expect((await get(c)).status).toBe('REFUNDED');
  });

  test('CLOSED is retried by the timer with a new number', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ refundScenario: 'CLOSED' })));
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    await w.settle();
    expect((await get(c)).lastError?.code).toBe('REFUND_CLOSED');
    w.clock.advance(2 * 60_000);
    expect((await w.sweep()).refundsRetried).toBe(1);
    w.clock.advance(2 * 60_000);
    await w.deliverRefunds();
    const done = await get(c);
    expect(done.status).toBe('REFUNDED');
    expect(done.refunds.map((r) => r.status)).toEqual(['CLOSED', 'SUCCESS']);
  });

  test('a request that never reached the gateway is found by the timer (UNKNOWN) and re-sent with the same number', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const real = w.svc.gateway.request.bind(w.svc.gateway);
    w.svc.gateway.request = async () => {
      throw new Error('connection reset');
    };
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const approved = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    expect(approved.status).toBe('REFUNDING');
    expect(gatewayRows(c._id)).toBe(0);
    w.svc.gateway.request = real;

    expect((await w.sweep()).refundsRetried).toBe(0);
    w.clock.advance(LIMITS.refundQueryDelayMs);
    const first = await w.sweep();
    expect(first.refundsRetried).toBe(1);
    expect(gatewayRows(c._id)).toBe(1);
    expect((await get(c)).refunds.map((r) => r.outRefundNo)).toEqual([`${c._id}-1`]);

    w.clock.advance(2 * 60_000);
    expect((await w.sweep()).refundsSettled).toBe(1);
    expect((await get(c)).status).toBe('REFUNDED');
    expect(gatewayRows(c._id)).toBe(1);
  });

  test('a gateway timeout after recording the refund leaves it PROCESSING; the timer’s query settles it, paid once', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ refundScenario: 'TIMEOUT' })));
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await w.ok(OWNER, 'merchant.approve', { caseId: c._id })).status).toBe('REFUNDING');
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    w.clock.advance(2 * 60_000);
    expect((await w.sweep()).refundsSettled).toBe(1);
    expect((await get(c)).status).toBe('REFUNDED');
    expect(gatewayRows(c._id)).toBe(1);
  });
});

describe('R8: refund reported not received', () => {
  test('before 48 h after settlement it asks the buyer to wait; after, it opens a ticket naming the outRefundNo', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    await w.settle();
    const refunded = await get(c);
    const settledAt = refunded.refunds[0].settledAt!;

    w.clock.at = settledAt + 48 * HOUR_MS - 1;
    const early = await w.fail(ALICE, 'reportNotReceived', { caseId: c._id });
    expect([early.code, early.status, early.rule]).toEqual(['REFUND_SYNC_DELAYED', 422, 'R8']);
    expect(w.local.dev.store.tickets(c._id)).toEqual([]);

    w.clock.at = settledAt + 48 * HOUR_MS;
    const reported = await w.ok(ALICE, 'reportNotReceived', { caseId: c._id });
    const outRefundNo = `${c._id}-1`;
    expect(reported.status).toBe('REFUNDED');
    expect(reported.messages.at(-1)?.text).toContain(outRefundNo);
    expect(w.local.dev.store.tickets(c._id)).toEqual([expect.objectContaining({ caseId: c._id, outRefundNo, openid: ALICE })]);
    expect(w.local.dev.outbox({ caseId: c._id }).at(-1)).toMatchObject({ templateKey: 'ticket', toOpenid: ALICE });
  });
});

describe('evidence and the hash chain (R15, R22)', () => {
  test('the merchant attaches a QC report; both sides read it; an edited history is caught', async () => {
    const o = w.seedOrder({ items: [line('durian', { title: '金枕榴莲', kind: 'FRESH' })] });
    const c = await w.ok(ALICE, 'apply', refundOnly(w, o, { items: [{ skuId: 'durian', qty: 1 }], evidence: [w.upload(ALICE, 'image', 'receipt')] }));
    const withQc = await w.ok(STAFF, 'merchant.addEvidence', { caseId: c._id, evidence: [w.upload(STAFF, 'image', 'qc_report')] });
    expect(withQc.evidence.map((e) => [e.by, e.tag])).toEqual([
      ['BUYER', 'receipt'],
      ['MERCHANT', 'qc_report'],
    ]);
    const seen = await w.ok(OWNER, 'merchant.get', { caseId: c._id });
    expect(seen.order._id).toBe(o._id);
    expect(seen.evidence).toHaveLength(2);

    const stored = (await w.svc.cases.get(c._id))!;
    const forged = { ...stored, version: stored.version + 1, history: stored.history.map((h, i) => (i === 0 ? { ...h, at: h.at - 1 } : h)) };
    expect(await w.svc.cases.update(forged, stored.version, [])).toBe(true);
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: false, brokenAt: 0 });
  });

  test('a fresh-food quality claim without a receipt photo is EVIDENCE_REQUIRED (R15)', async () => {
    const o = w.seedOrder({ items: [line('durian', { kind: 'FRESH' })] });
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o, { items: [{ skuId: 'durian', qty: 1 }] }));
    expect([e.code, e.rule]).toEqual(['EVIDENCE_REQUIRED', 'R15']);
  });

  test('a merchant cannot attach a buyer’s upload, nor a file that was never uploaded', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const theirs = await w.fail(STAFF, 'merchant.addEvidence', { caseId: c._id, evidence: [w.upload(ALICE)] });
    expect([theirs.code, theirs.field]).toEqual(['INVALID_INPUT', 'evidence.0.fileId']);
    const ghost = { ...w.upload(STAFF), fileId: `local://evidence/${STAFF}/ffffffffffffffffffffffffffffffff.jpg` };
    const missing = await w.fail(STAFF, 'merchant.addEvidence', { caseId: c._id, evidence: [ghost] });
    expect([missing.code, missing.field]).toEqual(['INVALID_INPUT', 'evidence.0.fileId']);
    expect((await get(c)).version).toBe(c.version);
  });
});
