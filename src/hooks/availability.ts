import type { OrderView, Violation } from '../../types/api';
import type { CaseItem } from '../../types/domain';
import { REASONS } from '../../types/domain';
import { checkApplication, claimedUnits, isOpen } from '../core/rules';
import { ruleContextOf } from './ruleContext';

export type Availability =
  | { possible: true }
  | { possible: false; message: string; solution?: string; openCaseId?: string };

/**
 * Failures the buyer fixes on the apply form itself (photos, a description, the amount), so they do
 * not hide the 「申请售后」 button.
 */
const FIXABLE_ON_FORM = new Set<Violation['code']>(['EVIDENCE_REQUIRED', 'LOGISTICS_EVIDENCE_MISSING', 'INVALID_INPUT', 'AMOUNT_EXCEEDS_LIMIT']);

/**
 * Whether 「申请售后」 can be offered for one line (or the whole order), as the shared core sees it:
 * possible when some reason passes every rule the form cannot fix; otherwise the rule's message and
 * solution, or the open case to continue in.
 */
export function afterSaleAvailability(order: OrderView, callerOpenid: string, now: number, skuId?: string): Availability {
  const lines = skuId ? order.items.filter((i) => i.skuId === skuId) : order.items;
  const open = order.cases.find((c) => isOpen(c) && c.items.some((it) => lines.some((l) => l.skuId === it.skuId)));
  if (skuId && open) return { possible: false, message: '该商品已有进行中的售后', openCaseId: open._id };
  const items: CaseItem[] = lines
    .map((l) => ({ skuId: l.skuId, qty: l.qty - claimedUnits(order.cases, l.skuId) }))
    .filter((it) => it.qty > 0);
  if (items.length === 0) {
    return open
      ? { possible: false, message: '订单商品已有进行中的售后', openCaseId: open._id }
      : { possible: false, message: '订单商品都已申请过售后' };
  }
  const ctx = ruleContextOf(order, callerOpenid, now);
  let firstBlock: Violation | undefined;
  for (const reason of ['QUALITY', ...REASONS.filter((r) => r !== 'QUALITY')] as const) {
    const blocking = checkApplication(ctx, { orderId: order._id, type: 'REFUND_ONLY', reason, items, description: '', evidence: [] }).filter(
      (v) => !FIXABLE_ON_FORM.has(v.code),
    );
    if (blocking.length === 0) return { possible: true };
    firstBlock ??= blocking[0];
  }
  return { possible: false, message: firstBlock?.message ?? '暂不能申请售后', solution: firstBlock?.solution };
}
