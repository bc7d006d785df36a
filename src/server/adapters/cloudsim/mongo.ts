/**
 * The subset of MongoDB semantics the cloud database (a MongoDB underneath) applies to what the SDK
 * sends: query operators, dotted paths through arrays, sort order across missing fields, update
 * operators, projections and a few aggregation stages. Anything outside the subset throws, so the
 * fake never silently answers a query the real service would read differently.
 */
import type { Json } from './ejson';

export type Doc = { [k: string]: Json };

/** MongoDB's order of types when comparing values of different types (missing counts as null). */
function typeRank(v: Json | undefined): number {
  if (v === undefined || v === null) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'object') return 4;
  return 8;
}

export function compareValues(a: Json | undefined, b: Json | undefined): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    // Binary (UTF-8 byte) order, as MongoDB's simple collation.
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b) && typeRank(a) === typeRank(b);
}

/** Every value `path` reaches in `doc`, descending into arrays as MongoDB does; [undefined] when none. */
export function valuesAt(doc: Json | undefined, path: string[]): (Json | undefined)[] {
  if (path.length === 0) return [doc];
  if (doc === null || doc === undefined || typeof doc !== 'object') return [undefined];
  if (Array.isArray(doc)) {
    const idx = /^\d+$/.test(path[0]) ? Number(path[0]) : NaN;
    if (!Number.isNaN(idx)) return valuesAt(doc[idx], path.slice(1));
    const out = doc.flatMap((el) => (el !== null && typeof el === 'object' && !Array.isArray(el) ? valuesAt(el, path) : []));
    return out.length > 0 ? out : [undefined];
  }
  return valuesAt((doc as Doc)[path[0]], path.slice(1));
}

/** A value and, for arrays, each element: what an operator may match against. */
function candidates(values: (Json | undefined)[]): (Json | undefined)[] {
  return values.flatMap((v) => (Array.isArray(v) ? [v, ...v] : [v]));
}

function isOperatorObject(v: Json): v is { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));
}

function sameBracket(a: Json | undefined, b: Json): boolean {
  return a !== undefined && a !== null && typeRank(a) === typeRank(b);
}

function matchOperator(values: (Json | undefined)[], op: string, arg: Json): boolean {
  const cands = candidates(values);
  switch (op) {
    case '$eq':
      return cands.some((v) => deepEqual(v ?? null, arg));
    case '$ne':
      return !cands.some((v) => deepEqual(v ?? null, arg));
    case '$gt':
      return cands.some((v) => sameBracket(v, arg) && compareValues(v, arg) > 0);
    case '$gte':
      return cands.some((v) => sameBracket(v, arg) && compareValues(v, arg) >= 0);
    case '$lt':
      return cands.some((v) => sameBracket(v, arg) && compareValues(v, arg) < 0);
    case '$lte':
      return cands.some((v) => sameBracket(v, arg) && compareValues(v, arg) <= 0);
    case '$in':
      if (!Array.isArray(arg)) throw new Error('$in needs an array');
      return arg.some((a) => cands.some((v) => deepEqual(v ?? null, a)));
    case '$nin':
      if (!Array.isArray(arg)) throw new Error('$nin needs an array');
      return !arg.some((a) => cands.some((v) => deepEqual(v ?? null, a)));
    case '$exists':
      return values.some((v) => v !== undefined) === Boolean(arg);
    default:
      throw new Error(`query operator ${op} is not supported by the fake`);
  }
}

export function matches(doc: Doc, query: Json | undefined): boolean {
  if (query === undefined || query === null) return true;
  if (typeof query !== 'object' || Array.isArray(query)) throw new Error('a query must be an object');
  return Object.entries(query).every(([key, cond]) => {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(cond) || cond.length === 0) throw new Error(`${key} needs a non-empty array`);
      if (key === '$and') return cond.every((q) => matches(doc, q));
      if (key === '$or') return cond.some((q) => matches(doc, q));
      return !cond.some((q) => matches(doc, q));
    }
    if (key.startsWith('$')) throw new Error(`top-level ${key} is not supported by the fake`);
    const values = valuesAt(doc, key.split('.'));
    if (isOperatorObject(cond)) return Object.entries(cond).every(([op, arg]) => matchOperator(values, op, arg));
    return matchOperator(values, '$eq', cond);
  });
}

export type SortSpec = [string, 1 | -1][];

