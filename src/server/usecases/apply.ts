/**
 * preview and apply (SPEC §3's order of checks): schema and ownership happened before these run;
 * then a replay of (buyer, idempotencyKey) answers with the original case; then the core decides on
 * the freshest facts, and the insert is guarded so that two racing applies cannot both pass
 * R3/R7/R10/R11/R32 on the same facts.
 */
import { DomainError } from '../../core/errors';
import type { Effect } from '../../core/context';
import { openCase } from '../../core/lifecycle';
import { claimedImage } from '../../core/orders';
import { preview } from '../../core/preview';
import { capClaimOf } from '../caps';
import { checkEvidenceFiles } from './act';
import { loadRuleContext } from './context';
import { afterCommit, rowsOf, shopRecipients } from './effects';
import { expireCase, expireOrderCases, withTimeoutsApplied } from './expiry';
import { checkedOrder, type UseCase } from './types';

/** Racing applies on the same order or by the same buyer: re-check on fresh facts this many times. */
const APPLY_ATTEMPTS = 5;

/** Judged on the order's cases as `apply` would find them now: their past-due timeouts applied in memory, nothing written. */
export const previewDraft: UseCase<'preview'> = async (svc, access, input) => {
  const order = checkedOrder(access);
  const ctx = await loadRuleContext(svc, order, access.caller.openid, svc.clock.now());
  return preview(withTimeoutsApplied(ctx), input);
};

export const apply: UseCase<'apply'> = async (svc, access, input) => {
  const order = checkedOrder(access);
  const buyer = access.caller.openid;
  // One round trip for what must come first: the order's past-due timeouts (SPEC §3: committed before
  // anything reads its cases), a replay of the key, and the guard (read before the facts, so any case
  // inserted after it makes the insert a CONFLICT). None of the three depends on another.
  const [expired, replay, firstGuard] = await Promise.all([
    expireOrderCases(svc, order._id, svc.clock.now()),
    svc.cases.findByIdempotencyKey(buyer, input.idempotencyKey),
    svc.cases.readGuard(order._id, buyer),
  ]);
  if (replay) return expireCase(svc, replay, svc.clock.now());

  let capRefusal: DomainError | undefined;
  for (let attempt = 0; attempt < APPLY_ATTEMPTS; attempt += 1) {
    // A timeout committed above, or a rerun: the guard is read again, before the facts.
    const guard = attempt === 0 && expired === 0 ? firstGuard : await svc.cases.readGuard(order._id, buyer);
    const now = svc.clock.now();
    // The facts, the evidence files and who in the shop is told, together (one more round trip).
    // An exchange tells the shop's merchants (SPEC §5); any other NOTIFY_SHOP is looked up after the core's answer.
    const [ctx, , early] = await Promise.all([
      loadRuleContext(svc, order, buyer, now),
      checkEvidenceFiles(svc, input.evidence),
      input.type === 'EXCHANGE' ? shopRecipients(svc, [{ type: 'NOTIFY_SHOP', shopId: order.shopId } as Effect]) : undefined,
    ]);
    const result = openCase(ctx, input, { caseId: svc.ids.caseId(now) });
    result.case.itemTitles ??= input.items.map((it) => order.items.find((l) => l.skuId === it.skuId)?.title ?? it.skuId);
    if (result.case.itemImage === undefined) {
      const image = claimedImage(order, input.items);
      if (image !== undefined) result.case.itemImage = image;
    }
    result.case.shopName ??= ctx.shop.name;
    const known = early ?? new Map<string, readonly string[]>();
    const recipients = result.effects.some((e) => e.type === 'NOTIFY_SHOP' && !known.has(e.shopId)) ? await shopRecipients(svc, result.effects) : known;
    const rows = rowsOf(svc, result.case, result.effects, recipients);
    let inserted: Awaited<ReturnType<typeof svc.cases.insert>>;
    try {
      // R3's caps are claimed in the insert's own commit (docs/DESIGN.md "Cap guard").
      inserted = await svc.cases.insert(result.case, guard, rows.notifications, capClaimOf(result.case, order));
    } catch (e) {
      // A racing approval took the room: re-check on fresh facts, so the core names the rule it breaks.
      if (!(e instanceof DomainError && e.code === 'AMOUNT_EXCEEDS_LIMIT')) throw e;
      capRefusal = e;
      continue;
    }
    if (inserted.inserted) return afterCommit(svc, result.case, result.effects, rows.notifications, order);
    if (inserted.reason === 'DUPLICATE') return inserted.existing;
  }
  if (capRefusal) throw capRefusal;
  throw new DomainError('CASE_STATE_CHANGED', {
    message: '同一订单的售后申请提交过于频繁，本次未生效',
    solution: '请稍后刷新订单查看是否已申请成功，再决定是否重新提交',
  });
};
