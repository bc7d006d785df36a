import { NOW, statsAnswer } from '../../__fixtures__/cases';
import { csvFileName, csvForExcel, formatRate, rangeOf, toBars } from '../stats';

describe('stats view logic (R25)', () => {
  it('scales bars to the longest, by count or by amount; zero stays empty, small never vanishes', () => {
    const byCount = toBars(statsAnswer().byReason, 'count');
    expect(byCount.map((b) => b.widthPct)).toEqual([100, 50, 0]);
    const byAmount = toBars([...statsAnswer().byReason, { key: 'OTHER', label: '其他', count: 1, amountFen: 10 }], 'amountFen');
    expect(byAmount.map((b) => b.widthPct)).toEqual([100, 30, 0, 2]);
    expect(toBars([{ key: 'a', label: 'a', count: 0, amountFen: 0 }], 'count')[0].widthPct).toBe(0);
  });

  it('prints the refund rate as a percentage with one decimal', () => {
    expect(formatRate(0.045)).toBe('4.5%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(1 / 3)).toBe('33.3%');
  });

  it('ranges are whole Shanghai days ending with today', () => {
    const { from, to } = rangeOf('7d', NOW);
    expect(to).toBe(Date.UTC(2026, 10, 25, 16));
    expect(to - from).toBe(7 * 86_400_000);
  });

  it('names the CSV by its dates and marks it UTF-8 for Excel, once', () => {
    expect(csvFileName(statsAnswer())).toBe('退款数据_2026-10-27_2026-11-25.csv');
    expect(csvForExcel('a,b\n')).toBe('\ufeffa,b\n');
    expect(csvForExcel('\ufeffa,b\n')).toBe('\ufeffa,b\n');
  });
});
