import Taro from '@tarojs/taro';
import { create } from 'zustand';
import type { Identity } from '../../types/api';
import { callAfterSale, describeError } from '../services/cloud';
import { clearDevOpenid, getDevOpenid, setDevOpenid } from '../services/identity';

interface IdentityState {
  identity?: Identity;
  loading: boolean;
  error?: { message: string; solution: string };
  /** Asks the cloud who the caller is (`whoami`); cached until `signIn`/`signOut`. */
  load: (force?: boolean) => Promise<Identity | undefined>;
  /** h5 only: becomes one of the demo identities. */
  signIn: (openid: string, name?: string) => Promise<Identity | undefined>;
  signOut: () => void;
}

const DEV_NAME_KEY = 'aftersale.devName';

/** h5: the demo identity's display name chosen on the sign-in page. */
export function devName(): string {
  return (Taro.getStorageSync(DEV_NAME_KEY) as string) || '';
}

let inflight: Promise<Identity | undefined> | null = null;

export const useIdentityStore = create<IdentityState>((set, get) => ({
  loading: false,
  load: (force = false) => {
    if (!force && get().identity) return Promise.resolve(get().identity);
    if (inflight) return inflight;
    set({ loading: true, error: undefined });
    inflight = callAfterSale('whoami', {})
      .then((identity) => {
        set({ identity, loading: false });
        return identity;
      })
      .catch((e: unknown) => {
        const { message, solution } = describeError(e);
        set({ loading: false, error: { message, solution } });
        return undefined;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  },
  signIn: (openid, name) => {
    setDevOpenid(openid);
    Taro.setStorageSync(DEV_NAME_KEY, name ?? '');
    set({ identity: undefined });
    // A whoami still on its way was asked as the previous identity: let it land, then ask again.
    return (inflight ?? Promise.resolve(undefined)).then(() => get().load(true));
  },
  signOut: () => {
    clearDevOpenid();
    Taro.removeStorageSync(DEV_NAME_KEY);
    set({ identity: undefined, error: undefined });
  },
}));

/** h5 has no WeChat to name the caller: without a stored demo identity the buyer must pick one first. */
export function needsDevSignIn(): boolean {
  return process.env.TARO_ENV === 'h5' && !getDevOpenid();
}
