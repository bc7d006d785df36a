/**
 * The repository contract of src/server/ports.ts, as a suite any adapter runs:
 *
 *   runRepoContract('sqlite', async () => ({ svc, seed, outbox, tickets, close }));
 *
 * It talks to the repositories only through the ports. What the ports cannot do (put orders and
 * merchants in place, read the outbox and tickets back) the harness does with the adapter's own means.
 * Every test gets a fresh, empty store from `make`.
 */
import type { Page } from '../../types/api';
import type { AfterSaleCase, Merchant, Notification, Order, Ticket } from '../../types/domain';
import { DomainError } from '../../src/core/errors';
import type { Services } from '../../src/server/ports';
import { makeCase, makeMerchant, makeNotification, makeOrder, makeShop, makeTicket, nextVersion, T0, uniq } from '../support/fixtures';

export interface RepoHarness {
  svc: Pick<Services, 'cases' | 'orders' | 'shops' | 'merchants' | 'risk'>;
  seed(f: { orders?: Order[]; merchants?: Merchant[] }): Promise<void>;
  /** Every notification committed so far, in commit order. */
  outbox(): Promise<Notification[]>;
  tickets(): Promise<Ticket[]>;
  close(): Promise<void>;
}

const H = 3_600_000;

async function drain<T>(fetch: (cursor?: string) => Promise<Page<T>>, guard = 1_000): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < guard; i += 1) {
    const page = await fetch(cursor);
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

const ids = (cs: { _id: string }[]) => cs.map((c) => c._id);

export function runRepoContract(name: string, make: () => Promise<RepoHarness>): void {
  describe(`repository contract: ${name}`, () => {
    let h: RepoHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    /** Inserts cases one after another with a freshly read guard each time. */
    async function insertAll(cases: AfterSaleCase[], notifications: Notification[] = []): Promise<void> {
      for (const c of cases) {
        const g = await h.svc.cases.readGuard(c.orderId, c.buyerOpenid);
        const r = await h.svc.cases.insert(c, g, notifications.filter((n) => n.caseId === c._id));
        if (!r.inserted) throw new Error(`insert of ${c._id} refused: ${r.reason}`);
      }
    }

    describe('CaseRepo.insert', () => {
      it('stores the case as given and get returns it; an unknown id is null', async () => {
        const c = makeCase({ evidence: [{ fileId: 'local://evidence/oBuyerTest/ab.jpg', kind: 'image', sha256: 'a'.repeat(64), tag: 'unboxing' }] });
        await insertAll([c]);
        expect(await h.svc.cases.get(c._id)).toEqual(c);
        expect(await h.svc.cases.get('AS_missing')).toBeNull();
      });

      it('bumps the order and buyer counters by one per insert, starting from a readable value', async () => {
        const c = makeCase({ orderId: uniq('o'), buyerOpenid: uniq('b') });
        const before = await h.svc.cases.readGuard(c.orderId, c.buyerOpenid);
        expect(await h.svc.cases.insert(c, before, [])).toEqual({ inserted: true });
        const after = await h.svc.cases.readGuard(c.orderId, c.buyerOpenid);
        expect(after.orderSeq).toBe(before.orderSeq + 1);
        expect(after.buyerSeq).toBe(before.buyerSeq + 1);
        const otherOrder = await h.svc.cases.readGuard(uniq('o'), c.buyerOpenid);
        expect(otherOrder.buyerSeq).toBe(after.buyerSeq);
      });

      it('refuses with CONFLICT when another case was inserted on the order since the guard was read, and writes nothing', async () => {
        const orderId = uniq('o');
        const a = makeCase({ orderId, buyerOpenid: 'oA' });
        const b = makeCase({ orderId, buyerOpenid: 'oB' });
        const stale = await h.svc.cases.readGuard(orderId, 'oB');
        await insertAll([a]);
        const n = makeNotification({ caseId: b._id });
        expect(await h.svc.cases.insert(b, stale, [n])).toEqual({ inserted: false, reason: 'CONFLICT' });
        expect(await h.svc.cases.get(b._id)).toBeNull();
        expect(await h.svc.cases.findByIdempotencyKey('oB', b.idempotencyKey)).toBeNull();
        expect(ids(await h.outbox())).not.toContain(n._id);
        const fresh = await h.svc.cases.readGuard(orderId, 'oB');
        expect(await h.svc.cases.insert(b, fresh, [n])).toEqual({ inserted: true });
      });

      it("refuses with CONFLICT when the buyer's counter moved (a case on another order)", async () => {
        const buyer = uniq('b');
        const a = makeCase({ orderId: uniq('o'), buyerOpenid: buyer });
        const b = makeCase({ orderId: uniq('o'), buyerOpenid: buyer });
        const stale = await h.svc.cases.readGuard(b.orderId, buyer);
        await insertAll([a]);
        expect(await h.svc.cases.insert(b, stale, [])).toEqual({ inserted: false, reason: 'CONFLICT' });
      });

      it('returns the original case for a repeated (buyer, idempotencyKey), even with a stale guard, and creates nothing', async () => {
        const a = makeCase({ buyerOpenid: 'oA', idempotencyKey: 'same-key' });
        const guard = await h.svc.cases.readGuard(a.orderId, 'oA');
        await h.svc.cases.insert(a, guard, []);
        const replay = makeCase({ buyerOpenid: 'oA', idempotencyKey: 'same-key', orderId: a.orderId, amountFen: 1 });
        const n = makeNotification({ caseId: replay._id });
        const r = await h.svc.cases.insert(replay, guard, [n]);
        expect(r).toEqual({ inserted: false, reason: 'DUPLICATE', existing: a });
        expect(await h.svc.cases.get(replay._id)).toBeNull();
        expect(await h.svc.cases.listByOrder(a.orderId)).toHaveLength(1);
        expect(ids(await h.outbox())).not.toContain(n._id);
        expect(await h.svc.cases.findByIdempotencyKey('oA', 'same-key')).toEqual(a);
      });

      it('scopes idempotency keys to the buyer', async () => {
        const a = makeCase({ buyerOpenid: 'oA', idempotencyKey: 'k', orderId: uniq('o') });
        const b = makeCase({ buyerOpenid: 'oB', idempotencyKey: 'k', orderId: uniq('o') });
        await insertAll([a, b]);
        expect((await h.svc.cases.findByIdempotencyKey('oA', 'k'))?._id).toBe(a._id);
        expect((await h.svc.cases.findByIdempotencyKey('oB', 'k'))?._id).toBe(b._id);
        expect(await h.svc.cases.findByIdempotencyKey('oC', 'k')).toBeNull();
      });

      it('lets exactly one of 10 racing inserts on one order through; the rest get CONFLICT', async () => {
        const orderId = uniq('o');
        const guard = await h.svc.cases.readGuard(orderId, 'oRacer');
        const racers = Array.from({ length: 10 }, () => makeCase({ orderId, buyerOpenid: 'oRacer' }));
        const results = await Promise.all(racers.map((c) => h.svc.cases.insert(c, guard, [])));
        expect(results.filter((r) => r.inserted)).toHaveLength(1);
        expect(results.filter((r) => !r.inserted && r.reason === 'CONFLICT')).toHaveLength(9);
        expect(await h.svc.cases.listByOrder(orderId)).toHaveLength(1);
      });

      it('answers 10 racing replays of one idempotency key with one case: one inserted, nine DUPLICATE of it', async () => {
        const orderId = uniq('o');
        const guard = await h.svc.cases.readGuard(orderId, 'oReplayer');
        const racers = Array.from({ length: 10 }, () => makeCase({ orderId, buyerOpenid: 'oReplayer', idempotencyKey: 'double-tap' }));
        const results = await Promise.all(racers.map((c) => h.svc.cases.insert(c, guard, [])));
        const winner = racers[results.findIndex((r) => r.inserted)];
        expect(winner).toBeDefined();
        for (const r of results.filter((x) => !x.inserted)) {
          expect(r).toEqual({ inserted: false, reason: 'DUPLICATE', existing: winner });
        }
        expect(await h.svc.cases.listByOrder(orderId)).toEqual([winner]);
      });

      it('commits the outbox notifications with the insert', async () => {
        const c = makeCase();
        const n = [makeNotification({ caseId: c._id, templateKey: 'autoReply' }), makeNotification({ caseId: c._id })];
        await insertAll([c], n);
        expect(await h.outbox()).toEqual(n);
      });
    });

    describe('CaseRepo.update', () => {
      it('writes the case when the stored version is the expected one', async () => {
        const c = makeCase();
        await insertAll([c]);
        const next = nextVersion(c, { status: 'REFUNDING', approvedAt: T0 + H, approvedFen: 5_000, timerAt: T0 + H });
        expect(await h.svc.cases.update(next, c.version, [])).toBe(true);
        expect(await h.svc.cases.get(c._id)).toEqual(next);
      });

      it('refuses a stale writer and leaves the case, outbox and tickets as they were', async () => {
        const c = makeCase();
        await insertAll([c]);
        const first = nextVersion(c, { status: 'CANCELLED' });
        expect(await h.svc.cases.update(first, c.version, [])).toBe(true);
        const late = nextVersion(c, { status: 'REFUNDING' });
        const n = makeNotification({ caseId: c._id });
        const t = makeTicket({ caseId: c._id });
        expect(await h.svc.cases.update(late, c.version, [n], [t])).toBe(false);
        expect(await h.svc.cases.get(c._id)).toEqual(first);
        expect(ids(await h.outbox())).not.toContain(n._id);
        expect(await h.tickets()).toEqual([]);
      });

      it('refuses an update of a case that does not exist', async () => {
        const ghost = makeCase();
        expect(await h.svc.cases.update(nextVersion(ghost), ghost.version, [])).toBe(false);
        expect(await h.svc.cases.get(ghost._id)).toBeNull();
      });

      it('rejects a case whose version is not expectedVersion + 1 (a caller bug, not a lost race)', async () => {
        const c = makeCase();
        await insertAll([c]);
        await expect(h.svc.cases.update({ ...c, version: c.version + 2 }, c.version, [])).rejects.toThrow();
        await expect(h.svc.cases.update(c, c.version, [])).rejects.toThrow();
        expect(await h.svc.cases.get(c._id)).toEqual(c);
      });

      it('lets exactly one of 20 racing writers of one version win', async () => {
        const c = makeCase();
        await insertAll([c]);
        const writers = Array.from({ length: 20 }, (_, i) => nextVersion(c, { description: `writer ${i}` }));
        const results = await Promise.all(writers.map((w) => h.svc.cases.update(w, c.version, [makeNotification({ caseId: c._id, text: w.description })])));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = writers[results.indexOf(true)];
        expect(await h.svc.cases.get(c._id)).toEqual(winner);
        const notes = (await h.outbox()).filter((n) => n.caseId === c._id);
        expect(notes.map((n) => n.text)).toEqual([winner.description]);
      });

      it('commits notifications and tickets with the change', async () => {
        const c = makeCase({ status: 'REFUNDED' });
        await insertAll([c]);
        const n = makeNotification({ caseId: c._id, templateKey: 'ticket' });
        const t = makeTicket({ caseId: c._id, outRefundNo: `${c._id}-1` });
        expect(await h.svc.cases.update(nextVersion(c), c.version, [n], [t])).toBe(true);
        expect(await h.outbox()).toEqual([n]);
        expect(await h.tickets()).toEqual([t]);
      });

      it('makes every refund number of the case findable, and only its own', async () => {
        const c = makeCase();
        const other = makeCase({ orderId: uniq('o') });
        await insertAll([c, other]);
        expect(await h.svc.cases.findByOutRefundNo(`${c._id}-1`)).toBeNull();
        const attempt = (n: number) => ({ outRefundNo: `${c._id}-${n}`, amountFen: 5_000, status: 'PROCESSING' as const, at: T0, method: 'ORIGINAL' as const });
        const v2 = nextVersion(c, { status: 'REFUNDING', refunds: [attempt(1)] });
        await h.svc.cases.update(v2, c.version, []);
        const v3 = nextVersion(v2, { status: 'REFUNDING', refunds: [{ ...attempt(1), status: 'CLOSED' }, attempt(2)] });
        await h.svc.cases.update(v3, v2.version, []);
        expect(await h.svc.cases.findByOutRefundNo(`${c._id}-1`)).toEqual(v3);
        expect(await h.svc.cases.findByOutRefundNo(`${c._id}-2`)).toEqual(v3);
        expect(await h.svc.cases.findByOutRefundNo(`${other._id}-1`)).toBeNull();
      });
    });

    describe('CaseRepo queries', () => {
      it('listByOrder returns every case of the order in any status, oldest first', async () => {
        const orderId = uniq('o');
        const cs = [
          makeCase({ orderId, status: 'CANCELLED', createdAt: T0 }),
          makeCase({ orderId, status: 'PENDING', createdAt: T0 + 1 }),
          makeCase({ orderId, status: 'REFUNDED', createdAt: T0 + 2 }),
        ];
        await insertAll([...cs, makeCase({ orderId: uniq('o') })]);
        expect(ids(await h.svc.cases.listByOrder(orderId))).toEqual(ids(cs));
        expect(await h.svc.cases.listByOrder('order_none')).toEqual([]);
      });

      it('buyerCaseTimes lists the buyer’s creation times at or after `since`', async () => {
        const b = uniq('b');
        await insertAll([
          makeCase({ buyerOpenid: b, orderId: uniq('o'), createdAt: T0 - 31 * 24 * H }),
          makeCase({ buyerOpenid: b, orderId: uniq('o'), createdAt: T0 - 30 * 24 * H }),
          makeCase({ buyerOpenid: b, orderId: uniq('o'), createdAt: T0, status: 'CANCELLED' }),
          makeCase({ buyerOpenid: uniq('b'), orderId: uniq('o'), createdAt: T0 }),
        ]);
        expect((await h.svc.cases.buyerCaseTimes(b, T0 - 30 * 24 * H)).sort()).toEqual([T0 - 30 * 24 * H, T0]);
      });

      it('due() returns cases with timerAt ≤ now, soonest first, at most `limit`', async () => {
        const cs = [5, 1, 3, 2, 4].map((k) => makeCase({ orderId: uniq('o'), timerAt: T0 + k * H }));
        const future = makeCase({ orderId: uniq('o'), timerAt: T0 + 10 * H });
        const none = makeCase({ orderId: uniq('o'), timerAt: undefined, status: 'REFUNDED' });
        await insertAll([...cs, future, none]);
        const due = await h.svc.cases.due(T0 + 5 * H, 3);
        expect(due.map((c) => c.timerAt)).toEqual([T0 + H, T0 + 2 * H, T0 + 3 * H]);
        expect((await h.svc.cases.due(T0 + 5 * H, 100)).map((c) => c.timerAt)).toEqual([1, 2, 3, 4, 5].map((k) => T0 + k * H));
        expect(await h.svc.cases.due(T0, 100)).toEqual([]);
        const first = due[0];
        await h.svc.cases.update(nextVersion(first, { timerAt: undefined, status: 'REFUNDED' }), first.version, []);
        expect(ids(await h.svc.cases.due(T0 + 5 * H, 100))).not.toContain(first._id);
      });

      it('due() includes a timer exactly at now and orders ties by id so re-queries are stable', async () => {
        const cs = Array.from({ length: 4 }, () => makeCase({ orderId: uniq('o'), timerAt: T0 }));
        await insertAll(cs);
        const due = await h.svc.cases.due(T0, 10);
        expect(ids(due)).toEqual(ids(cs).sort());
      });

      it('due(now, limit, after) pages past a key, ties included, without repeats or gaps', async () => {
        const tied = Array.from({ length: 3 }, () => makeCase({ orderId: uniq('o'), timerAt: T0 + H }));
        const later = [2, 3].map((k) => makeCase({ orderId: uniq('o'), timerAt: T0 + k * H }));
        await insertAll([...tied, ...later]);
        const all = await h.svc.cases.due(T0 + 3 * H, 100);
        const walked: string[] = [];
        let after: { timerAt: number; id: string } | undefined;
        for (;;) {
          const page = await h.svc.cases.due(T0 + 3 * H, 2, after);
          if (page.length === 0) break;
          walked.push(...ids(page));
          const last = page[page.length - 1];
          after = { timerAt: last.timerAt as number, id: last._id };
        }
        expect(walked).toEqual(ids(all));
        expect(new Set(walked).size).toBe(5);
        expect(await h.svc.cases.due(T0 + 3 * H, 10, { timerAt: T0 + 3 * H, id: ids(later)[1] })).toEqual([]);
      });

      it('listForShop PENDING lists the shop’s pending cases by deadline, soonest first', async () => {
        const shopId = uniq('s');
        const pending = [30, 10, 20].map((k) => makeCase({ shopId, orderId: uniq('o'), deadlineAt: T0 + k * H }));
        await insertAll([
          ...pending,
          makeCase({ shopId, orderId: uniq('o'), status: 'REJECTED', deadlineAt: T0 }),
          makeCase({ shopId: uniq('s'), orderId: uniq('o'), deadlineAt: T0 }),
        ]);
        const page = await h.svc.cases.listForShop(shopId, { status: 'PENDING', limit: 10 });
        expect(page.items.map((c) => c.deadlineAt)).toEqual([T0 + 10 * H, T0 + 20 * H, T0 + 30 * H]);
        expect(page.nextCursor).toBeNull();
      });

      it('listForShop with another status, or none, lists newest first', async () => {
        const shopId = uniq('s');
        const cs = [1, 3, 2].map((k) => makeCase({ shopId, orderId: uniq('o'), status: 'REFUNDED', createdAt: T0 + k }));
        const pending = makeCase({ shopId, orderId: uniq('o'), createdAt: T0 + 4 });
        await insertAll([...cs, pending]);
        expect((await h.svc.cases.listForShop(shopId, { status: 'REFUNDED', limit: 10 })).items.map((c) => c.createdAt)).toEqual([T0 + 3, T0 + 2, T0 + 1]);
        expect((await h.svc.cases.listForShop(shopId, { limit: 10 })).items.map((c) => c.createdAt)).toEqual([T0 + 4, T0 + 3, T0 + 2, T0 + 1]);
      });

      it('listForBuyer lists only the buyer’s cases, newest first, optionally by status', async () => {
        const b = uniq('b');
        const cs = [1, 2, 3].map((k) => makeCase({ buyerOpenid: b, orderId: uniq('o'), createdAt: T0 + k, status: k === 2 ? 'CANCELLED' : 'PENDING' }));
        await insertAll([...cs, makeCase({ buyerOpenid: uniq('b'), orderId: uniq('o') })]);
        expect(ids((await h.svc.cases.listForBuyer(b, { limit: 10 })).items)).toEqual(ids([...cs].reverse()));
        expect(ids((await h.svc.cases.listForBuyer(b, { status: 'CANCELLED', limit: 10 })).items)).toEqual([cs[1]._id]);
      });

      it('listEscalated lists escalated cases of every shop by deadline', async () => {
        const e = [3, 1, 2].map((k) => makeCase({ shopId: uniq('s'), orderId: uniq('o'), status: 'ESCALATED', escalatedAt: T0, deadlineAt: T0 + k * H }));
        await insertAll([...e, makeCase({ orderId: uniq('o'), status: 'REJECTED' })]);
        expect((await h.svc.cases.listEscalated({ limit: 10 })).items.map((c) => c.deadlineAt)).toEqual([T0 + H, T0 + 2 * H, T0 + 3 * H]);
      });

      it('pages through a list without gaps or repeats, and ends with a null cursor', async () => {
        const shopId = uniq('s');
        const b = uniq('b');
        // Equal sort keys on purpose: the id must break ties for keyset pages to be exact.
        const cs = Array.from({ length: 23 }, (_, i) =>
          makeCase({ shopId, buyerOpenid: b, orderId: uniq('o'), createdAt: T0 + Math.floor(i / 3), deadlineAt: T0 + H * Math.floor(i / 4) }),
        );
        await insertAll(cs);
        const lists: [string, (cursor?: string) => Promise<Page<AfterSaleCase>>][] = [
          ['buyer', (cursor) => h.svc.cases.listForBuyer(b, { cursor, limit: 5 })],
          ['shop PENDING', (cursor) => h.svc.cases.listForShop(shopId, { status: 'PENDING', cursor, limit: 5 })],
          ['shop all', (cursor) => h.svc.cases.listForShop(shopId, { cursor, limit: 4 })],
        ];
        for (const [, fetch] of lists) {
          const all = await drain(fetch);
          expect(new Set(ids(all)).size).toBe(23);
          expect(ids(all).sort()).toEqual(ids(cs).sort());
        }
        const pending = await drain(lists[1][1]);
        expect(pending.map((c) => c.deadlineAt)).toEqual([...pending.map((c) => c.deadlineAt!)].sort((x, y) => x - y));
      });

      it('keeps pages exact while cases are added and leave the filter between pages', async () => {
        const shopId = uniq('s');
        const cs = Array.from({ length: 12 }, (_, i) => makeCase({ shopId, orderId: uniq('o'), deadlineAt: T0 + i * H }));
        await insertAll(cs);
        const seen: AfterSaleCase[] = [];
        let cursor: string | undefined;
        let round = 0;
        do {
          const page = await h.svc.cases.listForShop(shopId, { status: 'PENDING', cursor, limit: 4 });
          seen.push(...page.items);
          cursor = page.nextCursor ?? undefined;
          round += 1;
          if (round === 1) {
            // The merchant approves what it saw; a new case arrives with a later deadline.
            for (const c of page.items) await h.svc.cases.update(nextVersion(c, { status: 'REFUNDING' }), c.version, []);
            await insertAll([makeCase({ shopId, orderId: uniq('o'), deadlineAt: T0 + 100 * H })]);
          }
        } while (cursor);
        expect(new Set(ids(seen)).size).toBe(seen.length);
        expect(seen).toHaveLength(13);
      });

      it('never returns more than 100 items a page', async () => {
        const shopId = uniq('s');
        await insertAll(Array.from({ length: 105 }, () => makeCase({ shopId, orderId: uniq('o') })));
        const page = await h.svc.cases.listForShop(shopId, { limit: 1_000 });
        expect(page.items).toHaveLength(100);
        expect(page.nextCursor).not.toBeNull();
        const rest = await h.svc.cases.listForShop(shopId, { limit: 1_000, cursor: page.nextCursor! });
        expect(rest.items).toHaveLength(5);
        expect(rest.nextCursor).toBeNull();
      });

      it('refuses a forged cursor, or one from another list, with INVALID_INPUT on `cursor`', async () => {
        const shopId = uniq('s');
        await insertAll(Array.from({ length: 3 }, () => makeCase({ shopId, orderId: uniq('o') })));
        const { nextCursor } = await h.svc.cases.listForShop(shopId, { status: 'PENDING', limit: 1 });
        expect(nextCursor).not.toBeNull();
        for (const bad of ['not-a-cursor', 'eyJ4IjoxfQ', Buffer.from('["s:PENDING","x","y"]').toString('base64url')]) {
          await expect(h.svc.cases.listForShop(shopId, { status: 'PENDING', cursor: bad, limit: 5 })).rejects.toMatchObject({
            code: 'INVALID_INPUT',
            field: 'cursor',
          });
        }
        const crossed = h.svc.cases.listForBuyer('oBuyerTest', { cursor: nextCursor!, limit: 5 });
        await expect(crossed).rejects.toBeInstanceOf(DomainError);
      });

      it('scanForStats pages the shop’s cases created in [from, to) by (createdAt, _id), cut to the stats fields', async () => {
        const shopId = uniq('s');
        const at = [T0 - 1, T0, T0 + H, T0 + H, T0 + H, T0 + 2 * H];
        const cs = at.map((createdAt) => makeCase({ shopId, orderId: uniq('o'), createdAt }));
        await insertAll([...cs, makeCase({ shopId: uniq('s'), orderId: uniq('o'), createdAt: T0 })]);
        const pages: AfterSaleCase[][] = [];
        for await (const page of h.svc.cases.scanForStats(shopId, T0, T0 + 2 * H, 2)) pages.push(page as AfterSaleCase[]);
        const inPeriod = cs.slice(1, 5).sort((a, b) => a.createdAt - b.createdAt || (a._id < b._id ? -1 : 1));
        expect(pages.map((p) => p.length)).toEqual([2, 2]);
        expect(ids(pages.flat())).toEqual(ids(inPeriod));
        const first = pages[0][0];
        expect(first).toMatchObject({ _id: inPeriod[0]._id, orderId: inPeriod[0].orderId, amountFen: inPeriod[0].amountFen, items: inPeriod[0].items });
        expect(first).not.toHaveProperty('history');
        expect(first).not.toHaveProperty('evidence');
        const all: string[] = [];
        for await (const page of h.svc.cases.scanForStats(shopId, T0, T0 + 2 * H)) all.push(...ids(page as AfterSaleCase[]));
        expect(all).toEqual(ids(inPeriod));
      });

      it('shopCommittedFen sums approved amounts in [from, to), leaving out cancelled, closed and failed-for-good cases and the excluded one', async () => {
        const shopId = uniq('s');
        const approved = (over: Partial<AfterSaleCase>) =>
          makeCase({ shopId, orderId: uniq('o'), status: 'REFUNDED', approvedAt: T0, approvedFen: 1_000, ...over });
        const counted = [
          approved({ approvedFen: 1_000 }),
          approved({ status: 'REFUNDING', approvedFen: 2_000 }),
          approved({ status: 'AWAITING_RETURN', approvedFen: 4_000 }),
          approved({ status: 'REFUND_FAILED', approvedFen: 8_000, lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL', message: '', solution: '' } }),
        ];
        const excluded = approved({ approvedFen: 16_000 });
        await insertAll([
          ...counted,
          excluded,
          approved({ status: 'CANCELLED', approvedFen: 100_000 }),
          approved({ status: 'CLOSED', approvedFen: 100_000 }),
          approved({ status: 'REFUND_FAILED', approvedFen: 100_000, lastError: { code: 'AFTER_SALE_WINDOW_EXPIRED', message: '', solution: '' } }),
          approved({ approvedAt: T0 - 1, approvedFen: 100_000 }),
          approved({ approvedAt: T0 + 10 * H, approvedFen: 100_000 }),
          makeCase({ shopId, orderId: uniq('o'), status: 'PENDING', amountFen: 100_000 }),
          approved({ shopId: uniq('s'), approvedFen: 100_000 }),
        ]);
        expect(await h.svc.cases.shopCommittedFen(shopId, T0, T0 + 10 * H, excluded._id)).toBe(15_000);
        expect(await h.svc.cases.shopCommittedFen(shopId, T0, T0 + 10 * H)).toBe(31_000);
        expect(await h.svc.cases.shopCommittedFen(uniq('s'), T0, T0 + 10 * H)).toBe(0);
      });

      it('shopCommittedFen follows updates: a case that closes stops counting', async () => {
        const shopId = uniq('s');
        const c = makeCase({ shopId, status: 'AWAITING_RETURN', approvedAt: T0, approvedFen: 7_000 });
        await insertAll([c]);
        expect(await h.svc.cases.shopCommittedFen(shopId, T0, T0 + 1)).toBe(7_000);
        await h.svc.cases.update(nextVersion(c, { status: 'CLOSED' }), c.version, []);
        expect(await h.svc.cases.shopCommittedFen(shopId, T0, T0 + 1)).toBe(0);
      });
    });

    describe('OrderRepo', () => {
      it('gets an order as seeded, null when unknown', async () => {
        const o = makeOrder({ logistics: { company: '顺丰速运', trackingNo: 'SF1', events: [{ at: T0, text: '已签收' }] }, insured: true });
        await h.seed({ orders: [o] });
        expect(await h.svc.orders.get(o._id)).toEqual(o);
        expect(await h.svc.orders.get('order_none')).toBeNull();
      });

      it('lists the buyer’s orders newest paidAt first, by status, in exact pages', async () => {
        const b = uniq('b');
        const os = Array.from({ length: 7 }, (_, i) => makeOrder({ buyerOpenid: b, paidAt: T0 - Math.floor(i / 2) * H, status: i % 2 ? 'SHIPPED' : 'DELIVERED' }));
        await h.seed({ orders: [...os, makeOrder({ buyerOpenid: uniq('b') })] });
        const all = await drain((cursor) => h.svc.orders.listForBuyer(b, { cursor, limit: 3 }));
        expect(all).toHaveLength(7);
        expect(new Set(ids(all)).size).toBe(7);
        expect(all.map((o) => o.paidAt)).toEqual([...all.map((o) => o.paidAt)].sort((x, y) => y - x));
        const shipped = await drain((cursor) => h.svc.orders.listForBuyer(b, { status: 'SHIPPED', cursor, limit: 2 }));
        expect(ids(shipped).sort()).toEqual(ids(os.filter((o) => o.status === 'SHIPPED')).sort());
      });

      it('counts the shop’s orders delivered in [from, to)', async () => {
        const shopId = uniq('s');
        await h.seed({
          orders: [
            makeOrder({ shopId, deliveredAt: T0 - 1 }),
            makeOrder({ shopId, deliveredAt: T0 }),
            makeOrder({ shopId, deliveredAt: T0 + H }),
            makeOrder({ shopId, deliveredAt: T0 + 2 * H }),
            makeOrder({ shopId, status: 'SHIPPED', deliveredAt: undefined }),
            makeOrder({ shopId: uniq('s'), deliveredAt: T0 }),
          ],
        });
        expect(await h.svc.orders.countDelivered(shopId, T0, T0 + 2 * H)).toBe(2);
      });
    });

    describe('ShopRepo, MerchantRepo, RiskRepo', () => {
      it('saves and replaces a shop whole', async () => {
        const s = makeShop();
        await h.svc.shops.save(s);
        expect(await h.svc.shops.get(s._id)).toEqual(s);
        const changed = { ...s, verified: false, returnAddress: undefined, settings: { ...s.settings, hotline: '13900001111' } };
        await h.svc.shops.save(changed);
        expect(await h.svc.shops.get(s._id)).toEqual(changed);
        expect(await h.svc.shops.get('shop_none')).toBeNull();
      });

      it('gets a merchant by openid', async () => {
        const m = makeMerchant({ role: 'OWNER', name: '王芳' });
        await h.seed({ merchants: [m] });
        expect(await h.svc.merchants.get(m.openid)).toEqual(m);
        expect(await h.svc.merchants.get('oNobody')).toBeNull();
      });

      it('lists a shop\'s STAFF and OWNER merchants, not the platform\'s nor another shop\'s (SPEC §5 notices)', async () => {
        const owner = makeMerchant({ openid: 'oShopOwner', shopId: 'shop_list', role: 'OWNER' });
        const staff = makeMerchant({ openid: 'oShopStaff', shopId: 'shop_list', role: 'STAFF' });
        const reviewer = makeMerchant({ openid: 'oShopReviewer', shopId: 'shop_list', role: 'PLATFORM' });
        const other = makeMerchant({ openid: 'oOtherShop', shopId: 'shop_elsewhere', role: 'OWNER' });
        await h.seed({ merchants: [owner, staff, reviewer, other] });
        const listed = await h.svc.merchants.listForShop('shop_list');
        expect(listed.map((m) => m.openid).sort()).toEqual(['oShopOwner', 'oShopStaff']);
        expect(await h.svc.merchants.listForShop('shop_nobody')).toEqual([]);
      });

      it('remembers the latest risk lift per buyer', async () => {
        expect(await h.svc.risk.liftedAt('oRisky')).toBeUndefined();
        await h.svc.risk.lift('oRisky', T0, '已核实申诉材料', 'oPlatform');
        await h.svc.risk.lift('oRisky', T0 + H, '再次申诉通过', 'oPlatform');
        await h.svc.risk.lift('oOther', T0 + 5 * H, '核实', 'oPlatform');
        expect(await h.svc.risk.liftedAt('oRisky')).toBe(T0 + H);
      });
    });
  });
}
