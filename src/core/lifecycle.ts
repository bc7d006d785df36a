/**
 * The case lifecycle (docs/DESIGN.md "The lifecycle table"): one table of (status, event, actor) rows,
 * and `transition`, which applies one event to one case or throws. Nothing outside the table changes a
 * case, so a second approve, a cancel after approval or a lost race all end in CASE_STATE_CHANGED.
 */
import type { ApplyRequest } from '../../types/api';
import type {
  Actor,
  AfterSaleCase,
  CaseError,
  CaseStatus,
  EpochMs,
  Evidence,
  Fen,
  Message,
  Notification,
  RefundAttempt,
  RefundMethod,
} from '../../types/domain';
import { REJECT_REASON_CODES } from '../../types/domain';
import type { ErrorCode } from '../../types/errors';
import { appendHistory } from './chain';
import type { CaseEvent, CaseEventType, Effect, RuleContext, TransitionContext, TransitionResult } from './context';
import { CATALOGUE, DomainError } from './errors';
import { formatYuan } from './money';
import {
  checkApplication,
  checkApprovedAmount,
  codePointLength,
  coversShipping,
  evaluateApplication,
  evidenceViolation,
  partyEvidence,
  paymentWindowExpired,
  refundFee,
  exchangeRefund,
  refundNumbersOnOrder,
  unitsValueFen,
  violationError,
} from './rules';
import { claimedImage } from './orders';
import { LIMITS } from './settings';
import { suggest } from './suggestion';
import { addBusinessDays, DAY_MS, formatTime, HOUR_MS } from './time';

export interface TransitionRow {
  from: CaseStatus;
  event: CaseEventType;
  /** Who may cause it. */
  actors: readonly Actor[];
  /** Every status the row can end in (the guard and the case's facts pick one). */
  to: readonly CaseStatus[];
  guard: string;
}

const APPROVAL: readonly CaseStatus[] = ['AWAITING_RETURN', 'REFUNDING', 'REFUND_FAILED'];
const REFUND_START: readonly CaseStatus[] = ['REFUNDING', 'REFUND_FAILED'];

function row(from: CaseStatus, event: CaseEventType, actors: readonly Actor[], to: readonly CaseStatus[], guard = ''): TransitionRow {
  return { from, event, actors, to, guard };
}

/** SPEC §6: statuses a case is open in (APPROVED never rests), where its parties may talk. */
const TALK_STATUSES: readonly CaseStatus[] = [
  'PENDING',
  'NEGOTIATING',
  'AWAITING_RETURN',
  'RETURN_SHIPPED',
  'REFUNDING',
  'REFUND_FAILED',
  'REJECTED',
  'ESCALATED',
  'AWAITING_RESHIP',
  'RESHIPPED',
];

/** SPEC §6 `message`: the buyer and the shop on any open case, the platform on an escalated one; nothing moves. */
const MESSAGE_ROWS: readonly TransitionRow[] = TALK_STATUSES.map((st) =>
  row(st, 'MESSAGE', st === 'ESCALATED' ? ['BUYER', 'MERCHANT', 'PLATFORM'] : ['BUYER', 'MERCHANT'], [st], 'SPEC §6: 1–500 characters; R22 per party; ≤ 50 per party'),
);

export const TRANSITIONS: readonly TransitionRow[] = [
  row('PENDING', 'APPROVE', ['MERCHANT', 'SYSTEM'], APPROVAL, 'R3 on amountFen + compensationFen; R33 for returns; SYSTEM via TIMEOUT once deadlineAt has passed, or QUICK_REFUND'),
  row('PENDING', 'REJECT', ['MERCHANT'], ['REJECTED'], 'R21: reasonCode and a note; escalate-by +escalateDays'),
  row('PENDING', 'OFFER', ['MERCHANT'], ['NEGOTIATING'], '0 < amountFen ≤ case.amountFen; answer-by +offerAnswerHours'),
  row('NEGOTIATING', 'OFFER', ['MERCHANT'], ['NEGOTIATING'], '0 < amountFen ≤ case.amountFen; answer-by +offerAnswerHours'),
  row('PENDING', 'CANCEL', ['BUYER'], ['CANCELLED']),
  row('NEGOTIATING', 'CANCEL', ['BUYER'], ['CANCELLED']),
  row('REJECTED', 'CANCEL', ['BUYER'], ['CANCELLED']),
  row('PENDING', 'ADD_EVIDENCE', ['BUYER', 'MERCHANT'], ['PENDING'], 'R22 per party: the caller\'s side of the case\'s evidence'),
  row('NEGOTIATING', 'ADD_EVIDENCE', ['BUYER'], ['PENDING', 'NEGOTIATING'], 'R6 (unsealed goods): back to the merchant with a new auto-approve deadline; otherwise SPEC §6: nothing moves'),
  row('NEGOTIATING', 'ADD_EVIDENCE', ['MERCHANT'], ['NEGOTIATING'], 'R22'),
  row('NEGOTIATING', 'ACCEPT_OFFER', ['BUYER'], APPROVAL, 'an offer is on the table; approvedFen = offer; R3'),
  row('NEGOTIATING', 'DECLINE_OFFER', ['BUYER'], ['ESCALATED'], 'tier DIFFICULT, LEGAL from ¥500'),
  row('NEGOTIATING', 'OFFER_TIMEOUT', ['SYSTEM'], ['ESCALATED'], 'deadlineAt has passed; tier DIFFICULT, LEGAL from ¥500'),
  row('REJECTED', 'ESCALATE', ['BUYER'], ['ESCALATED'], 'R24: within escalateDays of the rejection'),
  row('REJECTED', 'ESCALATE_TIMEOUT', ['SYSTEM'], ['CLOSED'], 'deadlineAt has passed'),
  row('AWAITING_RETURN', 'SHIP_RETURN', ['BUYER'], ['RETURN_SHIPPED'], 'R23: confirm-by +receiptConfirmDays'),
  row('AWAITING_RETURN', 'SHIP_TIMEOUT', ['SYSTEM'], ['CLOSED'], 'R23: deadlineAt has passed'),
  row('RETURN_SHIPPED', 'CONFIRM_RETURN', ['MERCHANT', 'SYSTEM'], [...REFUND_START, 'NEGOTIATING', 'AWAITING_RESHIP'], 'R6 unsealed NO_REASON → NEGOTIATING; an EXCHANGE → AWAITING_RESHIP (reship-by +72 h); SYSTEM once deadlineAt has passed'),
  row('AWAITING_RESHIP', 'RESHIP', ['MERCHANT'], ['RESHIPPED'], 'SPEC §5: company and trackingNo; receipt confirmed by +exchangeReceiptDays'),
  row('AWAITING_RESHIP', 'CONVERT_TO_REFUND', ['MERCHANT', 'SYSTEM'], REFUND_START, 'SPEC §5: out of stock (a note), or SYSTEM once the 72 h have passed (tier DIFFICULT); R11\'s most refundable for the case\'s units, R20, R3'),
  row('RESHIPPED', 'CONFIRM_RECEIPT', ['BUYER', 'SYSTEM'], ['EXCHANGED'], 'SPEC §5: SYSTEM once deadlineAt (10 d after the reship) has passed'),
  row('ESCALATED', 'PLATFORM_DECIDE', ['PLATFORM'], [...APPROVAL, 'CLOSED'], 'R24: APPROVE → approval (overturned when rejected), REJECT → CLOSED'),
  row('ESCALATED', 'PLATFORM_OVERDUE', ['SYSTEM'], ['ESCALATED'], 'R24: deadlineAt has passed; flagged once'),
  row('REFUNDING', 'REFUND_RESULT', ['SYSTEM'], ['REFUNDED', 'REFUND_FAILED'], 'for the latest PROCESSING attempt only'),
  row('REFUNDING', 'REFUND_REFUSED', ['SYSTEM'], ['REFUND_FAILED'], 'for the latest PROCESSING attempt only (R4, R31)'),
  row('REFUND_FAILED', 'RETRY_REFUND', ['MERCHANT', 'SYSTEM'], REFUND_START, 'SYSTEM only when the cause is gone (REFUND_CLOSED; R5 once verified)'),
  row('REFUNDED', 'REPORT_NOT_RECEIVED', ['BUYER'], ['REFUNDED'], 'R8: not before settledAt + 48 h'),
  // SPEC §6: proof after a rejection and during the platform's review, without moving the case.
  row('REJECTED', 'ADD_EVIDENCE', ['BUYER'], ['REJECTED'], 'SPEC §6: inside the escalation window; status and deadline unchanged'),
  row('ESCALATED', 'ADD_EVIDENCE', ['BUYER'], ['ESCALATED'], 'SPEC §6: the platform sees everything added; status and deadline unchanged'),
  row('PENDING', 'REQUEST_EVIDENCE', ['MERCHANT'], ['PENDING'], 'SPEC §6: a note; evidenceRequest until the buyer adds evidence; no deadline moves'),
  row('NEGOTIATING', 'REQUEST_EVIDENCE', ['MERCHANT'], ['NEGOTIATING'], 'SPEC §6: a note; evidenceRequest until the buyer adds evidence; no deadline moves'),
  row('PENDING', 'MODIFY', ['BUYER'], ['PENDING'], 'SPEC §6: checked as a new application; ≤ 3 modifications; a new 48 h'),
  row('REJECTED', 'MODIFY', ['BUYER'], ['PENDING'], 'SPEC §6: inside the escalation window; checked as a new application; ≤ 3 modifications; a new 48 h'),
  ...MESSAGE_ROWS,
];

