import type { ApplyRequest } from '../../../types/api';
import type { Order } from '../../../types/domain';
import { verifyChain } from '../chain';
import type { RuleContext } from '../context';
import * as core from '../index';
import { openCase, qualifiesForQuickRefund } from '../lifecycle';
import { DEFAULT_AUTO_REPLY } from '../settings';
import { HOUR_MS } from '../time';
import { BUYER, makeCtx, makeDraft, makeEvidence, makeItem, makeOrder, makeShop, T0, caught } from './fixtures';

function request(over: Partial<ApplyRequest> = {}): ApplyRequest {
  return { ...makeDraft(), amountFen: 5_000, description: '衣服领口有破洞', evidence: [], idempotencyKey: 'k-1', ...over } as ApplyRequest;
}

function open(over: Partial<ApplyRequest> = {}, ctx: Partial<RuleContext> = {}) {
  return openCase(makeCtx(ctx), request(over), { caseId: 'AS20261101a' });
}

describe('openCase', () => {
  it('builds the PENDING case with the request\'s facts, a 48 h deadline and one APPLY event', () => {
    const evidence = makeEvidence(2, 'image', 'unboxing');
    const { case: c } = open({ evidence });
    expect(c).toMatchObject({
      _id: 'AS20261101a',
      orderId: 'order_1',
      shopId: 'shop_1',
      buyerOpenid: BUYER,
      idempotencyKey: 'k-1',
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      status: 'PENDING',
      tier: 'NORMAL',
      items: [{ skuId: 'sku_a', qty: 1 }],
      amountFen: 5_000,
      description: '衣服领口有破洞',
      deadlineAt: T0 + 48 * HOUR_MS,
      timerAt: T0 + 48 * HOUR_MS,
      version: 1,
      refunds: [],
      createdAt: T0,
      updatedAt: T0,
      coversShipping: false,
      insured: false,
    });
    expect(c.evidence).toEqual(evidence.map((e) => ({ ...e, by: 'BUYER', at: T0 })));
    expect(c.history).toHaveLength(1);
    expect(c.history[0]).toMatchObject({ actor: 'BUYER', action: 'APPLY', to: 'PENDING', at: T0 });
    expect(c.history[0].from).toBeUndefined();
    expect(c.history[0].data).toMatchObject({
      amountFen: 5_000,
      reason: 'QUALITY',
      description: '衣服领口有破洞',
      evidence: evidence.map((e) => ({ fileId: e.fileId, kind: 'image', sha256: e.sha256, tag: 'unboxing' })),
    });
    expect(verifyChain(c.history)).toEqual({ ok: true });
  });

  it('throws the first violation with its code, rule, field, message and solution', () => {
    const paidOnly = makeOrder({ status: 'PAID', shippedAt: undefined, deliveredAt: undefined });
    const err = caught(() => open({ amountFen: 999_999 }, { order: paidOnly }));
    expect(err).toMatchObject({ code: 'ORDER_STATUS_INVALID', rule: 'R1' });
    expect(err.message).toContain('取消');
    expect(err.solution.length).toBeGreaterThan(0);
    const bad = caught(() => open({ items: [{ skuId: 'nope', qty: 1 }] }));
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', field: 'items.0.skuId' });
  });

  it('R20: the fee on the asked amount, none when the seller is not responsible', () => {
    expect(open().case).toMatchObject({ feeFen: 30, feeBearer: 'MERCHANT' });
    const noReason = open({ type: 'RETURN_REFUND', reason: 'NO_REASON', description: '不想要了' }).case;
    expect(noReason).toMatchObject({ feeFen: 0, feeBearer: 'NONE' });
  });

  it('R29: return insurance on the order is carried onto the case', () => {
    expect(open({}, { order: makeOrder({ insured: true }) }).case.insured).toBe(true);
  });

  it('R11: a case taking the last units for a seller-responsible reason covers the shipping fee', () => {
    const all = open({ items: [{ skuId: 'sku_a', qty: 2 }, { skuId: 'sku_b', qty: 1 }], amountFen: 16_000 });
    expect(all.case.coversShipping).toBe(true);
  });

  it('R26: the suggestion is on the case from the start', () => {
    const c = open({ description: '杯子收到就裂了一道缝，倒水就漏', evidence: makeEvidence(2) }).case;
    expect(c.suggestion).toMatchObject({ reason: 'QUALITY', decision: 'APPROVE' });
    expect(c.suggestion?.why.length).toBeGreaterThan(0);
  });
});

