/** Builders for the merchant pages' tests: a case, its order, a stats answer, the shop's settings. */
import type { SettingsView, Stats } from '../../../types/api';
import type { AfterSaleCase, Order } from '../../../types/domain';
import { appendHistory } from '../../core/chain';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { HOUR_MS } from '../../core/time';

/** 2026-11-25 12:00 in Shanghai. */
export const NOW = Date.UTC(2026, 10, 25, 4, 0, 0);
export const MERCHANT_OPENID = 'merchant_owner';
export const BUYER_OPENID = 'buyer_1';

export function mcase(over: Partial<AfterSaleCase> = {}): AfterSaleCase {
  const base: AfterSaleCase = {
    _id: 'AS1',
    orderId: 'order_1',
    shopId: 'shop_1',
    buyerOpenid: BUYER_OPENID,
    idempotencyKey: 'k1',
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    status: 'PENDING',
    tier: 'NORMAL',
    items: [{ skuId: 'sku_cup', qty: 1 }],
    itemTitles: ['陶瓷马克杯'],
    amountFen: 4900,
    feeFen: 29,
    feeBearer: 'MERCHANT',
    description: '杯子收到时杯口有裂纹',
    evidence: [{ fileId: `local://evidence/${BUYER_OPENID}/a.jpg`, kind: 'image', sha256: 'a'.repeat(64), by: 'BUYER' }],
    deadlineAt: NOW + 30 * HOUR_MS,
    version: 1,
    messages: [],
    refunds: [],
    history: [],
    createdAt: NOW - 18 * HOUR_MS,
    updatedAt: NOW - 18 * HOUR_MS,
  };
  const c = { ...base, ...over };
  return over.history ? c : appendHistory(c, { at: c.createdAt, actor: 'BUYER', action: 'APPLY', to: 'PENDING' });
}

/** `n` PENDING cases, soonest auto-approval first, as merchant.list answers. */
export function pendingCases(n: number, from = 0): AfterSaleCase[] {
  return Array.from({ length: n }, (_, i) =>
    mcase({ _id: `AS${String(from + i).padStart(4, '0')}`, deadlineAt: NOW + (from + i + 1) * 60_000, amountFen: 1000 + from + i }),
  );
}

export function morder(over: Partial<Order> = {}): Order {
  return {
    _id: 'order_1',
    shopId: 'shop_1',
    buyerOpenid: BUYER_OPENID,
    status: 'DELIVERED',
    paidFen: 5900,
    shippingFen: 1000,
    payChannel: 'WECHAT',
    paidAt: NOW - 5 * 24 * HOUR_MS,
    deliveredAt: NOW - 2 * 24 * HOUR_MS,
    items: [
      { skuId: 'sku_cup', title: '陶瓷马克杯', unitFen: 4900, qty: 1, paidFen: 4900, kind: 'NORMAL' },
      { skuId: 'sku_tea', title: '正山小种 100g', unitFen: 6800, qty: 1, paidFen: 6800, kind: 'NORMAL' },
    ],
    ...over,
  };
}

export function settingsView(over: Partial<SettingsView['shop']> = {}): SettingsView {
  return {
    shop: {
      _id: 'shop_1',
      name: '青禾小店',
      verified: true,
      returnAddress: { name: '王店长', phone: '13800138000', address: '上海市浦东新区世纪大道100号' },
      ...over,
    },
    settings: { ...DEFAULT_SETTINGS, hotline: '13800138000', windowDaysByReason: { QUALITY: 30 } },
  };
}

export function statsAnswer(over: Partial<Stats> = {}): Stats {
  return {
    from: Date.UTC(2026, 9, 26, 16),
    to: Date.UTC(2026, 10, 25, 16),
    totalCases: 12,
    refundedCases: 9,
    refundedFen: 45_600,
    deliveredOrders: 200,
    refundRate: 0.045,
    byReason: [
      { key: 'QUALITY', label: '质量问题', count: 6, amountFen: 30_000 },
      { key: 'LOGISTICS', label: '快递问题', count: 3, amountFen: 9_000 },
      { key: 'NO_REASON', label: '不想要了', count: 0, amountFen: 0 },
    ],
    bySku: [{ key: 'sku_cup', label: '陶瓷马克杯', count: 5, amountFen: 24_500 }],
    byWeek: [
      { key: '2026-11-16', label: '11月16日周', count: 4, amountFen: 12_000 },
      { key: '2026-11-23', label: '11月23日周', count: 8, amountFen: 33_600 },
    ],
    autoApprovedCases: 2,
    autoApprovedFen: 9_800,
    overturnedCases: 1,
    exchangeCases: 0,
    exchangedCases: 0,
    convertedCases: 0,
    csv: '原因,单数,金额\n质量问题,6,300.00\n',
    ...over,
  };
}
