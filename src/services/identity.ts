import Taro from '@tarojs/taro';

/**
 * The h5 build plays WeChat's part in naming the caller: the dev sign-in page stores a demo openid and
 * every request carries it as `x-wx-openid`. In the weapp build WeChat itself names the caller, so there
 * is nothing to store.
 */
const KEY = 'aftersale.devOpenid';

export function getDevOpenid(): string {
  return (Taro.getStorageSync(KEY) as string) || '';
}

export function setDevOpenid(openid: string): void {
  Taro.setStorageSync(KEY, openid);
}

export function clearDevOpenid(): void {
  Taro.removeStorageSync(KEY);
}
