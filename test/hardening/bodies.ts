/**
 * Hostile request bodies for the afterSale function, generated from the action schemas: every field
 * an action declares (read from its zod schema, so a new action or field is fuzzed without touching
 * this file) can be replaced, removed or joined by an unknown key, and the whole body or its action
 * can be broken. Each generated body knows what it did, so the test can say what the reply must be.
 *
 * What the generator knows for certain is SPEC R30's contract, not the schema's details: every number
 * in the API is a non-negative JSON integer below 2^53, every id is a string, no string is longer than
 * 2,000 characters, and no object takes a key it does not declare. A value breaking one of those is
 * "invalid by construction" and must be refused as INVALID_INPUT naming that field. Anything else
 * (emoji, control characters, another enum member, an empty list) may be valid and may go on to the
 * rules; it must still never crash, and a refusal must still change nothing.
 */
import fc from 'fast-check';
import type { z } from 'zod';

export type Path = (string | number)[];

/** A JSON token sent as is, for numbers JSON.stringify cannot write (1e400, 9007199254740993, -0). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object whose keys are own, enumerable data properties, even `__proto__`. */
export function own(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

type Kind = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'record' | 'other';

interface ZodInternals {
  _zod: {
    def: { type: string; innerType?: z.ZodType; element?: z.ZodType; keyType?: z.ZodType; shape?: Record<string, z.ZodType>; entries?: Record<string, string> };
  };
}

function def(s: z.ZodType): ZodInternals['_zod']['def'] {
  return (s as unknown as ZodInternals)._zod.def;
}

function unwrap(s: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = s;
  let optional = false;
  for (;;) {
    const d = def(inner);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable') && d.innerType) {
      optional = optional || d.type !== 'nullable';
      inner = d.innerType;
      continue;
    }
    return { inner, optional };
  }
}

function kindOf(s: z.ZodType): Kind {
  const t = def(s).type;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'enum' || t === 'array' || t === 'object' || t === 'record' ? t : 'other';
}

/** One place in a body: a field the schema declares (present in the base body or not), or an array's first element. */
export interface Slot {
  path: Path;
  kind: Kind;
  required: boolean;
  enumValues: string[];
  /** For numbers: the least the schema takes (preview takes any integer quantity or amount down to this). */
  min?: number;
  /** For arrays: what their elements are. */
  element?: Slot;
}

/** Every field the schema declares, walked alongside a valid base body; and every object a key can be added to. */
export function slotsOf(schema: z.ZodType, base: Record<string, unknown>): { slots: Slot[]; objects: { path: Path; keys: string[] }[] } {
  const slots: Slot[] = [];
  const objects: { path: Path; keys: string[] }[] = [];
  const walkObject = (s: z.ZodType, value: Record<string, unknown>, path: Path) => {
    const shape = def(s).shape ?? {};
    objects.push({ path, keys: Object.keys(shape) });
    for (const [key, field] of Object.entries(shape)) {
      const { inner, optional } = unwrap(field);
      const p = [...path, key];
      slots.push(slotFor(inner, p, !optional));
      if (!(key in value)) continue;
      walkValue(inner, value[key], p);
    }
  };
  const walkValue = (inner: z.ZodType, value: unknown, p: Path) => {
    const kind = kindOf(inner);
    if (kind === 'object' && typeof value === 'object' && value !== null) walkObject(inner, value as Record<string, unknown>, p);
    // A record keyed by an enum takes those keys and no other, exactly like an object.
    const keyType = def(inner).keyType;
    if (kind === 'record' && keyType && kindOf(keyType) === 'enum') objects.push({ path: p, keys: Object.values(def(keyType).entries ?? {}) });
    if (kind === 'array' && Array.isArray(value) && value.length > 0) {
      const el = unwrap(def(inner).element as z.ZodType).inner;
      slots.push(slotFor(el, [...p, 0], true));
      walkValue(el, value[0], [...p, 0]);
    }
  };
  walkObject(schema, base, []);
  return { slots, objects };
}

function slotFor(inner: z.ZodType, path: Path, required: boolean): Slot {
  const kind = kindOf(inner);
  const d = def(inner);
  const slot: Slot = { path, kind, required, enumValues: kind === 'enum' ? Object.values(d.entries ?? {}) : [] };
  const min = kind === 'number' ? (inner as unknown as { minValue?: number | null }).minValue : undefined;
  if (typeof min === 'number' && Number.isFinite(min)) slot.min = min;
  if (kind === 'array') slot.element = slotFor(unwrap(d.element as z.ZodType).inner, [...path, 0], true);
  return slot;
}

// ── values ──

