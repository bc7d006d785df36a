/**
 * SPEC §7's demo checkout as pure rules over one order (src/core/orders.ts): create from the shop's
 * products, the payment the gateway reported, ship, confirm receipt (buyer or the 10-day timer), cancel a
 * paid unshipped order with its full refund, and the refund attempts' settle / refuse / retry / timer.
 */
import type { CaseError, Order } from '../../../types/domain';
import {
  claimedImage,
  CHECKOUT,
  assertPayable,
  autoConfirmAt,
  cancelOrder,
  confirmOrderReceipt,
  createOrder,
  deferOrderTimer,
  liveRefundAttempts,
  orderRefundHeldFen,
  orderRefundRefused,
  orderRefundSettled,
  orderTimerAt,
  orderWaitsOn,
  paymentConfirmed,
  paymentStarted,
  retryOrderRefund,
  shipOrder,
} from '../orders';
import { LIMITS } from '../settings';
import { DAY_MS } from '../time';
import { BUYER, T0, caught, makeAttempt, makeShop } from './fixtures';

const shop = makeShop({
  products: [
    { skuId: 'tee', title: '纯棉T恤', unitFen: 5_000, kind: 'NORMAL', imageUrl: '/demo/tee.png' },
    { skuId: 'mug', title: '刻字马克杯', unitFen: 1, kind: 'CUSTOM' },
    { skuId: 'free', title: '赠品', unitFen: 0, kind: 'NORMAL' },
  ],
});

function unpaid(): Order {
  return createOrder({ orderId: 'OD1', shop, buyerOpenid: BUYER, items: [{ skuId: 'tee', qty: 2 }, { skuId: 'mug', qty: 3 }], now: T0 });
}

function paid(at = T0 + 1_000): Order {
  const o = paymentConfirmed(paymentStarted(unpaid(), T0 + 500), at, 'wxtx1', at);
  if (!o) throw new Error('payment not recorded');
  return o;
}

function cancelledPaid(): Order {
  return cancelOrder(paid(), T0 + DAY_MS, 0);
}

describe('order.create', () => {
  test('lines from the products: paid = unit × qty, no shipping, WeChat Pay, UNPAID', () => {
    const o = unpaid();
    expect(o).toMatchObject({ status: 'UNPAID', paidFen: 10_003, shippingFen: 0, payChannel: 'WECHAT', version: 1, paidAt: T0 });
    expect(o.items[0]).toMatchObject({ skuId: 'tee', qty: 2, paidFen: 10_000, image: '/demo/tee.png' });
    expect(o.items[1]).toMatchObject({ skuId: 'mug', qty: 3, paidFen: 3, customNoticeShown: true });
  });

  test.each([
    [[], 'items'],
    [[{ skuId: 'nope', qty: 1 }], 'items.0.skuId'],
    [[{ skuId: 'tee', qty: 1 }, { skuId: 'tee', qty: 1 }], 'items.1.skuId'],
    [[{ skuId: 'tee', qty: 0 }], 'items.0.qty'],
    [[{ skuId: 'tee', qty: CHECKOUT.maxQty + 1 }], 'items.0.qty'],
    [[{ skuId: 'tee', qty: 1.5 }], 'items.0.qty'],
    [[{ skuId: 'free', qty: 1 }], 'items'],
    [Array.from({ length: CHECKOUT.maxLines + 1 }, () => ({ skuId: 'tee', qty: 1 })), 'items'],
  ])('bad lines %j are refused naming %s', (items, field) => {
    const err = caught(() => createOrder({ orderId: 'OD2', shop, buyerOpenid: BUYER, items, now: T0 }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.field).toBe(field);
  });
});

describe('payment', () => {
  test('only an unpaid order is payable', () => {
    expect(() => assertPayable(unpaid())).not.toThrow();
    expect(caught(() => assertPayable(paid())).code).toBe('ORDER_STATUS_INVALID');
    expect(caught(() => assertPayable(cancelOrder(unpaid(), T0, 0))).message).toContain('已取消');
  });

  test('the reported payment makes it PAID once; a second report records nothing', () => {
    const o = paid(T0 + 2_000);
    expect(o).toMatchObject({ status: 'PAID', paidAt: T0 + 2_000, payment: { startedAt: T0 + 500, transactionId: 'wxtx1' } });
    expect(paymentConfirmed(o, T0 + 3_000, 'wxtx1', T0 + 3_000)).toBeNull();
  });

  test('a payment reported after the order was cancelled is refunded at once', () => {
    const cancelled = cancelOrder(unpaid(), T0 + 100, 0);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledAt: T0 + 100 });
    expect(cancelled.refunds).toBeUndefined();
    const late = paymentConfirmed(cancelled, T0 + 200, 'wxtx2', T0 + 300);
    expect(late?.status).toBe('CANCELLED');
    expect(late?.refunds).toEqual([{ outRefundNo: 'OD1-1', amountFen: 10_003, status: 'PROCESSING', at: T0 + 300, method: 'ORIGINAL' }]);
  });

  test('a report for a shipped order changes nothing', () => {
    const shipped = shipOrder(paid(), '顺丰速运', 'SF1', T0 + DAY_MS);
    expect(paymentConfirmed({ ...shipped, payment: undefined }, T0, 'wxtx3', T0)).toBeNull();
  });
});

