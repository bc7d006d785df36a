/**
 * What each code of the domain is called on screen, in the words a shop's customer uses. Shared by the
 * buyer pages and the merchant subpackage so one status never has two names.
 */
import type { Actor, CaseStatus, CaseType, EvidenceTag, OrderStatus, PayChannel, RefundAttempt, Tier } from '../../types/domain';
import { ACTION_LABELS, STATUS_LABELS } from '../core/lifecycle';

/** The core names case statuses and history actions once, for the pages and the notifications alike. */
export { STATUS_LABELS as CASE_STATUS_LABELS, ACTION_LABELS };

/** Colour family of a status tag: waiting on someone, money moving, done well, stopped. */
export type Tone = 'wait' | 'progress' | 'success' | 'danger' | 'muted';

export const CASE_STATUS_TONES: Record<CaseStatus, Tone> = {
  PENDING: 'wait',
  NEGOTIATING: 'wait',
  APPROVED: 'progress',
  AWAITING_RETURN: 'wait',
  RETURN_SHIPPED: 'progress',
  REFUNDING: 'progress',
  REFUNDED: 'success',
  REFUND_FAILED: 'danger',
  REJECTED: 'danger',
  ESCALATED: 'wait',
  CANCELLED: 'muted',
  CLOSED: 'muted',
  AWAITING_RESHIP: 'wait',
  RESHIPPED: 'progress',
  EXCHANGED: 'success',
};

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  UNPAID: '待付款',
  PAID: '待发货',
  SHIPPED: '待收货',
  DELIVERED: '已签收',
  COMPLETED: '已完成',
  CANCELLED: '已取消',
};

export const ORDER_STATUS_TONES: Record<OrderStatus, Tone> = {
  UNPAID: 'wait',
  PAID: 'wait',
  SHIPPED: 'progress',
  DELIVERED: 'success',
  COMPLETED: 'muted',
  CANCELLED: 'muted',
};

export const CASE_TYPE_LABELS: Record<CaseType, string> = {
  REFUND_ONLY: '仅退款',
  RETURN_REFUND: '退货退款',
  SHIPPING_FEE_ONLY: '仅退运费',
  EXCHANGE: '换货',
};

export const CASE_TYPE_HINTS: Record<CaseType, string> = {
  REFUND_ONLY: '未收到货，或收到的商品不用退回',
  RETURN_REFUND: '把商品寄回给商家后退款',
  SHIPPING_FEE_ONLY: '只退运费，需写明具体原因',
  EXCHANGE: '寄回商品，商家换发同款（可换尺码或颜色）',
};

export const EVIDENCE_TAG_LABELS: Record<EvidenceTag, string> = {
  logistics: '物流截图',
  unboxing: '开箱视频',
  receipt: '签收时拍照',
  qc_report: '质检报告',
  // Added after the application: proof of non-use (R6), or what the shop or a rejection asked for.
  proof: '补充凭证',
};

/** A photo of the goods needs no tag of its own; the uploader's chips offer it with the tags. */
export const PRODUCT_PHOTO_LABEL = '商品照片';

export const ACTOR_LABELS: Record<Actor, string> = {
  BUYER: '我',
  MERCHANT: '商家',
  PLATFORM: '平台',
  SYSTEM: '系统',
};

export const TIER_LABELS: Record<Tier, string> = {
  NORMAL: '普通售后',
  DIFFICULT: '疑难问题',
  LEGAL: '法律纠纷',
};

export const PAY_CHANNEL_LABELS: Record<PayChannel, string> = {
  WECHAT: '微信支付',
  BANK_CARD: '银行卡',
  CREDIT_CARD: '信用卡',
  THIRD_PARTY: '第三方支付',
};

export const REJECT_REASON_LABELS: Record<string, string> = {
  NO_EVIDENCE: '凭证不足',
  NOT_SELLER_RESPONSIBLE: '非商家责任',
  OUTSIDE_POLICY: '不符合售后政策',
  GOODS_RESELLABLE_ISSUE: '商品影响二次销售',
  OTHER: '其他原因',
};

/**
 * Where a refund lands and when it arrives, in the words WeChat Pay uses: a 零钱 payment is refunded to
 * 零钱 (usually within 20 minutes), a card payment to that card (1–3 working days at the bank), and a
 * designated account is the one buyer and shop agreed on.
 */
export interface RefundDestination {
  /** Where the money goes, as the buyer names it: 微信零钱, 原支付银行卡 … */
  to: string;
  /** When it arrives, as WeChat Pay states it. */
  arrival: string;
  /** The same two, short enough for one step of the progress bar. */
  toShort: string;
  arrivalShort: string;
}

export function refundDestination(channel: PayChannel, attempt?: Pick<RefundAttempt, 'method' | 'account'>): RefundDestination {
  if (attempt?.method === 'DESIGNATED_ACCOUNT') {
    return { to: `约定的收款账户${attempt.account ? ` ${attempt.account}` : ''}`, arrival: '一般1-3个工作日到账', toShort: '约定账户', arrivalShort: '1-3个工作日' };
  }
  switch (channel) {
    case 'WECHAT':
      return { to: '微信零钱', arrival: '一般20分钟内到账', toShort: '微信零钱', arrivalShort: '约20分钟到账' };
    case 'BANK_CARD':
      return { to: '原支付银行卡', arrival: '一般1-3个工作日到账，以银行入账为准', toShort: '银行卡', arrivalShort: '1-3个工作日' };
    case 'CREDIT_CARD':
      return { to: '原支付信用卡', arrival: '一般1-3个工作日到账，以发卡行入账为准', toShort: '信用卡', arrivalShort: '1-3个工作日' };
    default:
      return { to: '原支付账户', arrival: '到账时间以支付机构为准', toShort: '原支付账户', arrivalShort: '以支付机构为准' };
  }
}
