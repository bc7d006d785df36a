/**
 * SPEC §7 "A demo checkout, so a refund can be real", through the afterSale entry on SQLite in memory:
 * order.create / pay (the simulated gateway pays at once) / payNotify (a hint: the gateway is asked),
 * merchant.ship, order.confirmReceipt, the 10-day auto-confirm, order.cancel with its full refund,
 * retries of a CLOSED (timer) and an ABNORMAL (merchant) attempt, R3 and R31.
 */
import type { Order } from '../../../../types/domain';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import { handlePayNotify } from '../../handler';
import { ALICE, BOB, makeWorld, OTHER_OWNER, OWNER, SHOP, STAFF, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

async function bought(buyer = ALICE, items = [{ skuId: 'tshirt', qty: 2 }]): Promise<Order> {
  const created = await w.ok(buyer, 'order.create', { shopId: SHOP, items });
  const paid = await w.ok(buyer, 'order.pay', { orderId: created._id });
  return paid.order;
}

async function stored(orderId: string): Promise<Order> {
  return (await w.svc.orders.get(orderId))!;
}

describe('order.create', () => {
  test('lines from the shop’s products: paid = unit × qty, no shipping, WeChat Pay, UNPAID', async () => {
    const o = await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 3 }, { skuId: 'pillow', qty: 1 }] });
    expect(o).toMatchObject({ status: 'UNPAID', shopId: SHOP, buyerOpenid: ALICE, paidFen: 3 * 5_000 + 19_900, shippingFen: 0, payChannel: 'WECHAT' });
    expect(o.items.map((i) => [i.skuId, i.qty, i.paidFen])).toEqual([
      ['tshirt', 3, 15_000],
      ['pillow', 1, 19_900],
    ]);
    expect(await stored(o._id)).toEqual(o);
  });

  test.each([
    [0, 'items.0.qty'],
    [100, 'items.0.qty'],
    [-1, 'items.0.qty'],
  ])('qty %d is refused naming %s, and nothing is stored', async (qty, field) => {
    const e = await w.fail(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty }] });
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', field]);
    expect((await w.svc.orders.listForBuyer(ALICE, { limit: 10 })).items).toEqual([]);
  });

  test('qty 1 and 99 are the bounds that pass', async () => {
    expect((await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] })).paidFen).toBe(5_000);
    expect((await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 99 }] })).paidFen).toBe(495_000);
  });

  test('an SKU the shop does not sell, a repeated line, a non-integer qty, a shop with no products', async () => {
    expect((await w.fail(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'nope', qty: 1 }] })).field).toBe('items.0.skuId');
    const twice = await w.fail(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }, { skuId: 'tshirt', qty: 1 }] });
    expect(twice.field).toBe('items.1.skuId');
    const r = await w.call(ALICE, { action: 'order.create', shopId: SHOP, items: [{ skuId: 'tshirt', qty: '2' }] });
    expect(r.ok ? null : r.error.field).toBe('items.0.qty');
    expect((await w.fail(ALICE, 'order.create', { shopId: 'shop_other', items: [{ skuId: 'tshirt', qty: 1 }] })).field).toBe('shopId');
  });
});

