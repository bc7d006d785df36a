import type { ApplyRequest } from '../../../types/api';
import type { Actor, AfterSaleCase, CaseStatus, Order } from '../../../types/domain';
import { verifyChain } from '../chain';
import type { CaseEvent, Effect, TransitionContext, TransitionResult } from '../context';
import { CATALOGUE } from '../errors';
import { allowedEvents, deferTimer, maskAccount, nextTimerAt, openCase, timerEvent, transition, TRANSITIONS } from '../lifecycle';
import { LIMITS } from '../settings';
import { DAY_MS, HOUR_MS } from '../time';
import { BUYER, makeAttempt, makeCase, makeCtx, makeDraft, makeEvidence, makeItem, makeOrder, makeShop, T0, caught } from './fixtures';

const MERCHANT = 'o_merchant_1';
const PLATFORM = 'o_platform_1';

function tctx(actor: Actor, over: Partial<TransitionContext> = {}): TransitionContext {
  const callerOpenid = actor === 'BUYER' ? BUYER : actor === 'MERCHANT' ? MERCHANT : actor === 'PLATFORM' ? PLATFORM : 'system';
  return { ...makeCtx({ callerOpenid }), actor, ...over };
}

function run(c: AfterSaleCase, ev: CaseEvent, actor: Actor, over: Partial<TransitionContext> = {}): TransitionResult {
  return transition(c, ev, tctx(actor, over));
}

function request(over: Partial<ApplyRequest> = {}): ApplyRequest {
  return { ...makeDraft(), amountFen: 5_000, description: '衣服领口有破洞', evidence: [], idempotencyKey: 'k1', ...over } as ApplyRequest;
}

/** A case opened at T0 through openCase, so it carries a real APPLY event. */
function opened(over: Partial<ApplyRequest> = {}, ctxOver: Parameters<typeof makeCtx>[0] = {}): AfterSaleCase {
  return openCase(makeCtx(ctxOver), request(over), { caseId: 'AS1' }).case;
}

function effectsOf<T extends Effect['type']>(r: TransitionResult, type: T): Extract<Effect, { type: T }>[] {
  return r.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}

const returnReq = { type: 'RETURN_REFUND' as const, reason: 'NO_REASON' as const, description: '不想要了，没拆封' };

/** A return approved at T0+1h and shipped at T0+2h. */
function shippedReturn(reason: ApplyRequest['reason'] = 'NO_REASON'): AfterSaleCase {
  const approved = run(opened({ ...returnReq, reason }), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
  return run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT100200300' }, 'BUYER', { now: T0 + 2 * HOUR_MS }).case;
}

function refunding(over: Partial<ApplyRequest> = {}, ctxOver: Partial<TransitionContext> = {}): AfterSaleCase {
  return run(opened(over), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 + HOUR_MS, ...ctxOver }).case;
}

function rejected(over: Partial<ApplyRequest> = {}, ctxOver: Parameters<typeof makeCtx>[0] = {}): AfterSaleCase {
  return run(opened(over, ctxOver), { type: 'REJECT', reasonCode: 'NO_EVIDENCE', note: '请补充照片' }, 'MERCHANT', {
    ...makeCtx(ctxOver),
    callerOpenid: MERCHANT,
    now: T0 + HOUR_MS,
  }).case;
}

