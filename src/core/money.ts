import type { Fen } from '../../types/domain';

/** a × b ÷ c rounded half up, for non-negative integers (exact while a × b < 2^52). */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  return Math.floor((2 * a * b + c) / (2 * c));
}

/** `percent`% of `fen`, rounded half up to the fen (R3's 105%). */
export function percentOf(fen: Fen, percent: number): Fen {
  return mulDivRoundHalfUp(fen, percent, 100);
}

/** `bp` basis points of `fen`, rounded half up (R20's 0.6% = 60 bp). */
export function basisPointsOf(fen: Fen, bp: number): Fen {
  return mulDivRoundHalfUp(fen, bp, 10_000);
}

/**
 * What `count` units of a line were paid, when `before` units of it are already accounted for.
 * The line's paid amount is spread over its units so that all units together add up to exactly
 * the line's `paidFen` however they are split into cases (R11).
 */
export function unitsPaidFen(linePaidFen: Fen, lineQty: number, before: number, count: number): Fen {
  if (count <= 0) return 0;
  return mulDivRoundHalfUp(linePaidFen, before + count, lineQty) - mulDivRoundHalfUp(linePaidFen, before, lineQty);
}

/** `¥12.34` */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}

/** Parses what a person types (`12`, `12.3`, `¥12.34`) into fen; null if it is not an amount. */
export function parseYuan(text: string): Fen | null {
  const m = /^\s*¥?\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
