/**
 * preview and apply (SPEC §3's order of checks): schema and ownership happened before these run;
 * then a replay of (buyer, idempotencyKey) answers with the original case; then the core decides on
 * the freshest facts, and the insert is guarded so that two racing applies cannot both pass
 * R3/R7/R10/R11/R32 on the same facts.
 */
import { DomainError } from '../../core/errors';
import { openCase } from '../../core/lifecycle';
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
  // SPEC §3: the order's past-due timeouts are committed before anything reads its cases.
  await expireOrderCases(svc, order._id, svc.clock.now());
  const replay = await svc.cases.findByIdempotencyKey(buyer, input.idempotencyKey);
  if (replay) return expireCase(svc, replay, svc.clock.now());

  let capRefusal: DomainError | undefined;
  for (let attempt = 0; attempt < APPLY_ATTEMPTS; attempt += 1) {
    // The guard is read before the facts, so any case inserted after it makes the insert a CONFLICT.
    const guard = await svc.cases.readGuard(order._id, buyer);
    const now = svc.clock.now();
    const ctx = await loadRuleContext(svc, order, buyer, now);
    const result = openCase(ctx, input, { caseId: svc.ids.caseId(now) });
    result.case.itemTitles ??= input.items.map((it) => order.items.find((l) => l.skuId === it.skuId)?.title ?? it.skuId);
    result.case.shopName ??= ctx.shop.name;
    await checkEvidenceFiles(svc, input.evidence);
    const rows = rowsOf(svc, result.case, result.effects, await shopRecipients(svc, result.effects));
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
