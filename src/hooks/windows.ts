import type { OrderView } from '../../types/api';
import { REASONS } from '../../types/domain';
import { REASON_LABELS } from '../core/classifier-data';
import { paymentRefundBy } from '../core/rules';
import { LIMITS } from '../core/settings';
import { DAY_MS, formatTime } from '../core/time';

/** The after-sale windows that apply to an order (R27, R2, R16, R31), one sentence each. */
export function afterSaleWindows(order: Pick<OrderView, 'deliveredAt' | 'paidAt' | 'status' | 'shop'>): string[] {
  const s = order.shop.settings;
  const lines: string[] = [];
  if (order.deliveredAt !== undefined) {
    lines.push(`签收后${s.windowDays}天内可申请售后，截止 ${formatTime(order.deliveredAt + s.windowDays * DAY_MS)}`);
  } else if (order.status === 'SHIPPED') {
    lines.push(`售后期从签收开始计算：签收后${s.windowDays}天内可申请`);
  }
  for (const r of REASONS) {
    const d = s.windowDaysByReason[r];
    if (d !== undefined && d > s.windowDays) lines.push(`${REASON_LABELS[r]}可在签收后${d}天内申请`);
  }
  lines.push(`申请后商家${s.autoApproveHours}小时内处理，超时系统自动同意`);
  lines.push(`付款后${LIMITS.paymentRefundDays}天内可原路退款，截止 ${formatTime(paymentRefundBy(order))}`);
  return lines;
}
