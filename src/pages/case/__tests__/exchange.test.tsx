/** The buyer's case page on an exchange (SPEC §5): its steps, the return address, the replacement's tracking, 确认收货. */
import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerOrder } from '../../../../test/taro/buyerFixtures';
import type { AfterSaleCase } from '../../../../types/domain';
import { appendHistory } from '../../../core/chain';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import { callAfterSale } from '../../../services/cloud';
import { useCasesStore } from '../../../stores/cases';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import CasePage from '../index';

jest.mock('../../../services/cloud', () => {
  const actual = jest.requireActual('../../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const address = { name: '王店长', phone: '13800138000', address: '浙江省杭州市西湖区文三路100号' };

function exchange(over: Partial<AfterSaleCase>): AfterSaleCase {
  const base = buyerCase({ type: 'EXCHANGE', reason: 'NO_REASON', amountFen: 0, feeFen: 0, feeBearer: 'NONE', exchangeNote: '换成大号', ...over });
  return appendHistory({ ...base, history: [] }, { at: base.createdAt, actor: 'BUYER', action: 'APPLY', to: 'PENDING' });
}

function serve(c: AfterSaleCase, handlers: Record<string, (req: Record<string, unknown>) => Promise<unknown>> = {}) {
  call.mockImplementation(((action: string, req: Record<string, unknown>) => {
    if (handlers[action]) return handlers[action](req);
    if (action === 'get') return Promise.resolve(c);
    if (action === 'order.get') return Promise.resolve(buyerOrder());
    return Promise.reject(new Error(`unexpected ${action}`));
  }) as typeof callAfterSale);
}

async function openCase(c: AfterSaleCase) {
  setRouterParams({ id: c._id });
  render(<CasePage />);
  await screen.findByText('申请信息');
  await settle();
}

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
});

describe('case detail: an exchange', () => {
  it('approved: shows the steps reached, the wanted variant and the return address, and asks for the return shipment', async () => {
    const c = exchange({ status: 'AWAITING_RETURN', returnAddress: address, deadlineAt: Date.now() + 7 * DAY_MS });
    serve(c);
    await openCase(c);
    expect(screen.getByText('售后进度')).toBeTruthy();
    expect(Array.from(document.querySelectorAll('.steps__item--done .steps__label')).map((e) => e.textContent)).toEqual(['提交申请', '商家同意']);
    expect(screen.getByText('换成：换成大号')).toBeTruthy();
    expect(screen.getByText(/商家已同意换货/)).toBeTruthy();
    expect(screen.getByText(address.address)).toBeTruthy();
    expect(screen.getByRole('button', { name: '提交退货物流' })).toBeTruthy();
    expect(screen.queryByText('申请金额')).toBeNull();
  });

  it('reshipped: shows the replacement\'s tracking and 确认收货, which confirms once the buyer agrees', async () => {
    const c = exchange({
      status: 'RESHIPPED',
      returnAddress: address,
      reship: { company: '中通快递', trackingNo: 'ZT9876543210', at: Date.now() - HOUR_MS },
      deadlineAt: Date.now() + 10 * DAY_MS - HOUR_MS,
    });
    serve(c, { confirmReceipt: async () => ({ ...c, status: 'EXCHANGED', deadlineAt: undefined, version: c.version + 1 }) });
    await openCase(c);
    expect(screen.getByText('换货物流')).toBeTruthy();
    expect(screen.getByText('ZT9876543210')).toBeTruthy();
    expect(screen.getByText(/后系统自动确认收到换货/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '确认收货' }));
    await settle();
    await settle();
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认已收到换货商品？' }));
    expect(call.mock.calls.filter(([a]) => a === 'confirmReceipt')).toEqual([['confirmReceipt', { caseId: c._id }]]);
    expect(screen.getByText('已换货')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '确认收货' })).toBeNull();
  });

  it('converted to a refund: says so and shows the refund under way', async () => {
    const c = exchange({
      status: 'REFUNDING',
      approvedFen: 4_900,
      convertedAt: Date.now() - HOUR_MS,
      refunds: [{ outRefundNo: 'case_t1-1', amountFen: 4_900, status: 'PROCESSING', at: Date.now() - HOUR_MS, method: 'ORIGINAL' }],
    });
    serve(c);
    await openCase(c);
    expect(screen.getByText('商家无法换货，已为您转为退款')).toBeTruthy();
    expect(screen.getByText('退款进度')).toBeTruthy();
  });
});
