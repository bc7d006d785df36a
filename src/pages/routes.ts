import Taro from '@tarojs/taro';
import type { Identity } from '../../types/api';

/** Every buyer page's URL in one place, so links and redirects agree. */
export const routes = {
  home: '/pages/index/index',
  order: (orderId: string) => `/pages/order/index?id=${encodeURIComponent(orderId)}`,
  apply: (orderId: string, skuId?: string) =>
    `/pages/apply/index?orderId=${encodeURIComponent(orderId)}${skuId ? `&skuId=${encodeURIComponent(skuId)}` : ''}`,
  case: (caseId: string) => `/pages/case/index?id=${encodeURIComponent(caseId)}`,
  cases: '/pages/cases/index',
  help: (orderId?: string) => `/pages/help/index${orderId ? `?orderId=${encodeURIComponent(orderId)}` : ''}`,
  product: (orderId: string, skuId: string) => `/pages/product/index?orderId=${encodeURIComponent(orderId)}&skuId=${encodeURIComponent(skuId)}`,
  /** SPEC §7 demo checkout: buy from the shop's products (skuId preselected when it is one of them). */
  checkout: (shopId: string, skuId?: string) =>
    `/pages/checkout/index?shopId=${encodeURIComponent(shopId)}${skuId ? `&skuId=${encodeURIComponent(skuId)}` : ''}`,
  merchantOrders: '/merchant/pages/orders/index',
  devLogin: '/pages/dev-login/index',
  /** SPEC §7: 我的身份 (openid, role, entering a setup or invite code). */
  me: '/pages/me/index',
  merchantTeam: '/merchant/pages/team/index',
  merchantPanel: '/merchant/pages/panel/index',
  platformPanel: '/merchant/pages/platform/index',
};

export function go(url: string): void {
  void Taro.navigateTo({ url });
}

/** Where each role starts: a buyer on 我的订单, the shop on its 售后待处理, the platform on its queue (issue 17). */
export function homeFor(role: Identity['role']): string {
  if (role === 'BUYER') return routes.home;
  return role === 'PLATFORM' ? routes.platformPanel : routes.merchantPanel;
}

let landed = false;

/**
 * The app opens on 我的订单 (the first page). A shop or platform identity is taken to its own start once
 * per session, not every time it comes back to 我的订单 on purpose. True the first time it is asked.
 */
export function firstLanding(): boolean {
  if (landed) return false;
  landed = true;
  return true;
}

/** The sign-in page has already taken this session to its start page. */
export function markLanded(): void {
  landed = true;
}

/**
 * Where the app was opened. Opened on another page than 我的订单 (a deep link, the panel itself), that
 * page is where this session landed: 我的订单 reached later (the title bar's home) stays.
 */
export function launchedOn(path: string): void {
  const page = path.replace(/^\//, '').split('?')[0];
  if (page && page !== routes.home.slice(1)) landed = true;
}
