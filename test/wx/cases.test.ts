/**
 * The cloud CaseRepo through the real wx-server-sdk against the loopback service: what is specific to
 * the cloud database — transactions that lose write conflicts, the idempotency record's unique _id,
 * compare-and-set on version with removed fields, derived fields, batch scans past 1,000 documents.
 */
import type { AfterSaleCase, Notification, Ticket } from '../../types/domain';
import { makeCase, T0 } from '../../src/core/__tests__/fixtures';
import { DomainError } from '../../src/core/errors';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { createWxServices } from '../../src/server/adapters/wx';
import { idempotencyId } from '../../src/server/adapters/wx/cases';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import type { Services } from '../../src/server/ports';
import { startLoopback, type Loopback } from './fake/loopback';

let lb: Loopback;
let svc: Services;

beforeAll(async () => {
  lb = await startLoopback();
  svc = createWxServices(lb.cloud, { subMchId: '1900000109', envId: 'loopback', notifyFunction: 'refundNotify' });
});

afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

beforeEach(() => lb.fake.reset());

function note(c: AfterSaleCase, text: string): Notification {
  return { _id: `ntf_${c._id}_${text}`, at: c.updatedAt, toOpenid: c.buyerOpenid, caseId: c._id, templateKey: 'decision', text };
}

async function insert(c: AfterSaleCase, notifications: Notification[] = []) {
  return svc.cases.insert(c, await svc.cases.readGuard(c.orderId, c.buyerOpenid), notifications);
}

describe('insert', () => {
  it('stores the case with its outbox rows, bumps both counters and records the idempotency key', async () => {
    const c = makeCase({ deadlineAt: T0 + 48 * HOUR_MS, timerAt: T0 + 48 * HOUR_MS });
    expect(await insert(c, [note(c, '已收到')])).toEqual({ inserted: true });
    expect(await svc.cases.get(c._id)).toEqual(c);
    expect(await svc.cases.readGuard(c.orderId, c.buyerOpenid)).toEqual({ orderSeq: 1, buyerSeq: 1 });
    expect(lb.fake.docs(COLLECTIONS.outbox).map((d) => d._id)).toEqual([`ntf_${c._id}_已收到`]);
    const idem = lb.fake.docs(COLLECTIONS.counters).find((d) => d._id === idempotencyId(c.buyerOpenid, c.idempotencyKey));
    expect(idem).toMatchObject({ caseId: c._id, buyerOpenid: c.buyerOpenid });
    // The derived sort key is stored for the merchant list's index, and never shown.
    expect(lb.fake.docs(COLLECTIONS.cases)[0]).toMatchObject({ _deadlineKey: T0 + 48 * HOUR_MS, _committedFen: 0 });
  });

  it('answers a replayed idempotency key with the original case and writes nothing', async () => {
    const first = makeCase();
    await insert(first);
    const replay = makeCase({ idempotencyKey: first.idempotencyKey, amountFen: 1 });
    const r = await insert(replay, [note(replay, 'x')]);
    expect(r).toEqual({ inserted: false, reason: 'DUPLICATE', existing: first });
    expect(lb.fake.docs(COLLECTIONS.cases)).toHaveLength(1);
    expect(lb.fake.docs(COLLECTIONS.outbox)).toHaveLength(0);
    expect(await svc.cases.findByIdempotencyKey(first.buyerOpenid, first.idempotencyKey)).toEqual(first);
  });

  it('refuses a stale guard: another case went in on the same order since it was read', async () => {
    const a = makeCase();
    const guard = await svc.cases.readGuard(a.orderId, a.buyerOpenid);
    await insert(a);
    const b = makeCase();
    expect(await svc.cases.insert(b, guard, [])).toEqual({ inserted: false, reason: 'CONFLICT' });
    expect(await svc.cases.get(b._id)).toBeNull();
  });

  it('lets exactly one of 10 racing applies on one order commit; the others are told to re-check', async () => {
    const guard = await svc.cases.readGuard('order_1', 'o_buyer_1');
    const racers = Array.from({ length: 10 }, () => makeCase());
    const results = await Promise.all(racers.map((c) => svc.cases.insert(c, guard, [note(c, '已收到')])));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(results.filter((r) => !r.inserted && r.reason === 'CONFLICT')).toHaveLength(9);
    expect(lb.fake.docs(COLLECTIONS.cases)).toHaveLength(1);
    expect(lb.fake.docs(COLLECTIONS.outbox)).toHaveLength(1);
    expect(await svc.cases.readGuard('order_1', 'o_buyer_1')).toEqual({ orderSeq: 1, buyerSeq: 1 });
  });

  it('turns 8 simultaneous submissions of one idempotency key into one case, returned to all', async () => {
    const guard = await svc.cases.readGuard('order_1', 'o_buyer_1');
    const copies = Array.from({ length: 8 }, () => makeCase({ idempotencyKey: 'same-key' }));
    const results = await Promise.all(copies.map((c) => svc.cases.insert(c, guard, [])));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const winner = results.findIndex((r) => r.inserted);
    // A racer that lost while the winner was still committing is told CONFLICT (the use case re-checks
    // and then finds the key); one that came after gets the winner's case.
    const losers = results.filter((r) => !r.inserted).map((r) => (r.reason === 'DUPLICATE' ? r.existing._id : r.reason));
    expect(losers.every((l) => l === 'CONFLICT' || l === copies[winner]._id)).toBe(true);
    expect(lb.fake.docs(COLLECTIONS.cases)).toHaveLength(1);
    expect(await svc.cases.findByIdempotencyKey('o_buyer_1', 'same-key')).toEqual(copies[winner]);
  });
});

