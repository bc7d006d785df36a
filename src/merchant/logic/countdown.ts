import type { CaseStatus, EpochMs } from '../../../types/domain';
import { HOUR_MS, formatRemaining, formatShort } from '../../core/time';

/** Under this much time left, a deadline is shown in red: the case needs attention today. */
export const URGENT_WITHIN_MS = 6 * HOUR_MS;

/** What happens when each status's deadline passes, as staff read it. */
const DEADLINE_OUTCOME: Partial<Record<CaseStatus, string>> = {
  PENDING: '后自动同意',
  NEGOTIATING: '后买家未答复转平台',
  AWAITING_RETURN: '后买家未寄回自动关闭',
  RETURN_SHIPPED: '后自动确认收货',
  REJECTED: '内买家可申请平台介入',
  ESCALATED: '内平台需出具处理方案',
  AWAITING_RESHIP: '内未发出换货将自动转退款',
  RESHIPPED: '后自动确认收到换货',
};

export interface DeadlineView {
  /** `5小时20分后自动同意` (how long is left, then what happens: never 「剩…后」) */
  text: string;
  /** `11月25日 20:05` */
  at: string;
  /** Strictly under 6 hours left (an exactly-6-hours deadline is not yet urgent). */
  urgent: boolean;
  overdue: boolean;
}

export function isUrgent(deadlineAt: EpochMs, now: EpochMs): boolean {
  return deadlineAt - now < URGENT_WITHIN_MS;
}

export function deadlineView(status: CaseStatus, deadlineAt: EpochMs | undefined, now: EpochMs): DeadlineView | null {
  const outcome = DEADLINE_OUTCOME[status];
  if (deadlineAt === undefined || outcome === undefined) return null;
  const left = deadlineAt - now;
  const overdue = left <= 0;
  return {
    text: overdue ? (status === 'ESCALATED' ? '已超过平台处理时限' : '已到期，系统处理中') : `${formatRemaining(left)}${outcome}`,
    at: formatShort(deadlineAt),
    urgent: isUrgent(deadlineAt, now),
    overdue,
  };
}
