/**
 * The autoApprove timer (SPEC §4): one run acts on every case whose timerAt ≤ now, however far the
 * clock has moved, in bounded batches within a time budget. It re-queries instead of paging, since
 * a handled case leaves the filter; a case that stays due (its cause not gone, a lost race) is not
 * picked again in the same run. Each write is a compare-and-set, so overlapping runs are harmless.
 */
import type { AfterSaleCase, Notification, RefundAttempt } from '../../../types/domain';
import type { CaseEventType, TransitionResult } from '../../core/context';
import { DomainError } from '../../core/errors';
import { applyDueTimeouts, deferTimer, nextTimerAt, timerEvent, transition } from '../../core/lifecycle';
import { committedToYearFen } from '../../core/rules';
import { calendarYearRange } from '../../core/time';
import { capClaimOf } from '../caps';
import type { CaseWrite, DueKey, Services } from '../ports';
import { loadOrder, loadTransitionContext, loadTransitionContexts } from './context';
import { commitDueTimeouts, type CommittedTimeouts } from './expiry';
import { afterCommit, commitTransition, latestConfirmedClosed, requestRefund, rowsOf, settleFromGateway, shopRecipients, stillProcessing } from './effects';
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

/** A batch where the case repository does not say its own (CaseRepo.sweepBatchSize). */
const DEFAULT_BATCH = 100;
/** Well inside a cloud function's time limit, with room for the last batch to finish. */
const DEFAULT_BUDGET_MS = 20_000;
/**
 * The pace assumed for a run's first unit of work (ms per case; measured from then on): a 20 s
 * budget takes a whole batch in one unit, a short one a few cases.
 */
const FIRST_UNIT_MS_PER_CASE = 50;

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

type Facts = Awaited<ReturnType<typeof loadTransitionContext>>;

/**
 * What the batch does with one case, decided in memory on its facts: one transition to write with the
 * batch; LATER (nothing it can do yet: left as it is, recheckLater); ALONE (its deadlines chain, more
 * than one step now: the one-case way, processOne).
 */
type Decision = { result: TransitionResult; event: CaseEventType } | 'LATER' | 'ALONE';

interface BatchItem {
  c: AfterSaleCase;
  decide(facts: Facts): Decision;
  /** Counted when written. */
  counter?: Counter;
}

interface Decided {
  item: BatchItem;
  result: TransitionResult;
  event: CaseEventType;
  facts: Facts;
  notifications: Notification[];
}

/**
 * A batch's cases as one unit of work (issue 18): every case's facts read together, every rule applied
 * per case in memory — in due order, each case seeing the shop's yearly total (R3) and its order's
 * cases as the cases before it in the batch left them, exactly as one after another would — then every
 * decided case written in one commit (`updateMany`: a compare-and-set on each case's version, the caps
 * claimed in order), then the messages and refunds of the written ones together. A case changed
 * meanwhile is not overwritten: its compare fails, a lost race, skipped as before.
 */
async function processBatch(svc: Services, items: readonly BatchItem[], report: SweepReport): Promise<void> {
  if (items.length === 0) return;
  const now = svc.clock.now();
  const loaded = await loadTransitionContexts(
    svc,
    items.map(({ c }) => c),
    'SYSTEM',
    now,
  );
  const [from, to] = calendarYearRange(now);
  const inYear = (c: AfterSaleCase): number =>
    c.approvedAt !== undefined && c.approvedAt >= from && c.approvedAt < to ? committedToYearFen(c) : 0;
  const yearMoved = new Map<string, number>();
  const decidedCase = new Map<string, AfterSaleCase>();
  const decided: Decided[] = [];
  const alone: AfterSaleCase[] = [];
  const later: AfterSaleCase[] = [];
  items.forEach((item, i) => {
    const { c } = item;
    const ctx = loaded[i];
    if (ctx instanceof Error) {
      alone.push(c);
      return;
    }
    const facts: Facts = {
      ...ctx,
      shopYearRefundedFen: ctx.shopYearRefundedFen + (yearMoved.get(c.shopId) ?? 0),
      orderCases: ctx.orderCases.map((o) => decidedCase.get(o._id) ?? o),
    };
    const d = item.decide(facts);
    if (d === 'LATER') later.push(c);
    else if (d === 'ALONE') alone.push(c);
    else {
      yearMoved.set(c.shopId, (yearMoved.get(c.shopId) ?? 0) + inYear(d.result.case) - inYear(c));
      decidedCase.set(c._id, d.result.case);
      decided.push({ item, result: d.result, event: d.event, facts, notifications: [] });
    }
  });
  const recipients = await Promise.all(decided.map((d) => shopRecipients(svc, d.result.effects)));
  const writes: CaseWrite[] = decided.map((d, i) => {
    const rows = rowsOf(svc, d.result.case, d.result.effects, recipients[i]);
    d.notifications = rows.notifications;
    return {
      case: d.result.case,
      expectedVersion: d.item.c.version,
      notifications: rows.notifications,
      tickets: rows.tickets,
      claim: capClaimOf(d.result.case, d.facts.order),
    };
  });
  const outcomes = await svc.cases.updateMany(writes);
  const written = decided.filter((_, i) => outcomes[i].kind === 'UPDATED');
  for (const d of written) {
    const counter = d.item.counter ?? COUNTS[d.event];
    if (counter) report[counter] += 1;
  }
  // Messages and refund requests of every written case together; then the ones that go the one-case way.
  await Promise.all([
    ...written.map((d) =>
      afterCommit(svc, d.result.case, d.result.effects, d.notifications, d.facts.order, d.facts.shop).catch((e: unknown) => {
        console.error(`sweep: case ${d.item.c._id} committed; its effects failed and are redone later`, e);
      }),
    ),
    ...later.map((c) => recheckLater(svc, c).catch((e: unknown) => console.error(`sweep: case ${c._id} left for later`, e))),
  ]);
  for (const c of alone) {
    try {
      await processOne(svc, c, report);
    } catch (e) {
      console.error(`sweep: case ${c._id} failed; looked at again later`, e);
      await recheckLater(svc, c).catch(() => undefined);
    }
  }
}

