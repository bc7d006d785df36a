/**
 * What the core is given and what it answers, shared by rules, preview, lifecycle and the use cases.
 * The core never does I/O: a use case loads these facts through its ports, asks the core, then
 * commits the answer and performs the effects.
 */
import type {
  AfterSaleCase,
  CaseError,
  CaseItem,
  CaseType,
  Reason,
  EpochMs,
  Evidence,
  Fen,
  Order,
  RefundAttempt,
  RefundMethod,
  RejectReasonCode,
  Shop,
} from '../../types/domain';
import type { Notification } from '../../types/domain';

export interface RuleContext {
  now: EpochMs;
  order: Order;
  /** The order's shop, settings filled with defaults (settings.withDefaults). */
  shop: Shop;
  /** Every case ever opened on this order, any status (R3, R10, R11, R31, R32). */
  orderCases: readonly AfterSaleCase[];
  /** When the buyer's cases were created (at least those of the last 30 days; R7). */
  buyerCaseTimes: readonly EpochMs[];
  /** platform.liftRisk: cases created before this moment do not count for R7. */
  riskLiftedAt?: EpochMs;
  /**
   * R3: what the shop has refunded or has in flight (approved, not yet failed for good) in the
   * calendar year of `now`, excluding the case being decided. The device passes 0.
   */
  shopYearRefundedFen: Fen;
  /** The caller, for R22's upload prefix (evidence must lie under the caller's own prefix). */
  callerOpenid: string;
}

export type ApproveVia = 'MERCHANT' | 'TIMEOUT' | 'QUICK_REFUND' | 'PLATFORM';

/** Every event the lifecycle table knows. Nothing else changes a case. */
export type CaseEvent =
  | {
      type: 'APPROVE';
      via: ApproveVia;
      refundMethod?: RefundMethod;
      account?: string;
      compensationFen?: Fen;
      note?: string;
    }
  | { type: 'REJECT'; reasonCode: RejectReasonCode; note: string }
  | { type: 'OFFER'; amountFen: Fen; note: string }
  | { type: 'CANCEL' }
  | { type: 'ACCEPT_OFFER' }
  | { type: 'DECLINE_OFFER' }
  | { type: 'OFFER_TIMEOUT' }
  | { type: 'ADD_EVIDENCE'; by: 'BUYER' | 'MERCHANT'; evidence: Evidence[]; note?: string }
  | { type: 'SHIP_RETURN'; company: string; trackingNo: string }
  | { type: 'SHIP_TIMEOUT' }
  | { type: 'CONFIRM_RETURN'; by: 'MERCHANT' | 'SYSTEM'; unsealed?: boolean }
  | { type: 'ESCALATE'; note: string }
  | { type: 'ESCALATE_TIMEOUT' }
  | { type: 'PLATFORM_DECIDE'; decision: 'APPROVE' | 'REJECT'; amountFen?: Fen; note: string }
  | { type: 'PLATFORM_OVERDUE' }
  /** The gateway refused to start the attempt (R4 channel, R31 365 days / 50 refunds). */
  | { type: 'REFUND_REFUSED'; outRefundNo: string; error: CaseError }
  /** A result for an attempt, from the callback or the timer's query; stale/duplicate results are no-ops upstream. */
  | { type: 'REFUND_RESULT'; outRefundNo: string; status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'; settledAt: EpochMs; failure?: string }
  | { type: 'RETRY_REFUND'; by: 'MERCHANT' | 'SYSTEM'; refundMethod?: RefundMethod; account?: string }
  | { type: 'REPORT_NOT_RECEIVED' }
  /** SPEC §5 (EXCHANGE): the merchant ships the replacement. */
  | { type: 'RESHIP'; company: string; trackingNo: string }
  /** SPEC §5: out of stock (merchant), or 72 h without a reship (SYSTEM): a refund of the case's units. */
  | { type: 'CONVERT_TO_REFUND'; by: 'MERCHANT' | 'SYSTEM'; note?: string }
  /** SPEC §5: the buyer received the replacement, or 10 days after the reship (SYSTEM). */
  | { type: 'CONFIRM_RECEIPT'; by: 'BUYER' | 'SYSTEM' }
  /** SPEC §6: a message of the caller's party (the context's actor), with photos or a video. */
  | { type: 'MESSAGE'; text: string; evidence?: Evidence[] }
  /** SPEC §6: the shop asks the buyer for more proof. */
  | { type: 'REQUEST_EVIDENCE'; note: string }
  /** SPEC §6: the buyer changes the application; absent fields keep the case's. */
  | { type: 'MODIFY'; changes: ModifyChanges };

/** What `modify` may change (SPEC §6). */
export interface ModifyChanges {
  type?: CaseType;
  reason?: Reason;
  items?: CaseItem[];
  amountFen?: Fen;
  description?: string;
  evidence?: Evidence[];
  exchangeNote?: string;
}

export type CaseEventType = CaseEvent['type'];

export interface TransitionContext extends RuleContext {
  /** The case's actor role for this event (checked against the table). */
  actor: 'BUYER' | 'MERCHANT' | 'PLATFORM' | 'SYSTEM';
}

/** What a use case must do after committing the new case. */
export type Effect =
  | { type: 'REQUEST_REFUND'; caseId: string; orderId: string; attempt: RefundAttempt }
  | { type: 'NOTIFY'; notification: Omit<Notification, '_id'> }
  /** A notice to every merchant of the case's shop (the use case knows who they are; SPEC §5). */
  | { type: 'NOTIFY_SHOP'; shopId: string; notification: Omit<Notification, '_id' | 'toOpenid'> }
  | { type: 'OPEN_TICKET'; caseId: string; outRefundNo: string; text: string };

export interface TransitionResult {
  /** The new case: version + 1, updatedAt = now, one history event appended (hash-chained). */
  case: AfterSaleCase;
  effects: Effect[];
}
