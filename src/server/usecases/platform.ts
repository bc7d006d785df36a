/** The platform reviewer's actions (SPEC §4, R7, R24): escalated cases of every shop, and risk lifts. */
import { act, currentCase } from './act';
import { loadOrder } from './context';
import { listView } from './expiry';
import { DEFAULT_PAGE, type UseCase } from './types';

/** Escalated cases as the sweep will leave them (an overdue decision flagged), without writing (SPEC §3). */
export const listEscalated: UseCase<'platform.list'> = (svc, _access, input) =>
  listView(
    svc,
    'ESCALATED',
    (cursor, limit) => svc.cases.listEscalated({ cursor, limit: limit ?? DEFAULT_PAGE }),
    input.cursor,
    input.limit,
  );

export const getWithOrder: UseCase<'platform.get'> = async (svc, access) => {
  const c = await currentCase(svc, access);
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
