import type { Page } from '../../../../types/api';
import type { AfterSaleCase, EpochMs, Fen, Notification, Ticket } from '../../../../types/domain';
import type { ApplyGuard, CapClaim, CaseListQuery, CaseRepo, CaseWrite, CaseWriteOutcome, DueKey, InsertResult } from '../../ports';
import { capExceeded, capShares, sharesOfClaim, totalMoves } from '../../caps';
import { DomainError } from '../../../core/errors';
import { committedOnOrderFen, committedToYearFen } from '../../../core/rules';
import { statsCaseOf, type StatsCase } from '../../../core/stats';
import { shanghaiYear, shanghaiYearStart } from '../../../core/time';
import type { Db } from './open';
import { keysetPage, ownedBy, Statements } from './statements';

/** Stands in for "no deadline" in the deadline ordering: after every real one. */
const NO_DEADLINE = Number.MAX_SAFE_INTEGER;

/** Cases per page of the stats scan: one page's documents parsed at a time. */
const STATS_PAGE = 500;

function parse(row: { doc: string } | undefined): AfterSaleCase | null {
  return row ? (JSON.parse(row.doc) as AfterSaleCase) : null;
}

/** Mutable columns, in the order both INSERT and UPDATE bind them. */
function mutableColumns(c: AfterSaleCase): unknown[] {
  return [
    c.status,
    c.timerAt ?? null,
    c.deadlineAt ?? null,
    c.deadlineAt ?? NO_DEADLINE,
    c.updatedAt,
    c.approvedAt ?? null,
    committedToYearFen(c),
    c.version,
    JSON.stringify(c),
  ];
}

export class SqliteCaseRepo implements CaseRepo {
  /**
   * Each commit of a batch rewrites the same table and index pages (the due, status and deadline
   * indexes the sweep's writes move) into the WAL again, so fewer, larger commits write fewer frames:
   * per case, 100 a batch wrote 9.9× the frames of one raw UPDATE of every row, 500 5.9×, 2,000 3.9×
   * (bench/profile-sweep.ts). One process owns this file and a batch holds the write lock for well
   * under a second, so a batch of 1,000 costs nothing in waiting.
   */
  readonly sweepBatchSize = 1_000;
  private readonly st: Statements;

  constructor(private readonly db: Db) {
    this.st = new Statements(db);
  }

  async get(caseId: string): Promise<AfterSaleCase | null> {
    return parse(this.st.get('SELECT doc FROM cases WHERE id = ?').get(caseId) as { doc: string } | undefined);
  }

  async findByIdempotencyKey(buyerOpenid: string, key: string): Promise<AfterSaleCase | null> {
    return this.byIdempotencyKey(buyerOpenid, key);
  }

  async findByOutRefundNo(outRefundNo: string): Promise<AfterSaleCase | null> {
    const row = this.st
      .get('SELECT c.doc FROM case_refunds r JOIN cases c ON c.id = r.case_id WHERE r.out_refund_no = ?')
      .get(outRefundNo) as { doc: string } | undefined;
    return parse(row);
  }

  async listByOrder(orderId: string): Promise<AfterSaleCase[]> {
    const rows = this.st.get('SELECT doc FROM cases WHERE order_id = ? ORDER BY created_at, id').all(orderId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as AfterSaleCase);
  }

  async listByOrders(orderIds: readonly string[]): Promise<Map<string, AfterSaleCase[]>> {
    const out = new Map<string, AfterSaleCase[]>(orderIds.map((id) => [id, []]));
    const rows = this.st
      .get('SELECT doc FROM cases WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, created_at, id')
      .all(JSON.stringify([...new Set(orderIds)])) as { doc: string }[];
    for (const r of rows) {
      const c = JSON.parse(r.doc) as AfterSaleCase;
      out.get(c.orderId)?.push(c);
    }
    return out;
  }

  async buyerCaseTimesMany(buyerOpenids: readonly string[], since: EpochMs): Promise<Map<string, EpochMs[]>> {
    const out = new Map<string, EpochMs[]>(buyerOpenids.map((id) => [id, []]));
    const rows = this.st
      .get(
        `SELECT buyer_openid AS buyer, created_at AS at FROM cases
         WHERE buyer_openid IN (SELECT value FROM json_each(?)) AND created_at >= ? ORDER BY buyer_openid, created_at`,
      )
      .all(JSON.stringify([...new Set(buyerOpenids)]), since) as { buyer: string; at: number }[];
    for (const r of rows) out.get(r.buyer)?.push(r.at);
    return out;
  }

