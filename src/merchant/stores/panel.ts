import { create } from 'zustand';
import type { AfterSaleCase } from '../../../types/domain';
import { callAfterSale } from '../../services/cloud';
import { approveEach, summarizeBatch, type BatchSummary } from '../logic/batch';
import { appendPage, replaceCase } from '../logic/list';
import { PANEL_TABS, belongsToTab, tabByKey, type PanelTabKey } from '../logic/tabs';
import { toProblem, type LoadStatus, type Problem } from './problem';

export const PAGE_SIZE = 20;

export interface TabList {
  items: AfterSaleCase[];
  nextCursor: string | null;
  status: LoadStatus;
  loadingMore: boolean;
  refreshing: boolean;
  /** A failed first load (the list shows it with a retry). */
  error?: Problem;
  /** A failed next page or refresh (the rows stay; the footer offers a retry). */
  moreError?: Problem;
}

export interface BatchState {
  running: boolean;
  done: number;
  total: number;
  summary?: BatchSummary;
}

interface PanelState {
  tab: PanelTabKey;
  lists: Record<PanelTabKey, TabList>;
  /** Case ids ticked for batch approval (待审核 only). */
  selected: string[];
  batch: BatchState;
  setTab(tab: PanelTabKey): void;
  /** First page (again): on entering a tab, pull to refresh, or after a batch. */
  load(tab?: PanelTabKey): Promise<void>;
  /**
   * The open tab's first page asked before the panel knows the caller's role (alongside whoami, not
   * after it); the panel's own first load within {@link PREFETCH_TAKEN_MS} takes this answer instead
   * of asking again. Nothing happens when the tab already holds a list.
   */
  prefetch(): void;
  loadMore(): Promise<void>;
  toggle(caseId: string): void;
  selectAll(): void;
  clearSelection(): void;
  approveSelected(): Promise<BatchSummary>;
  dismissSummary(): void;
  /** A case changed elsewhere (the review page): every list shows its new state. */
  applyCase(c: AfterSaleCase): void;
  reset(): void;
}

function emptyList(): TabList {
  return { items: [], nextCursor: null, status: 'idle', loadingMore: false, refreshing: false };
}

function emptyLists(): Record<PanelTabKey, TabList> {
  return Object.fromEntries(PANEL_TABS.map((t) => [t.key, emptyList()])) as Record<PanelTabKey, TabList>;
}

/** How long a prefetched first page stands in for the panel's own first load. */
export const PREFETCH_TAKEN_MS = 2_000;

/** The prefetched first page, until a load takes it (or a newer request or reset makes it stale). */
let early: { tab: PanelTabKey; token: number; at: number; done: Promise<void> } | undefined;

/** Which request last started for each tab: an older answer arriving late is dropped. */
const latest: Partial<Record<PanelTabKey, number>> = {};
let seq = 0;