/** A case's due deadline, decided in memory (the core's applyDueTimeouts, as lazy expiry commits it). */
function timeoutItem(c: AfterSaleCase): BatchItem {
  return {
    c,
    decide: (facts) => {
      const expiry = applyDueTimeouts(c, facts);
      if (expiry.steps.length === 0) return 'LATER';
      if (expiry.steps.length > 1) return 'ALONE';
      return { result: expiry.steps[0], event: expiry.steps[0].event.type };
    },
  };
}

/**
 * REFUNDING cases of a batch: every gateway asked at once; a final answer becomes the case's
 * REFUND_RESULT, decided and written with the batch (processBatch); the rest as one case at a time
 * (a refund the gateway never got is re-sent, one still in progress is looked at later).
 */
async function refundItems(svc: Services, cases: readonly AfterSaleCase[], report: SweepReport): Promise<BatchItem[]> {
  const asked = await Promise.all(
    cases.map(async (c) => {
      const attempt = processingAttempt(c);
      if (!attempt) return { c, attempt, q: null };
      try {
        return { c, attempt, q: await svc.gateway.query(attempt.outRefundNo, c.shopId) };
      } catch (e) {
        console.error(`sweep: refund ${attempt.outRefundNo} could not be queried; looked at again later`, e);
        return { c, attempt, q: null };
      }
    }),
  );
  const items: BatchItem[] = [];
  const rest: Promise<void>[] = [];
  for (const { c, attempt, q } of asked) {
    if (!attempt || !q || (q.status !== 'SUCCESS' && q.status !== 'ABNORMAL' && q.status !== 'CLOSED')) {
      rest.push(
        (async () => {
          let current = c;
          if (attempt && q?.status === 'UNKNOWN') {
            current = await requestRefund(svc, c, await loadOrder(svc, c.orderId), attempt);
            report.refundsRetried += 1;
          }
          if (current.version === c.version) await recheckLater(svc, c);
        })().catch((e: unknown) => console.error(`sweep: case ${c._id} left for later`, e)),
      );
      continue;
    }
    const status = q.status;
    const settledAt = q.settledAt ?? svc.clock.now();
    const outRefundNo = attempt.outRefundNo;
    items.push({
      c,
      counter: 'refundsSettled',
      decide: (facts) => {
        if (!stillProcessing(c, outRefundNo)) return 'LATER';
        try {
          return { result: transition(c, { type: 'REFUND_RESULT', outRefundNo, status, settledAt, failure: q.failure }, facts), event: 'REFUND_RESULT' };
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          return 'LATER';
        }
      },
    });
  }
  await Promise.all(rest);
  return items;
}

export async function sweep(svc: Services, opts: SweepOptions = {}): Promise<SweepReport> {
  const batchSize = opts.batchSize ?? svc.cases.sweepBatchSize ?? DEFAULT_BATCH;
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
    const together: AfterSaleCase[] = [];
    for (const c of batch) {
      if (spent()) {
        report.remaining = true;
        return report;
      }
      // A case that moved and is due again comes back, a few steps at most; one left as it was does not.
      const seenBefore = seen.get(c._id);
      if (seenBefore && (seenBefore.version === c.version || seenBefore.visits >= MAX_VISITS)) continue;
      seen.set(c._id, { version: c.version, visits: (seenBefore?.visits ?? 0) + 1 });
      // Deadlines and refund results are decided together (processBatch); failed refunds one case at a time.
      if (c.status !== 'REFUND_FAILED') {
        together.push(c);
        continue;
      }
      try {
        await processOne(svc, c, report);
      } catch (e) {
        console.error(`sweep: case ${c._id} failed; looked at again later`, e);
        await recheckLater(svc, c).catch(() => undefined);
      }
    }
    // In units as large as the budget left allows, at the pace the previous unit went.
    for (let at = 0, perCaseMs = FIRST_UNIT_MS_PER_CASE; at < together.length; ) {
      const left = budgetMs - (Date.now() - started);
      if (left <= 0) {
        report.remaining = true;
        return report;
      }
      const unit = together.slice(at, at + Math.max(1, Math.floor((0.8 * left) / perCaseMs)));
      at += unit.length;
      const unitStarted = Date.now();
      const refunding = unit.filter((c) => c.status === 'REFUNDING');
      const items = [...unit.filter((c) => c.status !== 'REFUNDING').map(timeoutItem), ...(await refundItems(svc, refunding, report))];
      await processBatch(svc, items, report);
      perCaseMs = Math.max(1, (Date.now() - unitStarted) / unit.length);
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
