/**
 * SPEC §5 (换货): the rules of an exchange and its deadlines, one `describe` per rule and deadline, each
 * with its boundary on both sides.
 */
import type { ApplyRequest } from '../../../types/api';
import type { Actor, AfterSaleCase } from '../../../types/domain';
import { verifyCase } from '../chain';
import type { CaseEvent, Effect, RuleContext, TransitionContext, TransitionResult } from '../context';
import { allowedEvents, applyDueTimeouts, dueTimeout, openCase, transition } from '../lifecycle';
import { maxRefundableFen, preview } from '../preview';
import { checkApplication, isOpen } from '../rules';
import { LIMITS } from '../settings';
import { DAY_MS, HOUR_MS } from '../time';
import { BUYER, makeCase, makeCtx, makeItem, makeOrder, makeShop, T0, caught } from './fixtures';

const MERCHANT = 'o_merchant_1';

function tctx(actor: Actor, over: Partial<TransitionContext> = {}): TransitionContext {
  const callerOpenid = actor === 'BUYER' ? BUYER : actor === 'MERCHANT' ? MERCHANT : `o_${actor.toLowerCase()}`;
  return { ...makeCtx({ callerOpenid }), actor, ...over };
}

function run(c: AfterSaleCase, ev: CaseEvent, actor: Actor, over: Partial<TransitionContext> = {}): TransitionResult {
  return transition(c, ev, tctx(actor, over));
}

function exchangeReq(over: Partial<ApplyRequest> = {}): ApplyRequest {
  return {
    orderId: 'order_1',
    type: 'EXCHANGE',
    reason: 'NO_REASON',
    items: [{ skuId: 'sku_a', qty: 1 }],
    amountFen: 0,
    description: '尺码偏小',
    evidence: [],
    exchangeNote: '换L码',
    idempotencyKey: 'x1',
    ...over,
  };
}

function codes(ctx: RuleContext, req: Partial<ApplyRequest>): string[] {
  return checkApplication(ctx, exchangeReq(req)).map((v) => `${v.rule}:${v.code}${v.field ? `:${v.field}` : ''}`);
}

function opened(over: Partial<ApplyRequest> = {}, ctxOver: Partial<RuleContext> = {}): AfterSaleCase {
  return openCase(makeCtx(ctxOver), exchangeReq(over), { caseId: 'EX1' }).case;
}

function shopNotices(r: TransitionResult): Extract<Effect, { type: 'NOTIFY_SHOP' }>[] {
  return r.effects.filter((e): e is Extract<Effect, { type: 'NOTIFY_SHOP' }> => e.type === 'NOTIFY_SHOP');
}

function buyerNotices(r: TransitionResult): Extract<Effect, { type: 'NOTIFY' }>[] {
  return r.effects.filter((e): e is Extract<Effect, { type: 'NOTIFY' }> => e.type === 'NOTIFY');
}

/** approved at T0+1h, shipped back at T0+2h, confirmed by the merchant at T0+3h: AWAITING_RESHIP until T0+3h+72h. */
function awaitingReship(over: Partial<ApplyRequest> = {}, ctxOver: Partial<TransitionContext> = {}): AfterSaleCase {
  const approved = run(opened(over), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 + HOUR_MS, ...ctxOver }).case;
  const shipped = run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT100200300' }, 'BUYER', { now: T0 + 2 * HOUR_MS }).case;
  return run(shipped, { type: 'CONFIRM_RETURN', by: 'MERCHANT' }, 'MERCHANT', { now: T0 + 3 * HOUR_MS, ...ctxOver }).case;
}

const RESHIP_BY = T0 + 3 * HOUR_MS + LIMITS.reshipHours * HOUR_MS;

function reshipped(): AfterSaleCase {
  return run(awaitingReship(), { type: 'RESHIP', company: '顺丰速运', trackingNo: 'SF200300400' }, 'MERCHANT', { now: T0 + 4 * HOUR_MS }).case;
}

