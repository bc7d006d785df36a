/**
 * The autoApprove timer (SPEC §4): one run acts on every case whose timerAt ≤ now, however far the
 * clock has moved, in bounded batches within a time budget. It re-queries instead of paging, since
 * a handled case leaves the filter; a case that stays due (its cause not gone, a lost race) is not
 * picked again in the same run. Each write is a compare-and-set, so overlapping runs are harmless.
 */
import type { AfterSaleCase, RefundAttempt } from '../../../types/domain';
import type { CaseEventType, TransitionResult } from '../../core/context';
import { DomainError } from '../../core/errors';
import { deferTimer, nextTimerAt, timerEvent, transition } from '../../core/lifecycle';
import type { DueKey, Services } from '../ports';
import { loadOrder, loadTransitionContext } from './context';
import { commitDueTimeouts, type CommittedTimeouts } from './expiry';
import { commitTransition, latestConfirmedClosed, requestRefund, settleFromGateway } from './effects';
import { sweepOrders, type OrderSweepReport } from './checkout';

export interface SweepReport extends OrderSweepReport {
  approved: number;
  closed: number;
  escalated: number;
  confirmed: number;
  refundsSettled: number;
  refundsRetried: number;
  flagged: number;
  batches: number;
  /** Due cases were left for the next run (budget spent, or only cases that cannot move yet). */
  remaining: boolean;
}

export interface SweepOptions {
  batchSize?: number;
  budgetMs?: number;
}

/** Cloud `get` returns at most 100 rows per query. */
const DEFAULT_BATCH = 100;
/** Well inside a cloud function's time limit, with room for the last batch to finish. */
const DEFAULT_BUDGET_MS = 20_000;
/** One case moves a few steps in one run at most (e.g. approved, then its refund queried). */
const MAX_VISITS = 4;

type Counter = Exclude<keyof SweepReport, 'batches' | 'remaining' | keyof OrderSweepReport>;

const COUNTS: Partial<Record<CaseEventType, Counter>> = {
  APPROVE: 'approved',
  SHIP_TIMEOUT: 'closed',
  ESCALATE_TIMEOUT: 'closed',
  OFFER_TIMEOUT: 'escalated',
  CONFIRM_RETURN: 'confirmed',
  PLATFORM_OVERDUE: 'flagged',
  RETRY_REFUND: 'refundsRetried',
  // SPEC §5: an exchange not reshipped in 72 h is approved as a refund; a replacement's receipt is confirmed.
  CONVERT_TO_REFUND: 'approved',
  CONFIRM_RECEIPT: 'confirmed',
};

function isLostRace(e: unknown): boolean {
  return e instanceof DomainError && e.code === 'CASE_STATE_CHANGED';
}

/**
 * Nothing could be done yet (a refund still PROCESSING, a failed refund whose cause is still there, a
 * deadline whose event the rules refuse): the case is left exactly as it is, so a second sweep at the
 * same moment changes nothing; the run's keyset cursor moves past it and the next run looks again.
 * Only a timer the case no longer needs, or one set for later, is written.
 */
async function recheckLater(svc: Services, c: AfterSaleCase): Promise<void> {
  const now = svc.clock.now();
  const planned = nextTimerAt(c, now);
  if (planned !== undefined && planned <= now) return;
  if (planned === c.timerAt) return;
  await svc.cases.update(deferTimer(c, planned, now), c.version, []);
}

function processingAttempt(c: AfterSaleCase): RefundAttempt | undefined {
  for (let i = c.refunds.length - 1; i >= 0; i -= 1) if (c.refunds[i].status === 'PROCESSING') return c.refunds[i];
  return undefined;
}

/** REFUNDING: ask the gateway how the attempt stands, apply a final answer, re-send one it never got. */
async function queryRefund(svc: Services, c: AfterSaleCase, report: SweepReport): Promise<void> {
  const attempt = processingAttempt(c);
  if (!attempt) {
    await recheckLater(svc, c);
    return;
  }
  const q = await settleFromGateway(svc, c, attempt.outRefundNo);
  if (q.reported === 'SUCCESS' || q.reported === 'ABNORMAL' || q.reported === 'CLOSED') {
    if (q.after) report.refundsSettled += 1;
    return;
  }
  let current = c;
  if (q.reported === 'UNKNOWN') {
    current = await requestRefund(svc, c, await loadOrder(svc, c.orderId), attempt);
    report.refundsRetried += 1;
  }
  if (current.version === c.version) await recheckLater(svc, c);
}

