import type { DraftApplication, Violation } from '../../../types/api';
import type { AfterSaleCase, Order } from '../../../types/domain';
import type { RuleContext } from '../context';
import { DomainError } from '../errors';
import { LIMITS } from '../settings';
import { DAY_MS } from '../time';
import {
  checkApplication,
  checkApprovedAmount,
  claimedUnits,
  codePointLength,
  committedOnOrderFen,
  coversShipping,
  evidenceViolation,
  isOpen,
  isOwnEvidenceFile,
  isSellerResponsible,
  maxRefundableFen,
  paymentWindowExpired,
  recentBuyerCases,
  refundFee,
  refundNumbersExhausted,
  refundNumbersOnOrder,
  shippingClaimed,
  violationError,
  windowDaysFor,
} from '../rules';
import {
  BUYER,
  makeAttempt,
  makeCase,
  makeCtx,
  makeDraft,
  makeEvidence,
  makeItem,
  makeOrder,
  makeRefundedCase,
  makeShop,
  OTHER_BUYER,
  T0,
} from './fixtures';

function check(ctx: RuleContext, draft: DraftApplication): Violation[] {
  return checkApplication(ctx, draft);
}

/** `R11:AMOUNT_EXCEEDS_LIMIT` for each violation, in order. */
function ids(vs: Violation[]): string[] {
  return vs.map((v) => `${v.rule}:${v.code}`);
}

function only(vs: Violation[], rule: string): Violation[] {
  return vs.filter((v) => v.rule === rule);
}

describe('the fixtures', () => {
  it('make a draft every rule accepts', () => {
    expect(check(makeCtx(), makeDraft())).toEqual([]);
  });
});

describe('R30 structure of the draft', () => {
  it('names the item whose skuId is not on the order and skips rules that need the line', () => {
    const vs = check(makeCtx(), makeDraft({ items: [{ skuId: 'sku_a', qty: 1 }, { skuId: 'nope', qty: 1 }] }));
    expect(ids(vs)).toEqual(['R30:INVALID_INPUT']);
    expect(vs[0].field).toBe('items.1.skuId');
  });

  it('still reports the order-level rules when an item is unknown, without crashing', () => {
    const ctx = makeCtx({ order: makeOrder({ status: 'PAID' }) });
    const vs = check(ctx, makeDraft({ items: [{ skuId: 'nope', qty: 3 }], amountFen: 999_999 }));
    expect(ids(vs)).toEqual(['R30:INVALID_INPUT', 'R1:ORDER_STATUS_INVALID', 'R3:AMOUNT_EXCEEDS_LIMIT']);
  });

  it('refuses the same skuId twice', () => {
    const vs = check(makeCtx(), makeDraft({ items: [{ skuId: 'sku_a', qty: 1 }, { skuId: 'sku_a', qty: 1 }] }));
    expect(ids(vs)).toEqual(['R30:INVALID_INPUT']);
    expect(vs[0].field).toBe('items');
  });

  it('wants items: [] for SHIPPING_FEE_ONLY', () => {
    const vs = check(
      makeCtx(),
      makeDraft({ type: 'SHIPPING_FEE_ONLY', amountFen: 1_000, description: '商品缺件，补发后退运费' }),
    );
    expect(ids(vs)).toEqual(['R30:INVALID_INPUT']);
    expect(vs[0].field).toBe('items');
  });

  it('wants at least one item for the other types', () => {
    for (const type of ['REFUND_ONLY', 'RETURN_REFUND'] as const) {
      const vs = check(makeCtx(), makeDraft({ type, items: [] }));
      expect(ids(vs)).toEqual(['R30:INVALID_INPUT']);
      expect(vs[0].field).toBe('items');
    }
  });

  it('wants each qty a positive integer', () => {
    for (const qty of [0, -1, 1.5, Number.NaN]) {
      const vs = check(makeCtx(), makeDraft({ items: [{ skuId: 'sku_a', qty }] }));
      expect(vs[0]).toMatchObject({ rule: 'R30', code: 'INVALID_INPUT', field: 'items.0.qty' });
    }
  });

  it('wants amountFen, when given, a positive integer of fen', () => {
    for (const amountFen of [0, -100, 12.5]) {
      const vs = check(makeCtx(), makeDraft({ amountFen }));
      expect(ids(vs)).toEqual(['R30:INVALID_INPUT']);
      expect(vs[0].field).toBe('amountFen');
    }
  });

  it('gives 0 as the most refundable when the items make no sense', () => {
    expect(maxRefundableFen(makeCtx(), makeDraft({ items: [{ skuId: 'nope', qty: 1 }] }))).toBe(0);
    expect(coversShipping(makeCtx(), makeDraft({ items: [{ skuId: 'nope', qty: 1 }] }))).toBe(false);
  });
});

describe('R1 order status', () => {
  it.each(['SHIPPED', 'DELIVERED', 'COMPLETED'] as const)('allows a %s order', (status) => {
    expect(check(makeCtx({ order: makeOrder({ status }) }), makeDraft())).toEqual([]);
  });

  it('tells the buyer of a paid, unshipped order to cancel it instead', () => {
    const vs = check(makeCtx({ order: makeOrder({ status: 'PAID', shippedAt: undefined, deliveredAt: undefined }) }), makeDraft());
    expect(ids(vs)).toEqual(['R1:ORDER_STATUS_INVALID']);
    expect(vs[0].message).toContain('取消订单');
    expect(vs[0].solution).toContain('取消订单');
  });

  it.each(['UNPAID', 'CANCELLED'] as const)('refuses a %s order', (status) => {
    const vs = check(makeCtx({ order: makeOrder({ status }) }), makeDraft());
    expect(ids(vs)).toEqual(['R1:ORDER_STATUS_INVALID']);
    expect(vs[0].message).not.toContain('发货');
  });
});