describe('ship and confirm receipt', () => {
  test('PAID → SHIPPED with the tracking number; the timer confirms 10 days later', () => {
    const s = shipOrder(paid(), ' 顺丰速运 ', 'SF1', T0 + DAY_MS);
    expect(s).toMatchObject({ status: 'SHIPPED', shippedAt: T0 + DAY_MS, logistics: { company: '顺丰速运', trackingNo: 'SF1' } });
    expect(autoConfirmAt(s)).toBe(T0 + 11 * DAY_MS);
    expect(orderTimerAt(s)).toBe(T0 + 11 * DAY_MS + 1);
    const auto = confirmOrderReceipt(s, T0 + 20 * DAY_MS, 'SYSTEM');
    expect(auto).toMatchObject({ status: 'DELIVERED', deliveredAt: T0 + 11 * DAY_MS });
    expect(auto.logistics?.events.at(-1)?.text).toContain('自动确认收货');
    expect(orderTimerAt(auto)).toBeUndefined();
    expect(confirmOrderReceipt(s, T0 + 2 * DAY_MS, 'BUYER')).toMatchObject({ status: 'DELIVERED', deliveredAt: T0 + 2 * DAY_MS });
  });

  test('shipping anything but a paid order is refused', () => {
    expect(caught(() => shipOrder(unpaid(), 'SF', '1', T0)).message).toContain('尚未付款');
    expect(caught(() => shipOrder(cancelledPaid(), 'SF', '1', T0)).message).toContain('已取消');
    expect(caught(() => shipOrder(shipOrder(paid(), 'SF', '1', T0), 'SF', '1', T0)).message).toContain('已发货');
  });

  test('confirming before shipment, after cancelling, or twice is ORDER_STATUS_INVALID', () => {
    const before = caught(() => confirmOrderReceipt(paid(), T0, 'BUYER'));
    expect(before.code).toBe('ORDER_STATUS_INVALID');
    expect(before.solution).toContain('取消订单');
    expect(caught(() => confirmOrderReceipt(cancelledPaid(), T0, 'BUYER')).message).toContain('已取消');
    const done = confirmOrderReceipt(shipOrder(paid(), 'SF', '1', T0), T0, 'BUYER');
    expect(caught(() => confirmOrderReceipt(done, T0, 'BUYER')).message).toContain('已确认收货');
  });
});