export const STATUS_LABELS: Record<CaseStatus, string> = {
  PENDING: '待商家处理',
  NEGOTIATING: '协商中',
  APPROVED: '已同意',
  AWAITING_RETURN: '待买家退货',
  RETURN_SHIPPED: '待商家收货',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
  REFUND_FAILED: '退款失败',
  REJECTED: '商家已拒绝',
  ESCALATED: '平台介入中',
  CANCELLED: '已撤销',
  CLOSED: '已关闭',
  AWAITING_RESHIP: '待商家发出换货',
  RESHIPPED: '换货已发出',
  EXCHANGED: '已换货',
};

/** The history's action names, as the case timeline shows them. */
export const ACTION_LABELS: Record<string, string> = {
  APPLY: '买家申请售后',
  APPROVE: '商家同意',
  AUTO_APPROVE: '超时自动同意',
  QUICK_REFUND: '快捷退款',
  REJECT: '商家拒绝',
  OFFER: '商家提出协商',
  CANCEL: '买家撤销申请',
  ACCEPT_OFFER: '买家接受协商',
  DECLINE_OFFER: '买家拒绝协商',
  OFFER_TIMEOUT: '协商超时，转平台处理',
  ADD_EVIDENCE: '补充凭证',
  SHIP_RETURN: '买家寄回商品',
  SHIP_TIMEOUT: '超时未寄回，售后关闭',
  CONFIRM_RETURN: '商家确认收货',
  AUTO_CONFIRM_RETURN: '超时自动确认收货',
  ESCALATE: '买家申请平台介入',
  ESCALATE_TIMEOUT: '逾期未申诉，售后关闭',
  PLATFORM_APPROVE: '平台判定退款',
  PLATFORM_REJECT: '平台驳回申请',
  PLATFORM_OVERDUE: '平台处理超时',
  REFUND_SUCCESS: '退款成功',
  REFUND_FAILED: '退款失败',
  REFUND_REFUSED: '退款被拒',
  RETRY_REFUND: '重新退款',
  REPORT_NOT_RECEIVED: '买家反馈未到账',
  RESHIP: '商家发出换货',
  CONVERT_TO_REFUND: '商家无货，换货转为退款',
  RESHIP_TIMEOUT: '超时未发出换货，转为退款',
  CONFIRM_RECEIPT: '买家确认收到换货',
  AUTO_CONFIRM_RECEIPT: '超时自动确认收到换货',
  MESSAGE: '留言',
  REQUEST_EVIDENCE: '商家请买家补充凭证',
  MODIFY: '买家修改申请',
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function stateChanged(): DomainError {
  return new DomainError('CASE_STATE_CHANGED');
}

function invalid(field: string, message: string, rule?: string): DomainError {
  return new DomainError('INVALID_INPUT', { field, message, rule });
}

/**
 * The case's deadline is past at `now` (SPEC §3: `deadline < now`; at the deadline millisecond itself
 * the actor is still in time). The sweep and lazy expiry fire a timeout only then.
 */
function isDue(c: AfterSaleCase, now: EpochMs): boolean {
  return c.deadlineAt !== undefined && c.deadlineAt < now;
}

/**
 * A timeout event taking effect at `at` is not early: it takes effect at its deadline (or later), so
 * the chain of timeouts in `applyDueTimeouts` runs each step with `now` = that step's deadline.
 */
function reached(c: AfterSaleCase, at: EpochMs): boolean {
  return c.deadlineAt !== undefined && c.deadlineAt <= at;
}

function caseError(code: ErrorCode, message?: string): CaseError {
  return { code, message: message ?? CATALOGUE[code].message, solution: CATALOGUE[code].solution };
}

/** `****5678`: enough for both sides to recognise the account, too little to reuse it. */
export function maskAccount(account: string): string {
  const compact = account.replace(/\s+/g, '');
  return `****${compact.length > 4 ? compact.slice(-4) : ''}`;
}

/** Statuses whose deadlineAt people see; every other status has none. */
const DEADLINE_STATUSES: readonly CaseStatus[] = [
  'PENDING',
  'NEGOTIATING',
  'AWAITING_RETURN',
  'RETURN_SHIPPED',
  'REJECTED',
  'ESCALATED',
  'AWAITING_RESHIP',
  'RESHIPPED',
];
/** REFUND_FAILED causes the timer may clear on its own. */
const TIMER_RETRYABLE: readonly string[] = ['REFUND_CLOSED', 'MERCHANT_ACCOUNT_ABNORMAL'];

/** When the sweep must next look at a case in this state (docs/DESIGN.md "Deadlines"). */
export function nextTimerAt(c: AfterSaleCase, now: EpochMs): EpochMs | undefined {
  switch (c.status) {
    case 'ESCALATED':
      return c.platformOverdue === true ? undefined : c.deadlineAt;
    case 'REFUNDING':
      return now + LIMITS.refundQueryDelayMs;
    case 'REFUND_FAILED':
      return c.lastError !== undefined && TIMER_RETRYABLE.includes(c.lastError.code) ? now : undefined;
    default:
      return DEADLINE_STATUSES.includes(c.status) ? c.deadlineAt : undefined;
  }
}

function withoutUndefined<T extends object>(o: T): T {
  const out = { ...o };
  for (const k of Object.keys(out) as (keyof T)[]) if (out[k] === undefined) delete out[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// One transition in the making
// ---------------------------------------------------------------------------------------------

interface Step {
  readonly before: AfterSaleCase;
  readonly ctx: TransitionContext;
  next: AfterSaleCase;
  action: string;
  note?: string;
  data: Record<string, unknown>;
  effects: Effect[];
}

/**
 * A notice to the buyer. `amountFen` is the money it is about (default: what was agreed, else asked);
 * a template's key map travels with its id, so the message is filled the way the shop's template was
 * set up when the notice was made.
 */
function notify(step: Step, templateKey: 'decision' | 'refund' | 'message', text: string, amountFen?: Fen): void {
  const n: Omit<Notification, '_id'> = {
    at: step.ctx.now,
    toOpenid: step.before.buyerOpenid,
    caseId: step.before._id,
    templateKey,
    text,
    data: { status: step.next.status, amountFen: amountFen ?? step.next.approvedFen ?? step.next.amountFen },
  };
  if (templateKey !== 'message') {
    const templateId = step.ctx.shop.settings.subscribeTemplateIds[templateKey];
    if (templateId !== undefined && templateId !== '') {
      n.templateId = templateId;
      n.templateFields = step.ctx.shop.settings.subscribeTemplateFields[templateKey];
    }
  }
  step.effects.push({ type: 'NOTIFY', notification: n });
}

/** SPEC §5: a notice to every merchant of the case's shop (the use case resolves who they are). */
function notifyShop(step: Step, text: string): void {
  step.effects.push({
    type: 'NOTIFY_SHOP',
    shopId: step.before.shopId,
    notification: { at: step.ctx.now, caseId: step.before._id, templateKey: 'message', text, data: { status: step.next.status } },
  });
}

function isExchange(c: Pick<AfterSaleCase, 'type'>): boolean {
  return c.type === 'EXCHANGE';
}

function say(step: Step, from: Actor, text: string | undefined): void {
  const t = text?.trim() ?? '';
  if (t === '') return;
  step.next.messages = [...step.next.messages, { at: step.ctx.now, from, text: t }];
}

function requiredText(value: unknown, field: string, message: string, minChars = 1, rule?: string): string {
  const t = typeof value === 'string' ? value.trim() : '';
  if (codePointLength(t) < minChars) throw invalid(field, message, rule);
  return t;
}

interface Method {
  method: RefundMethod;
  account?: string;
}

/** R19: the original way unless a designated account was agreed, which must then be given. */
function refundMethodOf(refundMethod: RefundMethod | undefined, account: string | undefined): Method {
  if (refundMethod === undefined || refundMethod === 'ORIGINAL') return { method: 'ORIGINAL' };
  if (refundMethod !== 'DESIGNATED_ACCOUNT') throw invalid('refundMethod', '退款方式无效', 'R19');
  const acc = typeof account === 'string' ? account.trim() : '';
  if (acc === '') throw invalid('account', '选择指定账户退款时，请填写与买家协商好的收款账户', 'R19');
  return { method: 'DESIGNATED_ACCOUNT', account: acc };
}

function setMethod(step: Step, m: Method): void {
  step.next.refundMethod = m.method;
  step.next.designatedAccount = m.account;
  if (m.account !== undefined) step.data.account = maskAccount(m.account);
  step.data.refundMethod = m.method;
}

function currentMethod(c: AfterSaleCase): Method {
  return c.refundMethod === 'DESIGNATED_ACCOUNT' && c.designatedAccount !== undefined
    ? { method: 'DESIGNATED_ACCOUNT', account: c.designatedAccount }
    : { method: 'ORIGINAL' };
}

/**
 * The chain records every attempt an event starts or settles as it then stands, so `verify` can hold
 * the case's refunds to it (chain.ts `recordedMoney`).
 */
function recordAttempt(step: Step, a: RefundAttempt): void {
  const recorded = Array.isArray(step.data.attempts) ? (step.data.attempts as unknown[]) : [];
  step.data.attempts = [
    ...recorded,
    withoutUndefined({ outRefundNo: a.outRefundNo, amountFen: a.amountFen, status: a.status, settledAt: a.settledAt }),
  ];
}

function failRefund(step: Step, error: CaseError): void {
  step.next.status = 'REFUND_FAILED';
  step.next.lastError = error;
  step.data.refundError = error.code;
}

/**
 * Refund start: R5 (unverified shop: no attempt, no gateway call), R31 (365 days after payment, 50
 * refund numbers per order), else a new PROCESSING attempt for approvedFen with a new outRefundNo.
 */
function startRefund(step: Step): void {
  const { ctx, next } = step;
  if (next.refunds.some((r) => r.status === 'PROCESSING' || r.status === 'SUCCESS')) throw stateChanged();
  if (!ctx.shop.verified) {
    failRefund(step, caseError('MERCHANT_ACCOUNT_ABNORMAL'));
    return;
  }
  if (paymentWindowExpired(ctx.order, ctx.now)) {
    failRefund(
      step,
      caseError('AFTER_SALE_WINDOW_EXPIRED', `订单支付已超过${LIMITS.paymentRefundDays}天，微信支付无法原路退款`),
    );
    return;
  }
  const others = ctx.orderCases.filter((o) => o._id !== next._id);
  if (refundNumbersOnOrder([...others, next]) >= LIMITS.maxRefundsPerOrder) {
    failRefund(step, caseError('AMOUNT_EXCEEDS_LIMIT', `本订单退款次数已达微信支付上限${LIMITS.maxRefundsPerOrder}次`));
    return;
  }
  const method = currentMethod(next);
  const attempt: RefundAttempt = {
    outRefundNo: `${next._id}-${next.refunds.length + 1}`,
    amountFen: next.approvedFen ?? next.amountFen,
    status: 'PROCESSING',
    at: ctx.now,
    method: method.method,
  };
  if (method.account !== undefined) attempt.account = maskAccount(method.account);
  next.refunds = [...next.refunds, attempt];
  next.status = 'REFUNDING';
  next.lastError = undefined;
  step.data.outRefundNo = attempt.outRefundNo;
  step.data.refundFen = attempt.amountFen;
  recordAttempt(step, attempt);
  step.effects.push({ type: 'REQUEST_REFUND', caseId: next._id, orderId: next.orderId, attempt });
}

type ApprovedBy = NonNullable<AfterSaleCase['approvedBy']>;

/**
 * The approval outcome: approvedFen within R3, fee on approvedFen (R20), then a return waits for the
 * goods at the shop's address (R33, R23) and everything else goes to refund start. A later agreement
 * (an accepted offer after R6, the platform's decision) replaces an earlier one, compensation included.
 */
function approve(step: Step, approvedFen: Fen, approvedBy: ApprovedBy, compensationFen = 0): void {
  const { ctx, before, next } = step;
  const v = checkApprovedAmount(ctx, before, approvedFen);
  if (v !== null) throw violationError(v);
  const fee = refundFee(approvedFen, before.reason, ctx.shop.settings);
  next.approvedFen = approvedFen;
  next.compensationFen = compensationFen > 0 ? compensationFen : undefined;
  if (compensationFen > 0) step.data.compensationFen = compensationFen;
  next.feeFen = fee.feeFen;
  next.feeBearer = fee.feeBearer;
  next.approvedAt = ctx.now;
  next.approvedBy = approvedBy;
  step.data.approvedFen = approvedFen;
  step.data.feeFen = fee.feeFen;

  if (before.type === 'RETURN_REFUND' && before.returnReceivedAt === undefined) {
    const address = ctx.shop.returnAddress;
    if (address === undefined) {
      throw invalid('returnAddress', '店铺尚未设置退货地址，请先在店铺设置中填写退货地址后再同意退货', 'R33');
    }
    next.returnAddress = { ...address };
    next.status = 'AWAITING_RETURN';
    next.deadlineAt = ctx.now + ctx.shop.settings.returnShipDays * DAY_MS;
    step.data.returnAddress = next.returnAddress;
    return;
  }
  startRefund(step);
}

/**
 * An exchange's approval (SPEC §5): no money is agreed, so no approvedFen and no fee; the goods come
 * back to the shop's return address (R33) within returnShipDays (R23).
 */
function approveExchange(step: Step, approvedBy: ApprovedBy): void {
  const { ctx, next } = step;
  const address = ctx.shop.returnAddress;
  if (address === undefined) {
    throw invalid('returnAddress', '店铺尚未设置退货地址，请先在店铺设置中填写退货地址后再同意换货', 'R33');
  }
  next.approvedAt = ctx.now;
  next.approvedBy = approvedBy;
  next.returnAddress = { ...address };
  next.status = 'AWAITING_RETURN';
  next.deadlineAt = ctx.now + ctx.shop.settings.returnShipDays * DAY_MS;
  step.data.returnAddress = next.returnAddress;
  step.data.exchange = true;
}

function exchangeApprovalText(step: Step, lead: string): string {
  const c = step.next;
  const a = c.returnAddress;
  const by = c.deadlineAt !== undefined ? `请在${formatTime(c.deadlineAt)}前` : '请';
  return `${lead}换货（${c.exchangeNote ?? ''}），${by}将商品寄回：${a?.address ?? ''}（${a?.name ?? ''} ${a?.phone ?? ''}），商家收到后将发出新商品`;
}

function approvalText(step: Step, lead: string): string {
  const c = step.next;
  if (isExchange(c) && c.status === 'AWAITING_RETURN') return exchangeApprovalText(step, lead);
  const amount = formatYuan(c.approvedFen ?? c.amountFen);
  if (c.status === 'AWAITING_RETURN' && c.returnAddress !== undefined && c.deadlineAt !== undefined) {
    const a = c.returnAddress;
    return `${lead}退货，请在${formatTime(c.deadlineAt)}前将商品寄回：${a.address}（${a.name} ${a.phone}），商家确认收货后退款${amount}`;
  }
  if (c.status === 'REFUND_FAILED' && c.lastError !== undefined) {
    return `${lead}退款${amount}，但暂未打款：${c.lastError.message}。商家处理后会重新退款`;
  }
  const way = c.refundMethod === 'DESIGNATED_ACCOUNT' ? '转入您与商家约定的账户' : '原路退回';
  return `${lead}退款，${amount}将${way}`;
}

/** R24 and failed negotiation: to the platform, due in business days, tier by amount. */
function escalate(step: Step): void {
  const { ctx, before, next } = step;
  const s = ctx.shop.settings;
  // SPEC §5: an exchange asks no money; its tier is judged on what its units were paid.
  const value = isExchange(before) ? unitsValueFen(ctx.order, before.items) : before.amountFen;
  const legal = value >= LIMITS.legalThresholdFen;
  next.status = 'ESCALATED';
  next.escalatedAt = ctx.now;
  next.deadlineAt = addBusinessDays(ctx.now, s.platformBusinessDays, s.holidays);
  next.platformOverdue = undefined;
  next.tier = legal ? 'LEGAL' : 'DIFFICULT';
  next.legalEntry = legal ? true : undefined;
  step.data.tier = next.tier;
  step.data.platformDueAt = next.deadlineAt;
}

function latestProcessing(c: AfterSaleCase, outRefundNo: string): number {
  const i = c.refunds.length - 1;
  if (i < 0 || c.refunds[i].outRefundNo !== outRefundNo || c.refunds[i].status !== 'PROCESSING') throw stateChanged();
  return i;
}

function replaceAttempt(step: Step, i: number, attempt: RefundAttempt): void {
  const refunds = [...step.next.refunds];
  refunds[i] = withoutUndefined(attempt);
  step.next.refunds = refunds;
  recordAttempt(step, refunds[i]);
}

// ---------------------------------------------------------------------------------------------
// The events
// ---------------------------------------------------------------------------------------------

function onApprove(step: Step, ev: Extract<CaseEvent, { type: 'APPROVE' }>): void {
  const { ctx, before } = step;
  if (isExchange(before)) return onApproveExchange(step, ev);
  if (ev.via === 'TIMEOUT') {
    if (!reached(before, ctx.now)) throw stateChanged();
    step.action = 'AUTO_APPROVE';
    approve(step, before.amountFen, 'TIMEOUT');
    notify(step, 'decision', approvalText(step, `商家未在${ctx.shop.settings.autoApproveHours}小时内处理，系统已自动同意您的`));
    return;
  }
  if (ev.via === 'QUICK_REFUND') {
    step.action = 'QUICK_REFUND';
    approve(step, before.amountFen, 'QUICK_REFUND');
    notify(step, 'decision', approvalText(step, '您的申请符合快捷退款条件，已自动同意'));
    return;
  }
  const compensation = ev.compensationFen ?? 0;
  if (!Number.isSafeInteger(compensation) || compensation < 0) {
    throw invalid('compensationFen', '补偿金额须为不小于0的整数（单位：分）', 'R3');
  }
  setMethod(step, refundMethodOf(ev.refundMethod, ev.account));
  step.action = 'APPROVE';
  step.note = ev.note?.trim() || undefined;
  say(step, 'MERCHANT', ev.note);
  approve(step, before.amountFen + compensation, 'MERCHANT', compensation);
  notify(step, 'decision', approvalText(step, '商家已同意您的'));
}

/** SPEC §5: no money to agree on an exchange: compensation or a refund method is INVALID_INPUT; no quick refund (R18). */
function onApproveExchange(step: Step, ev: Extract<CaseEvent, { type: 'APPROVE' }>): void {
  const { ctx, before } = step;
  if (ev.via === 'QUICK_REFUND') throw stateChanged();
  if (ev.compensationFen !== undefined) throw invalid('compensationFen', '换货不涉及退款，不能填写补偿金额');
  if (ev.refundMethod !== undefined || ev.account !== undefined) {
    throw invalid(ev.refundMethod !== undefined ? 'refundMethod' : 'account', '换货不涉及退款，无需选择退款方式');
  }
  if (ev.via === 'TIMEOUT') {
    if (!reached(before, ctx.now)) throw stateChanged();
    step.action = 'AUTO_APPROVE';
    approveExchange(step, 'TIMEOUT');
    notify(step, 'decision', approvalText(step, `商家未在${ctx.shop.settings.autoApproveHours}小时内处理，系统已自动同意您的`));
    notifyShop(step, `换货申请超过${ctx.shop.settings.autoApproveHours}小时未处理，系统已自动同意，请留意买家寄回的商品`);
    return;
  }
  step.action = 'APPROVE';
  step.note = ev.note?.trim() || undefined;
  say(step, 'MERCHANT', ev.note);
  approveExchange(step, 'MERCHANT');
  notify(step, 'decision', approvalText(step, '商家已同意您的'));
}

function onReject(step: Step, ev: Extract<CaseEvent, { type: 'REJECT' }>): void {
  const { ctx, next } = step;
  if (!REJECT_REASON_CODES.includes(ev.reasonCode)) throw invalid('reasonCode', '请选择拒绝原因', 'R21');
  const note = requiredText(ev.note, 'note', `拒绝时请填写至少${LIMITS.rejectNoteMinChars}个字的处理说明`, LIMITS.rejectNoteMinChars, 'R21');
  next.status = 'REJECTED';
  next.rejection = { reasonCode: ev.reasonCode, note, at: ctx.now };
  next.deadlineAt = ctx.now + ctx.shop.settings.escalateDays * DAY_MS;
  step.action = 'REJECT';
  step.note = note;
  step.data.reasonCode = ev.reasonCode;
  say(step, 'MERCHANT', note);
  notify(
    step,
    'decision',
    `商家拒绝了您的售后申请：${note}。如有异议，可在${formatTime(next.deadlineAt)}前申请平台介入`,
  );
}

function onOffer(step: Step, ev: Extract<CaseEvent, { type: 'OFFER' }>): void {
  const { ctx, before, next } = step;
  // SPEC §5: there is no money to negotiate on an exchange.
  if (isExchange(before)) throw stateChanged();
  if (!Number.isSafeInteger(ev.amountFen) || ev.amountFen <= 0) throw invalid('amountFen', '协商金额须大于0');
  if (ev.amountFen > before.amountFen) {
    throw new DomainError('AMOUNT_EXCEEDS_LIMIT', {
      field: 'amountFen',
      message: `协商金额不能超过买家申请的${formatYuan(before.amountFen)}`,
      solution: '请调整协商金额；如需额外补偿，可在同意退款时填写补偿金额',
    });
  }
  const note = typeof ev.note === 'string' ? ev.note.trim() : '';
  next.status = 'NEGOTIATING';
  next.offer = { amountFen: ev.amountFen, note, at: ctx.now };
  next.deadlineAt = ctx.now + ctx.shop.settings.offerAnswerHours * HOUR_MS;
  step.action = 'OFFER';
  step.note = note || undefined;
  step.data.amountFen = ev.amountFen;
  say(step, 'MERCHANT', note);
  notify(
    step,
    'decision',
    `商家提出协商退款${formatYuan(ev.amountFen)}${note ? `：${note}` : ''}。请在${formatTime(next.deadlineAt)}前答复，逾期将转平台处理`,
  );
}

function onAddEvidence(step: Step, ev: Extract<CaseEvent, { type: 'ADD_EVIDENCE' }>): void {
  const { ctx, before, next } = step;
  if (!Array.isArray(ev.evidence) || ev.evidence.length === 0) throw invalid('evidence', '请至少上传一个凭证', 'R22');
  // R22 per party: the buyer's 9 photos never block the shop's QC report, nor the other way round.
  const own = partyEvidence(before, ev.by);
  const v = evidenceViolation([...own, ...ev.evidence], ctx.callerOpenid, { ownFrom: own.length });
  if (v !== null) throw violationError(v);
  const added: Evidence[] = ev.evidence.map((e) =>
    withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag, by: ev.by, at: ctx.now }),
  );
  next.evidence = [...before.evidence, ...added];
  step.action = 'ADD_EVIDENCE';
  step.note = ev.note?.trim() || undefined;
  step.data.evidence = added.map((e) => withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag }));
  say(step, ev.by, ev.note);
  if (ev.by === 'BUYER') {
    // SPEC §6: the shop's request for proof is answered.
    next.evidenceRequest = undefined;
    notifyShop(step, `买家补充了${added.length}份凭证${step.note ? `：${step.note}` : ''}`);
  }
  if (before.status === 'NEGOTIATING' && ev.by === 'BUYER' && before.lastError?.code === 'GOODS_UNSEALED') {
    // R6: proof of non-use puts the case back before the merchant, with a fresh auto-approve clock.
    next.status = 'PENDING';
    next.offer = undefined;
    next.deadlineAt = ctx.now + ctx.shop.settings.autoApproveHours * HOUR_MS;
  } else if (before.status === 'REJECTED' && before.deadlineAt !== undefined && ctx.now > before.deadlineAt) {
    // SPEC §6: after a rejection, only inside its escalation window.
    throw stateChanged();
  }
}

