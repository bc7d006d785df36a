/**
 * SPEC §3 "Deadlines bind at their moment, not at the next sweep" (issue 12, item 3): every case action
 * first commits the case's past-due timeouts (as SYSTEM, each at its deadline), then judges the action
 * on the result; lists and preview show the same result without writing; the sweep applies the chain.
 * No sweep runs in these tests unless one says so.
 */
import type { AfterSaleCase, Order } from '../../../../types/domain';
import { verifyChain } from '../../../core/chain';
import { addBusinessDays, DAY_MS, HOUR_MS, MINUTE_MS } from '../../../core/time';
import { ALICE, makeWorld, OTHER_OWNER, OWNER, REVIEWER, refundOnly, T0, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

const H48 = 48 * HOUR_MS;

async function stored(c: AfterSaleCase): Promise<AfterSaleCase> {
  return (await w.svc.cases.get(c._id))!;
}

function gatewayRefunds(): number {
  return (w.local.db.prepare('SELECT COUNT(*) AS n FROM gateway_refunds').get() as { n: number }).n;
}

function returnCase(o: Order = w.seedOrder()): Promise<AfterSaleCase> {
  return w.ok(ALICE, 'apply', refundOnly(w, o, { type: 'RETURN_REFUND', reason: 'NO_REASON', description: '不想要了，没拆封' }));
}

/** A return approved by the merchant at T0 + 1 h: ship-by T0 + 1 h + 7 d. */
async function approvedReturn(): Promise<AfterSaleCase> {
  const c = await returnCase();
  w.clock.at = T0 + HOUR_MS;
  return w.ok(OWNER, 'merchant.approve', { caseId: c._id });
}

describe('a merchant answer after the 48 h', () => {
  test('merchant reject at 48 h + 1 min finds the case auto-approved', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const D = c.deadlineAt!;
    w.clock.at = D + MINUTE_MS;
    const e = await w.fail(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '照片看不出问题' });
    expect([e.code, e.status]).toEqual(['CASE_STATE_CHANGED', 409]);
    const s = await stored(c);
    expect(s).toMatchObject({ status: 'REFUNDING', approvedBy: 'TIMEOUT', approvedAt: D, approvedFen: 5_000 });
    expect(s.rejection).toBeUndefined();
    expect(s.history.at(-1)).toMatchObject({ at: D, actor: 'SYSTEM', action: 'AUTO_APPROVE', from: 'PENDING', to: 'REFUNDING' });
    expect(verifyChain(s.history).ok).toBe(true);
    // The refund the auto-approval started was requested, once, as the sweep would have.
    expect(gatewayRefunds()).toBe(1);
    expect(w.local.dev.outbox().filter((n) => n.caseId === c._id && n.templateKey === 'decision')).toHaveLength(1);
    // A sweep afterwards has no approval left to make.
    expect((await w.sweep()).approved).toBe(0);
    expect(gatewayRefunds()).toBe(1);
  });

  test('merchant offer and approve at 48 h + 1 min find it auto-approved too', async () => {
    const a = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const b = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = a.deadlineAt! + MINUTE_MS;
    expect((await w.fail(OWNER, 'merchant.offer', { caseId: a._id, amountFen: 2_000, note: '半价' })).code).toBe('CASE_STATE_CHANGED');
    expect((await w.fail(OWNER, 'merchant.approve', { caseId: b._id, compensationFen: 100 })).code).toBe('CASE_STATE_CHANGED');
    expect(await stored(a)).toMatchObject({ status: 'REFUNDING', approvedBy: 'TIMEOUT' });
    expect(await stored(b)).toMatchObject({ status: 'REFUNDING', approvedBy: 'TIMEOUT', approvedFen: 5_000 });
  });

  test('at the 48 h millisecond itself the merchant is still in time', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = c.deadlineAt!;
    const r = await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '照片看不出问题' });
    expect(r.status).toBe('REJECTED');
    expect(r.history.map((h) => h.action)).toEqual(['APPLY', 'REJECT']);
  });

  test('order of checks: a malformed or foreign late answer changes nothing (schema → identity → timeouts)', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = c.deadlineAt! + MINUTE_MS;
    const bad = await w.fail(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: 5 } as never);
    expect(bad.code).toBe('INVALID_INPUT');
    const foreign = await w.fail(OTHER_OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '不同意' });
    expect(foreign.code).toBe('NOT_FOUND');
    expect(await stored(c)).toEqual(c);
    // A late answer that fails its own guard (R21's note) still finds the timeout committed first.
    const short = await w.fail(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: ' 否 ' });
    expect(short.code).toBe('CASE_STATE_CHANGED');
    expect((await stored(c)).status).toBe('REFUNDING');
  });
});

