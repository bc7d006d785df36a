import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { ActionName } from '../../../../types/api';
import { resetTaroMock } from '../../../../test/taro/taro';
import { callAfterSale } from '../../../services/cloud';
import { useIdentityStore } from '../../../stores/identity';
import { MERCHANT_OPENID, NOW, statsAnswer } from '../../__fixtures__/cases';
import { exportCsv } from '../../logic/export';
import { useStatsStore } from '../../stores/stats';
import StatsPage from '../stats/index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../logic/export', () => ({ exportCsv: jest.fn(async () => 'downloaded') }));

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const calls = (action: ActionName) => call.mock.calls.filter(([a]) => a === action);

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  useStatsStore.getState().reset();
  useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'STAFF', shopId: 'shop_1' } });
  call.mockImplementation((async (action: ActionName) => {
    if (action === 'merchant.stats') return statsAnswer();
    throw new Error(`unexpected ${action}`);
  }) as typeof callAfterSale);
});
afterEach(() => jest.restoreAllMocks());

function bars(section: string) {
  const card = screen.getByText(section).closest('.section') as HTMLElement;
  return Array.from(card.querySelectorAll('.m-bars__row')).map((row) => ({
    label: row.querySelector('.m-bars__label')?.textContent,
    width: (row.querySelector('.m-bars__fill') as HTMLElement).style.width,
    value: row.querySelector('.m-bars__value')?.textContent,
  }));
}

describe('stats view (R25)', () => {
  it('asks for the last 30 Shanghai days and shows the rate, the timeout loss and the overturned rejections', async () => {
    render(<StatsPage />);
    await settle();
    expect(calls('merchant.stats')[0][1]).toEqual({ from: Date.UTC(2026, 9, 26, 16), to: Date.UTC(2026, 10, 25, 16) });
    expect(screen.getByText('4.5%')).toBeTruthy();
    expect(screen.getByText('9 单退款 / 200 单签收')).toBeTruthy();
    expect(screen.getByText('¥456.00')).toBeTruthy();
    expect(screen.getByText('利润损失 ¥98.00')).toBeTruthy();
    const overturned = screen.getByText('拒绝后被平台改判').parentElement as HTMLElement;
    expect(within(overturned).getByText('1 单')).toBeTruthy();
  });

  it('counts exchanges apart from refunds when there are any (SPEC §5)', async () => {
    call.mockImplementation((async () => statsAnswer({ exchangeCases: 3, exchangedCases: 2, convertedCases: 1 })) as typeof callAfterSale);
    render(<StatsPage />);
    await settle();
    const card = screen.getByText('换货申请').parentElement as HTMLElement;
    expect(within(card).getByText('3 单')).toBeTruthy();
    expect(within(card).getByText('已换货 2 单 · 无货转退款 1 单')).toBeTruthy();
  });

  it('draws one bar per bucket by reason, SKU and week, by count or by amount', async () => {
    render(<StatsPage />);
    await settle();
    expect(bars('退款原因')).toEqual([
      { label: '质量问题', width: '100%', value: '6 单' },
      { label: '快递问题', width: '50%', value: '3 单' },
      { label: '不想要了', width: '0%', value: '0 单' },
    ]);
    expect(bars('退款商品')).toEqual([{ label: '陶瓷马克杯', width: '100%', value: '5 单' }]);
    expect(bars('每周趋势').map((b) => b.value)).toEqual(['4 单', '8 单']);
    fireEvent.click(screen.getByText('按金额'));
    expect(bars('退款原因').map((b) => [b.width, b.value])).toEqual([
      ['100%', '¥300.00'],
      ['30%', '¥90.00'],
      ['0%', '¥0.00'],
    ]);
  });

  it('reloads for another range', async () => {
    render(<StatsPage />);
    await settle();
    fireEvent.click(screen.getByText('近7天'));
    await settle();
    const { from, to } = calls('merchant.stats')[1][1] as { from: number; to: number };
    expect(to - from).toBe(7 * 86_400_000);
  });

  it('exports the CSV the cloud computed, marked UTF-8 for Excel, named by its dates', async () => {
    render(<StatsPage />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: '导出 CSV' }));
    await settle();
    expect(exportCsv).toHaveBeenCalledWith('退款数据_2026-10-27_2026-11-25.csv', '\ufeff原因,单数,金额\n质量问题,6,300.00\n');
  });

  it('says so when there were no cases', async () => {
    call.mockImplementation((async () => statsAnswer({ byReason: [], bySku: [], byWeek: [], totalCases: 0, refundRate: 0 })) as typeof callAfterSale);
    render(<StatsPage />);
    await settle();
    expect(screen.getAllByText('这段时间没有售后申请')).toHaveLength(2);
    expect(screen.getByText('0.0%')).toBeTruthy();
  });
});
