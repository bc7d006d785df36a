import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/zh-cn';
import type { EpochMs } from '../../types/domain';

dayjs.extend(utc);
dayjs.locale('zh-cn');

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and
 * needs no Intl time-zone data, which some mini-program JS engines lack.
 */
const SHANGHAI_OFFSET_MINUTES = 8 * 60;

export function shanghai(at: EpochMs): dayjs.Dayjs {
  return dayjs(at).utcOffset(SHANGHAI_OFFSET_MINUTES);
}

export function hours(n: number): number {
  return n * HOUR_MS;
}

export function days(n: number): number {
  return n * DAY_MS;
}

/** `2026-11-25 20:05` in Shanghai time. */
export function formatTime(at: EpochMs): string {
  return shanghai(at).format('YYYY-MM-DD HH:mm');
}

/** `11月25日 20:05` */
export function formatShort(at: EpochMs): string {
  return shanghai(at).format('M月D日 HH:mm');
}

/** The Shanghai calendar date `YYYY-MM-DD` of a moment. */
export function shanghaiDate(at: EpochMs): string {
  return shanghai(at).format('YYYY-MM-DD');
}

const SHANGHAI_OFFSET_MS = SHANGHAI_OFFSET_MINUTES * 60_000;

/**
 * [start, end) of the Shanghai calendar year containing `at` (R3's yearly cap). Plain arithmetic on
 * the fixed offset: the sweep asks this for every case it approves.
 */
export function calendarYearRange(at: EpochMs): [EpochMs, EpochMs] {
  const year = shanghaiYear(at);
  return [shanghaiYearStart(year), shanghaiYearStart(year + 1)];
}

/** The Shanghai calendar year of a moment (2026). */
export function shanghaiYear(at: EpochMs): number {
  return new Date(at + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/** 00:00 on 1 January of `year` in Shanghai. */
export function shanghaiYearStart(year: number): EpochMs {
  return Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS;
}

/** Monday 00:00 Shanghai of the week containing `at`, as `YYYY-MM-DD` (R25's weekly buckets). */
export function weekStart(at: EpochMs): string {
  const d = shanghai(at).startOf('day');
  const sinceMonday = (d.day() + 6) % 7;
  return d.subtract(sinceMonday, 'day').format('YYYY-MM-DD');
}

function isBusinessDay(at: EpochMs, holidays: ReadonlySet<string>): boolean {
  const d = shanghai(at);
  const weekday = d.day();
  return weekday !== 0 && weekday !== 6 && !holidays.has(d.format('YYYY-MM-DD'));
}

/**
 * R24: `n` business days after `from`, at the same time of day; weekends and the given
 * holidays (Shanghai dates) are skipped.
 */
export function addBusinessDays(from: EpochMs, n: number, holidays: readonly string[] = []): EpochMs {
  const skip = new Set(holidays);
  let at = from;
  let counted = 0;
  while (counted < n) {
    at += DAY_MS;
    if (isBusinessDay(at, skip)) counted += 1;
  }
  return at;
}

/** `1天3小时` / `5小时20分` / `12分钟`: what is left until a deadline, for countdowns. */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return '已到期';
  const d = Math.floor(ms / DAY_MS);
  const h = Math.floor((ms % DAY_MS) / HOUR_MS);
  const m = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  if (d > 0) return `${d}天${h}小时`;
  if (h > 0) return `${h}小时${m}分`;
  return `${Math.max(m, 1)}分钟`;
}
