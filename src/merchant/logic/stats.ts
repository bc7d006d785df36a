import type { Stats, StatsBucket } from '../../../types/api';
import type { EpochMs } from '../../../types/domain';
import { DAY_MS, shanghaiDate, shanghaiDayStart } from '../../core/time';

export interface Bar extends StatsBucket {
  /** Share of the longest bar, 0–100; a non-zero value is never drawn thinner than 2%. */
  widthPct: number;
}

export type BarMeasure = 'count' | 'amountFen';

export function toBars(buckets: readonly StatsBucket[], measure: BarMeasure): Bar[] {
  const max = buckets.reduce((m, b) => Math.max(m, b[measure]), 0);
  return buckets.map((b) => {
    const v = b[measure];
    const widthPct = max === 0 || v === 0 ? 0 : Math.max(2, Math.round((v / max) * 100));
    return { ...b, widthPct };
  });
}

/** `5.2%`; a rate is refunded cases ÷ delivered orders (R25), 0 when there were no orders. */
export function formatRate(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export type RangeKey = '7d' | '30d' | '90d';

export const RANGES: readonly { key: RangeKey; title: string; days: number }[] = [
  { key: '7d', title: '近7天', days: 7 },
  { key: '30d', title: '近30天', days: 30 },
  { key: '90d', title: '近90天', days: 90 },
];

/** [from, to): whole Shanghai days, ending with today. */
export function rangeOf(key: RangeKey, now: EpochMs): { from: EpochMs; to: EpochMs } {
  const days = (RANGES.find((r) => r.key === key) ?? RANGES[1]).days;
  const to = shanghaiDayStart(now) + DAY_MS;
  return { from: to - days * DAY_MS, to };
}

export function csvFileName(stats: Pick<Stats, 'from' | 'to'>): string {
  return `退款数据_${shanghaiDate(stats.from)}_${shanghaiDate(stats.to - 1)}.csv`;
}

/** Excel on Windows reads a CSV as GBK unless it starts with a UTF-8 byte-order mark. */
export function csvForExcel(csv: string): string {
  return csv.startsWith('\ufeff') ? csv : `\ufeff${csv}`;
}
