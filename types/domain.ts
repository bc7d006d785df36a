/**
 * The after-sale domain, as stored and as the API returns it (SPEC §2, §4).
 * Money is integer fen; times are epoch milliseconds.
 */

export type Fen = number;
export type EpochMs = number;

export const ORDER_STATUSES = ['UNPAID', 'PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAY_CHANNELS = ['WECHAT', 'BANK_CARD', 'CREDIT_CARD', 'THIRD_PARTY'] as const;
export type PayChannel = (typeof PAY_CHANNELS)[number];

/**
 * How a shop's money goes out (SPEC §7 "Money out, per shop"). Set only by `setup` / `shop:create`
 * (never by `merchant.settings.set`); a shop without it refunds through cloudPay with the function's
 * SUB_MCH_ID. Only identifiers live here: the merchant's private key, its APIv3 key and WeChat Pay's
 * public key come from the function's environment (src/server/adapters/wechatpay/env.ts).
 */
export const PAYMENT_PROVIDERS = ['CLOUDPAY', 'WECHATPAY_V3'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];
export type PaymentSettings =
  | { provider: 'CLOUDPAY'; /** WeChat Pay sub-merchant number (服务商模式的子商户号). */ subMchId: string }
  | {
      provider: 'WECHATPAY_V3';
      /** The shop's own WeChat Pay merchant number (商户号). */
      mchId: string;
      /** Serial number of the merchant's API certificate (商户API证书序列号), which signs its requests. */
      certSerial: string;
      /** WeChat Pay public key id (微信支付公钥ID, `PUB_KEY_ID_…`), when the account verifies with WeChat Pay's public key. */
      platformPublicKeyId?: string;
      /** Serial of WeChat Pay's platform certificate (平台证书序列号), when the account verifies with platform certificates. */
      platformCertSerial?: string;
    };

export const ITEM_KINDS = ['NORMAL', 'FRESH', 'CUSTOM', 'VIRTUAL', 'CROSS_BORDER'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const CASE_TYPES = ['REFUND_ONLY', 'RETURN_REFUND', 'SHIPPING_FEE_ONLY', 'EXCHANGE'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const REASONS = ['QUALITY', 'LOGISTICS', 'NO_REASON', 'NOT_AS_DESCRIBED', 'MISSING_ITEM', 'OTHER'] as const;
export type Reason = (typeof REASONS)[number];
export const SELLER_RESPONSIBLE_REASONS: readonly Reason[] = ['QUALITY', 'LOGISTICS', 'NOT_AS_DESCRIBED', 'MISSING_ITEM'];
/** SPEC §5: the reasons an exchange (换货) may give. */
export const EXCHANGE_REASONS: readonly Reason[] = ['QUALITY', 'NOT_AS_DESCRIBED', 'NO_REASON', 'OTHER'];

export const CASE_STATUSES = [
  'PENDING',
  'NEGOTIATING',
  'APPROVED',
  'AWAITING_RETURN',
  'RETURN_SHIPPED',
  'REFUNDING',
  'REFUNDED',
  'REFUND_FAILED',
  'REJECTED',
  'ESCALATED',
  'CANCELLED',
  'CLOSED',
  'AWAITING_RESHIP',
  'RESHIPPED',
  'EXCHANGED',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** A case is open unless it is REFUNDED, CANCELLED, CLOSED or EXCHANGED. */
export const FINAL_STATUSES: readonly CaseStatus[] = ['REFUNDED', 'CANCELLED', 'CLOSED', 'EXCHANGED'];

export const ACTORS = ['BUYER', 'MERCHANT', 'PLATFORM', 'SYSTEM'] as const;
export type Actor = (typeof ACTORS)[number];

export const TIERS = ['NORMAL', 'DIFFICULT', 'LEGAL'] as const;
export type Tier = (typeof TIERS)[number];

export const EVIDENCE_KINDS = ['image', 'video'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export const EVIDENCE_TAGS = ['logistics', 'unboxing', 'receipt', 'qc_report', 'proof'] as const;
export type EvidenceTag = (typeof EVIDENCE_TAGS)[number];

export const REJECT_REASON_CODES = [
  'NO_EVIDENCE',
  'NOT_SELLER_RESPONSIBLE',
  'OUTSIDE_POLICY',
  'GOODS_RESELLABLE_ISSUE',
  'OTHER',
] as const;
export type RejectReasonCode = (typeof REJECT_REASON_CODES)[number];

export const REFUND_METHODS = ['ORIGINAL', 'DESIGNATED_ACCOUNT'] as const;
export type RefundMethod = (typeof REFUND_METHODS)[number];

export const REFUND_ATTEMPT_STATUSES = ['PROCESSING', 'SUCCESS', 'ABNORMAL', 'CLOSED'] as const;
export type RefundAttemptStatus = (typeof REFUND_ATTEMPT_STATUSES)[number];

export const MERCHANT_ROLES = ['STAFF', 'OWNER', 'PLATFORM'] as const;
export type MerchantRole = (typeof MERCHANT_ROLES)[number];

/**
 * How the local host's simulated gateway treats refunds of this order (SPEC §4 "Refunds (local host)").
 * The first attempt behaves as named; a retry (new or reused outRefundNo) then succeeds.
 * Absent: WECHAT/BANK_CARD settle SUCCESS within 2 s; CREDIT_CARD/THIRD_PARTY follow R4.
 */
export const REFUND_SCENARIOS = ['LATE', 'ABNORMAL', 'CLOSED', 'TIMEOUT', 'DUPLICATE_NOTIFY'] as const;
export type RefundScenario = (typeof REFUND_SCENARIOS)[number];

export interface OrderItem {
  skuId: string;
  title: string;
  unitFen: Fen;
  qty: number;
  /** What the buyer paid for the whole line, after discounts spread over items. */
  paidFen: Fen;
  kind: ItemKind;
  /** CUSTOM: the non-returnable clause was shown before purchase (R13). */
  customNoticeShown?: boolean;
  /** VIRTUAL: the code/card was activated (R14). */
  activated?: boolean;
  /** CROSS_BORDER: after-sale handled at a domestic address (R12). */
  localAfterSale?: boolean;
  /** The product's picture: an https URL, a cloud file id, or `/files/products/<name>` on the local host. */
  image?: string;
}

export interface LogisticsEvent {
  at: EpochMs;
  text: string;
}

export interface Logistics {
  company: string;
  trackingNo: string;
  events: LogisticsEvent[];
}

export interface Order {
  _id: string;
  shopId: string;
  buyerOpenid: string;
  status: OrderStatus;
  /** Everything the buyer paid, shipping included. */
  paidFen: Fen;
  shippingFen: Fen;
  payChannel: PayChannel;
  paidAt: EpochMs;
  shippedAt?: EpochMs;
  deliveredAt?: EpochMs;
  logistics?: Logistics;
  /** Return insurance (退货履约险 / 运费险, R29). */
  insured?: boolean;
  items: OrderItem[];
  refundScenario?: RefundScenario;
  createdAt?: EpochMs;
  // ── SPEC §7 demo checkout (order.create / pay / ship / confirmReceipt / cancel) ──
  /** Compare-and-set counter of the order's own changes (absent on orders stored before §7: 0). */
  version?: number;
  /** The payment as the gateway reported it (UNPAID: started, not yet confirmed). */
  payment?: OrderPayment;
  cancelledAt?: EpochMs;
  /** order.cancel of a PAID order: its full refund, attempts like a case's (`<orderId>-<n>`). */
  refunds?: RefundAttempt[];
  /** Why the cancellation's refund stopped (ABNORMAL / CLOSED / refused), as on a case. */
  lastError?: CaseError;
  /** When the timer must next look at this order (auto-confirm 10 d after shipment, a refund to query or retry). */
  timerAt?: EpochMs;
}

/** SPEC §7: how an order was paid. */
export interface OrderPayment {
  startedAt: EpochMs;
  /** WeChat Pay's transaction id, once the gateway reports the payment SUCCESS. */
  transactionId?: string;
}

/** SPEC §4 Shop.products: what the demo checkout sells. */
export interface Product {
  skuId: string;
  title: string;
  unitFen: Fen;
  kind: ItemKind;
  imageUrl?: string;
}

export interface ReturnAddress {
  name: string;
  phone: string;
  address: string;
}

export interface NoteTemplates {
  approve: string[];
  reject: string[];
  offer: string[];
}

/**
 * Subscribe messages: what a notice can tell, each put into a keyword of the shop's template by its data
 * key (`thing1`, `amount4` …); progress is always sent, the others only when the template has them
 * (src/core/subscribeFields.ts formats each by its key's type).
 */
export const SUBSCRIBE_VALUES = ['progress', 'caseNo', 'time', 'amount', 'result'] as const;
export type SubscribeValue = (typeof SUBSCRIBE_VALUES)[number];
/** One template's map: our value → the template's data key. */
export type TemplateFieldMap = { progress: string } & Partial<Record<Exclude<SubscribeValue, 'progress'>, string>>;
export interface SubscribeTemplateFields {
  decision: TemplateFieldMap;
  refund: TemplateFieldMap;
}

export interface ShopSettings {
  /** R17 */
  autoReplyText: string;
  /** R16 */
  autoApproveHours: number;
  /** R2: days after delivery, default and per reason (a shop may only lengthen). */
  windowDays: number;
  windowDaysByReason: Partial<Record<Reason, number>>;
  /** R18: 0 = off. */
  quickRefundThresholdFen: Fen;
  quickRefundSkuIds: string[];
  /**
   * R20: platform fee rate in basis points (60 = 0.6%). The platform's (seed / setup), shown to the
   * shop but never in `merchant.settings.set`'s patch (SettingsPatch omits it; the schema refuses it).
   */
  platformFeeRateBp: number;
  /** R12: customs fee deducted from the refundable amount of a case with cross-border items. */
  customsFeeFen: Fen;
  /** R23 */
  returnShipDays: number;
  receiptConfirmDays: number;
  /** R24 */
  escalateDays: number;
  platformBusinessDays: number;
  /** YYYY-MM-DD dates (Asia/Shanghai) skipped by the platform deadline. */
  holidays: string[];
  /** Negotiation: hours for the buyer to answer an offer. */
  offerAnswerHours: number;
  /** R27 */
  policyText: string;
  /** R28 */
  hotline: string;
  officialAccount: string;
  /** R21 / 六.4 话术 */
  noteTemplates: NoteTemplates;
  /** Subscribe-message template ids (cloud: subscribeMessage.send). */
  subscribeTemplateIds: { decision: string; refund: string };
  /** Which data key of each template carries which value (defaults: thing1, character_string2, time3). */
  subscribeTemplateFields: SubscribeTemplateFields;
  /** Items at or above this unit price prompt the buyer for an unboxing video (四.1). */
  valuableItemFen: Fen;
  /** Money out (SPEC §7): set only by setup / shop:create; absent = cloudPay with the function's SUB_MCH_ID. */
  payment?: PaymentSettings;
}

export interface Shop {
  _id: string;
  name: string;
  /** R5: the WeChat Pay merchant account is verified (实名认证). */
  verified: boolean;
  returnAddress?: ReturnAddress;
  settings: ShopSettings;
  /** SPEC §7: the goods the demo checkout sells (order.create). */
  products?: Product[];
}

export interface Merchant {
  openid: string;
  shopId: string;
  role: MerchantRole;
  name?: string;
  /** SPEC §7: when the code that made them a merchant was redeemed (absent for seeded merchants). */
  since?: EpochMs;
}

// ── SPEC §7 people: one-time codes (setup → OWNER, invite → STAFF) ──
export const ACCESS_CODE_KINDS = ['SETUP', 'INVITE'] as const;
export type AccessCodeKind = (typeof ACCESS_CODE_KINDS)[number];

/** A one-time code as stored: only its hash (the code itself is shown once, to whoever made it). */
export interface AccessCode {
  /** SHA-256 (hex) of the normalised code. */
  hash: string;
  kind: AccessCodeKind;
  shopId: string;
  /** What redeeming it makes the caller: SETUP → OWNER, INVITE → STAFF. */
  role: 'OWNER' | 'STAFF';
  createdAt: EpochMs;
  expiresAt: EpochMs;
  /** The owner who invited, or `setup` / `shop:create`. */
  createdBy: string;
  usedAt?: EpochMs;
  usedBy?: string;
  /** What the owner's list and `merchant.revokeInvite` call it (codes made before it: none, see pendingInviteId). */
  id?: string;
  /** The code's last characters, so the owner can tell which one they sent (never the whole code). */
  hint?: string;
  /** Revoked by the owner (merchant.revokeInvite): spent like a used code (`usedAt` set too), never redeemable. */
  revokedAt?: EpochMs;
}

/** A shop's order-sync key as stored (SPEC §7 "Orders in"): its SHA-256 only. */
export interface SyncKeyRecord {
  shopId: string;
  hash: string;
  rotatedAt: EpochMs;
  rotatedBy: string;
}

export interface Evidence {
  fileId: string;
  kind: EvidenceKind;
  sha256: string;
  tag?: EvidenceTag;
  /**
   * Who added it and when (filled by the server: BUYER at apply and buyer addEvidence, MERCHANT at
   * merchant.addEvidence). R22's 9 images / 1 video count per party. A record stored without `by`
   * belongs to the buyer when its file lies under the buyer's upload prefix (`evidencePartyOf`).
   */
  by?: Actor;
  at?: EpochMs;
}

export interface CaseItem {
  skuId: string;
  qty: number;
}

export interface Message {
  at: EpochMs;
  from: Actor;
  text: string;
  /** SPEC §6: photos or a video sent with a `message` (also on the case's `evidence`, where R22 counts them). */
  evidence?: Evidence[];
}

/** SPEC §6: the shop asked the buyer for more proof (merchant.requestEvidence); cleared when the buyer next adds evidence. */
export interface EvidenceRequest {
  at: EpochMs;
  note: string;
}

export interface RefundAttempt {
  outRefundNo: string;
  amountFen: Fen;
  status: RefundAttemptStatus;
  at: EpochMs;
  settledAt?: EpochMs;
  method: RefundMethod;
  /** Masked designated account, when method is DESIGNATED_ACCOUNT. */
  account?: string;
  /** Gateway's reason for ABNORMAL / CLOSED. */
  failure?: string;
}

export interface HistoryEvent {
  at: EpochMs;
  actor: Actor;
  action: string;
  from?: CaseStatus;
  to: CaseStatus;
  note?: string;
  /** Facts of the event that the chain protects (amounts, codes, file ids). */
  data?: Record<string, unknown>;
  /**
   * The event's position in the chain (0 for APPLY), written by `appendHistory` since historyHead /
   * historyCount exist: a case with such an event must carry both (docs/DESIGN.md "History head and money check").
   */
  seq?: number;
  prevHash: string;
  hash: string;
}

export interface CaseError {
  code: string;
  message: string;
  solution: string;
}

export interface Suggestion {
  reason: Reason;
  confidence: number;
  decision: 'APPROVE' | 'REJECT' | 'ASK_EVIDENCE';
  why: string[];
}

export interface Offer {
  amountFen: Fen;
  note: string;
  at: EpochMs;
}

export interface ReturnShipment {
  company: string;
  trackingNo: string;
  at: EpochMs;
}

export interface Rejection {
  reasonCode: RejectReasonCode;
  note: string;
  at: EpochMs;
}

export interface AfterSaleCase {
  _id: string;
  orderId: string;
  shopId: string;
  buyerOpenid: string;
  idempotencyKey: string;
  type: CaseType;
  reason: Reason;
  status: CaseStatus;
  tier: Tier;
  items: CaseItem[];
  /**
   * Titles of the claimed order lines, in the order of `items`, copied from the order at apply, so lists
   * (merchant.list, listMine) can name the goods without loading each order.
   */
  itemTitles?: string[];
  /** The picture of the first claimed line that has one, copied with `itemTitles`, for the cards. */
  itemImage?: string;
  /** The shop's name, copied at apply, for the platform's queue across shops. */
  shopName?: string;
  /** What the buyer asked for (0 for an EXCHANGE: no money moves unless it is converted to a refund). */
  amountFen: Fen;
  /** What was agreed (approval, accepted offer, platform decision), compensation included. */
  approvedFen?: Fen;
  compensationFen?: Fen;
  /** R20: the refund fee and who bears it. */
  feeFen: Fen;
  feeBearer: 'NONE' | 'MERCHANT';
  description: string;
  evidence: Evidence[];
  /** The deadline of the current status, as shown to people (auto-approve, ship-by, …). */
  deadlineAt?: EpochMs;
  /** When the timer must next look at this case; absent when it need not. */
  timerAt?: EpochMs;
  version: number;
  lastError?: CaseError;
  returnAddress?: ReturnAddress;
  returnShipment?: ReturnShipment;
  /** EXCHANGE (SPEC §5): the size or colour the buyer wants, 1–100 characters. */
  exchangeNote?: string;
  /** EXCHANGE: the replacement the merchant shipped (merchant.reship). */
  reship?: ReturnShipment;
  /** EXCHANGE: when it was converted to a refund (merchant.convertToRefund, or the 72 h timer). */
  convertedAt?: EpochMs;
  offer?: Offer;
  rejection?: Rejection;
  refundMethod?: RefundMethod;
  designatedAccount?: string;
  suggestion?: Suggestion;
  /** R10/R11: this case claims the order's shipping fee (at most one live or refunded case may). */
  coversShipping?: boolean;
  /** R29: the order has return insurance, so return shipping is covered. */
  insured?: boolean;
  /** R24: the platform's deadline has passed without a decision. */
  platformOverdue?: boolean;
  /** R24: 微信小法庭 entry is shown. */
  legalEntry?: boolean;
  approvedAt?: EpochMs;
  /** The merchant (or the 10-day timer) confirmed the returned goods. */
  returnReceivedAt?: EpochMs;
  /** R6: the returned goods were confirmed as unsealed. */
  unsealed?: boolean;
  escalatedAt?: EpochMs;
  /** How the case was approved, for analytics (R25: 利润损失 from timeouts). */
  approvedBy?: 'MERCHANT' | 'TIMEOUT' | 'QUICK_REFUND' | 'PLATFORM' | 'OFFER_ACCEPTED';
  /** R25: the platform overturned the merchant's rejection. */
  overturned?: boolean;
  messages: Message[];
  /** SPEC §6: an open request for more proof from the shop, until the buyer next adds evidence. */
  evidenceRequest?: EvidenceRequest;
  /**
   * SPEC §6 (modify): every order line (skuId) the case has ever named, set once the case is modified;
   * R32's 5 cases per line count the case on each of them. Absent: the lines of `items`.
   */
  linesEver?: string[];
  refunds: RefundAttempt[];
  history: HistoryEvent[];
  /**
   * The newest history event's hash (64 zeros for none) and the number of events, kept in step by
   * `appendHistory`, so `verify` catches newest events removed. Absent only on cases stored before
   * they existed, until their next event (docs/DESIGN.md "History head and money check").
   */
  historyHead?: string;
  historyCount?: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** Outbox / notification record (local host; cloud: subscribeMessage.send). */
export interface Notification {
  _id: string;
  at: EpochMs;
  toOpenid: string;
  caseId?: string;
  templateKey: 'decision' | 'refund' | 'autoReply' | 'ticket' | 'message';
  templateId?: string;
  /** The shop's key map for `templateId` when the notice was made (absent: the default keys). */
  templateFields?: TemplateFieldMap;
  text: string;
  data?: Record<string, unknown>;
}

/** A ticket opened by R8 (退款未到账). */
export interface Ticket {
  _id: string;
  caseId: string;
  outRefundNo: string;
  openid: string;
  at: EpochMs;
  text: string;
}
