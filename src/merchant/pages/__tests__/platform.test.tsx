import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { ActionName } from '../../../../types/api';
import { resetTaroMock, triggerReachBottom } from '../../../../test/taro/taro';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import { callAfterSale } from '../../../services/cloud';
import { useIdentityStore } from '../../../stores/identity';
import { NOW, mcase } from '../../__fixtures__/cases';
import { usePlatformStore } from '../../stores/platform';
import PlatformPage from '../platform/index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../components/Sheet', () => jest.requireActual('../../__fixtures__/standins').sheetModule);

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const calls = (action: ActionName) => call.mock.calls.filter(([a]) => a === action);

const escalated = (id: string, over = {}) =>
  mcase({ _id: id, status: 'ESCALATED', tier: 'DIFFICULT', rejection: { reasonCode: 'NO_EVIDENCE', note: '无凭证', at: NOW - DAY_MS }, ...over });

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  usePlatformStore.getState().reset();
  useIdentityStore.setState({ identity: { openid: 'platform_1', role: 'PLATFORM' } });
});
afterEach(() => jest.restoreAllMocks());

describe('platform queue (R24)', () => {
  it('lists escalated cases by deadline, flags the overdue ones and pages on with the cursor', async () => {
    call.mockImplementation((async (action: ActionName, req: { cursor?: string }) => {
      if (action !== 'platform.list') throw new Error(action);
      return req.cursor
        ? { items: [escalated('E3', { deadlineAt: NOW + 3 * DAY_MS })], nextCursor: null }
        : {
            items: [
              escalated('E1', { deadlineAt: NOW - HOUR_MS, platformOverdue: true }),
              escalated('E2', { deadlineAt: NOW + 5 * HOUR_MS, tier: 'LEGAL', amountFen: 60_000 }),
            ],
            nextCursor: 'c2',
          };
    }) as typeof callAfterSale);
    const { container } = render(<PlatformPage />);
    await settle();
    expect(screen.getByText('其中 1 单已超过处理时限，请优先处理')).toBeTruthy();
    const e1 = within(container.querySelector('[data-case-id="E1"]') as HTMLElement);
    expect(e1.getByText(/^已超时 · 截止/)).toBeTruthy();
    expect(e1.getByText('平台已超时')).toBeTruthy();
    const e2 = within(container.querySelector('[data-case-id="E2"]') as HTMLElement);
    expect(e2.getByText('法律纠纷')).toBeTruthy();
    expect(e2.getByText('5小时0分内平台需出具处理方案').className).toContain('platform__due--urgent');
    expect(e2.getByText('商家拒绝：无凭证')).toBeTruthy();

    act(() => triggerReachBottom());
    await settle();
    expect(calls('platform.list')[1][1]).toEqual({ cursor: 'c2', limit: 20 });
    expect(Array.from(container.querySelectorAll('[data-case-id]')).map((e) => e.getAttribute('data-case-id'))).toEqual(['E1', 'E2', 'E3']);

    fireEvent.click(container.querySelector('[data-case-id="E2"]') as HTMLElement);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/merchant/pages/review/index?id=E2&as=platform' });
  });

  it('lifts a buyer’s risk control (R7) with a reason', async () => {
    call.mockImplementation((async (action: ActionName) => {
      if (action === 'platform.list') return { items: [], nextCursor: null };
      if (action === 'platform.liftRisk') return { openid: 'buyer_9', liftedAt: NOW };
      throw new Error(action);
    }) as typeof callAfterSale);
    render(<PlatformPage />);
    await settle();
    expect(screen.getByText('没有待处理的平台介入申请')).toBeTruthy();
    fireEvent.click(screen.getByText('解除买家风控 ›'));
    const s = within(screen.getByRole('dialog', { name: '解除买家风控' }));
    fireEvent.change(document.querySelector('input[data-name="openid"]') as HTMLInputElement, { target: { value: 'buyer_9' } });
    fireEvent.click(s.getByRole('button', { name: '确认解除' }));
    await settle();
    expect(s.getByText(/请填写解除原因/)).toBeTruthy();
    fireEvent.change(document.querySelector('textarea[data-name="note"]') as HTMLTextAreaElement, { target: { value: '买家已提交申诉材料' } });
    fireEvent.click(s.getByRole('button', { name: '确认解除' }));
    await settle();
    expect(calls('platform.liftRisk')[0][1]).toEqual({ openid: 'buyer_9', note: '买家已提交申诉材料' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
