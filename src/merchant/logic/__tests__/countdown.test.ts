import { HOUR_MS, MINUTE_MS } from '../../../core/time';
import { NOW } from '../../__fixtures__/cases';
import { URGENT_WITHIN_MS, deadlineView, isUrgent } from '../countdown';

describe('panel countdown: red under 6 hours', () => {
  it('is not red with exactly 6 hours left, and red one millisecond later', () => {
    expect(URGENT_WITHIN_MS).toBe(6 * HOUR_MS);
    expect(isUrgent(NOW + 6 * HOUR_MS, NOW)).toBe(false);
    expect(isUrgent(NOW + 6 * HOUR_MS - 1, NOW)).toBe(true);
    expect(isUrgent(NOW + 6 * HOUR_MS + 1, NOW)).toBe(false);
  });

  it('says what happens when a PENDING deadline passes, and how long is left', () => {
    const v = deadlineView('PENDING', NOW + 5 * HOUR_MS + 20 * MINUTE_MS, NOW);
    expect(v).toEqual({ text: '5小时20分后自动同意', at: '11月25日 17:20', urgent: true, overdue: false });
    expect(deadlineView('PENDING', NOW + 30 * HOUR_MS, NOW)?.text).toBe('1天6小时后自动同意');
    expect(deadlineView('PENDING', NOW + 30 * HOUR_MS, NOW)?.urgent).toBe(false);
  });

  it('marks a passed deadline as overdue (and red), with the platform wording for escalations', () => {
    expect(deadlineView('PENDING', NOW, NOW)).toMatchObject({ text: '已到期，系统处理中', overdue: true, urgent: true });
    expect(deadlineView('ESCALATED', NOW - 1, NOW)?.text).toBe('已超过平台处理时限');
  });

  it('shows nothing for statuses without a deadline, or without deadlineAt', () => {
    expect(deadlineView('REFUNDING', NOW + HOUR_MS, NOW)).toBeNull();
    expect(deadlineView('PENDING', undefined, NOW)).toBeNull();
  });
});