describe('order.cancel', () => {
  test('a paid, unshipped order is cancelled with its whole amount refunded as attempt -1', () => {
    const o = cancelledPaid();
    expect(o.status).toBe('CANCELLED');
    expect(o.refunds).toEqual([{ outRefundNo: 'OD1-1', amountFen: 10_003, status: 'PROCESSING', at: T0 + DAY_MS, method: 'ORIGINAL' }]);
    expect(orderWaitsOn(o, 'OD1-1')).toBe(true);
    expect(orderWaitsOn(o, 'OD1-2')).toBe(false);
    expect(orderRefundHeldFen(o)).toBe(10_003);
    expect(orderTimerAt(o)).toBe(T0 + DAY_MS + LIMITS.refundQueryDelayMs);
  });

  test('shipped or cancelled orders cannot be cancelled; the message says what to do', () => {
    const shipped = caught(() => cancelOrder(shipOrder(paid(), 'SF', '1', T0), T0, 0));
    expect(shipped.code).toBe('ORDER_STATUS_INVALID');
    expect(shipped.solution).toContain('申请售后');
    expect(caught(() => cancelOrder(cancelledPaid(), T0, 0)).message).toBe('订单已取消');
  });

  test('R31: 365 days after payment the gateway takes no refund', () => {
    const o = paid(T0);
    expect(cancelOrder(o, T0 + LIMITS.paymentRefundDays * DAY_MS, 0).status).toBe('CANCELLED');
    const err = caught(() => cancelOrder(o, T0 + LIMITS.paymentRefundDays * DAY_MS + 1, 0));
    expect(err).toMatchObject({ code: 'AFTER_SALE_WINDOW_EXPIRED', rule: 'R31' });
  });

  test("R3: the shop's yearly refunds stay within the cap", () => {
    const o = paid();
    expect(cancelOrder(o, T0, LIMITS.yearlyRefundCapFen - o.paidFen).status).toBe('CANCELLED');
    expect(caught(() => cancelOrder(o, T0, LIMITS.yearlyRefundCapFen - o.paidFen + 1))).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', rule: 'R3' });
  });
});

