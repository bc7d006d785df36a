/**
 * Manual mock of `@tarojs/taro` for the jest `pages` project (mapped by jest.config.js).
 *
 * Every API is a `jest.fn` with a behaviour close to WeChat's, so tests can both rely on it and assert
 * on the calls (`expect(Taro.navigateTo).toHaveBeenCalledWith(...)`):
 * - storage (`getStorageSync` / `setStorageSync` / `removeStorageSync` / `clearStorageSync`) is an in-memory map;
 * - `showModal` resolves `{confirm: true}` unless a test overrides it (`mockResolvedValueOnce`);
 * - `chooseMedia`, `compressImage`, `scanCode`, `cloud.callFunction`, `cloud.uploadFile`, `request` reject until a
 *   test gives them an implementation: a page test must say what the device returns (WeChat's `scanCode`
 *   resolves `{result, scanType, charSet}` and rejects `{errMsg: 'scanCode:fail cancel'}` when the buyer backs out);
 * - `useRouter()` returns the params set with `setRouterParams({...})`;
 * - `useDidShow` / `useLoad` run once after mount; `usePullDownRefresh` / `useReachBottom` register a
 *   handler that `triggerPullDownRefresh()` / `triggerReachBottom()` call.
 * - `usePageScroll` registers a handler that `triggerPageScroll(px)` calls with `{scrollTop}`;
 *   `env.USER_DATA_PATH`, `pageScrollTo` and `shareFileMessage` resolve like WeChat's.
 * Call `resetTaroMock()` in `beforeEach` to clear storage, params, handlers and every mock's calls.
 */
import { useEffect, useRef } from 'react';

const storage = new Map<string, unknown>();
let routerParams: Record<string, string> = {};
const pullDownHandlers = new Set<() => void>();
const reachBottomHandlers = new Set<() => void>();
const pageScrollHandlers = new Set<(e: { scrollTop: number }) => void>();

function notMocked(name: string) {
  return () => Promise.reject(new Error(`Taro.${name} has no test implementation: mock it in the test`));
}

const Taro = {
  getEnv: jest.fn(() => 'WEB'),
  ENV_TYPE: { WEAPP: 'WEAPP', WEB: 'WEB', H5: 'WEB' },
  getStorageSync: jest.fn((key: string) => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: jest.fn((key: string, value: unknown) => {
    storage.set(key, JSON.parse(JSON.stringify(value)));
  }),
  removeStorageSync: jest.fn((key: string) => {
    storage.delete(key);
  }),
  clearStorageSync: jest.fn(() => storage.clear()),
  showToast: jest.fn(() => Promise.resolve()),
  hideToast: jest.fn(() => Promise.resolve()),
  showLoading: jest.fn(() => Promise.resolve()),
  hideLoading: jest.fn(() => Promise.resolve()),
  showModal: jest.fn((_opts?: unknown) => Promise.resolve({ confirm: true, cancel: false, content: '' })),
  showActionSheet: jest.fn((_opts?: unknown) => Promise.resolve({ tapIndex: 0 })),
  navigateTo: jest.fn((_opts: { url: string }) => Promise.resolve()),
  redirectTo: jest.fn((_opts: { url: string }) => Promise.resolve()),
  reLaunch: jest.fn((_opts: { url: string }) => Promise.resolve()),
  switchTab: jest.fn((_opts: { url: string }) => Promise.resolve()),
  navigateBack: jest.fn((_opts?: unknown) => Promise.resolve()),
  stopPullDownRefresh: jest.fn(),
  previewImage: jest.fn((_opts: unknown) => Promise.resolve()),
  previewMedia: jest.fn((_opts: unknown) => Promise.resolve()),
  makePhoneCall: jest.fn((_opts: unknown) => Promise.resolve()),
  setClipboardData: jest.fn((_opts: unknown) => Promise.resolve()),
  chooseMedia: jest.fn(notMocked('chooseMedia')),
  compressImage: jest.fn(notMocked('compressImage')),
  scanCode: jest.fn(notMocked('scanCode')),
  request: jest.fn(notMocked('request')),
  getFileSystemManager: jest.fn(() => ({ readFile: jest.fn() })),
  getSystemInfoSync: jest.fn(() => ({ windowWidth: 375, windowHeight: 812, safeArea: { bottom: 778 }, screenHeight: 812 })),
  nextTick: jest.fn((fn: () => void) => setTimeout(fn, 0)),
  setNavigationBarTitle: jest.fn(() => Promise.resolve()),
  pageScrollTo: jest.fn((_opts: unknown) => Promise.resolve()),
  shareFileMessage: jest.fn((_opts: { filePath: string; fileName?: string }) => Promise.resolve()),
  env: { USER_DATA_PATH: 'wxfile://usr' },
  cloud: {
    init: jest.fn(),
    callFunction: jest.fn(notMocked('cloud.callFunction')),
    uploadFile: jest.fn(notMocked('cloud.uploadFile')),
  },
};

export function useRouter() {
  return { params: routerParams, path: '' };
}

export function getCurrentInstance() {
  return { router: { params: routerParams, path: '' } };
}

function useOnceAfterMount(fn: () => void) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    ref.current();
  }, []);
}

export const useDidShow = useOnceAfterMount;
export const useLoad = useOnceAfterMount;
export const useReady = useOnceAfterMount;
export function useDidHide(_fn: () => void) {
  return undefined;
}

function useRegistered(set: Set<() => void>, fn: () => void) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const h = () => ref.current();
    set.add(h);
    return () => {
      set.delete(h);
    };
  }, [set]);
}

export function usePullDownRefresh(fn: () => void) {
  useRegistered(pullDownHandlers, fn);
}

export function useReachBottom(fn: () => void) {
  useRegistered(reachBottomHandlers, fn);
}

export function triggerPullDownRefresh() {
  pullDownHandlers.forEach((h) => h());
}

/** `usePageScroll` handlers get `{scrollTop}` from `triggerPageScroll(px)`. */
export function usePageScroll(fn: (e: { scrollTop: number }) => void) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const h = (e: { scrollTop: number }) => ref.current(e);
    pageScrollHandlers.add(h);
    return () => {
      pageScrollHandlers.delete(h);
    };
  }, []);
}

export function triggerPageScroll(scrollTop: number) {
  pageScrollHandlers.forEach((h) => h({ scrollTop }));
}

export function triggerReachBottom() {
  reachBottomHandlers.forEach((h) => h());
}

export function setRouterParams(params: Record<string, string>) {
  routerParams = { ...params };
}

function resetFns(obj: Record<string, unknown>) {
  for (const v of Object.values(obj)) {
    if (typeof v === 'function' && 'mockClear' in v) (v as jest.Mock).mockClear();
    else if (v && typeof v === 'object') resetFns(v as Record<string, unknown>);
  }
}

export function resetTaroMock() {
  storage.clear();
  routerParams = {};
  resetFns(Taro as unknown as Record<string, unknown>);
}

export default Taro;
