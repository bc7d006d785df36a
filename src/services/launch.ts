import type { Identity } from '../../types/api';
import { askEarly } from './cloud';
import { getDevOpenid } from './identity';

/**
 * The panel's first request (its 待审核 tab, 20 a page). The main package cannot import the merchant
 * subpackage's stores; a test holds this equal to what the panel asks (launch.test.ts).
 */
export const PANEL_FIRST_PAGE = { status: 'PENDING', limit: 20 } as const;

/**
 * h5, at launch: the first screen's requests go out while the page's code is still loading, instead of
 * after it has loaded and rendered once (issue 18 item 4). Only what that page would ask anyway, as it
 * would ask it: who the caller is, and
 * - the order list (首页): the first page of 全部, unless the identity kept from the last visit is no buyer's
 *   (the page then asks for no orders);
 * - the merchant panel: the first page of 待审核 and the shop's settings, unless the kept identity is
 *   neither shop owner nor staff (the page then shows only its gate).
 * Nothing without a demo identity: the page sends the caller to sign in first.
 */
export function askFirstScreenEarly(path: string, known: Identity | undefined, ordersPageSize: number): void {
  if (process.env.TARO_ENV !== 'h5' || !getDevOpenid()) return;
  const page = path.replace(/^\//, '').split('?')[0];
  const role = known?.role;
  if (page === '' || page === 'pages/index/index') {
    askEarly('whoami', {});
    if (!role || role === 'BUYER') askEarly('order.list', { limit: ordersPageSize });
  } else if (page === 'merchant/pages/panel/index') {
    askEarly('whoami', {});
    if (!role || role === 'OWNER' || role === 'STAFF') {
      askEarly('merchant.list', { ...PANEL_FIRST_PAGE });
      askEarly('merchant.settings.get', {});
    }
  }
}
