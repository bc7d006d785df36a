import { createHash } from 'crypto';
import type { Page } from '../../../../types/api';
import type { AfterSaleCase, EpochMs, Fen, Notification, Ticket } from '../../../../types/domain';
import type { ApplyGuard, CapClaim, CaseListQuery, CaseRepo, CaseWrite, CaseWriteOutcome, DueKey, InsertResult, KnownTotals, PreparedWrite } from '../../ports';
import { capExceeded, capShares, sharesOfClaim, totalMoves, type TotalMove } from '../../caps';
import { committedOnOrderFen } from '../../../core/rules';
import { STATS_CASE_FIELDS, type StatsCase } from '../../../core/stats';
import { shanghaiYearStart } from '../../../core/time';
import { caseDocument, caseFromDocument, caseReplacement, keysetPage, MAX_BATCH, scanAll, scanPages, type KeysetSpec } from './docs';
import { ordersYearFen, type YearTotalDoc } from './yearTotals';
import { COLLECTIONS, type WxCollection, type WxCommand, type WxDatabase, type WxFilter, type WxStartedTransaction, type WxTransaction } from './sdk';

/** The stats scan reads only the fields the statistics need (a projection: less to send and to hold). */
const STATS_PROJECTION: Record<string, boolean> = Object.fromEntries(STATS_CASE_FIELDS.map((f) => [f, true]));

/** Counter documents in `as_counters`: one per order and per buyer, bumped by every insert (the apply guard). */
const orderCounterId = (orderId: string) => `order:${orderId}`;
const buyerCounterId = (openid: string) => `buyer:${openid}`;

/**
 * R3's running totals in `as_counters` (docs/DESIGN.md "Cap guard"): what the cases of one order, and
 * of one shop in one Shanghai calendar year, hold against their caps. Moved only inside the
 * transaction that writes the case, so racing approvals write the same document and one of them loses.
 */
export function totalId(move: Pick<TotalMove, 'kind' | 'key' | 'year'>): string {
  return move.kind === 'ORDER' ? `total:order:${move.key}` : `total:year:${move.key}:${move.year}`;
}

/** A running total as a write leaves it (`ordersFen`: a shop year's cancelled orders, carried over unchanged). */
interface MovedTotal {
  move: PlannedMove;
  fen: number;
  ordersFen?: number;
}

/** The stored form of a running total. */
function totalData(move: TotalMove, fen: number, ordersFen?: number): Record<string, unknown> {
  const data: Record<string, unknown> = { kind: move.kind, key: move.key, fen };
  if (move.year !== undefined) data.year = move.year;
  if (ordersFen !== undefined) data.ordersFen = ordersFen;
  return data;
}

/** A planned move of a running total, with the value to start from when its document does not exist yet. */
interface PlannedMove extends TotalMove {
  id: string;
  capFen: number;
  base: number;
  /** What this case holds in the total once written (the rest is the other cases'). */
  share: number;
  /** YEAR: what the shop's cancelled orders hold, when the document does not say (missing, or written before it did). */
  ordersBase?: number;
  /** `base` is the caller's own reading of the sum (CapClaim.known), not to be read again. */
  known?: boolean;
}

/**
 * The idempotency record of (buyer, key): its `_id` is derived from both, so a second insert of the
 * same pair collides on the primary key even when two applies race. Hashed to keep any key a valid,
 * bounded `_id`.
 */
export function idempotencyId(buyerOpenid: string, key: string): string {
  return `idem:${createHash('sha256').update(`${buyerOpenid}\n${key}`).digest('hex')}`;
}

/** What one write of a batch moves; its totals are read inside the transaction. */
interface WritePlan {
  moves: PlannedMove[];
}

/**
 * The cloud's prepared write: `database.startTransaction` sent at once, so the transaction is open by
 * the time the caller has its facts and its decision. Its snapshot is no older than those facts; the
 * compare inside it and first-writer-wins still catch any write after it. Not used: rolled back.
 */
class WxPreparedWrite implements PreparedWrite {
  private begun: Promise<WxStartedTransaction> | null;

  constructor(db: WxDatabase) {
    this.begun = db.startTransaction();
    this.begun.catch(() => undefined);
  }

  /** The started transaction, once (a rerun starts its own). */
  take(): Promise<WxStartedTransaction> | undefined {
    const b = this.begun ?? undefined;
    this.begun = null;
    return b;
  }

