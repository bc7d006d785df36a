/**
 * Request and response of every action in SPEC §4. The server validates each request with a zod
 * schema (src/server/schemas.ts) that is checked against these types at compile time.
 */
import type {
  AfterSaleCase,
  CaseItem,
  CaseStatus,
  CaseType,
  EpochMs,
  Evidence,
  Fen,
  Merchant,
  Order,
  Product,
  Reason,
  RefundMethod,
  RejectReasonCode,
  Shop,
  ShopSettings,
} from './domain';
import type { ApiError, ErrorCode } from './errors';

export type EvidenceInput = Pick<Evidence, 'fileId' | 'kind' | 'sha256' | 'tag'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListQuery {
  status?: CaseStatus;
  cursor?: string;
  limit?: number;
}

export interface DraftApplication {
  orderId: string;
  type: CaseType;
  reason: Reason;
  items: CaseItem[];
  amountFen?: Fen;
  description?: string;
  evidence?: EvidenceInput[];
  /** EXCHANGE (SPEC §5): the size or colour wanted, 1–100 characters; required for an exchange. */
  exchangeNote?: string;
}

export interface ApplyRequest extends DraftApplication {
  amountFen: Fen;
  description: string;
  evidence: EvidenceInput[];
  idempotencyKey: string;
}

export interface Violation {
  rule: string;
  code: ErrorCode;
  message: string;
  solution: string;
  field?: string;
}

export interface Deadlines {
  /** R2: last moment to apply (absent while a SHIPPED order has no deliveredAt). */
  applyBy?: EpochMs;
  /** R31: 365 days after payment. */
  paymentRefundBy: EpochMs;
  /** R16: if applied now, auto-approved at. */
  autoApproveAt: EpochMs;
  /** R23: if approved now (return), ship by / confirmed by. */
  returnShipBy?: EpochMs;
  receiptConfirmBy?: EpochMs;
}

export interface Notice {
  rule: string;
  text: string;
}

export interface PreviewResult {
  eligible: boolean;
  violations: Violation[];
  maxRefundableFen: Fen;
  feeFen: Fen;
  feeBearer: 'NONE' | 'MERCHANT';
  deadlines: Deadlines;
  notices: Notice[];
}

export interface StatsQuery {
  from: EpochMs;
  to: EpochMs;
}

export interface StatsBucket {
  key: string;
  label: string;
  count: number;
  amountFen: Fen;
}

export interface Stats {
  from: EpochMs;
  to: EpochMs;
  totalCases: number;
  refundedCases: number;
  refundedFen: Fen;
  deliveredOrders: number;
  /** refunded cases ÷ delivered orders in the period (0 when no orders). */
  refundRate: number;
  byReason: StatsBucket[];
  bySku: StatsBucket[];
  byWeek: StatsBucket[];
  /** Approved by the 48 h timeout (利润损失). */
  autoApprovedCases: number;
  autoApprovedFen: Fen;
  /** Rejections the platform overturned (客诉风险). */
  overturnedCases: number;
  /**
   * 换货 (SPEC §5), counted apart from refunds: exchanges applied for in the period, those completed
   * (EXCHANGED), and those converted to a refund (out of stock, or not reshipped in 72 h).
   */
  exchangeCases: number;
  exchangedCases: number;
  convertedCases: number;
  csv: string;
}

export interface VerifyResult {
  ok: boolean;
  brokenAt?: number;
}

export interface ApproveRequest {
  caseId: string;
  refundMethod?: RefundMethod;
  account?: string;
  compensationFen?: Fen;
  note?: string;
}

export interface RejectRequest {
  caseId: string;
  reasonCode: RejectReasonCode;
  note: string;
}

export interface OfferRequest {
  caseId: string;
  amountFen: Fen;
  note: string;
}

export interface ConfirmReturnRequest {
  caseId: string;
  unsealed?: boolean;
}

export interface AddEvidenceRequest {
  caseId: string;
  evidence: EvidenceInput[];
  note?: string;
}

export interface RetryRefundRequest {
  caseId: string;
  refundMethod?: RefundMethod;
  account?: string;
}

/** SPEC §5: the merchant ships the replacement of an exchange. */
export interface ReshipRequest {
  caseId: string;
  company: string;
  trackingNo: string;
}

/** SPEC §5: out of stock, the exchange becomes a refund of the case's units. */
export interface ConvertToRefundRequest {
  caseId: string;
  note: string;
}

/** SPEC §6: a message of the buyer, the shop or the platform on an open case. */
export interface MessageRequest {
  caseId: string;
  text: string;
  evidence?: EvidenceInput[];
}

/** SPEC §6: the shop asks the buyer for more proof (PENDING, NEGOTIATING). */
export interface RequestEvidenceRequest {
  caseId: string;
  note: string;
}