const OPERATORS: readonly unknown[] = [
  { $ne: null },
  { $gt: '' },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $in: ['AS1', 'AS2'] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  own([['__proto__', { polluted: true }]]),
];

/** Never an acceptable string anywhere (SPEC R30: no field takes more than 2,000 characters). */
const hugeString = fc.oneof(
  fc.constant('长'.repeat(16_000)),
  fc.constant('😀'.repeat(12_000)),
  fc.constant(`${'A'.repeat(40_000)}\u0000`),
  fc.string({ minLength: 2_001, maxLength: 3_000, unit: 'grapheme' }),
);

const notAString = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1.5, true, false, null, [], {}, ['x'], [1, 2], new RawJson('1e400')),
  fc.constantFrom(...OPERATORS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings a customer, a bot or an attacker might send; any of them may be acceptable in some field. */
const oddString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    '\u200b\ufeff',
    '😀👨‍👩‍👧‍👦🇨🇳',
    '<script>alert(1)</script>',
    "' OR '1'='1' --",
    '../../../etc/passwd',
    'NaN',
    'Infinity',
    '-0',
    '1e400',
    '9007199254740993',
    '__proto__',
    'constructor',
    '{"$ne":null}',
    'local://evidence/someone_else/0123456789abcdef0123456789abcdef.jpg',
    '衣服有破洞，申请退款',
  ),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
);

/** Never an acceptable number (every number in the API is a non-negative JSON integer below 2^53). */
const badNumber = fc.oneof(
  fc.constantFrom<unknown>(
    '1',
    '5000',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e3',
    '0x10',
    '',
    null,
    true,
    false,
    [],
    [1],
    {},
    0.5,
    1.5,
    99.99,
    -1,
    -0.5,
    -(2 ** 31),
    2 ** 53,
    2 ** 53 + 2,
    2 ** 64,
    1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('9007199254740993'),
    new RawJson('123456789012345678901234567890'),
  ),
  fc.constantFrom(...OPERATORS),
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.double({ min: 2 ** 53 + 2, max: 1e300, noNaN: true }),
  fc.string({ maxLength: 8 }),
);

const someNumber = fc.oneof(fc.constantFrom<unknown>(0, 1, 2, 100, 5_000, new RawJson('1.0'), new RawJson('-0'), new RawJson('1E2')), fc.nat());

const badBoolean = fc.constantFrom<unknown>('true', 'false', 1, 0, null, {}, [], { $ne: false }, 'yes');

function badEnum(values: readonly string[]) {
  const v = values[0] ?? 'X';
  const otherCase = v === v.toLowerCase() ? v.toUpperCase() : v.toLowerCase();
  return fc
    .oneof(
      fc.constantFrom<unknown>('', otherCase, `${v} `, ` ${v}`, `${v}\u0000`, `${v}\u200b`, 0, null, true, [v], { $in: values }, { $ne: '' }),
      fc.string({ maxLength: 12 }),
    )
    .filter((x) => !(typeof x === 'string' && values.includes(x)));
}

/**
 * A value of the wrong JSON type for a slot, or out of every bound the API has: refused whatever the
 * field. `small` leaves out the huge strings, for lists of several values that must stay under the body cap.
 */
function invalidFor(slot: Slot, small = false): fc.Arbitrary<unknown> {
  switch (slot.kind) {
    case 'string':
      return small ? notAString : fc.oneof(notAString, hugeString);
    case 'number':
      // A schema that takes negative integers (preview's quantities and amounts: SPEC §4 answers them with
      // a violation, not a 400) is not broken by one inside its range.
      return slot.min !== undefined && slot.min < 0 ? badNumber.filter((v) => !(Number.isInteger(v) && (v as number) >= slot.min!)) : badNumber;
    case 'boolean':
      return badBoolean;
    case 'enum':
      return badEnum(slot.enumValues);
    case 'array':
      return fc.oneof(
        fc.constantFrom<unknown>({}, 'x', 0, null, true, own([['0', 'x'], ['length', 1]]), { $size: 0 }),
        fc.constant(null).map(() => Array.from({ length: 250 }, () => 'x')),
      );
    case 'object':
    case 'record':
      return fc.constantFrom<unknown>([], 'x', 0, null, true, [{}]);
    case 'other':
      return oddString;
  }
}

