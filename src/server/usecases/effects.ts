/**
 * Committing a transition and carrying out what it asks for. The order is fixed: the new case, its
 * history event, its outbox rows and tickets commit together under compare-and-set; only then are
 * messages sent and refunds requested, so a crash in between loses nothing the sweep cannot redo.
 */
import type { AfterSaleCase, CaseError, Notification, Order, RefundAttempt, Shop, Ticket } from '../../../types/domain';
import type { CaseEvent, Effect, TransitionResult } from '../../core/context';
import { DomainError } from '../../core/errors';
import { transition } from '../../core/lifecycle';
import { capClaimOf } from '../caps';
import type { KnownTotals, PreparedWrite, RefundQueryStatus, Services } from '../ports';
import { loadTransitionContext } from './context';

interface Rows {
  notifications: Notification[];
  tickets: Ticket[];
}

/** shopId → its merchants' openids, for the effects that notify a whole shop (SPEC §5). */
export type ShopRecipients = ReadonlyMap<string, readonly string[]>;

/** Loads who a transition's NOTIFY_SHOP effects go to (nothing is read when there are none). */
export async function shopRecipients(svc: Services, effects: readonly Effect[]): Promise<ShopRecipients> {
  const out = new Map<string, string[]>();
  for (const e of effects) {
    if (e.type !== 'NOTIFY_SHOP' || out.has(e.shopId)) continue;
    out.set(e.shopId, (await svc.merchants.listForShop(e.shopId)).map((m) => m.openid));
  }
  return out;
}

/** The outbox rows and tickets a transition's effects call for, with their ids. */
export function rowsOf(svc: Services, c: AfterSaleCase, effects: readonly Effect[], shops: ShopRecipients = new Map()): Rows {
  const notifications: Notification[] = [];
  const tickets: Ticket[] = [];
  for (const e of effects) {
    if (e.type === 'NOTIFY') {
      notifications.push({ _id: svc.ids.id('ntf'), ...e.notification });
    } else if (e.type === 'NOTIFY_SHOP') {
      for (const toOpenid of shops.get(e.shopId) ?? []) notifications.push({ _id: svc.ids.id('ntf'), toOpenid, ...e.notification });
    } else if (e.type === 'OPEN_TICKET') {
      tickets.push({
        _id: svc.ids.id('tkt'),
        caseId: e.caseId,
        outRefundNo: e.outRefundNo,
        openid: c.buyerOpenid,
        at: c.updatedAt,
        text: e.text,
      });
      notifications.push({
        _id: svc.ids.id('ntf'),
        at: c.updatedAt,
        toOpenid: c.buyerOpenid,
        caseId: e.caseId,
        templateKey: 'ticket',
        text: e.text,
        data: { outRefundNo: e.outRefundNo },
      });
    }
  }
  return { notifications, tickets };
}

/** A committed notification that fails to send stays in the outbox; the caller's change stands. */
export async function sendQuietly(svc: Services, notifications: Notification[]): Promise<void> {
  if (notifications.length === 0) return;
  try {
    await svc.notifier.send(notifications);
  } catch (e) {
    console.error('notifier.send failed; the outbox keeps the messages', e);
  }
}

/**
 * What a caller already holds that the commit can use: the shop of its facts, a write made ready
 * (PreparedWrite), and the running totals' sums its facts read for `before` itself (KnownTotals; only
 * when `before` is the case those facts were read with).
 */
export interface CommitOptions {
  shop?: Shop;
  prepared?: PreparedWrite;
  known?: KnownTotals;
}

/**
 * Writes `result.case` iff the stored case is still `before` (same version): the loser of a race
 * gets CASE_STATE_CHANGED. Then sends the messages and starts any refund. Returns the case as it
 * stands after this caller's own writes.
 */
export async function commitTransition(
  svc: Services,
  before: AfterSaleCase,
  result: TransitionResult,
  order: Order,
  opts: CommitOptions = {},
): Promise<AfterSaleCase> {
  const rows = rowsOf(svc, result.case, result.effects, await shopRecipients(svc, result.effects));
  // R3's caps are claimed in the same commit as the case (docs/DESIGN.md "Cap guard"): the core judged
  // them on totals read earlier, which a racing approval may have moved since.
  let ok: boolean;
  try {
    const claim = capClaimOf(result.case, order);
    if (opts.known) claim.known = opts.known;
    ok = await svc.cases.update(result.case, before.version, rows.notifications, rows.tickets, claim, opts.prepared);
  } catch (e) {
    // A timer or gateway step refused at the commit lost a race on the totals: its callers re-check on
    // fresh facts, where the core itself keeps the step waiting. People are told which rule stopped them.
    const by = result.case.history[result.case.history.length - 1]?.actor;
    if (e instanceof DomainError && e.code === 'AMOUNT_EXCEEDS_LIMIT' && by === 'SYSTEM') throw new DomainError('CASE_STATE_CHANGED');
    throw e;
  }
  if (!ok) throw new DomainError('CASE_STATE_CHANGED');
  return afterCommit(svc, result.case, result.effects, rows.notifications, order, opts.shop);
}

/** The effects of a committed change: messages out and refund requests (which may fail the refund at once), together. */
export async function afterCommit(
  svc: Services,
  c: AfterSaleCase,
  effects: readonly Effect[],
  notifications: Notification[],
  order: Order,
  shop?: Shop,
): Promise<AfterSaleCase> {
  // Messages and refund requests do not wait on each other (one round trip on the cloud, not two).
  const [, current] = await Promise.all([
    sendQuietly(svc, notifications),
    (async () => {
      let cur = c;
      for (const e of effects) {
        if (e.type === 'REQUEST_REFUND') cur = await requestRefund(svc, cur, order, e.attempt, shop);
      }
      return cur;
    })(),
  ]);
  return current;
}

