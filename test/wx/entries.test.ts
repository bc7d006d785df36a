/**
 * The three cloud functions' entries (identity, the events the platform sends, what WeChat Pay expects
 * back) on the wx services, through the real wx-server-sdk against the loopback service, with the
 * real use cases behind them.
 */
import type { AfterSaleCase, Order } from '../../types/domain';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { createWxServices } from '../../src/server/adapters/wx';
import { afterSaleMain, autoApproveMain, MAX_SWEEP_BUDGET_MS, orderSyncMain, refundNotifyMain, setupMain, sweepBudgetMs } from '../../src/server/adapters/wx/entries';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import type { Services } from '../../src/server/ports';
import { startLoopback, type Loopback } from './fake/loopback';

/** 2026-11-20 10:00 in Shanghai. */
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const BUYER = 'oBuyer_alice';
const OWNER = 'oOwner_lin';
const SUB_MCH = '1900000109';

let lb: Loopback;
let svc: Services;
let now = T0;

const as = (openid?: string) => ({ getWXContext: () => (openid ? { OPENID: openid } : {}) });
/** A run started by WeChat Pay's refund callback (cloudPay's `functionName`). */
const payCallback = { getWXContext: () => ({ SOURCE: 'wx_paycallback', ENV: 'prod-7g3h' }) };

const ORDER: Order = {
  _id: 'ord_20261115_0001',
  shopId: 'shop_lin',
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

const APPLY = {
  action: 'apply',
  orderId: ORDER._id,
  type: 'REFUND_ONLY',
  reason: 'QUALITY',
  items: [{ skuId: 'tshirt', qty: 1 }],
  amountFen: 5_000,
  description: '衣服领口开线了',
  evidence: [],
  idempotencyKey: 'apply-0001',
};

beforeAll(async () => {
  lb = await startLoopback();
  svc = { ...createWxServices(lb.cloud, { subMchId: SUB_MCH, envId: 'prod-7g3h', notifyFunction: 'refundNotify' }), clock: { now: () => now } };
});

afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

beforeEach(() => {
  now = T0;
  lb.fake.reset();
  lb.fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: 'shop_lin', name: '小林家居', verified: true }) as never]);
  lb.fake.seed(COLLECTIONS.orders, [{ ...ORDER } as never]);
  lb.fake.seed(COLLECTIONS.merchants, [{ _id: OWNER, shopId: 'shop_lin', role: 'OWNER' } as never]);
});

async function applyAsBuyer(): Promise<AfterSaleCase> {
  const reply = await afterSaleMain(as(BUYER), svc, { ...APPLY, userInfo: { appId: 'wx0123456789abcdef', openId: BUYER } });
  if (!reply.ok) throw new Error(JSON.stringify(reply.error));
  return reply.data as AfterSaleCase;
}

describe('afterSale', () => {
  it('applies and reads back the case as the caller getWXContext names, with the platform userInfo in the event', async () => {
    const c = await applyAsBuyer();
    expect(c).toMatchObject({ orderId: ORDER._id, buyerOpenid: BUYER, status: 'PENDING', amountFen: 5_000 });
    expect(c.deadlineAt).toBe(T0 + 48 * HOUR_MS);
    expect(await afterSaleMain(as(BUYER), svc, { action: 'get', caseId: c._id, userInfo: { openId: BUYER } })).toEqual({ ok: true, data: c });
    expect(lb.fake.docs(COLLECTIONS.cases)).toHaveLength(1);
  });

  it('takes identity from the platform only: no OPENID is FORBIDDEN, an openid in the event changes nothing', async () => {
    const c = await applyAsBuyer();
    expect(await afterSaleMain(as(), svc, { action: 'get', caseId: c._id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const stranger = await afterSaleMain(as('oStranger'), svc, { action: 'get', caseId: c._id, userInfo: { openId: BUYER } });
    expect(stranger).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) } });
  });

  it('refuses a field the action does not take, like any other entry', async () => {
    expect(await afterSaleMain(as(BUYER), svc, { ...APPLY, openid: BUYER })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'openid' } });
  });
});