describe('the lifecycle table (docs/DESIGN.md)', () => {
  it('has exactly the rows of the design, with their actors', () => {
    const rows = TRANSITIONS.map((r) => `${r.from} ${r.event} ${[...r.actors].sort().join('+')}`).sort();
    expect(rows).toEqual(
      [
        'PENDING APPROVE MERCHANT+SYSTEM',
        'PENDING REJECT MERCHANT',
        'PENDING OFFER MERCHANT',
        'NEGOTIATING OFFER MERCHANT',
        'PENDING CANCEL BUYER',
        'NEGOTIATING CANCEL BUYER',
        'REJECTED CANCEL BUYER',
        'PENDING ADD_EVIDENCE BUYER+MERCHANT',
        'NEGOTIATING ADD_EVIDENCE BUYER',
        'NEGOTIATING ADD_EVIDENCE MERCHANT',
        'NEGOTIATING ACCEPT_OFFER BUYER',
        'NEGOTIATING DECLINE_OFFER BUYER',
        'NEGOTIATING OFFER_TIMEOUT SYSTEM',
        'REJECTED ESCALATE BUYER',
        'REJECTED ESCALATE_TIMEOUT SYSTEM',
        'AWAITING_RETURN SHIP_RETURN BUYER',
        'AWAITING_RETURN SHIP_TIMEOUT SYSTEM',
        'RETURN_SHIPPED CONFIRM_RETURN MERCHANT+SYSTEM',
        'ESCALATED PLATFORM_DECIDE PLATFORM',
        'ESCALATED PLATFORM_OVERDUE SYSTEM',
        'REFUNDING REFUND_RESULT SYSTEM',
        'REFUNDING REFUND_REFUSED SYSTEM',
        'REFUND_FAILED RETRY_REFUND MERCHANT+SYSTEM',
        'REFUNDED REPORT_NOT_RECEIVED BUYER',
        'AWAITING_RESHIP RESHIP MERCHANT',
        'AWAITING_RESHIP CONVERT_TO_REFUND MERCHANT+SYSTEM',
        'RESHIPPED CONFIRM_RECEIPT BUYER+SYSTEM',
        // SPEC §6
        'REJECTED ADD_EVIDENCE BUYER',
        'ESCALATED ADD_EVIDENCE BUYER',
        'PENDING REQUEST_EVIDENCE MERCHANT',
        'NEGOTIATING REQUEST_EVIDENCE MERCHANT',
        'PENDING MODIFY BUYER',
        'REJECTED MODIFY BUYER',
        ...['PENDING', 'NEGOTIATING', 'AWAITING_RETURN', 'RETURN_SHIPPED', 'REFUNDING', 'REFUND_FAILED', 'REJECTED', 'AWAITING_RESHIP', 'RESHIPPED'].map(
          (st) => `${st} MESSAGE BUYER+MERCHANT`,
        ),
        'ESCALATED MESSAGE BUYER+MERCHANT+PLATFORM',
      ].sort(),
    );
  });

  it('never rests in APPROVED, and final statuses have no way out', () => {
    const froms = new Set(TRANSITIONS.map((r) => r.from));
    expect(froms.has('APPROVED')).toBe(false);
    expect(TRANSITIONS.some((r) => r.to.includes('APPROVED'))).toBe(false);
    for (const s of ['CANCELLED', 'CLOSED', 'EXCHANGED'] as CaseStatus[]) expect(froms.has(s)).toBe(false);
  });

  it('bumps the version, stamps updatedAt and appends exactly one chained event', () => {
    const c = opened();
    const r = run(c, { type: 'CANCEL' }, 'BUYER', { now: T0 + 5_000 });
    expect(r.case.version).toBe(c.version + 1);
    expect(r.case.updatedAt).toBe(T0 + 5_000);
    expect(r.case.history).toHaveLength(c.history.length + 1);
    expect(r.case.history.slice(0, -1)).toEqual(c.history);
    expect(r.case.history.at(-1)).toMatchObject({ action: 'CANCEL', actor: 'BUYER', from: 'PENDING', to: 'CANCELLED', at: T0 + 5_000 });
    expect(verifyChain(r.case.history)).toEqual({ ok: true });
    expect(r.case.deadlineAt).toBeUndefined();
    expect(r.case.timerAt).toBeUndefined();
    expect('timerAt' in r.case).toBe(false);
  });

  it('does not change the case it was given', () => {
    const c = opened();
    const copy = JSON.parse(JSON.stringify(c));
    run(c, { type: 'APPROVE', via: 'MERCHANT', compensationFen: 100 }, 'MERCHANT');
    expect(c).toEqual(copy);
  });

  it('answers CASE_STATE_CHANGED to a second approve, a cancel after approval and a wrong actor', () => {
    const c = opened();
    const approved = run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT').case;
    expect(caught(() => run(approved, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(approved, { type: 'CANCEL' }, 'BUYER')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'BUYER')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(c, { type: 'CANCEL' }, 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(c, { type: 'APPROVE', via: 'PLATFORM' }, 'SYSTEM')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'SYSTEM')).code).toBe('CASE_STATE_CHANGED');
    expect(
      caught(() => run(c, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: makeEvidence(1, 'image', 'proof', MERCHANT) }, 'BUYER')).code,
    ).toBe('CASE_STATE_CHANGED');
  });

  it('offers each actor the buttons the table allows now', () => {
    const c = opened();
    expect(allowedEvents(c, 'BUYER').sort()).toEqual(['ADD_EVIDENCE', 'CANCEL', 'MESSAGE', 'MODIFY']);
    expect(allowedEvents(c, 'MERCHANT').sort()).toEqual(['ADD_EVIDENCE', 'APPROVE', 'MESSAGE', 'OFFER', 'REJECT', 'REQUEST_EVIDENCE']);
    expect(allowedEvents(c, 'PLATFORM')).toEqual([]);
    expect(allowedEvents(c, 'SYSTEM', T0)).toEqual([]);
    expect(allowedEvents(c, 'SYSTEM', T0 + 48 * HOUR_MS)).toEqual([]);
    expect(allowedEvents(c, 'SYSTEM', T0 + 48 * HOUR_MS + 1)).toEqual(['APPROVE']);
    const negotiating = run(c, { type: 'OFFER', amountFen: 3_000, note: '折价退款' }, 'MERCHANT').case;
    expect(allowedEvents(negotiating, 'BUYER').sort()).toEqual(['ACCEPT_OFFER', 'ADD_EVIDENCE', 'CANCEL', 'DECLINE_OFFER', 'MESSAGE']);
    const r = rejected();
    expect(allowedEvents(r, 'BUYER', T0 + HOUR_MS + 7 * DAY_MS).sort()).toEqual(['ADD_EVIDENCE', 'CANCEL', 'ESCALATE', 'MESSAGE', 'MODIFY']);
    expect(allowedEvents(r, 'BUYER', T0 + HOUR_MS + 7 * DAY_MS + 1)).toEqual(['CANCEL']);
    const paying = refunding();
    expect(allowedEvents(paying, 'SYSTEM').sort()).toEqual(['REFUND_REFUSED', 'REFUND_RESULT']);
    expect(allowedEvents(paying, 'BUYER')).toEqual(['MESSAGE']);
  });

  it('keeps timerAt on the deadline, a query delay ahead while refunding, and clears it when nothing is due', () => {
    const c = makeCase({ deadlineAt: T0 + 5 });
    expect(nextTimerAt(c, T0)).toBe(T0 + 5);
    expect(nextTimerAt({ ...c, status: 'REFUNDING' }, T0)).toBe(T0 + LIMITS.refundQueryDelayMs);
    expect(nextTimerAt({ ...c, status: 'ESCALATED', platformOverdue: true }, T0)).toBeUndefined();
    expect(nextTimerAt({ ...c, status: 'REFUND_FAILED', lastError: { ...CATALOGUE.REFUND_ABNORMAL, code: 'REFUND_ABNORMAL' } }, T0)).toBeUndefined();
    expect(nextTimerAt({ ...c, status: 'REFUND_FAILED' }, T0)).toBeUndefined();
    expect(nextTimerAt({ ...c, status: 'REFUNDED' }, T0)).toBeUndefined();
  });

  it('defers a timer without an event, moving the version for the compare-and-set', () => {
    const c = refunding();
    const later = deferTimer(c, T0 + 2 * HOUR_MS, T0 + HOUR_MS + 1);
    expect(later).toMatchObject({ timerAt: T0 + 2 * HOUR_MS, version: c.version + 1, updatedAt: T0 + HOUR_MS + 1 });
    expect(later.history).toEqual(c.history);
    const cleared = deferTimer(c, undefined, T0 + HOUR_MS + 2);
    expect('timerAt' in cleared).toBe(false);
    expect(cleared.version).toBe(c.version + 1);
  });

  it('names what the sweep sends to each due case', () => {
    const due = T0 + 100 * DAY_MS;
    const at = (status: CaseStatus, extra: Partial<AfterSaleCase> = {}) => makeCase({ status, deadlineAt: T0, ...extra });
    expect(timerEvent(at('PENDING'), due, true)).toEqual({ type: 'APPROVE', via: 'TIMEOUT' });
    expect(timerEvent(at('PENDING'), T0 - 1, true)).toBeNull();
    expect(timerEvent(at('NEGOTIATING'), due, true)).toEqual({ type: 'OFFER_TIMEOUT' });
    expect(timerEvent(at('AWAITING_RETURN'), due, true)).toEqual({ type: 'SHIP_TIMEOUT' });
    expect(timerEvent(at('RETURN_SHIPPED'), due, true)).toEqual({ type: 'CONFIRM_RETURN', by: 'SYSTEM' });
    expect(timerEvent(at('REJECTED'), due, true)).toEqual({ type: 'ESCALATE_TIMEOUT' });
    expect(timerEvent(at('ESCALATED'), due, true)).toEqual({ type: 'PLATFORM_OVERDUE' });
    expect(timerEvent(at('ESCALATED', { platformOverdue: true }), due, true)).toBeNull();
    expect(timerEvent(at('REFUNDING'), due, true)).toBeNull();
    const closed = { code: 'REFUND_CLOSED', message: 'x', solution: 'y' };
    const r5 = { code: 'MERCHANT_ACCOUNT_ABNORMAL', message: 'x', solution: 'y' };
    expect(timerEvent(at('REFUND_FAILED', { lastError: closed, deadlineAt: undefined }), T0, false)).toEqual({ type: 'RETRY_REFUND', by: 'SYSTEM' });
    expect(timerEvent(at('REFUND_FAILED', { lastError: r5 }), T0, false)).toBeNull();
    expect(timerEvent(at('REFUND_FAILED', { lastError: r5 }), T0, true)).toEqual({ type: 'RETRY_REFUND', by: 'SYSTEM' });
  });

  it('masks a designated account down to its last four characters', () => {
    expect(maskAccount('6222 0210 0112 5678')).toBe('****5678');
    expect(maskAccount('abc')).toBe('****');
  });
});

