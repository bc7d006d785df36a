/** 我的售后 stays fresh while left open (issue 17 item 4): it asks again by itself and shows the shop's answer. */
import { act, render, screen } from '@testing-library/react';
import { resetTaroMock } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase } from '../../../../test/taro/buyerFixtures';
import type { AfterSaleCase } from '../../../../types/domain';
import { BUYER_LIST_POLL_MS } from '../../../hooks/usePollWhileShown';
import { callAfterSale } from '../../../services/cloud';
import { useCasesStore } from '../../../stores/cases';
import { useIdentityStore } from '../../../stores/identity';
import CasesPage from '../index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../../components/StatusTabs', () => () => null);
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
});

it('asks again every 20 s while shown and shows the case’s new status', async () => {
  jest.useFakeTimers({ doNotFake: ['Date'] });
  try {
    let c: AfterSaleCase = buyerCase({ _id: 'C1' });
    call.mockImplementation(((action: string) =>
      action === 'listMine' ? Promise.resolve({ items: [c], nextCursor: null }) : Promise.reject(new Error(action))) as typeof callAfterSale);
    render(<CasesPage />);
    await act(() => jest.advanceTimersByTimeAsync(0));
    expect(screen.getByText('待商家处理')).toBeTruthy();
    const asked = call.mock.calls.length;
    c = { ...c, status: 'REFUNDING', version: c.version + 1 };
    await act(() => jest.advanceTimersByTimeAsync(BUYER_LIST_POLL_MS - 1));
    expect(call.mock.calls.length).toBe(asked);
    await act(() => jest.advanceTimersByTimeAsync(1));
    expect(call.mock.calls.length).toBe(asked + 1);
    expect(screen.getByText('退款中')).toBeTruthy();
  } finally {
    jest.useRealTimers();
  }
});