describe('exchange: applying (SPEC §5 input)', () => {
  it('a valid exchange opens PENDING with amountFen 0, no fee, the wanted variant, and no shipping fee claimed', () => {
    const r = openCase(makeCtx(), exchangeReq({ reason: 'QUALITY' }), { caseId: 'EX1' });
    expect(r.case).toMatchObject({ type: 'EXCHANGE', status: 'PENDING', amountFen: 0, feeFen: 0, feeBearer: 'NONE', exchangeNote: '换L码', coversShipping: false });
    expect(r.case.history[0].data).toMatchObject({ exchangeNote: '换L码', amountFen: 0 });
    expect(isOpen(r.case)).toBe(true);
    expect(shopNotices(r)).toHaveLength(1);
  });

  it('reasons: QUALITY, NOT_AS_DESCRIBED, NO_REASON, OTHER are allowed; LOGISTICS and MISSING_ITEM are INVALID_INPUT on reason', () => {
    for (const reason of ['QUALITY', 'NOT_AS_DESCRIBED', 'NO_REASON', 'OTHER'] as const) expect(codes(makeCtx(), { reason })).toEqual([]);
    for (const reason of ['LOGISTICS', 'MISSING_ITEM'] as const) expect(codes(makeCtx(), { reason })).toContain('EXCHANGE:INVALID_INPUT:reason');
  });

  it('amountFen: 0 is accepted, 1 is INVALID_INPUT on amountFen', () => {
    expect(codes(makeCtx(), { amountFen: 0 })).toEqual([]);
    expect(codes(makeCtx(), { amountFen: 1 })).toEqual(['EXCHANGE:INVALID_INPUT:amountFen']);
  });

  it('exchangeNote: 1 and 100 characters are accepted; missing, blank and 101 characters are INVALID_INPUT on exchangeNote', () => {
    expect(codes(makeCtx(), { exchangeNote: 'L' })).toEqual([]);
    expect(codes(makeCtx(), { exchangeNote: '码'.repeat(100) })).toEqual([]);
    expect(codes(makeCtx(), { exchangeNote: '码'.repeat(101) })).toEqual(['EXCHANGE:INVALID_INPUT:exchangeNote']);
    expect(codes(makeCtx(), { exchangeNote: '   ' })).toEqual(['EXCHANGE:INVALID_INPUT:exchangeNote']);
    expect(codes(makeCtx(), { exchangeNote: undefined })).toEqual(['EXCHANGE:INVALID_INPUT:exchangeNote']);
  });

  it('the input is checked before R1 (the schema comes first)', () => {
    const ctx = makeCtx({ order: makeOrder({ status: 'SHIPPED' }) });
    expect(codes(ctx, { exchangeNote: '' })[0]).toBe('EXCHANGE:INVALID_INPUT:exchangeNote');
  });
});

describe('exchange R1: received goods only', () => {
  it('DELIVERED and COMPLETED orders may be exchanged', () => {
    expect(codes(makeCtx({ order: makeOrder({ status: 'DELIVERED' }) }), {})).toEqual([]);
    expect(codes(makeCtx({ order: makeOrder({ status: 'COMPLETED' }) }), {})).toEqual([]);
  });

  it('SHIPPED (not yet received), PAID and CANCELLED orders are ORDER_STATUS_INVALID', () => {
    for (const status of ['SHIPPED', 'PAID', 'CANCELLED'] as const) {
      expect(codes(makeCtx({ order: makeOrder({ status }) }), {})).toContain('R1:ORDER_STATUS_INVALID');
    }
    // A refund of a SHIPPED order stays allowed.
    const refund = checkApplication(makeCtx({ order: makeOrder({ status: 'SHIPPED' }) }), { ...exchangeReq(), type: 'REFUND_ONLY', amountFen: 5_000 });
    expect(refund.map((v) => v.code)).not.toContain('ORDER_STATUS_INVALID');
  });
});