describe('order.pay and payNotify', () => {
  test('the simulated gateway pays at once: PAID with its transaction id and time', async () => {
    const created = await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
    w.clock.advance(5_000);
    const { order, payment } = await w.ok(ALICE, 'order.pay', { orderId: created._id });
    expect(payment.kind).toBe('PAID');
    expect(order).toMatchObject({ status: 'PAID', paidAt: w.clock.now(), payment: { transactionId: expect.stringMatching(/^4200/) } });
    expect(await stored(created._id)).toEqual(order);
    const again = await w.fail(ALICE, 'order.pay', { orderId: created._id });
    expect(again.code).toBe('ORDER_STATUS_INVALID');
  });

  test('a callback is a hint: it records only what the gateway reports, and an unknown order changes nothing', async () => {
    const created = await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
    // A forged callback for an order the gateway never saw paid: acknowledged, not applied.
    const forged = await handlePayNotify(w.svc, { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: created._id, totalFee: 5_000, transactionId: '4200forged' });
    expect(forged.body).toEqual({ ok: true, data: { orderId: created._id, applied: false } });
    expect((await stored(created._id)).status).toBe('UNPAID');
    // The gateway takes the payment (as wx.requestPayment would) but the order is not told yet.
    await w.svc.orders.update({ ...created, version: 2, payment: { startedAt: w.clock.now() } }, 1);
    w.local.payments.pay({ orderId: created._id, shopId: SHOP, totalFen: created.paidFen, payerOpenid: ALICE });
    w.local.payments.setCallback(async (event) => {
      await handlePayNotify(w.svc, event);
    });
    expect(await w.local.payments.deliverDue()).toBe(1);
    expect(await stored(created._id)).toMatchObject({ status: 'PAID', payment: { transactionId: expect.stringMatching(/^4200/) } });
    const unknown = await handlePayNotify(w.svc, { outTradeNo: 'DD_nothing' });
    expect(unknown.body).toEqual({ ok: true, data: { orderId: 'DD_nothing', applied: false } });
    expect((await handlePayNotify(w.svc, { outTradeNo: '' })).status).toBe(400);
  });

  test('order.get asks the gateway about a payment started and not yet recorded', async () => {
    const created = await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
    await w.svc.orders.update({ ...created, version: 2, payment: { startedAt: w.clock.now() } }, 1);
    w.local.payments.pay({ orderId: created._id, shopId: SHOP, totalFen: created.paidFen, payerOpenid: ALICE });
    expect((await w.ok(ALICE, 'order.get', { orderId: created._id })).status).toBe('PAID');
  });

  test('only the buyer pays their order', async () => {
    const created = await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
    expect((await w.fail(BOB, 'order.pay', { orderId: created._id })).code).toBe('NOT_FOUND');
    // SPEC §7: an owner is a buyer too, but not of Alice's order: it is not found for them.
    expect((await w.fail(OWNER, 'order.pay', { orderId: created._id })).code).toBe('NOT_FOUND');
  });
});

describe('ship, confirm receipt, auto-confirm', () => {
  test('the merchant ships from its list; the buyer confirms; an order of another shop is not found', async () => {
    const o = await bought();
    expect((await w.ok(STAFF, 'merchant.orders', { status: 'PAID' })).items.map((x) => x._id)).toEqual([o._id]);
    expect((await w.fail(ALICE, 'order.confirmReceipt', { orderId: o._id })).code).toBe('ORDER_STATUS_INVALID');
    expect((await w.fail(OTHER_OWNER, 'merchant.ship', { orderId: o._id, company: '顺丰速运', trackingNo: 'SF1234567890' })).code).toBe('NOT_FOUND');
    const shipped = await w.ok(STAFF, 'merchant.ship', { orderId: o._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(shipped).toMatchObject({ status: 'SHIPPED', shippedAt: w.clock.now(), logistics: { company: '顺丰速运', trackingNo: 'SF1234567890' } });
    expect((await w.fail(STAFF, 'merchant.ship', { orderId: o._id, company: '顺丰速运', trackingNo: 'SF1234567890' })).code).toBe('ORDER_STATUS_INVALID');
    expect((await w.fail(ALICE, 'order.cancel', { orderId: o._id })).code).toBe('ORDER_STATUS_INVALID');
    w.clock.advance(HOUR_MS);
    const delivered = await w.ok(ALICE, 'order.confirmReceipt', { orderId: o._id });
    expect(delivered).toMatchObject({ status: 'DELIVERED', deliveredAt: w.clock.now() });
    // Delivered: after-sale is open on it (R1) and the buyer can apply at once.
    expect((await w.ok(ALICE, 'preview', { orderId: o._id, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'tshirt', qty: 1 }] })).eligible).toBe(true);
  });

  test('the timer confirms 10 days after shipment, not a millisecond before; deliveredAt = shippedAt + 10 d', async () => {
    const o = await bought();
    const shipped = await w.ok(OWNER, 'merchant.ship', { orderId: o._id, company: '中通快递', trackingNo: 'ZT123456789' });
    w.clock.advance(10 * DAY_MS);
    expect((await w.sweep()).ordersConfirmed).toBe(0);
    w.clock.advance(1);
    expect((await w.sweep()).ordersConfirmed).toBe(1);
    expect(await stored(o._id)).toMatchObject({ status: 'DELIVERED', deliveredAt: shipped.shippedAt! + 10 * DAY_MS });
    expect((await w.sweep()).ordersConfirmed).toBe(0);
  });

  test('a CANCELLED order cannot be confirmed', async () => {
    const o = await bought();
    await w.ok(ALICE, 'order.cancel', { orderId: o._id });
    expect((await w.fail(ALICE, 'order.confirmReceipt', { orderId: o._id })).code).toBe('ORDER_STATUS_INVALID');
  });
});

