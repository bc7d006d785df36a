import { DomainError, invalidInput, isDomainError } from '../errors';
import { basisPointsOf, formatYuan, mulDivRoundHalfUp, parseYuan, percentOf, unitsPaidFen } from '../money';
import { DEFAULT_SETTINGS, shopWithDefaults, withDefaults } from '../settings';
import {
  addBusinessDays,
  calendarYearRange,
  DAY_MS,
  days,
  formatRemaining,
  formatShort,
  formatTime,
  hours,
  HOUR_MS,
  MINUTE_MS,
  shanghaiDate,
  weekStart,
} from '../time';

// 2026-11-25 is a Wednesday; 16:30 UTC is 00:30 on the 26th in Shanghai.
const WED_1630_UTC = Date.UTC(2026, 10, 25, 16, 30);

describe('time: Shanghai calendar (UTC+8, no daylight saving)', () => {
  it('formats moments in Shanghai time, whatever the machine zone', () => {
    expect(formatTime(WED_1630_UTC)).toBe('2026-11-26 00:30');
    expect(formatShort(WED_1630_UTC)).toBe('11月26日 00:30');
    expect(shanghaiDate(WED_1630_UTC)).toBe('2026-11-26');
    expect(hours(48)).toBe(48 * HOUR_MS);
    expect(days(15)).toBe(15 * DAY_MS);
  });

  it('gives the calendar year by Shanghai midnight (R3 yearly cap)', () => {
    const newYearShanghai = Date.UTC(2026, 11, 31, 16, 0); // 2027-01-01 00:00 in Shanghai
    expect(calendarYearRange(newYearShanghai - 1)).toEqual([Date.UTC(2025, 11, 31, 16, 0), newYearShanghai]);
    expect(calendarYearRange(newYearShanghai)[0]).toBe(newYearShanghai);
  });

  it('starts weeks on Monday in Shanghai (R25 buckets)', () => {
    expect(weekStart(WED_1630_UTC)).toBe('2026-11-23');
    expect(weekStart(Date.UTC(2026, 10, 29, 15, 59))).toBe('2026-11-23'); // Sunday 23:59 Shanghai
    expect(weekStart(Date.UTC(2026, 10, 29, 16, 0))).toBe('2026-11-30'); // Monday 00:00 Shanghai
  });

  it('counts business days skipping weekends and holidays (R24)', () => {
    const fri = Date.UTC(2026, 10, 27, 2, 0);
    expect(addBusinessDays(fri, 3)).toBe(fri + 5 * DAY_MS); // Mon, Tue, Wed
    expect(addBusinessDays(fri, 3, ['2026-12-01'])).toBe(fri + 6 * DAY_MS); // Tuesday off
    expect(addBusinessDays(fri, 0)).toBe(fri);
  });

  it('says what is left before a deadline in words a phone can show', () => {
    expect(formatRemaining(0)).toBe('已到期');
    expect(formatRemaining(-5)).toBe('已到期');
    expect(formatRemaining(DAY_MS + 3 * HOUR_MS + 5 * MINUTE_MS)).toBe('1天3小时');
    expect(formatRemaining(5 * HOUR_MS + 20 * MINUTE_MS)).toBe('5小时20分');
    expect(formatRemaining(12 * MINUTE_MS)).toBe('12分钟');
    expect(formatRemaining(10_000)).toBe('1分钟');
  });
});

describe('money: integer fen, rounded half up', () => {
  it('rounds half up at the fen', () => {
    expect(mulDivRoundHalfUp(1, 1, 2)).toBe(1);
    expect(mulDivRoundHalfUp(1, 1, 3)).toBe(0);
    expect(percentOf(10_001, 105)).toBe(10_501); // 10501.05
    expect(percentOf(10, 105)).toBe(11); // 10.5
    expect(basisPointsOf(250, 60)).toBe(2); // 1.5
    expect(basisPointsOf(249, 60)).toBe(1); // 1.494
  });

  it('spreads a line over its units so any split sums to the line', () => {
    const parts = [unitsPaidFen(1000, 3, 0, 1), unitsPaidFen(1000, 3, 1, 1), unitsPaidFen(1000, 3, 2, 1)];
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(unitsPaidFen(1000, 3, 0, 0)).toBe(0);
  });

  it('formats and parses yuan', () => {
    expect(formatYuan(0)).toBe('¥0.00');
    expect(formatYuan(27216)).toBe('¥272.16');
    expect(formatYuan(-105)).toBe('-¥1.05');
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('¥12.3')).toBe(1230);
    expect(parseYuan(' 0.05 ')).toBe(5);
    expect(parseYuan('12.345')).toBeNull();
    expect(parseYuan('-1')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
  });
});

describe('errors: one type, catalogue messages, the field named', () => {
  it('carries the catalogue message and solution unless given its own', () => {
    const e = new DomainError('RISK_CONTROL_TRIGGERED', { rule: 'R7' });
    expect(e.toApiError()).toEqual({
      code: 'RISK_CONTROL_TRIGGERED',
      message: '近期退款次数较多，已触发风控',
      solution: '联系微信支付客服提交申诉材料解除限制',
      rule: 'R7',
    });
    const bad = invalidInput('items.0.qty', '「数量」填写有误');
    expect(bad.toApiError()).toMatchObject({ code: 'INVALID_INPUT', field: 'items.0.qty', message: '「数量」填写有误' });
    expect(isDomainError(bad)).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
  });
});

describe('settings: every default filled in', () => {
  it('fills what a shop leaves out and keeps what it sets', () => {
    const s = withDefaults({ autoReplyText: '已收到', noteTemplates: { approve: ['好的'], reject: [], offer: [] } });
    expect(s.autoReplyText).toBe('已收到');
    expect(s.autoApproveHours).toBe(48);
    expect(s.platformFeeRateBp).toBe(60);
    expect(s.noteTemplates.approve).toEqual(['好的']);
    expect(withDefaults()).toEqual(DEFAULT_SETTINGS);
    expect(shopWithDefaults({ _id: 's', name: '店', verified: true }).settings).toEqual(DEFAULT_SETTINGS);
  });
});
