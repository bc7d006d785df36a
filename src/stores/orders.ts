import { create } from 'zustand';
import type { OrderView } from '../../types/api';
import type { OrderStatus } from '../../types/domain';
import { callAfterSale, describeError } from '../services/cloud';
import { emptyList, loadPage, type PagedList } from './paged';

/** The order list's tabs, as a shop's customer names them. */
export const ORDER_TABS: { key: string; title: string; status?: OrderStatus }[] = [
  { key: 'ALL', title: '全部' },
  { key: 'PAID', title: '待发货', status: 'PAID' },
  { key: 'SHIPPED', title: '待收货', status: 'SHIPPED' },
  { key: 'DELIVERED', title: '已签收', status: 'DELIVERED' },
  { key: 'COMPLETED', title: '已完成', status: 'COMPLETED' },
];

/** Orders per page; the app asks for the first page of 全部 at launch with it (services/launch.ts). */
export const ORDERS_PAGE_SIZE = 10;

interface OrdersState {
  lists: Record<string, PagedList<OrderView>>;
  byId: Record<string, OrderView>;
  detailError: Record<string, { message: string; solution: string } | undefined>;
  loadList: (tabKey: string, mode: 'refresh' | 'more') => Promise<void>;
  /** Loads one order (with its shop's policy and the buyer's cases on it) and caches it. */
  fetchOrder: (orderId: string) => Promise<OrderView | undefined>;
}

export const useOrdersStore = create<OrdersState>((set, get) => ({
  lists: {},
  byId: {},
  detailError: {},
  loadList: (tabKey, mode) => {
    const tab = ORDER_TABS.find((t) => t.key === tabKey) ?? ORDER_TABS[0];
    return loadPage<OrderView>(
      () => get().lists[tab.key] ?? emptyList(),
      (next) => {
        const byId = { ...get().byId };
        for (const o of next.items) byId[o._id] = o;
        set({ lists: { ...get().lists, [tab.key]: next }, byId });
      },
      (cursor) => callAfterSale('order.list', { ...(tab.status ? { status: tab.status } : {}), ...(cursor ? { cursor } : {}), limit: ORDERS_PAGE_SIZE }),
      mode,
    );
  },
  fetchOrder: async (orderId) => {
    set({ detailError: { ...get().detailError, [orderId]: undefined } });
    try {
      const order = await callAfterSale('order.get', { orderId });
      set({ byId: { ...get().byId, [orderId]: order } });
      return order;
    } catch (e) {
      const { message, solution } = describeError(e);
      set({ detailError: { ...get().detailError, [orderId]: { message, solution } } });
      return undefined;
    }
  },
}));
