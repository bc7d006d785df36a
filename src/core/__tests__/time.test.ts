/**
 * The mini-program formats Shanghai time by plain UTC+8 arithmetic instead of dayjs (smaller main
 * package). These tests pin the exact strings, and check them against dayjs (a dev dependency kept
 * for this comparison) with the same fixed offset the code used before.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import {
  DAY_MS,
  formatShanghai,
  formatShort,
  formatTime,
  shanghaiDate,
  shanghaiDayStart,
  shanghaiWeekday,
  weekStart,
} from '../time';

dayjs.extend(utc);
const viaDayjs = (at: number, pattern: string) => dayjs(at).utcOffset(8 * 60).format(pattern);

/** Every pattern the product formats with (core, pages, merchant, server adapters). */
const PATTERNS = ['YYYY-MM-DD HH:mm', 'M月D日 HH:mm', 'YYYY-MM-DD', 'M月D日', 'YYYY年M月D日', 'YYYY年M月D日 HH:mm', 'YYYY-MM-DD HH:mm:ss', 'YYYYMMDDHHmmss', 'YYYYMMDD'];

describe('formatShanghai: dayjs tokens at UTC+8', () => {
  it('formats single-digit months, days and hours as the product shows them', () => {
    const at = Date.UTC(2027, 0, 4, 22, 5, 9); // 2027-01-05 06:05:09 in Shanghai
    expect(formatShanghai(at, 'YYYY-MM-DD HH:mm:ss')).toBe('2027-01-05 06:05:09');
    expect(formatShanghai(at, 'M月D日 HH:mm')).toBe('1月5日 06:05');
    expect(formatShanghai(at, 'YYYY年M月D日')).toBe('2027年1月5日');
    expect(formatShanghai(at, 'YYYYMMDDHHmmss')).toBe('20270105060509');
    expect(formatTime(at)).toBe('2027-01-05 06:05');
    expect(formatShort(at)).toBe('1月5日 06:05');
    expect(shanghaiDate(at)).toBe('2027-01-05');
  });

  it('turns the date at 16:00 UTC, also across a year end and on 29 February', () => {
    expect(formatTime(Date.UTC(2026, 11, 31, 15, 59))).toBe('2026-12-31 23:59');
    expect(formatTime(Date.UTC(2026, 11, 31, 16, 0))).toBe('2027-01-01 00:00');
    expect(formatShort(Date.UTC(2028, 1, 28, 16, 0))).toBe('2月29日 00:00');
    expect(shanghaiDate(Date.UTC(2028, 1, 29, 16, 0))).toBe('2028-03-01');
  });

  it('gives what dayjs gave for every pattern the product uses, at 20,000 instants from 1970 to 2100', () => {
    let seed = 20261206;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const from = 0;
    const to = Date.UTC(2100, 0, 1);
    const misses: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      // Whole seconds, and every hundredth instant on a Shanghai midnight where dates turn.
      let at = from + Math.floor(next() * (to - from) / 1000) * 1000;
      if (i % 100 === 0) at = shanghaiDayStart(at);
      for (const p of PATTERNS) {
        const mine = formatShanghai(at, p);
        const theirs = viaDayjs(at, p);
        if (mine !== theirs) misses.push(`${at} ${p}: ${mine} ≠ ${theirs}`);
      }
    }
    expect(misses).toEqual([]);
  });
});

describe('Shanghai days and weeks', () => {
  it('starts the day at 00:00 Shanghai (16:00 UTC the day before), as dayjs startOf("day") did', () => {
    const at = Date.UTC(2026, 10, 25, 15, 59, 59, 999);
    expect(shanghaiDayStart(at)).toBe(Date.UTC(2026, 10, 24, 16, 0));
    expect(shanghaiDayStart(at + 1)).toBe(Date.UTC(2026, 10, 25, 16, 0));
    for (let at2 = Date.UTC(2026, 0, 1); at2 < Date.UTC(2027, 0, 1); at2 += 7 * 3_600_000 + 123_457) {
      expect(shanghaiDayStart(at2)).toBe(dayjs(at2).utcOffset(480).startOf('day').valueOf());
    }
  });

  it('names the weekday and the Monday of the week in Shanghai', () => {
    const sundayLate = Date.UTC(2026, 10, 29, 15, 59); // Sunday 23:59 Shanghai
    expect(shanghaiWeekday(sundayLate)).toBe(0);
    expect(shanghaiWeekday(sundayLate + 60_000)).toBe(1);
    expect(weekStart(sundayLate)).toBe('2026-11-23');
    for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2026, 0, 1) + 60 * DAY_MS; at += 5 * 3_600_000 + 7_000) {
      const d = dayjs(at).utcOffset(480);
      expect(shanghaiWeekday(at)).toBe(d.day());
      expect(weekStart(at)).toBe(d.startOf('day').subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD'));
    }
  });
});
