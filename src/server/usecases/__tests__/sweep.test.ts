/** The autoApprove timer (SPEC §4): every deadline ≤ now, bounded batches, idempotent, never looping. */
import type { AfterSaleCase } from '../../../../types/domain';
import { LIMITS } from '../../../core/settings';
import { addBusinessDays, DAY_MS, HOUR_MS } from '../../../core/time';
import { ALICE, makeWorld, NEW_OWNER, OWNER, refundOnly, T0, UNVERIFIED_SHOP, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

async function stored(c: AfterSaleCase): Promise<AfterSaleCase> {
  return (await w.svc.cases.get(c._id))!;
}

async function pendingCases(n: number): Promise<AfterSaleCase[]> {
  const out: AfterSaleCase[] = [];
  // One buyer may hold 3 cases in 30 days (R7), so each case gets its own buyer.
  for (let i = 0; i < n; i += 1) {
    const buyer = `buyer_${i}`;
    const o = w.seedOrder({ buyerOpenid: buyer });
    out.push(await w.ok(buyer, 'apply', refundOnly(w, o, { evidence: [] })));
  }
  return out;
}

describe('R16: PENDING cases are approved 48 h after they were applied for', () => {
  test('one millisecond after the deadline (deadline < now), not at the deadline itself; approved as of the deadline', async () => {
    const [c] = await pendingCases(1);
    w.clock.at = c.deadlineAt!;
    expect((await w.sweep()).approved).toBe(0);
    expect((await stored(c)).status).toBe('PENDING');
    w.clock.at = c.deadlineAt! + 1;
    expect((await w.sweep()).approved).toBe(1);
    const approved = await stored(c);
    expect(approved).toMatchObject({ status: 'REFUNDING', approvedBy: 'TIMEOUT', approvedAt: c.deadlineAt });
    expect(approved.history.at(-1)).toMatchObject({ actor: 'SYSTEM', action: 'AUTO_APPROVE', at: c.deadlineAt });
    expect(approved.timerAt).toBe(w.clock.now() + LIMITS.refundQueryDelayMs);
  });

  test('however far the clock moved, one run handles every due case, in batches', async () => {
    const cases = await pendingCases(7);
    w.clock.advance(30 * DAY_MS);
    const report = await w.sweep({ batchSize: 3 });
    expect(report.approved).toBe(7);
    expect(report.batches).toBeGreaterThanOrEqual(3);
    expect(report.remaining).toBe(false);
    for (const c of cases) expect((await stored(c)).status).toBe('REFUNDING');
  });
});

describe('every other deadline', () => {
  test('R23: a return not shipped in 7 days closes; one shipped is confirmed after 10 days and refunded', async () => {
    const o1 = w.seedOrder();
    const notShipped = await w.ok(ALICE, 'apply', refundOnly(w, o1, { type: 'RETURN_REFUND', reason: 'NO_REASON' }));
    const o2 = w.seedOrder();
    const shipped = await w.ok(ALICE, 'apply', refundOnly(w, o2, { type: 'RETURN_REFUND', reason: 'NO_REASON' }));
    await w.ok(OWNER, 'merchant.approve', { caseId: notShipped._id });
    await w.ok(OWNER, 'merchant.approve', { caseId: shipped._id });
    await w.ok(ALICE, 'shipReturn', { caseId: shipped._id, company: '圆通速递', trackingNo: 'YT1234567890' });

    w.clock.advance(7 * DAY_MS + 1);
    expect(await w.sweep()).toMatchObject({ closed: 1, confirmed: 0 });
    expect((await stored(notShipped)).status).toBe('CLOSED');

    w.clock.advance(3 * DAY_MS);
    expect(await w.sweep()).toMatchObject({ closed: 0, confirmed: 1 });
    const confirmed = await stored(shipped);
    expect(confirmed.status).toBe('REFUNDING');
    expect(confirmed.history.at(-1)?.action).toBe('AUTO_CONFIRM_RETURN');
  });

  test('R24: a rejection not escalated in 7 days closes; an unanswered offer escalates after 48 h', async () => {
    const rejected = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.reject', { caseId: rejected._id, reasonCode: 'NO_EVIDENCE', note: '无凭证' });
    const offered = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.offer', { caseId: offered._id, amountFen: 2_500, note: '半价' });

    w.clock.advance(48 * HOUR_MS + 1);
    expect(await w.sweep()).toMatchObject({ escalated: 1, closed: 0 });
    expect(await stored(offered)).toMatchObject({ status: 'ESCALATED', tier: 'DIFFICULT' });

    w.clock.advance(5 * DAY_MS);
    expect(await w.sweep()).toMatchObject({ closed: 1 });
    expect((await stored(rejected)).status).toBe('CLOSED');
  });

  test('R24: an overdue platform decision is flagged once, never decided by the system', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '不同意' });
    const escalated = await w.ok(ALICE, 'escalate', { caseId: c._id, note: '请平台处理' });
    expect(escalated.deadlineAt).toBe(addBusinessDays(T0, 3));
    w.clock.at = escalated.deadlineAt!;
    expect((await w.sweep()).flagged).toBe(0);
    w.clock.at = escalated.deadlineAt! + 1;
    expect((await w.sweep()).flagged).toBe(1);
    w.clock.advance(10 * DAY_MS);
    expect((await w.sweep()).flagged).toBe(0);
    expect(await stored(c)).toMatchObject({ status: 'ESCALATED', platformOverdue: true });
  });
});