export const usePanelStore = create<PanelState>()((set, get) => {
  const patchList = (tab: PanelTabKey, patch: Partial<TabList>) =>
    set((s) => ({ lists: { ...s.lists, [tab]: { ...s.lists[tab], ...patch } } }));

  return {
    tab: 'PENDING',
    lists: emptyLists(),
    selected: [],
    batch: { running: false, done: 0, total: 0 },

    setTab(tab) {
      set({ tab, selected: [] });
      // Asked again on every visit: the rows shown stay while they refresh, and a case that arrived
      // since the tab was last open appears (it used to need a reload).
      void get().load(tab);
    },

    async load(tab = get().tab) {
      const taken = early;
      early = undefined;
      if (taken && taken.tab === tab && latest[tab] === taken.token && Date.now() - taken.at < PREFETCH_TAKEN_MS) return taken.done;
      const token = ++seq;
      latest[tab] = token;
      const shown = get().lists[tab].items.length > 0;
      // Rows already shown stay while they refresh, so pull-to-refresh never blanks the screen.
      patchList(tab, { status: shown ? 'ready' : 'loading', refreshing: shown, error: undefined, moreError: undefined });
      try {
        const page = await callAfterSale('merchant.list', { status: tabByKey(tab).status, limit: PAGE_SIZE });
        if (latest[tab] !== token) return;
        patchList(tab, {
          items: appendPage([], page.items),
          nextCursor: page.nextCursor,
          status: 'ready',
          refreshing: false,
          loadingMore: false,
        });
        const ids = new Set(page.items.map((c) => c._id));
        if (tab === get().tab) set((s) => ({ selected: s.selected.filter((id) => ids.has(id)) }));
      } catch (e) {
        if (latest[tab] !== token) return;
        const problem = toProblem(e);
        if (get().lists[tab].items.length > 0) patchList(tab, { refreshing: false, moreError: problem });
        else patchList(tab, { status: 'error', refreshing: false, error: problem });
      }
    },

    prefetch() {
      const tab = get().tab;
      if (get().lists[tab].status !== 'idle') return;
      const done = get().load(tab);
      early = { tab, token: latest[tab]!, at: Date.now(), done };
    },

    async loadMore() {
      const tab = get().tab;
      const list = get().lists[tab];
      if (list.status !== 'ready' || list.loadingMore || list.nextCursor === null) return;
      const token = ++seq;
      latest[tab] = token;
      patchList(tab, { loadingMore: true, moreError: undefined });
      try {
        const page = await callAfterSale('merchant.list', {
          status: tabByKey(tab).status,
          cursor: list.nextCursor,
          limit: PAGE_SIZE,
        });
        if (latest[tab] !== token) return;
        patchList(tab, {
          items: appendPage(get().lists[tab].items, page.items),
          nextCursor: page.nextCursor,
          loadingMore: false,
        });
      } catch (e) {
        if (latest[tab] !== token) return;
        patchList(tab, { loadingMore: false, moreError: toProblem(e) });
      }
    },

    toggle(caseId) {
      set((s) => ({
        selected: s.selected.includes(caseId) ? s.selected.filter((id) => id !== caseId) : [...s.selected, caseId],
      }));
    },

    selectAll() {
      set((s) => ({ selected: s.lists[s.tab].items.filter((c) => c.status === 'PENDING').map((c) => c._id) }));
    },

    clearSelection() {
      set({ selected: [] });
    },

    async approveSelected() {
      const ids = get().selected.slice();
      set({ batch: { running: true, done: 0, total: ids.length } });
      const results = await approveEach(
        ids,
        async (caseId) => {
          const c = await callAfterSale('merchant.approve', { caseId, refundMethod: 'ORIGINAL' });
          get().applyCase(c);
          return c;
        },
        toProblem,
        (done, total) => set((s) => ({ batch: { ...s.batch, done, total } })),
      );
      const summary = summarizeBatch(results);
      const failed = new Set(results.filter((r) => !r.ok).map((r) => r.caseId));
      set({ batch: { running: false, done: ids.length, total: ids.length, summary }, selected: ids.filter((id) => failed.has(id)) });
      if (failed.size > 0) void get().load('PENDING');
      return summary;
    },

    dismissSummary() {
      set((s) => ({ batch: { ...s.batch, summary: undefined } }));
    },

    applyCase(c) {
      set((s) => {
        const lists = { ...s.lists };
        for (const t of PANEL_TABS) {
          const list = lists[t.key];
          if (list.status === 'idle') continue;
          const present = list.items.some((x) => x._id === c._id);
          if (present) lists[t.key] = { ...list, items: replaceCase(list.items, c, (x) => belongsToTab(t, x.status)) };
          // The case arrives in another tab: that tab loads afresh when staff open it, in the server's order.
          else if (belongsToTab(t, c.status) && t.key !== s.tab) lists[t.key] = { ...list, status: 'idle' };
        }
        return { lists, selected: s.selected.filter((id) => id !== c._id || c.status === 'PENDING') };
      });
    },

    reset() {
      early = undefined;
      for (const t of PANEL_TABS) latest[t.key] = ++seq;
      set({ tab: 'PENDING', lists: emptyLists(), selected: [], batch: { running: false, done: 0, total: 0 } });
    },
  };
});
