/**
 * SPEC §3 "Deadlines bind at their moment, not at the next sweep": `applyDueTimeouts`, the one place
 * that applies every past-due timeout of a case (the sweep commits it, case actions commit it first,
 * lists and preview look at it in memory). A timeout takes effect at its deadline and the deadline it
 * starts counts from there; at the deadline millisecond itself nothing is due yet.
 */
import type { ApplyRequest } from '../../../types/api';
import type { Actor, AfterSaleCase } from '../../../types/domain';
import { verifyChain } from '../chain';
import type { CaseEvent, RuleContext, TransitionResult } from '../context';
import { DomainError } from '../errors';
import { applyDueTimeouts, dueTimeout, openCase, timerEvent, transition } from '../lifecycle';
import { LIMITS } from '../settings';
import { addBusinessDays, DAY_MS, HOUR_MS } from '../time';
import { makeCtx, makeShop, T0 } from './fixtures';

const H48 = 48 * HOUR_MS;
const D7 = 7 * DAY_MS;
const D10 = 10 * DAY_MS;

function request(over: Partial<ApplyRequest> = {}): ApplyRequest {
  return {
    orderId: 'order_1',
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId: 'sku_a', qty: 1 }],
    amountFen: 5_000,
    description: '衣服领口有破洞',
    evidence: [],
    idempotencyKey: 'k1',
    ...over,
  } as ApplyRequest;
}

/** Opened at T0: auto-approval due after T0 + 48 h. */
function opened(over: Partial<ApplyRequest> = {}, ctx: Partial<RuleContext> = {}): AfterSaleCase {
  return openCase(makeCtx(ctx), request(over), { caseId: 'AS1' }).case;
}

function run(c: AfterSaleCase, ev: CaseEvent, actor: Actor, now: number): TransitionResult {
  return transition(c, ev, { ...makeCtx({ callerOpenid: actor === 'BUYER' ? 'o_buyer_1' : 'o_merchant_1' }), now, actor });
}

const at = (now: number, over: Partial<RuleContext> = {}): RuleContext => makeCtx({ now, ...over });
const returnReq = { type: 'RETURN_REFUND' as const, reason: 'NO_REASON' as const, description: '不想要了，没拆封' };

describe('the boundary: deadline < now', () => {
  it('nothing is due at the deadline millisecond itself; one millisecond later the timeout is', () => {
    const c = opened();
    const D = T0 + H48;
    expect(c.deadlineAt).toBe(D);
    expect(dueTimeout(c, D)).toBeNull();
    expect(applyDueTimeouts(c, at(D))).toEqual({ case: c, steps: [] });
    expect(dueTimeout(c, D + 1)).toEqual({ type: 'APPROVE', via: 'TIMEOUT' });
    const e = applyDueTimeouts(c, at(D + 1));
    expect(e.steps.map((s) => s.case.history.at(-1)?.action)).toEqual(['AUTO_APPROVE']);
    expect(e.case.status).toBe('REFUNDING');
  });

  it('the sweep\'s timer event for a deadline is the same', () => {
    const c = opened();
    expect(timerEvent(c, T0 + H48, true)).toBeNull();
    expect(timerEvent(c, T0 + H48 + 1, true)).toEqual(dueTimeout(c, T0 + H48 + 1));
  });

  it('a merchant answer at the deadline millisecond is in time; the case is not touched by expiry then', () => {
    const c = opened();
    const expiry = applyDueTimeouts(c, at(T0 + H48));
    const r = run(expiry.case, { type: 'REJECT', reasonCode: 'NO_EVIDENCE', note: '请补充照片' }, 'MERCHANT', T0 + H48);
    expect(r.case.status).toBe('REJECTED');
  });
});

