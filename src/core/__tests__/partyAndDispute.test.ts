/**
 * Issue 12: R22's limits counted the whole case (a buyer's 9 photos blocked the shop's QC report);
 * R24's platform decision was not final (a new case could be opened on a line the platform rejected)
 * and a platform APPROVE paid whatever amountFen it was given (¥105 on a ¥1 claim).
 */
import type { ApplyRequest, DraftApplication } from '../../../types/api';
import type { Actor, AfterSaleCase, Evidence } from '../../../types/domain';
import { HTTP_STATUS } from '../../../types/errors';
import type { CaseEvent, TransitionContext } from '../context';
import { CATALOGUE } from '../errors';
import { openCase, transition } from '../lifecycle';
import { checkApplication, evidencePartyOf, partyEvidence, platformRejected } from '../rules';
import { DAY_MS, HOUR_MS } from '../time';
import { BUYER, makeCtx, makeDraft, makeEvidence, makeItem, makeOrder, T0, caught } from './fixtures';

const MERCHANT = 'o_merchant_1';
const PLATFORM = 'o_platform_1';

function tctx(actor: Actor, over: Partial<TransitionContext> = {}): TransitionContext {
  const callerOpenid = actor === 'BUYER' ? BUYER : actor === 'MERCHANT' ? MERCHANT : PLATFORM;
  return { ...makeCtx({ callerOpenid }), actor, ...over };
}

function run(c: AfterSaleCase, ev: CaseEvent, actor: Actor, over: Partial<TransitionContext> = {}): AfterSaleCase {
  return transition(c, ev, tctx(actor, over)).case;
}

function opened(over: Partial<ApplyRequest> = {}, ctxOver: Parameters<typeof makeCtx>[0] = {}): AfterSaleCase {
  const req = { ...makeDraft(), amountFen: 5_000, description: '衣服领口有破洞', evidence: [], idempotencyKey: 'k1', ...over } as ApplyRequest;
  return openCase(makeCtx(ctxOver), req, { caseId: 'AS1' }).case;
}

function escalated(over: Partial<ApplyRequest> = {}, ctxOver: Parameters<typeof makeCtx>[0] = {}): AfterSaleCase {
  const rejected = run(opened(over, ctxOver), { type: 'REJECT', reasonCode: 'NO_EVIDENCE', note: '请补充照片' }, 'MERCHANT', {
    ...makeCtx(ctxOver),
    now: T0 + HOUR_MS,
  });
  return run(rejected, { type: 'ESCALATE', note: '照片已经很清楚' }, 'BUYER', { ...makeCtx(ctxOver), now: T0 + 2 * HOUR_MS });
}

describe('R22 per party: the buyer’s 9 photos never block the shop’s QC report', () => {
  const qc = (n: number, kind: 'image' | 'video' = 'image') => makeEvidence(n, kind, 'qc_report', MERCHANT);

  it('a buyer with 9 images and 1 video still leaves the merchant its own 9 and 1', () => {
    const full = opened({ evidence: [...makeEvidence(9), ...makeEvidence(1, 'video')] });
    const withQc = run(full, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: [...qc(9), ...qc(1, 'video')] }, 'MERCHANT');
    expect(withQc.evidence).toHaveLength(20);
    expect(partyEvidence(withQc, 'MERCHANT').map((e) => e.by)).toEqual(Array(10).fill('MERCHANT'));
    expect(caught(() => run(withQc, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: qc(1) }, 'MERCHANT'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'evidence',
      rule: 'R22',
    });
    expect(caught(() => run(withQc, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: qc(1, 'video') }, 'MERCHANT')).code).toBe('INVALID_INPUT');
  });

  it('the shop’s QC report does not use up the buyer’s room either', () => {
    const c = opened({ evidence: makeEvidence(8) });
    const withQc = run(c, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: qc(5) }, 'MERCHANT');
    const one = [{ ...makeEvidence(1)[0], fileId: `local://evidence/${BUYER}/ninth.jpg` }];
    const nine = run(withQc, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: one }, 'BUYER');
    expect(partyEvidence(nine, 'BUYER')).toHaveLength(9);
    expect(caught(() => run(nine, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: one }, 'BUYER'))).toMatchObject({ code: 'INVALID_INPUT', field: 'evidence' });
  });

  it('every evidence record says who added it; a stored record without `by` is the buyer’s only under the buyer’s prefix', () => {
    const c = run(opened({ evidence: makeEvidence(1) }), { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: qc(1) }, 'MERCHANT');
    expect(c.evidence.map((e) => e.by)).toEqual(['BUYER', 'MERCHANT']);
    const bare = (e: Evidence): Evidence => ({ fileId: e.fileId, kind: e.kind, sha256: e.sha256 });
    expect(evidencePartyOf(bare(c.evidence[0]), BUYER)).toBe('BUYER');
    expect(evidencePartyOf(bare(c.evidence[1]), BUYER)).toBe('MERCHANT');
  });
});