/** SPEC §6: the buyer changes the application (PENDING, or REJECTED inside its escalation window). */
export interface ModifyRequest {
  caseId: string;
  type?: CaseType;
  reason?: Reason;
  items?: CaseItem[];
  amountFen?: Fen;
  description?: string;
  evidence?: EvidenceInput[];
  exchangeNote?: string;
}

/** The buyer's other cases with the shop, beside the merchant's review (SPEC §6 pages). */
export type BuyerCaseSummary = Pick<
  AfterSaleCase,
  '_id' | 'orderId' | 'type' | 'reason' | 'status' | 'amountFen' | 'approvedFen' | 'itemTitles' | 'createdAt'
>;

export interface DecideRequest {
  caseId: string;
  decision: 'APPROVE' | 'REJECT';
  amountFen?: Fen;
  note: string;
}

/**
 * What `merchant.settings.set` takes: every shop setting but the platform's fee rate (R20) and the
 * payment account (SPEC §7, set only by setup / shop:create), and the return address.
 */
export type SettingsPatch = Partial<Omit<ShopSettings, 'platformFeeRateBp' | 'payment'>> & { returnAddress?: Shop['returnAddress'] };

export interface SettingsView {
  shop: Pick<Shop, '_id' | 'name' | 'verified' | 'returnAddress'>;
  settings: ShopSettings;
}

/** What the caller is (`whoami`, used by the h5 sign-in page and page guards). */
export interface Identity {
  openid: string;
  role: 'BUYER' | Merchant['role'];
  shopId?: string;
  /** The merchant's shop's name (「我的身份」 shows it). */
  shopName?: string;
}

// ── SPEC §7 people and orders in ──
/** `merchant.invite`: a one-time code to send in WeChat, valid until `expiresAt`. */
export interface Invite {
  code: string;
  expiresAt: EpochMs;
}

/** `merchant.invites`: one unused, unexpired invite code, without the code itself (only its hash is kept). */
export interface PendingInvite {
  id: string;
  /** The code's last characters (「尾号」); absent on codes made before it was kept. */
  hint?: string;
  createdAt: EpochMs;
  expiresAt: EpochMs;
}

/** `merchant.invites` / `merchant.revokeInvite`: the shop's pending invites, newest first. */
export interface PendingInvites {
  invites: PendingInvite[];
}

/** `merchant.staff.list`: the shop's people, owner first. */
export interface StaffList {
  members: { openid: string; role: 'OWNER' | 'STAFF'; name?: string; since?: EpochMs }[];
  /** When the order-sync key was last rotated (absent: never; orderSync refuses every call). */
  syncKeyRotatedAt?: EpochMs;
}

/** `orderSync {shopId, orders}` (cloud: the event also carries `shopKey`; local: header x-shop-key). */
export interface OrderSyncRequest {
  shopId: string;
  orders: unknown[];
}

export interface OrderSyncRejection {
  /** The entry's `_id`, or null when it has none that could be read. */
  _id: string | null;
  /** The entry's position in `orders`. */
  index: number;
  error: ApiError;
}

export interface OrderSyncResult {
  upserted: string[];
  unchanged: string[];
  rejected: OrderSyncRejection[];
}

/** What `setup` / `shop:create` made: the shop and its one-time setup code (24 h). */
export interface ShopCreated {
  shopId: string;
  setupCode: string;
  expiresAt: EpochMs;
}

/** Order as the buyer sees it, with what the core says about after-sale on it. */
export interface OrderView extends Order {
  shop: Pick<Shop, '_id' | 'name' | 'verified' | 'returnAddress'> & {
    settings: Pick<
      ShopSettings,
      'policyText' | 'hotline' | 'officialAccount' | 'windowDays' | 'windowDaysByReason' | 'valuableItemFen' | 'customsFeeFen' | 'platformFeeRateBp' | 'autoApproveHours'
    > &
      /** The weapp asks the buyer to subscribe to these right before applying, so the shop's notices can reach them. */
      Partial<Pick<ShopSettings, 'subscribeTemplateIds'>>;
  };
  /** The buyer's cases on this order (summaries are enough to preview on the device). */
  cases: AfterSaleCase[];
  /** R7 on the device: when the buyer's cases of the last 30 days were created, and a lift if any. */
  buyerCaseTimes: EpochMs[];
  riskLiftedAt?: EpochMs;
}

// ── SPEC §7 demo checkout ──
/** What a buyer sees of a shop before buying (shop.get). */
export interface ShopView extends Pick<Shop, '_id' | 'name' | 'verified'> {
  settings: Pick<ShopSettings, 'policyText' | 'hotline' | 'windowDays'>;
  products: Product[];
}

export interface CreateOrderRequest {
  shopId: string;
  items: { skuId: string; qty: number }[];
}