describe('a timeout takes effect at its deadline', () => {
  it('an auto-approved refund is approved as of the deadline, its refund requested, the next look a delay after now', () => {
    const c = opened();
    const D = T0 + H48;
    const now = D + 3 * DAY_MS;
    const e = applyDueTimeouts(c, at(now));
    expect(e.steps).toHaveLength(1);
    const [step] = e.steps;
    expect(step).toMatchObject({ event: { type: 'APPROVE', via: 'TIMEOUT' }, at: D });
    expect(e.case).toMatchObject({ status: 'REFUNDING', approvedAt: D, approvedBy: 'TIMEOUT', approvedFen: 5_000, updatedAt: D, version: c.version + 1 });
    expect(e.case.history.at(-1)).toMatchObject({ at: D, actor: 'SYSTEM', action: 'AUTO_APPROVE', from: 'PENDING', to: 'REFUNDING' });
    expect(e.case.timerAt).toBe(now + LIMITS.refundQueryDelayMs);
    expect(step.effects.filter((x) => x.type === 'REQUEST_REFUND')).toHaveLength(1);
    expect(verifyChain(e.case.history).ok).toBe(true);
  });

  it('a RETURN_REFUND auto-approved at D must be shipped by D + 7 d: in time at that millisecond', () => {
    const c = opened(returnReq);
    const D = T0 + H48;
    const e = applyDueTimeouts(c, at(D + D7));
    expect(e.steps.map((s) => s.event.type)).toEqual(['APPROVE']);
    expect(e.case).toMatchObject({ status: 'AWAITING_RETURN', approvedAt: D, deadlineAt: D + D7, timerAt: D + D7 });
    expect(e.case.returnAddress).toBeDefined();
    // The buyer's shipment at that very millisecond is accepted.
    const shipped = run(e.case, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', D + D7);
    expect(shipped.case.status).toBe('RETURN_SHIPPED');
  });

  it('chains: past the ship-by too, the return closes in the same go, each step at its own deadline', () => {
    const c = opened(returnReq);
    const D = T0 + H48;
    const e = applyDueTimeouts(c, at(D + D7 + 1));
    expect(e.steps.map((s) => [s.event.type, s.at])).toEqual([
      ['APPROVE', D],
      ['SHIP_TIMEOUT', D + D7],
    ]);
    expect(e.steps[1].case).toBe(e.case);
    expect(e.case).toMatchObject({ status: 'CLOSED', version: c.version + 2, updatedAt: D + D7 });
    expect(e.case.deadlineAt).toBeUndefined();
    expect(e.case.timerAt).toBeUndefined();
    expect(e.case.history.slice(-2).map((h) => [h.action, h.at, h.actor])).toEqual([
      ['AUTO_APPROVE', D, 'SYSTEM'],
      ['SHIP_TIMEOUT', D + D7, 'SYSTEM'],
    ]);
    expect(verifyChain(e.case.history).ok).toBe(true);
  });

  it('a sweep after a long pause applies the same chain, however far now is', () => {
    const c = opened(returnReq);
    const far = applyDueTimeouts(c, at(T0 + 200 * DAY_MS));
    const near = applyDueTimeouts(c, at(T0 + H48 + D7 + 1));
    expect(far.steps.map((s) => s.at)).toEqual(near.steps.map((s) => s.at));
    expect(far.case.history).toEqual(near.case.history);
  });

  it('an unanswered offer escalates at its 48 h; the platform is due 3 business days from then, flagged once past that', () => {
    const offeredAt = T0 + HOUR_MS;
    const c = run(opened(), { type: 'OFFER', amountFen: 3_000, note: '折价' }, 'MERCHANT', offeredAt).case;
    const answerBy = offeredAt + H48;
    expect(c.deadlineAt).toBe(answerBy);
    expect(applyDueTimeouts(c, at(answerBy)).steps).toEqual([]);

    const escalated = applyDueTimeouts(c, at(answerBy + 1));
    const platformDue = addBusinessDays(answerBy, 3);
    expect(escalated.case).toMatchObject({ status: 'ESCALATED', escalatedAt: answerBy, deadlineAt: platformDue, tier: 'DIFFICULT' });

    const flagged = applyDueTimeouts(c, at(platformDue + 1));
    expect(flagged.steps.map((s) => [s.event.type, s.at])).toEqual([
      ['OFFER_TIMEOUT', answerBy],
      ['PLATFORM_OVERDUE', platformDue],
    ]);
    expect(flagged.case).toMatchObject({ status: 'ESCALATED', platformOverdue: true });
    expect(flagged.case.timerAt).toBeUndefined();
    // Flagged once: nothing more is due, however late.
    expect(applyDueTimeouts(flagged.case, at(platformDue + 100 * DAY_MS)).steps).toEqual([]);
  });

  it('a receipt not confirmed in 10 d is confirmed as of its deadline and refunded', () => {
    const approved = run(opened(returnReq), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', T0 + HOUR_MS).case;
    const shipped = run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', T0 + 2 * HOUR_MS).case;
    const confirmBy = T0 + 2 * HOUR_MS + D10;
    expect(applyDueTimeouts(shipped, at(confirmBy)).steps).toEqual([]);
    const e = applyDueTimeouts(shipped, at(confirmBy + 1));
    expect(e.case).toMatchObject({ status: 'REFUNDING', returnReceivedAt: confirmBy });
    expect(e.case.history.at(-1)).toMatchObject({ action: 'AUTO_CONFIRM_RETURN', at: confirmBy });
  });

  it('a rejection not escalated in 7 d closes at its deadline; a late escalation keeps R24\'s AFTER_SALE_WINDOW_EXPIRED', () => {
    const rejectedAt = T0 + HOUR_MS;
    const c = run(opened(), { type: 'REJECT', reasonCode: 'NO_EVIDENCE', note: '请补充照片' }, 'MERCHANT', rejectedAt).case;
    const escalateBy = rejectedAt + D7;
    expect(applyDueTimeouts(c, at(escalateBy)).steps).toEqual([]);
    const e = applyDueTimeouts(c, at(escalateBy + 1));
    expect(e.case.status).toBe('CLOSED');
    expect(e.case.history.at(-1)).toMatchObject({ action: 'ESCALATE_TIMEOUT', at: escalateBy });
    let err: unknown;
    try {
      run(e.case, { type: 'ESCALATE', note: '商家拒绝不合理' }, 'BUYER', escalateBy + 1);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'AFTER_SALE_WINDOW_EXPIRED', rule: 'R24' });
  });
});

describe('what expiry does not do', () => {
  it('does not change the case it was given', () => {
    const c = opened(returnReq);
    const copy = JSON.parse(JSON.stringify(c));
    applyDueTimeouts(c, at(T0 + 100 * DAY_MS));
    expect(c).toEqual(copy);
  });

  it('stops at a timeout the rules refuse (no return address to approve a return to), leaving it due', () => {
    const noAddress = makeShop({ returnAddress: undefined });
    const c = opened(returnReq, { shop: noAddress });
    const e = applyDueTimeouts(c, at(T0 + 100 * DAY_MS, { shop: noAddress }));
    expect(e.steps).toEqual([]);
    expect(e.case).toBe(c);
    expect(e.blocked).toMatchObject({ code: 'INVALID_INPUT', field: 'returnAddress' });
  });

  it('leaves cases without a running deadline alone (refunding, refunded, cancelled)', () => {
    const refunding = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', T0 + HOUR_MS).case;
    expect(applyDueTimeouts(refunding, at(T0 + 100 * DAY_MS)).steps).toEqual([]);
    const cancelled = run(opened(), { type: 'CANCEL' }, 'BUYER', T0 + HOUR_MS).case;
    expect(applyDueTimeouts(cancelled, at(T0 + 100 * DAY_MS)).steps).toEqual([]);
  });
});
