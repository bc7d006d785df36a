/**
 * SPEC §7 "Money out, per shop" for cloudPay, over HTTP on either backend (the cloud-sim project re-runs
 * this file through the cloud functions' own entries): two shops on two different sub-merchants each
 * take a payment and refund a cancelled order; on cloud-sim every unifiedOrder, queryOrder, refund and
 * queryRefund goes out with the order's own shop's sub-merchant (WeChat Pay refunds only what the same
 * sub-merchant took), and a callback naming another sub-merchant changes nothing (SPEC §4).
 */
import type { Order, PaymentSettings } from '../../types/domain';
import type { HttpReply } from '../support/http';
import { ok } from '../support/http';
import { SHOP, SHOPS, Stage, watchErrors } from './support';

jest.setTimeout(120_000);

/** Two sub-merchants of WeChat Pay's documentation samples (test constants, no real merchant). */
const SUB_A = '1230000109';
const SUB_B = '1230000110';
const OTHER_SHOP = SHOPS[1]._id;
const PRODUCTS = SHOPS[0].products;

let stage: Stage;
const errors = watchErrors([]);
const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
const onCloudSim = () => stage.host?.backend.name === 'cloud-sim';

beforeAll(async () => {
  stage = await Stage.inProcess();
  const cloudPay = (subMchId: string): PaymentSettings => ({ provider: 'CLOUDPAY', subMchId });
  ok(
    await stage.api.dev.seed({
      shops: [
        { ...SHOPS[0], settings: { payment: cloudPay(SUB_A) } },
        { ...SHOPS[1], products: PRODUCTS, settings: { payment: cloudPay(SUB_B) } },
      ],
    }),
  );
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
  warnings.mockRestore();
});
afterEach(() => expect(errors.unexpected).toEqual([]));

/** Buys one pillow at `shopId` and starts its payment (cloud-sim: unifiedOrder takes it at once). */
async function bought(buyer: string, shopId: string): Promise<Order> {
  const created = await stage.ok(buyer, 'order.create', { shopId, items: [{ skuId: 'pillow', qty: 1 }] });
  await stage.ok(buyer, 'order.pay', { orderId: created._id });
  return created;
}

/** The cloudPay calls about `orderId` as the cloud-sim service received them: [apiName, sub_mch_id]. */
function payCallsOf(orderId: string): [string, unknown][] {
  if (!stage.host) throw new Error('no in-process host');
  return stage.host.cloudSim.service.calls
    .filter((c) => c.action === 'wx.wxPayApi')
    .map((c) => c as unknown as { apiName: string; data: Record<string, unknown> })
    .filter((c) => c.data.out_trade_no === orderId || String(c.data.out_refund_no ?? '').startsWith(`${orderId}-`))
    .map((c) => [c.apiName, c.data.sub_mch_id]);
}

type Ack = HttpReply<{ applied: boolean }>;

function postPayNotify(orderId: string, subMchId: string): Promise<Ack> {
  const event = {
    returnCode: 'SUCCESS',
    resultCode: 'SUCCESS',
    appid: 'wxloopback',
    mchId: '1900000109',
    subMchId,
    nonceStr: 'n0nce',
    openid: 'o',
    tradeType: 'JSAPI',
    bankType: 'OTHERS',
    totalFee: 19_900,
    feeType: 'CNY',
    cashFee: 19_900,
    transactionId: '4200000000000000000000000001',
    outTradeNo: orderId,
    timeEnd: '20261120100000',
  };
  return stage.api.raw('/api/payNotify', { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
}

function postRefundNotify(orderId: string, outRefundNo: string, subMchId: string): Promise<Ack> {
  const event = { returnCode: 'SUCCESS', appid: 'wxloopback', mchId: '1900000109', subMchId, nonceStr: 'n0nce', reqInfo: { outTradeNo: orderId, outRefundNo, refundStatus: 'SUCCESS' } };
  return stage.api.raw('/api/refundNotify', { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
}

test('two shops on two sub-merchants: each payment and each cancellation refund is their own', async () => {
  const [a, b] = [stage.newBuyer('subA'), stage.newBuyer('subB')];
  const orderA = await bought(a, SHOP);
  const orderB = await bought(b, OTHER_SHOP);
  ok(await stage.api.dev.run('refundNotify'));
  expect((await stage.ok(a, 'order.get', { orderId: orderA._id })).status).toBe('PAID');
  expect((await stage.ok(b, 'order.get', { orderId: orderB._id })).status).toBe('PAID');

  await stage.ok(a, 'order.cancel', { orderId: orderA._id });
  await stage.ok(b, 'order.cancel', { orderId: orderB._id });
  await stage.settle();
  expect(await stage.ok(a, 'order.get', { orderId: orderA._id })).toMatchObject({ status: 'CANCELLED', refunds: [{ outRefundNo: `${orderA._id}-1`, amountFen: 19_900, status: 'SUCCESS' }] });
  expect(await stage.ok(b, 'order.get', { orderId: orderB._id })).toMatchObject({ status: 'CANCELLED', refunds: [{ outRefundNo: `${orderB._id}-1`, amountFen: 19_900, status: 'SUCCESS' }] });

  if (!onCloudSim()) return;
  for (const [order, sub] of [
    [orderA, SUB_A],
    [orderB, SUB_B],
  ] as const) {
    const calls = payCallsOf(order._id);
    expect(calls.map(([api]) => api)).toEqual(expect.arrayContaining(['unifiedOrder', 'refund', 'queryRefund']));
    expect(calls.filter(([, s]) => s !== sub)).toEqual([]);
  }
});

test('a callback naming another shop’s sub-merchant changes nothing (cloud-sim: the cloud entries)', async () => {
  if (!onCloudSim()) return; // The local host's callbacks carry no sub-merchant.
  const [a, b] = [stage.newBuyer('fa'), stage.newBuyer('fb')];
  // Payment: taken by SUB_B for shop B's order; a notification for it from SUB_A is not shop B's.
  const orderB = await bought(b, OTHER_SHOP);
  const forgedPay = await postPayNotify(orderB._id, SUB_A);
  expect([forgedPay.status, forgedPay.body]).toEqual([200, { ok: true, data: { applied: false } }]);
  const genuinePay = await postPayNotify(orderB._id, SUB_B);
  expect(genuinePay.body).toMatchObject({ ok: true, data: { applied: true } });

  // Refund: shop A's cancellation refund, already SUCCESS at the gateway; a notification from SUB_B is refused.
  const orderA = await bought(a, SHOP);
  ok(await stage.api.dev.run('refundNotify'));
  await stage.ok(a, 'order.cancel', { orderId: orderA._id });
  await stage.advance(10_000);
  const no = `${orderA._id}-1`;
  const forged = await postRefundNotify(orderA._id, no, SUB_B);
  expect([forged.status, forged.body]).toEqual([200, { ok: true, data: { applied: false } }]);
  expect((await stage.ok(a, 'order.get', { orderId: orderA._id })).refunds).toMatchObject([{ outRefundNo: no, status: 'PROCESSING' }]);
  // The same notification from shop A's own sub-merchant: a hint, the query decides, SUCCESS recorded.
  const genuine = await postRefundNotify(orderA._id, no, SUB_A);
  expect(genuine.body).toMatchObject({ ok: true, data: { applied: true, orderId: orderA._id } });
  expect((await stage.ok(a, 'order.get', { orderId: orderA._id })).refunds).toMatchObject([{ outRefundNo: no, status: 'SUCCESS' }]);
});
