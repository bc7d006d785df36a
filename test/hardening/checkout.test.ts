/**
 * SPEC §7 "A demo checkout, so a refund can be real", over HTTP on either backend (the cloud-sim
 * project re-runs this file through the cloud functions' own entries: afterSale → cloudPay.unifiedOrder
 * and queryOrder, payNotify, refundNotify, autoApprove). A paid order is shipped, confirmed, applied
 * for and refunded; another is cancelled and refunded in full; callbacks are hints; a race of two
 * cancels and a ship pays at most one refund; what the gateway holds is what the orders record.
 */
import type { Order } from '../../types/domain';
import { DAY_MS } from '../../src/core/time';
import { ok } from '../support/http';
import { OWNER, SHOP, Stage, STAFF } from './support';

jest.setTimeout(120_000);

let stage: Stage;
beforeAll(async () => {
  stage = await Stage.inProcess();
});
afterAll(() => stage?.stop());

async function orderOf(buyer: string, orderId: string): Promise<Order> {
  return stage.ok(buyer, 'order.get', { orderId });
}

/** Buys, pays, and waits (as the page does) until the order reads PAID. */
async function buyAndPay(buyer: string, items = [{ skuId: 'tshirt', qty: 2 }]): Promise<Order> {
  const created = await stage.ok(buyer, 'order.create', { shopId: SHOP, items });
  expect(created).toMatchObject({ status: 'UNPAID', paidFen: items.reduce((s, i) => s + i.qty * (i.skuId === 'tshirt' ? 5_000 : 19_900), 0) });
  const paid = await stage.ok(buyer, 'order.pay', { orderId: created._id });
  // sqlite: the simulated gateway pays at once; cloud-sim: unifiedOrder answers with payment parameters
  // for wx.requestPayment and the result reaches payNotify, or order.get asks queryOrder.
  expect(['PAID', 'REQUEST_PAYMENT']).toContain(paid.payment.kind);
  if (paid.payment.kind === 'REQUEST_PAYMENT') expect(paid.payment.payment.package).toMatch(/^prepay_id=/);
  ok(await stage.api.dev.run('refundNotify'));
  const o = await orderOf(buyer, created._id);
  expect(o).toMatchObject({ status: 'PAID', payment: { transactionId: expect.any(String) } });
  return o;
}

test('bought, paid, shipped, confirmed, applied for and refunded', async () => {
  const buyer = stage.newBuyer('buy');
  const o = await buyAndPay(buyer);
  const listed = await stage.ok(STAFF, 'merchant.orders', { status: 'PAID' });
  expect(listed.items.map((x) => x._id)).toContain(o._id);
  const early = await stage.call(buyer, 'order.confirmReceipt', { orderId: o._id });
  expect([early.status, early.body.ok ? null : early.body.error.code]).toEqual([422, 'ORDER_STATUS_INVALID']);
  const shipped = await stage.ok(OWNER, 'merchant.ship', { orderId: o._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
  expect(shipped.status).toBe('SHIPPED');
  const delivered = await stage.ok(buyer, 'order.confirmReceipt', { orderId: o._id });
  expect(delivered.status).toBe('DELIVERED');
  const c = await stage.ok(buyer, 'apply', { ...stage.applyRequest(delivered), idempotencyKey: `k-${o._id}` });
  await stage.ok(OWNER, 'merchant.approve', { caseId: c._id });
  await stage.settle();
  const refunded = await stage.get(buyer, c._id);
  expect(refunded.status).toBe('REFUNDED');
  expect(stage.gateway.books(`${c._id}-1`)).toMatchObject({ orderId: o._id, amountFen: 5_000, totalFen: 10_000 });
});

test('a paid, unshipped order is cancelled and refunded in full as `<orderId>-1`', async () => {
  const buyer = stage.newBuyer('cancel');
  const o = await buyAndPay(buyer, [{ skuId: 'pillow', qty: 1 }]);
  const cancelled = await stage.ok(buyer, 'order.cancel', { orderId: o._id });
  expect(cancelled).toMatchObject({ status: 'CANCELLED', refunds: [{ outRefundNo: `${o._id}-1`, amountFen: 19_900, status: 'PROCESSING' }] });
  await stage.settle();
  const after = await orderOf(buyer, o._id);
  expect(after.refunds).toEqual([expect.objectContaining({ outRefundNo: `${o._id}-1`, status: 'SUCCESS' })]);
  expect(stage.gateway.books(`${o._id}-1`)).toMatchObject({ orderId: o._id, amountFen: 19_900, totalFen: 19_900 });
  const ship = await stage.call(OWNER, 'merchant.ship', { orderId: o._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
  expect(ship.body.ok ? null : ship.body.error.code).toBe('ORDER_STATUS_INVALID');
});

test('callbacks are hints: a forged payment or refund callback changes nothing', async () => {
  const buyer = stage.newBuyer('forge');
  const created = await stage.ok(buyer, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
  const forged = await stage.api.post('/api/payNotify', { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: created._id, totalFee: 5_000, transactionId: '4200forged' });
  expect(forged.status).toBe(200);
  expect((await orderOf(buyer, created._id)).status).toBe('UNPAID');
  const bad = await stage.api.post('/api/payNotify', { outTradeNo: '../x' });
  expect([bad.status, bad.body.ok ? null : bad.body.error.field]).toEqual([400, 'outTradeNo']);

  const o = await buyAndPay(buyer);
  await stage.ok(buyer, 'order.cancel', { orderId: o._id });
  const claim = await stage.api.post('/api/refundNotify', { outRefundNo: `${o._id}-1`, status: 'ABNORMAL' });
  expect(claim.status).toBe(200);
  await stage.settle();
  expect((await orderOf(buyer, o._id)).refunds?.[0].status).toBe('SUCCESS');
});

test('the timer confirms receipt 10 days after shipment', async () => {
  const buyer = stage.newBuyer('auto');
  const o = await buyAndPay(buyer);
  const shipped = await stage.ok(STAFF, 'merchant.ship', { orderId: o._id, company: '中通快递', trackingNo: 'ZT123456789' });
  await stage.advance(10 * DAY_MS + 1_000);
  await stage.sweep();
  expect(await orderOf(buyer, o._id)).toMatchObject({ status: 'DELIVERED', deliveredAt: shipped.shippedAt! + 10 * DAY_MS });
});

test('racing cancels and a ship: one wins, the money goes back at most once', async () => {
  const buyer = stage.newBuyer('race');
  const o = await buyAndPay(buyer);
  const replies = await Promise.all([
    stage.call(buyer, 'order.cancel', { orderId: o._id }),
    stage.call(buyer, 'order.cancel', { orderId: o._id }),
    stage.call(OWNER, 'merchant.ship', { orderId: o._id, company: '顺丰速运', trackingNo: 'SF1234567890' }),
  ]);
  expect(replies.filter((r) => r.body.ok)).toHaveLength(1);
  for (const r of replies) expect(r.status).toBeLessThan(500);
  await stage.settle();
  const after = await orderOf(buyer, o._id);
  const paidBack = (after.refunds ?? []).filter((a) => a.status === 'SUCCESS');
  expect(paidBack.length).toBe(after.status === 'CANCELLED' ? 1 : 0);
  const rows = stage.db.prepare("SELECT out_refund_no, outcome FROM gateway_refunds WHERE order_id = ? AND outcome = 'SUCCESS'").all(o._id);
  expect(rows).toHaveLength(paidBack.length);
});