describe('failures of the service', () => {
  it('reruns an insert whose commit failed, and commits it once', async () => {
    const c = makeCase();
    lb.fake.failNext = { action: 'database.commitTransaction', afterEffect: false };
    expect(await insert(c, [note(c, 'x')])).toEqual({ inserted: true });
    expect(lb.fake.docs(COLLECTIONS.cases)).toHaveLength(1);
    expect(lb.fake.docs(COLLECTIONS.outbox)).toHaveLength(1);
    expect(await svc.cases.readGuard(c.orderId, c.buyerOpenid)).toEqual({ orderSeq: 1, buyerSeq: 1 });
  });

  it('knows its own insert when the commit went through but the answer was lost', async () => {
    const c = makeCase();
    lb.fake.failNext = { action: 'database.commitTransaction', afterEffect: true };
    expect(await insert(c, [note(c, 'x')])).toEqual({ inserted: true });
    expect(lb.fake.docs(COLLECTIONS.cases)).toHaveLength(1);
    expect(lb.fake.docs(COLLECTIONS.outbox)).toHaveLength(1);
  });

  it('reruns an update whose commit failed; reports one whose answer was lost as lost, changing nothing twice', async () => {
    const c = makeCase();
    await insert(c);
    lb.fake.failNext = { action: 'database.commitTransaction', afterEffect: false };
    expect(await svc.cases.update({ ...c, version: 2 }, 1, [note(c, 'a')])).toBe(true);
    lb.fake.failNext = { action: 'database.commitTransaction', afterEffect: true };
    expect(await svc.cases.update({ ...c, version: 3 }, 2, [note(c, 'b')])).toBe(false);
    expect((await svc.cases.get(c._id))?.version).toBe(3);
    expect(lb.fake.docs(COLLECTIONS.outbox).map((d) => d._id)).toEqual([`ntf_${c._id}_a`, `ntf_${c._id}_b`]);
  });

  it('lets a failed single-document update reach the caller (nothing to rerun: it either applied or not)', async () => {
    const c = makeCase();
    await insert(c);
    lb.fake.failNext = { action: 'database.modifyDocument', afterEffect: false };
    await expect(svc.cases.update({ ...c, version: 2 }, 1, [])).rejects.toMatchObject({ errMsg: expect.stringContaining('injected failure') });
    expect((await svc.cases.get(c._id))?.version).toBe(1);
  });
});