  release(): void {
    const b = this.take();
    if (b) b.then((tx) => tx.rollback()).catch(() => undefined);
  }
}

/** `runTransaction` on a transaction already started: commit what the callback wrote, roll back when it throws. */
async function runBegun<T>(begun: Promise<WxStartedTransaction>, fn: (tx: WxTransaction) => Promise<T>): Promise<T> {
  const tx = await begun;
  let out: T;
  try {
    out = await fn(tx);
  } catch (e) {
    tx.rollback().catch(() => undefined);
    throw e;
  }
  await tx.commit();
  return out;
}

/** Runs of a transaction that keeps failing (mostly: losing write conflicts) before the caller hears of it. */
const TRANSACTION_ATTEMPTS = 10;

/**
 * The pause before rerun `attempt` (1-based): exponential with full jitter, capped. Every approval of
 * a shop writes the shop's yearly total (the cap guard), so a batch approve is many transactions on
 * one document: the jitter spreads the reruns so that each round lets one more of them through.
 */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(250, 8 * 2 ** attempt);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type InsertOutcome =
  | { kind: 'INSERTED' }
  | { kind: 'DUPLICATE'; caseId: string }
  | { kind: 'CONFLICT' }
  | { kind: 'CAP'; move: PlannedMove; heldFen: number };

/** R3 refused inside the transaction: nothing was written. */
interface CapRefusal {
  kind: 'CAP';
  move: PlannedMove;
  heldFen: number;
}

/**
 * The database aborted the transaction because another one wrote the same document first. The SDK
 * retries conflicts found at commit itself; one found at a write inside the callback reaches us
 * wrapped by wx-server-sdk (errCode -501001) with the service's message.
 */
export function isTransactionConflict(e: unknown): boolean {
  const err = e as { code?: unknown; errMsg?: unknown; message?: unknown } | null;
  if (!err) return false;
  if (err.code === 'DATABASE_TRANSACTION_CONFLICT') return true;
  return /TransactionConflict|TRANSACTION_CONFLICT|WriteConflict/.test(`${String(err.errMsg ?? '')} ${String(err.message ?? '')}`);
}

/** The caller's reading of a total's base (CapClaim.known) when it is of this very total, else undefined. */
function knownBase(move: TotalMove, known: KnownTotals | undefined): Fen | undefined {
  if (move.kind === 'ORDER') return known?.order && known.order.orderId === move.key ? known.order.fen : undefined;
  return known?.year && known.year.shopId === move.key && known.year.year === move.year ? known.year.fen : undefined;
}

/** `read`, memoised by the move's id; a rejection is kept for whoever awaits it, never reported as unhandled. */
function onceById(read: (m: PlannedMove) => Promise<number>): (m: PlannedMove) => Promise<number> {
  const cache = new Map<string, Promise<number>>();
  return (m) => {
    let b = cache.get(m.id);
    if (!b) {
      b = read(m);
      b.catch(() => undefined);
      cache.set(m.id, b);
    }
    return b;
  };
}

/** What the facts read of the shop's cancelled orders in the move's year (a YEAR move), if they did. */
function knownOrdersBase(move: TotalMove, known: KnownTotals | undefined): Fen | undefined {
  return known?.year && known.year.shopId === move.key && known.year.year === move.year ? known.year.ordersFen : undefined;
}

function seqOf(doc: unknown): number {
  return doc ? ((doc as { seq?: number }).seq ?? 0) : 0;
}

/**
 * Cases in `as_cases` on the cloud database. A transition is a compare-and-set on `version`:
 * `where({_id, version}).update()` when the case alone changes; a transaction (read the version,
 * replace the document, add the outbox rows and tickets) when rows must commit with it.
 */
export class WxCaseRepo implements CaseRepo {
  /** A cloud database transaction is kept small (time and document limits): 100 cases a batch. */
  readonly sweepBatchSize = 100;
  private readonly _: WxCommand;
  /**
   * Cases as last read, by id: a case at a given version never changes (every write bumps it), so
   * `update` finds the stored case it compares against here instead of reading it again. Bounded.
   */
  private readonly seen = new Map<string, AfterSaleCase>();

  constructor(private readonly db: WxDatabase) {
    this._ = db.command;
  }

