/**
 * What the three cloud functions do with an invocation, apart from loading the SDK (each
 * cloudfunctions/<fn>/src/index.ts requires wx-server-sdk, builds the services once per container and
 * calls one of these). Kept here so they are tested like the rest of the server code.
 */
import type { ApiReply } from '../../../../types/errors';
import { handleAfterSale, handleOrderSync, handlePayNotify, handleRefundNotify, handleSetup } from '../../handler';
import { callerOpenid, type WxContextSource } from './wxContext';
import { syncEventParts, type SyncAuth } from '../../usecases/orderSync';
import type { Services } from '../../ports';
import { orderOfRefund } from '../../usecases/checkout';
import { subMerchantOfShop } from './payments';

export { callerOpenid, type FunctionContext, type WxContextSource } from './wxContext';
export { autoApproveMain, MAX_SWEEP_BUDGET_MS, SWEEP_BATCH, sweepBudgetMs, type AutoApproveReply } from './autoApprove';

/**
 * `afterSale`: identity only from getWXContext (never from the event). The platform adds `userInfo`
 * ({appId, openId}) to every event called from the mini-program; it is not part of the action.
 */
export async function afterSaleMain(cloud: WxContextSource, svc: Services, event: unknown): Promise<ApiReply<unknown>> {
  let body = event;
  if (typeof event === 'object' && event !== null && !Array.isArray(event) && 'userInfo' in event) {
    const { userInfo: _platform, ...rest } = event as Record<string, unknown>;
    body = rest;
  }
  return (await handleAfterSale(svc, callerOpenid(cloud), body)).body;
}

/** What WeChat Pay expects back: errcode 0 stops its retries (which last up to two days otherwise). */
export interface PayCallbackAck {
  errcode: number;
  errmsg: string;
  /** The handler's reply when the notification was read (WeChat Pay ignores it; the cloud-sim host serves it). */
  result?: ApiReply<unknown>;
}

/**
 * cloudPay's refund notification carries the decrypted req_info as `reqInfo`; an event with those
 * fields at the top level (as some environments deliver it) is read the same way.
 */
function asNotifyEvent(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || 'reqInfo' in event) return event;
  const e = event as Record<string, unknown>;
  if (typeof e.outRefundNo !== 'string' || typeof e.refundStatus !== 'string') return event;
  return { returnCode: e.returnCode, reqInfo: e };
}

/**
 * Which sub-merchant may report on the attempt a cloudPay notification names: the shop's own when its
 * settings.payment is CLOUDPAY with a subMchId, null when the shop refunds through its own v3 account,
 * else the function's SUB_MCH_ID (also for a number no case holds: that changes nothing anyway).
 */
async function expectedSubMerchant(svc: Services, event: unknown, fallback: string): Promise<string | null> {
  const info = typeof event === 'object' && event !== null ? (event as { reqInfo?: { outRefundNo?: unknown } }).reqInfo : undefined;
  const no = info?.outRefundNo;
  if (typeof no !== 'string' || no.length === 0 || no.length > 64) return fallback;
  const c = await svc.cases.findByOutRefundNo(no);
  // SPEC §7: an order cancellation's refund (`<orderId>-<n>`) belongs to the order's shop.
  const shopId = c?.shopId ?? (await orderOfRefund(svc, no))?.shopId;
  const payment = shopId ? (await svc.shops.get(shopId))?.settings?.payment : undefined;
  if (payment?.provider === 'WECHATPAY_V3') return null;
  if (payment?.provider === 'CLOUDPAY') return payment.subMchId;
  return fallback;
}

/**
 * Which sub-merchant may report the payment of the order a payNotify event names: the one its shop takes
 * payments through (subMerchantOfShop: its own, else the function's SUB_MCH_ID). An order nobody knows
 * gets the fallback (it changes nothing anyway).
 */
async function expectedPaySubMerchant(svc: Services, event: unknown, fallback: string): Promise<string> {
  const no = typeof event === 'object' && event !== null ? (event as { outTradeNo?: unknown }).outTradeNo : undefined;
  if (typeof no !== 'string' || no.length === 0 || no.length > 64) return fallback;
  const order = await svc.orders.get(no);
  return subMerchantOfShop(order ? await svc.shops.get(order.shopId) : null, fallback);
}

/** getWXContext().SOURCE of a run that WeChat Pay's refund callback started (and nothing else). */
export const PAY_CALLBACK_SOURCE = 'wx_paycallback';

/**
 * `refundNotify`: the refund callback, a hint (SPEC §4 "Callbacks are hints"). It acts only on events
 * the payment platform delivered (SOURCE wx_paycallback, no caller) in cloudPay's shape for the
 * configured sub-merchant; anything else is ignored and logged, never applied (a mini-program caller
 * is refused outright). Even then the event only names a refund number: what is recorded is what
 * cloudPay.queryRefund reports for it. A result that cannot be applied now (database unavailable)
 * answers errcode 1 so WeChat Pay sends it again; one that can never apply (malformed) is
 * acknowledged and logged.
 */