describe('update (compare-and-set on version)', () => {
  it('writes the new version and removes the optional fields it no longer has', async () => {
    const c = makeCase({ timerAt: T0, deadlineAt: T0, lastError: { code: 'REFUND_CLOSED', message: 'm', solution: 's' } });
    await insert(c);
    const { timerAt: _t, lastError: _e, ...rest } = c;
    const next: AfterSaleCase = { ...rest, status: 'REFUNDED', version: 2, updatedAt: T0 + 1 };
    expect(await svc.cases.update(next, 1, [])).toBe(true);
    expect(await svc.cases.get(c._id)).toEqual(next);
    expect(await svc.cases.due(T0 + DAY_MS, 10)).toEqual([]);
  });

  it('replaces nested objects and arrays instead of merging them', async () => {
    const c = makeCase({ items: [{ skuId: 'a', qty: 2 }, { skuId: 'b', qty: 1 }], returnAddress: { name: '张三', phone: '13800000000', address: '上海' } });
    await insert(c);
    const next: AfterSaleCase = { ...c, items: [{ skuId: 'a', qty: 1 }], returnAddress: { name: '李四', phone: '13900000000', address: '杭州' }, version: 2 };
    expect(await svc.cases.update(next, 1, [])).toBe(true);
    expect(await svc.cases.get(c._id)).toEqual(next);
  });

  it('refuses a stale version and leaves the stored case alone', async () => {
    const c = makeCase();
    await insert(c);
    expect(await svc.cases.update({ ...c, status: 'CANCELLED', version: 2 }, 1, [])).toBe(true);
    expect(await svc.cases.update({ ...c, status: 'REFUNDING', version: 2 }, 1, [])).toBe(false);
    expect((await svc.cases.get(c._id))?.status).toBe('CANCELLED');
  });

  it('commits outbox rows and tickets with the case, and none of them when it loses', async () => {
    const c = makeCase();
    await insert(c);
    const ticket: Ticket = { _id: 'tkt_1', caseId: c._id, outRefundNo: `${c._id}-1`, openid: c.buyerOpenid, at: T0, text: '退款未到账' };
    expect(await svc.cases.update({ ...c, version: 2 }, 1, [note(c, 'a')], [ticket])).toBe(true);
    expect(await svc.cases.update({ ...c, version: 2 }, 1, [note(c, 'b')], [{ ...ticket, _id: 'tkt_2' }])).toBe(false);
    expect(lb.fake.docs(COLLECTIONS.outbox).map((d) => d._id)).toEqual([`ntf_${c._id}_a`]);
    expect(lb.fake.docs(COLLECTIONS.tickets).map((d) => d._id)).toEqual(['tkt_1']);
  });

  it('lets exactly one of 20 racing writers of one version win, with or without outbox rows', async () => {
    const c = makeCase();
    await insert(c);
    const writers = Array.from({ length: 20 }, (_, i) => ({ ...c, version: 2, description: `writer ${i}` }));
    const results = await Promise.all(writers.map((w, i) => svc.cases.update(w, 1, i % 2 === 0 ? [note(w, String(i))] : [])));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = writers[results.indexOf(true)];
    expect(await svc.cases.get(c._id)).toEqual(winner);
    expect(lb.fake.docs(COLLECTIONS.outbox).length).toBeLessThanOrEqual(1);
  });

  it('insists that the new version follows the expected one', async () => {
    const c = makeCase();
    await insert(c);
    await expect(svc.cases.update({ ...c, version: 5 }, 1, [])).rejects.toThrow(/version/);
  });
});

