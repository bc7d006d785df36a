/**
 * Lazy expiry (SPEC §3 "Deadlines bind at their moment, not at the next sweep"; docs/DESIGN.md "Lazy
 * expiry"). The core's `applyDueTimeouts` says what every past-due timeout of a case does; here it is
 * committed (case actions, apply, the sweep) or only looked at (lists, preview), never anything else.
 */
import type { Page } from '../../../types/api';
import type { AfterSaleCase, CaseStatus, EpochMs, Order } from '../../../types/domain';
import type { CaseEventType, RuleContext } from '../../core/context';
import { DomainError } from '../../core/errors';
import { applyDueTimeouts, dueTimeout } from '../../core/lifecycle';
import { committedToYearFen } from '../../core/rules';
import { calendarYearRange } from '../../core/time';
import type { Services } from '../ports';
import { loadTransitionContext } from './context';
import { commitTransition } from './effects';

export interface CommittedTimeouts {
  /** The case after this caller's writes (the freshest one read, when another writer got there first). */
  case: AfterSaleCase;
  /** The timeout events this call committed, in order. */
  events: CaseEventType[];
}

/** Lost races and chains that moved on by themselves (a refused refund): start over this many times. */
const ROUNDS = 4;

function isLostRace(e: unknown): boolean {
  return e instanceof DomainError && e.code === 'CASE_STATE_CHANGED';
}

/**
 * Commits every timeout of `c` past due at `ctx.now` (deadline < now), as SYSTEM, each at its own
 * deadline with its history event, one compare-and-set per step through `commitTransition`, so its
 * messages go out and a refund an auto-approval or auto-confirmation starts is requested exactly as
 * the sweep does it. When another writer moved the case in between (the sweep, another caller),
 * reloads it and applies whatever is still due to the fresh case. A timeout the rules refuse (no
 * return address, R3) stays due and the case is returned as it stands.
 */
export async function commitDueTimeouts(
  svc: Services,
  c: AfterSaleCase,
  ctx: RuleContext & { order: Order },
): Promise<CommittedTimeouts> {
  const events: CaseEventType[] = [];
  let current = c;
  for (let round = 0; round < ROUNDS; round += 1) {
    const expiry = applyDueTimeouts(current, ctx);
    if (expiry.steps.length === 0) return { case: current, events };
    let again = false;
    for (const step of expiry.steps) {
      let after: AfterSaleCase;
      try {
        after = await commitTransition(svc, current, step, ctx.order, { shop: ctx.shop });
      } catch (e) {
        if (!isLostRace(e)) throw e;
        const fresh = await svc.cases.get(c._id);
        if (!fresh) throw e;
        current = fresh;
        again = true;
        break;
      }
      events.push(step.event.type);
      current = after;
      // The commit's own effects moved the case on (a refund the gateway refused): look again.
      if (after.version !== step.case.version) {
        again = true;
        break;
      }
    }
    if (!again) return { case: current, events };
  }
  if (dueTimeout(current, ctx.now) === null) return { case: current, events };
  throw new DomainError('CASE_STATE_CHANGED');
}

/** `get` and every case action: the case with its past-due timeouts committed, loaded fresh for `now`. */
export async function expireCase(svc: Services, c: AfterSaleCase, now: EpochMs): Promise<AfterSaleCase> {
  if (dueTimeout(c, now) === null) return c;
  const ctx = await loadTransitionContext(svc, c, 'SYSTEM', c.buyerOpenid, now);
  return (await commitDueTimeouts(svc, c, ctx)).case;
}

/** `apply`: commits the past-due timeouts of every case of the order before the rules read them; answers how many cases had any. */
export async function expireOrderCases(svc: Services, orderId: string, now: EpochMs): Promise<number> {
  const due = (await svc.cases.listByOrder(orderId)).filter((c) => dueTimeout(c, now) !== null);
  for (const c of due) await expireCase(svc, c, now);
  return due.length;
}

/**
 * `preview`: the rule context as `apply` would read it at the same moment, without writing: the
 * order's cases with their past-due timeouts applied in memory, and the shop's yearly total (R3)
 * moved by what those timeouts approve or close.
 */
export function withTimeoutsApplied(ctx: RuleContext): RuleContext {
  if (!ctx.orderCases.some((c) => dueTimeout(c, ctx.now) !== null)) return ctx;
  const [from, to] = calendarYearRange(ctx.now);
  const inYear = (c: AfterSaleCase): number =>
    c.approvedAt !== undefined && c.approvedAt >= from && c.approvedAt < to ? committedToYearFen(c) : 0;
  let yearDelta = 0;
  const orderCases = ctx.orderCases.map((c) => {
    if (dueTimeout(c, ctx.now) === null) return c;
    const after = applyDueTimeouts(c, ctx).case;
    yearDelta += inYear(after) - inYear(c);
    return after;
  });
  return { ...ctx, orderCases, shopYearRefundedFen: ctx.shopYearRefundedFen + yearDelta };
}

/**
 * Lists: each case as the sweep will leave it at `now` (its past-due timeouts applied in memory).
 * A case whose facts cannot be loaded is shown as stored; the sweep reports it.
 */
export async function viewsAt(svc: Services, cases: readonly AfterSaleCase[], now: EpochMs): Promise<AfterSaleCase[]> {
  return Promise.all(
    cases.map(async (c) => {
      if (dueTimeout(c, now) === null) return c;
      try {
        const ctx = await loadTransitionContext(svc, c, 'SYSTEM', c.buyerOpenid, now);
        return applyDueTimeouts(c, ctx).case;
      } catch {
        return c;
      }
    }),
  );
}

/** Refills of a filtered page whose past-due cases were left out, at most. */
const REFILLS = 4;

/**
 * One page of a list, without writing: cases shown with their timeouts applied in memory; with a
 * status filter, cases past due for that status are left out (they appear under their next status
 * once a sweep or an action commits the timeout), and the page is refilled from the following rows
 * so that a run of such cases does not leave it short. The cursor stays the store's own.
 */
export async function listView(
  svc: Services,
  status: CaseStatus | undefined,
  fetch: (cursor: string | undefined, limit: number | undefined) => Promise<Page<AfterSaleCase>>,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<Page<AfterSaleCase>> {
  const now = svc.clock.now();
  const items: AfterSaleCase[] = [];
  let page = await fetch(cursor, limit);
  for (let round = 0; ; round += 1) {
    const views = await viewsAt(svc, page.items, now);
    const kept = status === undefined ? views : views.filter((v) => v.status === status);
    items.push(...kept);
    const missing = views.length - kept.length;
    if (missing === 0 || page.nextCursor === null || round >= REFILLS) break;
    page = await fetch(page.nextCursor, missing);
  }
  return { items, nextCursor: page.nextCursor };
}
