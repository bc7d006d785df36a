/**
 * The weapp build (`dist/`) in WeChat's component runtime, without WeChat: miniprogram-simulate
 * renders each page with `compiler: 'official'` (WeChat's own wcc compiles Taro's base.wxml and the
 * page templates) into exparser/j-component, WeChat's component framework, in a jsdom document.
 *
 * The app service layer WeChat would provide is stood in for here: `App`, `getApp`,
 * `getCurrentPages`, `Page(options)` mapped onto a Component (every function of the page object a
 * method, its lifetimes driven as WeChat drives a page's: onLoad(query) → onShow → onReady, onHide
 * under a navigateTo, onUnload on redirect/back/reLaunch), and a `wx` with the APIs the app uses:
 * storage, navigation, prompts (recorded and answered), the album (fixtures the test queues), the
 * file system manager over those temp files, and `wx.cloud` (cloud.ts: the cloud functions' own code
 * on the cloud-sim backend).
 *
 * A launch is one phone: its own storage, its own module registry (the bundle, React, the stores are
 * evaluated afresh), so becoming someone else is a fresh launch, as in DevTools.
 */
import fs from 'fs';
import path from 'path';
import type { SimCloud } from './cloud';


// The modules a launch loads afresh; typed loosely, as they are plain JS.
interface JComponentNode {
  dom: HTMLElement;
  instance: PageInstance;
  attach(parent: Element): void;
  detach(): void;
}
interface Simulate {
  load(componentPath: string, tagName: string, options: { compiler: 'official'; rootPath: string }): string;
  render(id: string): JComponentNode;
}
interface Exparser {
  Event: {
    create(name: string, detail: unknown, options: Record<string, unknown>): unknown;
    dispatchEvent(target: unknown, event: unknown): void;
  };
}

type PageInstance = Record<string, unknown> & {
  route: string;
  __route__: string;
  options: Record<string, string>;
  onLoad?(query: Record<string, string>): void;
  onShow?(): void;
  onReady?(): void;
  onHide?(): void;
  onUnload?(): void;
  onPullDownRefresh?(): void;
};

interface OpenPage {
  route: string;
  query: Record<string, string>;
  node: JComponentNode;
  instance: PageInstance;
}

export interface Recorded {
  modals: { title: string; content: string }[];
  toasts: string[];
  /** Template ids of each requestSubscribeMessage. */
  subscribed: string[][];
  payments: Record<string, unknown>[];
  /** Pages opened by navigateTo/redirectTo/reLaunch/navigateBack, with their query. */
  navigations: string[];
  clipboard: string[];
  errors: string[];
}

export interface FileFixture {
  bytes: Buffer;
  fileType: 'image' | 'video';
  ext: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await sleep(40);
  }
}

