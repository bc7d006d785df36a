/**
 * Reading a payment callback (SPEC §7), apart from the checkout use cases: its schema is the only one
 * they would need, and the sweep (autoApprove) imports the checkout without any schema.
 */
import { z } from 'zod';
import { DomainError } from '../../core/errors';

/**
 * What a payment callback names: cloudPay's notification (`outTradeNo`, with `returnCode`), or on the
 * local host the plain `{outTradeNo}`. Nothing else in it is believed (SPEC §4: callbacks are hints).
 */
export function parsePayNotify(body: unknown): string {
  const r = payNotifyShape.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DomainError('INVALID_INPUT', { field: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body', message: '支付结果通知格式有误' });
  }
  return r.data.outTradeNo;
}

const payNotifyShape = z.object({ outTradeNo: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/) });
