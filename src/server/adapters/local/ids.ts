import { randomBytes } from 'crypto';
import type { EpochMs } from '../../../../types/domain';
import { formatShanghai } from '../../../core/time';
import type { IdGen } from '../../ports';

/** Crockford's base32: no I, L, O, U, so ids read aloud or retyped from a screenshot stay unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `n` random base32 characters (5 bits each, from the OS's CSPRNG). */
export function randomBase32(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i += 1) out += ALPHABET[bytes[i] & 31];
  return out;
}

/**
 * Case ids `AS` + the Shanghai date + 8 random characters (40 bits: a collision among one day's cases
 * is negligible and the unique primary key would refuse it anyway); they sort by day. Other ids are
 * `<prefix>_` + 16 random characters.
 */
export class RandomIdGen implements IdGen {
  caseId(now: EpochMs): string {
    return `AS${formatShanghai(now, 'YYYYMMDD')}${randomBase32(8)}`;
  }

  id(prefix: string): string {
    return `${prefix}_${randomBase32(16)}`;
  }
}