describe('approval outcome and refund start', () => {
  it('R3: approves amount + compensation within 105% of the order, and refuses beyond it', () => {
    const order = makeOrder();
    const c = opened();
    const cap = Math.floor((order.paidFen * LIMITS.refundCapPercent) / 100);
    const ok = run(c, { type: 'APPROVE', via: 'MERCHANT', compensationFen: cap - c.amountFen }, 'MERCHANT');
    expect(ok.case).toMatchObject({ approvedFen: cap, compensationFen: cap - c.amountFen, status: 'REFUNDING' });
    const err = caught(() => run(c, { type: 'APPROVE', via: 'MERCHANT', compensationFen: cap - c.amountFen + 1 }, 'MERCHANT'));
    expect(err).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', rule: 'R3' });
    expect(caught(() => run(c, { type: 'APPROVE', via: 'MERCHANT', compensationFen: -1 }, 'MERCHANT'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'compensationFen',
    });
  });

  it('starts a PROCESSING attempt <caseId>-1 for approvedFen and asks for the refund', () => {
    const r = run(opened(), { type: 'APPROVE', via: 'MERCHANT', note: '同意，抱歉给您添麻烦了' }, 'MERCHANT', { now: T0 + HOUR_MS });
    expect(r.case).toMatchObject({ status: 'REFUNDING', approvedFen: 5_000, approvedAt: T0 + HOUR_MS, approvedBy: 'MERCHANT', timerAt: T0 + HOUR_MS + LIMITS.refundQueryDelayMs });
    expect(r.case.deadlineAt).toBeUndefined();
    expect(r.case.refunds).toEqual([{ outRefundNo: 'AS1-1', amountFen: 5_000, status: 'PROCESSING', at: T0 + HOUR_MS, method: 'ORIGINAL' }]);
    expect(effectsOf(r, 'REQUEST_REFUND')).toEqual([{ type: 'REQUEST_REFUND', caseId: 'AS1', orderId: 'order_1', attempt: r.case.refunds[0] }]);
    expect(r.case.history.at(-1)).toMatchObject({ action: 'APPROVE', note: '同意，抱歉给您添麻烦了', data: { approvedFen: 5_000, outRefundNo: 'AS1-1' } });
    expect(r.case.messages.at(-1)).toEqual({ at: T0 + HOUR_MS, from: 'MERCHANT', text: '同意，抱歉给您添麻烦了' });
  });

  it('R31 at payment: 365 days after paidAt, and 50 refund numbers on the order, fail the refund', () => {
    const order = makeOrder();
    const last = order.paidAt + LIMITS.paymentRefundDays * DAY_MS;
    const c = opened();
    expect(run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: last }).case.status).toBe('REFUNDING');
    const late = run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: last + 1 });
    expect(late.case).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'AFTER_SALE_WINDOW_EXPIRED' }, refunds: [] });
    expect(effectsOf(late, 'REQUEST_REFUND')).toEqual([]);

    const withRefunds = (n: number, status: 'ABNORMAL' | 'CLOSED' = 'ABNORMAL') =>
      makeCase({ _id: 'old', status: 'CLOSED', refunds: Array.from({ length: n }, (_, i) => makeAttempt({ outRefundNo: `old-${i}`, status })) });
    expect(run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { orderCases: [withRefunds(49), c] }).case.status).toBe('REFUNDING');
    const full = run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { orderCases: [withRefunds(50), c] });
    expect(full.case).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'AMOUNT_EXCEEDS_LIMIT' } });
    expect(full.case.timerAt).toBeUndefined();
    // CLOSED attempts do not count toward the 50 (R31).
    expect(run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { orderCases: [withRefunds(50, 'CLOSED'), c] }).case.status).toBe('REFUNDING');
  });

  it('never starts a second attempt while one is PROCESSING or after one succeeded', () => {
    const broken = makeCase({ status: 'REFUND_FAILED', approvedFen: 5_000, refunds: [makeAttempt({ status: 'SUCCESS' })] });
    expect(caught(() => run(broken, { type: 'RETRY_REFUND', by: 'MERCHANT' }, 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
  });

  it('notifies the buyer of the decision with the shop\'s template id', () => {
    const shop = makeShop({}, { subscribeTemplateIds: { decision: 'TPL_DECISION', refund: 'TPL_REFUND' } });
    const r = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { shop });
    const [n] = effectsOf(r, 'NOTIFY');
    expect(n.notification).toMatchObject({ toOpenid: BUYER, caseId: 'AS1', templateKey: 'decision', templateId: 'TPL_DECISION' });
    expect(n.notification.text).toContain('商家已同意');
    expect(n.notification.text).toContain('¥50.00');
    const plain = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT');
    expect(effectsOf(plain, 'NOTIFY')[0].notification.templateId).toBeUndefined();
    expect(effectsOf(plain, 'NOTIFY')[0].notification.templateFields).toBeUndefined();
  });

  it("carries the template's key map with its id, and the amount the notice is about", () => {
    const decision = { progress: 'thing2', amount: 'amount3', result: 'phrase1' };
    const shop = makeShop({}, { subscribeTemplateIds: { decision: 'TPL_DECISION', refund: '' }, subscribeTemplateFields: { decision, refund: { progress: 'thing9' } } });
    const r = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { shop });
    expect(effectsOf(r, 'NOTIFY')[0].notification).toMatchObject({ templateId: 'TPL_DECISION', templateFields: decision, data: { status: 'REFUNDING', amountFen: 5_000 } });
  });
});

