import { create } from 'zustand';
import type { Stats } from '../../../types/api';
import { callAfterSale } from '../../services/cloud';
import { rangeOf, type RangeKey } from '../logic/stats';
import { toProblem, type LoadStatus, type Problem } from './problem';

interface StatsState {
  range: RangeKey;
  stats?: Stats;
  status: LoadStatus;
  error?: Problem;
  load(range?: RangeKey, now?: number): Promise<void>;
  reset(): void;
}

let seq = 0;

export const useStatsStore = create<StatsState>()((set, get) => ({
  range: '30d',
  status: 'idle',

  async load(range = get().range, now = Date.now()) {
    const token = ++seq;
    set({ range, status: 'loading', error: undefined });
    try {
      const stats = await callAfterSale('merchant.stats', rangeOf(range, now));
      if (token !== seq) return;
      set({ stats, status: 'ready' });
    } catch (e) {
      if (token !== seq) return;
      set({ status: 'error', error: toProblem(e) });
    }
  },

  reset() {
    seq += 1;
    set({ range: '30d', stats: undefined, status: 'idle', error: undefined });
  },
}));
