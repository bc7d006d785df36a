/**
 * SPEC §7 "Money out, per shop" on the wx services (real wx-server-sdk, loopback service): a shop's own
 * cloudPay sub-merchant is the one its refunds go to and the only one whose notifications count for
 * them; a shop on its own WeChat Pay v3 account is never settled by a cloudPay notification.
 */
import type { AfterSaleCase, Order, PaymentSettings } from '../../types/domain';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS } from '../../src/core/time';
import { createWxServices } from '../../src/server/adapters/wx';
import { afterSaleMain, payNotifyMain, refundNotifyMain } from '../../src/server/adapters/wx/entries';
import { LOCAL_V3_PAYMENT } from '../../src/server/adapters/wechatpay/keys';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import type { Services } from '../../src/server/ports';
import { startLoopback, type Loopback } from './fake/loopback';

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const BUYER = 'oBuyer_route';
const OWNER = 'oOwner_route';
/** The function's SUB_MCH_ID, and the shop's own sub-merchant (WeChat Pay's documentation samples). */
const ENV_SUB_MCH = '1900000109';
const SHOP_SUB_MCH = '1230000109';

let lb: Loopback;
let svc: Services;
const as = (openid?: string) => ({ getWXContext: () => (openid ? { OPENID: openid } : {}) });
const payCallback = { getWXContext: () => ({ SOURCE: 'wx_paycallback', ENV: 'prod-7g3h' }) };

const ORDER: Order = {
  _id: 'ord_route_1',
  shopId: 'shop_route',
  buyerOpenid: BUYER,
  status: 'DELIVERED',
  paidFen: 11_000,
  shippingFen: 1_000,
  payChannel: 'WECHAT',
  paidAt: T0 - 5 * DAY_MS,
  shippedAt: T0 - 4 * DAY_MS,
  deliveredAt: T0 - 2 * DAY_MS,
  items: [{ skuId: 'tshirt', title: '纯棉T恤', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL' }],
};

beforeAll(async () => {
  lb = await startLoopback();
  svc = { ...createWxServices(lb.cloud, { subMchId: ENV_SUB_MCH, envId: 'prod-7g3h', notifyFunction: 'refundNotify' }), clock: { now: () => T0 } };
});
afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

async function refunding(payment: PaymentSettings | undefined): Promise<AfterSaleCase> {
  lb.fake.reset();
  lb.fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: 'shop_route', name: '路由小店', verified: true, settings: payment ? { payment } : {} }) as never]);
  lb.fake.seed(COLLECTIONS.orders, [{ ...ORDER } as never]);
  lb.fake.seed(COLLECTIONS.merchants, [{ _id: OWNER, shopId: 'shop_route', role: 'OWNER' } as never]);
  const applied = await afterSaleMain(as(BUYER), svc, {
    action: 'apply',
    orderId: ORDER._id,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId: 'tshirt', qty: 1 }],
    amountFen: 5_000,
    description: '衣服领口开线了',
    evidence: [],
    idempotencyKey: `route-${Math.random()}`,
  });
  if (!applied.ok) throw new Error(JSON.stringify(applied.error));
  const approved = await afterSaleMain(as(OWNER), svc, { action: 'merchant.approve', caseId: (applied.data as AfterSaleCase)._id });
  if (!approved.ok) throw new Error(JSON.stringify(approved.error));
  return approved.data as AfterSaleCase;
}

const notification = (outRefundNo: string, subMchId: string) => ({
  returnCode: 'SUCCESS',
  subMchId,
  reqInfo: { outTradeNo: ORDER._id, outRefundNo, totalFee: 11_000, refundFee: 5_000, refundStatus: 'SUCCESS', successTime: '2026-11-20 10:03:00' },
});

