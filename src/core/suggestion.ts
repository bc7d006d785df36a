/**
 * R26 (seed 八.1 「AI自动识别退款原因并生成处理建议」): what the merchant is advised to do with a new
 * case, and why, in words a shop's staff reads at a glance. It is advice only: the merchant decides,
 * and the rules (R1–R33) stay the authority.
 */
import type { AfterSaleCase, Order, Reason, ShopSettings, Suggestion } from '../../types/domain';
import { classify } from './classifier';
import { REASON_LABELS } from './classifier-data';
import { formatYuan } from './money';
import { applyBy, isSellerResponsible } from './rules';
import { LIMITS } from './settings';

/** Below this the classifier's guess is too weak to contradict what the buyer chose. */
const MISMATCH_CONFIDENCE = 0.6;

type SuggestedCase = Pick<AfterSaleCase, 'type' | 'reason' | 'description' | 'evidence' | 'items' | 'amountFen' | 'createdAt'>;

function orderLines(c: SuggestedCase, order: Order) {
  return c.items
    .map((it) => order.items.find((line) => line.skuId === it.skuId))
    .filter((line): line is Order['items'][number] => line !== undefined);
}

/** Why a no-reason return is outside the shop's policy, or null when it is within it. */
function noReasonRefusal(c: SuggestedCase, order: Order, settings: ShopSettings): string | null {
  const lines = orderLines(c, order);
  if (lines.some((l) => l.kind === 'CUSTOM' && l.customNoticeShown === true)) {
    return '定制商品下单前已告知不可退换，不适用无理由退货';
  }
  if (lines.some((l) => l.kind === 'VIRTUAL' && l.activated === true)) return '虚拟商品已激活使用，不可退款';
  if (lines.some((l) => l.kind === 'FRESH')) return '生鲜商品易腐坏，不适用无理由退货';
  const lastDay = applyBy(order, settings, 'NO_REASON');
  if (lastDay !== undefined && c.createdAt > lastDay) return '申请时已超过签收后的无理由退货期限';
  if (c.type === 'REFUND_ONLY' && order.deliveredAt !== undefined) {
    return '商品已签收，不想要了应退货退款，建议拒绝仅退款并引导买家寄回商品';
  }
  return null;
}

function hasPhotoOrVideo(c: SuggestedCase): boolean {
  return c.evidence.some((e) => e.kind === 'image' || e.kind === 'video');
}

function sellerResponsibleAdvice(
  reason: Reason,
  c: SuggestedCase,
  order: Order,
  settings: ShopSettings,
  why: string[],
): Suggestion['decision'] {
  const photos = c.evidence.filter((e) => e.kind === 'image').length;
  const videos = c.evidence.filter((e) => e.kind === 'video').length;
  const valuable = orderLines(c, order).some((l) => l.unitFen >= settings.valuableItemFen);
  if (reason === 'LOGISTICS' && (order.logistics?.events.length ?? 0) > 0) {
    why.push('订单有物流轨迹，可核对签收与运输记录');
    if (!hasPhotoOrVideo(c)) return 'APPROVE';
  }
  if (!hasPhotoOrVideo(c)) {
    why.push(`买家选择「${REASON_LABELS[reason]}」但未上传照片或视频，建议请买家补充问题实拍后再处理`);
    return 'ASK_EVIDENCE';
  }
  if (valuable && videos === 0) {
    why.push(`贵重商品（单价不低于${formatYuan(settings.valuableItemFen)}）建议请买家补充开箱视频`);
    return 'ASK_EVIDENCE';
  }
  const parts = [photos > 0 ? `${photos}张照片` : '', videos > 0 ? `${videos}个视频` : ''].filter((p) => p !== '');
  why.push(`属于卖家责任（${REASON_LABELS[reason]}），买家已上传${parts.join('和')}作为凭证，建议同意`);
  return 'APPROVE';
}

export function suggest(c: SuggestedCase, order: Order, settings: ShopSettings): Suggestion {
  const text = c.description.trim();
  const guess = text === '' ? null : classify(text);
  const why: string[] = [];
  const readsAs = guess !== null && guess.confidence >= MISMATCH_CONFIDENCE ? guess.reason : null;
  if (readsAs !== null && readsAs !== c.reason) {
    why.push(`描述内容更像「${REASON_LABELS[readsAs]}」，与买家选择的「${REASON_LABELS[c.reason]}」不一致，请核实`);
  }

  let decision: Suggestion['decision'];
  if (c.type === 'SHIPPING_FEE_ONLY') {
    if (isSellerResponsible(c.reason)) {
      why.push('卖家责任导致的运费，应由商家承担，建议同意');
      decision = 'APPROVE';
    } else {
      why.push('非卖家责任的运费一般由买家承担，可与买家沟通后拒绝');
      decision = 'REJECT';
    }
  } else if (c.reason === 'NO_REASON') {
    const refusal = noReasonRefusal(c, order, settings);
    if (refusal !== null) {
      why.push(refusal);
      decision = 'REJECT';
    } else {
      why.push(
        c.type === 'RETURN_REFUND'
          ? '在无理由退货期内，建议同意退货，收到商品确认完好后退款'
          : '在无理由退货期内且商品尚未签收，建议同意',
      );
      decision = 'APPROVE';
    }
  } else if (isSellerResponsible(c.reason)) {
    decision = sellerResponsibleAdvice(c.reason, c, order, settings, why);
    // Choosing a seller-responsible reason for a text that says 「不想要了」 shifts the fee and the return
    // shipping onto the shop; that is worth a question before the money moves.
    if (decision === 'APPROVE' && readsAs === 'NO_REASON') decision = 'ASK_EVIDENCE';
  } else if (readsAs !== null && isSellerResponsible(readsAs)) {
    decision = sellerResponsibleAdvice(readsAs, c, order, settings, why);
  } else {
    why.push('原因不够明确，建议联系买家了解具体情况，必要时请其补充凭证');
    decision = 'ASK_EVIDENCE';
  }

  if (order.insured === true && c.type === 'RETURN_REFUND') why.push('订单已投保退货运费险，退货运费由保险承担');
  if (c.amountFen >= LIMITS.legalThresholdFen) {
    why.push(`金额不低于${formatYuan(LIMITS.legalThresholdFen)}，若拒绝后买家申诉，可能进入微信小法庭调解`);
  }

  return {
    reason: guess !== null && guess.confidence > 0 ? guess.reason : c.reason,
    confidence: guess?.confidence ?? 0,
    decision,
    why,
  };
}
