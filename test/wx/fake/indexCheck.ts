/**
 * Whether a recorded database call can be answered from an index, by MongoDB's rules for compound
 * indexes: the query's equality fields form the index's prefix (in any order), followed by the sort
 * fields in order (all in the index's direction, or all reversed) or, without a sort, the range field.
 * Each branch of an `$or` needs its own index. An equality on `_id` is served by the primary key.
 */
import type { IndexSpec } from '../../../src/server/adapters/wx/indexes';
import type { RecordedCall } from '../../../src/server/adapters/cloudsim/service';

interface Shape {
  eq: Set<string>;
  range: Set<string>;
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));
}

/** The conjunctive branches of a query (its `$or` expanded), each as its equality and range fields. */
export function branches(query: Record<string, unknown>): Shape[] {
  let out: Shape[] = [{ eq: new Set(), range: new Set() }];
  for (const [field, cond] of Object.entries(query)) {
    if (field === '$and') {
      for (const sub of cond as Record<string, unknown>[]) {
        const subs = branches(sub);
        out = out.flatMap((b) => subs.map((s) => ({ eq: new Set([...b.eq, ...s.eq]), range: new Set([...b.range, ...s.range]) })));
      }
    } else if (field === '$or') {
      const alts = (cond as Record<string, unknown>[]).flatMap(branches);
      out = out.flatMap((b) => alts.map((s) => ({ eq: new Set([...b.eq, ...s.eq]), range: new Set([...b.range, ...s.range]) })));
    } else if (isOperatorObject(cond)) {
      const ops = Object.keys(cond);
      if (ops.some((o) => RANGE_OPS.has(o))) out.forEach((b) => b.range.add(field));
      if (ops.includes('$eq')) out.forEach((b) => b.eq.add(field));
      // $ne / $nin narrow what the index found; they do not select by themselves.
    } else {
      out.forEach((b) => b.eq.add(field));
    }
  }
  return out;
}

function served(shape: Shape, sort: [string, number][], index: IndexSpec): boolean {
  const keys = index.keys;
  const prefix = keys.slice(0, shape.eq.size).map(([f]) => f);
  if (prefix.length !== shape.eq.size || !prefix.every((f) => shape.eq.has(f))) return false;
  const tailSort = sort.filter(([f]) => !shape.eq.has(f));
  const tail = tailSort.length > 0 ? tailSort : [...shape.range].map((f) => [f, 1] as [string, number]);
  if (tail.length === 0) return true;
  if (shape.range.size > 0 && ![...shape.range].every((f) => tail.slice(0, shape.range.size).some(([t]) => t === f))) return false;
  const rest = keys.slice(shape.eq.size, shape.eq.size + tail.length);
  if (rest.length !== tail.length || rest.some(([f], i) => f !== tail[i][0])) return false;
  if (tailSort.length === 0) return true;
  const sign = Math.sign(rest[0][1] * tail[0][1]);
  return rest.every(([, d], i) => Math.sign(d * tail[i][1]) === sign);
}

/** The query, sort and collection a database call selects documents with; null for calls by `_id` only. */
function selection(call: RecordedCall): { query: Record<string, unknown>; sort: [string, number][] } | null {
  if (call.action === 'database.aggregateDocuments') {
    const match = (call.stages as Record<string, unknown>[]).find((s) => '$match' in s);
    return { query: (match?.$match ?? {}) as Record<string, unknown>, sort: [] };
  }
  if (call.queryType === 'DOC' || call.inTransaction) return null;
  if (!['database.getDocument', 'database.calculateDocument', 'database.modifyDocument', 'database.removeDocument'].includes(call.action)) return null;
  const order = (call.order ?? {}) as Record<string, number>;
  return { query: (call.query ?? {}) as Record<string, unknown>, sort: Object.entries(order) };
}

/** The names of the indexes serving each branch of the call; throws when a branch has none. */
export function indexesFor(call: RecordedCall, indexes: Record<string, IndexSpec[]>): string[] {
  const sel = selection(call);
  if (!sel) return ['_id'];
  const candidates = indexes[String(call.collectionName)] ?? [];
  return branches(sel.query).map((shape) => {
    if (shape.eq.has('_id')) return '_id';
    const found = candidates.find((ix) => served(shape, sel.sort, ix));
    if (!found) throw new Error(`no index serves ${call.action} on ${call.collectionName}: ${JSON.stringify(sel)}`);
    return found.name;
  });
}