describe('exchange R2: the 15-day window from delivery', () => {
  const deliveredAt = T0 - 2 * DAY_MS;
  it('at exactly deliveredAt + 15 d the exchange is allowed; 1 ms later it is AFTER_SALE_WINDOW_EXPIRED', () => {
    expect(codes(makeCtx({ now: deliveredAt + 15 * DAY_MS }), {})).toEqual([]);
    expect(codes(makeCtx({ now: deliveredAt + 15 * DAY_MS + 1 }), {})).toEqual(['R2:AFTER_SALE_WINDOW_EXPIRED']);
  });
});

describe('exchange R31: 365 days after payment', () => {
  it('at paidAt + 365 d allowed; 1 ms later AFTER_SALE_WINDOW_EXPIRED', () => {
    const order = makeOrder({ paidAt: T0 - 365 * DAY_MS, deliveredAt: T0 - DAY_MS, windowDays: undefined } as never);
    expect(codes(makeCtx({ order }), {})).toEqual([]);
    expect(codes(makeCtx({ order, now: T0 + 1 }), {})).toEqual(['R31:AFTER_SALE_WINDOW_EXPIRED']);
  });
});

describe('exchange R13: custom goods', () => {
  const order = makeOrder({ items: [makeItem({ kind: 'CUSTOM', customNoticeShown: true })] });
  it('NO_REASON on custom goods whose clause was shown is NOT_RETURNABLE; a QUALITY exchange is allowed', () => {
    expect(codes(makeCtx({ order }), { reason: 'NO_REASON' })).toEqual(['R13:NOT_RETURNABLE:items.0.skuId']);
    expect(codes(makeCtx({ order }), { reason: 'QUALITY' })).toEqual([]);
  });
  it('custom goods whose clause was not shown may be exchanged for no reason', () => {
    const plain = makeOrder({ items: [makeItem({ kind: 'CUSTOM', customNoticeShown: false })] });
    expect(codes(makeCtx({ order: plain }), { reason: 'NO_REASON' })).toEqual([]);
  });
});

describe('exchange R14 / R12: goods that cannot be exchanged', () => {
  it('virtual goods, activated or not, are NOT_RETURNABLE', () => {
    for (const activated of [true, false]) {
      const order = makeOrder({ items: [makeItem({ kind: 'VIRTUAL', activated })] });
      expect(codes(makeCtx({ order }), {})).toContain('R14:NOT_RETURNABLE:items.0.skuId');
    }
  });
  it('cross-border goods without localAfterSale are NOT_RETURNABLE; with a domestic address they may be exchanged', () => {
    const abroad = makeOrder({ items: [makeItem({ kind: 'CROSS_BORDER' })] });
    const local = makeOrder({ items: [makeItem({ kind: 'CROSS_BORDER', localAfterSale: true })] });
    expect(codes(makeCtx({ order: abroad }), {})).toEqual(['R12:NOT_RETURNABLE:items.0.skuId']);
    expect(codes(makeCtx({ order: local }), {})).toEqual([]);
  });
});

describe('exchange R32 and R11 units', () => {
  it('a line with an open case is CASE_ALREADY_OPEN; more units than the line has left is AMOUNT_EXCEEDS_LIMIT on qty', () => {
    const open = makeCase({ items: [{ skuId: 'sku_a', qty: 1 }] });
    expect(codes(makeCtx({ orderCases: [open] }), {})).toContain('R32:CASE_ALREADY_OPEN:items.0.skuId');
    expect(codes(makeCtx(), { items: [{ skuId: 'sku_a', qty: 2 }] })).toEqual([]);
    expect(codes(makeCtx(), { items: [{ skuId: 'sku_a', qty: 3 }] })).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT:items.0.qty']);
  });
  it('an EXCHANGED case is not open and gives its units back (the replacement can be claimed again)', () => {
    const done = { ...makeCase({ type: 'EXCHANGE', amountFen: 0 }), status: 'EXCHANGED' as const };
    expect(isOpen(done)).toBe(false);
    expect(codes(makeCtx({ orderCases: [done] }), { items: [{ skuId: 'sku_a', qty: 2 }] })).toEqual([]);
  });
});