/** order.pay: the order as it stands, and what the page does to pay (weapp: wx.requestPayment with `payment`). */
export interface PayOrderResult {
  order: Order;
  payment:
    | { kind: 'REQUEST_PAYMENT'; payment: { timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string } }
    | { kind: 'PAID' };
}

export interface ShipOrderRequest {
  orderId: string;
  company: string;
  trackingNo: string;
}

export interface OrderListQuery {
  status?: Order['status'];
  cursor?: string;
  limit?: number;
}

/** merchant.retryRefund: a case's refund, or (SPEC §7) an order cancellation's. */
export type RetryRefundInput = RetryRefundRequest | { orderId: string };

/** action name → [request, response]. */
export interface Actions {
  whoami: [Record<string, never>, Identity];
  'order.list': [{ status?: Order['status']; cursor?: string; limit?: number }, Page<OrderView>];
  'order.get': [{ orderId: string }, OrderView];
  preview: [DraftApplication, PreviewResult];
  apply: [ApplyRequest, AfterSaleCase];
  get: [{ caseId: string }, AfterSaleCase];
  listMine: [ListQuery, Page<AfterSaleCase>];
  cancel: [{ caseId: string }, AfterSaleCase];
  shipReturn: [{ caseId: string; company: string; trackingNo: string }, AfterSaleCase];
  acceptOffer: [{ caseId: string }, AfterSaleCase];
  declineOffer: [{ caseId: string }, AfterSaleCase];
  addEvidence: [AddEvidenceRequest, AfterSaleCase];
  escalate: [{ caseId: string; note: string }, AfterSaleCase];
  reportNotReceived: [{ caseId: string }, AfterSaleCase];
  verify: [{ caseId: string }, VerifyResult];
  confirmReceipt: [{ caseId: string }, AfterSaleCase];
  // SPEC §6: talking, proof and changing the application.
  message: [MessageRequest, AfterSaleCase];
  modify: [ModifyRequest, AfterSaleCase];
  'merchant.requestEvidence': [RequestEvidenceRequest, AfterSaleCase];
  'merchant.list': [ListQuery, Page<AfterSaleCase>];
  'merchant.get': [{ caseId: string }, AfterSaleCase & { order: Order; buyerCases?: BuyerCaseSummary[] }];
  'merchant.approve': [ApproveRequest, AfterSaleCase];
  'merchant.reject': [RejectRequest, AfterSaleCase];
  'merchant.offer': [OfferRequest, AfterSaleCase];
  'merchant.confirmReturn': [ConfirmReturnRequest, AfterSaleCase];
  'merchant.addEvidence': [AddEvidenceRequest, AfterSaleCase];
  'merchant.retryRefund': [RetryRefundInput, AfterSaleCase | Order];
  'merchant.reship': [ReshipRequest, AfterSaleCase];
  'merchant.convertToRefund': [ConvertToRefundRequest, AfterSaleCase];
  'merchant.stats': [StatsQuery, Stats];
  'merchant.settings.get': [Record<string, never>, SettingsView];
  'merchant.settings.set': [SettingsPatch, SettingsView];
  'platform.list': [{ cursor?: string; limit?: number }, Page<AfterSaleCase>];
  'platform.get': [{ caseId: string }, AfterSaleCase & { order: Order }];
  'platform.decide': [DecideRequest, AfterSaleCase];
  'platform.liftRisk': [{ openid: string; note: string }, { openid: string; liftedAt: EpochMs }];
  // ── SPEC §7 demo checkout ──
  'shop.get': [{ shopId: string }, ShopView];
  'order.create': [CreateOrderRequest, Order];
  'order.pay': [{ orderId: string }, PayOrderResult];
  'order.confirmReceipt': [{ orderId: string }, Order];
  'order.cancel': [{ orderId: string }, Order];
  'merchant.ship': [ShipOrderRequest, Order];
  'merchant.orders': [OrderListQuery, Page<Order>];
  // ── SPEC §7 people ──
  'shop.claim': [{ setupCode: string }, Identity];
  'merchant.join': [{ code: string }, Identity];
  'merchant.invite': [{ role: 'STAFF' }, Invite];
  'merchant.invites': [Record<string, never>, PendingInvites];
  'merchant.revokeInvite': [{ id: string }, PendingInvites];
  'merchant.removeStaff': [{ openid: string }, StaffList];
  'merchant.staff.list': [Record<string, never>, StaffList];
  'merchant.syncKey.rotate': [Record<string, never>, { key: string; rotatedAt: EpochMs }];
}
export type ActionName = keyof Actions;
export type ActionRequest<A extends ActionName> = Actions[A][0];
export type ActionResponse<A extends ActionName> = Actions[A][1];