describe('the buyer after the deadlines', () => {
  test('acceptOffer 48 h + 1 min after the offer finds the case escalated to the platform', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = T0 + HOUR_MS;
    const offered = await w.ok(OWNER, 'merchant.offer', { caseId: c._id, amountFen: 2_500, note: '半价' });
    const answerBy = offered.deadlineAt!;
    expect(answerBy).toBe(T0 + HOUR_MS + H48);
    w.clock.at = answerBy + MINUTE_MS;
    const e = await w.fail(ALICE, 'acceptOffer', { caseId: c._id });
    expect([e.code, e.status]).toEqual(['CASE_STATE_CHANGED', 409]);
    const s = await stored(c);
    expect(s).toMatchObject({ status: 'ESCALATED', tier: 'DIFFICULT', escalatedAt: answerBy, deadlineAt: addBusinessDays(answerBy, 3) });
    expect(s.approvedFen).toBeUndefined();
    expect(s.history.at(-1)).toMatchObject({ at: answerBy, actor: 'SYSTEM', action: 'OFFER_TIMEOUT' });
    expect(gatewayRefunds()).toBe(0);
  });

  test('acceptOffer at the 48 h millisecond itself is in time', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const offered = await w.ok(OWNER, 'merchant.offer', { caseId: c._id, amountFen: 2_500, note: '半价' });
    w.clock.at = offered.deadlineAt!;
    expect(await w.ok(ALICE, 'acceptOffer', { caseId: c._id })).toMatchObject({ status: 'REFUNDING', approvedFen: 2_500 });
  });

  test('shipReturn 7 d + 1 min after approval finds the return closed', async () => {
    const approved = await approvedReturn();
    const shipBy = approved.deadlineAt!;
    expect(shipBy).toBe(T0 + HOUR_MS + 7 * DAY_MS);
    w.clock.at = shipBy + MINUTE_MS;
    const e = await w.fail(ALICE, 'shipReturn', { caseId: approved._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect([e.code, e.status]).toEqual(['CASE_STATE_CHANGED', 409]);
    const s = await stored(approved);
    expect(s.status).toBe('CLOSED');
    expect(s.returnShipment).toBeUndefined();
    expect(s.history.at(-1)).toMatchObject({ at: shipBy, actor: 'SYSTEM', action: 'SHIP_TIMEOUT' });
  });

  test('shipReturn at the 7 d millisecond itself is in time', async () => {
    const approved = await approvedReturn();
    w.clock.at = approved.deadlineAt!;
    const r = await w.ok(ALICE, 'shipReturn', { caseId: approved._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(r.status).toBe('RETURN_SHIPPED');
  });

  test('escalate after the 7 d keeps AFTER_SALE_WINDOW_EXPIRED (422), and the case is closed', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const rejected = await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '不符合政策' });
    w.clock.at = rejected.deadlineAt! + MINUTE_MS;
    const e = await w.fail(ALICE, 'escalate', { caseId: c._id, note: '不服' });
    expect([e.code, e.status]).toEqual(['AFTER_SALE_WINDOW_EXPIRED', 422]);
    const s = await stored(c);
    expect(s.status).toBe('CLOSED');
    expect(s.history.at(-1)).toMatchObject({ at: rejected.deadlineAt, action: 'ESCALATE_TIMEOUT' });
    // Asked again, the answer stays the same and nothing more is written.
    expect((await w.fail(ALICE, 'escalate', { caseId: c._id, note: '不服' })).code).toBe('AFTER_SALE_WINDOW_EXPIRED');
    expect(await stored(c)).toEqual(s);
  });
});