/** A value that may or may not be acceptable. */
function maybeFor(slot: Slot): fc.Arbitrary<unknown> {
  switch (slot.kind) {
    case 'string':
      return oddString;
    case 'number':
      return someNumber;
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...slot.enumValues);
    case 'array':
      return fc.constantFrom<unknown>([]);
    case 'object':
    case 'record':
      return fc.constantFrom<unknown>({});
    case 'other':
      return oddString;
  }
}

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
  '$where',
  '$ne',
  '_id',
  'openid',
  'buyerOpenid',
  'shopId',
  'role',
  'status',
  'version',
  'history',
  'refunds',
  'approvedFen',
  'x-wx-openid',
  'a.b',
  '😀',
  ' ',
  '',
  '\u0000',
  'ACTION',
];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.constantFrom(...OPERATORS), oddString, badNumber);

// ── mutations ──

export type Mutation =
  | { op: 'set'; path: Path; value: unknown; invalid: boolean }
  | { op: 'delete'; path: Path; invalid: boolean }
  | { op: 'extra'; path: Path; key: string; value: unknown };

/** What was sent and what the sender knows about it. */
export interface FuzzBody {
  text: string;
  /** Places the body was changed at (dotted); a refusal must name one of them or a place inside one. */
  touched: string[];
  /** True when at least one change breaks the API's contract for certain. */
  invalid: boolean;
  label: string;
}

export function dotted(path: Path): string {
  return path.map(String).join('.');
}

/** The field a refusal names lies at, inside, or above one of the touched places. */
export function related(field: string, touched: readonly string[]): boolean {
  return touched.some((t) => field === t || field.startsWith(`${t}.`) || (t.startsWith(`${field}.`) && field !== ''));
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function container(root: unknown, path: Path): Record<string | number, unknown> | null {
  let cur: unknown = root;
  for (const step of path) {
    if (typeof cur !== 'object' || cur === null) return null;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>) : null;
}

function put(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON text for `body`, with RawJson tokens written verbatim. */
export function serialize(body: unknown): string {
  const raws: string[] = [];
  const nonce = Math.random().toString(36).slice(2);
  const text = JSON.stringify(body, (_k, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `@@raw_${nonce}_${raws.length - 1}@@`;
    }
    return v;
  });
  return text.replace(new RegExp(`"@@raw_${nonce}_(\\d+)@@"`, 'g'), (_m, i: string) => raws[Number(i)]);
}

/** Applies the mutations in order; a later one at or above an earlier one's place supersedes it, and one whose parent is gone is dropped. */
export function mutate(action: string | null, base: Record<string, unknown>, mutations: readonly Mutation[]): FuzzBody {
  const body = clone(action === null ? base : { ...base, action }) as Record<string, unknown>;
  const effective: { at: Path; named: string; invalid: boolean; m: Mutation }[] = [];
  const within = (p: Path, root: Path) => root.length <= p.length && root.every((step, i) => String(step) === String(p[i]));
  for (const m of mutations) {
    const parentPath = m.op === 'extra' ? m.path : m.path.slice(0, -1);
    const parent = container(body, parentPath);
    if (!parent) continue;
    const indexed = m.op !== 'extra' && typeof m.path[m.path.length - 1] === 'number';
    if (Array.isArray(parent) !== indexed) continue;
    // Removing an element a list no longer has changes nothing: it is not a mutation.
    if (m.op === 'delete' && indexed && !Object.prototype.hasOwnProperty.call(parent, m.path[m.path.length - 1])) continue;
    const at = m.op === 'extra' ? [...m.path, m.key] : m.path;
    for (let i = effective.length - 1; i >= 0; i -= 1) if (within(effective[i].at, at)) effective.splice(i, 1);
    if (m.op === 'set') put(parent, m.path[m.path.length - 1], m.value);
    else if (m.op === 'delete') delete parent[m.path[m.path.length - 1]];
    else put(parent, m.key, m.value);
    // An empty key has no path of its own: a refusal names the object holding it (the body, at the top).
    const named = m.op === 'extra' && m.key === '' ? dotted(m.path) || 'body' : dotted(at);
    effective.push({ at, named, invalid: m.op === 'extra' ? true : m.invalid, m });
  }
  return {
    text: serialize(body),
    touched: effective.map((e) => e.named),
    invalid: effective.some((e) => e.invalid),
    label: effective.map((e) => `${e.m.op}:${e.named}${e.invalid ? '!' : '?'}`).join(' ') || 'unchanged',
  };
}

function mutationArb(slots: Slot[], objects: { path: Path; keys: string[] }[]): fc.Arbitrary<Mutation> {
  const arbs: fc.Arbitrary<Mutation>[] = [];
  if (slots.length > 0) {
    const slot = fc.constantFrom(...slots);
    arbs.push(slot.chain((s) => invalidFor(s).map((value): Mutation => ({ op: 'set', path: s.path, value, invalid: s.kind !== 'other' }))));
    arbs.push(slot.chain((s) => maybeFor(s).map((value): Mutation => ({ op: 'set', path: s.path, value, invalid: false }))));
    arbs.push(slot.map((s): Mutation => ({ op: 'delete', path: s.path, invalid: s.required })));
    const arrays = slots.filter((s) => s.kind === 'array' && s.element !== undefined);
    if (arrays.length > 0) {
      arbs.push(
        fc
          .constantFrom(...arrays)
          .chain((s) => {
            const el = s.element as Slot;
            return fc
              .array(invalidFor(el, true), { minLength: 1, maxLength: 3 })
              .map((value): Mutation => ({ op: 'set', path: s.path, value, invalid: el.kind !== 'other' }));
          }),
      );
    }
  }
  arbs.push(
    fc.constantFrom(...objects).chain((o) =>
      fc
        .tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), anyValue)
        .filter(([key]) => !o.keys.includes(key) && !(o.path.length === 0 && key === 'action'))
        .map(([key, value]): Mutation => ({ op: 'extra', path: o.path, key, value })),
    ),
  );
  return fc.oneof(...arbs);
}