/** SPEC §6: one party's message: 1–500 characters after trimming, evidence within R22 for that party, ≤ 50 per party. */
function onMessage(step: Step, ev: Extract<CaseEvent, { type: 'MESSAGE' }>): void {
  const { ctx, before, next } = step;
  const party = ctx.actor;
  if (party === 'SYSTEM') throw stateChanged();
  const text = typeof ev.text === 'string' ? ev.text.trim() : '';
  const n = codePointLength(text);
  if (n < 1) throw invalid('text', '请输入留言内容');
  if (n > LIMITS.messageMaxChars) throw invalid('text', `留言最多${LIMITS.messageMaxChars}字，当前${n}字`);
  const sent = before.history.filter((h) => h.action === 'MESSAGE' && h.actor === party).length;
  if (sent >= LIMITS.maxMessagesPerParty) {
    throw new DomainError('INVALID_INPUT', {
      field: 'text',
      message: `本售后单的留言已达${LIMITS.maxMessagesPerParty}条上限`,
      solution: '请通过客服电话或在线客服继续沟通',
    });
  }
  const given = Array.isArray(ev.evidence) ? ev.evidence : [];
  let added: Evidence[] = [];
  if (given.length > 0) {
    const own = partyEvidence(before, party);
    const v = evidenceViolation([...own, ...given], ctx.callerOpenid, { ownFrom: own.length });
    if (v !== null) throw violationError(v);
    added = given.map((e) => withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag, by: party, at: ctx.now }));
    next.evidence = [...before.evidence, ...added];
  }
  const message: Message = { at: ctx.now, from: party, text };
  if (added.length > 0) message.evidence = added;
  next.messages = [...before.messages, message];
  step.action = 'MESSAGE';
  step.data.text = text;
  if (added.length > 0) {
    step.data.evidence = added.map((e) => withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag }));
    if (party === 'BUYER') next.evidenceRequest = undefined;
  }
  const photos = added.length > 0 ? `（附${added.length}份凭证）` : '';
  const who = party === 'BUYER' ? '买家' : party === 'MERCHANT' ? '商家' : '平台';
  if (party !== 'BUYER') notify(step, 'message', `${who}留言${photos}：${text}`);
  if (party !== 'MERCHANT') notifyShop(step, `${who}留言${photos}：${text}`);
}

