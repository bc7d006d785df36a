/**
 * WeChat Pay behind the cloud-sim service's `wx.wxPayApi` (cloudPay.refund / cloudPay.queryRefund),
 * answering with WeChat Pay v2's fields (snake_case; wx-server-sdk camelCases them for the caller).
 *
 * - ManualPayAccount: refunds stay PROCESSING until a test settles them; for wire-shape tests.
 * - GatewayPayAccount: the local host's simulated gateway (../local/gateway.ts) with its scenarios
 *   (R4 channel refusals, LATE, ABNORMAL, CLOSED, TIMEOUT, DUPLICATE_NOTIFY, R31's spacing), so both
 *   backends pay the same way; its results reach the `refundNotify` function as cloudPay delivers them.
 */
import type { EpochMs } from '../../../../types/domain';
import { formatShanghai } from '../../../core/time';
import type { RefundQueryStatus } from '../../ports';
import { randomBytes } from 'crypto';
import type { SimulatedRefundGateway } from '../local/gateway';
import { GatewayTimeoutError } from '../local/gateway';
import type { SimulatedPaymentGateway } from '../local/payments';

export interface SimPay {
  refund(data: Record<string, unknown>): Promise<Record<string, unknown>>;
  queryRefund(data: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** SPEC §7 demo checkout (GatewayPayAccount with a payment gateway). */
  unifiedOrder?(data: Record<string, unknown>): Promise<Record<string, unknown>>;
  queryOrder?(data: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface SimulatedRefund {
  outTradeNo: string;
  outRefundNo: string;
  totalFee: number;
  refundFee: number;
  status: 'PROCESSING' | 'SUCCESS' | 'CHANGE' | 'REFUNDCLOSE';
  successTime?: string;
}

const fail = (err_code: string, err_code_des: string) => ({ result_code: 'FAIL', err_code, err_code_des });
const NOT_EXIST = fail('REFUNDNOTEXIST', '退款订单查询失败');

function accepted(r: { outTradeNo: string; outRefundNo: string; refundFee: number; totalFee: number }): Record<string, unknown> {
  return {
    result_code: 'SUCCESS',
    out_trade_no: r.outTradeNo,
    out_refund_no: r.outRefundNo,
    refund_id: `5030${r.outRefundNo.length}${r.refundFee}`,
    refund_fee: r.refundFee,
    total_fee: r.totalFee,
    cash_fee: r.totalFee,
  };
}

function queried(r: SimulatedRefund): Record<string, unknown> {
  const reply: Record<string, unknown> = {
    result_code: 'SUCCESS',
    out_trade_no: r.outTradeNo,
    total_fee: r.totalFee,
    refund_count: 1,
    out_refund_no_0: r.outRefundNo,
    refund_fee_0: r.refundFee,
    refund_status_0: r.status,
  };
  if (r.successTime) reply.refund_success_time_0 = r.successTime;
  return reply;
}

export class ManualPayAccount implements SimPay {
  readonly refunds = new Map<string, SimulatedRefund>();
  /** When set, the next refund answers with these fields instead of accepting. */
  refundFailure: { err_code: string; err_code_des: string } | null = null;

  async refund(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.refundFailure) {
      const f = this.refundFailure;
      this.refundFailure = null;
      return fail(f.err_code, f.err_code_des);
    }
    const no = String(data.out_refund_no);
    const existing = this.refunds.get(no);
    if (existing && (existing.refundFee !== data.refund_fee || existing.outTradeNo !== data.out_trade_no)) {
      return fail('INVALID_REQUEST', '二次退款请求参数与原请求不一致');
    }
    const r = existing ?? {
      outTradeNo: String(data.out_trade_no),
      outRefundNo: no,
      totalFee: Number(data.total_fee),
      refundFee: Number(data.refund_fee),
      status: 'PROCESSING' as const,
    };
    this.refunds.set(no, r);
    return accepted(r);
  }

  async queryRefund(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = this.refunds.get(String(data.out_refund_no));
    return r ? queried(r) : NOT_EXIST;
  }

  /** SPEC §7: a prepay order (never paid here: these tests drive the wire shapes only). */
  async unifiedOrder(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.prepaid.add(String(data.out_trade_no));
    const prepayId = `wx${String(data.out_trade_no)}`;
    return {
      result_code: 'SUCCESS',
      trade_type: 'JSAPI',
      prepay_id: prepayId,
      payment: { appId: 'wxloopback', timeStamp: '1793494800', nonceStr: 'loopback', package: `prepay_id=${prepayId}`, signType: 'MD5', paySign: 'LOOPBACK' },
    };
  }

  async queryOrder(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const no = String(data.out_trade_no);
    return this.prepaid.has(no) ? { result_code: 'SUCCESS', out_trade_no: no, trade_state: 'NOTPAY' } : fail('ORDERNOTEXIST', '订单不存在');
  }

  private readonly prepaid = new Set<string>();

  settle(outRefundNo: string, status: SimulatedRefund['status'], successTime?: string): void {
    const r = this.refunds.get(outRefundNo);
    if (!r) throw new Error(`no simulated refund ${outRefundNo}`);
    r.status = status;
    r.successTime = successTime;
  }

  reset(): void {
    this.refunds.clear();
    this.prepaid.clear();
    this.refundFailure = null;
  }
}

const V2_STATUS: Record<Exclude<RefundQueryStatus, 'UNKNOWN'>, SimulatedRefund['status']> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  ABNORMAL: 'CHANGE',
  CLOSED: 'REFUNDCLOSE',
};

/** `<caseId>-<n>` (or an order's own `<orderId>-<n>`) → the case or order it pays. */
function payerOf(outRefundNo: string): string {
  const i = outRefundNo.lastIndexOf('-');
  return i > 0 ? outRefundNo.slice(0, i) : outRefundNo;
}

const timeText = (at: EpochMs) => formatShanghai(at, 'YYYY-MM-DD HH:mm:ss');

/** The sub-merchant a shop's money sits with (SPEC §7 `settings.payment`); undefined: no check. */
export type ShopSubMerchant = (shopId: string) => string | undefined;

const ORDER_NOT_EXIST = fail('ORDERNOTEXIST', '订单不存在');

export class GatewayPayAccount implements SimPay {
  /**
   * Which sub-merchant took each payment (`unifiedOrder`'s sub_mch_id), as WeChat Pay's books hold it:
   * the order, its refunds and their queries exist only under that sub-merchant. Kept in memory; an
   * order paid before a restart, or seeded as paid, sits with its shop's sub-merchant (`shopSubMerchant`).
   */
  private readonly paidTo = new Map<string, string>();