describe('R24 DISPUTE_DECIDED: after a platform REJECT no new case on that order line', () => {
  const rejectedForGood = () => run(escalated(), { type: 'PLATFORM_DECIDE', decision: 'REJECT', note: '凭证不足以证明质量问题' }, 'PLATFORM');

  it('the code is in the catalogue with a message and solution, answered 422', () => {
    expect(HTTP_STATUS.DISPUTE_DECIDED).toBe(422);
    expect(CATALOGUE.DISPUTE_DECIDED.message).toMatch(/平台/);
    expect(CATALOGUE.DISPUTE_DECIDED.solution.length).toBeGreaterThan(10);
  });

  it('a new application on the line is refused; other lines of the order are not', () => {
    const closed = rejectedForGood();
    expect(platformRejected(closed)).toBe(true);
    const ctx = makeCtx({ orderCases: [closed] });
    const vs = checkApplication(ctx, makeDraft());
    expect(vs.map((v) => `${v.rule}:${v.code}`)).toEqual(['R24:DISPUTE_DECIDED']);
    expect(vs[0]).toMatchObject({ field: 'items.0.skuId', message: expect.stringContaining('纯棉T恤') });
    expect(checkApplication(ctx, makeDraft({ items: [{ skuId: 'sku_b', qty: 1 }], amountFen: 5_000 }))).toEqual([]);
    expect(caught(() => openCase(ctx, { ...makeDraft(), amountFen: 5_000, description: '又坏了', evidence: [], idempotencyKey: 'k2' } as ApplyRequest, { caseId: 'AS2' })).code).toBe(
      'DISPUTE_DECIDED',
    );
  });

  it('other closings do not decide the dispute: a case the buyer let lapse or cancelled', () => {
    const rejected = run(opened(), { type: 'REJECT', reasonCode: 'NO_EVIDENCE', note: '请补充照片' }, 'MERCHANT', { now: T0 + HOUR_MS });
    const lapsed = run(rejected, { type: 'ESCALATE_TIMEOUT' }, 'SYSTEM', { now: T0 + HOUR_MS + 7 * DAY_MS });
    const cancelled = run(opened(), { type: 'CANCEL' }, 'BUYER');
    expect(platformRejected(lapsed)).toBe(false);
    expect(checkApplication(makeCtx({ orderCases: [lapsed, cancelled], now: T0 + 8 * DAY_MS, order: makeOrder({ deliveredAt: T0 }) }), makeDraft())).toEqual([]);
  });

  it('comes in SPEC §3’s order: after R13, R14 and before R32 and R7', () => {
    const order = makeOrder({
      items: [makeItem(), makeItem({ skuId: 'sku_v', title: '会员卡', qty: 1, paidFen: 2_000, kind: 'VIRTUAL', activated: true })],
    });
    const closed = rejectedForGood();
    const open = opened({ items: [{ skuId: 'sku_a', qty: 1 }] });
    const ctx = makeCtx({ order, orderCases: [closed, { ...open, _id: 'AS9' }], buyerCaseTimes: [T0 - 1, T0 - 2, T0 - 3] });
    const draft: DraftApplication = makeDraft({ items: [{ skuId: 'sku_v', qty: 1 }, { skuId: 'sku_a', qty: 1 }], amountFen: 5_000 });
    const ids = checkApplication(ctx, draft).map((v) => `${v.rule}:${v.code}`);
    expect(ids.slice(0, 4)).toEqual(['R14:NOT_RETURNABLE', 'R24:DISPUTE_DECIDED', 'R32:CASE_ALREADY_OPEN', 'R7:RISK_CONTROL_TRIGGERED']);
  });
});

describe('R24 platform APPROVE pays amountFen, at most the case’s amountFen, no compensation (it paid ¥105 on a ¥1 claim)', () => {
  const order = makeOrder({ paidFen: 10_000, shippingFen: 0, items: [makeItem({ qty: 1, paidFen: 10_000 })] });

  it('default: the case’s amountFen', () => {
    const c = escalated({ amountFen: 100 }, { order });
    const r = run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', note: '支持退款' }, 'PLATFORM', { order });
    expect(r).toMatchObject({ approvedFen: 100, status: 'REFUNDING', approvedBy: 'PLATFORM' });
    expect(r.compensationFen).toBeUndefined();
    expect(r.refunds.at(-1)?.amountFen).toBe(100);
  });

  it('a larger amountFen is refused with AMOUNT_EXCEEDS_LIMIT on amountFen and changes nothing', () => {
    const c = escalated({ amountFen: 100 }, { order });
    const e = caught(() => run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', amountFen: 10_500, note: '支持退款' }, 'PLATFORM', { order }));
    expect(e).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', field: 'amountFen', rule: 'R24' });
    expect(e.message).toContain('¥1.00');
    expect(c.status).toBe('ESCALATED');
    expect(caught(() => run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', amountFen: 101, note: '支持退款' }, 'PLATFORM', { order })).code).toBe(
      'AMOUNT_EXCEEDS_LIMIT',
    );
  });

  it('a smaller amountFen is paid as given; R3 still applies on the order', () => {
    const c = escalated({ amountFen: 5_000 }, { order });
    expect(run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', amountFen: 4_000, note: '部分支持' }, 'PLATFORM', { order }).approvedFen).toBe(4_000);
    const others = [{ ...opened({ amountFen: 8_000 }, { order }), _id: 'AS7', status: 'REFUNDING' as const, approvedFen: 8_000 }];
    expect(
      caught(() => run(c, { type: 'PLATFORM_DECIDE', decision: 'APPROVE', note: '支持退款' }, 'PLATFORM', { order, orderCases: others })),
    ).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', rule: 'R3' });
  });
});
