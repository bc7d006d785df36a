import type { EpochMs } from '../../types/domain';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and
 * needs no Intl time-zone data, which some mini-program JS engines lack. Plain arithmetic on that offset
 * replaced dayjs (+ its utc plugin and zh-cn locale) in the mini-program: README, "Decisions and limits".
 */
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** A moment as Shanghai's wall clock: a `Date` whose UTC fields read Shanghai's year, month, day… */
function wall(at: EpochMs): Date {
  return new Date(at + SHANGHAI_OFFSET_MS);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

const TOKENS = /YYYY|MM|M|DD|D|HH|mm|ss/g;

/**
 * `at` in Shanghai time, as dayjs would format it with these tokens: `YYYY` year, `MM`/`M` month,
 * `DD`/`D` day, `HH` hour (00–23), `mm` minute, `ss` second; every other character is kept as it is.
 * Years 1000–9999.
 */
export function formatShanghai(at: EpochMs, pattern: string): string {
  const d = wall(at);
  return pattern.replace(TOKENS, (t) => {
    switch (t) {
      case 'YYYY':
        return String(d.getUTCFullYear());
      case 'MM':
        return pad2(d.getUTCMonth() + 1);
      case 'M':
        return String(d.getUTCMonth() + 1);
      case 'DD':
        return pad2(d.getUTCDate());
      case 'D':
        return String(d.getUTCDate());
      case 'HH':
        return pad2(d.getUTCHours());
      case 'mm':
        return pad2(d.getUTCMinutes());
      default:
        return pad2(d.getUTCSeconds());
    }
  });
}

/** 00:00 Shanghai of the day containing `at`. */
export function shanghaiDayStart(at: EpochMs): EpochMs {
  return Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The Shanghai weekday of a moment: 0 Sunday … 6 Saturday. */
export function shanghaiWeekday(at: EpochMs): number {
  return wall(at).getUTCDay();
}

export function hours(n: number): number {
  return n * HOUR_MS;
}

export function days(n: number): number {
  return n * DAY_MS;
}

/** `2026-11-25 20:05` in Shanghai time. */
export function formatTime(at: EpochMs): string {
  return formatShanghai(at, 'YYYY-MM-DD HH:mm');
}

/** `11月25日 20:05` */
export function formatShort(at: EpochMs): string {
  return formatShanghai(at, 'M月D日 HH:mm');
}

/** The Shanghai calendar date `YYYY-MM-DD` of a moment. */
export function shanghaiDate(at: EpochMs): string {
  return formatShanghai(at, 'YYYY-MM-DD');
}

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
  const sinceMonday = (shanghaiWeekday(at) + 6) % 7;
  return shanghaiDate(shanghaiDayStart(at) - sinceMonday * DAY_MS);
}

function isBusinessDay(at: EpochMs, holidays: ReadonlySet<string>): boolean {
  const weekday = shanghaiWeekday(at);
  return weekday !== 0 && weekday !== 6 && !holidays.has(shanghaiDate(at));
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
