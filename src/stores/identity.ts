import Taro from '@tarojs/taro';
import { create } from 'zustand';
import type { Identity } from '../../types/api';
import { callAfterSale, describeError } from '../services/cloud';
import { clearDevOpenid, getDevOpenid, setDevOpenid } from '../services/identity';

interface IdentityState {
  identity?: Identity;
  loading: boolean;
  error?: { message: string; solution: string };
  /**
   * Who the caller is (`whoami`). The last answer is kept in storage for this caller, so pages render
   * at once on every visit after the first; it is asked again in the background once per launch.
   */
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

const CACHE_KEY = 'aftersale.identity';

/** Whose identity the cache may hold: the h5 demo openid; in WeChat, the one user of this device. */
function cacheOwner(): string {
  return process.env.TARO_ENV === 'h5' ? getDevOpenid() : 'weapp';
}

function cachedIdentity(): Identity | undefined {
  const c = Taro.getStorageSync(CACHE_KEY) as { owner?: string; identity?: Identity } | '';
  return c && c.owner === cacheOwner() && cacheOwner() !== '' ? c.identity : undefined;
}

let inflight: Promise<Identity | undefined> | null = null;
let revalidated = false;

export const useIdentityStore = create<IdentityState>((set, get) => ({
  identity: cachedIdentity(),
  loading: false,
  load: (force = false) => {
    const known = get().identity;
    if (!force && known) {
      if (!revalidated && !inflight) {
        revalidated = true;
        void get().load(true);
      }
      return Promise.resolve(known);
    }
    if (inflight) return inflight;
    set({ loading: known === undefined, error: undefined });
    inflight = callAfterSale('whoami', {})
      .then((identity) => {
        revalidated = true;
        Taro.setStorageSync(CACHE_KEY, { owner: cacheOwner(), identity });
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
    Taro.removeStorageSync(CACHE_KEY);
    set({ identity: undefined });
    // A whoami still on its way was asked as the previous identity: let it land, then ask again.
    return (inflight ?? Promise.resolve(undefined)).then(() => get().load(true));
  },
  signOut: () => {
    clearDevOpenid();
    Taro.removeStorageSync(DEV_NAME_KEY);
    Taro.removeStorageSync(CACHE_KEY);
    set({ identity: undefined, error: undefined });
  },
}));

/** h5 has no WeChat to name the caller: without a stored demo identity the buyer must pick one first. */
export function needsDevSignIn(): boolean {
  return process.env.TARO_ENV === 'h5' && !getDevOpenid();
}
