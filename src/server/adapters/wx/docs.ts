/**
 * How domain records sit in the cloud database, and the two query shapes every list uses:
 * keyset pages (a cursor is the last row's (sort value, _id); no `skip`, which gets slower with depth
 * and skips or repeats rows when others change in between) and full scans in bounded batches.
 */
import type { Page } from '../../../../types/api';
import type { AfterSaleCase } from '../../../../types/domain';
import { decodeCursor, encodeCursor, pageLimit } from '../cursor';
import { committedToYearFen } from '../../../core/rules';
import type { WxChainable, WxCollection, WxCommand, WxFilter, WxOperator } from './sdk';

/** The most documents one `get()` returns on the server SDK. */
export const MAX_BATCH = 1000;

/** Stands in for "no deadline" in the deadline ordering: after every real one (as the SQLite adapter). */
const NO_DEADLINE = Number.MAX_SAFE_INTEGER;

/**
 * Every field of a case, so that a compare-and-set update can remove the optional ones the new
 * version no longer has (`satisfies` fails the build when the domain gains a field not listed here).
 */
const CASE_FIELDS = {
  _id: true,
  orderId: true,
  shopId: true,
  buyerOpenid: true,
  idempotencyKey: true,
  type: true,
  reason: true,
  status: true,
  tier: true,
  items: true,
  itemTitles: true,
  itemImage: true,
  shopName: true,
  amountFen: true,
  approvedFen: true,
  compensationFen: true,
  feeFen: true,
  feeBearer: true,
  description: true,
  evidence: true,
  deadlineAt: true,
  timerAt: true,
  version: true,
  lastError: true,
  returnAddress: true,
  returnShipment: true,
  exchangeNote: true,
  reship: true,
  convertedAt: true,
  offer: true,
  rejection: true,
  refundMethod: true,
  designatedAccount: true,
  suggestion: true,
  coversShipping: true,
  insured: true,
  platformOverdue: true,
  legalEntry: true,
  approvedAt: true,
  returnReceivedAt: true,
  unsealed: true,
  escalatedAt: true,
  approvedBy: true,
  overturned: true,
  messages: true,
  evidenceRequest: true,
  linesEver: true,
  refunds: true,
  history: true,
  historyHead: true,
  historyCount: true,
  createdAt: true,
  updatedAt: true,
} satisfies Record<keyof AfterSaleCase, true>;

const CASE_KEYS = Object.keys(CASE_FIELDS).filter((k) => k !== '_id') as (keyof AfterSaleCase)[];

/**
 * Fields stored beside the case for the queries that need them and stripped on read: what the case
 * holds against the shop's yearly cap (R3, summed by an aggregation) and the deadline sort key.
 */
export interface DerivedCaseFields {
  _committedFen: number;
  _deadlineKey: number;
}

function derived(c: AfterSaleCase): DerivedCaseFields {
  return { _committedFen: committedToYearFen(c), _deadlineKey: c.deadlineAt ?? NO_DEADLINE };
}

/** The document for `doc(c._id).set()` / `add()`: the case without `_id` (set) or with it (add). */
export function caseDocument(c: AfterSaleCase, withId: boolean): Record<string, unknown> {
  const { _id, ...rest } = c;
  return withId ? { _id, ...rest, ...derived(c) } : { ...rest, ...derived(c) };
}

export function caseFromDocument(doc: unknown): AfterSaleCase {
  const { _committedFen: _c, _deadlineKey: _d, ...c } = doc as AfterSaleCase & DerivedCaseFields;
  return c;
}

/**
 * The update that turns the stored case into `c` in one `where({_id, version}).update()`: plain
 * values as they are, objects and arrays wrapped in `_.set` (a bare object would be merged field by
 * field), and every absent optional field removed (a cleared `timerAt` must leave the sweep's filter).
 */