  private get cases(): WxCollection {
    return this.db.collection(COLLECTIONS.cases);
  }

  private remember(c: AfterSaleCase): AfterSaleCase {
    this.seen.delete(c._id);
    if (this.seen.size >= 1_000) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(c._id, c);
    return c;
  }

  /** The stored case at `version`: from what this container last read, else from the database. */
  private async storedAt(caseId: string, version: number): Promise<AfterSaleCase | null> {
    const known = this.seen.get(caseId);
    if (known && known.version === version) return known;
    return this.get(caseId);
  }

  async get(caseId: string): Promise<AfterSaleCase | null> {
    const { data } = await this.cases.doc(caseId).get();
    return data ? this.remember(caseFromDocument(data)) : null;
  }

  async findByIdempotencyKey(buyerOpenid: string, key: string): Promise<AfterSaleCase | null> {
    const { data } = await this.db.collection(COLLECTIONS.counters).doc(idempotencyId(buyerOpenid, key)).get();
    return data ? this.get((data as { caseId: string }).caseId) : null;
  }

  async findByOutRefundNo(outRefundNo: string): Promise<AfterSaleCase | null> {
    const { data } = await this.cases.where({ 'refunds.outRefundNo': outRefundNo }).limit(1).get();
    return data.length > 0 ? caseFromDocument(data[0]) : null;
  }

  async listByOrder(orderId: string): Promise<AfterSaleCase[]> {
    return (await scanAll(this._, this.cases, { orderId }, 'createdAt')).map(caseFromDocument);
  }

  async buyerCaseTimes(buyerOpenid: string, since: EpochMs): Promise<EpochMs[]> {
    const rows = await scanAll(this._, this.cases, { buyerOpenid, createdAt: this._.gte(since) }, 'createdAt', { createdAt: true });
    return rows.map((r) => r.createdAt as EpochMs);
  }

  async shopCommittedFen(shopId: string, from: EpochMs, to: EpochMs, excludeCaseId?: string): Promise<Fen> {
    const match: WxFilter = { shopId, approvedAt: this._.gte(from).and(this._.lt(to)) };
    if (excludeCaseId !== undefined) match._id = this._.neq(excludeCaseId);
    const { list } = await this.cases
      .aggregate()
      .match(match)
      .group({ _id: null, fen: this._.aggregate.sum('$_committedFen') })
      .end();
    return list.length > 0 ? ((list[0] as { fen: number }).fen ?? 0) : 0;
  }

  async listForBuyer(buyerOpenid: string, q: CaseListQuery): Promise<Page<AfterSaleCase>> {
    const filter: WxFilter = { buyerOpenid };
    if (q.status !== undefined) filter.status = q.status;
    return this.page({ filter, sortField: 'createdAt', direction: 'desc', tag: q.status ? `b:${q.status}` : 'b', cursor: q.cursor, limit: q.limit });
  }

  async listForShop(shopId: string, q: CaseListQuery): Promise<Page<AfterSaleCase>> {
    if (q.status === 'PENDING') {
      return this.page({
        filter: { shopId, status: 'PENDING' },
        sortField: '_deadlineKey',
        direction: 'asc',
        tag: 's:PENDING',
        cursor: q.cursor,
        limit: q.limit,
      });
    }
    const filter: WxFilter = { shopId };
    if (q.status !== undefined) filter.status = q.status;
    return this.page({ filter, sortField: 'createdAt', direction: 'desc', tag: q.status ? `s:${q.status}` : 's', cursor: q.cursor, limit: q.limit });
  }

  async listEscalated(q: Omit<CaseListQuery, 'status'>): Promise<Page<AfterSaleCase>> {
    return this.page({ filter: { status: 'ESCALATED' }, sortField: '_deadlineKey', direction: 'asc', tag: 'e', cursor: q.cursor, limit: q.limit });
  }

