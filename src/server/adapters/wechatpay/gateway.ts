/**
 * Refunds through a shop's own WeChat Pay merchant account, API v3 (SPEC §7), with the
 * wechatpay-axios-plugin SDK (docs/DESIGN.md "WeChat Pay v3"): it signs every request with the
 * merchant's private key and verifies every answer's `Wechatpay-Signature` against WeChat Pay's
 * public key or platform certificate, refusing an unsigned, wrongly signed or stale (±300 s) one.
 * An answer that does not verify is no answer: the request counts as not completed, and the sweep's
 * query (itself verified) decides.
 */
import { wechatpaySdk, type Wechatpay } from './sdk';
import type { CaseError, EpochMs } from '../../../../types/domain';
import type { ErrorCode } from '../../../../types/errors';
import { CATALOGUE } from '../../../core/errors';
import type { RefundGateway, RefundQueryStatus, RefundRequest } from '../../ports';
import type { WechatpayMerchant } from './env';

export interface V3GatewayConfig {
  merchant: WechatpayMerchant;
  baseUrl: string;
  /** Read at each request (the local host knows its own URL only once it listens). */
  notifyUrl: () => string;
  /** Per request; a request without an answer by then is a timeout (the sweep queries it). */
  timeoutMs?: number;
}

/** A v3 refund as WeChat Pay answers `refunds` and `refunds/{out_refund_no}`. */
export interface V3Refund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
  success_time?: string;
  create_time?: string;
  user_received_account?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency: string };
}

/** The error body of a v3 API: `{code, message}`. */
interface V3Error {
  status?: number;
  code?: string;
  message?: string;
}

const STATUS: Record<string, RefundQueryStatus> = {
  SUCCESS: 'SUCCESS',
  PROCESSING: 'PROCESSING',
  ABNORMAL: 'ABNORMAL',
  CLOSED: 'CLOSED',
};

/** Codes that say nothing was decided: try again later with the same out_refund_no. */
const TRANSIENT_CODES = new Set(['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'SIGN_ERROR', 'MCH_NOT_EXISTS']);
const OVERDUE = /超过.*(期限|一年|365)|TRADE_OVERDUE/;
const OVER_LIMIT = /105%|累计退款|退款次数|上限|超过.*金额/;

function caseError(code: ErrorCode, detail: string): CaseError {
  return { code, message: `${CATALOGUE[code].message}（微信支付：${detail}）`, solution: CATALOGUE[code].solution };
}

/** What axios (through the SDK) rejected with, when WeChat Pay answered with a signed error. */
function v3ErrorOf(e: unknown): V3Error | undefined {
  if (typeof e !== 'object' || e === null || !('response' in e)) return undefined;
  const res = (e as { response?: { status?: number; data?: unknown } }).response;
  if (!res || typeof res.status !== 'number') return undefined;
  let data = res.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      data = undefined;
    }
  }
  const body = (typeof data === 'object' && data !== null ? data : {}) as { code?: unknown; message?: unknown };
  return {
    status: res.status,
    code: typeof body.code === 'string' ? body.code : undefined,
    message: typeof body.message === 'string' ? body.message : undefined,
  };
}

/** RFC 3339 (`2026-11-25T20:05:00+08:00`) → epoch ms. */
export function v3Time(text: string | undefined): EpochMs | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
}

export class WechatPayV3Gateway implements RefundGateway {
  private readonly client: Wechatpay;

  constructor(private readonly config: V3GatewayConfig) {
    const m = config.merchant;
    const { Wechatpay } = wechatpaySdk();
    this.client = new Wechatpay({
      mchid: m.mchId,
      serial: m.certSerial,
      privateKey: m.privateKey,
      certs: { [m.platformKeyId]: m.platformKey },
      baseURL: config.baseUrl,
      timeout: config.timeoutMs ?? 10_000,
    });
  }

  get mchId(): string {
    return this.config.merchant.mchId;
  }

  async request(r: RefundRequest): Promise<{ accepted: true } | { accepted: false; error: CaseError }> {
    if (r.method === 'DESIGNATED_ACCOUNT') {
      // The v3 refund API pays back along the original payment only; a designated account is the merchant's transfer.
      return { accepted: false, error: caseError('REFUND_ABNORMAL', '指定账户退款不能经由原路退款接口发起，请商家转账后保留凭证') };
    }
    const notifyUrl = this.config.notifyUrl();
    if (!notifyUrl) throw new Error('WECHATPAY_NOTIFY_URL is not set in the function environment: refunds cannot be sent');
    try {
      await this.client.v3.refund.domestic.refunds.post({
        out_trade_no: r.orderId,
        out_refund_no: r.outRefundNo,
        reason: `售后退款 ${r.caseId}`.slice(0, 80),
        notify_url: notifyUrl,
        amount: { refund: r.amountFen, total: r.totalFen, currency: 'CNY' },
      });
      return { accepted: true };
    } catch (e) {
      const err = v3ErrorOf(e);
      // No signed answer (a timeout, a dropped connection, an answer that failed verification), or one
      // that decides nothing: not completed. The attempt stays PROCESSING; the sweep queries and re-sends.
      if (!err || !err.code || err.status === undefined || err.status >= 500 || TRANSIENT_CODES.has(err.code)) {
        throw new Error(`WeChat Pay v3 refund ${r.outRefundNo} not completed: ${err ? `${err.status} ${err.code ?? ''} ${err.message ?? ''}` : String(e)}`);
      }
      const detail = `${err.code} ${err.message ?? ''}`.trim();
      if (err.code === 'NO_AUTH') return { accepted: false, error: caseError('MERCHANT_ACCOUNT_ABNORMAL', detail) };
      if (OVERDUE.test(detail)) return { accepted: false, error: caseError('AFTER_SALE_WINDOW_EXPIRED', detail) };
      if (OVER_LIMIT.test(detail)) return { accepted: false, error: caseError('AMOUNT_EXCEEDS_LIMIT', detail) };
      if (r.payChannel === 'CREDIT_CARD' || r.payChannel === 'THIRD_PARTY') {
        return { accepted: false, error: caseError('PAYMENT_CHANNEL_RESTRICTED', detail) };
      }
      return { accepted: false, error: caseError('REFUND_ABNORMAL', detail) };
    }
  }

  async query(outRefundNo: string): Promise<{ status: RefundQueryStatus; settledAt?: EpochMs; failure?: string }> {
    let refund: V3Refund;
    try {
      const res = await this.client.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: outRefundNo });
      refund = res.data as V3Refund;
    } catch (e) {
      const err = v3ErrorOf(e);
      if (err?.status === 404 && err.code === 'RESOURCE_NOT_EXISTS') return { status: 'UNKNOWN' };
      throw new Error(`WeChat Pay v3 refund query ${outRefundNo} failed: ${err ? `${err.status} ${err.code ?? ''} ${err.message ?? ''}` : String(e)}`);
    }
    if (refund.out_refund_no !== outRefundNo) throw new Error(`WeChat Pay v3 answered for ${refund.out_refund_no} when asked for ${outRefundNo}`);
    const status = STATUS[refund.status] ?? 'PROCESSING';
    if (status === 'SUCCESS') return { status, settledAt: v3Time(refund.success_time) };
    if (status === 'ABNORMAL') return { status, failure: '退款到账异常（用户银行卡作废或冻结），款项已退回商户账户' };
    if (status === 'CLOSED') return { status, failure: '退款单已关闭' };
    return { status };
  }
}