  constructor(
    private readonly gateway: SimulatedRefundGateway,
    private readonly payments?: SimulatedPaymentGateway,
    private readonly shopSubMerchant: ShopSubMerchant = () => undefined,
  ) {}

  /** The sub-merchant `outTradeNo`'s money sits with (undefined: unknown order, or no check). */
  subMerchantOf(outTradeNo: string): string | undefined {
    const recorded = this.paidTo.get(outTradeNo);
    if (recorded !== undefined) return recorded;
    const order = this.gateway.lookupOrder(outTradeNo);
    return order ? this.shopSubMerchant(order.shopId) : undefined;
  }

  /** False when the order's money sits with another sub-merchant than the one asking. */
  private asksOwnSubMerchant(outTradeNo: string, data: Record<string, unknown>): boolean {
    const sub = this.subMerchantOf(outTradeNo);
    return sub === undefined || sub === String(data.sub_mch_id ?? '');
  }

  /**
   * SPEC §7: the prepay order. No buyer's phone is here to confirm wx.requestPayment, so the payment
   * is taken at once (as on the local host); the answer carries `payment` as WeChat Pay's does, and the
   * result goes to the `functionName` function as a payment callback.
   */
  async unifiedOrder(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.payments) return fail('NOAUTH', '商户未开通支付');
    for (const field of ['sub_mch_id', 'out_trade_no', 'total_fee', 'body', 'nonce_str', 'spbill_create_ip', 'function_name', 'env_id']) {
      if (data[field] === undefined || data[field] === '') return fail('PARAM_ERROR', `缺少参数 ${field}`);
    }
    const outTradeNo = String(data.out_trade_no);
    const totalFee = Number(data.total_fee);
    const order = this.gateway.lookupOrder(outTradeNo);
    if (!order) return fail('PARAM_ERROR', '商户订单号不存在');
    if (!Number.isSafeInteger(totalFee) || totalFee !== order.paidFen) return fail('INVALID_REQUEST', '订单金额与商户订单不一致');
    const before = await this.payments.query(outTradeNo);
    if (before.status === 'SUCCESS') return this.asksOwnSubMerchant(outTradeNo, data) ? fail('ORDERPAID', '该订单已支付') : fail('INVALID_REQUEST', '商户订单号重复');
    this.paidTo.set(outTradeNo, String(data.sub_mch_id));
    this.payments.pay({ orderId: outTradeNo, shopId: order.shopId, totalFen: totalFee, payerOpenid: order.buyerOpenid });
    const prepayId = `wx${randomBytes(14).toString('hex')}`;
    return {
      result_code: 'SUCCESS',
      trade_type: 'JSAPI',
      prepay_id: prepayId,
      payment: {
        appId: 'wxloopback',
        timeStamp: String(Math.floor(Date.now() / 1000)),
        nonceStr: randomBytes(8).toString('hex'),
        package: `prepay_id=${prepayId}`,
        signType: 'MD5',
        paySign: randomBytes(16).toString('hex').toUpperCase(),
      },
    };
  }