  async buyerCaseTimes(buyerOpenid: string, since: EpochMs): Promise<EpochMs[]> {
    const rows = this.st
      .get('SELECT created_at AS at FROM cases WHERE buyer_openid = ? AND created_at >= ? ORDER BY created_at')
      .all(buyerOpenid, since) as { at: number }[];
    return rows.map((r) => r.at);
  }

  async shopCommittedFen(shopId: string, from: EpochMs, to: EpochMs, excludeCaseId?: string): Promise<Fen> {
    const year = shanghaiYear(from);
    if (from === shanghaiYearStart(year) && to === shanghaiYearStart(year + 1)) {
      // R3 asks for a whole calendar year: the running total (migration 3), less the excluded case's share.
      const total = this.st.get('SELECT fen FROM shop_year_committed WHERE shop_id = ? AND year = ?').get(shopId, year) as
        | { fen: number }
        | undefined;
      const excluded =
        excludeCaseId === undefined
          ? undefined
          : (this.st
              .get('SELECT committed_fen AS fen FROM cases WHERE id = ? AND shop_id = ? AND approved_at >= ? AND approved_at < ?')
              .get(excludeCaseId, shopId, from, to) as { fen: number } | undefined);
      return (total?.fen ?? 0) - (excluded?.fen ?? 0);
    }
    const row = this.st
      .get(
        `SELECT COALESCE(SUM(committed_fen), 0) AS fen FROM cases
         WHERE shop_id = ? AND approved_at >= ? AND approved_at < ? AND id <> ?`,
      )
      .get(shopId, from, to, excludeCaseId ?? '') as { fen: number };
    return row.fen;
  }