describe('R31 WeChat Pay limits at apply', () => {
  // A shipped order not yet delivered has no R2 window, so only the 365 days can expire.
  const inTransit = (): Order => makeOrder({ status: 'SHIPPED', deliveredAt: undefined, paidAt: T0 - 365 * DAY_MS });

  it('allows an apply at exactly paidAt + 365 days', () => {
    expect(check(makeCtx({ order: inTransit() }), makeDraft())).toEqual([]);
    expect(paymentWindowExpired(inTransit(), T0)).toBe(false);
  });

  it('refuses one millisecond after paidAt + 365 days', () => {
    const vs = check(makeCtx({ order: inTransit(), now: T0 + 1 }), makeDraft());
    expect(ids(vs)).toEqual(['R31:AFTER_SALE_WINDOW_EXPIRED']);
    expect(paymentWindowExpired(inTransit(), T0 + 1)).toBe(true);
  });

  function casesWithRefundNumbers(n: number, status: 'ABNORMAL' | 'CLOSED' = 'ABNORMAL'): AfterSaleCase[] {
    const attempts = Array.from({ length: n }, (_, i) =>
      makeAttempt({ outRefundNo: `old-${i}`, status, amountFen: 100 }),
    );
    return [makeCase({ status: 'CLOSED', items: [{ skuId: 'sku_b', qty: 1 }], refunds: attempts })];
  }

  it(`allows the order's ${LIMITS.maxRefundsPerOrder}th refund number`, () => {
    const ctx = makeCtx({ orderCases: casesWithRefundNumbers(LIMITS.maxRefundsPerOrder - 1) });
    expect(check(ctx, makeDraft())).toEqual([]);
  });

  it(`refuses a ${LIMITS.maxRefundsPerOrder + 1}st refund of one order`, () => {
    const ctx = makeCtx({ orderCases: casesWithRefundNumbers(LIMITS.maxRefundsPerOrder) });
    expect(ids(check(ctx, makeDraft()))).toEqual(['R31:AMOUNT_EXCEEDS_LIMIT']);
  });

  it('R31 counts PROCESSING, SUCCESS and ABNORMAL refunds, not CLOSED ones', () => {
    const closed = casesWithRefundNumbers(LIMITS.maxRefundsPerOrder, 'CLOSED');
    expect(refundNumbersOnOrder(closed)).toBe(0);
    expect(check(makeCtx({ orderCases: closed }), makeDraft())).toEqual([]);
    const mixed = makeCase({
      refunds: [
        makeAttempt({ outRefundNo: 'm-1', status: 'PROCESSING' }),
        makeAttempt({ outRefundNo: 'm-2', status: 'SUCCESS' }),
        makeAttempt({ outRefundNo: 'm-3', status: 'ABNORMAL' }),
        makeAttempt({ outRefundNo: 'm-4', status: 'CLOSED' }),
      ],
    });
    expect(refundNumbersOnOrder([mixed])).toBe(3);
  });

  it('counts each refund number once across the cases', () => {
    const a = makeCase({ refunds: [makeAttempt({ outRefundNo: 'x-1' }), makeAttempt({ outRefundNo: 'x-2' })] });
    const b = makeCase({ refunds: [makeAttempt({ outRefundNo: 'x-2' }), makeAttempt({ outRefundNo: 'y-1' })] });
    expect(refundNumbersOnOrder([a, b])).toBe(3);
    expect(refundNumbersOnOrder([])).toBe(0);
  });

  it(`counts numbers, not attempts: ${LIMITS.maxRefundsPerOrder} attempts under fewer numbers leave room`, () => {
    const resent = Array.from({ length: LIMITS.maxRefundsPerOrder }, (_, i) =>
      makeAttempt({ outRefundNo: `same-${i % 2}`, status: 'ABNORMAL', amountFen: 100 }),
    );
    const cases = [makeCase({ status: 'CLOSED', items: [{ skuId: 'sku_b', qty: 1 }], refunds: resent })];
    expect(refundNumbersExhausted(cases)).toBe(false);
    expect(check(makeCtx({ orderCases: cases }), makeDraft())).toEqual([]);
  });
});

describe('R2 after-sale window after delivery', () => {
  const deliveredAt = T0 - 15 * DAY_MS;

  it('allows an apply at exactly deliveredAt + 15 days', () => {
    expect(check(makeCtx({ order: makeOrder({ deliveredAt }) }), makeDraft())).toEqual([]);
  });

  it('refuses one millisecond later', () => {
    const vs = check(makeCtx({ order: makeOrder({ deliveredAt: deliveredAt - 1 }) }), makeDraft());
    expect(ids(vs)).toEqual(['R2:AFTER_SALE_WINDOW_EXPIRED']);
    expect(vs[0].message).toContain('15天');
  });

  it("uses the shop's longer window for a reason, and only for that reason", () => {
    const shop = makeShop({}, { windowDaysByReason: { QUALITY: 30 } });
    const at30 = makeOrder({ deliveredAt: T0 - 30 * DAY_MS });
    const past30 = makeOrder({ deliveredAt: T0 - 30 * DAY_MS - 1 });
    expect(check(makeCtx({ shop, order: at30 }), makeDraft({ reason: 'QUALITY' }))).toEqual([]);
    expect(ids(check(makeCtx({ shop, order: past30 }), makeDraft({ reason: 'QUALITY' })))).toEqual([
      'R2:AFTER_SALE_WINDOW_EXPIRED',
    ]);
    expect(ids(check(makeCtx({ shop, order: at30 }), makeDraft({ reason: 'NOT_AS_DESCRIBED' })))).toEqual([
      'R2:AFTER_SALE_WINDOW_EXPIRED',
    ]);
  });

  it('never lets a per-reason setting shorten the general window', () => {
    const shop = makeShop({}, { windowDaysByReason: { NO_REASON: 7 } });
    expect(windowDaysFor(shop.settings, 'NO_REASON')).toBe(15);
    expect(check(makeCtx({ shop, order: makeOrder({ deliveredAt }) }), makeDraft({ reason: 'NO_REASON' }))).toEqual([]);
  });

  it('uses a longer general window set by the shop', () => {
    const shop = makeShop({}, { windowDays: 20 });
    expect(check(makeCtx({ shop, order: makeOrder({ deliveredAt: T0 - 20 * DAY_MS }) }), makeDraft())).toEqual([]);
    expect(ids(check(makeCtx({ shop, order: makeOrder({ deliveredAt: T0 - 20 * DAY_MS - 1 }) }), makeDraft()))).toEqual([
      'R2:AFTER_SALE_WINDOW_EXPIRED',
    ]);
  });

  it('runs no window for a shipped order not yet delivered', () => {
    const order = makeOrder({ status: 'SHIPPED', deliveredAt: undefined, paidAt: T0 - 100 * DAY_MS });
    expect(check(makeCtx({ order }), makeDraft())).toEqual([]);
  });
});

