/**
 * SPEC §6: talking, adding proof and changing the application during a case. `message` is any party's
 * (the access table admits the buyer, the shop's merchants and the platform on an escalated case);
 * `modify` is the buyer's and is committed under the order's apply guard, so that a racing `apply`
 * on the same order cannot claim the same units or lines on facts this change has moved.
 */
import type { BuyerCaseSummary } from '../../../types/api';
import type { AfterSaleCase, Evidence } from '../../../types/domain';
import type { ModifyChanges } from '../../core/context';
import { DomainError } from '../../core/errors';
import { transition } from '../../core/lifecycle';
import { capClaimOf } from '../caps';
import type { Services } from '../ports';
import { act, actorOf, checkEvidenceFiles } from './act';
import { loadTransitionContext } from './context';
import { afterCommit, rowsOf, shopRecipients } from './effects';
import { commitDueTimeouts } from './expiry';
import { checkedCase, type UseCase } from './types';

export const message: UseCase<'message'> = (svc, access, input) =>
  act(svc, access, { type: 'MESSAGE', text: input.text, evidence: (input.evidence ?? []) as Evidence[] }, () =>
    checkEvidenceFiles(svc, input.evidence ?? []),
  );

export const requestEvidence: UseCase<'merchant.requestEvidence'> = (svc, access, input) =>
  act(svc, access, { type: 'REQUEST_EVIDENCE', note: input.note });

/** Racing applies or modifications on the same order: re-check on fresh facts this many times. */
const MODIFY_ATTEMPTS = 5;

export const modify: UseCase<'modify'> = async (svc, access, input) => {
  const { caseId: _caseId, ...fields } = input;
  const changes: ModifyChanges = { ...fields, evidence: fields.evidence as Evidence[] | undefined };
  let stored: AfterSaleCase | null = checkedCase(access);
  for (let attempt = 0; attempt < MODIFY_ATTEMPTS && stored; attempt += 1) {
    // The guard is read before the facts: any case inserted or modified on the order after it makes the write a CONFLICT.
    const guard = await svc.cases.readGuard(stored.orderId, stored.buyerOpenid);
    const ctx = await loadTransitionContext(svc, stored, actorOf(access), access.caller.openid, svc.clock.now());
    const c = (await commitDueTimeouts(svc, stored, ctx)).case;
    const facts = c === stored ? ctx : { ...ctx, orderCases: ctx.orderCases.map((o) => (o._id === c._id ? c : o)) };
    const result = transition(c, { type: 'MODIFY', changes }, facts);
    await checkEvidenceFiles(svc, input.evidence ?? []);
    const rows = rowsOf(svc, result.case, result.effects, await shopRecipients(svc, result.effects));
    const outcome = await svc.cases.updateGuarded(result.case, c.version, guard, rows.notifications, capClaimOf(result.case, ctx.order));
    if (outcome === 'UPDATED') return afterCommit(svc, result.case, result.effects, rows.notifications, ctx.order);
    if (outcome === 'STALE') throw new DomainError('CASE_STATE_CHANGED');
    stored = await svc.cases.get(c._id);
  }
  throw new DomainError('CASE_STATE_CHANGED', {
    message: '同一订单的售后申请提交过于频繁，本次修改未生效',
    solution: '请刷新售后单查看最新内容后再修改',
  });
};

/** How many of the buyer's earlier cases with the shop the merchant's review shows. */
const BUYER_HISTORY = 20;

/** The buyer's other cases with this shop, newest first (at most the last 50 of the buyer's cases are looked at). */
export async function buyerCasesWithShop(svc: Services, c: AfterSaleCase): Promise<BuyerCaseSummary[]> {
  const page = await svc.cases.listForBuyer(c.buyerOpenid, { limit: 50 });
  return page.items
    .filter((o) => o.shopId === c.shopId && o._id !== c._id)
    .slice(0, BUYER_HISTORY)
    .map((o) => {
      const s: BuyerCaseSummary = {
        _id: o._id,
        orderId: o.orderId,
        type: o.type,
        reason: o.reason,
        status: o.status,
        amountFen: o.amountFen,
        createdAt: o.createdAt,
      };
      if (o.approvedFen !== undefined) s.approvedFen = o.approvedFen;
      if (o.itemTitles !== undefined) s.itemTitles = o.itemTitles;
      return s;
    });
}
