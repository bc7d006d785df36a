/**
 * Builders for page and store tests on the buyer side. Times are relative to the real clock, because
 * the pages read `Date.now()` for their live preview; every builder returns a fresh object.
 */
import type { OrderView } from '../../types/api';
import type { AfterSaleCase, OrderItem } from '../../types/domain';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { DAY_MS, HOUR_MS } from '../../src/core/time';

export const BUYER_OPENID = 'o_buyer_test';

export function buyerItems(): OrderItem[] {
  return [
    { skuId: 'sku_cup', title: '手绘陶瓷马克杯', unitFen: 4_900, qty: 2, paidFen: 9_800, kind: 'NORMAL' },
    { skuId: 'sku_name', title: '定制姓名钥匙扣', unitFen: 12_900, qty: 1, paidFen: 12_900, kind: 'CUSTOM', customNoticeShown: true },
    { skuId: 'sku_watch', title: '机械手表', unitFen: 120_000, qty: 1, paidFen: 120_000, kind: 'NORMAL' },
  ];
}

/** Delivered two days ago: cups ¥98 (2 × ¥49), a custom key ring ¥129, a ¥1200 watch, shipping ¥10. */
export function buyerOrder(overrides: Partial<OrderView> = {}): OrderView {
  const now = Date.now();
  const s = DEFAULT_SETTINGS;
  return {
    _id: 'order_t1',
    shopId: 'shop_t',
    buyerOpenid: BUYER_OPENID,
    status: 'DELIVERED',
    paidFen: 9_800 + 12_900 + 120_000 + 1_000,
    shippingFen: 1_000,
    payChannel: 'WECHAT',
    paidAt: now - 5 * DAY_MS,
    shippedAt: now - 4 * DAY_MS,
    deliveredAt: now - 2 * DAY_MS,
    logistics: { company: '顺丰速运', trackingNo: 'SF1234567890', events: [{ at: now - 2 * DAY_MS, text: '已签收' }] },
    items: buyerItems(),
    shop: {
      _id: 'shop_t',
      name: '小满杂货铺',
      verified: true,
      returnAddress: { name: '小满', phone: '13800000000', address: '上海市浦东新区张江路1号' },
      settings: {
        policyText: s.policyText,
        hotline: '40088812345'.slice(0, 11),
        officialAccount: '小满杂货铺',
        windowDays: s.windowDays,
        windowDaysByReason: {},
        valuableItemFen: s.valuableItemFen,
        customsFeeFen: 0,
        platformFeeRateBp: s.platformFeeRateBp,
        autoApproveHours: s.autoApproveHours,
      },
    },
    cases: [],
    buyerCaseTimes: [],
    ...overrides,
  };
}

export function buyerCase(overrides: Partial<AfterSaleCase> = {}): AfterSaleCase {
  const now = Date.now();
  return {
    _id: 'case_t1',
    orderId: 'order_t1',
    shopId: 'shop_t',
    buyerOpenid: BUYER_OPENID,
    idempotencyKey: 'k1',
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    status: 'PENDING',
    tier: 'NORMAL',
    items: [{ skuId: 'sku_cup', qty: 2 }],
    amountFen: 9_800,
    feeFen: 59,
    feeBearer: 'MERCHANT',
    description: '杯子有裂缝',
    evidence: [],
    deadlineAt: now + 48 * HOUR_MS,
    version: 1,
    messages: [{ at: now, from: 'SYSTEM', text: DEFAULT_SETTINGS.autoReplyText }],
    refunds: [],
    history: [],
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
