/**
 * What each code of the domain is called on screen, in the words a shop's customer uses. Shared by the
 * buyer pages and the merchant subpackage so one status never has two names.
 */
import type { Actor, CaseStatus, CaseType, EvidenceTag, OrderStatus, PayChannel, Tier } from '../../types/domain';
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
};

export const CASE_TYPE_HINTS: Record<CaseType, string> = {
  REFUND_ONLY: '未收到货，或收到的商品不用退回',
  RETURN_REFUND: '把商品寄回给商家后退款',
  SHIPPING_FEE_ONLY: '只退运费，需写明具体原因',
};

export const EVIDENCE_TAG_LABELS: Record<EvidenceTag, string> = {
  logistics: '物流截图',
  unboxing: '开箱视频',
  receipt: '签收时拍照',
  qc_report: '质检报告',
  proof: '未使用证明',
};

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