describe('idempotence and races', () => {
  test('a second sweep at the same moment changes nothing', async () => {
    await pendingCases(3);
    const shipped = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder(), { type: 'RETURN_REFUND', reason: 'NO_REASON' }));
    await w.ok(OWNER, 'merchant.approve', { caseId: shipped._id });
    w.clock.advance(8 * DAY_MS);
    await w.sweep();
    const before = JSON.stringify(w.local.db.prepare('SELECT * FROM cases ORDER BY id').all());
    const outboxBefore = w.local.dev.outbox().length;
    expect(await w.sweep()).toMatchObject({ approved: 0, closed: 0, refundsSettled: 0, refundsRetried: 0, batches: 0 });
    expect(JSON.stringify(w.local.db.prepare('SELECT * FROM cases ORDER BY id').all())).toBe(before);
    expect(w.local.dev.outbox()).toHaveLength(outboxBefore);
  });

  test('two sweeps at once: each case approved once, one refund requested per case', async () => {
    const cases = await pendingCases(5);
    w.clock.advance(48 * HOUR_MS + 1);
    const [a, b] = await Promise.all([w.sweep(), w.sweep()]);
    expect(a.approved + b.approved).toBe(5);
    for (const c of cases) {
      const s = await stored(c);
      expect(s.history.filter((h) => h.action === 'AUTO_APPROVE')).toHaveLength(1);
      expect(s.refunds).toHaveLength(1);
    }
    expect((w.local.db.prepare('SELECT COUNT(*) AS n FROM gateway_refunds').get() as { n: number }).n).toBe(5);
  });

  test('a lost race is skipped silently: the merchant acted between the read and the write', async () => {
    const [c] = await pendingCases(1);
    w.clock.at = c.deadlineAt! + 1;
    const realDue = w.svc.cases.due.bind(w.svc.cases);
    let raced = false;
    w.svc.cases.due = async (now, limit) => {
      const rows = await realDue(now, limit);
      if (!raced && rows.length > 0) {
        raced = true;
        // The merchant's answer came in at the deadline millisecond itself, still in time.
        w.clock.at = c.deadlineAt!;
        await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '抢先处理' });
        w.clock.at = c.deadlineAt! + 1;
      }
      return rows;
    };
    const report = await w.sweep();
    expect(report.approved).toBe(0);
    expect((await stored(c)).status).toBe('REJECTED');
  });

  test('cases that cannot move yet do not loop, nor block the cases behind them', async () => {
    // Five R5 cases whose shop is still unverified sit at the head of the due queue.
    for (let i = 0; i < 5; i += 1) {
      const buyer = `stuck_${i}`;
      const c = await w.ok(buyer, 'apply', refundOnly(w, w.seedOrder({ buyerOpenid: buyer, shopId: UNVERIFIED_SHOP }), { evidence: [] }));
      await w.ok(NEW_OWNER, 'merchant.approve', { caseId: c._id });
    }
    w.clock.advance(HOUR_MS);
    const waiting = await pendingCases(3);
    w.clock.advance(48 * HOUR_MS + 1);
    const due = jest.spyOn(w.svc.cases, 'due');
    const report = await w.sweep({ batchSize: 2 });
    expect(report.approved).toBe(3);
    expect(report.refundsRetried).toBe(0);
    expect(due.mock.calls.length).toBeLessThan(15);
    for (const c of waiting) expect((await stored(c)).status).toBe('REFUNDING');
    expect((await w.sweep()).approved).toBe(0);
  });

  test('a case that fails unexpectedly is logged and left as it was, without looping or blocking the cases behind it', async () => {
    const broken = await pendingCases(3);
    for (const c of broken) w.local.db.prepare('DELETE FROM orders WHERE id = ?').run(c.orderId);
    w.clock.advance(HOUR_MS);
    const fine = await pendingCases(2);
    w.clock.advance(48 * HOUR_MS + 1);
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const report = await w.sweep({ batchSize: 2 });
    expect(logged).toHaveBeenCalledTimes(3);
    logged.mockRestore();
    expect(report).toMatchObject({ approved: 2, remaining: false });
    for (const c of fine) expect((await stored(c)).status).toBe('REFUNDING');
    for (const c of broken) expect(await stored(c)).toEqual(c);
  });

  test('a case the run cannot act on is taken up once per run and again by the next run', async () => {
    const [c] = await pendingCases(1);
    w.clock.advance(48 * HOUR_MS + 1);
    w.local.db.prepare('DELETE FROM orders WHERE id = ?').run(c.orderId);
    const update = jest.spyOn(w.svc.cases, 'update');
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await w.sweep()).toMatchObject({ approved: 0, remaining: false, batches: 1 });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(await w.sweep()).toMatchObject({ approved: 0, remaining: false, batches: 1 });
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
    expect(update).not.toHaveBeenCalled();
    update.mockRestore();
  });

  test('a stale timer on a case that needs none is cleared, without a history event', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ refundScenario: 'ABNORMAL' })));
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    await w.settle();
    const failed = await stored(c);
    expect(failed).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_ABNORMAL' } });
    expect(failed.timerAt).toBeUndefined();
    expect(await w.svc.cases.update({ ...failed, timerAt: w.clock.now(), version: failed.version + 1 }, failed.version, [])).toBe(true);
    await w.sweep();
    const after = await stored(c);
    expect(after.timerAt).toBeUndefined();
    expect(after.history).toEqual(failed.history);
    expect((await w.svc.cases.due(w.clock.now() + DAY_MS, 10)).map((x) => x._id)).not.toContain(c._id);
  });

  test('a spent time budget stops the run and says cases remain; the next run finishes them', async () => {
    await pendingCases(4);
    w.clock.advance(48 * HOUR_MS + 1);
    const stopped = await w.sweep({ budgetMs: 0 });
    expect(stopped).toMatchObject({ approved: 0, remaining: true });
    const finished = await w.sweep();
    expect(finished).toMatchObject({ approved: 4, remaining: false });
  });

  test('a refund in flight is queried only after the callback had its minute, then a minute after each PROCESSING answer', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ refundScenario: 'LATE' })));
    await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    const query = jest.spyOn(w.svc.gateway, 'query');
    await w.sweep();
    expect(query).not.toHaveBeenCalled();
    w.clock.advance(LIMITS.refundQueryDelayMs);
    await w.sweep();
    expect(query).toHaveBeenCalledTimes(1);
    const s = await stored(c);
    expect(s.status).toBe('REFUNDING');
    expect(s.timerAt).toBe(w.clock.now() + LIMITS.refundQueryDelayMs);
    expect(s.history.at(-1)?.action).toBe('APPROVE');
    await w.sweep();
    expect(query).toHaveBeenCalledTimes(1);
    expect(await stored(c)).toEqual(s);
  });

  test('an R5 case waits untouched while its shop is unverified and is retried by the first sweep after verification', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ shopId: UNVERIFIED_SHOP })));
    await w.ok(NEW_OWNER, 'merchant.approve', { caseId: c._id });
    const blocked = await stored(c);
    expect(blocked).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL' } });
    await w.sweep();
    await w.sweep();
    expect(await stored(c)).toEqual(blocked);
    w.local.db.prepare("UPDATE shops SET doc = json_set(doc, '$.verified', json('true')) WHERE id = ?").run(UNVERIFIED_SHOP);
    expect((await w.sweep()).refundsRetried).toBe(1);
    expect(await stored(c)).toMatchObject({ status: 'REFUNDING', refunds: [{ status: 'PROCESSING' }] });
  });
});
