import Taro from '@tarojs/taro';
import { act, render, screen, within } from '@testing-library/react';
import { resetTaroMock } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerOrder } from '../../../../test/taro/buyerFixtures';
import type { OrderView } from '../../../../types/api';
import { DAY_MS } from '../../../core/time';
import { callAfterSale } from '../../../services/cloud';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import OrdersPage from '../index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

function serve(orders: OrderView[]) {
  call.mockImplementation(((action: string) => {
    if (action === 'order.list') return Promise.resolve({ items: orders, nextCursor: null });
    if (action === 'whoami') return Promise.resolve({ openid: BUYER_OPENID, role: 'BUYER' });
    return Promise.reject(new Error(`unexpected ${action}`));
  }) as typeof callAfterSale);
}

const card = (shopName: string) => screen.getByText(shopName).closest('.order-card') as HTMLElement;

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
});

describe('order list: 申请售后 as the shared core sees it (issue 17)', () => {
  it('greys 申请售后 with the reason on an order past its window and on a risk-controlled buyer, and keeps it green otherwise', async () => {
    const now = Date.now();
    const fresh = buyerOrder({ _id: 'order_ok' });
    fresh.shop = { ...fresh.shop, name: '能申请的店' };
    const expired = buyerOrder({ _id: 'order_old', paidAt: now - 40 * DAY_MS, shippedAt: now - 39 * DAY_MS, deliveredAt: now - 38 * DAY_MS });
    expired.shop = { ...expired.shop, name: '过了售后期的店' };
    const earlier = [1, 2, 3].map((i) => buyerCase({ _id: `c${i}`, status: 'REFUNDED', createdAt: now - i * DAY_MS }));
    const risky = buyerOrder({ _id: 'order_risk', buyerCaseTimes: earlier.map((c) => c.createdAt) });
    risky.shop = { ...risky.shop, name: '风控中的店' };
    serve([fresh, expired, risky]);
    render(<OrdersPage />);
    await settle();
    await settle();

    const ok = within(card('能申请的店')).getByRole('button', { name: '申请售后' });
    expect(ok.className).toContain('btn--primary');

    for (const shop of ['过了售后期的店', '风控中的店']) {
      const button = within(card(shop)).getByRole('button', { name: '申请售后' });
      expect(button.className).not.toContain('btn--primary');
      expect(button.className).toContain('btn--disabled');
      expect(within(card(shop)).getByText(/^暂不能申请售后：/)).toBeTruthy();
    }
    expect(within(card('风控中的店')).getByText(/已触发风控/, { selector: '.order-card__why' })).toBeTruthy();
    expect(within(card('过了售后期的店')).getByText(/^暂不能申请售后：/).textContent).not.toMatch(/\bR\d+\b/);
  });
});

describe('where a shop or platform identity lands (issue 17)', () => {
  it('takes a merchant from 我的订单 to the panel once a session, and lets them come back to 我的订单 later', async () => {
    call.mockImplementation(((action: string) => {
      if (action === 'whoami') return Promise.resolve({ openid: 'oOwner', role: 'OWNER', shopId: 'shop_1' });
      return Promise.reject(new Error(`unexpected ${action}`));
    }) as typeof callAfterSale);
    useIdentityStore.setState({ identity: { openid: 'oOwner', role: 'OWNER', shopId: 'shop_1' } });
    const first = render(<OrdersPage />);
    await settle();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/merchant/pages/panel/index' });
    first.unmount();

    (Taro.redirectTo as jest.Mock).mockClear();
    render(<OrdersPage />);
    await settle();
    expect(Taro.redirectTo).not.toHaveBeenCalled();
    expect(screen.getByText('进入商家售后工作台')).toBeTruthy();
  });

  it('leaves a buyer on 我的订单', async () => {
    serve([buyerOrder()]);
    render(<OrdersPage />);
    await settle();
    expect(Taro.redirectTo).not.toHaveBeenCalled();
  });
});
