/**
 * Small builders of stored documents for adapter and host tests. Each returns a complete, valid
 * document; pass only what the test is about. They build shapes, not rule-checked cases: a builder's
 * case is whatever the test says it is.
 */
import type { AfterSaleCase, Merchant, Notification, Order, OrderItem, Shop, Ticket } from '../../types/domain';
import { shopWithDefaults } from '../../src/core/settings';

let serial = 0;
/** A unique, id-safe suffix per call within one test process. */
export function uniq(prefix = 'x'): string {
  serial += 1;
  return `${prefix}${serial.toString(36).padStart(4, '0')}`;
}

/** 2026-11-25 12:00 Shanghai: a fixed "now" for tests that do not need real time. */
export const T0 = Date.UTC(2026, 10, 25, 4, 0, 0);

export function makeShop(over: Partial<Shop> = {}): Shop {
  return shopWithDefaults({
    _id: over._id ?? uniq('shop'),
    name: '测试小店',
    verified: true,
    returnAddress: { name: '售后组', phone: '13800138000', address: '上海市浦东新区世纪大道100号' },
    ...over,
  });
}

export function makeItem(over: Partial<OrderItem> = {}): OrderItem {
  const unitFen = over.unitFen ?? 10_000;
  const qty = over.qty ?? 1;
  return { skuId: uniq('sku'), title: '纯棉T恤 白色 L码', unitFen, qty, paidFen: unitFen * qty, kind: 'NORMAL', ...over };
}

export function makeOrder(over: Partial<Order> = {}): Order {
  const items = over.items ?? [makeItem()];
  const shippingFen = over.shippingFen ?? 0;
  return {
    _id: uniq('order'),
    shopId: 'shop_test',
    buyerOpenid: 'oBuyerTest',
    status: 'DELIVERED',
    paidFen: items.reduce((s, i) => s + i.paidFen, 0) + shippingFen,
    shippingFen,
    payChannel: 'WECHAT',
    paidAt: T0 - 3 * 86_400_000,
    shippedAt: T0 - 2 * 86_400_000,
    deliveredAt: T0 - 86_400_000,
    items,
    ...over,
  };
}

export function makeMerchant(over: Partial<Merchant> = {}): Merchant {
  return { openid: uniq('oMerchant'), shopId: 'shop_test', role: 'STAFF', ...over };
}

export function makeCase(over: Partial<AfterSaleCase> = {}): AfterSaleCase {
  const createdAt = over.createdAt ?? T0;
  return {
    _id: uniq('AS'),
    orderId: 'order_test',
    shopId: 'shop_test',
    buyerOpenid: 'oBuyerTest',
    idempotencyKey: uniq('idem'),
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    status: 'PENDING',
    tier: 'NORMAL',
    items: [{ skuId: 'sku_test', qty: 1 }],
    amountFen: 5_000,
    feeFen: 30,
    feeBearer: 'MERCHANT',
    description: '收到的衣服领口开线',
    evidence: [],
    deadlineAt: createdAt + 48 * 3_600_000,
    timerAt: createdAt + 48 * 3_600_000,
    version: 1,
    messages: [{ at: createdAt, from: 'SYSTEM', text: '您的退款申请已收到,预计48小时内处理完毕' }],
    refunds: [],
    history: [],
    createdAt,
    updatedAt: createdAt,
    ...over,
  };
}

/** The case after one more write: version + 1, the given changes applied. */
export function nextVersion(c: AfterSaleCase, changes: Partial<AfterSaleCase> = {}): AfterSaleCase {
  return { ...c, ...changes, version: c.version + 1, updatedAt: (changes.updatedAt ?? c.updatedAt) + 1 };
}

export function makeNotification(over: Partial<Notification> = {}): Notification {
  return { _id: uniq('ntf'), at: T0, toOpenid: 'oBuyerTest', templateKey: 'decision', text: '商家已同意您的退款', ...over };
}

export function makeTicket(over: Partial<Ticket> = {}): Ticket {
  return { _id: uniq('tkt'), caseId: 'AS_test', outRefundNo: 'AS_test-1', openid: 'oBuyerTest', at: T0, text: '退款未到账', ...over };
}
