import { CATALOGUE } from '../errors';
import { committedToYearFen } from '../rules';
import { makeCase } from './fixtures';

const T = Date.UTC(2026, 10, 25);

describe('R3 yearly cap: what one case holds against its shop’s year', () => {
  const approved = makeCase({ status: 'REFUNDING', approvedAt: T, approvedFen: 12_345 });

  it('holds the agreed amount from approval on, refunded or still paying', () => {
    expect(committedToYearFen(approved)).toBe(12_345);
    expect(committedToYearFen({ ...approved, status: 'REFUNDED' })).toBe(12_345);
    expect(committedToYearFen({ ...approved, status: 'REFUND_FAILED', lastError: { code: 'REFUND_CLOSED', ...CATALOGUE.REFUND_CLOSED } })).toBe(12_345);
  });

  it('holds nothing before approval, once cancelled or closed, or when the refund failed for good', () => {
    expect(committedToYearFen(makeCase({ amountFen: 5_000 }))).toBe(0);
    expect(committedToYearFen({ ...approved, status: 'CLOSED' })).toBe(0);
    expect(committedToYearFen({ ...approved, status: 'CANCELLED' })).toBe(0);
    for (const code of ['AFTER_SALE_WINDOW_EXPIRED', 'AMOUNT_EXCEEDS_LIMIT'] as const) {
      expect(committedToYearFen({ ...approved, status: 'REFUND_FAILED', lastError: { code, ...CATALOGUE[code] } })).toBe(0);
    }
  });
});
