/**
 * What the `autoApprove` cloud function does with an invocation: one sweep (usecases/sweep.ts). Its own
 * module, apart from entries.ts, so that the function's bundle holds the sweep and what it needs —
 * not the request handler, its action schemas (zod) and every use case (issue 18: cold start).
 */
import type { Services } from '../../ports';
import { sweep, type SweepReport } from '../../usecases/sweep';
import { callerOpenid, type FunctionContext, type WxContextSource } from './wxContext';

/** The sweep's share of the function's time limit: the rest covers the case in hand when the budget runs out. */
const BUDGET_SHARE = 0.75;
/** 45 s: the budget under the 60 s limit the README asks for. */
export const MAX_SWEEP_BUDGET_MS = 45_000;
/** Cases per due() query: the cloud database answers at most 1,000 per get(), and smaller batches re-query sooner. */
export const SWEEP_BATCH = 100;

export function sweepBudgetMs(context: FunctionContext | undefined): number {
  const limit = context?.time_limit_in_ms;
  return typeof limit === 'number' && limit > 0 ? Math.min(MAX_SWEEP_BUDGET_MS, Math.floor(limit * BUDGET_SHARE)) : MAX_SWEEP_BUDGET_MS;
}

export type AutoApproveReply = { ok: true; data: SweepReport } | { ok: false; error: string };

/**
 * `autoApprove`: the 5-minute timer (`{Type: 'Timer'}`), or a test run from the cloud console. A call
 * from the mini-program (it carries an OPENID) is refused: buyers do not run the sweep.
 */
export async function autoApproveMain(
  cloud: WxContextSource,
  svc: Services,
  event: unknown,
  context?: FunctionContext,
): Promise<AutoApproveReply> {
  if (callerOpenid(cloud) !== undefined) return { ok: false, error: 'FORBIDDEN' };
  const isTimer = typeof event === 'object' && event !== null && (event as { Type?: unknown }).Type === 'Timer';
  const report = await sweep(svc, { batchSize: SWEEP_BATCH, budgetMs: sweepBudgetMs(context) });
  console.info(`autoApprove (${isTimer ? 'timer' : 'manual'}) ${JSON.stringify(report)}`);
  return { ok: true, data: report };
}
