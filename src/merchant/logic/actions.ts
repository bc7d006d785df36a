/**
 * The review page's forms: what staff typed → a request the cloud accepts, or the field that is wrong
 * and why, in words staff understand. The cloud checks everything again (R30); this only spares a
 * round trip and names the field next to where it was typed.
 */
import type {
  ApproveRequest,
  ConvertToRefundRequest,
  DecideRequest,
  OfferRequest,
  RejectRequest,
  ReshipRequest,
  RetryRefundRequest,
} from '../../../types/api';
import type { AfterSaleCase, Fen, RefundMethod, RejectReasonCode } from '../../../types/domain';
import { formatYuan, parseYuan, percentOf } from '../../core/money';
import { LIMITS, TRACKING_NO_PATTERN } from '../../core/settings';

export type FieldErrors = Partial<Record<string, string>>;
export type Checked<T> = { ok: true; request: T } | { ok: false; errors: FieldErrors };

/** The cloud's bound on a note (schemas.ts); longer text would be refused as a whole. */
export const NOTE_MAX_CHARS = 500;
const ACCOUNT_MIN = 4;
const ACCOUNT_MAX = 64;

function checked<T>(errors: FieldErrors, request: T): Checked<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, request };
}

function checkNote(errors: FieldErrors, note: string, required: boolean, what: string): string {
  const t = note.trim();
  if (required && t.length < LIMITS.rejectNoteMinChars) {
    errors.note = `请填写${what}（至少${LIMITS.rejectNoteMinChars}个字），买家会看到这段说明`;
  } else if (t.length > NOTE_MAX_CHARS) {
    errors.note = `${what}不能超过${NOTE_MAX_CHARS}个字`;
  }
  return t;
}

function checkAccount(errors: FieldErrors, method: RefundMethod, account: string): string | undefined {
  if (method !== 'DESIGNATED_ACCOUNT') return undefined;
  const a = account.trim();
  if (a.length === 0) errors.account = '指定账户退款需填写买家同意的收款账户';
  else if (a.length < ACCOUNT_MIN || a.length > ACCOUNT_MAX) errors.account = `收款账户应为${ACCOUNT_MIN}到${ACCOUNT_MAX}个字符`;
  return a;
}

/** An optional amount in yuan; '' means none. */
function checkOptionalYuan(errors: FieldErrors, field: string, text: string): Fen | undefined {
  if (text.trim() === '') return undefined;
  const fen = parseYuan(text);
  if (fen === null) errors[field] = '请输入正确的金额，如 12.50';
  return fen ?? undefined;
}

export interface ApproveForm {
  refundMethod: RefundMethod;
  account: string;
  /** 补偿 in yuan, optional (R3). */
  compensation: string;
  note: string;
}

export function checkApprove(c: AfterSaleCase, orderPaidFen: Fen, form: ApproveForm): Checked<ApproveRequest> {
  const errors: FieldErrors = {};
  if (c.type === 'EXCHANGE') {
    // 换货 agrees to no money (SPEC §5): the note alone.
    const note = checkNote(errors, form.note, false, '处理意见');
    return checked(errors, note ? { caseId: c._id, note } : { caseId: c._id });
  }
  const account = checkAccount(errors, form.refundMethod, form.account);
  const compensationFen = checkOptionalYuan(errors, 'compensation', form.compensation);
  const cap = percentOf(orderPaidFen, LIMITS.refundCapPercent);
  if (compensationFen !== undefined && compensationFen > 0 && c.amountFen + compensationFen > cap) {
    errors.compensation = `退款加补偿不能超过订单实付的${LIMITS.refundCapPercent}%（${formatYuan(cap)}）`;
  }
  const note = checkNote(errors, form.note, false, '处理意见');
  const request: ApproveRequest = { caseId: c._id, refundMethod: form.refundMethod };
  if (account !== undefined) request.account = account;
  if (compensationFen) request.compensationFen = compensationFen;
  if (note) request.note = note;
  return checked(errors, request);
}

export interface RejectForm {
  reasonCode: RejectReasonCode | '';
  note: string;
}

