import Taro from '@tarojs/taro';
import { resetTaroMock } from '../../../test/taro/taro';
import { buyerOrder } from '../../../test/taro/buyerFixtures';
import { callAfterSale } from '../../services/cloud';
import { getDevOpenid } from '../../services/identity';
import { useIdentityStore } from '../identity';
import { useOrdersStore } from '../orders';
import { switchIdentity } from '../session';

jest.mock('../../services/cloud', () => {
  const actual = jest.requireActual('../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useIdentityStore.setState({ identity: undefined, loading: false, error: undefined });
});

describe('switching the h5 demo identity', () => {
  it("drops the previous buyer's orders and asks whoami as the new identity", async () => {
    call.mockResolvedValueOnce({ items: [buyerOrder()], nextCursor: null });
    await useOrdersStore.getState().loadList('ALL', 'refresh');
    expect(useOrdersStore.getState().byId.order_t1).toBeDefined();

    call.mockImplementationOnce((async () => ({ openid: getDevOpenid(), role: 'OWNER', shopId: 'shop_t' })) as unknown as typeof callAfterSale);
    const who = await switchIdentity('oMerchantOwner', '王芳');
    expect(who).toEqual({ openid: 'oMerchantOwner', role: 'OWNER', shopId: 'shop_t' });
    expect(useOrdersStore.getState().lists).toEqual({});
    expect(useOrdersStore.getState().byId).toEqual({});
    expect(Taro.getStorageSync('aftersale.devName')).toBe('王芳');
  });
});