describe('order.cancel of a paid, unshipped order', () => {
  test('CANCELLED and the whole paid amount refunded through the gateway as `<orderId>-1`', async () => {
    const o = await bought(ALICE, [{ skuId: 'pillow', qty: 2 }]);
    const cancelled = await w.ok(ALICE, 'order.cancel', { orderId: o._id });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledAt: w.clock.now() });
    expect(cancelled.refunds).toEqual([expect.objectContaining({ outRefundNo: `${o._id}-1`, amountFen: 39_800, status: 'PROCESSING' })]);
    expect(w.local.gateway.books(`${o._id}-1`)).toMatchObject({ orderId: o._id, amountFen: 39_800, totalFen: 39_800 });
    await w.settle();
    const view = await w.ok(ALICE, 'order.get', { orderId: o._id });
    expect(view.refunds).toEqual([expect.objectContaining({ outRefundNo: `${o._id}-1`, status: 'SUCCESS', settledAt: expect.any(Number) })]);
    expect((await w.fail(ALICE, 'order.cancel', { orderId: o._id })).code).toBe('ORDER_STATUS_INVALID');
    // R1: a cancelled order has no after-sale.
    const pv = await w.ok(ALICE, 'preview', { orderId: o._id, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'pillow', qty: 1 }] });
    expect(pv.violations.map((v) => v.code)).toContain('ORDER_STATUS_INVALID');
  });

  test('an unpaid order is cancelled without any refund', async () => {
    const created = await w.ok(ALICE, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
    const cancelled = await w.ok(ALICE, 'order.cancel', { orderId: created._id });
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.refunds).toBeUndefined();
    expect((await w.fail(ALICE, 'order.pay', { orderId: created._id })).code).toBe('ORDER_STATUS_INVALID');
  });

  test('a CLOSED attempt is retried by the timer under a new number once the gateway confirms it CLOSED', async () => {
    const o = await bought();
    await w.svc.orders.update({ ...(await stored(o._id)), refundScenario: 'CLOSED', version: (o.version ?? 0) + 1 }, o.version ?? 0);
    await w.ok(ALICE, 'order.cancel', { orderId: o._id });
    await w.settle();
    expect(await stored(o._id)).toMatchObject({ lastError: { code: 'REFUND_CLOSED' }, refunds: [expect.objectContaining({ status: 'CLOSED' })] });
    expect((await w.sweep()).orderRefundsRetried).toBe(1);
    // R31: refunds of one order start at least a minute apart (the gateway queues the retry).
    w.clock.advance(2 * 60_000);
    await w.deliverRefunds();
    const after = await stored(o._id);
    expect(after.refunds!.map((a) => [a.outRefundNo, a.status])).toEqual([
      [`${o._id}-1`, 'CLOSED'],
      [`${o._id}-2`, 'SUCCESS'],
    ]);
    expect(after.lastError).toBeUndefined();
  });

  test('an ABNORMAL attempt waits for the merchant: merchant.retryRefund {orderId}', async () => {
    const o = await bought();
    await w.svc.orders.update({ ...(await stored(o._id)), refundScenario: 'ABNORMAL', version: (o.version ?? 0) + 1 }, o.version ?? 0);
    await w.ok(ALICE, 'order.cancel', { orderId: o._id });
    await w.settle();
    w.clock.advance(HOUR_MS);
    expect((await w.sweep()).orderRefundsRetried).toBe(0);
    expect((await stored(o._id)).lastError?.code).toBe('REFUND_ABNORMAL');
    expect((await w.fail(OTHER_OWNER, 'merchant.retryRefund', { orderId: o._id })).code).toBe('NOT_FOUND');
    expect((await w.fail(ALICE, 'merchant.retryRefund', { orderId: o._id })).code).toBe('FORBIDDEN');
    const retried = (await w.ok(OWNER, 'merchant.retryRefund', { orderId: o._id })) as Order;
    expect(retried.refunds!.map((a) => [a.outRefundNo, a.status])).toEqual([
      [`${o._id}-1`, 'ABNORMAL'],
      [`${o._id}-2`, 'PROCESSING'],
    ]);
    w.clock.advance(2 * 60_000);
    await w.deliverRefunds();
    expect((await stored(o._id)).refunds!.at(-1)!.status).toBe('SUCCESS');
    expect((await w.fail(OWNER, 'merchant.retryRefund', { orderId: o._id })).code).toBe('CASE_STATE_CHANGED');
  });

  test('refundNotify for an order refund asks the gateway; a forged SUCCESS for one still in flight changes nothing', async () => {
    const o = await bought();
    await w.ok(ALICE, 'order.cancel', { orderId: o._id });
    const forged = await w.notify({ outRefundNo: `${o._id}-1`, status: 'SUCCESS' });
    expect(forged).toMatchObject({ ok: true, data: { applied: false, orderId: o._id } });
    expect((await stored(o._id)).refunds![0].status).toBe('PROCESSING');
    w.clock.advance(2_000);
    expect(await w.notify({ outRefundNo: `${o._id}-1`, status: 'CLOSED' })).toMatchObject({ ok: true, data: { applied: true } });
    expect((await stored(o._id)).refunds![0].status).toBe('SUCCESS');
  });

  test('R3: the cancellation counts toward the shop’s yearly ¥500,000, and a refund past it is refused', async () => {
    const o = await bought(ALICE, [{ skuId: 'pillow', qty: 1 }]);
    await w.ok(ALICE, 'order.cancel', { orderId: o._id });
    const [from, to] = [w.clock.now() - DAY_MS, w.clock.now() + DAY_MS];
    expect(await w.svc.orders.shopCancelRefundFen(SHOP, from, to)).toBe(19_900);
    const big = await bought(BOB, [{ skuId: 'pillow', qty: 1 }]);
    // Seed the year's total near the cap through another cancelled order's refund.
    const held: Order = { ...(await stored(big._id)) };
    w.seedOrders({ ...held, _id: 'order_huge', status: 'CANCELLED', cancelledAt: w.clock.now(), paidFen: 50_000_000 - 19_900, refunds: [{ outRefundNo: 'order_huge-1', amountFen: 50_000_000 - 19_900, status: 'SUCCESS', at: w.clock.now(), method: 'ORIGINAL' }] });
    const refused = await w.fail(BOB, 'order.cancel', { orderId: big._id });
    expect([refused.code, refused.status]).toEqual(['AMOUNT_EXCEEDS_LIMIT', 422]);
    expect((await stored(big._id)).status).toBe('PAID');
  });

  test('R31: more than 365 days after payment the refund is refused and the order stays PAID', async () => {
    const o = await bought();
    w.clock.advance(365 * DAY_MS + 1);
    const e = await w.fail(ALICE, 'order.cancel', { orderId: o._id });
    expect(e.code).toBe('AFTER_SALE_WINDOW_EXPIRED');
    expect((await stored(o._id)).status).toBe('PAID');
  });
});
