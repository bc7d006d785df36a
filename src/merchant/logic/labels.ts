/**
 * Names the merchant pages need beyond the shared ones (src/components/labels.ts for statuses, types,
 * tiers, pay channels, reject reasons; the core's REASON_LABELS for reasons).
 */
import type { Actor, RefundAttemptStatus } from '../../../types/domain';

export const ATTEMPT_STATUS_LABEL: Record<RefundAttemptStatus, string> = {
  PROCESSING: '处理中',
  SUCCESS: '已到账',
  ABNORMAL: '退款异常',
  CLOSED: '退款关闭',
};

/** Who did what, seen from the shop: the shared labels call the buyer 「我」. */
export const ACTOR_LABEL: Record<Actor, string> = {
  BUYER: '买家',
  MERCHANT: '商家',
  PLATFORM: '平台',
  SYSTEM: '系统',
};