function parseUrl(url: string): { route: string; query: Record<string, string> } {
  const [p, qs = ''] = url.split('?');
  const query: Record<string, string> = {};
  for (const part of qs.split('&').filter(Boolean)) {
    const [k, v = ''] = part.split('=');
    query[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  return { route: p.replace(/^\//, ''), query };
}

/** The in-memory file system of one phone: temp files (`wxfile://tmp_…`) and the user folder. */
class PhoneFiles {
  private readonly files = new Map<string, Buffer>();
  private n = 0;
  /** The largest single read the app asked for (the 50 MB video must be read in pieces). */
  largestRead = 0;
  private readonly fds = new Map<string, string>();

  temp(bytes: Buffer, ext: string): string {
    const p = `wxfile://tmp_${(++this.n).toString(36)}_sim.${ext}`;
    this.files.set(p, bytes);
    return p;
  }

  read(p: string): Buffer {
    const b = this.files.get(p);
    if (!b) throw { errMsg: `readFile:fail no such file or directory, open ${p}` };
    return b;
  }

  /** `wx.getFileSystemManager()` with the methods the app uses. */
  manager(): Record<string, unknown> {
    const fail = (o: { fail?: (e: unknown) => void; complete?: (e: unknown) => void }, e: unknown) => {
      o.fail?.(e);
      o.complete?.(e);
    };
    const ok = <T>(o: { success?: (r: T) => void; complete?: (r: T) => void }, r: T) => {
      o.success?.(r);
      o.complete?.(r);
    };
    // A copy in this realm's ArrayBuffer: jest's context has its own, and js-sha256 checks the constructor.
    const toArrayBuffer = (b: Buffer) => {
      const ab = new ArrayBuffer(b.byteLength);
      new Uint8Array(ab).set(b);
      return ab;
    };
    return {
      readFile: (o: { filePath: string; encoding?: string; success?: (r: { data: unknown }) => void; fail?: (e: unknown) => void }) => {
        setTimeout(() => {
          try {
            const b = this.read(o.filePath);
            this.largestRead = Math.max(this.largestRead, b.byteLength);
            ok(o, { data: o.encoding ? b.toString(o.encoding as BufferEncoding) : toArrayBuffer(b) });
          } catch (e) {
            fail(o, e);
          }
        }, 0);
      },
      open: (o: { filePath: string; flag?: string; success?: (r: { fd: string }) => void; fail?: (e: unknown) => void }) => {
        setTimeout(() => {
          if (!this.files.has(o.filePath)) return fail(o, { errMsg: `open:fail no such file or directory ${o.filePath}` });
          const fd = `fd${this.fds.size + 1}`;
          this.fds.set(fd, o.filePath);
          ok(o, { fd });
        }, 0);
      },
      read: (o: {
        fd: string;
        arrayBuffer: ArrayBuffer;
        offset?: number;
        length?: number;
        position?: number;
        success?: (r: { bytesRead: number; arrayBuffer: ArrayBuffer }) => void;
        fail?: (e: unknown) => void;
      }) => {
        setTimeout(() => {
          const p = this.fds.get(o.fd);
          if (!p) return fail(o, { errMsg: 'read:fail bad file descriptor' });
          const b = this.read(p);
          const offset = o.offset ?? 0;
          const length = o.length ?? o.arrayBuffer.byteLength - offset;
          const position = o.position ?? 0;
          const chunk = b.subarray(position, position + length);
          this.largestRead = Math.max(this.largestRead, chunk.byteLength);
          new Uint8Array(o.arrayBuffer, offset, chunk.byteLength).set(chunk);
          ok(o, { bytesRead: chunk.byteLength, arrayBuffer: o.arrayBuffer });
        }, 0);
      },
      close: (o: { fd: string; success?: (r: unknown) => void }) => {
        setTimeout(() => {
          this.fds.delete(o.fd);
          ok(o, { errMsg: 'close:ok' });
        }, 0);
      },
      fstat: (o: { fd: string; success?: (r: { stats: { size: number } }) => void; fail?: (e: unknown) => void }) => {
        setTimeout(() => {
          const p = this.fds.get(o.fd);
          if (!p) return fail(o, { errMsg: 'fstat:fail bad file descriptor' });
          ok(o, { stats: { size: this.read(p).byteLength } });
        }, 0);
      },
      writeFileSync: (filePath: string, data: string | ArrayBuffer, encoding?: BufferEncoding) => {
        this.files.set(filePath, typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : Buffer.from(data));
      },
    };
  }
}

export interface LaunchOptions {
  /** The weapp build to run (its app.json, app.js, pages). */
  dist: string;
  openid: string;
  cloud: SimCloud;
  /** How wide the phone is (px): getWindowInfo. */
  windowWidth?: number;
}

/**
 * One launch of the mini-program on one phone. `launch()` loads `dist/app.js` in a fresh module
 * registry; `open(url)` reLaunches a page; the page helpers read and tap the rendered document.
 */
export class Miniprogram {
  readonly recorded: Recorded = { modals: [], toasts: [], subscribed: [], payments: [], navigations: [], clipboard: [], errors: [] };
  readonly files = new PhoneFiles();
  private readonly storage = new Map<string, unknown>();
  private readonly stack: OpenPage[] = [];
  private readonly pageIds = new Map<string, string>();
  private readonly picks: FileFixture[][] = [];
  private simulate!: Simulate;
  private exparser!: Exparser;
  private app: Record<string, (...a: unknown[]) => unknown> = {};
  private host!: HTMLElement;
  private tags = 0;
  private navigating: Promise<void> = Promise.resolve();
  /** Answers to the next showModal prompts (default: confirm). */
  readonly modalAnswers: boolean[] = [];

  private constructor(private readonly opts: LaunchOptions) {}

  static launch(opts: LaunchOptions): Miniprogram {
    const mp = new Miniprogram(opts);
    mp.boot();
    return mp;
  }

  private restoreWarn?: () => void;

  private boot(): void {
    const g = globalThis as unknown as Record<string, unknown>;
    // WeChat's template runtime reports what it cannot render (a node with no template, so nothing on
    // the phone's screen) as console warnings: here each one is an error of this launch.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (/^WXMLRT|Template `.+` not found/.test(text)) {
        if (!this.recorded.errors.includes(text)) this.recorded.errors.push(text);
        return;
      }
      warn.apply(console, args);
    };
    this.restoreWarn = () => {
      console.warn = warn;
    };
    this.host = document.createElement('div');
    this.host.className = 'sim-phone';
    document.body.appendChild(this.host);
    g.wx = this.wx();
    g.getApp = () => this.app;
    g.getCurrentPages = () => this.stack.map((p) => p.instance);
    g.App = (options: Record<string, (...a: unknown[]) => unknown>) => {
      this.app = options;
    };
    g.requirePlugin = () => ({});
    // A fresh registry per launch: the bundle, React and the zustand stores start over, as on a new phone.
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      this.simulate = require('miniprogram-simulate') as Simulate;
      this.exparser = require('miniprogram-exparser') as Exparser;
      const simComponent = g.Component as (o: Record<string, unknown>) => void;
      // Class names as the page wrote them (j-component would prefix each with its tag name), so the
      // journeys select by the same classes in DevTools and here.
      g.Component = (o: Record<string, unknown>) => simComponent({ ...o, options: { ...(o.options as object), classPrefix: '' } });
      g.Page = (options: Record<string, unknown>) => (g.Component as (o: unknown) => void)(pageAsComponent(options));
      require(path.join(this.opts.dist, 'app.js'));
      for (const page of this.pagePaths()) this.pageIds.set(page, this.simulate.load(path.join(this.opts.dist, page), `page-${++this.tags}`, { compiler: 'official', rootPath: this.opts.dist }));
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    const launch = { path: 'pages/index/index', query: {}, scene: 1001 };
    this.app.onLaunch?.call(this.app, launch);
    this.app.onShow?.call(this.app, launch);
  }

  /** Every page of app.json, main package and subpackages. */
  pagePaths(): string[] {
    const appJson = JSON.parse(fs.readFileSync(path.join(this.opts.dist, 'app.json'), 'utf8')) as { pages: string[]; subPackages?: { root: string; pages: string[] }[] };
    return [...appJson.pages, ...(appJson.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
  }

  // ---- navigation, as WeChat runs it -----------------------------------------------------------

  private openPage(url: string): OpenPage {
    const { route, query } = parseUrl(url);
    const id = this.pageIds.get(route);
    if (!id) throw { errMsg: `navigateTo:fail page "${route}" is not found` };
    const node = this.simulate.render(id);
    node.attach(this.host);
    const instance = node.instance;
    instance.route = route;
    instance.__route__ = route;
    instance.options = query;
    const page = { route, query, node, instance };
    this.stack.push(page);
    this.recorded.navigations.push(url);
    instance.onLoad?.call(instance, { ...query });
    instance.onShow?.call(instance);
    setTimeout(() => instance.onReady?.call(instance), 0);
    return page;
  }

  private closeTop(): void {
    const page = this.stack.pop();
    if (!page) return;
    page.instance.onUnload?.call(page.instance);
    page.node.detach();
  }

  /** Runs navigations one after another, asynchronously, as WeChat does. */
  private navigate(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack', o: { url?: string; delta?: number; success?: (r: unknown) => void; fail?: (e: unknown) => void; complete?: (r: unknown) => void }): void {
    this.navigating = this.navigating.then(async () => {
      await sleep(0);
      try {
        if (kind === 'navigateTo') {
          if (this.stack.length >= 10) throw { errMsg: 'navigateTo:fail webview count limit exceed' };
          const top = this.stack.at(-1);
          top?.instance.onHide?.call(top.instance);
          this.openPage(o.url!);
        } else if (kind === 'redirectTo') {
          this.closeTop();
          this.openPage(o.url!);
        } else if (kind === 'reLaunch') {
          while (this.stack.length) this.closeTop();
          this.openPage(o.url!);
        } else {
          const delta = Math.max(1, o.delta ?? 1);
          for (let i = 0; i < delta && this.stack.length > 1; i++) this.closeTop();
          const top = this.stack.at(-1)!;
          this.recorded.navigations.push(`back:${top.route}`);
          top.instance.onShow?.call(top.instance);
        }
        const r = { errMsg: `${kind}:ok` };
        o.success?.(r);
        o.complete?.(r);
      } catch (e) {
        o.fail?.(e);
        o.complete?.(e);
        if (!o.fail) this.recorded.errors.push(`${kind}: ${JSON.stringify(e)}`);
      }
    });
  }

  /** reLaunch to `url` and wait until it is the page on top. */
  async open(url: string): Promise<void> {
    this.navigate('reLaunch', { url });
    await this.navigating;
  }

  /** The page on top: its route and query. */
  top(): { route: string; query: Record<string, string> } {
    const p = this.stack.at(-1);
    if (!p) throw new Error('no page is open');
    return { route: p.route, query: p.query };
  }

  async pageAt(route: string, timeoutMs = 10_000): Promise<{ route: string; query: Record<string, string> }> {
    await until(`page ${route} (now ${this.stack.at(-1)?.route ?? 'none'})`, () => this.stack.at(-1)?.route === route.replace(/^\//, ''), timeoutMs);
    return this.top();
  }

  pullDownRefresh(): void {
    const p = this.stack.at(-1);
    p?.instance.onPullDownRefresh?.call(p.instance);
  }

  // ---- reading and touching the page -------------------------------------------------------------

  /** The rendered document of the page on top. */
  root(): HTMLElement {
    const p = this.stack.at(-1);
    if (!p) throw new Error('no page is open');
    return p.node.dom;
  }

  /** `.bottom-bar button` → `.bottom-bar wx-button`: WeChat's built-in components are `wx-*` elements here. */
  private css(selector: string): string {
    return selector.replace(/(^|[\s>+~,])(button|input|textarea|image|text|view|video|scroll-view|page)(?=$|[\s.:[>+~,#])/g, (_m, pre: string, tag: string) =>
      tag === 'page' ? `${pre}*` : `${pre}wx-${tag}`,
    );
  }

  all(selector: string): HTMLElement[] {
    return [...this.root().querySelectorAll<HTMLElement>(this.css(selector))];
  }

  text(el: Element | null | undefined): string {
    return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  find(selector: string, want: string | RegExp): HTMLElement | undefined {
    return this.all(selector).find((el) => {
      const t = this.text(el);
      return typeof want === 'string' ? t === want : want.test(t);
    });
  }

  /** A finger on the element: touchstart and touchend on it, which j-component turns into a tap. */
  touch(el: HTMLElement): void {
    const wxEl = (el as unknown as { __wxElement?: unknown }).__wxElement;
    if (!wxEl) throw new Error(`not a rendered element: ${el.outerHTML.slice(0, 120)}`);
    const fire = (name: string) =>
      this.exparser.Event.dispatchEvent(
        wxEl,
        this.exparser.Event.create(name, name === 'tap' ? { x: 0, y: 0 } : {}, {
          originalEvent: new window.CustomEvent(name),
          bubbles: true,
          capturePhase: true,
          composed: true,
          extraFields: { touches: name === 'touchend' ? [] : [{ identifier: 0, pageX: 0, pageY: 0, clientX: 0, clientY: 0 }], changedTouches: [{ identifier: 0, pageX: 0, pageY: 0, clientX: 0, clientY: 0 }] },
        }),
      );
    fire('touchstart');
    fire('touchend');
    fire('tap');
  }

  async tap(selector: string, want: string | RegExp, timeoutMs?: number): Promise<void> {
    const el = await until(`${selector} "${want}" on ${this.stack.at(-1)?.route}`, () => this.find(selector, want), timeoutMs);
    this.touch(el);
  }

  /** Taps the `inner` element inside the first `selector` whose text matches `want`. */
  async tapWithin(selector: string, want: string | RegExp, inner: string, timeoutMs?: number): Promise<void> {
    const el = await until(
      `${inner} inside ${selector} "${want}" on ${this.stack.at(-1)?.route}`,
      () => this.find(selector, want)?.querySelector<HTMLElement>(this.css(inner)),
      timeoutMs,
    );
    this.touch(el);
  }

  /** Types `value` into the index-th input/textarea under `selector`: the input event WeChat sends, then blur. */
  async typeInto(selector: string, value: string, index = 0): Promise<void> {
    const el = await until(`${selector} #${index}`, () => this.all(selector)[index]);
    const wxEl = (el as unknown as { __wxElement?: { value?: string } }).__wxElement;
    if (!wxEl) throw new Error(`not a rendered element: ${selector}`);
    const fire = (name: string, detail: unknown) =>
      this.exparser.Event.dispatchEvent(wxEl, this.exparser.Event.create(name, detail, { originalEvent: new window.CustomEvent(name), bubbles: false, composed: false }));
    fire('focus', { value: wxEl.value ?? '', height: 0 });
    fire('input', { value, cursor: value.length, keyCode: 0 });
    fire('blur', { value, cursor: value.length });
  }

  async seeText(rootSelector: string, want: string | RegExp, timeoutMs = 10_000): Promise<void> {
    await until(
      `"${want}" in ${rootSelector} on ${this.stack.at(-1)?.route}`,
      () => {
        const t = this.all(rootSelector).map((e) => this.text(e)).join(' ');
        return typeof want === 'string' ? t.includes(want) : want.test(t);
      },
      timeoutMs,
    );
  }

  /** The next chooseMedia returns these files. */
  nextPick(files: FileFixture[]): void {
    this.picks.push(files);
  }

  // ---- wx ------------------------------------------------------------------------------------------

  private wx(): Record<string, unknown> {
    const rec = this.recorded;
    // WeChat's asynchronous APIs answer through the callbacks when given any, else through a promise.
    type Cbs = { success?: (r: never) => void; fail?: (e: unknown) => void; complete?: (r: unknown) => void } | undefined;
    const hasCallbacks = (o: Cbs) => Boolean(o && (o.success || o.fail || o.complete));
    const done = <T>(options: object | undefined, r: T): Promise<T> | undefined => {
      const o = options as Cbs;
      const p = new Promise<T>((resolve) => setTimeout(() => resolve(r), 0));
      if (!hasCallbacks(o)) return p;
      void p.then(() => {
        (o?.success as ((r: T) => void) | undefined)?.(r);
        o?.complete?.(r);
      });
      return undefined;
    };
    const failed = (options: object | undefined, e: unknown): Promise<never> | undefined => {
      const o = options as Cbs;
      const p = new Promise<never>((_resolve, reject) => setTimeout(() => reject(e), 0));
      if (!hasCallbacks(o)) return p;
      p.catch(() => {
        o?.fail?.(e);
        o?.complete?.(e);
      });
      return undefined;
    };
    const windowWidth = this.opts.windowWidth ?? 375;
    const windowInfo = { windowWidth, windowHeight: 667, screenWidth: windowWidth, screenHeight: 812, pixelRatio: 2, statusBarHeight: 44, safeArea: { top: 44, bottom: 778, left: 0, right: windowWidth, width: windowWidth, height: 734 } };
    const storage = this.storage;
    return {
      env: { USER_DATA_PATH: 'wxfile://usr' },
      canIUse: () => true,
      nextTick: (cb: () => void) => Promise.resolve().then(cb),
      getWindowInfo: () => windowInfo,
      getSystemInfoSync: () => ({ ...windowInfo, platform: 'ios', system: 'iOS 17.0', version: '8.0.50', SDKVersion: '3.5.0', brand: 'sim', model: 'sim' }),
      getAppBaseInfo: () => ({ SDKVersion: '3.5.0', version: '8.0.50', language: 'zh_CN', theme: 'light' }),
      getDeviceInfo: () => ({ platform: 'ios', system: 'iOS 17.0', brand: 'sim', model: 'sim' }),
      getAccountInfoSync: () => ({ miniProgram: { appId: 'wxc10d51mc0000sim', envVersion: 'develop', version: '' } }),
      getStorageSync: (k: string) => (storage.has(k) ? structuredClone(storage.get(k)) : ''),
      setStorageSync: (k: string, v: unknown) => void storage.set(k, structuredClone(v)),
      removeStorageSync: (k: string) => void storage.delete(k),
      clearStorageSync: () => storage.clear(),
      navigateTo: (o: { url: string }) => this.navigate('navigateTo', o),
      redirectTo: (o: { url: string }) => this.navigate('redirectTo', o),
      reLaunch: (o: { url: string }) => this.navigate('reLaunch', o),
      switchTab: (o: { url: string }) => this.navigate('reLaunch', o),
      navigateBack: (o: { delta?: number } = {}) => this.navigate('navigateBack', o),
      showModal: (o: { title?: string; content?: string }) => {
        rec.modals.push({ title: o.title ?? '', content: o.content ?? '' });
        const confirm = this.modalAnswers.length ? this.modalAnswers.shift()! : true;
        return done(o, { confirm, cancel: !confirm, errMsg: 'showModal:ok' });
      },
      showToast: (o: { title: string }) => {
        rec.toasts.push(o.title);
        return done(o, { errMsg: 'showToast:ok' });
      },
      hideToast: (o?: object) => done(o, { errMsg: 'hideToast:ok' }),
      showLoading: (o?: object) => done(o, { errMsg: 'showLoading:ok' }),
      hideLoading: (o?: object) => done(o, { errMsg: 'hideLoading:ok' }),
      showActionSheet: (o: { itemList: string[] }) => done(o, { tapIndex: 0, errMsg: 'showActionSheet:ok' }),
      setNavigationBarTitle: (o?: object) => done(o, { errMsg: 'setNavigationBarTitle:ok' }),
      stopPullDownRefresh: (o?: object) => done(o, { errMsg: 'stopPullDownRefresh:ok' }),
      startPullDownRefresh: (o?: object) => done(o, { errMsg: 'startPullDownRefresh:ok' }),
      pageScrollTo: (o?: object) => done(o, { errMsg: 'pageScrollTo:ok' }),
      setClipboardData: (o: { data: string }) => {
        rec.clipboard.push(o.data);
        return done(o, { errMsg: 'setClipboardData:ok' });
      },
      makePhoneCall: (o: { phoneNumber: string }) => done(o, { errMsg: 'makePhoneCall:ok' }),
      previewMedia: (o?: object) => done(o, { errMsg: 'previewMedia:ok' }),
      previewImage: (o?: object) => done(o, { errMsg: 'previewImage:ok' }),
      shareFileMessage: (o?: object) => done(o, { errMsg: 'shareFileMessage:ok' }),
      vibrateShort: (o?: object) => done(o, { errMsg: 'vibrateShort:ok' }),
      requestSubscribeMessage: (o: { tmplIds: string[] }) => {
        rec.subscribed.push([...o.tmplIds]);
        return done(o, Object.fromEntries([['errMsg', 'requestSubscribeMessage:ok'], ...o.tmplIds.map((id) => [id, 'accept'])]));
      },
      requestPayment: (o: Record<string, unknown>) => {
        const { success: _s, fail: _f, complete: _c, ...params } = o;
        rec.payments.push(params);
        return done(o, { errMsg: 'requestPayment:ok' });
      },
      chooseMedia: (o: { count?: number; mediaType?: string[] }) => {
        const next = this.picks.shift();
        if (!next) return failed(o, { errMsg: 'chooseMedia:fail cancel' });
        const allowed = o.mediaType ?? ['image', 'video'];
        const offered = next.filter((f) => allowed.includes(f.fileType)).slice(0, o.count ?? 9);
        return done(o, {
          type: offered.every((f) => f.fileType === 'video') ? 'video' : 'image',
          tempFiles: offered.map((f) => ({ tempFilePath: this.files.temp(f.bytes, f.ext), size: f.bytes.byteLength, fileType: f.fileType, ...(f.fileType === 'video' ? { thumbTempFilePath: '', duration: 12 } : {}) })),
          errMsg: 'chooseMedia:ok',
        });
      },
      compressImage: (o: { src: string }) => done(o, { tempFilePath: o.src, errMsg: 'compressImage:ok' }),
      getFileSystemManager: () => this.files.manager(),
      createSelectorQuery: () => {
        const q = {
          select: () => q,
          selectAll: () => q,
          in: () => q,
          boundingClientRect: () => q,
          scrollOffset: () => q,
          fields: () => q,
          exec: (cb?: (r: unknown[]) => void) => setTimeout(() => cb?.([]), 0),
        };
        return q;
      },
      onAppShow: () => undefined,
      onAppHide: () => undefined,
      offAppShow: () => undefined,
      offAppHide: () => undefined,
      onError: () => undefined,
      onUnhandledRejection: () => undefined,
      reportAnalytics: () => undefined,
      cloud: this.opts.cloud.api(() => this.opts.openid),
    };
  }

  /** Closes every page and takes the phone's document away. */
  close(): void {
    while (this.stack.length) this.closeTop();
    this.host.remove();
    this.restoreWarn?.();
  }
}

/** Page(options) as a Component: every function a method (lifetimes are called by the runtime). */
function pageAsComponent(options: Record<string, unknown>): Record<string, unknown> {
  const methods: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (typeof v === 'function') methods[k] = v;
  return { data: options.data ?? {}, methods, options: { addGlobalClass: true } };
}
