/** 换货 on the apply page (SPEC §5): the wanted size or colour, no amount, the exchange's reasons only. */
import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerOrder } from '../../../../test/taro/buyerFixtures';
import type { OrderView } from '../../../../types/api';
import { callAfterSale } from '../../../services/cloud';
import { useDraftStore } from '../../../stores/draft';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import ApplyPage from '../index';

jest.mock('../../../services/cloud', () => {
  const actual = jest.requireActual('../../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

function serve(order: OrderView = buyerOrder()) {
  call.mockImplementation(((action: string) => {
    if (action === 'order.get') return Promise.resolve(order);
    if (action === 'apply') return Promise.resolve(buyerCase({ type: 'EXCHANGE', amountFen: 0, exchangeNote: '换成大号' }));
    return Promise.reject(new Error(`unexpected ${action}`));
  }) as typeof callAfterSale);
}

async function openApply() {
  setRouterParams({ orderId: 'order_t1', skuId: 'sku_cup' });
  render(<ApplyPage />);
  await screen.findByText('售后类型');
}

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useDraftStore.setState({ drafts: {}, submitting: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
  serve();
});

describe('apply: 换货', () => {
  it('asks for the wanted variant instead of an amount, offers only the exchange reasons, and applies with amountFen 0', async () => {
    await openApply();
    fireEvent.click(screen.getByText('换货'));
    expect(screen.queryByLabelText('退款金额')).toBeNull();
    expect(screen.getByText('换货商品')).toBeTruthy();
    expect(screen.queryByRole('radio', { name: '快递问题' })).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: '不想要了' }));

    fireEvent.click(screen.getByRole('button', { name: /提交/ }));
    await settle();
    expect(call).not.toHaveBeenCalledWith('apply', expect.anything());
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '换成：请填写想换的尺码或颜色' }));

    fireEvent.input(screen.getByLabelText('想换的尺码或颜色'), { target: { value: '换成大号' } });
    fireEvent.change(screen.getByLabelText('想换的尺码或颜色'), { target: { value: '换成大号' } });
    expect(screen.getByText('换货 · 换成大号')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /提交/ }));
    await settle();
    await settle();
    const applied = call.mock.calls.find(([a]) => a === 'apply');
    expect(applied?.[1]).toMatchObject({ type: 'EXCHANGE', reason: 'NO_REASON', amountFen: 0, exchangeNote: '换成大号', items: [{ skuId: 'sku_cup', qty: 2 }] });
  });

  it('is not offered before the goods are received', async () => {
    serve(buyerOrder({ status: 'SHIPPED', deliveredAt: undefined }));
    await openApply();
    expect(screen.getByText('确认收货后可换货')).toBeTruthy();
  });
});