/** SPEC §6: the shop asks the buyer for more proof; no deadline moves. */
function onRequestEvidence(step: Step, ev: Extract<CaseEvent, { type: 'REQUEST_EVIDENCE' }>): void {
  const { ctx, before, next } = step;
  const note = requiredText(ev.note, 'note', '请写明需要买家补充哪些凭证');
  const n = codePointLength(note);
  if (n > LIMITS.messageMaxChars) throw invalid('note', `说明最多${LIMITS.messageMaxChars}字，当前${n}字`);
  const asked = before.history.filter((h) => h.action === 'REQUEST_EVIDENCE').length;
  if (asked >= LIMITS.maxMessagesPerParty) {
    throw new DomainError('INVALID_INPUT', {
      field: 'note',
      message: `本售后单请买家补充凭证已达${LIMITS.maxMessagesPerParty}次上限`,
      solution: '请根据买家已提供的凭证处理，或通过客服电话沟通',
    });
  }
  next.evidenceRequest = { at: ctx.now, note };
  step.action = 'REQUEST_EVIDENCE';
  step.note = note;
  say(step, 'MERCHANT', note);
  const by = before.deadlineAt !== undefined ? `，请在${formatTime(before.deadlineAt)}前补充` : '';
  notify(step, 'message', `商家请您补充凭证：${note}${by}`);
}

/** The names of the fields a modification may change, as the shop is told. */
type Modifiable = 'type' | 'reason' | 'items' | 'amountFen' | 'description' | 'exchangeNote' | 'evidence';

const FIELD_NAMES: Record<Modifiable, string> = {
  type: '售后类型',
  reason: '售后原因',
  items: '商品',
  amountFen: '退款金额',
  description: '问题描述',
  exchangeNote: '换货说明',
  evidence: '凭证',
};

function sameItems(a: readonly { skuId: string; qty: number }[], b: readonly { skuId: string; qty: number }[]): boolean {
  return a.length === b.length && a.every((it, i) => it.skuId === b[i].skuId && it.qty === b[i].qty);
}

/**
 * SPEC §6 `modify`: the changed application is checked as a new one would be, except that R2 and R31
 * are judged at the case's createdAt and the case itself counts toward neither R7 nor R32 (but R32's 5
 * per line counts every line the case ever named, `linesEver`). Evidence given is added; the case is
 * PENDING again with a new auto-approve deadline. At most 3 modifications (the 4th:
 * RISK_CONTROL_TRIGGERED); a modification that changes nothing is INVALID_INPUT. No quick refund (R18).
 */
