/**
 * Issue 8 item 3: for each pair of actions that can meet on one case, 50 attempts at once over HTTP
 * (25 of each side, interleaved), three rounds each. Exactly one wins; every success is one history
 * event and one version (no lost update, no phantom acknowledgement); the hash chain verifies; the
 * money paid never exceeds what was agreed, and is paid once (the gateway's books against the case).
 *
 * The in-process host here runs the real handlers on services whose every repository call first
 * yields to the event loop (support.ts `jittered`), so the 50 requests really interleave between
 * their read and their compare-and-set; the suite checks that writes were in fact lost to others.
 * test/host/races.test.ts keeps its 20-call rounds against a child process; this adds the pairs.
 */
import type { AfterSaleCase, HistoryEvent } from '../../types/domain';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { DEFAULT_SETTINGS, LIMITS } from '../../src/core/settings';
import { ok, type HttpReply } from '../support/http';
import { TEST_BACKEND } from '../support/host';
import { gatewayRows, moneyProblems, OWNER, Stage, tally, watchErrors, type Jitter, type Staged } from './support';

jest.setTimeout(120_000);

const ATTEMPTS = 50;
const ROUNDS = 3;
const jitter: Jitter = { seed: Number(process.env.RACE_SEED ?? Date.now() % 2 ** 31), lostUpdates: 0, calls: 0 };
let stage: Stage;
let races = 0;
/** Nothing the host logs as an error is expected here: a lost race is an answer, not a failure. */
const errors = watchErrors([]);
afterEach(() => {
  expect(errors.unexpected).toEqual([]);
});

beforeAll(async () => {
  stage = await Stage.inProcess({ jitter });
  console.log(`race jitter seed ${jitter.seed} (replay with RACE_SEED=${jitter.seed})`);
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
  console.log(`races (${TEST_BACKEND}): ${races} rounds of ${ATTEMPTS} attempts; ${stage.lostWrites(jitter)} writes lost to another writer${TEST_BACKEND === "sqlite" ? `, over ${jitter.calls} jittered repository calls` : ""}`);
});

/** 25 of each side, interleaved, all sent before any is awaited. */
async function fire(a: () => Promise<HttpReply>, b: () => Promise<HttpReply>): Promise<{ a: HttpReply[]; b: HttpReply[] }> {
  const calls = Array.from({ length: ATTEMPTS }, (_, i) => (i % 2 === 0 ? a() : b()));
  const replies = await Promise.all(calls);
  races += 1;
  for (const r of replies) expect(r.status).toBeLessThan(500);
  return { a: replies.filter((_, i) => i % 2 === 0), b: replies.filter((_, i) => i % 2 === 1) };
}

function wins(replies: HttpReply[]): number {
  return replies.filter((r) => r.body.ok).length;
}

function losersAre409(replies: HttpReply[]): void {
  expect(tally(replies.filter((r) => !r.body.ok))).toEqual(replies.some((r) => !r.body.ok) ? { '409 CASE_STATE_CHANGED': replies.filter((r) => !r.body.ok).length } : {});
}

/**
 * What the race left: the case now, the events it added, and the checks every race ends with. Each
 * write is one version; only the timer also writes without an event (moving its own next look), so
 * with the timer in the race the version may run ahead of the history.
 */
async function aftermath(t: Staged, before: AfterSaleCase, timerRaced = false): Promise<{ after: AfterSaleCase; added: HistoryEvent[] }> {
  const after = await stage.get(t.buyer, t.c._id);
  const added = after.history.slice(before.history.length);
  expect(after.history.slice(0, before.history.length)).toEqual(before.history);
  if (timerRaced) expect(after.version).toBeGreaterThanOrEqual(before.version + added.length);
  else expect(after.version).toBe(before.version + added.length);
  expect(await stage.ok(t.buyer, 'verify', { caseId: t.c._id })).toEqual({ ok: true });
  expect(moneyProblems(after, gatewayRows(stage.db, t.c._id))).toEqual([]);
  return { after, added };
}

/** Lets any refund the race started settle, then checks the buyer was paid exactly once. */
async function paidOnce(t: Staged): Promise<AfterSaleCase> {
  // A retry is a second refund of the order: the gateway starts it a minute after the first (R31).
  await stage.settle(LIMITS.refundSpacingMs + 5_000);
  const c = await stage.get(t.buyer, t.c._id);
  expect(c.status).toBe('REFUNDED');
  expect(gatewayRows(stage.db, t.c._id).filter((r) => r.outcome === 'SUCCESS')).toHaveLength(1);
  expect(moneyProblems(c, gatewayRows(stage.db, t.c._id))).toEqual([]);
  return c;
}

const id = (t: Staged) => ({ caseId: t.c._id });
const timer = () => stage.api.dev.run('autoApprove');

