/** The h5 sign-in page: who lands where once chosen (issue 17 item 11). */
import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { fetchDevIdentities } from '../../../services/devIdentities';
import { switchIdentity } from '../../../stores/session';
import DevLoginPage from '../index';

jest.mock('../../../services/devIdentities', () => ({ fetchDevIdentities: jest.fn() }));
jest.mock('../../../stores/session', () => ({ switchIdentity: jest.fn() }));
const list = fetchDevIdentities as jest.MockedFunction<typeof fetchDevIdentities>;
const become = switchIdentity as jest.MockedFunction<typeof switchIdentity>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

const PEOPLE = [
  { openid: 'oBuyer', role: 'BUYER' as const, name: '张伟' },
  { openid: 'oOwner', role: 'OWNER' as const, name: '王芳', shopId: 'shop_1' },
  { openid: 'oStaff', role: 'STAFF' as const, name: '小李', shopId: 'shop_1' },
  { openid: 'oPlatform', role: 'PLATFORM' as const, name: '赵敏' },
];

beforeEach(() => {
  resetTaroMock();
  list.mockResolvedValue(PEOPLE);
  become.mockImplementation((openid) => {
    const who = PEOPLE.find((p) => p.openid === openid);
    return Promise.resolve(who && { openid: who.openid, role: who.role, shopId: who.shopId });
  });
});

async function choose(name: string) {
  render(<DevLoginPage />);
  await screen.findByText(name);
  fireEvent.click(screen.getByText(name));
  await settle();
}

describe('sign-in lands each role on its own start page', () => {
  it.each([
    ['张伟', '/pages/index/index'],
    ['王芳', '/merchant/pages/panel/index'],
    ['小李', '/merchant/pages/panel/index'],
    ['赵敏', '/merchant/pages/platform/index'],
  ])('%s → %s', async (name, url) => {
    await choose(name);
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url });
  });

  it('goes back to the deep link it was opened from, whoever signs in', async () => {
    setRouterParams({ back: encodeURIComponent('/pages/case/index?id=AS1') });
    await choose('王芳');
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/case/index?id=AS1' });
  });

  it('says so and stays when the host does not know the identity', async () => {
    become.mockResolvedValueOnce(undefined);
    await choose('张伟');
    expect(Taro.reLaunch).not.toHaveBeenCalled();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('登录失败') }));
  });
});
