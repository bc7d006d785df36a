import type { DraftApplication, Notice, PreviewResult } from '../../../types/api';
import type { RuleContext } from '../context';
import { preview, maxRefundableFen as maxFromPreview } from '../preview';
import { checkApplication, maxRefundableFen } from '../rules';
import { LIMITS } from '../settings';
import { DAY_MS, HOUR_MS } from '../time';
import { makeCase, makeCtx, makeDraft, makeEvidence, makeItem, makeOrder, makeRefundedCase, makeShop, T0 } from './fixtures';
import { largeOrderContext, largeOrderDrafts, previewRate } from './preview.rate';

function notices(r: PreviewResult, rule: string): string[] {
  return r.notices.filter((n: Notice) => n.rule === rule).map((n) => n.text);
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}

describe('preview', () => {
  it('is eligible with no violations for a valid draft', () => {
    const r = preview(makeCtx(), makeDraft());
    expect(r.eligible).toBe(true);
    expect(r.violations).toEqual([]);
    expect(r.maxRefundableFen).toBe(5_000);
  });

  it('shows every violation, the same as checkApplication, and is then not eligible', () => {
    const ctx = makeCtx({ order: makeOrder({ status: 'PAID' }), buyerCaseTimes: [T0, T0, T0] });
    const draft = makeDraft({ amountFen: 9_999 });
    const r = preview(ctx, draft);
    expect(r.eligible).toBe(false);
    expect(r.violations.map((v) => v.rule)).toEqual(['R1', 'R7', 'R11']);
    expect(r.violations).toEqual(checkApplication(ctx, draft));
  });

  it('checks the most refundable amount when the draft gives none', () => {
    const draft = makeDraft({ amountFen: undefined });
    expect(preview(makeCtx(), draft).eligible).toBe(true);
    // The ¥50 it would ask for no longer fits the shop's year.
    const nearCap = makeCtx({ shopYearRefundedFen: LIMITS.yearlyRefundCapFen - 4_999 });
    expect(preview(nearCap, draft).violations.map((v) => v.rule)).toEqual(['R3']);
  });

  it('re-exports the same maxRefundableFen', () => {
    expect(maxFromPreview).toBe(maxRefundableFen);
  });

  it('changes nothing it is given', () => {
    const ctx = deepFreeze(makeCtx({ orderCases: [makeRefundedCase({ items: [{ skuId: 'sku_a', qty: 1 }] })] }));
    const draft = deepFreeze(makeDraft({ items: [{ skuId: 'sku_a', qty: 1 }, { skuId: 'sku_b', qty: 1 }], amountFen: undefined }));
    expect(() => preview(ctx, draft)).not.toThrow();
    expect(preview(ctx, draft)).toEqual(preview(ctx, draft));
  });

  it('answers for nonsense items without throwing', () => {
    const r = preview(makeCtx(), makeDraft({ items: [{ skuId: 'ghost', qty: 0 }], amountFen: undefined }));
    expect(r.eligible).toBe(false);
    expect(r.maxRefundableFen).toBe(0);
    expect(r.violations.map((v) => v.field)).toEqual(['items.0.skuId', 'items.0.qty']);
  });

  it('agrees with a hand count on a 50-line order with 20 earlier cases', () => {
    const ctx = largeOrderContext();
    const drafts = largeOrderDrafts(ctx);
    const three = preview(ctx, drafts['3 items, amount left out']);
    // The earlier cases on lines 40, 43 and 47 were cancelled or closed, so nothing of them is claimed.
    const line = (i: number) => ctx.order.items[i];
    const expected =
      Math.round((line(40).paidFen * 2) / 10) + Math.round(line(43).paidFen / 10) + Math.round((line(47).paidFen * 3) / 10);
    expect(three.maxRefundableFen).toBe(expected - ctx.shop.settings.customsFeeFen);
    expect(three.eligible).toBe(false);
    expect(three.violations.map((v) => v.rule)).toEqual(['R15']);
    const all = preview(ctx, drafts['all 50 lines, return']);
    expect(all.maxRefundableFen).toBe(maxRefundableFen(ctx, drafts['all 50 lines, return']));
    expect(all.violations.map((v) => `${v.rule}:${v.field}`)).toEqual(['R11:amountFen']);
  });

  it('can be timed by the rate script (the rate is printed there, never asserted here)', () => {
    const ctx = largeOrderContext();
    const rate = previewRate(ctx, largeOrderDrafts(ctx)['3 items, amount left out'], 50);
    expect(Number.isFinite(rate) && rate > 0).toBe(true);
  });
});