function callback(outRefundNo: string): Promise<HttpReply<{ applied: boolean }>> {
  const event = stage.gateway.notifyEvent(outRefundNo);
  if (!event) throw new Error(`the gateway has no refund ${outRefundNo}`);
  return stage.api.post<{ applied: boolean }>('/api/refundNotify', event);
}

function applied(replies: HttpReply[]): number {
  return replies.filter((r) => r.body.ok && (r.body.data as { applied: boolean }).applied).length;
}

const rounds = Array.from({ length: ROUNDS }, (_, i) => i + 1);

describe(`${ATTEMPTS} attempts at once on one case`, () => {
  test.each(rounds)('approve / cancel, round %i: one wins, 49 get CASE_STATE_CHANGED', async () => {
    const t = await stage.caseIn('PENDING');
    const r = await fire(
      () => stage.call(OWNER, 'merchant.approve', id(t)),
      () => stage.call(t.buyer, 'cancel', id(t)),
    );
    expect(wins(r.a) + wins(r.b)).toBe(1);
    losersAre409([...r.a, ...r.b]);
    const { after, added } = await aftermath(t, t.c);
    expect(added.map((e) => e.action)).toEqual([wins(r.a) === 1 ? 'APPROVE' : 'CANCEL']);
    if (after.status !== 'CANCELLED') await paidOnce(t);
  });

  test.each(rounds)('approve / timer, round %i: the merchant or the 48 h timer approves, once', async () => {
    const t = await stage.caseIn('PENDING');
    await stage.advance(DEFAULT_SETTINGS.autoApproveHours * HOUR_MS + 1_000);
    const r = await fire(() => stage.call(OWNER, 'merchant.approve', id(t)), timer);
    losersAre409(r.a);
    const { added } = await aftermath(t, t.c, true);
    const approvals = added.filter((e) => e.action === 'APPROVE' || e.action === 'AUTO_APPROVE');
    expect(approvals).toHaveLength(1);
    expect(wins(r.a)).toBe(approvals[0].action === 'APPROVE' ? 1 : 0);
    await paidOnce(t);
  });

  test.each(rounds)('reject / timer, round %i: rejected or auto-approved, never both', async () => {
    const t = await stage.caseIn('PENDING');
    await stage.advance(DEFAULT_SETTINGS.autoApproveHours * HOUR_MS + 1_000);
    const r = await fire(() => stage.call(OWNER, 'merchant.reject', { ...id(t), reasonCode: 'NO_EVIDENCE', note: '请补充商品照片' }), timer);
    losersAre409(r.a);
    const { after, added } = await aftermath(t, t.c, true);
    const decisions = added.filter((e) => e.action === 'REJECT' || e.action === 'AUTO_APPROVE');
    expect(decisions).toHaveLength(1);
    expect(wins(r.a)).toBe(decisions[0].action === 'REJECT' ? 1 : 0);
    if (after.status === 'REJECTED') expect(after.refunds).toEqual([]);
    else await paidOnce(t);
  });

  test.each(rounds)('accept / decline an offer, round %i: the buyer’s one answer stands', async () => {
    const t = await stage.caseIn('NEGOTIATING');
    const r = await fire(
      () => stage.call(t.buyer, 'acceptOffer', id(t)),
      () => stage.call(t.buyer, 'declineOffer', id(t)),
    );
    expect(wins(r.a) + wins(r.b)).toBe(1);
    losersAre409([...r.a, ...r.b]);
    const { after, added } = await aftermath(t, t.c);
    expect(added.map((e) => e.action)).toEqual([wins(r.a) === 1 ? 'ACCEPT_OFFER' : 'DECLINE_OFFER']);
    if (after.status === 'ESCALATED') expect(after.refunds).toEqual([]);
    else expect((await paidOnce(t)).approvedFen).toBe(t.c.offer?.amountFen);
  });

  test.each(rounds)('offer / accept, round %i: the buyer is paid exactly the offer that stood when they accepted', async () => {
    const t = await stage.caseIn('NEGOTIATING');
    let n = 0;
    const r = await fire(
      () => {
        n += 1;
        return stage.call(OWNER, 'merchant.offer', { ...id(t), amountFen: 2_000 + n, note: '再让一点' });
      },
      () => stage.call(t.buyer, 'acceptOffer', id(t)),
    );
    losersAre409([...r.a, ...r.b]);
    const { after, added } = await aftermath(t, t.c);
    // Each success is its own version: offers may follow offers, but the acceptance ends the talk.
    expect(added).toHaveLength(wins(r.a) + wins(r.b));
    expect(new Set([...r.a, ...r.b].filter((x) => x.body.ok).map((x) => (x.body as { data: AfterSaleCase }).data.version)).size).toBe(added.length);
    const accepts = added.filter((e) => e.action === 'ACCEPT_OFFER');
    expect(accepts.length).toBeLessThanOrEqual(1);
    if (accepts.length === 1) {
      expect(added[added.length - 1].action).toBe('ACCEPT_OFFER');
      const standing = [...t.c.history, ...added].filter((e) => e.action === 'OFFER').pop();
      expect(accepts[0].data?.approvedFen).toBe(standing?.data?.amountFen);
      expect((await paidOnce(t)).approvedFen).toBe(standing?.data?.amountFen);
    } else {
      expect(after.status).toBe('NEGOTIATING');
    }
  });

  test.each(rounds)('confirm return / timer, round %i: the goods are confirmed once, one refund', async () => {
    const t = await stage.caseIn('RETURN_SHIPPED');
    await stage.advance(DEFAULT_SETTINGS.receiptConfirmDays * DAY_MS + 1_000);
    const r = await fire(() => stage.call(OWNER, 'merchant.confirmReturn', id(t)), timer);
    losersAre409(r.a);
    const { added } = await aftermath(t, t.c, true);
    const confirmations = added.filter((e) => e.action === 'CONFIRM_RETURN' || e.action === 'AUTO_CONFIRM_RETURN');
    expect(confirmations).toHaveLength(1);
    expect(wins(r.a)).toBe(confirmations[0].action === 'CONFIRM_RETURN' ? 1 : 0);
    await paidOnce(t);
  });

  test.each(rounds)('retry refund / a late callback for the failed attempt, round %i: one retry, the stale result ignored', async () => {
    const t = await stage.caseIn('REFUND_FAILED');
    const first = t.c.refunds[0].outRefundNo;
    const r = await fire(() => stage.call(OWNER, 'merchant.retryRefund', id(t)), () => callback(first));
    expect(wins(r.a)).toBe(1);
    losersAre409(r.a);
    expect(applied(r.b)).toBe(0);
    const { after, added } = await aftermath(t, t.c);
    expect(added.map((e) => e.action)).toEqual(['RETRY_REFUND']);
    expect(after.refunds.map((x) => x.status)).toEqual(['ABNORMAL', 'PROCESSING']);
    await paidOnce(t);
  });

  test.each(rounds)('retry refund / the failing callback itself, round %i: the failure lands once, at most one retry follows it', async () => {
    const t = await stage.caseIn({ status: 'REFUNDING', order: { refundScenario: 'ABNORMAL' } });
    const first = t.c.refunds[0].outRefundNo;
    await stage.advance(5_000);
    const r = await fire(() => stage.call(OWNER, 'merchant.retryRefund', id(t)), () => callback(first));
    expect(applied(r.b)).toBe(1);
    expect(wins(r.a)).toBeLessThanOrEqual(1);
    losersAre409(r.a);
    const { after, added } = await aftermath(t, t.c);
    expect(added.map((e) => e.action)).toEqual(wins(r.a) === 1 ? ['REFUND_FAILED', 'RETRY_REFUND'] : ['REFUND_FAILED']);
    if (after.status === 'REFUND_FAILED') await stage.ok(OWNER, 'merchant.retryRefund', id(t));
    await paidOnce(t);
  });

  test.each(rounds)('the same callback 50 times, round %i: settled once', async () => {
    const t = await stage.caseIn('REFUNDING');
    await stage.advance(5_000);
    const outRefundNo = t.c.refunds[0].outRefundNo;
    const r = await fire(() => callback(outRefundNo), () => callback(outRefundNo));
    expect(applied([...r.a, ...r.b])).toBe(1);
    const { after, added } = await aftermath(t, t.c);
    expect(added.map((e) => e.action)).toEqual(['REFUND_SUCCESS']);
    expect(after.status).toBe('REFUNDED');
    await paidOnce(t);
  });

  test.each(rounds)('the callback / the timer’s query of the same refund, round %i: settled once', async () => {
    const t = await stage.caseIn('REFUNDING');
    await stage.advance(5_000);
    const outRefundNo = t.c.refunds[0].outRefundNo;
    const r = await fire(() => callback(outRefundNo), timer);
    const { added } = await aftermath(t, t.c, true);
    expect(added.map((e) => e.action)).toEqual(['REFUND_SUCCESS']);
    expect(applied(r.a)).toBeLessThanOrEqual(1);
    await paidOnce(t);
  });
});

describe('the races were real', () => {
  test('compare-and-set writes were lost to other writers, and nothing else went wrong', () => {
    expect(races).toBe(10 * ROUNDS);
    expect(stage.lostWrites(jitter)).toBeGreaterThan(0);
  });

  test('a case every race left behind still verifies and owes nobody money', async () => {
    const all = ok(await stage.api.call(OWNER, 'merchant.list', { limit: 50 }));
    expect(all.items.length).toBeGreaterThan(0);
    for (const c of all.items) expect(moneyProblems(c, gatewayRows(stage.db, c._id))).toEqual([]);
  });
});