  async listForBuyer(buyerOpenid: string, q: CaseListQuery): Promise<Page<AfterSaleCase>> {
    return keysetPage(this.st, {
      table: 'cases',
      ...ownedBy('buyer_openid', buyerOpenid, q.status, 'b'),
      sortColumn: 'created_at',
      direction: 'DESC',
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  async listForShop(shopId: string, q: CaseListQuery): Promise<Page<AfterSaleCase>> {
    if (q.status === 'PENDING') {
      return keysetPage(this.st, {
        table: 'cases',
        where: ['shop_id = ?', "status = 'PENDING'"],
        params: [shopId],
        sortColumn: 'deadline_key',
        direction: 'ASC',
        tag: 's:PENDING',
        cursor: q.cursor,
        limit: q.limit,
      });
    }
    return keysetPage(this.st, {
      table: 'cases',
      ...ownedBy('shop_id', shopId, q.status, 's'),
      sortColumn: 'created_at',
      direction: 'DESC',
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  async listEscalated(q: Omit<CaseListQuery, 'status'>): Promise<Page<AfterSaleCase>> {
    return keysetPage(this.st, {
      table: 'cases',
      where: ["status = 'ESCALATED'"],
      params: [],
      sortColumn: 'deadline_key',
      direction: 'ASC',
      tag: 'e',
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  async due(now: EpochMs, limit: number, after?: DueKey): Promise<AfterSaleCase[]> {
    const n = Math.max(0, Math.floor(limit));
    const rows = (
      after
        ? this.st
            .get('SELECT doc FROM cases WHERE timer_at IS NOT NULL AND timer_at <= ? AND (timer_at, id) > (?, ?) ORDER BY timer_at, id LIMIT ?')
            .all(now, after.timerAt, after.id, n)
        : this.st.get('SELECT doc FROM cases WHERE timer_at IS NOT NULL AND timer_at <= ? ORDER BY timer_at, id LIMIT ?').all(now, n)
    ) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as AfterSaleCase);
  }

  async *scanForStats(shopId: string, from: EpochMs, to: EpochMs, pageSize = STATS_PAGE): AsyncGenerator<StatsCase[]> {
    const n = Math.max(1, Math.floor(pageSize));
    let after: { createdAt: EpochMs; id: string } | null = null;
    for (;;) {
      const rows = (
        after
          ? this.st
              .get(
                'SELECT doc FROM cases WHERE shop_id = ? AND created_at < ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?',
              )
              .all(shopId, to, after.createdAt, after.id, n)
          : this.st
              .get('SELECT doc FROM cases WHERE shop_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id LIMIT ?')
              .all(shopId, from, to, n)
      ) as { doc: string }[];
      const page = rows.map((r) => statsCaseOf(JSON.parse(r.doc) as AfterSaleCase));
      if (page.length > 0) yield page;
      if (page.length < n) return;
      const last = page[page.length - 1];
      after = { createdAt: last.createdAt, id: last._id };
    }
  }

  async readGuard(orderId: string, buyerOpenid: string): Promise<ApplyGuard> {
    return this.currentGuard(orderId, buyerOpenid);
  }

  async insert(c: AfterSaleCase, guard: ApplyGuard, notifications: Notification[], claim?: CapClaim): Promise<InsertResult> {
    // IMMEDIATE takes the write lock before the reads, so no other writer (this process or another)
    // can slip a case in between the guard check and the insert.
    return this.db
      .transaction((): InsertResult => {
        const existing = this.byIdempotencyKey(c.buyerOpenid, c.idempotencyKey);
        if (existing) return { inserted: false, reason: 'DUPLICATE', existing };
        const current = this.currentGuard(c.orderId, c.buyerOpenid);
        if (current.orderSeq !== guard.orderSeq || current.buyerSeq !== guard.buyerSeq) {
          return { inserted: false, reason: 'CONFLICT' };
        }
        this.st
          .get(
            `INSERT INTO cases (id, order_id, shop_id, buyer_openid, idem_key, created_at,
               status, timer_at, deadline_at, deadline_key, updated_at, approved_at, committed_fen, version, doc)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(c._id, c.orderId, c.shopId, c.buyerOpenid, c.idempotencyKey, c.createdAt, ...mutableColumns(c));
        this.bumpGuard('order', c.orderId);
        this.bumpGuard('buyer', c.buyerOpenid);
        if (claim) this.checkCaps(null, claim);
        this.writeSideTables(c, notifications, []);
        return { inserted: true };
      })
      .immediate();
  }

  async update(
    c: AfterSaleCase,
    expectedVersion: number,
    notifications: Notification[],
    tickets: Ticket[] = [],
    claim?: CapClaim,
  ): Promise<boolean> {
    if (c.version !== expectedVersion + 1) {
      throw new Error(`case ${c._id}: version must be expectedVersion + 1 (got ${c.version}, expected ${expectedVersion + 1})`);
    }
    return this.db.transaction(() => this.writeOne(c, expectedVersion, notifications, tickets, claim)).immediate();
  }

  async updateMany(writes: readonly CaseWrite[]): Promise<CaseWriteOutcome[]> {
    for (const w of writes) {
      if (w.case.version !== w.expectedVersion + 1) throw new Error(`case ${w.case._id}: version must be expectedVersion + 1`);
    }
    // One IMMEDIATE transaction for the batch; each write in a savepoint of its own, so a write R3
    // refuses rolls back alone and the next one sees the totals as the ones before it left them.
    return this.db
      .transaction((): CaseWriteOutcome[] =>
        writes.map((w): CaseWriteOutcome => {
          try {
            const ok = this.db.transaction(() => this.writeOne(w.case, w.expectedVersion, w.notifications, w.tickets ?? [], w.claim))();
            return ok ? { kind: 'UPDATED' } : { kind: 'STALE' };
          } catch (e) {
            if (e instanceof DomainError && e.code === 'AMOUNT_EXCEEDS_LIMIT') return { kind: 'CAP', error: e };
            throw e;
          }
        }),
      )
      .immediate();
  }

  /** One compare-and-set with its caps and side tables, inside the caller's transaction. */
  private writeOne(c: AfterSaleCase, expectedVersion: number, notifications: Notification[], tickets: Ticket[], claim?: CapClaim): boolean {
    const stored = claim ? this.storedVersion(c._id, expectedVersion) : null;
    if (claim && !stored) return false;
    const r = this.st
      .get(
        `UPDATE cases SET status = ?, timer_at = ?, deadline_at = ?, deadline_key = ?, updated_at = ?,
           approved_at = ?, committed_fen = ?, version = ?, doc = ?
         WHERE id = ? AND version = ?`,
      )
      .run(...mutableColumns(c), c._id, expectedVersion);
    if (r.changes !== 1) return false;
    if (claim) this.checkCaps(stored, claim);
    this.writeSideTables(c, notifications, tickets);
    return true;
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
    // IMMEDIATE: no other writer can insert a case on the order between the guard check and this write.
    return this.db
      .transaction((): 'UPDATED' | 'STALE' | 'CONFLICT' => {
        const stored = this.storedVersion(c._id, expectedVersion);
        if (!stored) return 'STALE';
        const current = this.currentGuard(c.orderId, c.buyerOpenid);
        if (current.orderSeq !== guard.orderSeq || current.buyerSeq !== guard.buyerSeq) return 'CONFLICT';
        const r = this.st
          .get(
            `UPDATE cases SET status = ?, timer_at = ?, deadline_at = ?, deadline_key = ?, updated_at = ?,
               approved_at = ?, committed_fen = ?, version = ?, doc = ?
             WHERE id = ? AND version = ?`,
          )
          .run(...mutableColumns(c), c._id, expectedVersion);
        if (r.changes !== 1) return 'STALE';
        this.bumpGuard('order', c.orderId);
        if (claim) this.checkCaps(stored, claim);
        this.writeSideTables(c, notifications, []);
        return 'UPDATED';
      })
      .immediate();
  }

  /** The stored case iff it still has `version` (inside the write's transaction). */
  private storedVersion(caseId: string, version: number): AfterSaleCase | null {
    const row = this.st.get('SELECT doc FROM cases WHERE id = ? AND version = ?').get(caseId, version) as { doc: string } | undefined;
    return parse(row);
  }

  /**
   * R3's caps, after the case row is written and inside the same IMMEDIATE transaction (no other writer
   * can commit in between): a total this write makes grow must stay within its cap, else the throw rolls
   * the whole write back (the yearly running total the triggers moved included). The year's total is the
   * running row of migration 3; the order's is summed over its few cases with the core's own rule.
   */
  private checkCaps(before: AfterSaleCase | null, claim: CapClaim): void {
    const next = sharesOfClaim(claim);
    for (const move of totalMoves(before && capShares(before), next, claim.order.orderId, claim.year.shopId)) {
      if (move.delta <= 0) continue;
      if (move.kind === 'ORDER') {
        const total = committedOnOrderFen(this.orderCases(claim.order.orderId));
        if (total > claim.order.capFen) throw capExceeded('ORDER', claim.order.capFen, total - next.orderFen);
      } else {
        // The shop's year: its cases' total and its cancelled orders' refunds (migration 7) together.
        const row = this.st.get('SELECT fen + orders_fen AS fen FROM shop_year_committed WHERE shop_id = ? AND year = ?').get(move.key, move.year) as
          | { fen: number }
          | undefined;
        const total = row?.fen ?? 0;
        if (total > claim.year.capFen) throw capExceeded('YEAR', claim.year.capFen, total - move.delta);
      }
    }
  }

  private orderCases(orderId: string): AfterSaleCase[] {
    const rows = this.st.get('SELECT doc FROM cases WHERE order_id = ?').all(orderId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as AfterSaleCase);
  }

  private byIdempotencyKey(buyerOpenid: string, key: string): AfterSaleCase | null {
    return parse(
      this.st.get('SELECT doc FROM cases WHERE buyer_openid = ? AND idem_key = ?').get(buyerOpenid, key) as
        | { doc: string }
        | undefined,
    );
  }

  private currentGuard(orderId: string, buyerOpenid: string): ApplyGuard {
    const seq = (scope: string, key: string): number => {
      const row = this.st.get('SELECT seq FROM apply_guards WHERE scope = ? AND key = ?').get(scope, key) as { seq: number } | undefined;
      return row?.seq ?? 0;
    };
    return { orderSeq: seq('order', orderId), buyerSeq: seq('buyer', buyerOpenid) };
  }

  private bumpGuard(scope: string, key: string): void {
    this.st
      .get('INSERT INTO apply_guards (scope, key, seq) VALUES (?, ?, 1) ON CONFLICT (scope, key) DO UPDATE SET seq = seq + 1')
      .run(scope, key);
  }

  /** The lookups and records that must commit with the case: refund numbers, evidence files, outbox, tickets. */
  private writeSideTables(c: AfterSaleCase, notifications: Notification[], tickets: Ticket[]): void {
    const refund = this.st.get('INSERT OR IGNORE INTO case_refunds (out_refund_no, case_id) VALUES (?, ?)');
    for (const a of c.refunds) refund.run(a.outRefundNo, c._id);
    const file = this.st.get('INSERT OR IGNORE INTO case_files (file_id, case_id) VALUES (?, ?)');
    for (const e of c.evidence) file.run(e.fileId, c._id);
    const outbox = this.st.get(
      'INSERT INTO outbox (id, at, to_openid, case_id, template_key, delivered_at, doc) VALUES (?, ?, ?, ?, ?, NULL, ?)',
    );
    for (const n of notifications) outbox.run(n._id, n.at, n.toOpenid, n.caseId ?? null, n.templateKey, JSON.stringify(n));
    const ticket = this.st.get('INSERT INTO tickets (id, case_id, out_refund_no, openid, at, doc) VALUES (?, ?, ?, ?, ?, ?)');
    for (const t of tickets) ticket.run(t._id, t.caseId, t.outRefundNo, t.openid, t.at, JSON.stringify(t));
  }
}