describe('R13 custom-made goods', () => {
  const custom = () =>
    makeOrder({
      items: [makeItem({ skuId: 'sku_c', title: '定制刻字钢笔', qty: 1, paidFen: 8_000, kind: 'CUSTOM', customNoticeShown: true })],
      paidFen: 9_000,
    });

  it('refuses NO_REASON when the non-returnable clause was shown, naming the item', () => {
    const vs = check(makeCtx({ order: custom() }), makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_c', qty: 1 }] }));
    expect(ids(vs)).toEqual(['R13:NOT_RETURNABLE']);
    expect(vs[0].message).toContain('定制刻字钢笔');
    expect(vs[0].field).toBe('items.0.skuId');
  });

  it('still allows a quality claim', () => {
    expect(check(makeCtx({ order: custom() }), makeDraft({ reason: 'QUALITY', items: [{ skuId: 'sku_c', qty: 1 }] }))).toEqual(
      [],
    );
  });

  it('allows NO_REASON when the clause was never shown', () => {
    const order = custom();
    order.items[0].customNoticeShown = false;
    expect(check(makeCtx({ order }), makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_c', qty: 1 }] }))).toEqual([]);
  });
});

describe('R14 virtual goods', () => {
  const virtual = (activated: boolean) =>
    makeOrder({
      items: [makeItem({ skuId: 'sku_v', title: '视频会员月卡', qty: 1, paidFen: 2_500, kind: 'VIRTUAL', activated })],
      paidFen: 2_500,
      shippingFen: 0,
    });

  it.each(['QUALITY', 'NO_REASON'] as const)('refuses an activated one for %s, naming the item', (reason) => {
    const vs = check(makeCtx({ order: virtual(true) }), makeDraft({ reason, items: [{ skuId: 'sku_v', qty: 1 }], amountFen: 2_500 }));
    expect(ids(vs)).toEqual(['R14:NOT_RETURNABLE']);
    expect(vs[0].message).toContain('视频会员月卡');
    expect(vs[0].message).toContain('激活');
  });

  it('lets one not activated go to the merchant', () => {
    expect(
      check(makeCtx({ order: virtual(false) }), makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_v', qty: 1 }], amountFen: 2_500 })),
    ).toEqual([]);
  });
});

describe('R32 cases per order line', () => {
  it('refuses a line that already has an open case', () => {
    const ctx = makeCtx({ orderCases: [makeCase({ status: 'AWAITING_RETURN' })] });
    const vs = check(ctx, makeDraft({ amountFen: 1_000 }));
    expect(ids(vs)).toEqual(['R32:CASE_ALREADY_OPEN']);
    expect(vs[0].message).toContain('纯棉T恤');
  });

  it('allows another line of the order, and the same line once the case is over', () => {
    const open = makeCtx({ orderCases: [makeCase({ status: 'PENDING' })] });
    expect(check(open, makeDraft({ items: [{ skuId: 'sku_b', qty: 1 }] }))).toEqual([]);
    for (const status of ['CANCELLED', 'CLOSED', 'REFUNDED'] as const) {
      const c = status === 'REFUNDED' ? makeRefundedCase() : makeCase({ status });
      expect(check(makeCtx({ orderCases: [c] }), makeDraft({ amountFen: 4_000 }))).toEqual([]);
    }
  });

  const closed = (n: number) => Array.from({ length: n }, () => makeCase({ status: 'CLOSED' }));

  it(`allows a ${LIMITS.maxCasesPerLine}th case on a line`, () => {
    expect(check(makeCtx({ orderCases: closed(LIMITS.maxCasesPerLine - 1) }), makeDraft())).toEqual([]);
  });

  it(`refuses a ${LIMITS.maxCasesPerLine + 1}th case on a line, whatever became of the others`, () => {
    const vs = check(makeCtx({ orderCases: closed(LIMITS.maxCasesPerLine) }), makeDraft());
    expect(ids(vs)).toEqual(['R32:RISK_CONTROL_TRIGGERED']);
  });

  it('counts a stored case that names a line twice as one case', () => {
    const twice = makeCase({ status: 'CLOSED', items: [{ skuId: 'sku_a', qty: 1 }, { skuId: 'sku_a', qty: 1 }] });
    const ctx = makeCtx({ orderCases: [...closed(LIMITS.maxCasesPerLine - 2), twice] });
    expect(check(ctx, makeDraft())).toEqual([]);
  });
});

describe('R7 risk control: cases in the last 30 days', () => {
  const times = (...ts: number[]) => ts;

  it(`allows a buyer with ${LIMITS.riskMaxCases - 1} recent cases`, () => {
    expect(check(makeCtx({ buyerCaseTimes: times(T0 - DAY_MS, T0 - 2 * DAY_MS) }), makeDraft())).toEqual([]);
  });

  it(`refuses a buyer with ${LIMITS.riskMaxCases}, telling them to appeal with materials`, () => {
    const vs = check(makeCtx({ buyerCaseTimes: times(T0, T0 - DAY_MS, T0 - 30 * DAY_MS) }), makeDraft());
    expect(ids(vs)).toEqual(['R7:RISK_CONTROL_TRIGGERED']);
    expect(vs[0].solution).toContain('申诉材料');
  });

  it('does not count a case created one millisecond before the 30 days', () => {
    expect(check(makeCtx({ buyerCaseTimes: times(T0, T0 - DAY_MS, T0 - 30 * DAY_MS - 1) }), makeDraft())).toEqual([]);
  });

  it('does not count cases created after now (a clock moved back)', () => {
    expect(recentBuyerCases({ now: T0, buyerCaseTimes: [T0 + 1, T0, T0 - 1] })).toBe(2);
  });

  it('does not count cases created before the platform lifted the control', () => {
    const buyerCaseTimes = times(T0 - 3 * DAY_MS, T0 - 2 * DAY_MS, T0 - DAY_MS);
    expect(check(makeCtx({ buyerCaseTimes, riskLiftedAt: T0 - 2 * DAY_MS + 1 }), makeDraft())).toEqual([]);
    expect(ids(check(makeCtx({ buyerCaseTimes, riskLiftedAt: T0 - 3 * DAY_MS }), makeDraft()))).toEqual([
      'R7:RISK_CONTROL_TRIGGERED',
    ]);
  });
});

describe('R9 logistics evidence', () => {
  const untracked = (): Order => makeOrder({ logistics: undefined });

  it("accepts the order's own tracking record", () => {
    expect(check(makeCtx(), makeDraft({ reason: 'LOGISTICS' }))).toEqual([]);
  });

  it('refuses a LOGISTICS claim with neither tracking events nor logistics evidence', () => {
    const vs = check(makeCtx({ order: untracked() }), makeDraft({ reason: 'LOGISTICS' }));
    expect(ids(vs)).toEqual(['R9:LOGISTICS_EVIDENCE_MISSING']);
    const emptyEvents = makeOrder({ logistics: { company: '中通', trackingNo: 'ZT1', events: [] } });
    expect(ids(check(makeCtx({ order: emptyEvents }), makeDraft({ reason: 'LOGISTICS' })))).toEqual([
      'R9:LOGISTICS_EVIDENCE_MISSING',
    ]);
  });

  it('accepts evidence tagged logistics instead, but not other evidence', () => {
    const ctx = makeCtx({ order: untracked() });
    expect(check(ctx, makeDraft({ reason: 'LOGISTICS', evidence: makeEvidence(1, 'image', 'logistics') }))).toEqual([]);
    expect(ids(check(ctx, makeDraft({ reason: 'LOGISTICS', evidence: makeEvidence(3, 'image', 'unboxing') })))).toEqual([
      'R9:LOGISTICS_EVIDENCE_MISSING',
    ]);
  });

  it('asks nothing of other reasons', () => {
    expect(check(makeCtx({ order: untracked() }), makeDraft({ reason: 'QUALITY' }))).toEqual([]);
  });
});

describe('R15 fresh food quality claims', () => {
  const fresh = () =>
    makeOrder({
      items: [makeItem(), makeItem({ skuId: 'sku_f', title: '阳澄湖大闸蟹', qty: 1, paidFen: 5_000, kind: 'FRESH' })],
    });

  it('needs a photo tagged receipt, and says the merchant compares it with the QC report', () => {
    const vs = check(makeCtx({ order: fresh() }), makeDraft({ items: [{ skuId: 'sku_f', qty: 1 }], evidence: makeEvidence(2) }));
    expect(ids(vs)).toEqual(['R15:EVIDENCE_REQUIRED']);
    expect(vs[0].solution).toContain('签收');
    expect(vs[0].solution).toContain('质检报告');
  });

  it('accepts a receipt photo', () => {
    const draft = makeDraft({ items: [{ skuId: 'sku_f', qty: 1 }], evidence: makeEvidence(1, 'image', 'receipt') });
    expect(check(makeCtx({ order: fresh() }), draft)).toEqual([]);
  });

  it('asks nothing of other reasons or of non-fresh items', () => {
    expect(check(makeCtx({ order: fresh() }), makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_f', qty: 1 }] }))).toEqual([]);
    expect(check(makeCtx({ order: fresh() }), makeDraft({ items: [{ skuId: 'sku_a', qty: 1 }] }))).toEqual([]);
  });
});

describe('R22 evidence and description', () => {
  it(`allows ${LIMITS.maxImages} images and ${LIMITS.maxVideos} video`, () => {
    const evidence = [...makeEvidence(LIMITS.maxImages), ...makeEvidence(LIMITS.maxVideos, 'video')];
    expect(check(makeCtx(), makeDraft({ evidence }))).toEqual([]);
  });

  it(`refuses a ${LIMITS.maxImages + 1}th image`, () => {
    const vs = check(makeCtx(), makeDraft({ evidence: makeEvidence(LIMITS.maxImages + 1) }));
    expect(ids(vs)).toEqual(['R22:INVALID_INPUT']);
    expect(vs[0].field).toBe('evidence');
  });

  it(`refuses a ${LIMITS.maxVideos + 1}nd video`, () => {
    const vs = check(makeCtx(), makeDraft({ evidence: makeEvidence(LIMITS.maxVideos + 1, 'video') }));
    expect(ids(vs)).toEqual(['R22:INVALID_INPUT']);
    expect(vs[0].field).toBe('evidence');
  });

  it("refuses a file under another buyer's prefix, naming it", () => {
    const evidence = [...makeEvidence(1), ...makeEvidence(1, 'image', undefined, OTHER_BUYER)];
    const vs = check(makeCtx(), makeDraft({ evidence }));
    expect(ids(vs)).toEqual(['R22:INVALID_INPUT']);
    expect(vs[0].field).toBe('evidence.1.fileId');
  });

  it(`allows a description of ${LIMITS.descriptionMaxChars} characters, emoji counted as one`, () => {
    expect(check(makeCtx(), makeDraft({ description: '破'.repeat(LIMITS.descriptionMaxChars) }))).toEqual([]);
    expect(check(makeCtx(), makeDraft({ description: '😭'.repeat(LIMITS.descriptionMaxChars) }))).toEqual([]);
  });

  it(`refuses ${LIMITS.descriptionMaxChars + 1} characters`, () => {
    const vs = check(makeCtx(), makeDraft({ description: '😭'.repeat(LIMITS.descriptionMaxChars + 1) }));
    expect(ids(vs)).toEqual(['R22:INVALID_INPUT']);
    expect(vs[0].field).toBe('description');
    expect(vs[0].message).toContain(`${LIMITS.descriptionMaxChars + 1}字`);
  });

  it('counts code points', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('a破😭')).toBe(3);
    // A lone surrogate is still one character.
    expect(codePointLength('\udc00x\ud83d')).toBe(3);
  });

  describe('isOwnEvidenceFile', () => {
    it.each([
      `local://evidence/${BUYER}/a.jpg`,
      `cloud://prod-3g1x/evidence/${BUYER}/1700000000-a.jpg`,
      `cloud://env.abc-123/evidence/${BUYER}/视频.mp4`,
    ])('accepts %s', (fileId) => {
      expect(isOwnEvidenceFile(fileId, BUYER)).toBe(true);
    });

    it.each([
      `local://evidence/${OTHER_BUYER}/a.jpg`,
      `local://evidence/${BUYER}x/a.jpg`,
      `local://evidence/${BUYER}/`,
      `local://evidence/${BUYER}/sub/a.jpg`,
      `local://evidence/${BUYER}/../${OTHER_BUYER}/a.jpg`,
      `local://evidence/${BUYER}/..`,
      `local://evidence/${BUYER}/a\u0000.jpg`,
      `local://evidence/${BUYER}/a\n.jpg`,
      `local://uploads/${BUYER}/a.jpg`,
      `cloud:///evidence/${BUYER}/a.jpg`,
      `cloud://env`,
      `cloud://env/other/evidence/${BUYER}/a.jpg`,
      `https://example.com/evidence/${BUYER}/a.jpg`,
      `evidence/${BUYER}/a.jpg`,
      '',
    ])('refuses %j', (fileId) => {
      expect(isOwnEvidenceFile(fileId, BUYER)).toBe(false);
    });

    it('refuses everything for an empty or path-like openid', () => {
      expect(isOwnEvidenceFile('local://evidence//a.jpg', '')).toBe(false);
      expect(isOwnEvidenceFile('local://evidence/a/b/c.jpg', 'a/b')).toBe(false);
    });
  });

  describe('evidenceViolation', () => {
    it('counts the whole list it is given', () => {
      expect(evidenceViolation(makeEvidence(LIMITS.maxImages), BUYER)).toBeNull();
      expect(evidenceViolation([...makeEvidence(5), ...makeEvidence(5)], BUYER)?.field).toBe('evidence');
    });

    it("checks ownership only from ownFrom on, with indexes as the caller sent them", () => {
      const merchantQc = makeEvidence(1, 'image', 'qc_report', 'o_merchant');
      expect(evidenceViolation([...merchantQc, ...makeEvidence(2)], BUYER, { ownFrom: 1 })).toBeNull();
      const bad = [...merchantQc, ...makeEvidence(1), ...makeEvidence(1, 'image', undefined, OTHER_BUYER)];
      expect(evidenceViolation(bad, BUYER, { ownFrom: 1 })?.field).toBe('evidence.1.fileId');
      expect(evidenceViolation(bad, BUYER)?.field).toBe('evidence.0.fileId');
    });
  });
});

describe('R10 shipping fee only', () => {
  const draft = (overrides: Partial<DraftApplication> = {}) =>
    makeDraft({ type: 'SHIPPING_FEE_ONLY', reason: 'OTHER', items: [], amountFen: 1_000, description: '少发一件已补发', ...overrides });

  it('accepts a specific reason of 5 characters and the whole shipping fee', () => {
    expect(check(makeCtx(), draft({ description: '  少发一件了  ' }))).toEqual([]);
    expect(maxRefundableFen(makeCtx(), draft())).toBe(1_000);
  });

  it('refuses a reason shorter than 5 characters after trimming', () => {
    const vs = check(makeCtx(), draft({ description: '  少发一件  ' }));
    expect(ids(vs)).toEqual(['R10:INVALID_INPUT']);
    expect(vs[0].field).toBe('description');
    expect(ids(check(makeCtx(), draft({ description: undefined })))).toEqual(['R10:INVALID_INPUT']);
  });

  it('refuses more than the shipping fee', () => {
    const vs = check(makeCtx(), draft({ amountFen: 1_001 }));
    expect(ids(vs)).toEqual(['R10:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[0].field).toBe('amountFen');
  });

  it('refunds the shipping fee once per order, whichever case claimed it', () => {
    const claims: AfterSaleCase[] = [
      makeRefundedCase({ type: 'SHIPPING_FEE_ONLY', items: [], amountFen: 1_000 }),
      makeCase({ status: 'REFUNDING', coversShipping: true, items: [{ skuId: 'sku_b', qty: 1 }], amountFen: 6_000 }),
    ];
    for (const c of claims) {
      const ctx = makeCtx({ orderCases: [c] });
      expect(ids(check(ctx, draft()))).toEqual(['R10:AMOUNT_EXCEEDS_LIMIT']);
      expect(maxRefundableFen(ctx, draft())).toBe(0);
      expect(shippingClaimed([c])).toBe(true);
      expect(shippingClaimed([c], c._id)).toBe(false);
    }
  });

  it('has nothing to offer on an order shipped free', () => {
    const ctx = makeCtx({ order: makeOrder({ shippingFen: 0, paidFen: 15_000 }) });
    const vs = check(ctx, draft({ amountFen: undefined }));
    expect(ids(vs)).toEqual(['R10:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[0].message).toContain('¥0.00');
    expect(ids(check(ctx, draft({ amountFen: 1 })))).toEqual(['R10:AMOUNT_EXCEEDS_LIMIT']);
  });

  it('frees the shipping fee when the claiming case was cancelled or closed', () => {
    for (const status of ['CANCELLED', 'CLOSED'] as const) {
      const ctx = makeCtx({ orderCases: [makeCase({ status, type: 'SHIPPING_FEE_ONLY', items: [], amountFen: 1_000 })] });
      expect(check(ctx, draft())).toEqual([]);
    }
  });
});

describe('R11 partial refunds by line and quantity', () => {
  it('allows up to what is left of a line and names the item beyond it', () => {
    const ctx = makeCtx({ orderCases: [makeRefundedCase({ items: [{ skuId: 'sku_a', qty: 1 }] })] });
    expect(check(ctx, makeDraft({ items: [{ skuId: 'sku_a', qty: 1 }], amountFen: 5_000 }))).toEqual([]);
    const vs = check(ctx, makeDraft({ items: [{ skuId: 'sku_a', qty: 2 }], amountFen: 5_000 }));
    expect(ids(vs)).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[0].field).toBe('items.0.qty');
    expect(vs[0].message).toContain('1件');
  });

  it('counts units held by open and REFUNDED cases, not by cancelled or closed ones', () => {
    const cases = [
      makeCase({ status: 'CANCELLED', items: [{ skuId: 'sku_a', qty: 2 }] }),
      makeCase({ status: 'CLOSED', items: [{ skuId: 'sku_a', qty: 2 }] }),
      makeRefundedCase({ items: [{ skuId: 'sku_a', qty: 1 }, { skuId: 'sku_b', qty: 1 }] }),
      makeCase({ _id: 'open', status: 'RETURN_SHIPPED', items: [{ skuId: 'sku_a', qty: 1 }] }),
    ];
    expect(claimedUnits(cases, 'sku_a')).toBe(2);
    expect(claimedUnits(cases, 'sku_a', 'open')).toBe(1);
    expect(claimedUnits(cases, 'sku_b')).toBe(1);
    expect(claimedUnits(cases, 'sku_z')).toBe(0);
  });

  it('allows exactly the most refundable amount and refuses one fen more', () => {
    expect(check(makeCtx(), makeDraft({ amountFen: 5_000 }))).toEqual([]);
    const vs = check(makeCtx(), makeDraft({ amountFen: 5_001 }));
    expect(ids(vs)).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[0].field).toBe('amountFen');
    expect(vs[0].message).toContain('¥50.00');
  });

  it('has nothing to offer for a gift line paid ¥0 when no amount is given', () => {
    const order = makeOrder({ items: [makeItem(), makeItem({ skuId: 'sku_g', title: '赠品小样', qty: 1, paidFen: 0 })] });
    const vs = check(makeCtx({ order }), makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_g', qty: 1 }], amountFen: undefined }));
    expect(ids(vs)).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[0].field).toBe('amountFen');
  });

  it('spreads a line over its units so that the parts add up to what it was paid', () => {
    // 3 units paid ¥1.00 together: 33 + 34 + 33 fen.
    const order = makeOrder({ items: [makeItem({ qty: 3, paidFen: 100 }), makeItem({ skuId: 'sku_b', qty: 1, paidFen: 50 })] });
    const ctx0 = makeCtx({ order });
    const d = (qty: number) => makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_a', qty }], amountFen: undefined });
    expect(maxRefundableFen(ctx0, d(1))).toBe(33);
    expect(maxRefundableFen(ctx0, d(3))).toBe(100);
    const ctx1 = makeCtx({ order, orderCases: [makeRefundedCase({ items: [{ skuId: 'sku_a', qty: 1 }], amountFen: 33 })] });
    expect(maxRefundableFen(ctx1, d(1))).toBe(34);
    expect(maxRefundableFen(ctx1, d(2))).toBe(67);
  });

  it('adds the shipping fee to a seller-responsible case that takes the last units', () => {
    const ctx = makeCtx({ orderCases: [makeRefundedCase({ items: [{ skuId: 'sku_a', qty: 2 }], amountFen: 10_000 })] });
    const last = makeDraft({ items: [{ skuId: 'sku_b', qty: 1 }], amountFen: undefined });
    expect(maxRefundableFen(ctx, last)).toBe(6_000);
    expect(coversShipping(ctx, last)).toBe(true);
    expect(check(ctx, { ...last, amountFen: 6_000 })).toEqual([]);
    expect(ids(check(ctx, { ...last, amountFen: 6_001 }))).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT']);
  });

  it('adds no shipping fee when units remain, when the seller is not responsible, or when it was claimed', () => {
    const all = makeDraft({ items: [{ skuId: 'sku_a', qty: 2 }, { skuId: 'sku_b', qty: 1 }], amountFen: undefined });
    expect(maxRefundableFen(makeCtx(), all)).toBe(16_000);
    expect(maxRefundableFen(makeCtx(), { ...all, items: [{ skuId: 'sku_a', qty: 2 }] })).toBe(10_000);
    expect(maxRefundableFen(makeCtx(), { ...all, reason: 'NO_REASON' })).toBe(15_000);
    expect(coversShipping(makeCtx(), { ...all, reason: 'NO_REASON' })).toBe(false);
    const claimed = makeCtx({ orderCases: [makeCase({ status: 'CANCELLED' }), makeRefundedCase({ type: 'SHIPPING_FEE_ONLY', items: [], amountFen: 1_000 })] });
    expect(maxRefundableFen(claimed, all)).toBe(15_000);
    expect(coversShipping(claimed, all)).toBe(false);
  });

  it("is capped by the order's remaining 105% headroom", () => {
    // A compensation of ¥20 approved on the mug leaves 105% × ¥160 − ¥70 = ¥98 for the T-shirts.
    const ctx = makeCtx({ orderCases: [makeCase({ status: 'REFUNDING', items: [{ skuId: 'sku_b', qty: 1 }], amountFen: 5_000, approvedFen: 7_000 })] });
    const shirts = makeDraft({ items: [{ skuId: 'sku_a', qty: 2 }], amountFen: undefined });
    expect(maxRefundableFen(ctx, shirts)).toBe(9_800);
    expect(check(ctx, { ...shirts, amountFen: 9_800 })).toEqual([]);
    expect(ids(check(ctx, { ...shirts, amountFen: 9_801 }))).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT', 'R3:AMOUNT_EXCEEDS_LIMIT']);
  });
});

describe('R12 cross-border goods', () => {
  const order = () =>
    makeOrder({
      items: [makeItem({ skuId: 'sku_x', title: '日本进口面霜', qty: 1, paidFen: 20_000, kind: 'CROSS_BORDER' }), makeItem()],
      paidFen: 31_000,
    });

  it('deducts the customs fee from the refundable amount', () => {
    const ctx = makeCtx({ order: order(), shop: makeShop({}, { customsFeeFen: 1_500 }) });
    const draft = makeDraft({ items: [{ skuId: 'sku_x', qty: 1 }], amountFen: undefined, reason: 'NO_REASON' });
    expect(maxRefundableFen(ctx, draft)).toBe(18_500);
    expect(ids(check(ctx, { ...draft, amountFen: 18_501 }))).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT']);
    // Ordinary goods are not charged customs.
    expect(maxRefundableFen(ctx, makeDraft({ amountFen: undefined }))).toBe(5_000);
  });

  it('never goes below zero', () => {
    const ctx = makeCtx({ order: order(), shop: makeShop({}, { customsFeeFen: 50_000 }) });
    expect(maxRefundableFen(ctx, makeDraft({ items: [{ skuId: 'sku_x', qty: 1 }], amountFen: undefined }))).toBe(0);
  });
});

describe('R3 amount caps', () => {
  const c = () => makeCase({ _id: 'deciding', status: 'PENDING', items: [{ skuId: 'sku_a', qty: 2 }], amountFen: 10_000 });

  it('allows an approval of exactly 105% of the paid amount and refuses one fen more', () => {
    const ctx = makeCtx({ orderCases: [c()] });
    expect(checkApprovedAmount(ctx, c(), 16_800)).toBeNull();
    const v = checkApprovedAmount(ctx, c(), 16_801);
    expect(v).toMatchObject({ rule: 'R3', code: 'AMOUNT_EXCEEDS_LIMIT', field: 'amountFen' });
    // One refund above the cap is told as such, not as the order's total running out.
    expect(v?.message).toContain('单笔');
    expect(v?.message).toContain('¥168.00');
  });

  it('rounds 105% half up to the fen', () => {
    // 105% of ¥0.10 is 10.5 fen → 11; of ¥0.09 is 9.45 → 9.
    expect(checkApprovedAmount(makeCtx({ order: makeOrder({ paidFen: 10 }) }), c(), 11)).toBeNull();
    expect(checkApprovedAmount(makeCtx({ order: makeOrder({ paidFen: 10 }) }), c(), 12)).not.toBeNull();
    expect(checkApprovedAmount(makeCtx({ order: makeOrder({ paidFen: 9 }) }), c(), 9)).toBeNull();
    expect(checkApprovedAmount(makeCtx({ order: makeOrder({ paidFen: 9 }) }), c(), 10)).not.toBeNull();
  });

  it("keeps all of the order's refunds within 105%, not counting the case being decided", () => {
    const others = [
      makeRefundedCase({ items: [{ skuId: 'sku_b', qty: 1 }], amountFen: 5_000, approvedFen: 6_000 }),
      makeCase({ status: 'NEGOTIATING', items: [{ skuId: 'sku_c', qty: 1 }], amountFen: 800 }),
      makeCase({ status: 'CANCELLED', amountFen: 9_999 }),
    ];
    const ctx = makeCtx({ orderCases: [...others, c()] });
    expect(committedOnOrderFen(ctx.orderCases, 'deciding')).toBe(6_800);
    expect(checkApprovedAmount(ctx, c(), 10_000)).toBeNull();
    const v = checkApprovedAmount(ctx, c(), 10_001);
    expect(v).toMatchObject({ rule: 'R3', code: 'AMOUNT_EXCEEDS_LIMIT' });
    expect(v?.message).toContain('累计');
    expect(v?.message).toContain('¥100.00');
  });

  it('counts what a REFUNDED case actually paid, not what it asked', () => {
    const refunded = makeCase({
      status: 'REFUNDED',
      amountFen: 5_000,
      approvedFen: 5_000,
      refunds: [makeAttempt({ outRefundNo: 'a-1', status: 'CLOSED', amountFen: 5_000 }), makeAttempt({ outRefundNo: 'a-2', amountFen: 4_000 })],
    });
    expect(committedOnOrderFen([refunded])).toBe(4_000);
  });

  it('keeps the shop within ¥500,000 a calendar year', () => {
    const at = (shopYearRefundedFen: number) => makeCtx({ shopYearRefundedFen, orderCases: [c()] });
    expect(checkApprovedAmount(at(LIMITS.yearlyRefundCapFen - 10_000), c(), 10_000)).toBeNull();
    expect(checkApprovedAmount(at(LIMITS.yearlyRefundCapFen - 9_999), c(), 10_000)).toMatchObject({ rule: 'R3' });
  });

  it('applies the yearly cap at apply, alone', () => {
    expect(check(makeCtx({ shopYearRefundedFen: LIMITS.yearlyRefundCapFen - 5_000 }), makeDraft())).toEqual([]);
    const vs = check(makeCtx({ shopYearRefundedFen: LIMITS.yearlyRefundCapFen - 4_999 }), makeDraft());
    expect(ids(vs)).toEqual(['R3:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[0].field).toBe('amountFen');
  });

  it('applies the 105% caps at apply', () => {
    const vs = check(makeCtx(), makeDraft({ amountFen: 16_801 }));
    expect(ids(vs)).toEqual(['R11:AMOUNT_EXCEEDS_LIMIT', 'R3:AMOUNT_EXCEEDS_LIMIT']);
    expect(vs[1].message).toContain('105%');
  });

  it('applies to a shipping-fee-only case too', () => {
    const ctx = makeCtx({ orderCases: [makeCase({ status: 'REFUNDING', items: [{ skuId: 'sku_a', qty: 2 }], amountFen: 10_000, approvedFen: 16_500 })] });
    const draft = makeDraft({ type: 'SHIPPING_FEE_ONLY', items: [], amountFen: 301, description: '少发一件已补发' });
    expect(check(ctx, { ...draft, amountFen: 300 })).toEqual([]);
    expect(ids(check(ctx, draft))).toEqual(['R3:AMOUNT_EXCEEDS_LIMIT']);
    expect(maxRefundableFen(ctx, draft)).toBe(300);
  });
});

describe('R20 refund fee', () => {
  it('is free when the seller is not responsible', () => {
    for (const reason of ['NO_REASON', 'OTHER'] as const) {
      expect(refundFee(10_000, reason, makeShop().settings)).toEqual({ feeFen: 0, feeBearer: 'NONE' });
    }
  });

  it("charges the platform rate to the merchant otherwise, rounded half up", () => {
    const s = makeShop().settings;
    for (const reason of ['QUALITY', 'LOGISTICS', 'NOT_AS_DESCRIBED', 'MISSING_ITEM'] as const) {
      expect(refundFee(10_000, reason, s)).toEqual({ feeFen: 60, feeBearer: 'MERCHANT' });
    }
    // 0.6% of 250 fen is 1.5 → 2; of 249 fen 1.494 → 1.
    expect(refundFee(250, 'QUALITY', s).feeFen).toBe(2);
    expect(refundFee(249, 'QUALITY', s).feeFen).toBe(1);
  });

  it("uses the shop's rate", () => {
    expect(refundFee(10_000, 'QUALITY', makeShop({}, { platformFeeRateBp: 100 }).settings).feeFen).toBe(100);
  });

  it('knows which reasons are the seller’s responsibility', () => {
    expect(['QUALITY', 'LOGISTICS', 'NO_REASON', 'NOT_AS_DESCRIBED', 'MISSING_ITEM', 'OTHER'].filter((r) => isSellerResponsible(r as never))).toEqual([
      'QUALITY',
      'LOGISTICS',
      'NOT_AS_DESCRIBED',
      'MISSING_ITEM',
    ]);
  });
});

describe('open cases', () => {
  it('are every status but REFUNDED, CANCELLED and CLOSED', () => {
    const open = (['PENDING', 'NEGOTIATING', 'APPROVED', 'AWAITING_RETURN', 'RETURN_SHIPPED', 'REFUNDING', 'REFUND_FAILED', 'REJECTED', 'ESCALATED'] as const).map(
      (status) => isOpen(makeCase({ status })),
    );
    expect(open.every(Boolean)).toBe(true);
    expect((['REFUNDED', 'CANCELLED', 'CLOSED'] as const).some((status) => isOpen(makeCase({ status })))).toBe(false);
  });
});

describe('the order of checks (SPEC §3)', () => {
  it('reports R1 before R11 for a draft breaking both', () => {
    const vs = check(makeCtx({ order: makeOrder({ status: 'PAID' }) }), makeDraft({ amountFen: 5_001 }));
    expect(ids(vs)).toEqual(['R1:ORDER_STATUS_INVALID', 'R11:AMOUNT_EXCEEDS_LIMIT']);
  });

  it('reports every broken rule in the spec order', () => {
    const order = makeOrder({
      status: 'PAID',
      paidAt: T0 - 366 * DAY_MS,
      deliveredAt: T0 - 16 * DAY_MS,
      logistics: undefined,
      paidFen: 30_000,
      items: [
        makeItem({ skuId: 'sku_c', title: '定制钢笔', qty: 1, paidFen: 8_000, kind: 'CUSTOM', customNoticeShown: true }),
        makeItem({ skuId: 'sku_v', title: '会员卡', qty: 1, paidFen: 2_000, kind: 'VIRTUAL', activated: true }),
        makeItem({ skuId: 'sku_f', title: '草莓', qty: 2, paidFen: 6_000, kind: 'FRESH' }),
      ],
    });
    const ctx = makeCtx({
      order,
      orderCases: [makeCase({ status: 'PENDING', items: [{ skuId: 'sku_f', qty: 2 }], amountFen: 6_000 })],
      buyerCaseTimes: [T0 - 1, T0 - 2, T0 - 3],
    });
    const draft: DraftApplication = {
      orderId: order._id,
      type: 'REFUND_ONLY',
      reason: 'NO_REASON',
      items: [
        { skuId: 'sku_c', qty: 1 },
        { skuId: 'sku_v', qty: 1 },
        { skuId: 'sku_f', qty: 1 },
      ],
      amountFen: 40_000,
      description: '不想要了',
      evidence: makeEvidence(10),
    };
    expect(ids(check(ctx, draft))).toEqual([
      'R1:ORDER_STATUS_INVALID',
      'R31:AFTER_SALE_WINDOW_EXPIRED',
      'R2:AFTER_SALE_WINDOW_EXPIRED',
      'R13:NOT_RETURNABLE',
      'R14:NOT_RETURNABLE',
      'R32:CASE_ALREADY_OPEN',
      'R7:RISK_CONTROL_TRIGGERED',
      'R22:INVALID_INPUT',
      'R11:AMOUNT_EXCEEDS_LIMIT',
      'R11:AMOUNT_EXCEEDS_LIMIT',
      'R3:AMOUNT_EXCEEDS_LIMIT',
    ]);
    const withEvidenceRules = check(ctx, { ...draft, reason: 'QUALITY' });
    expect(ids(only(withEvidenceRules, 'R15'))).toEqual(['R15:EVIDENCE_REQUIRED']);
    const rules = withEvidenceRules.map((v) => v.rule);
    expect(rules.indexOf('R7')).toBeLessThan(rules.indexOf('R15'));
    expect(rules.indexOf('R15')).toBeLessThan(rules.indexOf('R22'));
    expect(rules.indexOf('R22')).toBeLessThan(rules.indexOf('R11'));
    const logistics = ids(check(ctx, { ...draft, reason: 'LOGISTICS' }));
    expect(logistics.indexOf('R9:LOGISTICS_EVIDENCE_MISSING')).toBeGreaterThan(logistics.indexOf('R7:RISK_CONTROL_TRIGGERED'));
    expect(logistics.indexOf('R9:LOGISTICS_EVIDENCE_MISSING')).toBeLessThan(logistics.indexOf('R22:INVALID_INPUT'));
  });

  it('puts R10 before R3 on a shipping-fee-only draft', () => {
    const draft = makeDraft({ type: 'SHIPPING_FEE_ONLY', items: [], amountFen: 20_000, description: '运费' });
    expect(ids(check(makeCtx(), draft))).toEqual(['R10:INVALID_INPUT', 'R10:AMOUNT_EXCEEDS_LIMIT', 'R3:AMOUNT_EXCEEDS_LIMIT']);
  });

  it('turns a violation into the DomainError apply throws', () => {
    const [v] = check(makeCtx({ order: makeOrder({ status: 'PAID' }) }), makeDraft());
    const e = violationError(v);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.toApiError()).toEqual({ code: 'ORDER_STATUS_INVALID', rule: 'R1', message: v.message, solution: v.solution });
    const field = violationError(check(makeCtx(), makeDraft({ amountFen: 0 }))[0]);
    expect(field.toApiError().field).toBe('amountFen');
  });
});