describe('exchange R7: 3 cases in 30 days', () => {
  it('2 recent cases allow a third; 3 refuse a fourth', () => {
    expect(codes(makeCtx({ buyerCaseTimes: [T0 - DAY_MS, T0 - 2 * DAY_MS] }), {})).toEqual([]);
    expect(codes(makeCtx({ buyerCaseTimes: [T0 - DAY_MS, T0 - 2 * DAY_MS, T0 - 3 * DAY_MS] }), {})).toEqual(['R7:RISK_CONTROL_TRIGGERED']);
  });
});

describe('exchange R20 / R18: no fee, no quick refund', () => {
  it('preview shows no fee and nothing refundable; a quick-refund shop still leaves the exchange with the merchant', () => {
    const p = preview(makeCtx(), exchangeReq({ reason: 'QUALITY' }));
    expect(p).toMatchObject({ eligible: true, feeFen: 0, feeBearer: 'NONE', maxRefundableFen: 0 });
    expect(p.deadlines.returnShipBy).toBe(T0 + 7 * DAY_MS);
    const shop = makeShop({}, { quickRefundThresholdFen: 1_000_000, quickRefundSkuIds: ['sku_a'] });
    expect(opened({}, { shop }).status).toBe('PENDING');
  });
});

describe('exchange approval (R33) and what it refuses', () => {
  it('approval copies the return address and waits 7 d for the goods, with no money agreed', () => {
    const r = run(opened(), { type: 'APPROVE', via: 'MERCHANT', note: '同意换货' }, 'MERCHANT', { now: T0 + HOUR_MS });
    expect(r.case).toMatchObject({ status: 'AWAITING_RETURN', deadlineAt: T0 + HOUR_MS + 7 * DAY_MS, feeFen: 0, approvedBy: 'MERCHANT' });
    expect(r.case.approvedFen).toBeUndefined();
    expect(r.case.returnAddress).toEqual(makeShop().returnAddress);
    expect(buyerNotices(r)[0].notification.text).toContain('换货');
    expect(verifyCase(r.case)).toEqual({ ok: true });
  });
  it('without a return address approval is INVALID_INPUT on returnAddress', () => {
    const e = caught(() => run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { shop: makeShop({ returnAddress: undefined }) }));
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'returnAddress']);
  });
  it('compensationFen, refundMethod and account are INVALID_INPUT; an offer is CASE_STATE_CHANGED', () => {
    expect(caught(() => run(opened(), { type: 'APPROVE', via: 'MERCHANT', compensationFen: 100 }, 'MERCHANT')).field).toBe('compensationFen');
    expect(caught(() => run(opened(), { type: 'APPROVE', via: 'MERCHANT', refundMethod: 'ORIGINAL' }, 'MERCHANT')).field).toBe('refundMethod');
    expect(caught(() => run(opened(), { type: 'OFFER', amountFen: 100, note: '折价' }, 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
    expect(allowedEvents(opened(), 'MERCHANT')).not.toContain('OFFER');
  });
});

describe('exchange deadline: PENDING 48 h (R16)', () => {
  it('at the deadline nothing is due; 1 ms later the exchange is approved at its deadline and waits for the goods', () => {
    const c = opened();
    const D = T0 + 48 * HOUR_MS;
    expect(dueTimeout(c, D)).toBeNull();
    const x = applyDueTimeouts(c, makeCtx({ now: D + 1 }));
    expect(x.case).toMatchObject({ status: 'AWAITING_RETURN', approvedBy: 'TIMEOUT', deadlineAt: D + 7 * DAY_MS });
    expect(x.steps[0].effects.map((e) => e.type).sort()).toEqual(['NOTIFY', 'NOTIFY_SHOP']);
  });
});

describe('exchange deadline: AWAITING_RETURN 7 d (R23)', () => {
  it('shipped at the deadline is in time; 1 ms later the case closes', () => {
    const approved = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 }).case;
    const D = T0 + 7 * DAY_MS;
    expect(run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', { now: D }).case.status).toBe('RETURN_SHIPPED');
    expect(applyDueTimeouts(approved, makeCtx({ now: D + 1 })).case.status).toBe('CLOSED');
  });
  it('the buyer shipping the goods back notifies the shop', () => {
    const approved = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 }).case;
    const r = run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', { now: T0 + HOUR_MS });
    expect(shopNotices(r)).toHaveLength(1);
  });
});