describe('preview deadlines', () => {
  it('gives apply-by, payment-refund-by and auto-approve-at', () => {
    const r = preview(makeCtx(), makeDraft());
    expect(r.deadlines).toEqual({
      applyBy: T0 - 2 * DAY_MS + 15 * DAY_MS,
      paymentRefundBy: T0 - 5 * DAY_MS + 365 * DAY_MS,
      autoApproveAt: T0 + 48 * HOUR_MS,
    });
  });

  it("uses the reason's window and the shop's auto-approve hours", () => {
    const ctx = makeCtx({ shop: makeShop({}, { windowDaysByReason: { QUALITY: 30 }, autoApproveHours: 24 }) });
    const r = preview(ctx, makeDraft());
    expect(r.deadlines.applyBy).toBe(T0 - 2 * DAY_MS + 30 * DAY_MS);
    expect(r.deadlines.autoApproveAt).toBe(T0 + 24 * HOUR_MS);
  });

  it('gives no apply-by while the order is not delivered', () => {
    const r = preview(makeCtx({ order: makeOrder({ status: 'SHIPPED', deliveredAt: undefined }) }), makeDraft());
    expect(r.deadlines.applyBy).toBeUndefined();
    expect(notices(r, 'R2')).toEqual([]);
  });

  it('gives the return deadlines for a return only', () => {
    const r = preview(makeCtx(), makeDraft({ type: 'RETURN_REFUND' }));
    expect(r.deadlines.returnShipBy).toBe(T0 + 7 * DAY_MS);
    expect(r.deadlines.receiptConfirmBy).toBe(T0 + 17 * DAY_MS);
    expect(preview(makeCtx(), makeDraft()).deadlines.returnShipBy).toBeUndefined();
  });
});

describe('R2 window notice', () => {
  it('tells when the window ends, in Shanghai time', () => {
    // Delivered 2026-10-30 10:00 Shanghai; 15 days later is 2026-11-14 10:00.
    expect(notices(preview(makeCtx(), makeDraft()), 'R2')).toEqual(['签收后15天内可申请售后，截止2026-11-14 10:00']);
  });
});

describe('R4 payment channel notices', () => {
  it('tells a credit-card buyer about the issuer and the designated-account fallback', () => {
    const [text] = notices(preview(makeCtx({ order: makeOrder({ payChannel: 'CREDIT_CARD' }) }), makeDraft()), 'R4');
    expect(text).toContain('发卡行');
    expect(text).toContain('指定账户');
  });

  it('tells a third-party buyer about platform approval and the fallback', () => {
    const [text] = notices(preview(makeCtx({ order: makeOrder({ payChannel: 'THIRD_PARTY' }) }), makeDraft()), 'R4');
    expect(text).toContain('平台审批');
    expect(text).toContain('指定账户');
  });

  it.each(['WECHAT', 'BANK_CARD'] as const)('says nothing for %s', (payChannel) => {
    expect(notices(preview(makeCtx({ order: makeOrder({ payChannel }) }), makeDraft()), 'R4')).toEqual([]);
  });
});

describe('R12 cross-border notices', () => {
  const ctx = (customsFeeFen: number): RuleContext =>
    makeCtx({
      shop: makeShop({}, { customsFeeFen }),
      order: makeOrder({
        paidFen: 61_000,
        items: [
          makeItem({ skuId: 'sku_x', title: '日本进口面霜', qty: 1, paidFen: 20_000, kind: 'CROSS_BORDER' }),
          makeItem({ skuId: 'sku_y', title: '韩国面膜', qty: 1, paidFen: 30_000, kind: 'CROSS_BORDER', localAfterSale: true }),
          makeItem(),
        ],
      }),
    });
  const draft = (...skuIds: string[]): DraftApplication =>
    makeDraft({ reason: 'NO_REASON', items: skuIds.map((skuId) => ({ skuId, qty: 1 })), amountFen: undefined });

  it('says the buyer bears return shipping and taxes, and the customs fee, once per case', () => {
    const texts = notices(preview(ctx(1_500), draft('sku_x', 'sku_y')), 'R12');
    expect(texts[0]).toContain('退货运费及税费');
    expect(texts[1]).toContain('¥15.00');
    expect(texts.filter((t) => t.includes('税费'))).toHaveLength(1);
  });

  it('names items with local after-sale and their domestic address', () => {
    const texts = notices(preview(ctx(0), draft('sku_x', 'sku_y')), 'R12');
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain('韩国面膜');
    expect(texts[1]).toContain('国内');
  });

  it('is silent for ordinary goods and without a customs fee', () => {
    expect(notices(preview(ctx(1_500), draft('sku_a')), 'R12')).toEqual([]);
    expect(notices(preview(ctx(0), draft('sku_x')), 'R12').some((t) => t.includes('手续费'))).toBe(false);
  });
});