/**
 * REFUND_FAILED after a CLOSED attempt: a new refund number only once the gateway has confirmed the old
 * one CLOSED (SPEC §4), so two attempts of one case are never in flight together. Other causes (R5
 * once verified) go through the timer event as before; R4's channel refusals and ABNORMAL are not the
 * timer's to retry.
 */
async function mayRetryRefund(svc: Services, c: AfterSaleCase): Promise<boolean> {
  if (c.status !== 'REFUND_FAILED' || c.lastError?.code !== 'REFUND_CLOSED') return true;
  return latestConfirmedClosed(svc, c);
}

/**
 * Deadlines: every timeout of the case past due, chained from deadline to deadline, committed the way
 * lazy expiry commits them before a case action (the same core function, `applyDueTimeouts`). A lost
 * race is skipped silently; a case with nothing it can do yet is left as it is.
 */
async function applyTimeouts(
  svc: Services,
  c: AfterSaleCase,
  ctx: Awaited<ReturnType<typeof loadTransitionContext>>,
  report: SweepReport,
): Promise<void> {
  let done: CommittedTimeouts;
  try {
    done = await commitDueTimeouts(svc, c, ctx);
  } catch (e) {
    if (isLostRace(e)) return;
    throw e;
  }
  for (const type of done.events) {
    const counter = COUNTS[type];
    if (counter) report[counter] += 1;
  }
  if (done.events.length === 0) await recheckLater(svc, done.case);
}

async function processOne(svc: Services, c: AfterSaleCase, report: SweepReport): Promise<void> {
  if (c.status === 'REFUNDING') {
    await queryRefund(svc, c, report);
    return;
  }
  if (!(await mayRetryRefund(svc, c))) {
    await recheckLater(svc, c);
    return;
  }
  const ctx = await loadTransitionContext(svc, c, 'SYSTEM', c.buyerOpenid, svc.clock.now());
  if (c.status !== 'REFUND_FAILED') {
    await applyTimeouts(svc, c, ctx, report);
    return;
  }
  const event = timerEvent(c, ctx.now, ctx.shop.verified);
  if (!event) {
    await recheckLater(svc, c);
    return;
  }
  let result: TransitionResult;
  try {
    result = transition(c, event, ctx);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await recheckLater(svc, c);
    return;
  }
  try {
    await commitTransition(svc, c, result, ctx.order);
  } catch (e) {
    if (isLostRace(e)) return;
    throw e;
  }
  const counter = COUNTS[event.type];
  if (counter) report[counter] += 1;
}

export async function sweep(svc: Services, opts: SweepOptions = {}): Promise<SweepReport> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const started = Date.now();
  const spent = (): boolean => Date.now() - started >= budgetMs;
  const now = svc.clock.now();
  const report: SweepReport = {
    approved: 0,
    closed: 0,
    escalated: 0,
    confirmed: 0,
    refundsSettled: 0,
    refundsRetried: 0,
    flagged: 0,
    batches: 0,
    remaining: false,
    ordersConfirmed: 0,
    orderRefundsSettled: 0,
    orderRefundsRetried: 0,
  };
  /** caseId → the version it had when we last took it up, and how often we did. */
  const seen = new Map<string, { version: number; visits: number }>();

  let after: DueKey | undefined;
  for (;;) {
    if (spent()) {
      report.remaining = (await svc.cases.due(now, 1, after)).length > 0;
      break;
    }
    const batch = await svc.cases.due(now, batchSize, after);
    if (batch.length === 0) break;
    report.batches += 1;
    const last = batch[batch.length - 1];
    after = { timerAt: last.timerAt as number, id: last._id };
    for (const c of batch) {
      if (spent()) {
        report.remaining = true;
        return report;
      }
      // A case that moved and is due again comes back, a few steps at most; one left as it was does not.
      const seenBefore = seen.get(c._id);
      if (seenBefore && (seenBefore.version === c.version || seenBefore.visits >= MAX_VISITS)) continue;
      seen.set(c._id, { version: c.version, visits: (seenBefore?.visits ?? 0) + 1 });
      try {
        await processOne(svc, c, report);
      } catch (e) {
        console.error(`sweep: case ${c._id} failed; looked at again later`, e);
        await recheckLater(svc, c).catch(() => undefined);
      }
    }
  }
  // SPEC §7: orders' own deadlines (auto-confirm 10 d after shipment) and cancellations' refunds.
  const orders = await sweepOrders(svc, batchSize, spent);
  report.ordersConfirmed = orders.ordersConfirmed;
  report.orderRefundsSettled = orders.orderRefundsSettled;
  report.orderRefundsRetried = orders.orderRefundsRetried;
  report.remaining ||= orders.remaining;
  return report;
}