export function checkReject(c: AfterSaleCase, form: RejectForm): Checked<RejectRequest> {
  const errors: FieldErrors = {};
  if (form.reasonCode === '') errors.reasonCode = '请选择拒绝原因';
  const note = checkNote(errors, form.note, true, '拒绝说明');
  return checked(errors, { caseId: c._id, reasonCode: form.reasonCode as RejectReasonCode, note });
}

export interface OfferForm {
  amount: string;
  note: string;
}

/** R6 / negotiation: a partial amount, more than nothing and at most what the buyer asked for. */
export function checkOffer(c: AfterSaleCase, form: OfferForm): Checked<OfferRequest> {
  const errors: FieldErrors = {};
  const amountFen = parseYuan(form.amount);
  if (amountFen === null) errors.amount = '请输入协商退款金额，如 25.00';
  else if (amountFen <= 0) errors.amount = '协商金额须大于 0';
  else if (amountFen > c.amountFen) errors.amount = `协商金额不能高于买家申请的 ${formatYuan(c.amountFen)}`;
  const note = checkNote(errors, form.note, true, '协商说明');
  return checked(errors, { caseId: c._id, amountFen: amountFen ?? 0, note });
}

export interface RetryForm {
  refundMethod: RefundMethod;
  account: string;
}

export function checkRetry(c: AfterSaleCase, form: RetryForm): Checked<RetryRefundRequest> {
  const errors: FieldErrors = {};
  const account = checkAccount(errors, form.refundMethod, form.account);
  const request: RetryRefundRequest = { caseId: c._id, refundMethod: form.refundMethod };
  if (account !== undefined) request.account = account;
  return checked(errors, request);
}

export interface DecideForm {
  decision: 'APPROVE' | 'REJECT';
  /** Platform's amount in yuan; '' keeps the buyer's ask. */
  amount: string;
  note: string;
}

/** R24: the platform's decision is final, so it always says why. */
export function checkDecide(c: AfterSaleCase, form: DecideForm): Checked<DecideRequest> {
  const errors: FieldErrors = {};
  const amountFen = form.decision === 'APPROVE' ? checkOptionalYuan(errors, 'amount', form.amount) : undefined;
  if (amountFen !== undefined && (amountFen <= 0 || amountFen > c.amountFen)) {
    errors.amount = `退款金额须大于 0 且不高于买家申请的 ${formatYuan(c.amountFen)}`;
  }
  const note = checkNote(errors, form.note, true, '处理方案说明');
  const request: DecideRequest = { caseId: c._id, decision: form.decision, note };
  if (amountFen !== undefined) request.amountFen = amountFen;
  return checked(errors, request);
}

export interface ReshipForm {
  company: string;
  trackingNo: string;
}

/** SPEC §5: the replacement's carrier and tracking number, as the cloud's schema takes them. */
export function checkReship(c: AfterSaleCase, form: ReshipForm): Checked<ReshipRequest> {
  const errors: FieldErrors = {};
  const company = form.company.trim();
  const trackingNo = form.trackingNo.trim();
  if (company.length < 2 || company.length > 30) errors.company = '请填写快递公司，如 顺丰速运';
  if (!TRACKING_NO_PATTERN.test(trackingNo)) errors.trackingNo = '请填写完整的快递单号（6-40位字母或数字）';
  return checked(errors, { caseId: c._id, company, trackingNo });
}

/** SPEC §5: out of stock, the exchange becomes a refund; the buyer reads why. */
export function checkConvert(c: AfterSaleCase, form: { note: string }): Checked<ConvertToRefundRequest> {
  const errors: FieldErrors = {};
  const note = checkNote(errors, form.note, true, '无法换货的原因');
  return checked(errors, { caseId: c._id, note });
}

export interface LiftRiskForm {
  openid: string;
  note: string;
}

export function checkLiftRisk(form: LiftRiskForm): Checked<{ openid: string; note: string }> {
  const errors: FieldErrors = {};
  const openid = form.openid.trim();
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(openid)) errors.openid = '请填写买家的 openid';
  const note = checkNote(errors, form.note, true, '解除原因');
  return checked(errors, { openid, note });
}
