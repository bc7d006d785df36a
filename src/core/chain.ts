/**
 * R22 存证: every case event is hash-chained, so an edit, a reordering or a removal of any event in
 * the stored history shows up as the first link that no longer matches.
 */
import { sha256 } from 'js-sha256';
import type { AfterSaleCase, HistoryEvent } from '../../types/domain';
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

/** The case with `ev` linked onto the end of its history. Version and updatedAt are the caller's business. */
export function appendHistory(c: AfterSaleCase, ev: Omit<HistoryEvent, 'prevHash' | 'hash'>): AfterSaleCase {
  const prevHash = c.history.length > 0 ? c.history[c.history.length - 1].hash : GENESIS_HASH;
  const linked = { ...ev, prevHash };
  return { ...c, history: [...c.history, { ...linked, hash: hashEvent(prevHash, linked) }] };
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