describe('the refund attempts', () => {
  test('SUCCESS settles the latest attempt and clears the error; a stale number changes nothing', () => {
    const o = cancelledPaid();
    expect(orderRefundSettled(o, 'OD1-9', 'SUCCESS', T0)).toBeNull();
    const done = orderRefundSettled({ ...o, lastError: { code: 'REFUND_CLOSED', message: 'x', solution: 'y' } }, 'OD1-1', 'SUCCESS', T0 + 2 * DAY_MS, 'ignored');
    expect(done?.refunds?.[0]).toMatchObject({ status: 'SUCCESS', settledAt: T0 + 2 * DAY_MS });
    expect(done?.refunds?.[0].failure).toBeUndefined();
    expect(done?.lastError).toBeUndefined();
    expect(orderTimerAt(done as Order)).toBeUndefined();
    expect(orderRefundSettled(done as Order, 'OD1-1', 'CLOSED', T0)).toBeNull();
  });

  test('CLOSED is retried by the timer under a new number; the merchant may not retry it', () => {
    const closed = orderRefundSettled(cancelledPaid(), 'OD1-1', 'CLOSED', T0 + 2 * DAY_MS, '退款单已关闭') as Order;
    expect(closed.lastError?.code).toBe('REFUND_CLOSED');
    expect(closed.lastError?.message).toContain('退款单已关闭');
    expect(liveRefundAttempts(closed)).toHaveLength(0);
    expect(orderRefundHeldFen(closed)).toBe(0);
    expect(orderTimerAt(closed)).toBe(T0 + 2 * DAY_MS);
    expect(caught(() => retryOrderRefund(closed, T0, 'MERCHANT', true)).code).toBe('CASE_STATE_CHANGED');
    const retried = retryOrderRefund(closed, T0 + 3 * DAY_MS, 'SYSTEM', true);
    expect(retried.refunds?.map((a) => `${a.outRefundNo}:${a.status}`)).toEqual(['OD1-1:CLOSED', 'OD1-2:PROCESSING']);
    expect(retried.lastError).toBeUndefined();
  });

  test('ABNORMAL waits for the merchant: the timer neither looks nor retries', () => {
    const abnormal = orderRefundSettled(cancelledPaid(), 'OD1-1', 'ABNORMAL', T0) as Order;
    expect(abnormal.lastError?.code).toBe('REFUND_ABNORMAL');
    expect(orderTimerAt(abnormal)).toBeUndefined();
    expect(caught(() => retryOrderRefund(abnormal, T0, 'SYSTEM', true)).code).toBe('CASE_STATE_CHANGED');
    expect(retryOrderRefund(abnormal, T0 + 1, 'MERCHANT', true).refunds?.at(-1)).toMatchObject({ outRefundNo: 'OD1-2', status: 'PROCESSING' });
  });

  test('a refusal (R5: unverified shop) is CLOSED with why; the timer rechecks hourly and retries once verified', () => {
    const error: CaseError = { code: 'MERCHANT_ACCOUNT_ABNORMAL', message: '商户号未完成认证', solution: '补全资质' };
    const o = cancelledPaid();
    expect(orderRefundRefused(o, 'OD1-2', error, T0)).toBeNull();
    const refused = orderRefundRefused(o, 'OD1-1', error, T0 + 5) as Order;
    expect(refused.refunds?.[0]).toMatchObject({ status: 'CLOSED', settledAt: T0 + 5, failure: '商户号未完成认证' });
    expect(orderTimerAt(refused)).toBe(T0 + 5 + CHECKOUT.unverifiedRecheckMs);
    expect(caught(() => retryOrderRefund(refused, T0, 'SYSTEM', false)).code).toBe('CASE_STATE_CHANGED');
    expect(retryOrderRefund(refused, T0, 'SYSTEM', true).refunds).toHaveLength(2);
    expect(retryOrderRefund(refused, T0, 'MERCHANT', true).refunds).toHaveLength(2);
  });

  test('a channel refusal is not retried by the timer', () => {
    const o = orderRefundRefused(cancelledPaid(), 'OD1-1', { code: 'PAYMENT_CHANNEL_RESTRICTED', message: '信用卡', solution: '指定账户' }, T0) as Order;
    expect(orderTimerAt(o)).toBeUndefined();
    expect(caught(() => retryOrderRefund(o, T0, 'SYSTEM', true)).code).toBe('CASE_STATE_CHANGED');
  });

  test('nothing to retry: a paid order, one in flight, one refunded', () => {
    expect(caught(() => retryOrderRefund(paid(), T0, 'MERCHANT', true)).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => retryOrderRefund(cancelledPaid(), T0, 'MERCHANT', true)).code).toBe('CASE_STATE_CHANGED');
  });

  test('R31: the 51st refund of one order is refused', () => {
    const many = Array.from({ length: LIMITS.maxRefundsPerOrder }, (_, i) =>
      makeAttempt({ outRefundNo: `OD1-${i + 1}`, status: i === LIMITS.maxRefundsPerOrder - 1 ? 'ABNORMAL' : 'SUCCESS', amountFen: 1 }),
    );
    const o: Order = { ...cancelledPaid(), refunds: many };
    expect(caught(() => retryOrderRefund(o, T0, 'MERCHANT', true))).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', rule: 'R31' });
  });

  test('deferring the timer moves only timerAt and the version', () => {
    const o = cancelledPaid();
    const d = deferOrderTimer(o, T0 + 9);
    expect(d).toEqual({ ...o, version: (o.version ?? 0) + 1, timerAt: T0 + 9 });
  });
});

describe('claimedImage: the picture a case card shows', () => {
  const order = {
    items: [
      { skuId: 'a', title: 'A', unitFen: 100, qty: 1, paidFen: 100, kind: 'NORMAL' as const },
      { skuId: 'b', title: 'B', unitFen: 100, qty: 1, paidFen: 100, kind: 'NORMAL' as const, image: '/files/products/b.png' },
      { skuId: 'c', title: 'C', unitFen: 100, qty: 1, paidFen: 100, kind: 'NORMAL' as const, image: '/files/products/c.png' },
    ],
  };
  it('is the first claimed line that has one, and none for no lines or lines without pictures', () => {
    expect(claimedImage(order, [{ skuId: 'c' }, { skuId: 'b' }])).toBe('/files/products/c.png');
    expect(claimedImage(order, [{ skuId: 'a' }, { skuId: 'b' }])).toBe('/files/products/b.png');
    expect(claimedImage(order, [{ skuId: 'a' }])).toBeUndefined();
    expect(claimedImage(order, [])).toBeUndefined();
  });
});