export async function refundNotifyMain(
  cloud: WxContextSource,
  svc: Services,
  event: unknown,
  subMchId: string,
): Promise<PayCallbackAck> {
  if (callerOpenid(cloud) !== undefined) return { errcode: 403, errmsg: 'FORBIDDEN' };
  const source = cloud.getWXContext().SOURCE;
  if (String(source ?? '') !== PAY_CALLBACK_SOURCE) {
    console.warn(`refundNotify: ignored an event not delivered by WeChat Pay (SOURCE ${String(source ?? 'none')})`);
    return { errcode: 0, errmsg: 'IGNORED' };
  }
  // The sub-merchant the attempt's shop refunds through: its own (settings.payment, SPEC §7) or the
  // function's SUB_MCH_ID; none when the shop pays through its own v3 account (its callbacks are v3's).
  let expected: string | null;
  try {
    expected = await expectedSubMerchant(svc, asNotifyEvent(event), subMchId);
  } catch (e) {
    console.error('refundNotify: the attempt could not be looked up; WeChat Pay is asked to send it again', e);
    return { errcode: 1, errmsg: 'RETRY' };
  }
  if (expected === '') {
    console.error('refundNotify: SUB_MCH_ID is not set in the function environment; the notification is ignored');
    return { errcode: 0, errmsg: 'IGNORED' };
  }
  const eventSubMch = typeof event === 'object' && event !== null ? (event as { subMchId?: unknown }).subMchId : undefined;
  if (expected === null || eventSubMch !== expected) {
    console.warn(`refundNotify: ignored a notification for sub-merchant ${String(eventSubMch ?? '(none)')}`);
    return { errcode: 0, errmsg: 'IGNORED' };
  }
  const reply = await handleRefundNotify(svc, asNotifyEvent(event), { plain: false });
  if (reply.body.ok) return { errcode: 0, errmsg: 'OK', result: reply.body };
  const { code, message } = reply.body.error;
  if (code === 'INTERNAL_ERROR') return { errcode: 1, errmsg: 'RETRY' };
  console.error(`refundNotify: not applied (${code} ${message}): ${JSON.stringify(event)}`);
  return { errcode: 0, errmsg: code, result: reply.body };
}

/**
 * `payNotify` (SPEC §7): the payment callback of cloudPay.unifiedOrder, a hint like the refund one. It
 * acts only on events the payment platform delivered (SOURCE wx_paycallback, no caller) for the
 * configured sub-merchant; even then the event only names an order (`outTradeNo`), and what is
 * recorded is what cloudPay.queryOrder reports. A database failure answers errcode 1 (sent again).
 */
export async function payNotifyMain(cloud: WxContextSource, svc: Services, event: unknown, subMchId: string): Promise<PayCallbackAck> {
  if (callerOpenid(cloud) !== undefined) return { errcode: 403, errmsg: 'FORBIDDEN' };
  const source = cloud.getWXContext().SOURCE;
  if (String(source ?? '') !== PAY_CALLBACK_SOURCE) {
    console.warn(`payNotify: ignored an event not delivered by WeChat Pay (SOURCE ${String(source ?? 'none')})`);
    return { errcode: 0, errmsg: 'IGNORED' };
  }
  // The sub-merchant the order's shop takes payments through (SPEC §7): its own, else SUB_MCH_ID.
  let expected: string;
  try {
    expected = await expectedPaySubMerchant(svc, event, subMchId);
  } catch (e) {
    console.error('payNotify: the order could not be looked up; WeChat Pay is asked to send it again', e);
    return { errcode: 1, errmsg: 'RETRY' };
  }
  const eventSubMch = typeof event === 'object' && event !== null ? (event as { subMchId?: unknown }).subMchId : undefined;
  if (!expected || eventSubMch !== expected) {
    console.warn(`payNotify: ignored a notification for sub-merchant ${String(eventSubMch ?? '(none)')}`);
    return { errcode: 0, errmsg: 'IGNORED' };
  }
  const reply = await handlePayNotify(svc, event);
  if (reply.body.ok) return { errcode: 0, errmsg: 'OK', result: reply.body };
  if (reply.body.error.code === 'INTERNAL_ERROR') return { errcode: 1, errmsg: 'RETRY' };
  console.error(`payNotify: not applied (${reply.body.error.code}): ${JSON.stringify(event)}`);
  return { errcode: 0, errmsg: reply.body.error.code, result: reply.body };
}

// ── SPEC §7: orderSync and setup ──

/** The last link of getWXContext().SOURCE (`wx_client,scf`: the client called a function that called this one). */
function lastSource(cloud: WxContextSource): string {
  const chain = String(cloud.getWXContext().SOURCE ?? '').split(',');
  return chain[chain.length - 1].trim();
}

/** getWXContext().SOURCE's last link when another cloud function of this environment made the call. */
export const FUNCTION_CALL_SOURCE = 'scf';

/**
 * `orderSync`: opened by `event.shopKey` (the shop's sync key; there are no headers in the cloud), or,
 * without a key, by being called from another cloud function of the same environment (SOURCE ending
 * in `scf`). A key that is given is always checked, wherever the call comes from.
 */
export async function orderSyncMain(cloud: WxContextSource, svc: Services, event: unknown): Promise<ApiReply<unknown>> {
  const { body, key } = syncEventParts(event);
  const auth: SyncAuth = key === undefined && lastSource(cloud) === FUNCTION_CALL_SOURCE ? { kind: 'SAME_ENVIRONMENT' } : { kind: 'KEY', key: typeof key === 'string' ? key : undefined };
  return (await handleOrderSync(svc, body, auth)).body;
}

/**
 * `setup`: the platform's operator creating a shop (cloud console 云端测试, or `tcb fn invoke`), with
 * the secret of the function's environment (SETUP_SECRET). A call from the mini-program is refused
 * whatever it carries: no buyer or merchant creates shops.
 */
export async function setupMain(cloud: WxContextSource, svc: Services, event: unknown, secret: string | undefined): Promise<ApiReply<unknown>> {
  if (callerOpenid(cloud) !== undefined) {
    return { ok: false, error: { code: 'FORBIDDEN', message: '开店只能由平台在云开发控制台操作', solution: '请在云开发控制台的云函数「setup」中测试调用' } };
  }
  return (await handleSetup(svc, event, secret)).body;
}