  async queryOrder(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.payments) return fail('ORDERNOTEXIST', '订单不存在');
    const outTradeNo = String(data.out_trade_no);
    const q = await this.payments.query(outTradeNo);
    if (q.status === 'UNKNOWN' || !this.asksOwnSubMerchant(outTradeNo, data)) return ORDER_NOT_EXIST;
    if (q.status !== 'SUCCESS') return { result_code: 'SUCCESS', out_trade_no: outTradeNo, trade_state: 'NOTPAY', trade_state_desc: '订单未支付' };
    return {
      result_code: 'SUCCESS',
      out_trade_no: outTradeNo,
      trade_state: 'SUCCESS',
      trade_type: 'JSAPI',
      transaction_id: q.transactionId,
      total_fee: q.totalFen,
      cash_fee: q.totalFen,
      time_end: formatShanghai(q.paidAt ?? 0, 'YYYYMMDDHHmmss'),
    };
  }

  async refund(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const outRefundNo = String(data.out_refund_no);
    const outTradeNo = String(data.out_trade_no);
    const refundFee = Number(data.refund_fee);
    const totalFee = Number(data.total_fee);
    if (!data.sub_mch_id) return fail('PARAM_ERROR', '缺少参数 sub_mch_id');
    const order = this.gateway.lookupOrder(outTradeNo);
    // cloudPay refunds only what the same sub-merchant took (SPEC §7).
    if (!order || !this.asksOwnSubMerchant(outTradeNo, data)) return ORDER_NOT_EXIST;
    if (order.paidFen !== totalFee) return fail('INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
    let reply: Awaited<ReturnType<SimulatedRefundGateway['request']>>;
    try {
      reply = await this.gateway.request({
        outRefundNo,
        caseId: payerOf(outRefundNo),
        orderId: outTradeNo,
        amountFen: refundFee,
        totalFen: totalFee,
        payChannel: order.payChannel,
        method: 'ORIGINAL',
      });
    } catch (e) {
      // The refund was recorded but the answer was lost: WeChat Pay's transient error, retried with the same number.
      if (e instanceof GatewayTimeoutError) return fail('SYSTEMERROR', '系统超时，请稍后再试');
      throw e;
    }
    if (reply.accepted) return accepted({ outTradeNo, outRefundNo, refundFee, totalFee });
    const { code, message } = reply.error;
    if (code === 'AFTER_SALE_WINDOW_EXPIRED') return fail('TRADE_OVERDUE', `订单已经超过退款期限：${message}`);
    if (code === 'PAYMENT_CHANNEL_RESTRICTED') return fail('NOTENOUGH', message);
    return fail('ERROR', message);
  }

  async queryRefund(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const outRefundNo = String(data.out_refund_no);
    const q = await this.gateway.query(outRefundNo);
    if (q.status === 'UNKNOWN') return NOT_EXIST;
    const row = this.gateway.books(outRefundNo);
    if (!row || !this.asksOwnSubMerchant(row.orderId, data)) return NOT_EXIST;
    return queried({
      outTradeNo: row.orderId,
      outRefundNo,
      totalFee: row.totalFen,
      refundFee: row.amountFen,
      status: V2_STATUS[q.status],
      ...(q.status === 'SUCCESS' && q.settledAt !== undefined ? { successTime: timeText(q.settledAt) } : {}),
    });
  }
}