describe('exchange deadline: RETURN_SHIPPED 10 d, then AWAITING_RESHIP', () => {
  it('the merchant confirms (unsealed or not: R6 does not apply) → AWAITING_RESHIP, reship by +72 h', () => {
    const c = awaitingReship({ reason: 'NO_REASON' });
    expect(c).toMatchObject({ status: 'AWAITING_RESHIP', deadlineAt: RESHIP_BY });
    const approved = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 }).case;
    const shipped = run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', { now: T0 }).case;
    const unsealed = run(shipped, { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: true }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
    expect(unsealed.status).toBe('AWAITING_RESHIP');
  });
  it('at the 10 d deadline nothing is due; 1 ms later it is confirmed at its deadline and the 72 h count from there', () => {
    const approved = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 }).case;
    const shipped = run(approved, { type: 'SHIP_RETURN', company: '中通快递', trackingNo: 'ZT1' }, 'BUYER', { now: T0 }).case;
    const D = T0 + 10 * DAY_MS;
    expect(dueTimeout(shipped, D)).toBeNull();
    const x = applyDueTimeouts(shipped, makeCtx({ now: D + 1 }));
    expect(x.case).toMatchObject({ status: 'AWAITING_RESHIP', deadlineAt: D + LIMITS.reshipHours * HOUR_MS });
  });
});

describe('exchange: merchant.reship and the buyer\'s receipt', () => {
  it('reship records company, tracking no. and time, notifies the buyer, and gives 10 d for receipt', () => {
    const r = run(awaitingReship(), { type: 'RESHIP', company: '顺丰速运', trackingNo: 'SF200300400' }, 'MERCHANT', { now: T0 + 4 * HOUR_MS });
    expect(r.case).toMatchObject({ status: 'RESHIPPED', reship: { company: '顺丰速运', trackingNo: 'SF200300400', at: T0 + 4 * HOUR_MS }, deadlineAt: T0 + 4 * HOUR_MS + 10 * DAY_MS });
    expect(buyerNotices(r)[0].notification.text).toContain('SF200300400');
  });
  it('a blank company or tracking no. is INVALID_INPUT', () => {
    expect(caught(() => run(awaitingReship(), { type: 'RESHIP', company: ' ', trackingNo: 'SF1' }, 'MERCHANT')).field).toBe('company');
  });
  it('the buyer confirms receipt → EXCHANGED (final, not open), the shop is told; no money moved', () => {
    const r = run(reshipped(), { type: 'CONFIRM_RECEIPT', by: 'BUYER' }, 'BUYER', { now: T0 + DAY_MS });
    expect(r.case.status).toBe('EXCHANGED');
    expect(r.case.refunds).toEqual([]);
    expect(isOpen(r.case)).toBe(false);
    expect(shopNotices(r)).toHaveLength(1);
    expect(allowedEvents(r.case, 'BUYER')).toEqual([]);
    expect(verifyCase(r.case)).toEqual({ ok: true });
  });
});

