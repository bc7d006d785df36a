/**
 * R22 存证: every case event is hash-chained, so an edit, a reordering or a removal of any event in
 * the stored history shows up as the first link that no longer matches.
 */
import { sha256 } from 'js-sha256';
import type { AfterSaleCase, Fen, HistoryEvent, RefundAttemptStatus } from '../../types/domain';
import type { VerifyResult } from '../../types/api';

export const GENESIS_HASH = '0'.repeat(64);

function canonical(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v) ?? 'null').join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = canonical(obj[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * JSON with object keys sorted and undefined members dropped, so that the same facts hash the same
 * whatever order a database hands the keys back in. Array holes and non-finite numbers become null,
 * as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}

type Unhashed = Omit<HistoryEvent, 'hash' | 'prevHash'> & { prevHash?: string };

/** SHA-256 (hex) of `prevHash` followed by the canonical JSON of the event (its prevHash included, its hash not). */
export function hashEvent(prevHash: string, event: Unhashed): string {
  const { hash: _ignored, ...rest } = event as Unhashed & { hash?: string };
  return sha256(prevHash + canonicalJson({ ...rest, prevHash }));
}

/**
 * The case with `ev` linked onto the end of its history, numbered (`seq`), and the case's
 * `historyHead` / `historyCount` moved to it: the one writer of history, so the anchor is always in
 * step. Version and updatedAt are the caller's business.
 */
export function appendHistory(c: AfterSaleCase, ev: Omit<HistoryEvent, 'prevHash' | 'hash' | 'seq'>): AfterSaleCase {
  const prevHash = c.history.length > 0 ? c.history[c.history.length - 1].hash : GENESIS_HASH;
  const linked = { ...ev, seq: c.history.length, prevHash };
  const event: HistoryEvent = { ...linked, hash: hashEvent(prevHash, linked) };
  return { ...c, history: [...c.history, event], historyHead: event.hash, historyCount: c.history.length + 1 };
}

/** `brokenAt` is the index of the first event whose prevHash or hash does not match. */
export function verifyChain(history: readonly HistoryEvent[]): VerifyResult {
  let expectedPrev = GENESIS_HASH;
  for (let i = 0; i < history.length; i += 1) {
    const ev = history[i];
    if (ev.prevHash !== expectedPrev || hashEvent(ev.prevHash, ev) !== ev.hash) return { ok: false, brokenAt: i };
    expectedPrev = ev.hash;
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// verify: the chain, its anchor on the case, and the money the chain recorded
// ---------------------------------------------------------------------------------------------

/** The newest event's hash, or 64 zeros for an empty history: what `historyHead` must be. */
export function headOf(history: readonly HistoryEvent[]): string {
  return history.length > 0 ? history[history.length - 1].hash : GENESIS_HASH;
}

/** What an event recorded about one refund attempt (`amountFen` / `settledAt` unknown in older events). */
export interface RecordedAttempt {
  outRefundNo: string;
  amountFen?: Fen;
  status: RefundAttemptStatus;
  settledAt?: number;
}

/** The money facts the chain recorded, replayed from its events. */
export interface RecordedMoney {
  /** APPLY's amountFen, when recorded. */
  amountFen?: Fen;
  /** The latest approval's approvedFen and compensation (every approval records approvedFen). */
  approval?: { approvedFen: Fen; compensationFen?: Fen };
  refunds: RecordedAttempt[];
}

const ATTEMPT_STATUSES: readonly string[] = ['PROCESSING', 'SUCCESS', 'ABNORMAL', 'CLOSED'];

function isFen(v: unknown): v is Fen {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function upsert(refunds: RecordedAttempt[], a: RecordedAttempt): void {
  const i = refunds.findIndex((r) => r.outRefundNo === a.outRefundNo);
  if (i < 0) refunds.push(a);
  else refunds[i] = { ...refunds[i], ...a, amountFen: a.amountFen ?? refunds[i].amountFen };
}

/**
 * Replays the money of a history. Events record each attempt they start or settle as
 * `data.attempts: [{outRefundNo, amountFen, status, settledAt?}]`; events written before that are read
 * by their action: a refund start records `outRefundNo` + `refundFen`, REFUND_SUCCESS / REFUND_FAILED
 * the gateway's `status`, REFUND_REFUSED a refusal (CLOSED).
 */
export function recordedMoney(history: readonly HistoryEvent[]): RecordedMoney {
  const out: RecordedMoney = { refunds: [] };
  for (const ev of history) {
    const d = ev.data;
    if (d === undefined || d === null) continue;
    // SPEC §6: a modification records the amount the case asks for from then on.
    if ((ev.action === 'APPLY' || ev.action === 'MODIFY') && isFen(d.amountFen)) out.amountFen = d.amountFen;
    if (isFen(d.approvedFen)) {
      out.approval = { approvedFen: d.approvedFen };
      if (isFen(d.compensationFen)) out.approval.compensationFen = d.compensationFen;
    }
    if (Array.isArray(d.attempts)) {
      for (const raw of d.attempts as unknown[]) {
        const a = raw as Partial<RecordedAttempt> | null;
        if (a === null || typeof a !== 'object' || typeof a.outRefundNo !== 'string' || !ATTEMPT_STATUSES.includes(String(a.status))) continue;
        const rec: RecordedAttempt = { outRefundNo: a.outRefundNo, status: a.status as RefundAttemptStatus };
        if (isFen(a.amountFen)) rec.amountFen = a.amountFen;
        if (isFen(a.settledAt)) rec.settledAt = a.settledAt;
        upsert(out.refunds, rec);
      }
      continue;
    }
    if (typeof d.outRefundNo !== 'string') continue;
    switch (ev.action) {
      case 'REPORT_NOT_RECEIVED':
        break;
      case 'REFUND_SUCCESS':
      case 'REFUND_FAILED':
        if (ATTEMPT_STATUSES.includes(String(d.status))) {
          upsert(out.refunds, { outRefundNo: d.outRefundNo, status: d.status as RefundAttemptStatus });
        }
        break;
      case 'REFUND_REFUSED':
        upsert(out.refunds, { outRefundNo: d.outRefundNo, status: 'CLOSED' });
        break;
      default:
        if (isFen(d.refundFen)) upsert(out.refunds, { outRefundNo: d.outRefundNo, amountFen: d.refundFen, status: 'PROCESSING' });
    }
  }
  return out;
}

/** The case's money agrees with what its chain recorded (values a chain did not record are not judged). */
function moneyAgrees(c: Pick<AfterSaleCase, 'amountFen' | 'approvedFen' | 'compensationFen' | 'refunds'>, rec: RecordedMoney): boolean {
  if (rec.amountFen !== undefined && c.amountFen !== rec.amountFen) return false;
  if (rec.approval === undefined) {
    if (c.approvedFen !== undefined) return false;
  } else if (c.approvedFen !== rec.approval.approvedFen || (c.compensationFen ?? 0) !== (rec.approval.compensationFen ?? 0)) {
    return false;
  }
  const refunds = c.refunds ?? [];
  if (refunds.length !== rec.refunds.length) return false;
  for (let i = 0; i < refunds.length; i += 1) {
    const a = refunds[i];
    const r = rec.refunds[i];
    if (a.outRefundNo !== r.outRefundNo || a.status !== r.status) return false;
    if (r.amountFen !== undefined && a.amountFen !== r.amountFen) return false;
    if (r.settledAt !== undefined && a.settledAt !== r.settledAt) return false;
  }
  return true;
}

export type VerifiableCase = Pick<
  AfterSaleCase,
  'history' | 'historyHead' | 'historyCount' | 'amountFen' | 'approvedFen' | 'compensationFen' | 'refunds'
>;

/**
 * `verify {caseId}` (SPEC §4, R22): the chain (`brokenAt` = the first event that does not link); then
 * its anchor: `historyCount` and `historyHead` must name the newest event (newest events removed →
 * `brokenAt` = history.length; events beyond the anchor → the first of them; the newest replaced →
 * its index); then the case's amountFen, approvedFen (with compensation) and refunds must be what the
 * events recorded (`brokenAt` = history.length: the case's state, after its last event, is what is
 * wrong). A case stored before the anchor existed (neither field, no numbered event) is judged on its
 * chain and money alone.
 */
export function verifyCase(c: VerifiableCase): VerifyResult {
  const history = c.history;
  const n = history.length;
  const chain = verifyChain(history);
  if (!chain.ok) return chain;
  for (let i = 0; i < n; i += 1) {
    const seq = history[i].seq;
    if (seq !== undefined && seq !== i) return { ok: false, brokenAt: i };
  }
  const anchored = c.historyHead !== undefined || c.historyCount !== undefined || history.some((e) => e.seq !== undefined);
  if (anchored) {
    const count = c.historyCount;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > n) return { ok: false, brokenAt: n };
    if (count < n) return { ok: false, brokenAt: count };
    if (c.historyHead !== headOf(history)) return { ok: false, brokenAt: Math.max(0, n - 1) };
  }
  if (!moneyAgrees(c, recordedMoney(history))) return { ok: false, brokenAt: n };
  return { ok: true };
}
