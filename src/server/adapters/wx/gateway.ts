import { randomBytes } from 'crypto';
import type { CaseError, EpochMs } from '../../../../types/domain';
import type { ErrorCode } from '../../../../types/errors';
import { CATALOGUE } from '../../../core/errors';
import { HOUR_MS } from '../../../core/time';
import type { RefundGateway, RefundQueryStatus, RefundRequest } from '../../ports';
import type { CloudPayResult, WxCloud } from './sdk';

export interface CloudPayConfig {
  /** WeChat Pay sub-merchant number, from the function's environment (SUB_MCH_ID); never in the repository. */
  subMchId: string;
  /** The cloud environment whose `notifyFunction` receives the refund results. */
  envId: string;
  notifyFunction: string;
}

/** WeChat Pay's refund_status → the attempt's status. */
const PAY_STATUS: Record<string, RefundQueryStatus> = {
  SUCCESS: 'SUCCESS',
  PROCESSING: 'PROCESSING',
  CHANGE: 'ABNORMAL',
  REFUNDCLOSE: 'CLOSED',
};

/**
 * err_code_des texts of failures that are WeChat Pay's own and pass: the request is re-sent later with
 * the same out_refund_no. (wx-server-sdk overwrites err_code with its own 0, so only the text is left.)
 */
const TRANSIENT = /系统(超时|繁忙|错误)|频率|稍后|SYSTEMERROR|FREQUENCY_LIMITED|BIZERR_NEED_RETRY/;
/** REFUNDNOTEXIST's description: WeChat Pay has never seen this out_refund_no. */
const NOT_FOUND = /REFUNDNOTEXIST|退款订单查询失败|不存在/;
const OVERDUE = /TRADE_OVERDUE|超过退款期限|超过一年/;

function nonce(): string {
  return randomBytes(16).toString('hex');
}

/** `2026-11-25 20:05:00`, Shanghai time (UTC+8, no daylight saving) → epoch ms. */
export function payTime(text: string): EpochMs | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * HOUR_MS;
}

function caseError(code: ErrorCode, detail: string): CaseError {
  return { code, message: `${CATALOGUE[code].message}（微信支付：${detail}）`, solution: CATALOGUE[code].solution };
}

function describe(r: CloudPayResult): string {
  return String(r.errCodeDes || r.returnMsg || r.resultCode || '未知错误');
}

/**
 * The status of `outRefundNo` in a queryRefund answer. Queried by refund number the fields come
 * indexed (`refund_status_0`, camelCased to `refundStatus_0`); some accounts answer with lists
 * (`refundStatusList`) instead, sometimes empty — then nothing is known yet and the callback decides.
 */
function statusIn(r: CloudPayResult, outRefundNo: string): { status?: string; successTime?: string } {
  const nos = r.outRefundNoList;
  const statuses = r.refundStatusList;
  if (Array.isArray(statuses) && statuses.length > 0) {
    // Another refund number's status is never this one's (callbacks are hints: the query decides).
    const i = Array.isArray(nos) ? nos.map(String).indexOf(outRefundNo) : 0;
    if (i < 0) return {};
    const times = r.refundSuccessTimeList;
    return { status: String(statuses[i]), successTime: Array.isArray(times) ? (times[i] as string | undefined) : undefined };
  }
  for (let i = 0; typeof r[`outRefundNo_${i}`] === 'string' || typeof r[`refundStatus_${i}`] === 'string'; i += 1) {
    const no = r[`outRefundNo_${i}`];
    if (no === undefined || no === outRefundNo) {
      return { status: r[`refundStatus_${i}`] as string | undefined, successTime: r[`refundSuccessTime_${i}`] as string | undefined };
    }
  }
  return {};
}

/**
 * Refunds through cloudPay (WeChat Pay v2 without certificates): `refund` starts or re-sends an
 * attempt — the same out_refund_no is idempotent at WeChat Pay — and reports the result to the
 * `refundNotify` function; `queryRefund` is the sweep's fallback when that callback does not come.
 */
export class CloudPayGateway implements RefundGateway {
  constructor(
    private readonly cloud: Pick<WxCloud, 'cloudPay'>,
    private readonly config: CloudPayConfig,
  ) {}

  private subMchId(): string {
    if (!this.config.subMchId) throw new Error('SUB_MCH_ID is not set in the cloud function environment: refunds cannot be sent');
    return this.config.subMchId;
  }

  async request(r: RefundRequest): Promise<{ accepted: true } | { accepted: false; error: CaseError }> {
    if (r.method === 'DESIGNATED_ACCOUNT') {
      // cloudPay only refunds along the original payment path; a designated account is paid by the merchant.
      return { accepted: false, error: caseError('REFUND_ABNORMAL', '指定账户退款不能经由原路退款接口发起，请商家转账后保留凭证') };
    }
    const res = await this.cloud.cloudPay.refund({
      functionName: this.config.notifyFunction,
      envId: this.config.envId,
      sub_mch_id: this.subMchId(),
      nonce_str: nonce(),
      out_trade_no: r.orderId,
      out_refund_no: r.outRefundNo,
      total_fee: r.totalFen,
      refund_fee: r.amountFen,
      refund_desc: `售后退款 ${r.caseId}`.slice(0, 80),
    });
    if (res.returnCode !== 'SUCCESS') throw new Error(`cloudPay.refund ${r.outRefundNo}: ${describe(res)}`);
    if (res.resultCode === 'SUCCESS') return { accepted: true };
    const detail = describe(res);
    if (TRANSIENT.test(detail)) throw new Error(`cloudPay.refund ${r.outRefundNo}: ${detail}`);
    if (OVERDUE.test(detail)) return { accepted: false, error: caseError('AFTER_SALE_WINDOW_EXPIRED', detail) };
    if (r.payChannel === 'CREDIT_CARD' || r.payChannel === 'THIRD_PARTY') {
      return { accepted: false, error: caseError('PAYMENT_CHANNEL_RESTRICTED', detail) };
    }
    return { accepted: false, error: caseError('REFUND_ABNORMAL', detail) };
  }

  async query(outRefundNo: string): Promise<{ status: RefundQueryStatus; settledAt?: EpochMs; failure?: string }> {
    const res = await this.cloud.cloudPay.queryRefund({
      sub_mch_id: this.subMchId(),
      nonce_str: nonce(),
      out_refund_no: outRefundNo,
    });
    if (res.returnCode !== 'SUCCESS') throw new Error(`cloudPay.queryRefund ${outRefundNo}: ${describe(res)}`);
    if (res.resultCode !== 'SUCCESS') {
      if (NOT_FOUND.test(describe(res))) return { status: 'UNKNOWN' };
      throw new Error(`cloudPay.queryRefund ${outRefundNo}: ${describe(res)}`);
    }
    const found = statusIn(res, outRefundNo);
    const status = (found.status && PAY_STATUS[found.status]) || 'PROCESSING';
    if (status === 'SUCCESS') return { status, settledAt: found.successTime ? payTime(found.successTime) : undefined };
    if (status === 'ABNORMAL') return { status, failure: '退款到账异常' };
    if (status === 'CLOSED') return { status, failure: '退款单已关闭' };
    return { status };
  }
}