/**
 * Asks the gateway to pay one attempt. Accepted: the result comes later (callback or sweep). Refused
 * (R4 channel, R31): the case records the refusal. A timeout or crash leaves the attempt PROCESSING;
 * the sweep's query finds it and re-sends the same outRefundNo, so it is paid at most once.
 */
export async function requestRefund(
  svc: Services,
  c: AfterSaleCase,
  order: Order,
  attempt: RefundAttempt,
  shop?: Shop,
): Promise<AfterSaleCase> {
  let reply: Awaited<ReturnType<Services['gateway']['request']>>;
  try {
    reply = await svc.gateway.request({
      outRefundNo: attempt.outRefundNo,
      caseId: c._id,
      shopId: c.shopId,
      orderId: order._id,
      amountFen: attempt.amountFen,
      totalFen: order.paidFen,
      payChannel: order.payChannel,
      method: attempt.method,
      account: attempt.method === 'DESIGNATED_ACCOUNT' ? (c.designatedAccount ?? attempt.account) : undefined,
      ...(shop && shop._id === c.shopId ? { shop } : {}),
    });
  } catch (e) {
    console.error(`refund request ${attempt.outRefundNo} did not complete; the sweep will query it`, e);
    return c;
  }
  if (reply.accepted) return c;
  return refuseRefund(svc, c, attempt.outRefundNo, reply.error);
}

async function refuseRefund(svc: Services, c: AfterSaleCase, outRefundNo: string, error: CaseError): Promise<AfterSaleCase> {
  const after = await applySystemEvent(svc, c, (cur) =>
    stillProcessing(cur, outRefundNo) ? { type: 'REFUND_REFUSED', outRefundNo, error } : null,
  );
  return after ?? c;
}

/**
 * Records how the gateway says attempt `outRefundNo` of `c` stands, if the case is still waiting on it
 * and the answer is final (SPEC §4 "Callbacks are hints": the callback and the sweep's query both come
 * here, and only the gateway's own answer is ever recorded). `reported` is the gateway's answer, or
 * UNCHECKED when the case no longer waits on that attempt (nothing was asked); `after` the case once
 * written, null when nothing was.
 */
export async function settleFromGateway(
  svc: Services,
  c: AfterSaleCase,
  outRefundNo: string,
): Promise<{ reported: RefundQueryStatus | 'UNCHECKED'; after: AfterSaleCase | null }> {
  if (!stillProcessing(c, outRefundNo)) return { reported: 'UNCHECKED', after: null };
  const q = await svc.gateway.query(outRefundNo, c.shopId);
  if (q.status !== 'SUCCESS' && q.status !== 'ABNORMAL' && q.status !== 'CLOSED') return { reported: q.status, after: null };
  const status = q.status;
  const settledAt = q.settledAt ?? svc.clock.now();
  const after = await applySystemEvent(svc, c, (cur) =>
    stillProcessing(cur, outRefundNo) ? { type: 'REFUND_RESULT', outRefundNo, status, settledAt, failure: q.failure } : null,
  );
  return { reported: status, after };
}

/**
 * Before a CLOSED attempt is retried under a new number: the gateway confirms the case's latest
 * attempt CLOSED (SPEC §4), so that two attempts of one case are never in flight together. A case
 * recorded CLOSED that the gateway reports otherwise (paid, in flight) is left alone and logged.
 */
export async function latestConfirmedClosed(svc: Services, c: AfterSaleCase): Promise<boolean> {
  const latest = c.refunds[c.refunds.length - 1];
  if (!latest || latest.status !== 'CLOSED') return false;
  const q = await svc.gateway.query(latest.outRefundNo, c.shopId);
  if (q.status === 'CLOSED') return true;
  console.error(`refund ${latest.outRefundNo} is recorded CLOSED but the gateway reports ${q.status}: not retried under a new number`);
  return false;
}

/** The case is waiting on this very attempt, its latest (a result for any other attempt is stale). */
export function stillProcessing(c: AfterSaleCase, outRefundNo: string): boolean {
  const latest = c.refunds[c.refunds.length - 1];
  return c.status === 'REFUNDING' && latest !== undefined && latest.outRefundNo === outRefundNo && latest.status === 'PROCESSING';
}

const SYSTEM_RETRIES = 3;

/**
 * Applies an event caused by the system (gateway results) to the freshest case: when another writer
 * got there first, reloads and asks `eventFor` again, which answers null once the event no longer
 * applies. Returns the case after the write, or null when nothing was written.
 */
export async function applySystemEvent(
  svc: Services,
  start: AfterSaleCase,
  eventFor: (c: AfterSaleCase) => CaseEvent | null,
): Promise<AfterSaleCase | null> {
  let current: AfterSaleCase | null = start;
  for (let i = 0; i < SYSTEM_RETRIES && current; i += 1) {
    const event = eventFor(current);
    if (!event) return null;
    const ctx = await loadTransitionContext(svc, current, 'SYSTEM', current.buyerOpenid, svc.clock.now());
    const result = transition(current, event, ctx);
    try {
      return await commitTransition(svc, current, result, ctx.order, { shop: ctx.shop });
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'CASE_STATE_CHANGED')) throw e;
    }
    current = await svc.cases.get(start._id);
  }
  return null;
}