describe('R5 unverified merchant account', () => {
  const unverified = makeShop({ verified: false });

  it('approval succeeds, no attempt and no gateway call, REFUND_FAILED with MERCHANT_ACCOUNT_ABNORMAL', () => {
    const r = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { shop: unverified, now: T0 + HOUR_MS });
    expect(r.case).toMatchObject({
      status: 'REFUND_FAILED',
      approvedFen: 5_000,
      lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL', ...CATALOGUE.MERCHANT_ACCOUNT_ABNORMAL },
      refunds: [],
      timerAt: T0 + HOUR_MS,
    });
    expect(effectsOf(r, 'REQUEST_REFUND')).toEqual([]);
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('商家账户异常');
  });

  it('the timer retries only once the shop is verified; the merchant may retry any time', () => {
    const failed = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { shop: unverified }).case;
    expect(caught(() => run(failed, { type: 'RETRY_REFUND', by: 'SYSTEM' }, 'SYSTEM', { shop: unverified })).code).toBe('CASE_STATE_CHANGED');
    const again = run(failed, { type: 'RETRY_REFUND', by: 'MERCHANT' }, 'MERCHANT', { shop: unverified });
    expect(again.case).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL' } });
    const retried = run(failed, { type: 'RETRY_REFUND', by: 'SYSTEM' }, 'SYSTEM', { now: T0 + DAY_MS });
    expect(retried.case.status).toBe('REFUNDING');
    expect(retried.case.lastError).toBeUndefined();
    expect(retried.case.refunds).toEqual([expect.objectContaining({ outRefundNo: 'AS1-1', status: 'PROCESSING', amountFen: 5_000 })]);
    expect(retried.case.history.at(-1)).toMatchObject({ action: 'RETRY_REFUND', actor: 'SYSTEM' });
  });
});

describe('R6 unsealed goods on a no-reason return', () => {
  it('CONFIRM_RETURN unsealed → NEGOTIATING with GOODS_UNSEALED and an answer-by deadline', () => {
    const now = T0 + DAY_MS;
    const r = run(shippedReturn(), { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now });
    expect(r.case).toMatchObject({
      status: 'NEGOTIATING',
      unsealed: true,
      returnReceivedAt: now,
      lastError: { code: 'GOODS_UNSEALED', message: CATALOGUE.GOODS_UNSEALED.message, solution: CATALOGUE.GOODS_UNSEALED.solution },
      deadlineAt: now + 48 * HOUR_MS,
      timerAt: now + 48 * HOUR_MS,
      refunds: [],
    });
    expect(effectsOf(r, 'REQUEST_REFUND')).toEqual([]);
  });

  it('an unsealed return for a seller-responsible reason is refunded in full', () => {
    const r = run(shippedReturn('QUALITY'), { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now: T0 + DAY_MS });
    expect(r.case).toMatchObject({ status: 'REFUNDING', unsealed: true });
    expect(r.case.refunds[0].amountFen).toBe(5_000);
  });

  it('the buyer adds proof of non-use → back to the merchant with a new 48 h', () => {
    const negotiating = run(shippedReturn(), { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now: T0 + DAY_MS }).case;
    const now = T0 + 2 * DAY_MS;
    const r = run(negotiating, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: makeEvidence(1, 'video', 'proof'), note: '塑封是快递拆的，商品没用过' }, 'BUYER', { now });
    expect(r.case).toMatchObject({ status: 'PENDING', deadlineAt: now + 48 * HOUR_MS, timerAt: now + 48 * HOUR_MS });
    expect(r.case.lastError).toBeUndefined();
    expect(r.case.evidence.at(-1)).toMatchObject({ kind: 'video', tag: 'proof', by: 'BUYER', at: now });
    expect(r.case.history.at(-1)?.data).toEqual({ evidence: [expect.objectContaining({ kind: 'video', tag: 'proof', sha256: 'a'.repeat(64) })] });
    // Goods are back at the shop, so approving now refunds at once.
    const approved = run(r.case, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: now + HOUR_MS });
    expect(approved.case.status).toBe('REFUNDING');
  });

  it('the merchant offers a discounted amount; the buyer accepting it is refunded that amount', () => {
    const negotiating = run(shippedReturn(), { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now: T0 + DAY_MS }).case;
    const offered = run(negotiating, { type: 'OFFER', amountFen: 3_500, note: '已拆封，按七折退款' }, 'MERCHANT', { now: T0 + DAY_MS + 10 });
    expect(offered.case).toMatchObject({ status: 'NEGOTIATING', offer: { amountFen: 3_500 }, lastError: { code: 'GOODS_UNSEALED' } });
    expect(effectsOf(offered, 'NOTIFY')[0].notification.text).toContain('¥35.00');
    const accepted = run(offered.case, { type: 'ACCEPT_OFFER' }, 'BUYER', { now: T0 + DAY_MS + 20 });
    expect(accepted.case).toMatchObject({ status: 'REFUNDING', approvedFen: 3_500, approvedBy: 'OFFER_ACCEPTED' });
    expect(accepted.case.refunds[0].amountFen).toBe(3_500);
  });

  it('OFFER must be above 0 and not above what the buyer asked', () => {
    const c = opened();
    expect(caught(() => run(c, { type: 'OFFER', amountFen: 0, note: '' }, 'MERCHANT'))).toMatchObject({ code: 'INVALID_INPUT', field: 'amountFen' });
    expect(caught(() => run(c, { type: 'OFFER', amountFen: 5_001, note: '' }, 'MERCHANT'))).toMatchObject({
      code: 'AMOUNT_EXCEEDS_LIMIT',
      field: 'amountFen',
    });
    expect(run(c, { type: 'OFFER', amountFen: 5_000, note: '' }, 'MERCHANT').case.status).toBe('NEGOTIATING');
    expect(run(c, { type: 'OFFER', amountFen: 1, note: '' }, 'MERCHANT').case.offer?.amountFen).toBe(1);
  });

  it('an offer accepted before the goods were sent back waits for the return', () => {
    const offered = run(opened(returnReq), { type: 'OFFER', amountFen: 4_000, note: '包装有瑕疵，退40元' }, 'MERCHANT').case;
    const accepted = run(offered, { type: 'ACCEPT_OFFER' }, 'BUYER', { now: T0 + HOUR_MS });
    expect(accepted.case).toMatchObject({ status: 'AWAITING_RETURN', approvedFen: 4_000, returnAddress: makeShop().returnAddress });
  });

  it('an accepted offer after R6 replaces the earlier approval, compensation included', () => {
    const approved = run(opened(returnReq), { type: 'APPROVE', via: 'MERCHANT', compensationFen: 500 }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
    expect(approved).toMatchObject({ approvedFen: 5_500, compensationFen: 500 });
    const shipped = run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', { now: T0 + 2 * HOUR_MS }).case;
    const negotiating = run(shipped, { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now: T0 + DAY_MS }).case;
    const offered = run(negotiating, { type: 'OFFER', amountFen: 3_000, note: '已拆封' }, 'MERCHANT', { now: T0 + DAY_MS }).case;
    const accepted = run(offered, { type: 'ACCEPT_OFFER' }, 'BUYER', { now: T0 + DAY_MS + 1 }).case;
    expect(accepted).toMatchObject({ status: 'REFUNDING', approvedFen: 3_000 });
    expect(accepted.compensationFen).toBeUndefined();
    expect(accepted.refunds).toEqual([expect.objectContaining({ amountFen: 3_000 })]);
  });

  it('ACCEPT_OFFER without an offer on the table is not a transition', () => {
    const negotiating = run(shippedReturn(), { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now: T0 + DAY_MS }).case;
    expect(caught(() => run(negotiating, { type: 'ACCEPT_OFFER' }, 'BUYER')).code).toBe('CASE_STATE_CHANGED');
    expect(allowedEvents(negotiating, 'BUYER')).not.toContain('ACCEPT_OFFER');
  });
});