  async due(now: EpochMs, limit: number, after?: DueKey): Promise<AfterSaleCase[]> {
    const n = Math.min(Math.max(0, Math.floor(limit)), 1000);
    if (n === 0) return [];
    if (!after) {
      const { data } = await this.cases.where({ timerAt: this._.lte(now) }).orderBy('timerAt', 'asc').orderBy('_id', 'asc').limit(n).get();
      return data.map((d) => this.remember(caseFromDocument(d)));
    }
    // The keyset (timerAt, _id) > after as two ranges on the timer index: the rest of the tie on
    // after.timerAt, then strictly later timers.
    const tie = await this.cases.where({ timerAt: after.timerAt, _id: this._.gt(after.id) }).orderBy('_id', 'asc').limit(n).get();
    const out = tie.data.map((d) => this.remember(caseFromDocument(d)));
    if (out.length < n && after.timerAt < now) {
      const rest = await this.cases
        .where({ timerAt: this._.gt(after.timerAt).and(this._.lte(now)) })
        .orderBy('timerAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(n - out.length)
        .get();
      out.push(...rest.data.map((d) => this.remember(caseFromDocument(d))));
    }
    return out;
  }

  async *scanForStats(shopId: string, from: EpochMs, to: EpochMs, pageSize = MAX_BATCH): AsyncGenerator<StatsCase[]> {
    const filter = { shopId, createdAt: this._.gte(from).and(this._.lt(to)) };
    for await (const rows of scanPages(this._, this.cases, filter, 'createdAt', STATS_PROJECTION, pageSize)) {
      yield rows as unknown as StatsCase[];
    }
  }

  async readGuard(orderId: string, buyerOpenid: string): Promise<ApplyGuard> {
    const counters = this.db.collection(COLLECTIONS.counters);
    const [order, buyer] = await Promise.all([
      counters.doc(orderCounterId(orderId)).get(),
      counters.doc(buyerCounterId(buyerOpenid)).get(),
    ]);
    return { orderSeq: seqOf(order.data), buyerSeq: seqOf(buyer.data) };
  }

  /**
   * One transaction: the idempotency record, both counters (still at the guard's values), then the
   * case, the bumped counters and the outbox rows. Two racing applies on one order or by one buyer
   * write the same counter document, so the database lets only one of them commit.
   */
  async insert(c: AfterSaleCase, guard: ApplyGuard, notifications: Notification[], claim?: CapClaim): Promise<InsertResult> {
    const idemId = idempotencyId(c.buyerOpenid, c.idempotencyKey);
    // The plan's reads run while the transaction starts (one round trip for both); inside it, every
    // read goes out at once, then every write: start, reads, writes, commit.
    const planned = claim ? this.planTotals(null, claim) : Promise.resolve([]);
    planned.catch(() => undefined);
    let outcome: InsertOutcome;
    try {
      outcome = await this.transaction(async (tx): Promise<InsertOutcome> => {
        const plan = await planned;
        const counters = tx.collection(COLLECTIONS.counters);
        const [idem, order, buyer, totals] = await Promise.all([
          counters.doc(idemId).get(),
          counters.doc(orderCounterId(c.orderId)).get(),
          counters.doc(buyerCounterId(c.buyerOpenid)).get(),
          this.readTotals(tx, plan),
        ]);
        if (idem.data) {
          const caseId = (idem.data as { caseId: string }).caseId;
          // Our own case: an earlier run of this transaction committed and only its answer was lost.
          return caseId === c._id ? { kind: 'INSERTED' } : { kind: 'DUPLICATE', caseId };
        }
        if (seqOf(order.data) !== guard.orderSeq || seqOf(buyer.data) !== guard.buyerSeq) return { kind: 'CONFLICT' };
        if (!Array.isArray(totals)) return totals;
        const outbox = tx.collection(COLLECTIONS.outbox);
        await Promise.all([
          this.writeTotals(tx, totals),
          counters.doc(orderCounterId(c.orderId)).set({ data: { seq: guard.orderSeq + 1 } }),
          counters.doc(buyerCounterId(c.buyerOpenid)).set({ data: { seq: guard.buyerSeq + 1 } }),
          counters.add({ data: { _id: idemId, caseId: c._id, buyerOpenid: c.buyerOpenid, at: c.createdAt } }),
          tx.collection(COLLECTIONS.cases).add({ data: caseDocument(c, true) }),
          ...notifications.map((n) => outbox.add({ data: { ...n } })),
        ]);
        return { kind: 'INSERTED' };
      });
    } catch (e) {
      // The transaction failed: decide from what is stored now. Our own case found means the commit went
      // through and only its answer was lost; a racer's case, or a conflict, means re-check.
      const existing = await this.findByIdempotencyKey(c.buyerOpenid, c.idempotencyKey);
      if (existing) return existing._id === c._id ? { inserted: true } : { inserted: false, reason: 'DUPLICATE', existing };
      const now = await this.readGuard(c.orderId, c.buyerOpenid);
      if (isTransactionConflict(e) || now.orderSeq !== guard.orderSeq || now.buyerSeq !== guard.buyerSeq) {
        return { inserted: false, reason: 'CONFLICT' };
      }
      throw e;
    }
    if (outcome.kind === 'INSERTED') {
      this.remember(c);
      return { inserted: true };
    }
    if (outcome.kind === 'CONFLICT') return { inserted: false, reason: 'CONFLICT' };
    if (outcome.kind === 'CAP') throw capExceeded(outcome.move.kind, outcome.move.capFen, outcome.heldFen);
    const existing = await this.get(outcome.caseId);
    if (!existing) throw new Error(`idempotency record ${idemId} names a missing case ${outcome.caseId}`);
    return { inserted: false, reason: 'DUPLICATE', existing };
  }

  prepare(): PreparedWrite {
    return new WxPreparedWrite(this.db);
  }

  async update(
    c: AfterSaleCase,
    expectedVersion: number,
    notifications: Notification[],
    tickets: Ticket[] = [],
    claim?: CapClaim,
    prepared?: PreparedWrite,
  ): Promise<boolean> {
    if (c.version !== expectedVersion + 1) {
      throw new Error(`case ${c._id}: version must be expectedVersion + 1 (got ${c.version}, expected ${expectedVersion + 1})`);
    }
    const write: CaseWrite = { case: c, expectedVersion, notifications, tickets, claim };
    const [plan] = await this.planWrites([write]);
    if (plan === 'STALE') return false;
    if (plan.moves.length === 0 && notifications.length === 0 && tickets.length === 0) {
      // Nothing else commits with the case: one conditional update, no transaction.
      const res = await this.cases.where({ _id: c._id, version: expectedVersion }).update({ data: caseReplacement(this._, c), multi: false });
      if (res.stats.updated === 1) this.remember(c);
      return res.stats.updated === 1;
    }
    let outcome: CaseWriteOutcome;
    try {
      [outcome] = await this.commitPlanned([write], [plan], prepared);
    } catch (e) {
      // A write conflict is a lost race. Otherwise the stored version decides: moved on means someone
      // else won (or, rarely, this very commit went through unanswered — reported as lost, which is
      // safe: the sweep re-sends any refund it asked for, and the outbox keeps its rows).
      if (isTransactionConflict(e)) return false;
      const now = await this.get(c._id);
      if (!now || now.version !== expectedVersion) return false;
      throw e;
    }
    if (outcome.kind === 'CAP') throw outcome.error;
    return outcome.kind === 'UPDATED';
  }

  async updateMany(writes: readonly CaseWrite[]): Promise<CaseWriteOutcome[]> {
    for (const w of writes) {
      if (w.case.version !== w.expectedVersion + 1) throw new Error(`case ${w.case._id}: version must be expectedVersion + 1`);
    }
    if (writes.length === 0) return [];
    const plans = await this.planWrites(writes);
    try {
      return await this.commitPlanned(writes, plans);
    } catch (e) {
      // Lost to another writer on every rerun: none of the batch is written; its cases stay due.
      if (isTransactionConflict(e)) return writes.map(() => ({ kind: 'STALE' }));
      throw e;
    }
  }

  /**
   * What each write moves (from the stored case at its expected version: as this container last read
   * it, or read now), or STALE when the stored case has moved on already. The totals themselves are
   * read inside the transaction.
   */
  private async planWrites(writes: readonly CaseWrite[]): Promise<(WritePlan | 'STALE')[]> {
    return Promise.all(
      writes.map(async (w): Promise<WritePlan | 'STALE'> => {
        if (!w.claim) return { moves: [] };
        const stored = await this.storedAt(w.case._id, w.expectedVersion);
        if (!stored || stored.version !== w.expectedVersion) return 'STALE';
        return { moves: this.movesOf(stored, w.claim) };
      }),
    );
  }

  private movesOf(stored: AfterSaleCase, claim: CapClaim): PlannedMove[] {
    return totalMoves(capShares(stored), sharesOfClaim(claim), claim.order.orderId, claim.year.shopId).map((move) => {
      const planned: PlannedMove = {
        ...move,
        id: totalId(move),
        capFen: move.kind === 'ORDER' ? claim.order.capFen : claim.year.capFen,
        base: 0,
        share: move.kind === 'ORDER' ? claim.order.fen : claim.year.year === move.year ? claim.year.fen : 0,
      };
      const known = knownBase(move, claim.known);
      const ordersKnown = move.kind === 'YEAR' ? knownOrdersBase(move, claim.known) : undefined;
      const withOrders = ordersKnown === undefined ? planned : { ...planned, ordersBase: ordersKnown };
      return known === undefined ? withOrders : { ...withOrders, base: known, known: true };
    });
  }

  /** What a running total starts from when its document does not exist yet: the sum over the stored cases. */
  private baseOf(move: PlannedMove): Promise<number> {
    if (move.known) return Promise.resolve(move.base);
    return move.kind === 'ORDER'
      ? this.listByOrder(move.key).then(committedOnOrderFen)
      : this.shopCommittedFen(move.key, shanghaiYearStart(move.year as number), shanghaiYearStart((move.year as number) + 1));
  }

  /**
   * One transaction over a batch of compare-and-sets (start — on a prepared write already under way —,
   * every read at once, every write at once, commit). Each write's totals move from where the writes
   * before it left them; one that would pass a cap, or whose case moved on, is left out. A total whose
   * document is missing starts from the stored cases' sum, queried outside the transaction (a query
   * cannot run inside one): an order's, often missing, is asked for while the transaction starts; a
   * document another writer creates meanwhile makes this transaction lose at its write (first writer wins).
   */
  private async commitPlanned(
    writes: readonly CaseWrite[],
    plans: readonly (WritePlan | 'STALE')[],
    prepared?: PreparedWrite,
  ): Promise<CaseWriteOutcome[]> {
    const moveById = new Map<string, PlannedMove>();
    for (const p of plans) if (p !== 'STALE') for (const m of p.moves) if (!moveById.has(m.id)) moveById.set(m.id, m);
    // Each start of a total is read at most once per commit, whoever asks first (started early or inside).
    const baseFor = onceById((m: PlannedMove) => this.baseOf(m));
    // The caller's facts read the cancellations' sum already (CapClaim.known): then no query of its own.
    const ordersBaseFor = onceById((m: PlannedMove) =>
      m.ordersBase !== undefined ? Promise.resolve(m.ordersBase) : ordersYearFen(this.db, m.key, m.year as number),
    );
    for (const m of moveById.values()) if (m.kind === 'ORDER' && !m.known) baseFor(m);
    const ids = [...moveById.keys()];
    const outcomes = await this.transaction(async (tx): Promise<CaseWriteOutcome[]> => {
      const caseColl = tx.collection(COLLECTIONS.cases);
      const counters = tx.collection(COLLECTIONS.counters);
      const [reads, totalDocs] = await Promise.all([
        Promise.all(writes.map((w, i) => (plans[i] === 'STALE' ? null : caseColl.doc(w.case._id).get()))),
        Promise.all(ids.map((id) => counters.doc(id).get())),
      ]);
      const totals = new Map<string, number>();
      // A shop year's cancelled orders (docs/DESIGN.md "Cap guard: order cancellations"): counted, carried over.
      const ordersTotals = new Map<string, number>();
      await Promise.all(
        ids.map(async (id, i) => {
          const doc = totalDocs[i].data as YearTotalDoc | null;
          const move = moveById.get(id) as PlannedMove;
          totals.set(id, doc ? (doc.fen ?? 0) : await baseFor(move));
          if (move.kind === 'YEAR') ordersTotals.set(id, doc?.ordersFen ?? (await ordersBaseFor(move)));
        }),
      );
      const moved = new Set<string>();
      const out: CaseWriteOutcome[] = writes.map((w, i): CaseWriteOutcome => {
        const plan = plans[i];
        const stored = reads[i]?.data as AfterSaleCase | null | undefined;
        if (plan === 'STALE' || !stored || stored.version !== w.expectedVersion) return { kind: 'STALE' };
        const next = new Map<string, number>();
        for (const move of plan.moves) {
          const fen = (totals.get(move.id) ?? 0) + move.delta;
          const others = ordersTotals.get(move.id) ?? 0;
          if (move.delta > 0 && fen + others > move.capFen) return { kind: 'CAP', error: capExceeded(move.kind, move.capFen, fen + others - move.share) };
          next.set(move.id, fen);
        }
        for (const [id, fen] of next) {
          totals.set(id, fen);
          moved.add(id);
        }
        return { kind: 'UPDATED' };
      });
      const outbox = tx.collection(COLLECTIONS.outbox);
      const ticketColl = tx.collection(COLLECTIONS.tickets);
      await Promise.all([
        ...[...moved].map((id) => {
          const move = moveById.get(id) as PlannedMove;
          return counters.doc(id).set({ data: totalData(move, totals.get(id) as number, ordersTotals.get(id)) });
        }),
        ...writes.flatMap((w, i) =>
          out[i].kind !== 'UPDATED'
            ? []
            : [
                caseColl.doc(w.case._id).set({ data: caseDocument(w.case, false) }),
                ...w.notifications.map((n) => outbox.add({ data: { ...n } })),
                ...(w.tickets ?? []).map((t) => ticketColl.add({ data: { ...t } })),
              ],
        ),
      ]);
      return out;
    }, prepared);
    outcomes.forEach((o, i) => {
      if (o.kind === 'UPDATED') this.remember(writes[i].case);
    });
    return outcomes;
  }

  async updateGuarded(
    c: AfterSaleCase,
    expectedVersion: number,
    guard: ApplyGuard,
    notifications: Notification[],
    claim?: CapClaim,
  ): Promise<'UPDATED' | 'STALE' | 'CONFLICT'> {
    if (c.version !== expectedVersion + 1) {
      throw new Error(`case ${c._id}: version must be expectedVersion + 1 (got ${c.version}, expected ${expectedVersion + 1})`);
    }
    const first = await this.get(c._id);
    if (!first || first.version !== expectedVersion) return 'STALE';
    const plan = claim ? await this.planTotals(first, claim) : [];
    let outcome: 'UPDATED' | 'STALE' | 'CONFLICT' | CapRefusal;
    try {
      // One transaction: the case at its version, both apply counters at the guard's values, then the
      // case, the bumped order counter (a racing apply on the order writes the same document) and the outbox.
      outcome = await this.transaction(async (tx): Promise<'UPDATED' | 'STALE' | 'CONFLICT' | CapRefusal> => {
        const doc = tx.collection(COLLECTIONS.cases).doc(c._id);
        const stored = (await doc.get()).data as AfterSaleCase | null;
        if (!stored || stored.version !== expectedVersion) return 'STALE';
        const counters = tx.collection(COLLECTIONS.counters);
        const order = await counters.doc(orderCounterId(c.orderId)).get();
        const buyer = await counters.doc(buyerCounterId(c.buyerOpenid)).get();
        if (seqOf(order.data) !== guard.orderSeq || seqOf(buyer.data) !== guard.buyerSeq) return 'CONFLICT';
        const totals = await this.readTotals(tx, plan);
        if (!Array.isArray(totals)) return totals;
        await this.writeTotals(tx, totals);
        await counters.doc(orderCounterId(c.orderId)).set({ data: { seq: guard.orderSeq + 1 } });
        await doc.set({ data: caseDocument(c, false) });
        const outbox = tx.collection(COLLECTIONS.outbox);
        for (const n of notifications) await outbox.add({ data: { ...n } });
        return 'UPDATED';
      });
    } catch (e) {
      // A write conflict is a lost race on the counters or the case: re-check, or find the case moved on.
      const now = await this.get(c._id);
      if (!now || now.version !== expectedVersion) return 'STALE';
      if (isTransactionConflict(e)) return 'CONFLICT';
      const g = await this.readGuard(c.orderId, c.buyerOpenid);
      if (g.orderSeq !== guard.orderSeq || g.buyerSeq !== guard.buyerSeq) return 'CONFLICT';
      throw e;
    }
    if (typeof outcome === 'string') return outcome;
    throw capExceeded(outcome.move.kind, outcome.move.capFen, outcome.heldFen);
  }

  /**
   * The running totals writing a case with `claim` over `stored` (null: a new case) moves, each with the
   * value its document starts from if it does not exist yet: the sum over the stored cases, read before
   * the transaction (a query cannot run inside one). A document created meanwhile by another writer
   * wins: the transaction reads it, and the base is not used.
   */
  private async planTotals(stored: AfterSaleCase | null, claim: CapClaim): Promise<PlannedMove[]> {
    const moves = totalMoves(stored && capShares(stored), sharesOfClaim(claim), claim.order.orderId, claim.year.shopId);
    const counters = this.db.collection(COLLECTIONS.counters);
    return Promise.all(
      moves.map(async (move): Promise<PlannedMove> => {
        const id = totalId(move);
        const capFen = move.kind === 'ORDER' ? claim.order.capFen : claim.year.capFen;
        const share = move.kind === 'ORDER' ? claim.order.fen : claim.year.year === move.year ? claim.year.fen : 0;
        // An order's total is often new (its first case): its base, one small query, is read together
        // with the document instead of after it. A shop's year total exists after its first approval.
        const orderBase = move.kind === 'ORDER' ? this.listByOrder(move.key).then(committedOnOrderFen) : undefined;
        orderBase?.catch(() => undefined);
        const existing = (await counters.doc(id).get()).data as YearTotalDoc | null;
        const ordersBase = move.kind === 'YEAR' && existing?.ordersFen === undefined ? await ordersYearFen(this.db, move.key, move.year as number) : undefined;
        if (existing) return { ...move, id, capFen, base: 0, share, ordersBase };
        const base =
          orderBase !== undefined
            ? await orderBase
            : await this.shopCommittedFen(move.key, shanghaiYearStart(move.year as number), shanghaiYearStart((move.year as number) + 1));
        return { ...move, id, capFen, base, share, ordersBase };
      }),
    );
  }

  /** Inside the transaction: each total as it now stands, moved; or the first cap a growing total would pass. */
  private async readTotals(tx: WxTransaction, plan: readonly PlannedMove[]): Promise<MovedTotal[] | CapRefusal> {
    const out: MovedTotal[] = [];
    const docs = await Promise.all(plan.map((move) => tx.collection(COLLECTIONS.counters).doc(move.id).get()));
    for (const [i, move] of plan.entries()) {
      const doc = docs[i].data as YearTotalDoc | null;
      const current = doc ? (doc.fen ?? 0) : move.base;
      // A shop's year counts its cancelled orders' refunds too (docs/DESIGN.md "Cap guard: order cancellations").
      const ordersFen = move.kind === 'YEAR' ? (doc?.ordersFen ?? move.ordersBase ?? 0) : undefined;
      const fen = current + move.delta;
      if (move.delta > 0 && fen + (ordersFen ?? 0) > move.capFen) {
        return { kind: 'CAP', move, heldFen: fen + (ordersFen ?? 0) - move.share };
      }
      out.push({ move, fen, ordersFen });
    }
    return out;
  }

  private async writeTotals(tx: WxTransaction, totals: readonly MovedTotal[]): Promise<void> {
    await Promise.all(
      totals.map(({ move, fen, ordersFen }) => tx.collection(COLLECTIONS.counters).doc(move.id).set({ data: totalData(move, fen, ordersFen) })),
    );
  }

  /**
   * A transaction that runs again, after a short randomised pause, when it fails. The usual cause is a
   * write conflict with another transaction still in flight: by the rerun that one has committed (this
   * one then sees its writes — the replayed key, the moved counter, the new version) or given up (this
   * one may go through). Rerunning is safe for any failure, because the callback re-reads everything it
   * decides on, and it does not depend on the words the service uses for a conflict.
   */
  private async transaction<T>(fn: (tx: WxTransaction) => Promise<T>, prepared?: PreparedWrite): Promise<T> {
    const begun = prepared instanceof WxPreparedWrite ? prepared.take() : undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await (attempt === 1 && begun ? runBegun(begun, fn) : this.db.runTransaction(fn));
      } catch (e) {
        if (attempt >= TRANSACTION_ATTEMPTS) throw e;
        await sleep(backoffMs(attempt));
      }
    }
  }

  private async page(spec: KeysetSpec): Promise<Page<AfterSaleCase>> {
    const p = await keysetPage(this._, this.cases, spec);
    return { items: p.items.map(caseFromDocument), nextCursor: p.nextCursor };
  }
}
