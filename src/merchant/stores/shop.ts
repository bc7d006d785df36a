import { create } from 'zustand';
import type { SettingsPatch, SettingsView } from '../../../types/api';
import { callAfterSale } from '../../services/cloud';
import { toProblem, type LoadStatus, type Problem } from './problem';

export type SaveOutcome = { ok: true } | { ok: false; problem: Problem };

interface ShopState {
  /** The shop's settings and whether its WeChat Pay merchant account is verified (R5). */
  view?: SettingsView;
  viewStatus: LoadStatus;
  viewError?: Problem;
  saving: boolean;
  loadShop(force?: boolean): Promise<void>;
  save(patch: SettingsPatch): Promise<SaveOutcome>;
  reset(): void;
}

export const useShopStore = create<ShopState>()((set, get) => ({
  viewStatus: 'idle',
  saving: false,

  async loadShop(force = false) {
    if (!force && (get().viewStatus === 'ready' || get().viewStatus === 'loading')) return;
    set({ viewStatus: get().view ? 'ready' : 'loading', viewError: undefined });
    try {
      const view = await callAfterSale('merchant.settings.get', {});
      set({ view, viewStatus: 'ready' });
    } catch (e) {
      set({ viewStatus: 'error', viewError: toProblem(e) });
    }
  },

  async save(patch) {
    set({ saving: true });
    try {
      const view = await callAfterSale('merchant.settings.set', patch);
      set({ view, viewStatus: 'ready', saving: false });
      return { ok: true };
    } catch (e) {
      set({ saving: false });
      return { ok: false, problem: toProblem(e) };
    }
  },

  reset() {
    set({ view: undefined, viewStatus: 'idle', viewError: undefined, saving: false });
  },
}));