function onModify(step: Step, ev: Extract<CaseEvent, { type: 'MODIFY' }>): void {
  const { ctx, before, next } = step;
  if (before.status === 'REJECTED' && before.deadlineAt !== undefined && ctx.now > before.deadlineAt) throw stateChanged();
  const done = before.history.filter((h) => h.action === 'MODIFY').length;
  if (done >= LIMITS.maxModifications) {
    throw new DomainError('RISK_CONTROL_TRIGGERED', {
      message: `每个售后申请最多修改${LIMITS.maxModifications}次，本申请已修改${done}次`,
      solution: '如仍需调整，请联系商家客服协商；商家拒绝后也可申请平台介入',
    });
  }
  const ch = ev.changes;
  const type = ch.type ?? before.type;
  const exchange = type === 'EXCHANGE';
  const reason = ch.reason ?? before.reason;
  const items = (ch.items ?? before.items).map((it) => ({ skuId: it.skuId, qty: it.qty }));
  const description = ch.description ?? before.description;
  const exchangeNote = exchange ? (ch.exchangeNote ?? before.exchangeNote ?? '') : undefined;
  const given = Array.isArray(ch.evidence) ? ch.evidence : [];
  const own = partyEvidence(before, 'BUYER');
  const others = ctx.orderCases.filter((o) => o._id !== before._id);
  let dropped = false;
  const buyerCaseTimes = ctx.buyerCaseTimes.filter((t) => {
    if (dropped || t !== before.createdAt) return true;
    dropped = true;
    return false;
  });
  const checkCtx: RuleContext = { ...ctx, orderCases: others, buyerCaseTimes };
  const draft: ApplyRequest = {
    orderId: before.orderId,
    type,
    reason,
    items,
    amountFen: 0,
    description,
    evidence: [...own, ...given].map((e) => withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag })),
    idempotencyKey: before.idempotencyKey,
  };
  if (exchangeNote !== undefined) draft.exchangeNote = exchangeNote;
  // An amount not given: the case's own, or the most refundable when a refund replaces an exchange.
  const asked = ch.amountFen ?? (exchange ? 0 : before.type === 'EXCHANGE' ? undefined : before.amountFen);
  const first = evaluateApplication(checkCtx, asked === undefined ? { ...draft, amountFen: undefined } : { ...draft, amountFen: asked }, {
    windowsAt: before.createdAt,
  });
  const v = first.violations[0];
  if (v !== undefined) {
    // R22's file index is the caller's: the evidence given, not the case's own before it.
    const m = v.field === undefined ? null : /^evidence\.(\d+)\.(.+)$/.exec(v.field);
    if (m !== null && Number(m[1]) >= own.length) throw violationError({ ...v, field: `evidence.${Number(m[1]) - own.length}.${m[2]}` });
    throw violationError(v);
  }
  const amountFen = asked ?? first.maxFen;
  const s = ctx.shop.settings;
  const fee = exchange ? { feeFen: 0, feeBearer: 'NONE' as const } : refundFee(amountFen, reason, s);
  const added: Evidence[] = given.map((e) =>
    withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag, by: 'BUYER' as const, at: ctx.now }),
  );

  const changed: Modifiable[] = [];
  if (type !== before.type) changed.push('type');
  if (reason !== before.reason) changed.push('reason');
  if (!sameItems(items, before.items)) changed.push('items');
  if (amountFen !== before.amountFen) changed.push('amountFen');
  if (description !== before.description) changed.push('description');
  if ((exchangeNote ?? '') !== (before.exchangeNote ?? '')) changed.push('exchangeNote');
  if (added.length > 0) changed.push('evidence');
  if (changed.length === 0) {
    throw new DomainError('INVALID_INPUT', {
      field: 'body',
      message: '申请内容没有变化',
      solution: '请修改售后类型、原因、商品、金额或描述，或补充凭证后再提交',
    });
  }

  next.type = type;
  next.reason = reason;
  next.items = items;
  next.itemTitles = items.map((it) => ctx.order.items.find((l) => l.skuId === it.skuId)?.title ?? it.skuId);
  const image = claimedImage(ctx.order, items);
  if (image !== undefined) next.itemImage = image;
  else delete next.itemImage;
  next.amountFen = amountFen;
  next.feeFen = fee.feeFen;
  next.feeBearer = fee.feeBearer;
  next.description = description;
  next.exchangeNote = exchangeNote;
  next.evidence = [...before.evidence, ...added];
  next.coversShipping = exchange ? false : first.coversShipping;
  const lines = new Set([...(before.linesEver ?? before.items.map((it) => it.skuId)), ...items.map((it) => it.skuId)]);
  next.linesEver = [...lines];
  next.status = 'PENDING';
  next.deadlineAt = ctx.now + s.autoApproveHours * HOUR_MS;
  next.rejection = undefined;
  next.offer = undefined;
  if (added.length > 0) next.evidenceRequest = undefined;
  next.suggestion = suggest(next, ctx.order, s);
  step.action = 'MODIFY';
  step.data = withoutUndefined({
    changed,
    type,
    reason,
    items,
    amountFen,
    feeFen: fee.feeFen,
    description: changed.includes('description') ? description : undefined,
    exchangeNote: changed.includes('exchangeNote') ? exchangeNote : undefined,
    evidence: added.length > 0 ? added.map((e) => withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag })) : undefined,
    coversShipping: next.coversShipping,
  });
  const what = changed.map((f) => FIELD_NAMES[f]).join('、');
  notifyShop(step, `买家修改了售后申请（${what}），请在${formatTime(next.deadlineAt)}前处理，逾期将自动同意`);
}

function onAcceptOffer(step: Step): void {
  const offer = step.before.offer;
  if (offer === undefined) throw stateChanged();
  step.action = 'ACCEPT_OFFER';
  approve(step, offer.amountFen, 'OFFER_ACCEPTED');
}

/** R24: the buyer's escalation came after its window (`escalateBy`). */
function escalationExpired(escalateDays: number, escalateBy: EpochMs): DomainError {
  return new DomainError('AFTER_SALE_WINDOW_EXPIRED', {
    rule: 'R24',
    message: `已超过商家拒绝后${escalateDays}天的申诉期限（截止${formatTime(escalateBy)}）`,
    solution: '申诉期已过，如仍有争议请通过客服热线或公众号留言联系商家协商',
  });
}

/**
 * A late escalation finds the rejected case closed by its ESCALATE_TIMEOUT (committed by the sweep or
 * by lazy expiry just before): it keeps R24's AFTER_SALE_WINDOW_EXPIRED rather than CASE_STATE_CHANGED.
 */
function lateEscalation(c: AfterSaleCase, event: CaseEvent, ctx: TransitionContext): DomainError | null {
  if (event.type !== 'ESCALATE' || ctx.actor !== 'BUYER' || c.status !== 'CLOSED' || c.rejection === undefined) return null;
  const closing = c.history[c.history.length - 1];
  if (closing === undefined || closing.action !== 'ESCALATE_TIMEOUT') return null;
  const days = ctx.shop.settings.escalateDays;
  return escalationExpired(days, c.rejection.at + days * DAY_MS);
}

function onEscalate(step: Step, ev: Extract<CaseEvent, { type: 'ESCALATE' }>): void {
  const { ctx, before } = step;
  const escalateBy = before.deadlineAt ?? (before.rejection?.at ?? before.updatedAt) + ctx.shop.settings.escalateDays * DAY_MS;
  if (ctx.now > escalateBy) throw escalationExpired(ctx.shop.settings.escalateDays, escalateBy);
  const note = requiredText(ev.note, 'note', '请说明申请平台介入的理由');
  step.action = 'ESCALATE';
  step.note = note;
  say(step, 'BUYER', note);
  escalate(step);
  if (isExchange(before)) notifyShop(step, `买家对换货申请的处理有异议，已申请平台介入：${note}`);
}

function onShipReturn(step: Step, ev: Extract<CaseEvent, { type: 'SHIP_RETURN' }>): void {
  const { ctx, next } = step;
  const company = requiredText(ev.company, 'company', '请填写快递公司');
  const trackingNo = requiredText(ev.trackingNo, 'trackingNo', '请填写快递单号');
  next.status = 'RETURN_SHIPPED';
  next.returnShipment = { company, trackingNo, at: ctx.now };
  next.deadlineAt = ctx.now + ctx.shop.settings.receiptConfirmDays * DAY_MS;
  step.action = 'SHIP_RETURN';
  step.data.company = company;
  step.data.trackingNo = trackingNo;
  if (isExchange(step.before)) notifyShop(step, `买家已寄回换货商品（${company} ${trackingNo}），请在${formatTime(next.deadlineAt)}前确认收货`);
}

function onConfirmReturn(step: Step, ev: Extract<CaseEvent, { type: 'CONFIRM_RETURN' }>): void {
  const { ctx, before, next } = step;
  if (ev.by === 'SYSTEM' && !reached(before, ctx.now)) throw stateChanged();
  if (isExchange(before)) return confirmExchangeReturn(step, ev);
  const unsealed = ev.by === 'MERCHANT' && ev.unsealed === true;
  next.returnReceivedAt = ctx.now;
  if (unsealed) next.unsealed = true;
  step.action = ev.by === 'SYSTEM' ? 'AUTO_CONFIRM_RETURN' : 'CONFIRM_RETURN';
  step.data.unsealed = unsealed;
  if (unsealed && before.reason === 'NO_REASON') {
    // R6: a no-reason return that can no longer be resold is not refunded in full without talking.
    next.status = 'NEGOTIATING';
    next.lastError = caseError('GOODS_UNSEALED');
    next.deadlineAt = ctx.now + ctx.shop.settings.offerAnswerHours * HOUR_MS;
    notify(
      step,
      'decision',
      `商家确认退回的商品已拆封，影响二次销售，暂不能全额退款。您可以补充未使用的证明，或与商家协商折价退款`,
    );
    return;
  }
  startRefund(step);
}