describe('R8 refund reported not received', () => {
  function refunded(settledAt: number): AfterSaleCase {
    const paying = refunding();
    return run(paying, { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'SUCCESS', settledAt }, 'SYSTEM', { now: settledAt }).case;
  }
  const settledAt = T0 + 2 * HOUR_MS;

  it('before settledAt + 48 h: REFUND_SYNC_DELAYED telling the buyer to wait', () => {
    const err = caught(() => run(refunded(settledAt), { type: 'REPORT_NOT_RECEIVED' }, 'BUYER', { now: settledAt + 48 * HOUR_MS - 1 }));
    expect(err).toMatchObject({ code: 'REFUND_SYNC_DELAYED', rule: 'R8' });
    expect(err.solution).toContain('AS1-1');
  });

  it('from settledAt + 48 h: a ticket and a message naming the outRefundNo, the case stays REFUNDED', () => {
    const c = refunded(settledAt);
    const now = settledAt + 48 * HOUR_MS;
    const r = run(c, { type: 'REPORT_NOT_RECEIVED' }, 'BUYER', { now });
    expect(r.case.status).toBe('REFUNDED');
    expect(r.case.messages.at(-1)).toMatchObject({ from: 'SYSTEM', at: now });
    expect(r.case.messages.at(-1)?.text).toContain('AS1-1');
    expect(effectsOf(r, 'OPEN_TICKET')).toEqual([{ type: 'OPEN_TICKET', caseId: 'AS1', outRefundNo: 'AS1-1', text: expect.stringContaining('AS1-1') }]);
    expect(r.case.history.at(-1)).toMatchObject({ action: 'REPORT_NOT_RECEIVED', data: { outRefundNo: 'AS1-1' } });
  });

  it('a REFUNDED case without a SUCCESS attempt (corrupt) is not reported', () => {
    expect(caught(() => run(makeCase({ status: 'REFUNDED' }), { type: 'REPORT_NOT_RECEIVED' }, 'BUYER')).code).toBe('CASE_STATE_CHANGED');
  });
});

describe('R16 auto-approval after 48 h', () => {
  it('not a millisecond before the deadline; at it, AUTO_APPROVE with approvedBy TIMEOUT', () => {
    const c = opened();
    expect(c.deadlineAt).toBe(T0 + 48 * HOUR_MS);
    expect(caught(() => run(c, { type: 'APPROVE', via: 'TIMEOUT' }, 'SYSTEM', { now: T0 + 48 * HOUR_MS - 1 })).code).toBe('CASE_STATE_CHANGED');
    const r = run(c, { type: 'APPROVE', via: 'TIMEOUT' }, 'SYSTEM', { now: T0 + 48 * HOUR_MS });
    expect(r.case).toMatchObject({ status: 'REFUNDING', approvedBy: 'TIMEOUT', approvedFen: 5_000 });
    expect(r.case.history.at(-1)).toMatchObject({ action: 'AUTO_APPROVE', actor: 'SYSTEM' });
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('48小时');
  });

  it('the shop\'s own autoApproveHours sets the deadline', () => {
    const c = opened({}, { shop: makeShop({}, { autoApproveHours: 24 }) });
    expect(c.deadlineAt).toBe(T0 + 24 * HOUR_MS);
  });
});

describe('R19 refund method', () => {
  it('goes back the original way by default', () => {
    const r = run(opened(), { type: 'APPROVE', via: 'TIMEOUT' }, 'SYSTEM', { now: T0 + 48 * HOUR_MS });
    expect(r.case.refunds[0].method).toBe('ORIGINAL');
    expect(r.case.refunds[0].account).toBeUndefined();
  });

  it('a designated account must be given, and is stored masked in the attempt', () => {
    const c = opened();
    expect(caught(() => run(c, { type: 'APPROVE', via: 'MERCHANT', refundMethod: 'DESIGNATED_ACCOUNT' }, 'MERCHANT'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'account',
    });
    expect(caught(() => run(c, { type: 'APPROVE', via: 'MERCHANT', refundMethod: 'DESIGNATED_ACCOUNT', account: '  ' }, 'MERCHANT')).field).toBe('account');
    const r = run(c, { type: 'APPROVE', via: 'MERCHANT', refundMethod: 'DESIGNATED_ACCOUNT', account: '6222 0210 0112 5678' }, 'MERCHANT');
    expect(r.case.refunds[0]).toMatchObject({ method: 'DESIGNATED_ACCOUNT', account: '****5678' });
    expect(r.case.designatedAccount).toBe('6222 0210 0112 5678');
    expect(JSON.stringify(r.case.history)).not.toContain('6222 0210');
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('约定的账户');
  });

  it('a refused original-way refund (R4) is retried by the merchant to a designated account', () => {
    const paying = refunding();
    const refused = run(
      paying,
      { type: 'REFUND_REFUSED', outRefundNo: 'AS1-1', error: { code: 'PAYMENT_CHANNEL_RESTRICTED', ...CATALOGUE.PAYMENT_CHANNEL_RESTRICTED } },
      'SYSTEM',
    ).case;
    expect(refused).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'PAYMENT_CHANNEL_RESTRICTED' } });
    expect(refused.refunds[0]).toMatchObject({ status: 'CLOSED', failure: CATALOGUE.PAYMENT_CHANNEL_RESTRICTED.message });
    expect(refused.timerAt).toBeUndefined();
    expect(caught(() => run(refused, { type: 'RETRY_REFUND', by: 'SYSTEM' }, 'SYSTEM')).code).toBe('CASE_STATE_CHANGED');
    const retried = run(refused, { type: 'RETRY_REFUND', by: 'MERCHANT', refundMethod: 'DESIGNATED_ACCOUNT', account: 'alipay:13800138000' }, 'MERCHANT');
    expect(retried.case.refunds[1]).toMatchObject({ outRefundNo: 'AS1-2', method: 'DESIGNATED_ACCOUNT', account: '****8000', status: 'PROCESSING' });
    expect(retried.case.refundMethod).toBe('DESIGNATED_ACCOUNT');
  });
});

