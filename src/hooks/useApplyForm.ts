import { useMemo, useState } from 'react';
import type { ApplyRequest, DraftApplication, Notice, PreviewResult, Violation } from '../../types/api';
import type { EvidenceTag, OrderItem } from '../../types/domain';
import { formatYuan, parseYuan } from '../core/money';
import { preview } from '../core/preview';
import { LIMITS } from '../core/settings';
import type { OrderView } from '../../types/api';
import { evidenceInputs, type ApplyDraft } from '../stores/draft';
import { ruleContextOf } from './ruleContext';

/** The fields of the apply form, as validation messages name them. */
export type ApplyField = 'items' | 'reason' | 'amount' | 'description' | 'evidence' | 'exchangeNote';

export const FIELD_LABELS: Record<ApplyField, string> = {
  items: '退款商品',
  reason: '售后原因',
  amount: '退款金额',
  description: '问题描述',
  evidence: '凭证',
  exchangeNote: '换成',
};

/** The draft as the core reads it: chosen lines with their units; no items for 仅退运费 (R10). */
export function draftApplication(d: ApplyDraft, amountFen: number | undefined): DraftApplication {
  const items =
    d.type === 'SHIPPING_FEE_ONLY'
      ? []
      : Object.entries(d.lines)
          .filter(([, qty]) => qty > 0)
          .map(([skuId, qty]) => ({ skuId, qty }));
  return {
    orderId: d.orderId,
    type: d.type,
    reason: d.reason ?? 'OTHER',
    items,
    ...(amountFen !== undefined ? { amountFen } : {}),
    description: d.description,
    evidence: evidenceInputs(d),
    ...(d.type === 'EXCHANGE' ? { exchangeNote: (d.exchangeNote ?? '').trim() } : {}),
  };
}

/** What the buyer typed, in fen: the most refundable until edited; null when it is not an amount. */
export function amountOf(d: Pick<ApplyDraft, 'amountEdited' | 'amountText'> & Partial<Pick<ApplyDraft, 'type'>>, maxFen: number): number | null {
  // 换货 asks for the goods again, not money (SPEC §5).
  if (d.type === 'EXCHANGE') return 0;
  if (!d.amountEdited) return maxFen;
  return parseYuan(d.amountText);
}

/**
 * The form's own checks, each message naming its field. Rules that need the order and the shop are
 * the core's (`preview`); these are what a person can fix in the field itself.
 */
export function validateDraft(d: ApplyDraft, amountFen: number | null, maxFen: number): Partial<Record<ApplyField, string>> {
  const errors: Partial<Record<ApplyField, string>> = {};
  const chosen = Object.values(d.lines).filter((q) => q > 0).length;
  if (d.type !== 'SHIPPING_FEE_ONLY' && chosen === 0) errors.items = `${FIELD_LABELS.items}：请至少选择一件商品`;
  if (!d.reason) errors.reason = `${FIELD_LABELS.reason}：请选择售后原因`;
  if (d.type === 'EXCHANGE') {
    const n = [...(d.exchangeNote ?? '').trim()].length;
    if (n === 0) errors.exchangeNote = `${FIELD_LABELS.exchangeNote}：请填写想换的尺码或颜色`;
    else if (n > LIMITS.exchangeNoteMaxChars) errors.exchangeNote = `${FIELD_LABELS.exchangeNote}：最多${LIMITS.exchangeNoteMaxChars}字，已写${n}字`;
  } else if (amountFen === null) errors.amount = `${FIELD_LABELS.amount}：请输入正确的金额，例如 12.50`;
  else if (amountFen <= 0) errors.amount = `${FIELD_LABELS.amount}：需大于 ¥0.00`;
  else if (amountFen > maxFen) errors.amount = `${FIELD_LABELS.amount}：最多可退 ${formatYuan(maxFen)}，请调低金额`;
  const descLength = [...d.description].length;
  if (descLength > LIMITS.descriptionMaxChars) errors.description = `${FIELD_LABELS.description}：最多${LIMITS.descriptionMaxChars}字，已写${descLength}字`;
  else if (d.type === 'SHIPPING_FEE_ONLY' && [...d.description.trim()].length < LIMITS.shippingFeeDescriptionMinChars) {
    errors.description = `${FIELD_LABELS.description}：仅退运费请写明具体原因（至少${LIMITS.shippingFeeDescriptionMinChars}个字）`;
  }
  if (d.evidence.some((e) => e.status === 'preparing' || e.status === 'uploading')) errors.evidence = `${FIELD_LABELS.evidence}：还有凭证在上传，请稍候`;
  else if (d.evidence.some((e) => e.status === 'failed')) errors.evidence = `${FIELD_LABELS.evidence}：有凭证上传失败，请点重试或删除`;
  return errors;
}

