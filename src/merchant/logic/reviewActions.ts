import type { AfterSaleCase, EpochMs } from '../../../types/domain';
import { allowedEvents } from '../../core/lifecycle';

export type SheetKey =
  | 'approve'
  | 'reject'
  | 'offer'
  | 'confirmReturn'
  | 'retryRefund'
  | 'addEvidence'
  | 'decideApprove'
  | 'decideReject'
  | 'liftRisk'
  | 'reship'
  | 'convertToRefund';

export interface ActionButton {
  sheet: SheetKey;
  text: string;
  kind: 'primary' | 'secondary' | 'danger';
}

/** Approving this case sends the return address rather than the money (退货退款 not yet received back). */
export function approvesReturn(c: Pick<AfterSaleCase, 'type' | 'returnReceivedAt'>): boolean {
  return (c.type === 'RETURN_REFUND' || c.type === 'EXCHANGE') && c.returnReceivedAt === undefined;
}

/**
 * The buttons the review page offers now: exactly the events the lifecycle table allows this role in
 * the case's status (so a case that moved on shows no stale button), primary action last (rightmost,
 * under the thumb).
 */
export function reviewButtons(c: AfterSaleCase, mode: 'merchant' | 'platform', now: EpochMs, shopVerified?: boolean): ActionButton[] {
  if (mode === 'platform') {
    const events = allowedEvents(c, 'PLATFORM', now);
    return events.includes('PLATFORM_DECIDE')
      ? [
          { sheet: 'decideReject', text: '驳回申请', kind: 'danger' },
          { sheet: 'decideApprove', text: c.type === 'EXCHANGE' ? '判定换货' : '判定退款', kind: 'primary' },
        ]
      : [];
  }
  const events = allowedEvents(c, 'MERCHANT', now);
  const out: ActionButton[] = [];
  if (events.includes('REJECT')) out.push({ sheet: 'reject', text: '拒绝', kind: 'danger' });
  if (events.includes('OFFER')) out.push({ sheet: 'offer', text: c.status === 'NEGOTIATING' ? '修改协商金额' : '协商退款', kind: 'secondary' });
  // 退货退款 is agreed to first as a return: the money follows once the goods are back.
  if (events.includes('APPROVE')) {
    out.push({ sheet: 'approve', text: c.type === 'EXCHANGE' ? '同意换货' : approvesReturn(c) ? '同意退货' : '同意退款', kind: 'primary' });
  }
  if (events.includes('CONFIRM_RETURN')) out.push({ sheet: 'confirmReturn', text: '确认收货', kind: 'primary' });
  // 换货 (SPEC §5): out of stock, the money goes back instead; the replacement is the primary action.
  if (events.includes('CONVERT_TO_REFUND')) out.push({ sheet: 'convertToRefund', text: '无货转退款', kind: 'secondary' });
  if (events.includes('RESHIP')) out.push({ sheet: 'reship', text: '发出换货', kind: 'primary' });
  // R5: while the account is unverified a retry cannot pay either; the banner shows the fix, and the
  // timer retries by itself once the shop is verified.
  const blockedByAccount = c.lastError?.code === 'MERCHANT_ACCOUNT_ABNORMAL' && shopVerified === false;
  if (events.includes('RETRY_REFUND') && !blockedByAccount) out.push({ sheet: 'retryRefund', text: '重新退款', kind: 'primary' });
  return out;
}

/** Merchant evidence (R15's QC report) is accepted while the case is still being decided. */
export function canAddEvidence(c: AfterSaleCase, mode: 'merchant' | 'platform', now: EpochMs): boolean {
  return mode === 'merchant' && allowedEvents(c, 'MERCHANT', now).includes('ADD_EVIDENCE');
}