describe('R17 auto-reply on apply', () => {
  it('appends the default auto-reply from SYSTEM in the same write and notifies the buyer', () => {
    const r = open();
    expect(r.case.messages).toEqual([{ at: T0, from: 'SYSTEM', text: DEFAULT_AUTO_REPLY }]);
    expect(r.effects).toEqual([
      { type: 'NOTIFY', notification: { at: T0, toOpenid: BUYER, caseId: 'AS20261101a', templateKey: 'autoReply', text: DEFAULT_AUTO_REPLY } },
    ]);
  });

  it('uses the shop\'s own text', () => {
    const shop = makeShop({}, { autoReplyText: '亲，已收到您的申请，我们会在24小时内处理～' });
    const r = open({}, { shop });
    expect(r.case.messages[0].text).toBe('亲，已收到您的申请，我们会在24小时内处理～');
    expect(r.effects[0]).toMatchObject({ notification: { text: '亲，已收到您的申请，我们会在24小时内处理～' } });
  });
});

describe('R18 quick refund', () => {
  const threshold = (fen: number) => makeShop({}, { quickRefundThresholdFen: fen });

  it('is off by default', () => {
    expect(open().case.status).toBe('PENDING');
  });

  it('an amount under the threshold is approved and paid in the same result', () => {
    const r = open({ amountFen: 4_999 }, { shop: threshold(5_000) });
    expect(r.case).toMatchObject({ status: 'REFUNDING', approvedBy: 'QUICK_REFUND', approvedFen: 4_999, version: 2 });
    expect(r.case.history.map((h) => h.action)).toEqual(['APPLY', 'QUICK_REFUND']);
    expect(r.case.history[1]).toMatchObject({ actor: 'SYSTEM', from: 'PENDING', to: 'REFUNDING' });
    expect(verifyChain(r.case.history)).toEqual({ ok: true });
    expect(r.effects.map((e) => e.type).sort()).toEqual(['NOTIFY', 'NOTIFY', 'REQUEST_REFUND']);
    expect(r.case.messages[0].text).toBe(DEFAULT_AUTO_REPLY);
  });

  it('an amount at the threshold waits for the merchant', () => {
    expect(open({ amountFen: 5_000 }, { shop: threshold(5_000) }).case.status).toBe('PENDING');
  });

  it('every item on the quick list qualifies whatever the amount; one item off the list does not', () => {
    const shop = makeShop({}, { quickRefundSkuIds: ['sku_a'] });
    expect(open({}, { shop }).case.status).toBe('REFUNDING');
    const mixed = open({ items: [{ skuId: 'sku_a', qty: 1 }, { skuId: 'sku_b', qty: 1 }], amountFen: 10_000 }, { shop });
    expect(mixed.case.status).toBe('PENDING');
  });

  it('R14: virtual goods go to merchant review even under the threshold', () => {
    const order: Order = makeOrder({ items: [makeItem({ skuId: 'card', title: '视频会员月卡', kind: 'VIRTUAL', activated: false })] });
    const r = open({ items: [{ skuId: 'card', qty: 1 }], amountFen: 100 }, { order, shop: threshold(5_000) });
    expect(r.case.status).toBe('PENDING');
    expect(qualifiesForQuickRefund(makeCtx({ order, shop: threshold(5_000) }), { amountFen: 100, items: [{ skuId: 'card', qty: 1 }] })).toBe(false);
  });

  it('a quick return at a shop without a return address stays with the merchant instead of failing the apply', () => {
    const shop = makeShop({ returnAddress: undefined }, { quickRefundThresholdFen: 10_000 });
    const r = open({ type: 'RETURN_REFUND', reason: 'NO_REASON', description: '不想要了' }, { shop });
    expect(r.case.status).toBe('PENDING');
    expect(r.case.history).toHaveLength(1);
  });

  it('a quick return goes to AWAITING_RETURN with the address', () => {
    const r = open({ type: 'RETURN_REFUND', reason: 'NO_REASON', description: '不想要了' }, { shop: threshold(10_000) });
    expect(r.case).toMatchObject({ status: 'AWAITING_RETURN', returnAddress: makeShop().returnAddress });
  });
});

describe('the core in one import', () => {
  it('exposes what the pages and the server call, as the same functions', () => {
    expect(core.openCase).toBe(openCase);
    for (const name of ['transition', 'allowedEvents', 'verifyChain', 'computeStats', 'classify', 'suggest', 'preview', 'checkApplication', 'formatYuan', 'addBusinessDays'] as const) {
      expect(typeof core[name]).toBe('function');
    }
    expect(core.TRANSITIONS.length).toBeGreaterThan(0);
    expect(core.DEFAULT_SETTINGS.autoApproveHours).toBe(48);
  });
});
