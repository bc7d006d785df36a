/**
 * SPEC §7's payments through cloudPay (WeChat Pay v2 without certificates): `unifiedOrder` makes the
 * prepay order and returns `payment`, the fields the page hands to `wx.requestPayment`; the result is
 * sent to the `payNotify` function (`functionName`), and `queryOrder` is what is believed: the callback
 * only names the order (SPEC §4 "Callbacks are hints"). Fields go in camelCase, as WeChat documents
 * them; wx-server-sdk sends them snake_cased and camelCases the answer.
 */
import { randomBytes } from 'crypto';
import type { EpochMs, Shop } from '../../../../types/domain';
import { HOUR_MS } from '../../../core/time';
import type { OrderRepo, PaymentGateway, PaymentQueryStatus, PaymentRequest, PaymentStart, ShopRepo } from '../../ports';
import type { CloudPayResult, WxCloud } from './sdk';

export interface CloudPayPaymentConfig {
  subMchId: string;
  envId: string;
  /** The function WeChat Pay calls with the payment result (PAY_NOTIFY_FUNCTION, default payNotify). */
  payNotifyFunction?: string;
}

/** WeChat Pay's trade_state → what the use cases act on. REFUND: it was paid (and refunds followed). */
const TRADE_STATE: Record<string, PaymentQueryStatus> = {
  SUCCESS: 'SUCCESS',
  REFUND: 'SUCCESS',
  NOTPAY: 'NOTPAY',
  USERPAYING: 'NOTPAY',
  CLOSED: 'CLOSED',
  REVOKED: 'CLOSED',
  PAYERROR: 'CLOSED',
};

const ORDER_NOT_EXIST = /ORDERNOTEXIST|订单不存在/;
const ORDER_PAID = /ORDERPAID|已支付/;

/** `20261125200500` (Shanghai) → epoch ms. */
export function timeEnd(text: string): EpochMs | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * HOUR_MS;
}

function describe(r: CloudPayResult): string {
  return String(r.errCodeDes || r.returnMsg || r.resultCode || '未知错误');
}

/**
 * The sub-merchant a shop takes its cloudPay payments through (SPEC §7 "Money out, per shop"): its own
 * (`settings.payment` CLOUDPAY), else the function's SUB_MCH_ID — the fallback for a shop created
 * before settings.payment existed, and, for now, for a WECHATPAY_V3 shop's demo checkout (docs/DESIGN.md
 * "cloudPay per shop"). Empty when neither is set: nothing is sent.
 */
export function subMerchantOfShop(shop: Pick<Shop, 'settings'> | null | undefined, fallback: string): string {
  const p = shop?.settings?.payment;
  return p?.provider === 'CLOUDPAY' && p.subMchId ? p.subMchId : fallback;
}

export class CloudPayPaymentGateway implements PaymentGateway {
  constructor(
    private readonly cloud: Pick<WxCloud, 'cloudPay'>,
    private readonly config: CloudPayPaymentConfig,
  ) {}

  private subMchId(): string {
    if (!this.config.subMchId) throw new Error('SUB_MCH_ID is not set in the cloud function environment: payments cannot be taken');
    return this.config.subMchId;
  }

  private pay(api: 'unifiedOrder' | 'queryOrder'): (params: Record<string, unknown>) => Promise<CloudPayResult> {
    const fn = this.cloud.cloudPay[api];
    if (!fn) throw new Error(`cloudPay.${api} is not available in this wx-server-sdk`);
    return fn.bind(this.cloud.cloudPay);
  }

