/** Medians, ratios and the pass/miss verdicts every phase reports the same way. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The value at rank ⌈p/100 · n⌉ of the sorted values (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** How a figure compares with its target: `max` = must stay at or below, `min` = at or above. */
export interface Target {
  kind: 'max' | 'min';
  limit: number;
  /** How the limit reads in the table, e.g. "≤ 600 KB" or "≥ 50% of /healthz". */
  text: string;
}

export interface Verdict {
  target: string;
  pass: boolean;
}

export function verdict(value: number, t: Target): Verdict {
  const pass = Number.isFinite(value) && (t.kind === 'max' ? value <= t.limit : value >= t.limit);
  return { target: t.text, pass };
}

export function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const KB = 1024;
