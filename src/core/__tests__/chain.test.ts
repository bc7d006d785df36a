import { createHash } from 'crypto';
import fc from 'fast-check';
import type { AfterSaleCase, HistoryEvent } from '../../../types/domain';
import { ACTORS, CASE_STATUSES } from '../../../types/domain';
import { appendHistory, canonicalJson, GENESIS_HASH, hashEvent, verifyChain } from '../chain';
import { makeCase } from './fixtures';

type Unlinked = Omit<HistoryEvent, 'prevHash' | 'hash'>;

function chainOf(events: Unlinked[]): HistoryEvent[] {
  let c: AfterSaleCase = makeCase({ history: [] });
  for (const ev of events) c = appendHistory(c, ev);
  return c.history;
}

const jsonValue = fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null);

const arbEvent: fc.Arbitrary<Unlinked> = fc.record(
  {
    at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    actor: fc.constantFrom(...ACTORS),
    action: fc.constantFrom('APPLY', 'APPROVE', 'REJECT', 'OFFER', 'ADD_EVIDENCE', 'REFUND_SUCCESS'),
    from: fc.constantFrom(...CASE_STATUSES),
    to: fc.constantFrom(...CASE_STATUSES),
    note: fc.string({ unit: 'grapheme', maxLength: 20 }),
    data: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), jsonValue, { maxKeys: 4 }),
  },
  { requiredKeys: ['at', 'actor', 'action', 'to'] },
);

const arbHistory = fc.array(arbEvent, { minLength: 1, maxLength: 8 }).map(chainOf);

/** Every field of an event, each with a way to give it a different value. */
const FIELDS = ['at', 'actor', 'action', 'from', 'to', 'note', 'data', 'prevHash', 'hash'] as const;