describe('R20 fee on the approved amount', () => {
  it('is recomputed on approvedFen, compensation included', () => {
    const r = run(opened(), { type: 'APPROVE', via: 'MERCHANT', compensationFen: 5_000 }, 'MERCHANT');
    expect(r.case).toMatchObject({ approvedFen: 10_000, feeFen: 60, feeBearer: 'MERCHANT' });
  });

  it('stays 0 when the seller is not responsible', () => {
    const r = run(opened(returnReq), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT');
    expect(r.case).toMatchObject({ feeFen: 0, feeBearer: 'NONE' });
  });
});

describe('R21 reject needs a reason code and a note', () => {
  const c = opened();

  it('refuses an unknown reasonCode and a note under 2 characters after trimming', () => {
    expect(caught(() => run(c, { type: 'REJECT', reasonCode: 'BECAUSE' as never, note: '不符合要求' }, 'MERCHANT'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'reasonCode',
      rule: 'R21',
    });
    expect(caught(() => run(c, { type: 'REJECT', reasonCode: 'OTHER', note: ' 不 ' }, 'MERCHANT'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'note',
      rule: 'R21',
    });
    expect(caught(() => run(c, { type: 'REJECT', reasonCode: 'OTHER', note: undefined as never }, 'MERCHANT')).field).toBe('note');
  });

  it('accepts a 2-character note, records the rejection and opens the 7-day escalation window', () => {
    const now = T0 + HOUR_MS;
    const r = run(c, { type: 'REJECT', reasonCode: 'OUTSIDE_POLICY', note: ' 超期 ' }, 'MERCHANT', { now });
    expect(r.case).toMatchObject({
      status: 'REJECTED',
      rejection: { reasonCode: 'OUTSIDE_POLICY', note: '超期', at: now },
      deadlineAt: now + 7 * DAY_MS,
      timerAt: now + 7 * DAY_MS,
    });
    expect(r.case.history.at(-1)).toMatchObject({ action: 'REJECT', note: '超期', data: { reasonCode: 'OUTSIDE_POLICY' } });
    expect(effectsOf(r, 'NOTIFY')[0].notification).toMatchObject({ templateKey: 'decision', text: expect.stringContaining('超期') });
  });

  it('approve takes an optional note', () => {
    const r = run(c, { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT');
    expect(r.case.history.at(-1)?.note).toBeUndefined();
    expect(r.case.messages).toHaveLength(c.messages.length);
  });
});

describe('R22 evidence added to a case', () => {
  it('counts the whole case: 9 images in all pass, a 10th does not', () => {
    const c = opened({ evidence: makeEvidence(8) });
    const one = [{ ...makeEvidence(1)[0], fileId: `local://evidence/${BUYER}/extra.jpg` }];
    const nine = run(c, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: one }, 'BUYER');
    expect(nine.case.evidence).toHaveLength(9);
    expect(caught(() => run(nine.case, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: one }, 'BUYER'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'evidence',
    });
  });

  it('the merchant\'s QC report joins the case; only the caller\'s own files are accepted', () => {
    const c = opened({ evidence: makeEvidence(1) });
    const qc = makeEvidence(1, 'image', 'qc_report', MERCHANT);
    const r = run(c, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: qc, note: '发货前质检报告' }, 'MERCHANT');
    expect(r.case.status).toBe('PENDING');
    expect(r.case.evidence.at(-1)).toMatchObject({ tag: 'qc_report', by: 'MERCHANT' });
    expect(r.case.messages.at(-1)).toMatchObject({ from: 'MERCHANT', text: '发货前质检报告' });
    expect(caught(() => run(c, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: qc }, 'BUYER'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'evidence.0.fileId',
    });
    expect(caught(() => run(c, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: [] }, 'BUYER')).field).toBe('evidence');
  });

  it('the merchant adding evidence while negotiating keeps the negotiation', () => {
    const offered = run(opened(), { type: 'OFFER', amountFen: 2_000, note: '' }, 'MERCHANT').case;
    const r = run(offered, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: makeEvidence(1, 'image', 'qc_report', MERCHANT) }, 'MERCHANT');
    expect(r.case).toMatchObject({ status: 'NEGOTIATING', offer: { amountFen: 2_000 } });
  });
});

describe('R23 return flow deadlines', () => {
  const approvedAt = T0 + HOUR_MS;
  const approved = () => run(opened(returnReq), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: approvedAt }).case;

  it('ship by approvedAt + 7 d, else SHIP_TIMEOUT closes the case', () => {
    const c = approved();
    expect(c).toMatchObject({ status: 'AWAITING_RETURN', deadlineAt: approvedAt + 7 * DAY_MS, timerAt: approvedAt + 7 * DAY_MS });
    expect(caught(() => run(c, { type: 'SHIP_TIMEOUT' }, 'SYSTEM', { now: approvedAt + 7 * DAY_MS - 1 })).code).toBe('CASE_STATE_CHANGED');
    const closed = run(c, { type: 'SHIP_TIMEOUT' }, 'SYSTEM', { now: approvedAt + 7 * DAY_MS });
    expect(closed.case).toMatchObject({ status: 'CLOSED' });
    expect(closed.case.timerAt).toBeUndefined();
    expect(closed.case.history.at(-1)?.action).toBe('SHIP_TIMEOUT');
  });

  it('the buyer ships with company and tracking number; confirm-by is shippedAt + 10 d', () => {
    const c = approved();
    expect(caught(() => run(c, { type: 'SHIP_RETURN', company: ' ', trackingNo: 'ZT1' }, 'BUYER')).field).toBe('company');
    expect(caught(() => run(c, { type: 'SHIP_RETURN', company: '中通', trackingNo: '' }, 'BUYER')).field).toBe('trackingNo');
    const shippedAt = approvedAt + 3 * DAY_MS;
    const shipped = run(c, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT100200300' }, 'BUYER', { now: shippedAt }).case;
    expect(shipped).toMatchObject({
      status: 'RETURN_SHIPPED',
      returnShipment: { company: '中通快递', trackingNo: 'ZT100200300', at: shippedAt },
      deadlineAt: shippedAt + 10 * DAY_MS,
    });
    expect(caught(() => run(shipped, { type: 'CONFIRM_RETURN', by: 'SYSTEM' }, 'SYSTEM', { now: shippedAt + 10 * DAY_MS - 1 })).code).toBe(
      'CASE_STATE_CHANGED',
    );
    const auto = run(shipped, { type: 'CONFIRM_RETURN', by: 'SYSTEM' }, 'SYSTEM', { now: shippedAt + 10 * DAY_MS });
    expect(auto.case).toMatchObject({ status: 'REFUNDING', returnReceivedAt: shippedAt + 10 * DAY_MS });
    expect(auto.case.history.at(-1)?.action).toBe('AUTO_CONFIRM_RETURN');
    expect(effectsOf(auto, 'REQUEST_REFUND')).toHaveLength(1);
  });

  it('the merchant confirms receipt any time before that', () => {
    const shipped = shippedReturn();
    const r = run(shipped, { type: 'CONFIRM_RETURN', by: 'MERCHANT' }, 'MERCHANT', { now: T0 + 3 * HOUR_MS });
    expect(r.case.status).toBe('REFUNDING');
    expect(r.case.history.at(-1)).toMatchObject({ action: 'CONFIRM_RETURN', data: { unsealed: false } });
  });
});

describe('R24 escalation and the platform', () => {
  const rejectedAt = T0 + HOUR_MS;

  it('within 7 days of the rejection, and not a millisecond later', () => {
    const c = rejected();
    const last = rejectedAt + 7 * DAY_MS;
    expect(run(c, { type: 'ESCALATE', note: '照片已经拍得很清楚了' }, 'BUYER', { now: last }).case.status).toBe('ESCALATED');
    expect(caught(() => run(c, { type: 'ESCALATE', note: '照片已经拍得很清楚了' }, 'BUYER', { now: last + 1 }))).toMatchObject({
      code: 'AFTER_SALE_WINDOW_EXPIRED',
      rule: 'R24',
    });
    expect(caught(() => run(c, { type: 'ESCALATE', note: '  ' }, 'BUYER', { now: last })).field).toBe('note');
  });

  it('7 days without escalation close the case', () => {
    const c = rejected();
    expect(caught(() => run(c, { type: 'ESCALATE_TIMEOUT' }, 'SYSTEM', { now: rejectedAt + 7 * DAY_MS - 1 })).code).toBe('CASE_STATE_CHANGED');
    expect(run(c, { type: 'ESCALATE_TIMEOUT' }, 'SYSTEM', { now: rejectedAt + 7 * DAY_MS }).case.status).toBe('CLOSED');
  });

  it('the platform is due in 3 business days, skipping the weekend and the shop\'s holidays', () => {
    // Thursday 2026-11-05 10:00 Shanghai: Fri 6, (weekend), Mon 9, Tue 10.
    const thursday = Date.UTC(2026, 10, 5, 2, 0, 0);
    const c = rejected();
    const r = run(c, { type: 'ESCALATE', note: '商家拒绝不合理' }, 'BUYER', { now: thursday });
    expect(r.case.deadlineAt).toBe(Date.UTC(2026, 10, 10, 2, 0, 0));
    expect(r.case).toMatchObject({ escalatedAt: thursday, timerAt: r.case.deadlineAt, tier: 'DIFFICULT' });
    const withHoliday = makeShop({}, { holidays: ['2026-11-09'] });
    const h = run(c, { type: 'ESCALATE', note: '商家拒绝不合理' }, 'BUYER', { now: thursday, shop: withHoliday });
    expect(h.case.deadlineAt).toBe(Date.UTC(2026, 10, 11, 2, 0, 0));
  });

  it('tier LEGAL with the 微信小法庭 entry from ¥500, DIFFICULT below', () => {
    const order: Order = makeOrder({ paidFen: 80_000, items: [makeItem({ unitFen: 35_000, qty: 2, paidFen: 70_000 })], shippingFen: 10_000 });
    const both = [{ skuId: 'sku_a', qty: 2 }];
    const big = rejected({ amountFen: LIMITS.legalThresholdFen, items: both }, { order });
    const legal = run(big, { type: 'ESCALATE', note: '金额较大，申请平台处理' }, 'BUYER', { now: rejectedAt + DAY_MS, order });
    expect(legal.case).toMatchObject({ tier: 'LEGAL', legalEntry: true });
    const small = rejected({ amountFen: LIMITS.legalThresholdFen - 1, items: both }, { order });
    const difficult = run(small, { type: 'ESCALATE', note: '申请平台处理' }, 'BUYER', { now: rejectedAt + DAY_MS, order });
    expect(difficult.case.tier).toBe('DIFFICULT');
    expect(difficult.case.legalEntry).toBeUndefined();
  });

  it('a declined or unanswered offer goes to the platform as DIFFICULT', () => {
    const offered = run(opened(), { type: 'OFFER', amountFen: 2_000, note: '只能退一部分' }, 'MERCHANT', { now: T0 }).case;
    expect(run(offered, { type: 'DECLINE_OFFER' }, 'BUYER').case).toMatchObject({ status: 'ESCALATED', tier: 'DIFFICULT' });
    expect(caught(() => run(offered, { type: 'OFFER_TIMEOUT' }, 'SYSTEM', { now: T0 + 48 * HOUR_MS - 1 })).code).toBe('CASE_STATE_CHANGED');
    const timedOut = run(offered, { type: 'OFFER_TIMEOUT' }, 'SYSTEM', { now: T0 + 48 * HOUR_MS });
    expect(timedOut.case).toMatchObject({ status: 'ESCALATED', tier: 'DIFFICULT' });
    expect(timedOut.case.history.at(-1)?.action).toBe('OFFER_TIMEOUT');
  });

  it('an overdue platform is flagged once and its timer cleared; the system never decides', () => {
    const escalated = run(rejected(), { type: 'ESCALATE', note: '申请介入' }, 'BUYER', { now: rejectedAt }).case;
    const due = escalated.deadlineAt as number;
    expect(caught(() => run(escalated, { type: 'PLATFORM_OVERDUE' }, 'SYSTEM', { now: due - 1 })).code).toBe('CASE_STATE_CHANGED');
    const flagged = run(escalated, { type: 'PLATFORM_OVERDUE' }, 'SYSTEM', { now: due }).case;
    expect(flagged).toMatchObject({ status: 'ESCALATED', platformOverdue: true, deadlineAt: due });
    expect(flagged.timerAt).toBeUndefined();
    expect(caught(() => run(flagged, { type: 'PLATFORM_OVERDUE' }, 'SYSTEM', { now: due + 1 })).code).toBe('CASE_STATE_CHANGED');
    expect(allowedEvents(flagged, 'SYSTEM', due + 1)).toEqual([]);
  });

  it('the platform rejects: CLOSED for good', () => {
    const escalated = run(rejected(), { type: 'ESCALATE', note: '申请介入' }, 'BUYER', { now: rejectedAt }).case;
    const r = run(escalated, { type: 'PLATFORM_DECIDE', decision: 'REJECT', note: '凭证不足以证明质量问题' }, 'PLATFORM');
    expect(r.case.status).toBe('CLOSED');
    expect(r.case.history.at(-1)).toMatchObject({ action: 'PLATFORM_REJECT', actor: 'PLATFORM' });
    expect(r.case.messages.at(-1)).toMatchObject({ from: 'PLATFORM' });
    expect(allowedEvents(r.case, 'BUYER')).toEqual([]);
    expect(caught(() => run(escalated, { type: 'PLATFORM_DECIDE', decision: 'REJECT', note: '' }, 'PLATFORM')).field).toBe('note');
  });

  it('the platform approves: the approval outcome, overturned when the merchant had rejected', () => {
    const escalated = run(rejected(), { type: 'ESCALATE', note: '申请介入' }, 'BUYER', { now: rejectedAt }).case;
    const r = run(escalated, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', amountFen: 4_000, note: '支持部分退款' }, 'PLATFORM');
    expect(r.case).toMatchObject({ status: 'REFUNDING', approvedFen: 4_000, approvedBy: 'PLATFORM', overturned: true });
    expect(r.case.history.at(-1)).toMatchObject({ action: 'PLATFORM_APPROVE', data: { overturned: true } });
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('平台');
    const full = run(escalated, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', note: '支持退款' }, 'PLATFORM');
    expect(full.case.approvedFen).toBe(5_000);
    expect(caught(() => run(escalated, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', amountFen: 0, note: '支持' }, 'PLATFORM')).field).toBe(
      'amountFen',
    );
    expect(caught(() => run(escalated, { type: 'PLATFORM_DECIDE', decision: 'MAYBE' as never, note: '支持' }, 'PLATFORM')).field).toBe('decision');

    const declined = run(run(opened(), { type: 'OFFER', amountFen: 2_000, note: '' }, 'MERCHANT').case, { type: 'DECLINE_OFFER' }, 'BUYER').case;
    const notOverturned = run(declined, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', note: '支持退款' }, 'PLATFORM');
    expect(notOverturned.case.overturned).toBe(false);
  });
});

describe('R33 returns need the shop\'s return address', () => {
  it('without one: INVALID_INPUT on returnAddress', () => {
    const noAddress = makeShop({ returnAddress: undefined });
    expect(caught(() => run(opened(returnReq), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { shop: noAddress }))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'returnAddress',
      rule: 'R33',
    });
  });

  it('with one: the address is copied onto the case at approval', () => {
    const r = run(opened(returnReq), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT');
    expect(r.case.returnAddress).toEqual(makeShop().returnAddress);
    expect(r.case.history.at(-1)?.data).toMatchObject({ returnAddress: makeShop().returnAddress });
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('浙江省杭州市西湖区文三路100号');
  });
});

describe('refund results and retries', () => {
  it('SUCCESS for the latest attempt → REFUNDED; the same callback again is not a transition', () => {
    const paying = refunding();
    const done = run(paying, { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'SUCCESS', settledAt: T0 + 2 * HOUR_MS }, 'SYSTEM', {
      now: T0 + 2 * HOUR_MS,
    });
    expect(done.case).toMatchObject({ status: 'REFUNDED' });
    expect(done.case.timerAt).toBeUndefined();
    expect(done.case.refunds[0]).toEqual({ outRefundNo: 'AS1-1', amountFen: 5_000, status: 'SUCCESS', at: T0 + HOUR_MS, settledAt: T0 + 2 * HOUR_MS, method: 'ORIGINAL' });
    expect(effectsOf(done, 'NOTIFY')[0].notification).toMatchObject({ templateKey: 'refund', text: expect.stringContaining('¥50.00'), data: { status: 'REFUNDED', amountFen: 5_000 } });
    expect(caught(() => run(done.case, { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'SUCCESS', settledAt: T0 }, 'SYSTEM')).code).toBe(
      'CASE_STATE_CHANGED',
    );
  });

  it('ABNORMAL → REFUND_FAILED with REFUND_ABNORMAL, left to the merchant', () => {
    const r = run(refunding(), { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'ABNORMAL', settledAt: T0 + 2 * HOUR_MS, failure: '用户银行卡已注销' }, 'SYSTEM');
    expect(r.case).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_ABNORMAL', ...CATALOGUE.REFUND_ABNORMAL } });
    expect(r.case.refunds[0]).toMatchObject({ status: 'ABNORMAL', failure: '用户银行卡已注销' });
    expect(r.case.timerAt).toBeUndefined();
    expect(caught(() => run(r.case, { type: 'RETRY_REFUND', by: 'SYSTEM' }, 'SYSTEM')).code).toBe('CASE_STATE_CHANGED');
    const retried = run(r.case, { type: 'RETRY_REFUND', by: 'MERCHANT' }, 'MERCHANT');
    expect(retried.case.refunds.map((a) => [a.outRefundNo, a.status])).toEqual([
      ['AS1-1', 'ABNORMAL'],
      ['AS1-2', 'PROCESSING'],
    ]);
  });

  it('CLOSED → REFUND_FAILED with REFUND_CLOSED; the timer retries with a new number and the old one stays dead', () => {
    const now = T0 + 2 * HOUR_MS;
    const r = run(refunding(), { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'CLOSED', settledAt: now }, 'SYSTEM', { now });
    expect(r.case).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_CLOSED' }, timerAt: now });
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('重新退款');
    const retried = run(r.case, { type: 'RETRY_REFUND', by: 'SYSTEM' }, 'SYSTEM', { now: now + 1 });
    expect(retried.case.refunds[1]).toMatchObject({ outRefundNo: 'AS1-2', status: 'PROCESSING' });
    expect(effectsOf(retried, 'REQUEST_REFUND')[0].attempt.outRefundNo).toBe('AS1-2');
    expect(caught(() => run(retried.case, { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'SUCCESS', settledAt: now }, 'SYSTEM')).code).toBe(
      'CASE_STATE_CHANGED',
    );
    expect(run(retried.case, { type: 'REFUND_RESULT', outRefundNo: 'AS1-2', status: 'SUCCESS', settledAt: now + 2 }, 'SYSTEM').case.status).toBe('REFUNDED');
  });

  it('a refusal for anything but the latest PROCESSING attempt is not a transition', () => {
    const err = { code: 'PAYMENT_CHANNEL_RESTRICTED', message: 'x', solution: 'y' };
    expect(caught(() => run(refunding(), { type: 'REFUND_REFUSED', outRefundNo: 'AS1-9', error: err }, 'SYSTEM')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(makeCase({ status: 'REFUNDING' }), { type: 'REFUND_REFUSED', outRefundNo: 'AS1-1', error: err }, 'SYSTEM')).code).toBe(
      'CASE_STATE_CHANGED',
    );
  });
});

describe('cancel', () => {
  it('the buyer may cancel while pending, negotiating or rejected', () => {
    const offered = run(opened(), { type: 'OFFER', amountFen: 2_000, note: '' }, 'MERCHANT').case;
    expect(run(offered, { type: 'CANCEL' }, 'BUYER').case.status).toBe('CANCELLED');
    expect(run(rejected(), { type: 'CANCEL' }, 'BUYER').case.status).toBe('CANCELLED');
  });
});
