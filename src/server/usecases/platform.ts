/** The platform reviewer's actions (SPEC §4, R7, R24): escalated cases of every shop, and risk lifts. */
import { act } from './act';
import { loadOrder } from './context';
import { checkedCase, DEFAULT_PAGE, type UseCase } from './types';

export const listEscalated: UseCase<'platform.list'> = (svc, _access, input) =>
  svc.cases.listEscalated({ cursor: input.cursor, limit: input.limit ?? DEFAULT_PAGE });

export const getWithOrder: UseCase<'platform.get'> = async (svc, access) => {
  const c = checkedCase(access);
  return { ...c, order: await loadOrder(svc, c.orderId) };
};

export const decide: UseCase<'platform.decide'> = (svc, access, input) =>
  act(svc, access, { type: 'PLATFORM_DECIDE', decision: input.decision, amountFen: input.amountFen, note: input.note.trim() });

/** R7: cases the buyer created before now no longer count towards the 3 in 30 days. */
export const liftRisk: UseCase<'platform.liftRisk'> = async (svc, { caller }, input) => {
  const liftedAt = svc.clock.now();
  await svc.risk.lift(input.openid, liftedAt, input.note.trim(), caller.openid);
  return { openid: input.openid, liftedAt };
};