/** Bodies that are not JSON objects at all: the reply names `body`. */
const notAnObject = fc.oneof(
  fc.constantFrom('', ' ', '{', '{"action":', 'nul', '\ufeff', '\ufeff[]', '[]', '[{"action":"whoami"}]', 'null', 'true', '"whoami"', '12', '1e400', "{'action':'whoami'}", '{"action":"whoami",}'),
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 30, unit: 'binary' }).filter((s) => {
    try {
      const v: unknown = JSON.parse(s);
      return typeof v !== 'object' || v === null || Array.isArray(v);
    } catch {
      return true;
    }
  }),
  fc.constant(null).map(() => JSON.stringify({ action: 'whoami', pad: 'x'.repeat(300 * 1024) })),
);

/**
 * Hostile bodies for an endpoint without an action (the refund callback): the same field mutations
 * around `base`, and bodies that are not objects at all.
 */
export function fuzzPlainBody(schema: z.ZodType, base: Record<string, unknown>): fc.Arbitrary<FuzzBody> {
  const { slots, objects } = slotsOf(schema, base);
  return fc.oneof(
    { weight: 9, arbitrary: fc.array(mutationArb(slots, objects), { minLength: 1, maxLength: 3 }).map((ms) => mutate(null, base, ms)) },
    { weight: 1, arbitrary: notAnObject.map((text): FuzzBody => ({ text, touched: ['body'], invalid: true, label: 'body' })) },
  );
}

export interface ActionFuzz {
  arbitrary: fc.Arbitrary<FuzzBody>;
  slots: Slot[];
}

/** Every kind of hostile body for one action, around a valid `base` aimed at real records. */
export function fuzzAction(action: string, schema: z.ZodType, base: Record<string, unknown>, allActions: readonly string[]): ActionFuzz {
  const { slots, objects } = slotsOf(schema, base);
  const fieldBodies = fc.array(mutationArb(slots, objects), { minLength: 1, maxLength: 3 }).map((ms) => mutate(action, base, ms));
  const wholeBody = notAnObject.map((text): FuzzBody => ({ text, touched: ['body'], invalid: true, label: 'body' }));
  const badAction = fc
    .oneof(
      fc.constantFrom<unknown>(undefined, null, 0, true, [], {}, { $ne: null }, '', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', action.toUpperCase(), `${action} `, `${action}\u0000`),
      fc.string({ maxLength: 24 }),
    )
    .filter((a) => !(typeof a === 'string' && allActions.includes(a)))
    .map((a): FuzzBody => {
      const body = own(Object.entries(clone(base)));
      if (a !== undefined) put(body, 'action', a);
      return { text: serialize(body), touched: ['action'], invalid: true, label: `action:${String(JSON.stringify(a))}` };
    });
  const stranger = fc
    .dictionary(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 10 })), anyValue, { minKeys: 1, maxKeys: 6 })
    .map((d): FuzzBody => {
      const body = own([...Object.entries(d).filter(([k]) => k !== 'action'), ['action', action]]);
      const touched = Object.keys(body).map((k) => (k === '' ? 'body' : k)).filter((k) => k !== 'action');
      return { text: serialize(body), touched, invalid: false, label: 'random object' };
    });
  return {
    slots,
    arbitrary: fc.oneof(
      { weight: 17, arbitrary: fieldBodies },
      { weight: 1, arbitrary: wholeBody },
      { weight: 1, arbitrary: badAction },
      { weight: 1, arbitrary: stranger },
    ),
  };
}