function edited(ev: HistoryEvent, field: (typeof FIELDS)[number], seed: string, n: number): HistoryEvent {
  const out: HistoryEvent = { ...ev };
  switch (field) {
    case 'at':
      out.at = ev.at + n;
      break;
    case 'actor':
      out.actor = ACTORS[(ACTORS.indexOf(ev.actor) + 1 + (n % 3)) % ACTORS.length];
      break;
    case 'action':
      out.action = `${ev.action}${seed}x`;
      break;
    case 'from':
      out.from = ev.from === undefined ? 'PENDING' : CASE_STATUSES[(CASE_STATUSES.indexOf(ev.from) + 1) % CASE_STATUSES.length];
      break;
    case 'to':
      out.to = CASE_STATUSES[(CASE_STATUSES.indexOf(ev.to) + 1 + (n % 5)) % CASE_STATUSES.length];
      break;
    case 'note':
      out.note = ev.note === undefined ? seed : `${ev.note}${seed}!`;
      break;
    case 'data':
      out.data = { ...(ev.data ?? {}), amountFen: (Number((ev.data ?? {}).amountFen) || 0) + n };
      break;
    case 'prevHash':
    case 'hash': {
      const h = ev[field];
      const i = n % h.length;
      out[field] = h.slice(0, i) + (h[i] === '0' ? '1' : '0') + h.slice(i + 1);
      break;
    }
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('writes what JSON would for arrays with holes, non-finite numbers and bigints', () => {
    expect(canonicalJson([undefined, NaN, Infinity, 'x', true])).toBe('[null,null,null,"x",true]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(10n)).toBe('"10"');
    expect(canonicalJson({ f: () => 1 })).toBe('{}');
  });

  it('is what JSON.parse reads back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe('R22 hash chain', () => {
  it('hashes SHA-256(prevHash + canonical JSON of the event without its hash), as Node computes it', () => {
    const ev = { at: 1, actor: 'BUYER' as const, action: 'APPLY', to: 'PENDING' as const, data: { 金额: 5000 } };
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalJson({ ...ev, prevHash: GENESIS_HASH }), 'utf8')
      .digest('hex');
    expect(hashEvent(GENESIS_HASH, ev)).toBe(expected);
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('links each event to the one before, starting from 64 zeros', () => {
    const h = chainOf([
      { at: 1, actor: 'BUYER', action: 'APPLY', to: 'PENDING' },
      { at: 2, actor: 'MERCHANT', action: 'APPROVE', from: 'PENDING', to: 'REFUNDING' },
    ]);
    expect(h[0].prevHash).toBe(GENESIS_HASH);
    expect(h[1].prevHash).toBe(h[0].hash);
    expect(verifyChain(h)).toEqual({ ok: true });
    expect(verifyChain([])).toEqual({ ok: true });
  });

  it('does not mind the order a database returns keys in', () => {
    const [ev] = chainOf([{ at: 1, actor: 'BUYER', action: 'APPLY', to: 'PENDING', data: { b: 1, a: 2 } }]);
    const reordered = JSON.parse(JSON.stringify({ hash: ev.hash, data: { a: 2, b: 1 }, to: ev.to, prevHash: ev.prevHash, seq: ev.seq, action: ev.action, actor: ev.actor, at: ev.at }));
    expect(verifyChain([reordered])).toEqual({ ok: true });
  });

  it('property: any edit to any field of any event is caught at that event', () => {
    fc.assert(
      fc.property(arbHistory, fc.nat(), fc.constantFrom(...FIELDS), fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 1_000 }), (h, pick, field, seed, n) => {
        const i = pick % h.length;
        const tampered = [...h];
        tampered[i] = edited(h[i], field, seed, n);
        fc.pre(canonicalJson(tampered[i]) !== canonicalJson(h[i]));
        expect(verifyChain(tampered)).toEqual({ ok: false, brokenAt: i });
      }),
      { numRuns: 500 },
    );
  });

  it('property: removing a field, or adding one, is caught at that event', () => {
    fc.assert(
      fc.property(arbHistory, fc.nat(), fc.boolean(), (h, pick, add) => {
        const i = pick % h.length;
        const tampered = [...h];
        if (add) {
          tampered[i] = { ...h[i], data: { ...(h[i].data ?? {}), approvedBy: 'TIMEOUT', extra: true } };
        } else {
          const { note: _n, data: _d, from: _f, ...rest } = h[i];
          fc.pre(h[i].note !== undefined || h[i].data !== undefined || h[i].from !== undefined);
          tampered[i] = rest as HistoryEvent;
        }
        expect(verifyChain(tampered)).toEqual({ ok: false, brokenAt: i });
      }),
      { numRuns: 300 },
    );
  });

  it('property: swapping two events is caught at the first of them', () => {
    fc.assert(
      fc.property(
        arbHistory.filter((h) => h.length >= 2),
        fc.nat(),
        fc.nat(),
        (h, a, b) => {
          const i = a % h.length;
          const j = b % h.length;
          fc.pre(i !== j);
          const [lo, hi] = i < j ? [i, j] : [j, i];
          const swapped = [...h];
          [swapped[lo], swapped[hi]] = [swapped[hi], swapped[lo]];
          expect(verifyChain(swapped)).toEqual({ ok: false, brokenAt: lo });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: removing any event but the newest is caught where it was', () => {
    fc.assert(
      fc.property(
        arbHistory.filter((h) => h.length >= 2),
        fc.nat(),
        (h, a) => {
          const i = a % (h.length - 1);
          const removed = [...h.slice(0, i), ...h.slice(i + 1)];
          expect(verifyChain(removed)).toEqual({ ok: false, brokenAt: i });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a forged event slipped in, even correctly linked, breaks the link after it', () => {
    fc.assert(
      fc.property(arbHistory, fc.nat(), arbEvent, (h, a, forged) => {
        const i = a % h.length;
        const prevHash = i === 0 ? GENESIS_HASH : h[i - 1].hash;
        const linked = { ...forged, prevHash };
        const withForgery = [...h.slice(0, i), { ...linked, hash: hashEvent(prevHash, linked) }, ...h.slice(i)];
        expect(verifyChain(withForgery)).toEqual({ ok: false, brokenAt: i + 1 });
      }),
      { numRuns: 300 },
    );
  });
});