/** Which form field a core violation is about (`items.0.qty` → items). */
export function fieldOf(v: Violation): ApplyField | undefined {
  const head = v.field?.split('.')[0];
  if (head === 'items') return 'items';
  if (head === 'amountFen') return 'amount';
  if (head === 'description') return 'description';
  if (head === 'evidence') return 'evidence';
  if (head === 'reason') return 'reason';
  if (head === 'exchangeNote') return 'exchangeNote';
  return undefined;
}

export interface ApplyForm {
  preview: PreviewResult;
  maxFen: number;
  amountFen: number | null;
  /** Field messages to show now: the amount at once, the rest after the first submit attempt. */
  errors: Partial<Record<ApplyField, string>>;
  /** Every field message, shown or not yet. */
  allErrors: Partial<Record<ApplyField, string>>;
  /** The core's blocking rules, each with the seed's solution. */
  blocking: Violation[];
  notices: Notice[];
  /** A chosen line at or above the shop's valuable price and no video yet (四.1). */
  wantsUnboxingVideo: OrderItem | undefined;
  /** The tag new evidence should carry for the rules this draft meets (R9 logistics, R15 receipt). */
  suggestedTag: EvidenceTag | undefined;
  canSubmit: boolean;
  showAllErrors: boolean;
  /** Marks the form as submitted once: from then on every field error shows. */
  revealErrors: () => void;
  /** The apply request, or null while something blocks it. */
  request: () => Omit<ApplyRequest, 'idempotencyKey'> | null;
}

/** The live preview of the apply page: recomputed from the shared core on every change. */
export function useApplyForm(order: OrderView, draft: ApplyDraft, callerOpenid: string, now: number): ApplyForm {
  const [showAllErrors, setShowAllErrors] = useState(false);

  const computed = useMemo(() => {
    const ctx = ruleContextOf(order, callerOpenid, now);
    const base = preview(ctx, draftApplication(draft, undefined));
    const maxFen = base.maxRefundableFen;
    const amountFen = amountOf(draft, maxFen);
    const full =
      draft.type === 'EXCHANGE'
        ? preview(ctx, draftApplication(draft, 0))
        : amountFen !== null && amountFen > 0 && draft.amountEdited
          ? preview(ctx, draftApplication(draft, amountFen))
          : base;
    const own = validateDraft(draft, amountFen, maxFen);
    const blocking = full.violations.filter((v) => !(fieldOf(v) === 'amount' && own.amount) && !(fieldOf(v) === 'exchangeNote' && own.exchangeNote));
    const chosenLines = order.items.filter((i) => (draft.lines[i.skuId] ?? 0) > 0 && draft.type !== 'SHIPPING_FEE_ONLY');
    const valuable = order.shop.settings.valuableItemFen;
    const hasVideo = draft.evidence.some((e) => e.kind === 'video');
    const wantsUnboxingVideo = hasVideo ? undefined : chosenLines.find((l) => valuable > 0 && l.unitFen >= valuable);
    let suggestedTag: EvidenceTag | undefined;
    if (draft.reason === 'LOGISTICS') suggestedTag = 'logistics';
    else if (draft.reason === 'QUALITY' && chosenLines.some((l) => l.kind === 'FRESH')) suggestedTag = 'receipt';
    return { preview: full, maxFen, amountFen, own, blocking, wantsUnboxingVideo, suggestedTag };
  }, [order, draft, callerOpenid, now]);

  const { own } = computed;
  const errors: Partial<Record<ApplyField, string>> = showAllErrors ? own : own.amount ? { amount: own.amount } : {};
  const canSubmit = Object.keys(own).length === 0 && computed.blocking.length === 0;

  return {
    preview: computed.preview,
    maxFen: computed.maxFen,
    amountFen: computed.amountFen,
    errors,
    allErrors: own,
    blocking: computed.blocking,
    notices: computed.preview.notices,
    wantsUnboxingVideo: computed.wantsUnboxingVideo,
    suggestedTag: computed.suggestedTag,
    canSubmit,
    showAllErrors,
    revealErrors: () => setShowAllErrors(true),
    request: () => {
      if (!canSubmit || computed.amountFen === null) return null;
      const app = draftApplication(draft, computed.amountFen);
      return { ...app, amountFen: computed.amountFen, description: draft.description.trim(), evidence: app.evidence ?? [] };
    },
  };
}