describe('the merchant after the 10 d', () => {
  test('confirm after 10 d finds the receipt confirmed by the system and the refund requested', async () => {
    const approved = await approvedReturn();
    w.clock.at = T0 + DAY_MS;
    const shipped = await w.ok(ALICE, 'shipReturn', { caseId: approved._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    const confirmBy = shipped.deadlineAt!;
    expect(confirmBy).toBe(T0 + DAY_MS + 10 * DAY_MS);
    w.clock.at = confirmBy + MINUTE_MS;
    const e = await w.fail(OWNER, 'merchant.confirmReturn', { caseId: approved._id, unsealed: true });
    expect([e.code, e.status]).toEqual(['CASE_STATE_CHANGED', 409]);
    const s = await stored(approved);
    expect(s).toMatchObject({ status: 'REFUNDING', returnReceivedAt: confirmBy });
    expect(s.unsealed).toBeUndefined();
    expect(s.history.at(-1)).toMatchObject({ at: confirmBy, actor: 'SYSTEM', action: 'AUTO_CONFIRM_RETURN' });
    expect(gatewayRefunds()).toBe(1);
  });
});

describe('reads commit too; a chain of timeouts', () => {
  test('get commits the past-due timeout and returns the case moved on', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = c.deadlineAt! + 1;
    const seen = await w.ok(ALICE, 'get', { caseId: c._id });
    expect(seen).toMatchObject({ status: 'REFUNDING', approvedAt: c.deadlineAt, version: c.version + 1 });
    expect(await stored(c)).toEqual(seen);
    expect((await w.ok(OWNER, 'merchant.get', { caseId: c._id })).version).toBe(seen.version);
  });

  test('a return auto-approved at D must be shipped by D + 7 d; past that too, one get closes it in the same go', async () => {
    const c = await returnCase();
    const D = c.deadlineAt!;
    w.clock.at = D + 7 * DAY_MS + 1;
    const seen = await w.ok(ALICE, 'get', { caseId: c._id });
    expect(seen.status).toBe('CLOSED');
    expect(seen).toMatchObject({ approvedAt: D, approvedBy: 'TIMEOUT', updatedAt: D + 7 * DAY_MS, version: c.version + 2 });
    expect(seen.history.slice(-2).map((h) => [h.action, h.at])).toEqual([
      ['AUTO_APPROVE', D],
      ['SHIP_TIMEOUT', D + 7 * DAY_MS],
    ]);
    expect((await w.ok(ALICE, 'verify', { caseId: c._id })).ok).toBe(true);
    expect(await w.sweep()).toMatchObject({ approved: 0, closed: 0 });
  });

  test('a sweep after a long pause applies the whole chain', async () => {
    const c = await returnCase();
    const D = c.deadlineAt!;
    w.clock.at = D + 30 * DAY_MS;
    expect(await w.sweep()).toMatchObject({ approved: 1, closed: 1 });
    const s = await stored(c);
    expect(s).toMatchObject({ status: 'CLOSED', approvedAt: D });
    expect(s.history.at(-1)).toMatchObject({ action: 'SHIP_TIMEOUT', at: D + 7 * DAY_MS });
    expect(await w.sweep()).toMatchObject({ approved: 0, closed: 0, batches: 0 });
  });

  test('a get racing the sweep: the timeout is committed once and its refund requested once', async () => {
    const cases = await Promise.all([0, 1, 2].map((i) => w.ok(`racer_${i}`, 'apply', refundOnly(w, w.seedOrder({ buyerOpenid: `racer_${i}` }), { evidence: [] }))));
    w.clock.advance(H48 + 1);
    await Promise.all([w.sweep(), ...cases.map((c) => w.ok(c.buyerOpenid, 'get', { caseId: c._id }))]);
    for (const c of cases) {
      const s = await stored(c);
      expect(s.history.filter((h) => h.action === 'AUTO_APPROVE')).toHaveLength(1);
      expect(s.refunds).toHaveLength(1);
    }
    expect(gatewayRefunds()).toBe(3);
  });
});

describe('lists and preview do not write', () => {
  test('listMine and merchant.list show cases as the sweep will leave them; a status filter leaves out the past-due', async () => {
    const due = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = T0 + HOUR_MS;
    const fresh = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    w.clock.at = due.deadlineAt! + 1;

    const mine = await w.ok(ALICE, 'listMine', {});
    expect(mine.items.find((x) => x._id === due._id)).toMatchObject({ status: 'REFUNDING', approvedAt: due.deadlineAt });
    expect(mine.items.find((x) => x._id === fresh._id)?.status).toBe('PENDING');
    expect((await w.ok(ALICE, 'listMine', { status: 'PENDING' })).items.map((x) => x._id)).toEqual([fresh._id]);
    const pending = await w.ok(OWNER, 'merchant.list', { status: 'PENDING' });
    expect(pending.items.map((x) => x._id)).toEqual([fresh._id]);
    expect((await w.ok(OWNER, 'merchant.list', {})).items.find((x) => x._id === due._id)?.status).toBe('REFUNDING');

    // Nothing was written: the stored case is still PENDING, no refund was asked for.
    expect(await stored(due)).toEqual(due);
    expect(gatewayRefunds()).toBe(0);
    // Once committed (here by the sweep), it is listed under its next status.
    await w.sweep();
    expect((await w.ok(ALICE, 'listMine', { status: 'REFUNDING' })).items.map((x) => x._id)).toEqual([due._id]);
  });

  test('a filtered page is refilled past the left-out cases, and its cursor still pages on', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      w.clock.at = T0 + i * HOUR_MS;
      const buyer = `pager_${i}`;
      ids.push((await w.ok(buyer, 'apply', refundOnly(w, w.seedOrder({ buyerOpenid: buyer }), { evidence: [] })))._id);
    }
    // The first three are past their 48 h; the last two are not.
    w.clock.at = T0 + 2 * HOUR_MS + H48 + 1;
    const first = await w.ok(OWNER, 'merchant.list', { status: 'PENDING', limit: 1 });
    expect(first.items.map((x) => x._id)).toEqual([ids[3]]);
    const second = await w.ok(OWNER, 'merchant.list', { status: 'PENDING', limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((x) => x._id)).toEqual([ids[4]]);
    expect(second.nextCursor).toBeNull();
  });

  test('platform.list shows an overdue decision flagged, without writing', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '不同意' });
    const escalated = await w.ok(ALICE, 'escalate', { caseId: c._id, note: '请平台处理' });
    w.clock.at = escalated.deadlineAt! + 1;
    const listed = await w.ok(REVIEWER, 'platform.list', {});
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ status: 'ESCALATED', platformOverdue: true });
    expect(await stored(c)).toEqual(escalated);
  });

  test('preview judges the order as apply will find it, without writing; apply then commits the timeout', async () => {
    const o = w.seedOrder();
    // A return on this order's only line, approved and never shipped.
    w.clock.at = T0;
    const c = await returnCase(o);
    w.clock.at = T0 + HOUR_MS;
    const waiting = await w.ok(OWNER, 'merchant.approve', { caseId: c._id });
    const draft = { orderId: o._id, type: 'REFUND_ONLY' as const, reason: 'QUALITY' as const, items: [{ skuId: 'tshirt', qty: 1 }] };

    w.clock.at = waiting.deadlineAt!;
    const inTime = await w.ok(ALICE, 'preview', draft);
    expect(inTime.violations.map((v) => v.code)).toContain('CASE_ALREADY_OPEN');

    w.clock.at = waiting.deadlineAt! + 1;
    const late = await w.ok(ALICE, 'preview', draft);
    expect(late.violations.map((v) => v.code)).not.toContain('CASE_ALREADY_OPEN');
    expect(await stored(c)).toEqual(waiting);

    const next = await w.ok(ALICE, 'apply', refundOnly(w, o));
    expect(next.status).toBe('PENDING');
    expect(await stored(c)).toMatchObject({ status: 'CLOSED' });
    expect((await stored(c)).history.at(-1)).toMatchObject({ action: 'SHIP_TIMEOUT', at: waiting.deadlineAt });
  });

  test('order.get shows the order\'s cases as the sweep will leave them, without writing', async () => {
    const o = w.seedOrder();
    const c = await w.ok(ALICE, 'apply', refundOnly(w, o));
    w.clock.at = c.deadlineAt! + 1;
    const view = await w.ok(ALICE, 'order.get', { orderId: o._id });
    expect(view.cases.map((x) => x.status)).toEqual(['REFUNDING']);
    expect(await stored(c)).toEqual(c);
  });
});