describe('autoApprove', () => {
  it('approves a case past its 48 h on the timer event, and pays it through cloudPay', async () => {
    const c = await applyAsBuyer();
    now = T0 + 48 * HOUR_MS + 1;
    const r = await autoApproveMain(as(), svc, { Type: 'Timer', TriggerName: 'sweep', Time: '2026-11-22T02:00:00Z' }, { time_limit_in_ms: 60_000 });
    expect(r).toMatchObject({ ok: true, data: { approved: 1 } });
    const after = (await svc.cases.get(c._id))!;
    expect(after.status).toBe('REFUNDING');
    expect(lb.fake.refunds.get(after.refunds[0].outRefundNo)).toMatchObject({ outTradeNo: ORDER._id, refundFee: 5_000, totalFee: 11_000 });
    // A second run at the same moment changes nothing.
    const again = await autoApproveMain(as(), svc, { Type: 'Timer' }, { time_limit_in_ms: 60_000 });
    expect(again).toMatchObject({ ok: true, data: { approved: 0 } });
    expect(lb.fake.refunds.size).toBe(1);
  });

  it('refuses to run for a mini-program caller', async () => {
    expect(await autoApproveMain(as(BUYER), svc, { Type: 'Timer' })).toEqual({ ok: false, error: 'FORBIDDEN' });
  });

  it('keeps the sweep inside the function: 45 s under 60 s, three quarters of a shorter limit', () => {
    expect(sweepBudgetMs({ time_limit_in_ms: 60_000 })).toBe(MAX_SWEEP_BUDGET_MS);
    expect(sweepBudgetMs({ time_limit_in_ms: 3_000 })).toBe(2_250);
    expect(sweepBudgetMs(undefined)).toBe(MAX_SWEEP_BUDGET_MS);
  });
});

