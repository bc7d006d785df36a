/**
 * The WeChat Pay v3 refund callback's entry (SPEC §4 "Callbacks are hints", §7), shared by the
 * `wechatpayNotify` HTTP-triggered cloud function and the local host's `POST /api/wechatpayNotify`.
 *
 * A callback counts only when its signature verifies against WeChat Pay's key, it is fresh and new, and
 * its resource decrypts with the APIv3 key (adapters/wechatpay/notify.ts); then only when the refund it
 * names is an attempt of a shop paying through that very merchant account and key. Even then it is a
 * hint: the refund query (the shop's v3 gateway) decides what is recorded. Anything else — tampered,
 * unsigned, wrongly signed, replayed, stale, another merchant's — changes nothing and is answered as
 * received, `{"ok":true,"data":{"applied":false}}` with HTTP 200, so nobody retries it.
 */
import type { WechatpayEnv } from './adapters/wechatpay/env';
import { NotifyRejected, verifyNotify, type NonceStore, type NotifyRequest } from './adapters/wechatpay/notify';
import { errorReply, type Reply } from './handler';
import type { Services } from './ports';
import { orderOfRefund } from './usecases/checkout';
import { applyRefundNotify, type RefundNotifyAck } from './usecases/refundNotify';

export interface WechatpayNotifyContext {
  env: Pick<WechatpayEnv, 'notifyKeys'>;
  nonces: NonceStore;
  /** Real time in seconds (default Date.now): WeChat Pay's clock, not the host's dev clock. */
  nowS?: () => number;
}

export type WechatpayNotifyAck = Partial<RefundNotifyAck> & { applied: boolean; rejected?: string };

function acknowledged(data: WechatpayNotifyAck): Reply {
  return { status: 200, body: { ok: true, data } };
}

export async function handleWechatpayNotify(svc: Services, ctx: WechatpayNotifyContext, req: NotifyRequest): Promise<Reply> {
  try {
    let verified;
    try {
      verified = await verifyNotify(req, ctx.env.notifyKeys(), ctx.nonces, ctx.nowS?.() ?? Math.floor(Date.now() / 1000));
    } catch (e) {
      if (!(e instanceof NotifyRejected)) throw e;
      console.warn(`wechatpayNotify: rejected (${e.message}); nothing applied`);
      return acknowledged({ applied: false, rejected: e.reason });
    }
    const r = verified.resource;
    // An attempt of a case, or of an order's cancellation (SPEC §7, `<orderId>-<n>`).
    const c = await svc.cases.findByOutRefundNo(r.out_refund_no);
    const order = c ? null : await orderOfRefund(svc, r.out_refund_no);
    const shopId = c?.shopId ?? order?.shopId;
    if (!shopId) {
      console.warn(`wechatpayNotify: ${r.out_refund_no} is no attempt of any case or order; nothing applied`);
      return acknowledged({ outRefundNo: r.out_refund_no, applied: false });
    }
    const payment = (await svc.shops.get(shopId))?.settings?.payment;
    const keyId = payment?.provider === 'WECHATPAY_V3' ? (payment.platformPublicKeyId ?? payment.platformCertSerial) : undefined;
    if (payment?.provider !== 'WECHATPAY_V3' || payment.mchId !== r.mchid || (keyId !== undefined && keyId.toUpperCase() !== verified.platformKeyId.toUpperCase())) {
      console.warn(`wechatpayNotify: ${r.out_refund_no} belongs to shop ${shopId}, which does not pay through merchant ${r.mchid} and key ${verified.platformKeyId}; nothing applied`);
      return acknowledged({ outRefundNo: r.out_refund_no, applied: false, ...(c ? { caseId: c._id } : { orderId: order?._id }) });
    }
    const status = r.refund_status === 'SUCCESS' ? 'SUCCESS' : r.refund_status === 'ABNORMAL' ? 'ABNORMAL' : 'CLOSED';
    return acknowledged(await applyRefundNotify(svc, { outRefundNo: r.out_refund_no, status }));
  } catch (e) {
    return errorReply(e);
  }
}
