import { create } from 'zustand';
import type { ActionName, ActionRequest } from '../../types/api';
import type { AfterSaleCase, CaseStatus } from '../../types/domain';
import { callAfterSale, describeError } from '../services/cloud';
import { emptyList, loadPage, type PagedList } from './paged';

/** Filters of 我的售后; each maps to one `listMine` status. */
export const CASE_FILTERS: { key: string; title: string; status?: CaseStatus }[] = [
  { key: 'ALL', title: '全部' },
  { key: 'PENDING', title: '待商家处理', status: 'PENDING' },
  { key: 'NEGOTIATING', title: '协商中', status: 'NEGOTIATING' },
  { key: 'AWAITING_RETURN', title: '待寄回', status: 'AWAITING_RETURN' },
  { key: 'REFUNDING', title: '退款中', status: 'REFUNDING' },
  { key: 'REFUNDED', title: '已退款', status: 'REFUNDED' },
  { key: 'REJECTED', title: '已拒绝', status: 'REJECTED' },
  { key: 'ESCALATED', title: '平台处理中', status: 'ESCALATED' },
];

export const CASE_PAGE_SIZE = 10;

/** Buyer actions on one case that answer with the updated case. */
export type CaseAction = Extract<
  ActionName,
  'cancel' | 'shipReturn' | 'acceptOffer' | 'declineOffer' | 'addEvidence' | 'escalate' | 'reportNotReceived' | 'confirmReceipt' | 'message' | 'modify'
>;

interface CasesState {
  lists: Record<string, PagedList<AfterSaleCase>>;
  byId: Record<string, AfterSaleCase>;
  detailError: Record<string, { message: string; solution: string } | undefined>;
  /** The case action running now, so its button shows progress and a second tap does nothing. */
  busy: Record<string, CaseAction | undefined>;
  loadList: (filterKey: string, mode: 'refresh' | 'more') => Promise<void>;
  fetchCase: (caseId: string) => Promise<AfterSaleCase | undefined>;
  /** Runs a case action once at a time per case; throws CloudError for the page to show. */
  act: <A extends CaseAction>(action: A, req: ActionRequest<A>) => Promise<AfterSaleCase | undefined>;
  /** A case the page got another way (apply's answer) joins the cache and every list it belongs to. */
  remember: (c: AfterSaleCase) => void;
}

function replaceInLists(lists: Record<string, PagedList<AfterSaleCase>>, c: AfterSaleCase): Record<string, PagedList<AfterSaleCase>> {
  const out: Record<string, PagedList<AfterSaleCase>> = {};
  for (const [key, list] of Object.entries(lists)) {
    const filter = CASE_FILTERS.find((f) => f.key === key);
    const belongs = !filter?.status || filter.status === c.status;
    const without = list.items.filter((x) => x._id !== c._id);
    const had = without.length !== list.items.length;
    let items = list.items;
    if (had && belongs) items = list.items.map((x) => (x._id === c._id ? c : x));
    else if (had && !belongs) items = without;
    else if (!had && belongs && list.loaded) items = [c, ...list.items];
    out[key] = { ...list, items };
  }
  return out;
}

export const useCasesStore = create<CasesState>((set, get) => ({
  lists: {},
  byId: {},
  detailError: {},
  busy: {},
  loadList: (filterKey, mode) => {
    const filter = CASE_FILTERS.find((f) => f.key === filterKey) ?? CASE_FILTERS[0];
    return loadPage<AfterSaleCase>(
      () => get().lists[filter.key] ?? emptyList(),
      (next) => set({ lists: { ...get().lists, [filter.key]: next } }),
      (cursor) => callAfterSale('listMine', { ...(filter.status ? { status: filter.status } : {}), ...(cursor ? { cursor } : {}), limit: CASE_PAGE_SIZE }),
      mode,
    );
  },
  fetchCase: async (caseId) => {
    set({ detailError: { ...get().detailError, [caseId]: undefined } });
    try {
      const c = await callAfterSale('get', { caseId });
      get().remember(c);
      return c;
    } catch (e) {
      const { message, solution } = describeError(e);
      set({ detailError: { ...get().detailError, [caseId]: { message, solution } } });
      return undefined;
    }
  },
  act: async (action, req) => {
    const caseId = (req as { caseId: string }).caseId;
    if (get().busy[caseId]) return undefined;
    set({ busy: { ...get().busy, [caseId]: action } });
    try {
      const c = await callAfterSale(action, req);
      get().remember(c);
      return c;
    } finally {
      set({ busy: { ...get().busy, [caseId]: undefined } });
    }
  },
  remember: (c) => set({ byId: { ...get().byId, [c._id]: c }, lists: replaceInLists(get().lists, c) }),
}));
