import { usePanelStore } from '../../merchant/stores/panel';
import { useShopStore } from '../../merchant/stores/shop';
import { useIdentityStore } from '../../stores/identity';
import { ORDERS_PAGE_SIZE, useOrdersStore } from '../../stores/orders';
import { EARLY_TAKEN_MS, callAfterSale } from '../cloud';
import { setDevOpenid } from '../identity';
import { askFirstScreenEarly } from '../launch';

const env = process.env.TARO_ENV;
const realFetch = globalThis.fetch;
const fetchMock = jest.fn();
let now = 1_000_000;

/** What each request asked, in order: its action and fields. */
const sent = () => fetchMock.mock.calls.map(([, init]) => JSON.parse((init as RequestInit).body as string) as Record<string, unknown>);
const reply = (data: unknown) => Promise.resolve({ json: () => Promise.resolve({ ok: true, data }) });

function answer(body: Record<string, unknown>): unknown {
  switch (body.action) {
    case 'whoami':
      return { openid: 'oMerchant', role: 'OWNER', shopId: 'shop_1' };
    case 'merchant.settings.get':
      return { shop: { verified: true } };
    default:
      return { items: [], nextCursor: null };
  }
}

beforeEach(() => {
  process.env.TARO_ENV = 'h5';
  fetchMock.mockReset();
  fetchMock.mockImplementation((_url: string, init: RequestInit) => reply(answer(JSON.parse(init.body as string) as Record<string, unknown>)));
  globalThis.fetch = fetchMock as unknown as typeof fetch;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  setDevOpenid('oMerchant');
  usePanelStore.getState().reset();
  useShopStore.getState().reset();
  useIdentityStore.setState({ identity: undefined, error: undefined });
});
afterEach(() => {
  process.env.TARO_ENV = env;
  globalThis.fetch = realFetch;
  jest.restoreAllMocks();
});

describe('the first screen asked at launch (h5, issue 18 item 4)', () => {
  it('sends the panel’s own first requests once: its list, the settings and whoami take the answers asked at launch', async () => {
    askFirstScreenEarly('merchant/pages/panel/index', undefined, ORDERS_PAGE_SIZE);
    expect(sent()).toEqual([{ action: 'whoami' }, { status: 'PENDING', limit: 20, action: 'merchant.list' }, { action: 'merchant.settings.get' }]);
    now += EARLY_TAKEN_MS - 1;
    await Promise.all([usePanelStore.getState().load(), useShopStore.getState().loadShop(), useIdentityStore.getState().load()]);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(useIdentityStore.getState().identity?.role).toBe('OWNER');
    expect(usePanelStore.getState().lists.PENDING.status).toBe('ready');
    expect(useShopStore.getState().view).toEqual({ shop: { verified: true } });
    // Each answer is taken once: the next load asks again.
    await usePanelStore.getState().load();
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it('sends the order list’s first page of 全部 with whoami, and the page takes it', async () => {
    askFirstScreenEarly('pages/index/index', undefined, ORDERS_PAGE_SIZE);
    expect(sent()).toEqual([{ action: 'whoami' }, { limit: ORDERS_PAGE_SIZE, action: 'order.list' }]);
    await useOrdersStore.getState().loadList('ALL', 'refresh');
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(useOrdersStore.getState().lists.ALL.loaded).toBe(true);
  });

  it('asks again when the answer is too old, was asked as someone else, or is for another request', async () => {
    askFirstScreenEarly('merchant/pages/panel/index', undefined, ORDERS_PAGE_SIZE);
    now += EARLY_TAKEN_MS;
    await callAfterSale('merchant.list', { status: 'PENDING', limit: 20 });
    expect(fetchMock).toHaveBeenCalledTimes(4);
    setDevOpenid('oSomeoneElse');
    await callAfterSale('whoami', {});
    expect(fetchMock).toHaveBeenCalledTimes(5);
    expect((fetchMock.mock.calls[4][1] as RequestInit).headers).toMatchObject({ 'x-wx-openid': 'oSomeoneElse' });
    await callAfterSale('merchant.list', { status: 'APPROVED', limit: 20 });
    expect(fetchMock).toHaveBeenCalledTimes(6);
  });

  it('asks only what the page would: no orders for a kept shop identity, nothing without a demo identity, nothing for other pages', () => {
    askFirstScreenEarly('', { openid: 'oMerchant', role: 'OWNER', shopId: 'shop_1' }, ORDERS_PAGE_SIZE);
    expect(sent().map((b) => b.action)).toEqual(['whoami']);
    askFirstScreenEarly('merchant/pages/panel/index', { openid: 'oMerchant', role: 'BUYER' }, ORDERS_PAGE_SIZE);
    expect(sent().map((b) => b.action)).toEqual(['whoami', 'whoami']);
    askFirstScreenEarly('pages/help/index', undefined, ORDERS_PAGE_SIZE);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    setDevOpenid('');
    askFirstScreenEarly('pages/index/index', undefined, ORDERS_PAGE_SIZE);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('sends nothing early in the weapp', () => {
    process.env.TARO_ENV = 'weapp';
    askFirstScreenEarly('pages/index/index', undefined, ORDERS_PAGE_SIZE);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