export function caseReplacement(_: WxCommand, c: AfterSaleCase): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const values = { ...c, ...derived(c) } as Record<string, unknown>;
  for (const key of [...CASE_KEYS, '_committedFen', '_deadlineKey']) {
    const v = values[key];
    if (v === undefined) data[key] = _.remove();
    else if (typeof v === 'object' && v !== null) data[key] = _.set(v);
    else data[key] = v;
  }
  return data;
}

/** A stored document without `_id`, for records whose domain shape has none (merchants, risk lifts). */
export function withoutId<T>(doc: unknown): T {
  const { _id: _ignored, ...rest } = doc as Record<string, unknown>;
  return rest as T;
}

export interface KeysetSpec {
  /** Equality conditions of the list; repeated in each branch of the cursor's `$or` so one index serves. */
  filter: WxFilter;
  /** A numeric field; ties broken by `_id`. */
  sortField: string;
  direction: 'asc' | 'desc';
  /** Names the ordering inside the cursor (the same tags as the SQLite adapter), so lists refuse each other's cursors. */
  tag: string;
  cursor?: string;
  limit?: number;
}

function afterKey(_: WxCommand, spec: KeysetSpec, key: { value: number; id: string }): WxFilter | WxOperator {
  const beyond = spec.direction === 'asc' ? _.gt.bind(_) : _.lt.bind(_);
  // A range the filter already puts on the sort field (a period) still holds past the key.
  const range = spec.filter[spec.sortField];
  const past = isOperator(range) ? range.and(beyond(key.value)) : beyond(key.value);
  return _.or([
    { ...spec.filter, [spec.sortField]: past },
    { ...spec.filter, [spec.sortField]: key.value, _id: beyond(key.id) },
  ]);
}

function isOperator(v: unknown): v is WxOperator & WxChainable {
  return typeof v === 'object' && v !== null && typeof (v as { and?: unknown }).and === 'function';
}

/** One page in (sortField, _id) order, reading one document past the page to know whether more exist. */
export async function keysetPage(_: WxCommand, coll: WxCollection, spec: KeysetSpec): Promise<Page<Record<string, unknown>>> {
  const limit = pageLimit(spec.limit);
  const where = spec.cursor === undefined ? spec.filter : afterKey(_, spec, decodeCursor(spec.tag, spec.cursor));
  const res = await coll.where(where).orderBy(spec.sortField, spec.direction).orderBy('_id', spec.direction).limit(limit + 1).get();
  const rows = res.data as Record<string, unknown>[];
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? encodeCursor(spec.tag, { value: last[spec.sortField] as number, id: last._id as string }) : null,
  };
}

/**
 * Every document matching `filter`, in ascending (sortField, _id) order, a page of at most `pageSize`
 * (≤ MAX_BATCH) at a time: each page resumes after the last key of the one before, so only one page
 * is in memory at once.
 */
export async function* scanPages(
  _: WxCommand,
  coll: WxCollection,
  filter: WxFilter,
  sortField: string,
  projection?: Record<string, boolean>,
  pageSize: number = MAX_BATCH,
): AsyncGenerator<Record<string, unknown>[]> {
  const size = Math.min(Math.max(1, Math.floor(pageSize)), MAX_BATCH);
  let key: { value: number; id: string } | null = null;
  for (;;) {
    const where: WxFilter | WxOperator =
      key === null ? filter : afterKey(_, { filter, sortField, direction: 'asc', tag: '' }, key);
    let q = coll.where(where).orderBy(sortField, 'asc').orderBy('_id', 'asc').limit(size);
    if (projection) q = q.field({ ...projection, [sortField]: true });
    const rows = (await q.get()).data as Record<string, unknown>[];
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    const last = rows[rows.length - 1];
    key = { value: last[sortField] as number, id: last._id as string };
  }
}

/** Every document of `scanPages`, in one array. */
export async function scanAll(
  _: WxCommand,
  coll: WxCollection,
  filter: WxFilter,
  sortField: string,
  projection?: Record<string, boolean>,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const rows of scanPages(_, coll, filter, sortField, projection)) out.push(...rows);
  return out;
}