  async start(p: PaymentRequest): Promise<PaymentStart> {
    const res = await this.pay('unifiedOrder')({
      body: p.description,
      outTradeNo: p.orderId,
      spbillCreateIp: '127.0.0.1',
      subMchId: this.subMchId(),
      totalFee: p.totalFen,
      envId: this.config.envId,
      functionName: this.config.payNotifyFunction ?? 'payNotify',
      nonceStr: randomBytes(16).toString('hex'),
      tradeType: 'JSAPI',
    });
    if (res.returnCode !== 'SUCCESS') throw new Error(`cloudPay.unifiedOrder ${p.orderId}: ${describe(res)}`);
    if (res.resultCode !== 'SUCCESS') {
      if (ORDER_PAID.test(describe(res))) return { kind: 'PAID' };
      throw new Error(`cloudPay.unifiedOrder ${p.orderId}: ${describe(res)}`);
    }
    const payment = res.payment as Record<string, unknown> | undefined;
    if (!payment || typeof payment.package !== 'string') throw new Error(`cloudPay.unifiedOrder ${p.orderId}: no payment in the answer`);
    return {
      kind: 'REQUEST_PAYMENT',
      payment: {
        timeStamp: String(payment.timeStamp),
        nonceStr: String(payment.nonceStr),
        package: payment.package,
        signType: String(payment.signType),
        paySign: String(payment.paySign),
      },
    };
  }

  async query(orderId: string, _shopId?: string): Promise<{ status: PaymentQueryStatus; paidAt?: EpochMs; totalFen?: number; transactionId?: string }> {
    const res = await this.pay('queryOrder')({ sub_mch_id: this.subMchId(), out_trade_no: orderId, nonce_str: randomBytes(16).toString('hex') });
    if (res.returnCode !== 'SUCCESS') throw new Error(`cloudPay.queryOrder ${orderId}: ${describe(res)}`);
    if (res.resultCode !== 'SUCCESS') {
      if (ORDER_NOT_EXIST.test(describe(res))) return { status: 'UNKNOWN' };
      throw new Error(`cloudPay.queryOrder ${orderId}: ${describe(res)}`);
    }
    const status = TRADE_STATE[String(res.tradeState)] ?? 'NOTPAY';
    if (status !== 'SUCCESS') return { status };
    const paidAt = typeof res.timeEnd === 'string' ? timeEnd(res.timeEnd) : undefined;
    return {
      status,
      ...(paidAt !== undefined ? { paidAt } : {}),
      ...(typeof res.totalFee === 'number' ? { totalFen: res.totalFee } : {}),
      ...(typeof res.transactionId === 'string' ? { transactionId: res.transactionId } : {}),
    };
  }
}

/**
 * The one payment port in front of each shop's own sub-merchant: `unifiedOrder` and `queryOrder` go out
 * with the sub-merchant of the order's shop (subMerchantOfShop), one CloudPayPaymentGateway each.
 */
export class ShopRoutedPaymentGateway implements PaymentGateway {
  private readonly gateways = new Map<string, CloudPayPaymentGateway>();

  constructor(
    private readonly cloud: Pick<WxCloud, 'cloudPay'>,
    private readonly config: CloudPayPaymentConfig,
    private readonly deps: { shops: Pick<ShopRepo, 'get'>; orders: Pick<OrderRepo, 'get'> },
  ) {}

  private forSubMerchant(subMchId: string): CloudPayPaymentGateway {
    let g = this.gateways.get(subMchId);
    if (!g) {
      g = new CloudPayPaymentGateway(this.cloud, { ...this.config, subMchId });
      this.gateways.set(subMchId, g);
    }
    return g;
  }

  private async forShop(shopId: string | undefined): Promise<CloudPayPaymentGateway> {
    const shop = shopId ? await this.deps.shops.get(shopId) : null;
    return this.forSubMerchant(subMerchantOfShop(shop, this.config.subMchId));
  }

  async start(p: PaymentRequest): Promise<PaymentStart> {
    return (await this.forShop(p.shopId)).start(p);
  }

  async query(orderId: string, shopId?: string): ReturnType<PaymentGateway['query']> {
    const id = shopId ?? (await this.deps.orders.get(orderId))?.shopId;
    return (await this.forShop(id)).query(orderId);
  }
}