describe('queries', () => {
  it('finds a case by any of its refund numbers', async () => {
    const c = makeCase({
      status: 'REFUNDING',
      refunds: [
        { outRefundNo: 'AS1-1', amountFen: 100, status: 'CLOSED', at: T0, method: 'ORIGINAL' },
        { outRefundNo: 'AS1-2', amountFen: 100, status: 'PROCESSING', at: T0, method: 'ORIGINAL' },
      ],
    });
    await insert(c);
    expect((await svc.cases.findByOutRefundNo('AS1-2'))?._id).toBe(c._id);
    expect((await svc.cases.findByOutRefundNo('AS1-1'))?._id).toBe(c._id);
    expect(await svc.cases.findByOutRefundNo('AS1-3')).toBeNull();
  });

  it('sums what approved cases hold against the yearly cap, skipping cancelled, closed and failed-for-good ones', async () => {
    const year = [T0 - 10 * DAY_MS, T0 + 10 * DAY_MS] as const;
    const approved = (o: Partial<AfterSaleCase>) => makeCase({ approvedAt: T0, approvedFen: 1_000, status: 'REFUNDING', ...o });
    const counted = approved({});
    const cases = [
      counted,
      approved({ approvedFen: 2_500, status: 'REFUNDED' }),
      approved({ status: 'CANCELLED' }),
      approved({ status: 'CLOSED' }),
      approved({ status: 'REFUND_FAILED', lastError: { code: 'AFTER_SALE_WINDOW_EXPIRED', message: '', solution: '' } }),
      approved({ status: 'REFUND_FAILED', approvedFen: 400, lastError: { code: 'REFUND_CLOSED', message: '', solution: '' } }),
      approved({ approvedAt: year[1] }),
      approved({ shopId: 'shop_other' }),
      makeCase({ status: 'PENDING' }),
    ];
    for (const c of cases) await svc.cases.insert(c, await svc.cases.readGuard(c.orderId, c.buyerOpenid), []);
    expect(await svc.cases.shopCommittedFen('shop_1', year[0], year[1])).toBe(1_000 + 2_500 + 400);
    expect(await svc.cases.shopCommittedFen('shop_1', year[0], year[1], counted._id)).toBe(2_500 + 400);
    expect(await svc.cases.shopCommittedFen('shop_none', year[0], year[1])).toBe(0);
  });

  it('returns due cases oldest timer first, at most `limit`, and never one without a timer', async () => {
    const cs = [makeCase({ timerAt: T0 + 3 }), makeCase({ timerAt: T0 + 1 }), makeCase({ timerAt: T0 + 2 }), makeCase({ timerAt: T0 + 9 }), makeCase()];
    for (const c of cs) await insert(c);
    expect((await svc.cases.due(T0 + 3, 10)).map((c) => c.timerAt)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
    expect((await svc.cases.due(T0 + 3, 2)).map((c) => c.timerAt)).toEqual([T0 + 1, T0 + 2]);
    expect(await svc.cases.due(T0 + 3, 0)).toEqual([]);
  });

  it("pages the merchant's pending list by deadline and the buyer's list newest first, across inserts between pages", async () => {
    const pending = Array.from({ length: 5 }, (_, i) => makeCase({ deadlineAt: T0 + (5 - i) * HOUR_MS, createdAt: T0 + i }));
    for (const c of pending) await insert(c);
    const p1 = await svc.cases.listForShop('shop_1', { status: 'PENDING', limit: 2 });
    expect(p1.items.map((c) => c.deadlineAt)).toEqual([T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
    // A case due sooner than the cursor arrives meanwhile: the next page neither repeats nor skips the rest.
    await insert(makeCase({ deadlineAt: T0 + 30 * 60_000 }));
    const p2 = await svc.cases.listForShop('shop_1', { status: 'PENDING', limit: 2, cursor: p1.nextCursor! });
    const p3 = await svc.cases.listForShop('shop_1', { status: 'PENDING', limit: 2, cursor: p2.nextCursor! });
    expect([...p2.items, ...p3.items].map((c) => c.deadlineAt)).toEqual([T0 + 3 * HOUR_MS, T0 + 4 * HOUR_MS, T0 + 5 * HOUR_MS]);
    expect(p3.nextCursor).toBeNull();

    const mine = await svc.cases.listForBuyer('o_buyer_1', { limit: 4 });
    expect(mine.items.map((c) => c.createdAt)).toEqual([T0 + 4, T0 + 3, T0 + 2, T0 + 1]);
    await expect(svc.cases.listForShop('shop_1', { limit: 2, cursor: p1.nextCursor! })).rejects.toThrow(DomainError);
    await expect(svc.cases.listForBuyer('o_buyer_1', { limit: 2, cursor: 'not-a-cursor!' })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'cursor' });
  });

  it('lists escalated cases of every shop by platform deadline', async () => {
    const a = makeCase({ status: 'ESCALATED', shopId: 'shop_a', deadlineAt: T0 + 2 * DAY_MS });
    const b = makeCase({ status: 'ESCALATED', shopId: 'shop_b', deadlineAt: T0 + DAY_MS });
    await insert(a);
    await insert(b);
    await insert(makeCase({ status: 'PENDING', deadlineAt: T0 }));
    expect((await svc.cases.listEscalated({ limit: 10 })).items.map((c) => c._id)).toEqual([b._id, a._id]);
  });

  it('scans past the 1,000 documents one get() returns, resuming after the last key', async () => {
    const docs = Array.from({ length: 2_345 }, (_, i) =>
      makeCase({ _id: `bulk_${String(i).padStart(5, '0')}`, orderId: 'order_bulk', createdAt: T0 - 20 * DAY_MS + Math.floor(i / 3) }),
    );
    lb.fake.seed(COLLECTIONS.cases, docs.map((d) => ({ ...d }) as never));
    const all = await svc.cases.listByOrder('order_bulk');
    expect(all).toHaveLength(2_345);
    expect(new Set(all.map((c) => c._id)).size).toBe(2_345);
    expect(await svc.cases.buyerCaseTimes('o_buyer_1', T0 - 20 * DAY_MS + 500)).toHaveLength(2_345 - 1_500);
    const pages: number[] = [];
    for await (const page of svc.cases.scanForStats('shop_1', T0 - 30 * DAY_MS, T0)) pages.push(page.length);
    expect(pages).toEqual([1_000, 1_000, 345]);
    // The period's end still bounds the pages after the first (the keyset keeps the filter's range).
    const bounded: string[] = [];
    for await (const page of svc.cases.scanForStats('shop_1', T0 - 30 * DAY_MS, T0 - 20 * DAY_MS + 400, 1_000)) bounded.push(...page.map((c) => c._id));
    expect(bounded).toHaveLength(1_200);
    expect(bounded[1_199]).toBe('bulk_01199');
    const gets = lb.fake.callsOf('database.getDocument').filter((c) => (c.query as { orderId?: string })?.orderId === 'order_bulk' || JSON.stringify(c.query).includes('order_bulk'));
    expect(gets.length).toBe(3);
  });
});