export function sortDocs(docs: Doc[], sort: SortSpec): Doc[] {
  return [...docs].sort((a, b) => {
    for (const [field, dir] of sort) {
      const c = compareValues(valuesAt(a, field.split('.'))[0], valuesAt(b, field.split('.'))[0]);
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

function setPath(doc: Doc, path: string[], value: Json): void {
  let cur: Doc = doc;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (next === undefined || next === null) cur[seg] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) throw new Error(`cannot create field in ${seg}`);
    cur = cur[seg] as Doc;
  }
  cur[path[path.length - 1]] = value;
}

function unsetPath(doc: Doc, path: string[]): void {
  let cur: Json | undefined = doc;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return;
    cur = (cur as Doc)[seg];
  }
  if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) delete (cur as Doc)[path[path.length - 1]];
}

/** A new document: `update` ({$set, $unset, $inc, $push}) applied to a copy of `doc`. */
export function applyUpdate(doc: Doc, update: Json): Doc {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) throw new Error('an update must be an object');
  const out = structuredClone(doc);
  for (const [op, fields] of Object.entries(update)) {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new Error(`${op} needs an object`);
    for (const [path, arg] of Object.entries(fields)) {
      if (path === '_id' || path.startsWith('_id.')) throw new Error('_id cannot be updated');
      const segs = path.split('.');
      switch (op) {
        case '$set':
          setPath(out, segs, arg);
          break;
        case '$unset':
          unsetPath(out, segs);
          break;
        case '$inc': {
          const cur = valuesAt(out, segs)[0];
          if (typeof arg !== 'number' || (cur !== undefined && typeof cur !== 'number')) throw new Error('$inc needs numbers');
          setPath(out, segs, ((cur as number | undefined) ?? 0) + arg);
          break;
        }
        case '$push': {
          const cur = valuesAt(out, segs)[0];
          const each = arg !== null && typeof arg === 'object' && !Array.isArray(arg) && '$each' in arg ? (arg.$each as Json[]) : [arg];
          if (cur !== undefined && !Array.isArray(cur)) throw new Error('$push needs an array field');
          setPath(out, segs, [...((cur as Json[] | undefined) ?? []), ...each]);
          break;
        }
        default:
          throw new Error(`update operator ${op} is not supported by the fake`);
      }
    }
  }
  return out;
}

/** `{a: 1, b: 1}` keeps a, b and _id; `{a: 0}` drops a. */
export function project(doc: Doc, projection: Json | undefined): Doc {
  if (!projection || typeof projection !== 'object' || Array.isArray(projection)) return doc;
  const entries = Object.entries(projection);
  if (entries.length === 0) return doc;
  const including = entries.some(([k, v]) => k !== '_id' && v === 1);
  if (!including) {
    const out = structuredClone(doc);
    for (const [k, v] of entries) if (v === 0) unsetPath(out, k.split('.'));
    return out;
  }
  const out: Doc = {};
  if (projection._id !== 0) out._id = doc._id;
  for (const [k, v] of entries) {
    if (v !== 1) continue;
    const val = valuesAt(doc, k.split('.'))[0];
    if (val !== undefined) setPath(out, k.split('.'), val);
  }
  return out;
}

function fieldRef(expr: Json, doc: Doc): Json | undefined {
  if (typeof expr === 'string' && expr.startsWith('$')) return valuesAt(doc, expr.slice(1).split('.'))[0];
  return expr;
}

/** $match, $group (with $sum), $sort and $limit: what this project's aggregations use. */
export function aggregate(docs: Doc[], stages: { [k: string]: Json }[]): Doc[] {
  let rows = docs;
  for (const stage of stages) {
    const [name, arg] = Object.entries(stage)[0];
    switch (name) {
      case '$match':
        rows = rows.filter((d) => matches(d, arg));
        break;
      case '$group': {
        const spec = arg as { [k: string]: Json };
        const groups = new Map<string, Doc>();
        for (const d of rows) {
          const key = fieldRef(spec._id, d) ?? null;
          const k = JSON.stringify(key);
          const g = groups.get(k) ?? { _id: key };
          for (const [acc, def] of Object.entries(spec)) {
            if (acc === '_id') continue;
            const [op, expr] = Object.entries(def as { [k: string]: Json })[0];
            if (op !== '$sum') throw new Error(`group accumulator ${op} is not supported by the fake`);
            const v = fieldRef(expr, d);
            g[acc] = ((g[acc] as number | undefined) ?? 0) + (typeof v === 'number' ? v : 0);
          }
          groups.set(k, g);
        }
        rows = [...groups.values()];
        break;
      }
      case '$sort':
        rows = sortDocs(rows, Object.entries(arg as { [k: string]: number }).map(([k, v]) => [k, v < 0 ? -1 : 1]));
        break;
      case '$limit':
        rows = rows.slice(0, arg as number);
        break;
      default:
        throw new Error(`aggregation stage ${name} is not supported by the fake`);
    }
  }
  return rows;
}