describe('exchange deadline: receipt 10 d after the reship', () => {
  it('the buyer confirms at the deadline; 1 ms later the timer has confirmed it', () => {
    const c = reshipped();
    const D = T0 + 4 * HOUR_MS + LIMITS.exchangeReceiptDays * DAY_MS;
    expect(run(c, { type: 'CONFIRM_RECEIPT', by: 'BUYER' }, 'BUYER', { now: D }).case.status).toBe('EXCHANGED');
    expect(dueTimeout(c, D)).toBeNull();
    const x = applyDueTimeouts(c, makeCtx({ now: D + 1 }));
    expect(x.case.status).toBe('EXCHANGED');
    expect(x.case.history.at(-1)).toMatchObject({ action: 'AUTO_CONFIRM_RECEIPT', actor: 'SYSTEM', at: D });
    expect(caught(() => run(x.case, { type: 'CONFIRM_RECEIPT', by: 'BUYER' }, 'BUYER', { now: D + 1 })).code).toBe('CASE_STATE_CHANGED');
  });
});

describe('exchange: merchant.convertToRefund (out of stock)', () => {
  it('refunds R11\'s most refundable for the case\'s units with R20\'s fee, started as an approval would', () => {
    const c = awaitingReship({ reason: 'QUALITY' });
    const r = run(c, { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: 'L码已无货' }, 'MERCHANT', { now: T0 + 5 * HOUR_MS, orderCases: [c] });
    expect(r.case).toMatchObject({ status: 'REFUNDING', approvedFen: 5_000, feeFen: 30, feeBearer: 'MERCHANT', convertedAt: T0 + 5 * HOUR_MS, tier: 'NORMAL' });
    expect(r.case.refunds).toHaveLength(1);
    expect(r.case.refunds[0]).toMatchObject({ amountFen: 5_000, status: 'PROCESSING' });
    expect(r.effects.some((e) => e.type === 'REQUEST_REFUND')).toBe(true);
    expect(verifyCase(r.case)).toEqual({ ok: true });
  });
  it('equals a refund of the same units: every unit left and a seller-responsible reason adds the shipping fee; no reason, no fee', () => {
    const order = makeOrder({ items: [makeItem({ qty: 1, paidFen: 15_000 })], paidFen: 16_000 });
    const c = awaitingReship({ reason: 'QUALITY' }, { order });
    const refund = maxRefundableFen(makeCtx({ order }), { orderId: 'order_1', type: 'RETURN_REFUND', reason: 'QUALITY', items: c.items });
    const r = run(c, { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: '无货' }, 'MERCHANT', { order, orderCases: [c] });
    expect(r.case.approvedFen).toBe(refund);
    expect(refund).toBe(16_000);
    expect(r.case.coversShipping).toBe(true);
    const noReason = awaitingReship({ reason: 'NO_REASON' }, { order });
    const r2 = run(noReason, { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: '无货' }, 'MERCHANT', { order, orderCases: [noReason] });
    expect(r2.case).toMatchObject({ approvedFen: 15_000, feeFen: 0, feeBearer: 'NONE' });
  });
  it('R3: the order\'s other cases shrink the headroom; R5: an unverified shop fails the refund without a gateway call', () => {
    const c = awaitingReship({ reason: 'NO_REASON' });
    const other = makeCase({ _id: 'other', items: [{ skuId: 'sku_b', qty: 1 }], status: 'REFUNDING', amountFen: 13_000, approvedFen: 13_000 });
    const capped = run(c, { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: '无货' }, 'MERCHANT', { orderCases: [c, other] });
    expect(capped.case.approvedFen).toBe(16_800 - 13_000);
    const r5 = run(c, { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: '无货' }, 'MERCHANT', { orderCases: [c], shop: makeShop({ verified: false }) });
    expect(r5.case.status).toBe('REFUND_FAILED');
    expect(r5.case.lastError?.code).toBe('MERCHANT_ACCOUNT_ABNORMAL');
  });
  it('a note is required; the buyer cannot convert', () => {
    expect(caught(() => run(awaitingReship(), { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: ' ' }, 'MERCHANT')).field).toBe('note');
    expect(caught(() => run(awaitingReship(), { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: '无货' }, 'BUYER')).code).toBe('CASE_STATE_CHANGED');
  });
});

