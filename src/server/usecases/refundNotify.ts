/**
 * The refund callback (SPEC §4 "Callbacks are hints"). Two shapes name an attempt: cloudPay's refund
 * notification (RefundNotifyEvent, as the local gateway also sends it) and, on the local host only,
 * the plain `{outRefundNo, status, settledAt?, failure?}`. Neither sets a status by itself: the
 * callback only names an `outRefundNo`, and what is recorded is what the gateway answers when asked
 * (`gateway.query`). An unknown, forged or stale number, or one the gateway does not report final,
 * is acknowledged (`applied: false`) and changes nothing, so the sender stops retrying it.
 */
import { z } from 'zod';
import type { EpochMs } from '../../../types/domain';
import { DomainError } from '../../core/errors';
import { HOUR_MS } from '../../core/time';
import type { Services } from '../ports';
import { orderOfRefund, settleOrderRefund } from './checkout';
import { settleFromGateway } from './effects';

/** What a callback claims. Only `outRefundNo` is used to decide anything; the rest is logged context. */
export interface RefundResult {
  outRefundNo: string;
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  settledAt?: EpochMs;
  failure?: string;
}

export interface ParseOptions {
  /** Accept the plain `{outRefundNo, status}` shape (the local host); the cloud entry accepts only cloudPay's. */
  plain?: boolean;
}

const outRefundNo = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);

const plain = z.strictObject({
  outRefundNo,
  status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
  settledAt: z.number().int().min(0).max(8.64e15).optional(),
  failure: z.string().max(200).optional(),
});

/** WeChat Pay's own notification carries more fields than these; only these are read. */
const cloudPay = z.object({
  returnCode: z.literal('SUCCESS'),
  reqInfo: z.object({
    outRefundNo,
    refundStatus: z.enum(['SUCCESS', 'CHANGE', 'REFUNDCLOSE']),
    successTime: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
      .optional(),
  }),
});

const CLOUDPAY_STATUS = { SUCCESS: 'SUCCESS', CHANGE: 'ABNORMAL', REFUNDCLOSE: 'CLOSED' } as const;

/** `2026-11-25 20:05:00` in Shanghai (UTC+8, no daylight saving) → epoch ms. */
function shanghaiTime(text: string): EpochMs {
  const [date, time] = text.split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * HOUR_MS;
}

export function parseRefundNotify(body: unknown, opts: ParseOptions = {}): RefundResult {
  const acceptPlain = opts.plain ?? true;
  if ((typeof body === 'object' && body !== null && 'reqInfo' in body) || !acceptPlain) {
    const r = cloudPay.safeParse(body);
    if (!r.success) throw notifyInvalid(r.error.issues[0].path);
    const info = r.data.reqInfo;
    const result: RefundResult = { outRefundNo: info.outRefundNo, status: CLOUDPAY_STATUS[info.refundStatus] };
    if (info.successTime !== undefined) result.settledAt = shanghaiTime(info.successTime);
    if (info.refundStatus !== 'SUCCESS') result.failure = info.refundStatus === 'CHANGE' ? '退款到账异常' : '退款单已关闭';
    return result;
  }
  const r = plain.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw notifyInvalid(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path);
  }
  return r.data;
}

function notifyInvalid(path: readonly PropertyKey[]): DomainError {
  // An empty key has no path of its own: the object holding it is named instead.
  const named = path.length > 0 && String(path[path.length - 1]) === '' ? path.slice(0, -1) : path;
  return new DomainError('INVALID_INPUT', {
    field: named.length > 0 ? named.map(String).join('.') : 'body',
    message: '退款结果通知格式有误',
  });
}

export interface RefundNotifyAck {
  outRefundNo: string;
  /** False when nothing changed: unknown number, an attempt no longer PROCESSING, or the gateway does not report it final. */
  applied: boolean;
  /** The case the number belongs to, when there is one. */
  caseId?: string;
  /** SPEC §7: the order whose cancellation it refunds, when it is one. */
  orderId?: string;
}

/**
 * A callback named `r.outRefundNo`: ask the gateway how it stands and record that, exactly as the
 * sweep's query does. What the callback itself says about the status is never recorded; a claim the
 * gateway contradicts is logged.
 */
export async function applyRefundNotify(svc: Services, r: RefundResult): Promise<RefundNotifyAck> {
  const c = await svc.cases.findByOutRefundNo(r.outRefundNo);
  const order = c ? null : await orderOfRefund(svc, r.outRefundNo);
  if (order) {
    const settled = await settleOrderRefund(svc, order, r.outRefundNo);
    if (settled.reported !== 'UNCHECKED' && settled.reported !== r.status) {
      console.warn(`refundNotify: ${r.outRefundNo} claimed ${r.status}, the gateway reports ${settled.reported}; recorded what the gateway reports`);
    }
    return { outRefundNo: r.outRefundNo, applied: settled.order !== null, orderId: order._id };
  }
  if (!c) {
    console.warn(`refundNotify: ${r.outRefundNo} is no attempt of any case; acknowledged, nothing applied`);
    return { outRefundNo: r.outRefundNo, applied: false };
  }
  const settled = await settleFromGateway(svc, c, r.outRefundNo);
  if (settled.reported !== undefined && settled.reported !== 'UNCHECKED' && settled.reported !== r.status) {
    console.warn(`refundNotify: ${r.outRefundNo} claimed ${r.status}, the gateway reports ${settled.reported}; recorded what the gateway reports`);
  }
  return { outRefundNo: r.outRefundNo, applied: settled.after !== null, caseId: c._id };
}
