/**
 * The refund callback. Two shapes carry the same fact, "attempt X ended Y": cloudPay's refund
 * notification (RefundNotifyEvent, as the local gateway also sends it) and the plain
 * `{outRefundNo, status, settledAt?, failure?}`. A result for an attempt that is no longer PROCESSING
 * (a duplicate callback, or the sweep's query got there first) is acknowledged and changes nothing.
 */
import { z } from 'zod';
import type { EpochMs } from '../../../types/domain';
import { DomainError } from '../../core/errors';
import { HOUR_MS } from '../../core/time';
import type { Services } from '../ports';
import { applySystemEvent, stillProcessing } from './effects';

export interface RefundResult {
  outRefundNo: string;
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  settledAt?: EpochMs;
  failure?: string;
}

const outRefundNo = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);

const plain = z.strictObject({
  outRefundNo,
  status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
  settledAt: z.number().int().min(0).max(8.64e15).optional(),
  failure: z.string().max(200).optional(),
});

/** WeChat Pay's own notification carries more fields than these; only these decide anything. */
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

export function parseRefundNotify(body: unknown): RefundResult {
  if (typeof body === 'object' && body !== null && 'reqInfo' in body) {
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
  /** False when the attempt had already left PROCESSING: nothing changed. */
  applied: boolean;
  caseId: string;
}

export async function applyRefundNotify(svc: Services, r: RefundResult): Promise<RefundNotifyAck> {
  const c = await svc.cases.findByOutRefundNo(r.outRefundNo);
  if (!c) throw new DomainError('NOT_FOUND', { message: '没有找到这个退款单号' });
  const after = await applySystemEvent(svc, c, (cur) =>
    stillProcessing(cur, r.outRefundNo)
      ? {
          type: 'REFUND_RESULT',
          outRefundNo: r.outRefundNo,
          status: r.status,
          settledAt: r.settledAt ?? svc.clock.now(),
          failure: r.failure,
        }
      : null,
  );
  return { outRefundNo: r.outRefundNo, applied: after !== null, caseId: c._id };
}
