import type { Identity } from '../../../types/api';

jest.mock('../../services/cloud', () => {
  const actual = jest.requireActual('../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});

type TaroMock = typeof import('../../../test/taro/taro');
type Store = typeof import('../identity');
type Cloud = { callAfterSale: jest.Mock };

const BUYER: Identity = { openid: 'oBuyerA', role: 'BUYER' };

/** A fresh launch of the app: new modules, with the given storage carried over from the last one. */
function launch(storage: Record<string, unknown> = {}): { Taro: TaroMock['default']; store: Store; call: jest.Mock } {
  let out!: { Taro: TaroMock['default']; store: Store; call: jest.Mock };
  jest.isolateModules(() => {
    const taro = jest.requireActual<TaroMock>('@tarojs/taro');
    for (const [k, v] of Object.entries(storage)) taro.default.setStorageSync(k, v);
    const cloud = jest.requireMock<Cloud>('../../services/cloud');
    out = { Taro: taro.default, store: jest.requireActual<Store>('../identity'), call: cloud.callAfterSale };
  });
  return out;
}

const env = process.env.TARO_ENV;
beforeAll(() => {
  process.env.TARO_ENV = 'h5';
});
afterAll(() => {
  process.env.TARO_ENV = env;
});

describe('identity: the last whoami is kept per caller, and asked again in the background', () => {
  it('a first launch asks whoami and keeps the answer for this caller', async () => {
    const { Taro, store, call } = launch({ 'aftersale.devOpenid': 'oBuyerA' });
    expect(store.useIdentityStore.getState().identity).toBeUndefined();
    call.mockResolvedValueOnce(BUYER);
    await expect(store.useIdentityStore.getState().load()).resolves.toEqual(BUYER);
    expect(Taro.getStorageSync('aftersale.identity')).toEqual({ owner: 'oBuyerA', identity: BUYER });
  });

  it('the next launch renders at once from the cache and re-asks once in the background', async () => {
    const { store, call } = launch({ 'aftersale.devOpenid': 'oBuyerA', 'aftersale.identity': { owner: 'oBuyerA', identity: BUYER } });
    expect(store.useIdentityStore.getState().identity).toEqual(BUYER);
    const promoted: Identity = { openid: 'oBuyerA', role: 'STAFF', shopId: 's1' };
    let answer!: (i: Identity) => void;
    call.mockReturnValueOnce(new Promise<Identity>((r) => (answer = r)));
    await expect(store.useIdentityStore.getState().load()).resolves.toEqual(BUYER);
    await store.useIdentityStore.getState().load();
    expect(call).toHaveBeenCalledTimes(1);
    expect(store.useIdentityStore.getState().loading).toBe(false);
    answer(promoted);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.useIdentityStore.getState().identity).toEqual(promoted);
  });

  it('another caller never sees the cached identity; signing in as someone else drops it', async () => {
    const cached = { 'aftersale.identity': { owner: 'oBuyerA', identity: BUYER } };
    expect(launch({ 'aftersale.devOpenid': 'oBuyerB', ...cached }).store.useIdentityStore.getState().identity).toBeUndefined();
    const { Taro, store, call } = launch({ 'aftersale.devOpenid': 'oBuyerA', ...cached });
    call.mockResolvedValueOnce({ openid: 'oMerchant', role: 'OWNER', shopId: 's1' });
    await store.useIdentityStore.getState().signIn('oMerchant', '王芳');
    expect(store.useIdentityStore.getState().identity?.role).toBe('OWNER');
    expect(Taro.getStorageSync('aftersale.identity')).toEqual({ owner: 'oMerchant', identity: { openid: 'oMerchant', role: 'OWNER', shopId: 's1' } });
  });
});
