/**
 * Canonical Extended JSON as the SDK sends it (bson's EJSON.stringify with relaxed: false): every
 * number is wrapped (`{"$numberInt": "3"}`, `{"$numberLong": "1732500000000"}`, `{"$numberDouble": "0.5"}`).
 * Only the wrappers this project can produce are accepted; anything else fails loudly so that a
 * change in what the SDK sends cannot pass unnoticed.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WRAPPERS = new Set([
  '$numberInt',
  '$numberLong',
  '$numberDouble',
  '$numberDecimal',
  '$date',
  '$oid',
  '$binary',
  '$regularExpression',
  '$timestamp',
  '$symbol',
  '$minKey',
  '$maxKey',
  '$undefined',
]);

function unwrap(key: string, value: unknown): Json {
  switch (key) {
    case '$numberInt':
    case '$numberLong':
    case '$numberDouble': {
      const n = Number(value);
      if (typeof value !== 'string' || Number.isNaN(n)) throw new Error(`EJSON: bad ${key} ${JSON.stringify(value)}`);
      return n;
    }
    default:
      throw new Error(`EJSON: ${key} is not used by this project`);
  }
}

export function fromEjson(value: unknown): Json {
  if (Array.isArray(value)) return value.map(fromEjson);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && WRAPPERS.has(keys[0])) return unwrap(keys[0], (value as Record<string, unknown>)[keys[0]]);
    const out: { [k: string]: Json } = {};
    for (const k of keys) out[k] = fromEjson((value as Record<string, unknown>)[k]);
    return out;
  }
  return value as Json;
}

export function parseEjson(text: string): Json {
  return fromEjson(JSON.parse(text));
}