test('a CLOUDPAY shop with its own sub-merchant: refunds go to it, and only its notifications count', async () => {
  const c = await refunding({ provider: 'CLOUDPAY', subMchId: SHOP_SUB_MCH });
  const sent = lb.fake.callsOf('wx.wxPayApi').map((x) => x.data as Record<string, unknown>);
  expect(sent.map((d) => d.sub_mch_id)).toEqual([SHOP_SUB_MCH]);
  const no = c.refunds[0].outRefundNo;
  lb.fake.manualPay.settle(no, 'SUCCESS', '2026-11-20 10:03:00');
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  expect(await refundNotifyMain(payCallback, svc, notification(no, ENV_SUB_MCH), ENV_SUB_MCH)).toEqual({ errcode: 0, errmsg: 'IGNORED' });
  warn.mockRestore();
  expect((await svc.cases.get(c._id))!.status).toBe('REFUNDING');
  expect(await refundNotifyMain(payCallback, svc, notification(no, SHOP_SUB_MCH), ENV_SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
  expect((await svc.cases.get(c._id))!.status).toBe('REFUNDED');
});

test('a shop without payment settings keeps the function’s SUB_MCH_ID', async () => {
  const c = await refunding(undefined);
  expect(lb.fake.callsOf('wx.wxPayApi').map((x) => (x.data as Record<string, unknown>).sub_mch_id)).toEqual([ENV_SUB_MCH]);
  lb.fake.manualPay.settle(c.refunds[0].outRefundNo, 'SUCCESS', '2026-11-20 10:03:00');
  expect(await refundNotifyMain(payCallback, svc, notification(c.refunds[0].outRefundNo, ENV_SUB_MCH), ENV_SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
  expect((await svc.cases.get(c._id))!.status).toBe('REFUNDED');
});

test('a v3 shop: no cloudPay call at all, and a cloudPay notification for its refund is ignored', async () => {
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  // No v3 secrets in this environment: the request fails loudly and the attempt waits (PROCESSING).
  const c = await refunding(LOCAL_V3_PAYMENT);
  expect(lb.fake.callsOf('wx.wxPayApi')).toEqual([]);
  expect(c.refunds.map((r) => r.status)).toEqual(['PROCESSING']);
  expect(error.mock.calls.some((a) => /WECHATPAY_PRIVATE_KEY_1900009191/.test(String(a[1] ?? a[0])))).toBe(true);
  expect(await refundNotifyMain(payCallback, svc, notification(c.refunds[0].outRefundNo, ENV_SUB_MCH), ENV_SUB_MCH)).toEqual({ errcode: 0, errmsg: 'IGNORED' });
  expect((await svc.cases.get(c._id))!.status).toBe('REFUNDING');
  error.mockRestore();
  warn.mockRestore();
});

test('payments too: unifiedOrder and queryOrder go out with the shop’s own sub-merchant, and only its payNotify counts', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  for (const [payment, expected] of [
    [{ provider: 'CLOUDPAY', subMchId: SHOP_SUB_MCH } as PaymentSettings, SHOP_SUB_MCH],
    [undefined, ENV_SUB_MCH],
  ] as const) {
    lb.fake.reset();
    lb.fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: 'shop_route', name: '路由小店', verified: true, settings: payment ? { payment } : {} }) as never]);
    lb.fake.seed(COLLECTIONS.orders, [{ ...ORDER, status: 'UNPAID', paidAt: undefined, shippedAt: undefined, deliveredAt: undefined } as never]);
    const started = await svc.payments.start({ orderId: ORDER._id, shopId: 'shop_route', totalFen: ORDER.paidFen, description: '纯棉T恤', payerOpenid: BUYER });
    expect(started.kind).toBe('REQUEST_PAYMENT');
    expect(await svc.payments.query(ORDER._id)).toEqual({ status: 'NOTPAY' });
    const sent = lb.fake.callsOf('wx.wxPayApi').map((x) => [String(x.apiName), (x.data as Record<string, unknown>).sub_mch_id]);
    expect(sent).toEqual([
      ['unifiedOrder', expected],
      ['queryOrder', expected],
    ]);
    // A payment notification from any other sub-merchant is not read at all (no queryOrder follows).
    const other = expected === ENV_SUB_MCH ? SHOP_SUB_MCH : ENV_SUB_MCH;
    const event = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', subMchId: other, outTradeNo: ORDER._id, totalFee: ORDER.paidFen, transactionId: '4200000000000000000000000001' };
    expect(await payNotifyMain(payCallback, svc, event, ENV_SUB_MCH)).toEqual({ errcode: 0, errmsg: 'IGNORED' });
    expect(lb.fake.callsOf('wx.wxPayApi')).toHaveLength(2);
    // From its own sub-merchant it is read (a hint: this order's payment was never started through order.pay, so nothing applies).
    expect(await payNotifyMain(payCallback, svc, { ...event, subMchId: expected }, ENV_SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
  }
  warn.mockRestore();
});