/** SPEC §5: the goods are back; the merchant ships the replacement within reshipHours (R6 does not apply). */
function confirmExchangeReturn(step: Step, ev: Extract<CaseEvent, { type: 'CONFIRM_RETURN' }>): void {
  const { ctx, next } = step;
  next.returnReceivedAt = ctx.now;
  next.status = 'AWAITING_RESHIP';
  next.deadlineAt = ctx.now + LIMITS.reshipHours * HOUR_MS;
  step.action = ev.by === 'SYSTEM' ? 'AUTO_CONFIRM_RETURN' : 'CONFIRM_RETURN';
  step.data.unsealed = false;
  step.data.reshipBy = next.deadlineAt;
  notify(step, 'decision', `商家已收到您寄回的商品，将在${formatTime(next.deadlineAt)}前发出换货（${next.exchangeNote ?? ''}）`);
  if (ev.by === 'SYSTEM') notifyShop(step, `换货退回商品已超时自动确认收货，请在${formatTime(next.deadlineAt)}前发出换货，逾期将自动转为退款`);
}

function onReship(step: Step, ev: Extract<CaseEvent, { type: 'RESHIP' }>): void {
  const { ctx, next } = step;
  const company = requiredText(ev.company, 'company', '请填写快递公司');
  const trackingNo = requiredText(ev.trackingNo, 'trackingNo', '请填写快递单号');
  next.status = 'RESHIPPED';
  next.reship = { company, trackingNo, at: ctx.now };
  next.deadlineAt = ctx.now + LIMITS.exchangeReceiptDays * DAY_MS;
  step.action = 'RESHIP';
  step.data.company = company;
  step.data.trackingNo = trackingNo;
  notify(
    step,
    'decision',
    `商家已发出换货商品（${company} ${trackingNo}），收到后请确认收货；${formatTime(next.deadlineAt)}后将自动确认`,
  );
}

/**
 * SPEC §5: out of stock (the merchant, with a note) or reshipHours without a reship (the timer, tier
 * DIFFICULT): a refund of R11's most refundable amount for the case's units, with R20's fee and R3's
 * caps, started as an approval would.
 */
function onConvertToRefund(step: Step, ev: Extract<CaseEvent, { type: 'CONVERT_TO_REFUND' }>): void {
  const { ctx, before, next } = step;
  const timer = ev.by === 'SYSTEM';
  if (timer && !reached(before, ctx.now)) throw stateChanged();
  const note = timer ? undefined : requiredText(ev.note, 'note', '请说明无法换货的原因（如：该尺码已无货）');
  const r = exchangeRefund(ctx, before);
  if (r.amountFen <= 0) {
    throw new DomainError('AMOUNT_EXCEEDS_LIMIT', {
      rule: 'R11',
      field: 'amountFen',
      message: '本次换货的商品已无可退金额，无法转为退款',
      solution: '请联系买家协商处理，或尽快发出换货商品',
    });
  }
  next.convertedAt = ctx.now;
  next.coversShipping = r.coversShipping ? true : undefined;
  if (timer) {
    next.tier = 'DIFFICULT';
    step.data.tier = 'DIFFICULT';
    step.action = 'RESHIP_TIMEOUT';
  } else {
    step.action = 'CONVERT_TO_REFUND';
    step.note = note;
    say(step, 'MERCHANT', note);
  }
  step.data.converted = true;
  approve(step, r.amountFen, timer ? 'TIMEOUT' : 'MERCHANT');
  const lead = timer ? `商家未在${LIMITS.reshipHours}小时内发出换货，已自动为您转为` : `商家暂时无法换货（${note ?? ''}），已为您转为`;
  notify(step, 'refund', approvalText(step, lead));
  if (timer) notifyShop(step, `换货未在${LIMITS.reshipHours}小时内发出，已自动转为退款${formatYuan(r.amountFen)}`);
}

function onConfirmReceipt(step: Step, ev: Extract<CaseEvent, { type: 'CONFIRM_RECEIPT' }>): void {
  const { ctx, before, next } = step;
  if (ev.by === 'SYSTEM' && !reached(before, ctx.now)) throw stateChanged();
  next.status = 'EXCHANGED';
  step.action = ev.by === 'SYSTEM' ? 'AUTO_CONFIRM_RECEIPT' : 'CONFIRM_RECEIPT';
  notifyShop(step, ev.by === 'SYSTEM' ? '换货商品已超时自动确认收货，换货完成' : '买家已确认收到换货商品，换货完成');
  if (ev.by === 'SYSTEM') notify(step, 'decision', '换货商品已自动确认收货，换货完成');
}

function onPlatformDecide(step: Step, ev: Extract<CaseEvent, { type: 'PLATFORM_DECIDE' }>): void {
  const { before, next } = step;
  const note = requiredText(ev.note, 'note', '请填写处理意见');
  step.note = note;
  say(step, 'PLATFORM', note);
  if (ev.decision === 'REJECT') {
    next.status = 'CLOSED';
    step.action = 'PLATFORM_REJECT';
    notify(step, 'decision', `平台已完成处理，驳回您的售后申请：${note}`);
    return;
  }
  if (ev.decision !== 'APPROVE') throw invalid('decision', '请选择处理结果');
  if (isExchange(before)) {
    // SPEC §5: the platform's APPROVE continues the exchange; there is no amount to decide.
    if (ev.amountFen !== undefined) throw invalid('amountFen', '换货不涉及退款，平台判定时不能填写退款金额', 'R24');
    next.overturned = before.rejection !== undefined;
    step.action = 'PLATFORM_APPROVE';
    step.data.overturned = next.overturned;
    approveExchange(step, 'PLATFORM');
    notify(step, 'decision', approvalText(step, '平台已判定支持您的'));
    notifyShop(step, `平台已判定支持买家换货：${note}`);
    return;
  }
  // R24: the platform pays at most what the buyer asked for, no compensation (R3 still applies in approve).
  const amount = ev.amountFen ?? before.amountFen;
  if (!Number.isSafeInteger(amount) || amount <= 0) throw invalid('amountFen', '退款金额须大于0');
  if (amount > before.amountFen) {
    throw new DomainError('AMOUNT_EXCEEDS_LIMIT', {
      rule: 'R24',
      field: 'amountFen',
      message: `平台判定的退款金额不能超过买家申请的${formatYuan(before.amountFen)}`,
      solution: '请填写不超过买家申请金额的退款金额；不填则按买家申请的金额退款',
    });
  }
  next.overturned = before.rejection !== undefined;
  step.action = 'PLATFORM_APPROVE';
  step.data.overturned = next.overturned;
  approve(step, amount, 'PLATFORM');
  notify(step, 'decision', approvalText(step, '平台已判定支持您的'));
}

function onRefundResult(step: Step, ev: Extract<CaseEvent, { type: 'REFUND_RESULT' }>): void {
  const { next } = step;
  const i = latestProcessing(next, ev.outRefundNo);
  const attempt = next.refunds[i];
  replaceAttempt(step, i, { ...attempt, status: ev.status, settledAt: ev.settledAt, failure: ev.failure });
  step.data.outRefundNo = ev.outRefundNo;
  step.data.status = ev.status;
  if (ev.status === 'SUCCESS') {
    next.status = 'REFUNDED';
    step.action = 'REFUND_SUCCESS';
    step.data.refundFen = attempt.amountFen;
    const way = attempt.method === 'DESIGNATED_ACCOUNT' ? '已转入约定账户' : '已原路退回，银行到账可能有延迟';
    notify(step, 'refund', `退款${formatYuan(attempt.amountFen)}${way}（退款单号${ev.outRefundNo}）`, attempt.amountFen);
    return;
  }
  if (ev.failure !== undefined) step.data.failure = ev.failure;
  step.action = 'REFUND_FAILED';
  failRefund(step, caseError(ev.status === 'ABNORMAL' ? 'REFUND_ABNORMAL' : 'REFUND_CLOSED'));
  notify(
    step,
    'refund',
    ev.status === 'ABNORMAL'
      ? `退款${formatYuan(attempt.amountFen)}未能原路退回，商家正在处理，可能改为转入指定账户`
      : `退款单已关闭，系统将以新的退款单号重新退款${formatYuan(attempt.amountFen)}`,
    attempt.amountFen,
  );
}

function onRefundRefused(step: Step, ev: Extract<CaseEvent, { type: 'REFUND_REFUSED' }>): void {
  const i = latestProcessing(step.next, ev.outRefundNo);
  const attempt = step.next.refunds[i];
  replaceAttempt(step, i, { ...attempt, status: 'CLOSED', failure: ev.error.message });
  step.action = 'REFUND_REFUSED';
  step.data.outRefundNo = ev.outRefundNo;
  failRefund(step, { code: ev.error.code, message: ev.error.message, solution: ev.error.solution });
  notify(step, 'refund', `退款${formatYuan(attempt.amountFen)}暂未成功：${ev.error.message}。商家会与您联系处理`, attempt.amountFen);
}

