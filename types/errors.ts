/** Every error code the system answers with (SPEC §3, §4). The Chinese catalogue is in src/core/errors.ts. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CASE_STATE_CHANGED',
  'CASE_ALREADY_OPEN',
  'ORDER_STATUS_INVALID',
  'AFTER_SALE_WINDOW_EXPIRED',
  'AMOUNT_EXCEEDS_LIMIT',
  'PAYMENT_CHANNEL_RESTRICTED',
  'MERCHANT_ACCOUNT_ABNORMAL',
  'GOODS_UNSEALED',
  'RISK_CONTROL_TRIGGERED',
  'REFUND_SYNC_DELAYED',
  'LOGISTICS_EVIDENCE_MISSING',
  'NOT_RETURNABLE',
  'EVIDENCE_REQUIRED',
  /** R24: the platform rejected a case on this order line; its decision is final. */
  'DISPUTE_DECIDED',
  /** lastError of a refund attempt the gateway reported ABNORMAL (not final). */
  'REFUND_ABNORMAL',
  /** lastError of a refund attempt the gateway reported CLOSED (final; retried with a new outRefundNo). */
  'REFUND_CLOSED',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status of each code (SPEC §4 "Replies"). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CASE_STATE_CHANGED: 409,
  CASE_ALREADY_OPEN: 409,
  ORDER_STATUS_INVALID: 422,
  AFTER_SALE_WINDOW_EXPIRED: 422,
  AMOUNT_EXCEEDS_LIMIT: 422,
  PAYMENT_CHANNEL_RESTRICTED: 422,
  MERCHANT_ACCOUNT_ABNORMAL: 422,
  GOODS_UNSEALED: 422,
  RISK_CONTROL_TRIGGERED: 422,
  REFUND_SYNC_DELAYED: 422,
  LOGISTICS_EVIDENCE_MISSING: 422,
  NOT_RETURNABLE: 422,
  EVIDENCE_REQUIRED: 422,
  DISPUTE_DECIDED: 422,
  REFUND_ABNORMAL: 422,
  REFUND_CLOSED: 422,
  INTERNAL_ERROR: 500,
};

/** The error envelope's body: `{ok:false, error: ApiError}`. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  solution: string;
  /** For INVALID_INPUT: the offending field as a dotted path (`items.0.qty`). */
  field?: string;
  /** For a rule failure: the rule id (R1…R33). */
  rule?: string;
}

export type ApiReply<T> = { ok: true; data: T } | { ok: false; error: ApiError };