describe('refundNotify', () => {
  async function refunding(): Promise<AfterSaleCase> {
    const c = await applyAsBuyer();
    const approved = await afterSaleMain(as(OWNER), svc, { action: 'merchant.approve', caseId: c._id });
    if (!approved.ok) throw new Error(JSON.stringify(approved.error));
    return approved.data as AfterSaleCase;
  }

  const event = (outRefundNo: string, refundStatus: string, extra: Record<string, unknown> = {}) => ({
    returnCode: 'SUCCESS',
    appid: 'wx0123456789abcdef',
    mchId: '1900000100',
    subMchId: SUB_MCH,
    nonceStr: 'a1b2c3',
    reqInfo: {
      transactionId: '4200001234202611200000000001',
      outTradeNo: ORDER._id,
      refundId: '50300000000000000000000000001',
      outRefundNo,
      totalFee: 11_000,
      refundFee: 5_000,
      settlementRefundFee: 5_000,
      refundStatus,
      successTime: refundStatus === 'SUCCESS' ? '2026-11-20 10:03:00' : undefined,
      refundRecvAccout: '支付用户零钱',
      refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
      refundRequestSource: 'API',
    },
    ...extra,
  });

  it('records a successful refund and answers errcode 0; the duplicate callback too, changing nothing', async () => {
    const c = await refunding();
    const no = c.refunds[0].outRefundNo;
    lb.fake.manualPay.settle(no, 'SUCCESS', '2026-11-20 10:03:00');
    expect(await refundNotifyMain(payCallback, svc, event(no, 'SUCCESS'), SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
    const paid = (await svc.cases.get(c._id))!;
    expect(paid.status).toBe('REFUNDED');
    expect(paid.refunds[0]).toMatchObject({ status: 'SUCCESS', settledAt: T0 + 3 * 60_000 });
    expect(await refundNotifyMain(payCallback, svc, event(no, 'SUCCESS'), SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
    expect((await svc.cases.get(c._id))!.version).toBe(paid.version);
  });

  it('reads the notification with its fields at the top level the same way', async () => {
    const c = await refunding();
    const { reqInfo, ...head } = event(c.refunds[0].outRefundNo, 'REFUNDCLOSE');
    lb.fake.manualPay.settle(c.refunds[0].outRefundNo, 'REFUNDCLOSE');
    expect(await refundNotifyMain(payCallback, svc, { ...head, ...reqInfo }, SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
    expect((await svc.cases.get(c._id))!.status).toBe('REFUND_FAILED');
  });

  it('refuses a mini-program caller and ignores another sub-merchant', async () => {
    const c = await refunding();
    const no = c.refunds[0].outRefundNo;
    lb.fake.manualPay.settle(no, 'SUCCESS', '2026-11-20 10:03:00');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await refundNotifyMain(as(BUYER), svc, event(no, 'SUCCESS'), SUB_MCH)).toEqual({ errcode: 403, errmsg: 'FORBIDDEN' });
    expect(await refundNotifyMain(payCallback, svc, event(no, 'SUCCESS', { subMchId: '1900000999' }), SUB_MCH)).toEqual({ errcode: 0, errmsg: 'IGNORED' });
    const { subMchId: _omitted, ...noSubMch } = event(no, 'SUCCESS');
    expect(await refundNotifyMain(payCallback, svc, noSubMch, SUB_MCH)).toEqual({ errcode: 0, errmsg: 'IGNORED' });
    // No SUB_MCH_ID configured: nothing can be matched, nothing is applied.
    expect(await refundNotifyMain(payCallback, svc, event(no, 'SUCCESS'), '')).toEqual({ errcode: 0, errmsg: 'IGNORED' });
    expect((await svc.cases.get(c._id))!.status).toBe('REFUNDING');
    expect(warn).toHaveBeenCalled();
    expect(error).toHaveBeenCalledWith(expect.stringContaining('SUB_MCH_ID'));
    warn.mockRestore();
    error.mockRestore();
  });

  it('acts only on events WeChat Pay delivered: another SOURCE (console, another function, HTTP) or the bare {outRefundNo,status} shape is ignored', async () => {
    const c = await refunding();
    const no = c.refunds[0].outRefundNo;
    lb.fake.manualPay.settle(no, 'SUCCESS', '2026-11-20 10:03:00');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const SOURCE of [undefined, 'wx_client', 'scf', 'wx_http', 'wx_client,scf', 'wx_paycallback,scf']) {
      const ctx = { getWXContext: () => (SOURCE === undefined ? {} : { SOURCE }) };
      expect(await refundNotifyMain(ctx, svc, event(no, 'SUCCESS'), SUB_MCH)).toEqual({ errcode: 0, errmsg: 'IGNORED' });
    }
    const bare = await refundNotifyMain(payCallback, svc, { outRefundNo: no, status: 'SUCCESS', subMchId: SUB_MCH }, SUB_MCH);
    expect(bare).toMatchObject({ errcode: 0, errmsg: 'INVALID_INPUT' });
    expect((await svc.cases.get(c._id))!.status).toBe('REFUNDING');
    warn.mockRestore();
    error.mockRestore();
  });

  it('a forged or early callback records only what cloudPay.queryRefund reports (callbacks are hints)', async () => {
    const c = await refunding();
    const no = c.refunds[0].outRefundNo;
    // WeChat Pay has not settled it: a SUCCESS or REFUNDCLOSE claim changes nothing (and no second number is started).
    expect(await refundNotifyMain(payCallback, svc, event(no, 'SUCCESS'), SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK', result: { data: { applied: false } } });
    expect(await refundNotifyMain(payCallback, svc, event(no, 'REFUNDCLOSE'), SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK', result: { data: { applied: false } } });
    now += 10 * 60_000;
    await autoApproveMain(as(), svc, { Type: 'Timer' }, { time_limit_in_ms: 60_000 });
    expect(await svc.cases.get(c._id)).toMatchObject({ status: 'REFUNDING', refunds: [{ outRefundNo: no, status: 'PROCESSING' }] });
    expect(lb.fake.refunds.size).toBe(1);
    // WeChat Pay closes it: only now is a CLOSED recorded (and the timer may retry under a new number).
    lb.fake.manualPay.settle(no, 'REFUNDCLOSE');
    expect(await refundNotifyMain(payCallback, svc, event(no, 'SUCCESS'), SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK' });
    expect(await svc.cases.get(c._id)).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_CLOSED' }, refunds: [{ status: 'CLOSED' }] });
  });

  it('acknowledges what can never apply (unknown refund number, malformed) and asks for a resend when the database fails', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await refundNotifyMain(payCallback, svc, event('AS00000000XXXXXXXX-1', 'SUCCESS'), SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'OK', result: { ok: true, data: { applied: false } } });
    expect(await refundNotifyMain(payCallback, svc, { returnCode: 'SUCCESS', subMchId: SUB_MCH, reqInfo: { refundStatus: 'SUCCESS' } }, SUB_MCH)).toMatchObject({ errcode: 0, errmsg: 'INVALID_INPUT' });
    const broken: Services = { ...svc, cases: { ...svc.cases, findByOutRefundNo: () => Promise.reject(new Error('database unavailable')) } };
    expect(await refundNotifyMain(payCallback, broken, event('AS00000000XXXXXXXX-1', 'SUCCESS'), SUB_MCH)).toEqual({ errcode: 1, errmsg: 'RETRY' });
    error.mockRestore();
    warn.mockRestore();
  });
});

describe('orderSync and setup (SPEC §7)', () => {
  const from = (SOURCE: string, OPENID?: string) => ({ getWXContext: () => ({ SOURCE, ...(OPENID ? { OPENID } : {}) }) });
  const synced = { ...ORDER, _id: 'ord_synced_0001' };

  it('orderSync: a keyless call counts only from another cloud function of the environment (SOURCE ending in scf)', async () => {
    for (const source of ['wx_http', 'wx_client', 'wx_devtools', 'scf,wx_client', '']) {
      expect([source, await orderSyncMain(from(source, source.includes('client') ? BUYER : undefined), svc, { shopId: 'shop_lin', orders: [synced] })]).toMatchObject([
        source,
        { ok: false, error: { code: 'FORBIDDEN' } },
      ]);
    }
    expect(lb.fake.docs(COLLECTIONS.orders)).toHaveLength(1);
    expect(await orderSyncMain(from('wx_client,scf', BUYER), svc, { shopId: 'shop_lin', orders: [synced] })).toEqual({
      ok: true,
      data: { upserted: [synced._id], unchanged: [], rejected: [] },
    });
    // A shop that does not exist, even from a trusted caller, is named.
    expect(await orderSyncMain(from('scf'), svc, { shopId: 'shop_none', orders: [synced] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'shopId' } });
  });

  it('orderSync: event.shopKey is checked wherever the call comes from, a wrong one even from scf', async () => {
    const rotated = await afterSaleMain(as(OWNER), svc, { action: 'merchant.syncKey.rotate' });
    if (!rotated.ok) throw new Error(JSON.stringify(rotated.error));
    const { key } = rotated.data as { key: string };
    expect(await orderSyncMain(from('scf'), svc, { shopId: 'shop_lin', orders: [synced], shopKey: 'sk_wrong' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await orderSyncMain(from('wx_http'), svc, { shopId: 'shop_lin', orders: [synced], shopKey: key })).toMatchObject({ ok: true, data: { upserted: [synced._id] } });
    expect(lb.fake.docs(COLLECTIONS.syncKeys).map((d) => JSON.stringify(d)).join()).not.toContain(key);
  });

  it('setup: refused without SETUP_SECRET, with a wrong one, or from the mini-program; creates a shop and a claimable code otherwise', async () => {
    const secret = 'a-long-enough-setup-secret';
    expect(await setupMain(from('wx_http'), svc, { secret, name: '新店' }, undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await setupMain(from('wx_http'), svc, { secret, name: '新店' }, 'short')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await setupMain(from('wx_http'), svc, { secret: `${secret}x`, name: '新店' }, secret)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await setupMain(from('wx_client', BUYER), svc, { secret, name: '新店' }, secret)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await setupMain(from('wx_http'), svc, { secret, name: '' }, secret)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'name' } });
    const made = await setupMain(from('wx_http'), svc, { secret, name: '新店', payment: { provider: 'CLOUDPAY', subMchId: '1900000109' } }, secret);
    if (!made.ok) throw new Error(JSON.stringify(made.error));
    const { shopId, setupCode, line } = made.data as { shopId: string; setupCode: string; line: string };
    expect(line).toBe(`shopId=${shopId} setupCode=${setupCode}`);
    expect(await svc.shops.get(shopId)).toMatchObject({ name: '新店', verified: true, settings: { payment: { provider: 'CLOUDPAY', subMchId: '1900000109' } } });
    expect(await afterSaleMain(as('oNewOwner'), svc, { action: 'shop.claim', setupCode })).toEqual({
      ok: true,
      data: { openid: 'oNewOwner', role: 'OWNER', shopId, shopName: '新店' },
    });
    expect(JSON.stringify(lb.fake.docs(COLLECTIONS.codes))).not.toContain(setupCode);
  });
});
