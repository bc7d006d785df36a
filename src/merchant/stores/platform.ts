import { create } from 'zustand';
import type { AfterSaleCase } from '../../../types/domain';
import { callAfterSale } from '../../services/cloud';
import { appendPage, replaceCase } from '../logic/list';
import { toProblem, type LoadStatus, type Problem } from './problem';

const PAGE_SIZE = 20;

interface PlatformState {
  items: AfterSaleCase[];
  nextCursor: string | null;
  status: LoadStatus;
  refreshing: boolean;
  loadingMore: boolean;
  error?: Problem;
  moreError?: Problem;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  liftRisk(openid: string, note: string): Promise<{ ok: true } | { ok: false; problem: Problem }>;
  applyCase(c: AfterSaleCase): void;
  reset(): void;
}

let seq = 0;

/** The platform reviewer's queue: escalated cases of every shop, soonest deadline first (R24). */
export const usePlatformStore = create<PlatformState>()((set, get) => ({
  items: [],
  nextCursor: null,
  status: 'idle',
  refreshing: false,
  loadingMore: false,

  async load() {
    const token = ++seq;
    const shown = get().items.length > 0;
    set({ status: shown ? 'ready' : 'loading', refreshing: shown, error: undefined, moreError: undefined });
    try {
      const page = await callAfterSale('platform.list', { limit: PAGE_SIZE });
      if (token !== seq) return;
      set({ items: appendPage([], page.items), nextCursor: page.nextCursor, status: 'ready', refreshing: false });
    } catch (e) {
      if (token !== seq) return;
      const problem = toProblem(e);
      if (shown) set({ refreshing: false, moreError: problem });
      else set({ status: 'error', refreshing: false, error: problem });
    }
  },

  async loadMore() {
    const { status, loadingMore, nextCursor } = get();
    if (status !== 'ready' || loadingMore || nextCursor === null) return;
    const token = ++seq;
    set({ loadingMore: true, moreError: undefined });
    try {
      const page = await callAfterSale('platform.list', { cursor: nextCursor, limit: PAGE_SIZE });
      if (token !== seq) return;
      set({ items: appendPage(get().items, page.items), nextCursor: page.nextCursor, loadingMore: false });
    } catch (e) {
      if (token !== seq) return;
      set({ loadingMore: false, moreError: toProblem(e) });
    }
  },

  async liftRisk(openid, note) {
    try {
      await callAfterSale('platform.liftRisk', { openid, note });
      return { ok: true };
    } catch (e) {
      return { ok: false, problem: toProblem(e) };
    }
  },

  applyCase(c) {
    if (get().status === 'idle') return;
    set({ items: replaceCase(get().items, c, (x) => x.status === 'ESCALATED') });
  },

  reset() {
    seq += 1;
    set({ items: [], nextCursor: null, status: 'idle', refreshing: false, loadingMore: false, error: undefined, moreError: undefined });
  },
}));