describe('R13 custom goods notice', () => {
  it('reminds of the non-returnable clause', () => {
    const order = makeOrder({ items: [makeItem({ skuId: 'sku_c', title: '定制刻字钢笔', kind: 'CUSTOM', customNoticeShown: true })] });
    const [text] = notices(preview(makeCtx({ order }), makeDraft({ items: [{ skuId: 'sku_c', qty: 1 }] })), 'R13');
    expect(text).toContain('定制刻字钢笔');
    expect(text).toContain('不可退换');
  });

  it('says nothing when the clause was never shown', () => {
    const order = makeOrder({ items: [makeItem({ skuId: 'sku_c', kind: 'CUSTOM' })] });
    expect(notices(preview(makeCtx({ order }), makeDraft({ items: [{ skuId: 'sku_c', qty: 1 }] })), 'R13')).toEqual([]);
  });
});

describe('R15 fresh goods notice', () => {
  it('asks for a photo at receipt', () => {
    const order = makeOrder({ items: [makeItem({ skuId: 'sku_f', title: '草莓', kind: 'FRESH' })] });
    const draft = makeDraft({ items: [{ skuId: 'sku_f', qty: 1 }], evidence: makeEvidence(1, 'image', 'receipt') });
    const r = preview(makeCtx({ order }), draft);
    expect(r.eligible).toBe(true);
    expect(notices(r, 'R15')[0]).toContain('签收时');
  });
});

describe('R19 refund path notice', () => {
  it('says the refund goes back the original way by default', () => {
    expect(notices(preview(makeCtx(), makeDraft()), 'R19')).toEqual(['退款默认原路返回；如需退到指定账户，需与商家协商一致']);
  });
});

describe('R20 fee in the preview', () => {
  it('charges the merchant the platform rate on the amount asked', () => {
    const r = preview(makeCtx(), makeDraft({ amountFen: 5_000 }));
    expect(r).toMatchObject({ feeFen: 30, feeBearer: 'MERCHANT' });
    expect(notices(r, 'R20')[0]).toContain('¥0.30');
    expect(notices(r, 'R20')[0]).toContain('商家承担');
  });

  it('uses the most refundable amount when none is asked, or when the one asked is not an amount', () => {
    const all = makeDraft({ items: [{ skuId: 'sku_a', qty: 2 }, { skuId: 'sku_b', qty: 1 }], amountFen: undefined });
    expect(preview(makeCtx(), all).feeFen).toBe(96);
    expect(preview(makeCtx(), { ...all, amountFen: -5 }).feeFen).toBe(96);
  });

  it('charges nothing when the seller is not responsible', () => {
    const r = preview(makeCtx(), makeDraft({ reason: 'NO_REASON' }));
    expect(r).toMatchObject({ feeFen: 0, feeBearer: 'NONE' });
    expect(notices(r, 'R20')[0]).toContain('免');
  });
});

describe('R29 return insurance notice', () => {
  it('says return shipping is covered when the order is insured', () => {
    const r = preview(makeCtx({ order: makeOrder({ insured: true }) }), makeDraft({ type: 'RETURN_REFUND' }));
    expect(notices(r, 'R29')[0]).toContain('运费险');
  });

  it('says nothing otherwise', () => {
    expect(notices(preview(makeCtx(), makeDraft({ type: 'RETURN_REFUND' })), 'R29')).toEqual([]);
  });
});

describe('preview of a shipping-fee-only draft', () => {
  it('offers the shipping fee until a case claims it', () => {
    const draft = makeDraft({ type: 'SHIPPING_FEE_ONLY', items: [], amountFen: undefined, description: '少发一件已补发' });
    expect(preview(makeCtx(), draft)).toMatchObject({ eligible: true, maxRefundableFen: 1_000 });
    const claimed = makeCtx({ orderCases: [makeCase({ coversShipping: true, items: [{ skuId: 'sku_b', qty: 1 }] })] });
    expect(preview(claimed, draft)).toMatchObject({ eligible: false, maxRefundableFen: 0 });
  });
});