describe('exchange deadline: AWAITING_RESHIP 72 h', () => {
  it('a reship at the deadline is in time; 1 ms later the timer converts it to a refund at its deadline, tier DIFFICULT', () => {
    const c = awaitingReship({ reason: 'QUALITY' });
    expect(run(c, { type: 'RESHIP', company: '顺丰速运', trackingNo: 'SF1' }, 'MERCHANT', { now: RESHIP_BY }).case.status).toBe('RESHIPPED');
    expect(dueTimeout(c, RESHIP_BY)).toBeNull();
    const x = applyDueTimeouts(c, makeCtx({ now: RESHIP_BY + 1, orderCases: [c] }));
    expect(x.case).toMatchObject({ status: 'REFUNDING', tier: 'DIFFICULT', approvedFen: 5_000, convertedAt: RESHIP_BY });
    expect(x.case.history.at(-1)).toMatchObject({ action: 'RESHIP_TIMEOUT', actor: 'SYSTEM', at: RESHIP_BY });
    const fx = x.steps[0].effects;
    expect(fx.some((e) => e.type === 'NOTIFY')).toBe(true);
    expect(fx.some((e) => e.type === 'NOTIFY_SHOP')).toBe(true);
    expect(caught(() => run(x.case, { type: 'RESHIP', company: '顺丰速运', trackingNo: 'SF1' }, 'MERCHANT', { now: RESHIP_BY + 1 })).code).toBe('CASE_STATE_CHANGED');
  });
});

describe('exchange: rejection, escalation and the platform', () => {
  function escalated(order = makeOrder()): AfterSaleCase {
    const ctx = { order };
    const rejected = run(opened({}, ctx), { type: 'REJECT', reasonCode: 'OUTSIDE_POLICY', note: '已影响二次销售' }, 'MERCHANT', ctx).case;
    return run(rejected, { type: 'ESCALATE', note: '尺码问题，要求换货' }, 'BUYER', ctx).case;
  }
  it('tier LEGAL is judged on the paid value of the case\'s units: ¥500 is LEGAL, ¥499.99 DIFFICULT', () => {
    const at = (paidFen: number) => makeOrder({ items: [makeItem({ qty: 1, paidFen })], paidFen: paidFen + 1_000 });
    expect(escalated(at(LIMITS.legalThresholdFen)).tier).toBe('LEGAL');
    expect(escalated(at(LIMITS.legalThresholdFen - 1)).tier).toBe('DIFFICULT');
  });
  it('a platform APPROVE continues the exchange at AWAITING_RETURN; an amountFen is INVALID_INPUT', () => {
    const c = escalated();
    expect(c.status).toBe('ESCALATED');
    const cancelled = run(opened(), { type: 'CANCEL' }, 'BUYER');
    expect(shopNotices(cancelled).map((e) => e.notification.text)).toEqual(['买家已撤销换货申请']);
    const r = run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', note: '支持换货' }, 'PLATFORM');
    expect(r.case).toMatchObject({ status: 'AWAITING_RETURN', overturned: true, approvedBy: 'PLATFORM' });
    expect(r.case.approvedFen).toBeUndefined();
    const e = caught(() => run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', amountFen: 100, note: '支持换货' }, 'PLATFORM'));
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'amountFen']);
  });
});

describe('exchange in the analytics (R25)', () => {
  it('counts exchanges apart from refunds: applied, completed, converted', async () => {
    const { computeStats } = await import('../stats');
    const x = (over: Partial<AfterSaleCase>) => makeCase({ type: 'EXCHANGE', amountFen: 0, createdAt: T0, ...over });
    const s = computeStats(
      [x({ _id: 'X1', status: 'EXCHANGED' }), x({ _id: 'X2', status: 'REFUNDING', convertedAt: T0 + 1 }), x({ _id: 'X3', status: 'PENDING' }), makeCase({ _id: 'R1', createdAt: T0 })],
      10,
      T0 - DAY_MS,
      T0 + DAY_MS,
    );
    expect([s.totalCases, s.exchangeCases, s.exchangedCases, s.convertedCases]).toEqual([4, 3, 1, 1]);
  });
});