function onRetryRefund(step: Step, ev: Extract<CaseEvent, { type: 'RETRY_REFUND' }>): void {
  const { ctx, before } = step;
  if (ev.by === 'SYSTEM') {
    const cause = before.lastError?.code;
    const gone = cause === 'REFUND_CLOSED' || (cause === 'MERCHANT_ACCOUNT_ABNORMAL' && ctx.shop.verified);
    if (!gone) throw stateChanged();
  } else if (ev.refundMethod !== undefined) {
    setMethod(step, refundMethodOf(ev.refundMethod, ev.account));
  }
  step.action = 'RETRY_REFUND';
  startRefund(step);
}

function onReportNotReceived(step: Step): void {
  const { ctx, next } = step;
  const paid = next.refunds.find((r) => r.status === 'SUCCESS');
  if (paid === undefined) throw stateChanged();
  const settledAt = paid.settledAt ?? paid.at;
  const askFrom = settledAt + LIMITS.refundSyncDelayHours * HOUR_MS;
  if (ctx.now < askFrom) {
    throw new DomainError('REFUND_SYNC_DELAYED', {
      rule: 'R8',
      message: `退款已于${formatTime(settledAt)}退出，银行到账可能有延迟`,
      solution: `请耐心等待；${formatTime(askFrom)}后仍未到账，可提交工单查询交易流水号（退款单号${paid.outRefundNo}）`,
    });
  }
  const text = `买家反馈退款未到账，已提交工单查询交易流水号，退款单号：${paid.outRefundNo}`;
  say(step, 'SYSTEM', text);
  step.action = 'REPORT_NOT_RECEIVED';
  step.data.outRefundNo = paid.outRefundNo;
  step.effects.push({ type: 'OPEN_TICKET', caseId: next._id, outRefundNo: paid.outRefundNo, text });
}

function apply(step: Step, ev: CaseEvent): void {
  const { ctx, before, next } = step;
  switch (ev.type) {
    case 'APPROVE':
      return onApprove(step, ev);
    case 'REJECT':
      return onReject(step, ev);
    case 'OFFER':
      return onOffer(step, ev);
    case 'CANCEL':
      next.status = 'CANCELLED';
      step.action = 'CANCEL';
      if (isExchange(before)) notifyShop(step, '买家已撤销换货申请');
      return;
    case 'ACCEPT_OFFER':
      return onAcceptOffer(step);
    case 'DECLINE_OFFER':
      step.action = 'DECLINE_OFFER';
      return escalate(step);
    case 'OFFER_TIMEOUT':
      if (!reached(before, ctx.now)) throw stateChanged();
      step.action = 'OFFER_TIMEOUT';
      return escalate(step);
    case 'ADD_EVIDENCE':
      return onAddEvidence(step, ev);
    case 'SHIP_RETURN':
      return onShipReturn(step, ev);
    case 'SHIP_TIMEOUT':
      if (!reached(before, ctx.now)) throw stateChanged();
      next.status = 'CLOSED';
      step.action = 'SHIP_TIMEOUT';
      return;
    case 'CONFIRM_RETURN':
      return onConfirmReturn(step, ev);
    case 'ESCALATE':
      return onEscalate(step, ev);
    case 'ESCALATE_TIMEOUT':
      if (!reached(before, ctx.now)) throw stateChanged();
      next.status = 'CLOSED';
      step.action = 'ESCALATE_TIMEOUT';
      return;
    case 'PLATFORM_DECIDE':
      return onPlatformDecide(step, ev);
    case 'PLATFORM_OVERDUE':
      if (!reached(before, ctx.now) || before.platformOverdue === true) throw stateChanged();
      next.platformOverdue = true;
      step.action = 'PLATFORM_OVERDUE';
      return;
    case 'REFUND_RESULT':
      return onRefundResult(step, ev);
    case 'REFUND_REFUSED':
      return onRefundRefused(step, ev);
    case 'RETRY_REFUND':
      return onRetryRefund(step, ev);
    case 'REPORT_NOT_RECEIVED':
      return onReportNotReceived(step);
    case 'RESHIP':
      return onReship(step, ev);
    case 'CONVERT_TO_REFUND':
      return onConvertToRefund(step, ev);
    case 'CONFIRM_RECEIPT':
      return onConfirmReceipt(step, ev);
    case 'MESSAGE':
      return onMessage(step, ev);
    case 'REQUEST_EVIDENCE':
      return onRequestEvidence(step, ev);
    case 'MODIFY':
      return onModify(step, ev);
  }
}

/** The actor named inside an event (`by`, `via`) must be the one causing it. */
function actorMatches(ev: CaseEvent, actor: Actor): boolean {
  switch (ev.type) {
    case 'APPROVE':
      return ev.via === 'MERCHANT' ? actor === 'MERCHANT' : actor === 'SYSTEM' && (ev.via === 'TIMEOUT' || ev.via === 'QUICK_REFUND');
    case 'ADD_EVIDENCE':
    case 'CONFIRM_RETURN':
    case 'RETRY_REFUND':
    case 'CONVERT_TO_REFUND':
    case 'CONFIRM_RECEIPT':
      return ev.by === actor;
    default:
      return true;
  }
}

function findRow(status: CaseStatus, event: CaseEventType, actor: Actor): TransitionRow | undefined {
  return TRANSITIONS.find((r) => r.from === status && r.event === event && r.actors.includes(actor));
}

/**
 * Applies one event. The result has version + 1, updatedAt = now and exactly one history event
 * appended. Throws CASE_STATE_CHANGED for anything the table does not allow (wrong status, wrong actor,
 * a timer before its deadline, a stale refund result), and the rule's own error when a guard fails.
 */
export function transition(c: AfterSaleCase, event: CaseEvent, ctx: TransitionContext): TransitionResult {
  const tableRow = findRow(c.status, event.type, ctx.actor);
  if (tableRow === undefined || !actorMatches(event, ctx.actor)) throw lateEscalation(c, event, ctx) ?? stateChanged();
  const step: Step = { before: c, ctx, next: { ...c }, action: event.type, data: {}, effects: [] };
  apply(step, event);

  const next = step.next;
  if (!tableRow.to.includes(next.status)) {
    throw new Error(`lifecycle: ${c.status} ${event.type} ended in ${next.status}, outside its table row`);
  }
  // lastError explains the current status; a new status drops it unless the event set a new one.
  if (next.status !== c.status && next.lastError === c.lastError) next.lastError = undefined;
  if (!DEADLINE_STATUSES.includes(next.status)) next.deadlineAt = undefined;
  // SPEC §6: talking and proof that leave the status as it was move no timer (a message never defers a refund query).
  const talk = (event.type === 'MESSAGE' || event.type === 'REQUEST_EVIDENCE' || event.type === 'ADD_EVIDENCE') && next.status === c.status;
  next.timerAt = talk ? c.timerAt : nextTimerAt(next, ctx.now);
  next.version = c.version + 1;
  next.updatedAt = ctx.now;

  const linked = appendHistory(
    withoutUndefined(next),
    withoutUndefined({
      at: ctx.now,
      actor: ctx.actor,
      action: step.action,
      from: c.status,
      to: next.status,
      note: step.note,
      data: Object.keys(step.data).length > 0 ? withoutUndefined(step.data) : undefined,
    }),
  );
  return { case: linked, effects: step.effects };
}

function available(r: TransitionRow, c: AfterSaleCase, actor: Actor, now: EpochMs | undefined): boolean {
  const due = now === undefined || isDue(c, now);
  switch (r.event) {
    case 'APPROVE':
    case 'CONFIRM_RETURN':
    case 'CONVERT_TO_REFUND':
    case 'CONFIRM_RECEIPT':
      return actor !== 'SYSTEM' || due;
    case 'OFFER':
      return c.type !== 'EXCHANGE';
    case 'OFFER_TIMEOUT':
    case 'SHIP_TIMEOUT':
    case 'ESCALATE_TIMEOUT':
      return due;
    case 'PLATFORM_OVERDUE':
      return due && c.platformOverdue !== true;
    case 'ACCEPT_OFFER':
      return c.offer !== undefined;
    case 'ESCALATE':
      return now === undefined || c.deadlineAt === undefined || now <= c.deadlineAt;
    case 'ADD_EVIDENCE':
    case 'MODIFY':
    case 'MESSAGE':
      // SPEC §6: after a rejection, only inside its escalation window (then the case closes).
      return c.status !== 'REJECTED' || now === undefined || c.deadlineAt === undefined || now <= c.deadlineAt;
    case 'REFUND_RESULT':
    case 'REFUND_REFUSED': {
      const last = c.refunds[c.refunds.length - 1];
      return last !== undefined && last.status === 'PROCESSING';
    }
    case 'RETRY_REFUND':
      return actor !== 'SYSTEM' || TIMER_RETRYABLE.includes(c.lastError?.code ?? '');
    case 'REPORT_NOT_RECEIVED':
      return c.refunds.some((a) => a.status === 'SUCCESS');
    default:
      return true;
  }
}

/**
 * The events `actor` may send to this case now, for the pages' buttons. With `now`, deadline-bound
 * events (the timers, the buyer's escalation window) are offered only when in time.
 */
export function allowedEvents(c: AfterSaleCase, actor: Actor, now?: EpochMs): CaseEventType[] {
  const out: CaseEventType[] = [];
  for (const r of TRANSITIONS) {
    if (r.from !== c.status || !r.actors.includes(actor) || out.includes(r.event)) continue;
    if (available(r, c, actor, now)) out.push(r.event);
  }
  return out;
}

/**
 * The event the sweep sends to a case whose timer is due, or null when the case needs no timer event
 * (REFUNDING needs a gateway query first; nothing is due yet). `shopVerified` decides R5's retry.
 * Deadlines are `dueTimeout`'s; the sweep applies them, chained, through `applyDueTimeouts`.
 */
