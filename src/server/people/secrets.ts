/**
 * The secrets of SPEC §7 people and orders in: sync keys and one-time codes. Only their SHA-256 is
 * stored. Both are random enough that a plain hash suffices (no password stretching): a sync key
 * carries 256 bits; a code 60 bits, guessed online only, one call at a time, within its 24 hours.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'crypto';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Equal hashes, compared in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `sk_` + 43 base64url characters (32 random bytes). */
export function newSyncKey(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

/** No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or retyped from a chat survives. */
const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
const CODE_LENGTH = 13;

/** A one-time code as shown: `XXXX-XXXX-XXXXX` (13 symbols of 25, about 60 bits). */
export function newAccessCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** What is hashed: the code without separators, upper case (so 「ac7d-…」 typed in lower case still works). */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export function codeHash(code: string): string {
  return sha256Hex(`code:${normaliseCode(code)}`);
}

export function syncKeyHash(key: string): string {
  return sha256Hex(`synckey:${key}`);
}