export function timerEvent(c: AfterSaleCase, now: EpochMs, shopVerified: boolean): CaseEvent | null {
  if (c.status === 'REFUND_FAILED') {
    const cause = c.lastError?.code;
    return cause === 'REFUND_CLOSED' || (cause === 'MERCHANT_ACCOUNT_ABNORMAL' && shopVerified)
      ? { type: 'RETRY_REFUND', by: 'SYSTEM' }
      : null;
  }
  return dueTimeout(c, now);
}

/**
 * The timeout of the case's current deadline when it is past due at `now` (`deadlineAt < now`,
 * SPEC §3), or null: PENDING auto-approves (R16), NEGOTIATING escalates, AWAITING_RETURN closes and
 * RETURN_SHIPPED is confirmed (R23), REJECTED closes and ESCALATED is flagged overdue once (R24).
 */
export function dueTimeout(c: AfterSaleCase, now: EpochMs): CaseEvent | null {
  if (!isDue(c, now)) return null;
  switch (c.status) {
    case 'PENDING':
      return { type: 'APPROVE', via: 'TIMEOUT' };
    case 'NEGOTIATING':
      return { type: 'OFFER_TIMEOUT' };
    case 'AWAITING_RETURN':
      return { type: 'SHIP_TIMEOUT' };
    case 'RETURN_SHIPPED':
      return { type: 'CONFIRM_RETURN', by: 'SYSTEM' };
    case 'REJECTED':
      return { type: 'ESCALATE_TIMEOUT' };
    case 'ESCALATED':
      return c.platformOverdue === true ? null : { type: 'PLATFORM_OVERDUE' };
    case 'AWAITING_RESHIP':
      return { type: 'CONVERT_TO_REFUND', by: 'SYSTEM' };
    case 'RESHIPPED':
      return { type: 'CONFIRM_RECEIPT', by: 'SYSTEM' };
    default:
      return null;
  }
}

/** One timeout applied by `applyDueTimeouts`: the event, the moment it took effect, its transition. */
export interface TimeoutStep extends TransitionResult {
  event: CaseEvent;
  /** The deadline it took effect at (the history event's `at`). */
  at: EpochMs;
}

export interface Expiry {
  /** The case with every due timeout applied; `c` itself when none was due. */
  case: AfterSaleCase;
  /** The timeouts in order; each step's `case` is the next step's input, the first step's input is `c`. */
  steps: TimeoutStep[];
  /** A due timeout the rules refuse (an auto-approval without a return address, R3): the chain stops before it. */
  blocked?: DomainError;
}

/** More than any chain the table allows (PENDING → AWAITING_RETURN → CLOSED, NEGOTIATING → ESCALATED → flagged). */
const MAX_CHAIN = 8;

/**
 * "Apply every due timeout to this case at `now`", the one place that says it (SPEC §3 "Deadlines bind
 * at their moment"): each timeout past due (`deadlineAt < now`) is applied as SYSTEM at its own
 * deadline, so the deadline it starts counts from that deadline (a RETURN_REFUND auto-approved at D
 * must be shipped by D + returnShipDays), and the next one is applied too when it is also past due.
 * The sweep commits the steps; case actions, apply and modify commit them before judging the action;
 * lists and preview use `case` in memory. Pure: `c` is not changed.
 */
export function applyDueTimeouts(c: AfterSaleCase, ctx: RuleContext): Expiry {
  const steps: TimeoutStep[] = [];
  let current = c;
  for (let i = 0; i < MAX_CHAIN; i += 1) {
    const event = dueTimeout(current, ctx.now);
    if (event === null || current.deadlineAt === undefined) break;
    const at = current.deadlineAt;
    let result: TransitionResult;
    try {
      result = transition(current, event, { ...ctx, now: at, actor: 'SYSTEM' });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return { case: current, steps, blocked: e };
    }
    // The sweep's next look counts from now, not from the deadline (a refund requested now is queried a delay after now).
    const timerAt = nextTimerAt(result.case, ctx.now);
    const next = timerAt === result.case.timerAt ? result.case : withoutUndefined({ ...result.case, timerAt });
    steps.push({ case: next, effects: result.effects, event, at });
    current = next;
  }
  return { case: current, steps };
}

/**
 * Moves a case's timer without an event (a refund still PROCESSING at the gateway: look again later),
 * or clears it (`undefined`). Nothing happened to the case, so no history; the version still moves,
 * for the compare-and-set.
 */
export function deferTimer(c: AfterSaleCase, timerAt: EpochMs | undefined, now: EpochMs): AfterSaleCase {
  return withoutUndefined({ ...c, timerAt, version: c.version + 1, updatedAt: now });
}

// ---------------------------------------------------------------------------------------------
// Opening a case
// ---------------------------------------------------------------------------------------------

/**
 * R18: small amounts under the shop's threshold, or cases made only of SKUs on its quick list, are
 * approved at once — never virtual goods, which go to the merchant (R14).
 */
export function qualifiesForQuickRefund(ctx: RuleContext, req: Pick<ApplyRequest, 'amountFen' | 'items'>): boolean {
  const s = ctx.shop.settings;
  // SPEC §5: an exchange moves no money, so there is nothing to refund quickly.
  if ((req as Partial<Pick<ApplyRequest, 'type'>>).type === 'EXCHANGE') return false;
  const lines = req.items.map((it) => ctx.order.items.find((l) => l.skuId === it.skuId));
  if (lines.some((l) => l?.kind === 'VIRTUAL')) return false;
  const underThreshold = s.quickRefundThresholdFen > 0 && req.amountFen < s.quickRefundThresholdFen;
  const quickSkus = req.items.length > 0 && req.items.every((it) => s.quickRefundSkuIds.includes(it.skuId));
  return underThreshold || quickSkus;
}

/**
 * `apply` in the core: the rules in the spec's order (the first violation thrown), then the new
 * PENDING case with its auto-reply (R17), suggestion (R26), fee (R20) and insurance (R29), and quick
 * refund (R18) in the same result when the shop's settings say so.
 */
export function openCase(ctx: RuleContext, req: ApplyRequest, ids: { caseId: string }): TransitionResult {
  const first = checkApplication(ctx, req)[0];
  if (first !== undefined) throw violationError(first);
  const { now, order, shop } = ctx;
  const s = shop.settings;
  const exchange = req.type === 'EXCHANGE';
  const fee = exchange ? { feeFen: 0, feeBearer: 'NONE' as const } : refundFee(req.amountFen, req.reason, s);
  const exchangeNote = exchange ? (req.exchangeNote ?? '').trim() : undefined;
  const evidence: Evidence[] = req.evidence.map((e) =>
    withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag, by: 'BUYER' as const, at: now }),
  );
  const deadlineAt = now + s.autoApproveHours * HOUR_MS;
  const draft: AfterSaleCase = {
    _id: ids.caseId,
    orderId: order._id,
    shopId: order.shopId,
    buyerOpenid: order.buyerOpenid,
    idempotencyKey: req.idempotencyKey,
    type: req.type,
    reason: req.reason,
    status: 'PENDING',
    tier: 'NORMAL',
    items: req.items.map((it) => ({ skuId: it.skuId, qty: it.qty })),
    amountFen: req.amountFen,
    feeFen: fee.feeFen,
    feeBearer: fee.feeBearer,
    description: req.description,
    evidence,
    exchangeNote,
    deadlineAt,
    timerAt: deadlineAt,
    version: 1,
    coversShipping: coversShipping(ctx, req),
    insured: order.insured === true,
    messages: [{ at: now, from: 'SYSTEM', text: s.autoReplyText }],
    refunds: [],
    history: [],
    createdAt: now,
    updatedAt: now,
  };
  if (exchangeNote === undefined) delete draft.exchangeNote;
  draft.suggestion = suggest(draft, order, s);
  const opened = appendHistory(draft, {
    at: now,
    actor: 'BUYER',
    action: 'APPLY',
    to: 'PENDING',
    data: withoutUndefined({
      orderId: order._id,
      type: req.type,
      reason: req.reason,
      items: draft.items,
      amountFen: req.amountFen,
      feeFen: fee.feeFen,
      description: req.description,
      exchangeNote,
      evidence: evidence.map((e) => withoutUndefined({ fileId: e.fileId, kind: e.kind, sha256: e.sha256, tag: e.tag })),
      coversShipping: draft.coversShipping,
      insured: draft.insured,
    }),
  });
  const autoReply: Effect = {
    type: 'NOTIFY',
    notification: { at: now, toOpenid: order.buyerOpenid, caseId: ids.caseId, templateKey: 'autoReply', text: s.autoReplyText },
  };

  const effects: Effect[] = [autoReply];
  if (exchange) {
    effects.push({
      type: 'NOTIFY_SHOP',
      shopId: order.shopId,
      notification: {
        at: now,
        caseId: ids.caseId,
        templateKey: 'message',
        text: `买家申请换货（${exchangeNote ?? ''}），请在${formatTime(deadlineAt)}前处理，逾期将自动同意`,
        data: { status: 'PENDING' },
      },
    });
    return { case: opened, effects };
  }

  if (qualifiesForQuickRefund(ctx, req)) {
    try {
      const quick = transition(opened, { type: 'APPROVE', via: 'QUICK_REFUND' }, { ...ctx, actor: 'SYSTEM' });
      return { case: quick.case, effects: [autoReply, ...quick.effects] };
    } catch (e) {
      // A quick refund the shop cannot give now (no return address yet, R3) leaves the case with the merchant.
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return { case: opened, effects: [autoReply] };
}
