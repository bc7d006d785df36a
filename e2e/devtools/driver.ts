/**
 * Drives the weapp build inside WeChat DevTools with miniprogram-automator, against a local cloud host
 * started in this process (the same handlers as the cloud functions, a temp DATA_DIR, the demo shop).
 *
 * - The build (`dist/`) is copied into a temp project whose project.config.json turns off the domain
 *   check (`urlCheck: false`), so `wx.request` may reach 127.0.0.1; the repo's own config is not touched
 *   (automator's `projectConfig` option would rewrite it).
 * - `wx.cloud.callFunction` and `wx.cloud.uploadFile` are bridged to the host's `/api/<fn>` and `/upload`
 *   with the identity in `x-wx-openid`: the journeys need `/__dev/seed` and `/__dev/clock`, which only
 *   the local host has. Everything else is the real mini-program: WXML, taps, inputs, navigation.
 * - The weapp asks `whoami` once and keeps the answer, so becoming someone else is a fresh launch.
 * - `chooseMedia`, `compressImage`, `showModal`, `showToast` and `requestSubscribeMessage` are mocked with
 *   `mockWxMethod`; what the modals, toasts and subscribe prompts said is kept in storage for the specs.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import automator from 'miniprogram-automator';
import type { JourneyDriver, Phone, Recorded as JourneyRecorded } from '../../test/weapp/journeys';
import { ensureBuild, REPO_ROOT } from '../support/h5Build';
import { ARTIFACTS, SCREENSHOTS } from '../support/browser';
import { hostPost, startTestHost, type TestHost } from '../support/host';

/** Where the weapp keeps the last `whoami` (src/stores/identity.ts CACHE_KEY). */
const IDENTITY_CACHE_KEY = 'aftersale.identity';

export type MiniProgram = Awaited<ReturnType<typeof automator.launch>>;
export type MpPage = NonNullable<Awaited<ReturnType<MiniProgram['currentPage']>>>;
export type MpElement = NonNullable<Awaited<ReturnType<MpPage['$']>>>;

export { SKIP_LINE, devtoolsCli } from './available';

const FIXTURES = path.join(__dirname, 'fixtures');
export type { Photo } from '../../test/weapp/journeys';
import type { Photo } from '../../test/weapp/journeys';

/** The parts of `wx` the bridge and the mocks use, as they exist inside the mini-program. */
interface WxInApp {
  cloud: Record<string, unknown>;
  env: { USER_DATA_PATH: string };
  request(o: {
    url: string;
    method: 'POST';
    data: unknown;
    header: Record<string, string>;
    success(r: { data: unknown }): void;
    fail(e: unknown): void;
  }): void;
  uploadFile(o: {
    url: string;
    filePath: string;
    name: string;
    header: Record<string, string>;
    success(r: { data: string; statusCode: number }): void;
    fail(e: unknown): void;
  }): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  getFileSystemManager(): { writeFileSync(filePath: string, data: string, encoding: string): void };
}
declare const wx: WxInApp;

interface CallOptions {
  name: string;
  data: unknown;
  success?(r: unknown): void;
  fail?(e: unknown): void;
}
interface UploadOptions {
  cloudPath: string;
  filePath: string;
  success?(r: unknown): void;
  fail?(e: unknown): void;
}

/** Runs inside the mini-program: sends the cloud calls to the local host as `openid`. */
function bridgeCloud(base: string, openid: string): void {
  const cloud = wx.cloud;
  cloud.callFunction = function (opts: CallOptions) {
    return new Promise(function (resolve, reject) {
      wx.request({
        url: base + '/api/' + opts.name,
        method: 'POST',
        data: opts.data,
        header: { 'content-type': 'application/json', 'x-wx-openid': openid },
        success: function (r) {
          const res = { result: r.data, errMsg: 'cloud.callFunction:ok' };
          if (opts.success) opts.success(res);
          resolve(res);
        },
        fail: function (e) {
          if (opts.fail) opts.fail(e);
          reject(e);
        },
      });
    });
  };
  cloud.uploadFile = function (opts: UploadOptions) {
    return wx.uploadFile({
      url: base + '/upload',
      filePath: opts.filePath,
      name: 'file',
      header: { 'x-wx-openid': openid },
      success: function (r) {
        let body: { ok?: boolean; data?: { fileId: string }; error?: { message: string } } | undefined;
        try {
          body = JSON.parse(r.data);
        } catch {
          body = undefined;
        }
        if (body && body.ok && body.data) {
          if (opts.success) opts.success({ fileID: body.data.fileId, statusCode: 200, errMsg: 'cloud.uploadFile:ok' });
        } else if (opts.fail) {
          opts.fail({ errMsg: 'cloud.uploadFile:fail ' + (body && body.error ? body.error.message : String(r.statusCode)) });
        }
      },
      fail: function (e) {
        if (opts.fail) opts.fail(e);
      },
    });
  };
}

/** Each mock is serialised into the mini-program: it may use `wx` and its arguments, no helper of this file. */
const MOCKS: Record<string, (opts: Record<string, unknown>) => unknown> = {
  compressImage: function (opts) {
    return { tempFilePath: opts.src, errMsg: 'compressImage:ok' };
  },
  showModal: function (opts) {
    const seen = (wx.getStorageSync('e2e.modals') as unknown[]) || [];
    seen.push({ title: opts.title, content: opts.content });
    wx.setStorageSync('e2e.modals', seen);
    return { confirm: true, cancel: false, errMsg: 'showModal:ok' };
  },
  showToast: function (opts) {
    const seen = (wx.getStorageSync('e2e.toasts') as unknown[]) || [];
    seen.push(opts.title);
    wx.setStorageSync('e2e.toasts', seen);
    return { errMsg: 'showToast:ok' };
  },
  requestSubscribeMessage: function (opts) {
    const ids = opts.tmplIds as string[];
    const seen = (wx.getStorageSync('e2e.subscribed') as unknown[]) || [];
    seen.push(ids);
    wx.setStorageSync('e2e.subscribed', seen);
    const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
    ids.forEach(function (id) {
      res[id] = 'accept';
    });
    return res;
  },
};
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it gives a value, or fails naming what it waited for. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(300);
  }
}

function matches(text: string, want: string | RegExp): boolean {
  const t = text.trim();
  return typeof want === 'string' ? t === want : want.test(t);
}

/** The first element under `selector` whose text is `want` (exactly) or matches it. */
export async function find(page: MpPage, selector: string, want: string | RegExp): Promise<MpElement | undefined> {
  for (const el of (await page.$$(selector)) as MpElement[]) {
    if (matches(await el.text(), want)) return el;
  }
  return undefined;
}

export async function tap(page: MpPage, selector: string, want: string | RegExp): Promise<void> {
  const el = await until(`${selector} "${want}"`, () => find(page, selector, want));
  await el.tap();
}

/** Types into the `index`-th input or textarea under `selector`, as a finger on the keyboard would. */
export async function typeInto(page: MpPage, selector: string, value: string, index = 0): Promise<void> {
  const els = (await until(`${selector} #${index}`, async () => {
    const all = (await page.$$(selector)) as MpElement[];
    return all.length > index ? all : undefined;
  })) as MpElement[];
  await (els[index] as unknown as { input(v: string): Promise<void> }).input(value);
}

/** Waits until the text of the page's root (`rootSelector`) contains `want`. */
export async function seeText(page: MpPage, rootSelector: string, want: string | RegExp, timeoutMs = 20_000): Promise<void> {
  await until(
    `"${want}" in ${rootSelector}`,
    async () => {
      const root = await page.$(rootSelector);
      const text = root ? await root.text() : '';
      return typeof want === 'string' ? text.includes(want) : want.test(text);
    },
    timeoutMs,
  );
}

export interface Recorded {
  modals: { title: string; content: string }[];
  toasts: string[];
  subscribed: string[][];
}

export class DevtoolsSession {
  readonly log: string[] = [];
  private mp?: MiniProgram;

  private constructor(
    readonly cli: string,
    readonly projectPath: string,
    public host: TestHost,
  ) {}

  /** Builds the weapp if stale, stages the DevTools project and starts a host with the demo shop. */
  static async start(cli: string): Promise<DevtoolsSession> {
    ensureBuild('weapp');
    const projectPath = path.join(os.tmpdir(), 'aftersale-devtools-project');
    fs.rmSync(projectPath, { recursive: true, force: true });
    fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(projectPath, 'miniprogram'), { recursive: true });
    const repoConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'project.config.json'), 'utf8')) as Record<string, unknown>;
    const { cloudfunctionRoot: _functionsStayInTheRepo, ...config } = repoConfig;
    fs.writeFileSync(
      path.join(projectPath, 'project.config.json'),
      JSON.stringify(
        {
          ...config,
          miniprogramRoot: 'miniprogram/',
          projectname: 'wechat-aftersale-e2e',
          appid: process.env.WECHAT_APPID || repoConfig.appid,
          setting: { ...(repoConfig.setting as object), urlCheck: false },
        },
        null,
        2,
      ),
    );
    return new DevtoolsSession(cli, projectPath, await startTestHost());
  }

  /** Opens the mini-program as `openid` on `route`, with the bridge and the mocks in place. */
  async as(openid: string, route: string): Promise<MpPage> {
    // Storage outlives a launch: the previous caller's whoami (src/stores/identity.ts) would otherwise
    // name the next one, since the index page checks identity during launch, before the bridge exists.
    await this.mp?.callWxMethod('removeStorageSync', IDENTITY_CACHE_KEY).catch(() => undefined);
    await this.mp?.close();
    const mp = await automator.launch({ cliPath: this.cli, projectPath: this.projectPath, trustProject: true, timeout: 120_000 });
    this.mp = mp;
    mp.on('console', (m: { type?: string; args?: unknown[] }) => this.log.push(`[${m.type ?? 'log'}] ${JSON.stringify(m.args ?? [])}`));
    mp.on('exception', (e: { message?: string }) => this.log.push(`[exception] ${e.message ?? JSON.stringify(e)}`));
    await mp.evaluate(bridgeCloud, this.host.url, openid);
    // A first launch may still find an earlier run's identity; the reLaunch below asks whoami afresh, through the bridge.
    await mp.callWxMethod('removeStorageSync', IDENTITY_CACHE_KEY);
    for (const [method, fn] of Object.entries(MOCKS)) await mp.mockWxMethod(method, fn);
    await mp.callWxMethod('setStorageSync', 'e2e.modals', []);
    await mp.callWxMethod('setStorageSync', 'e2e.toasts', []);
    await mp.callWxMethod('setStorageSync', 'e2e.subscribed', []);
    const page = await mp.reLaunch(route);
    if (!page) throw new Error(`reLaunch(${route}) gave no page`);
    return page;
  }

  get miniProgram(): MiniProgram {
    if (!this.mp) throw new Error('the mini-program is not open yet: call as() first');
    return this.mp;
  }

  /** The page on top once its path is `pagePath` (navigation is asynchronous). */
  async pageAt(pagePath: string, timeoutMs = 30_000): Promise<MpPage> {
    return until(
      `page ${pagePath}`,
      async () => {
        const p = await this.miniProgram.currentPage();
        return p && p.path.replace(/^\//, '') === pagePath.replace(/^\//, '') ? p : undefined;
      },
      timeoutMs,
    );
  }

  /** Opens a page of the running mini-program afresh (its onShow reloads what it shows). */
  async open(route: string): Promise<MpPage> {
    const page = await this.miniProgram.reLaunch(route);
    if (!page) throw new Error(`reLaunch(${route}) gave no page`);
    return page;
  }

  /** The next `chooseMedia` returns this photo, written into the mini-program's own user folder. */
  async nextPhoto(name: Photo): Promise<void> {
    const bytes = fs.readFileSync(path.join(FIXTURES, `${name}.jpg`));
    const filePath = (await this.miniProgram.evaluate(
      function (fileName: string, data: string) {
        const target = wx.env.USER_DATA_PATH + '/' + fileName;
        wx.getFileSystemManager().writeFileSync(target, data, 'base64');
        return target;
      },
      `e2e-${name}.jpg`,
      bytes.toString('base64'),
    )) as string;
    await this.miniProgram.mockWxMethod('chooseMedia', {
      type: 'image',
      tempFiles: [{ tempFilePath: filePath, size: bytes.length, fileType: 'image' }],
      errMsg: 'chooseMedia:ok',
    });
  }

  async recorded(): Promise<Recorded> {
    const get = (key: string) => this.miniProgram.callWxMethod('getStorageSync', key) as Promise<unknown>;
    return {
      modals: ((await get('e2e.modals')) as Recorded['modals']) || [],
      toasts: ((await get('e2e.toasts')) as Recorded['toasts']) || [],
      subscribed: ((await get('e2e.subscribed')) as Recorded['subscribed']) || [],
    };
  }

  /** Saves what the simulator shows as e2e/screenshots/devtools-<name>.png. */
  async screenshot(name: string): Promise<void> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await this.miniProgram.screenshot({ path: path.join(SCREENSHOTS, `devtools-${name}.png`) });
  }

  /** Runs one named step; if it throws, the page's WXML, a screenshot and the console log are kept. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      try {
        const page = await this.miniProgram.currentPage();
        const root = page ? await page.$('page') : null;
        if (root) fs.writeFileSync(path.join(ARTIFACTS, `devtools-${name}.wxml`), await root.outerWxml());
        await this.miniProgram.screenshot({ path: path.join(ARTIFACTS, `devtools-${name}.png`) });
      } catch {
        // The simulator may be gone; the console log below still says what happened.
      }
      fs.writeFileSync(path.join(ARTIFACTS, `devtools-${name}.console.log`), this.log.join('\n'));
      throw e;
    }
  }

  /** A second host for a journey that moves the clock; the next `as()` talks to it. */
  async useHost(host: TestHost): Promise<TestHost> {
    const previous = this.host;
    this.host = host;
    return previous;
  }

  async close(): Promise<void> {
    await this.mp?.close();
    await this.host.close();
    fs.rmSync(this.projectPath, { recursive: true, force: true });
  }
}

/** One person's mini-program in DevTools, as the shared journeys (test/weapp/journeys.ts) see a phone. */
class DevtoolsPhone implements Phone {
  constructor(private readonly s: DevtoolsSession) {}

  private async page(): Promise<MpPage> {
    return until('a page on top', () => this.s.miniProgram.currentPage() as Promise<MpPage | null>);
  }

  async tap(selector: string, want: string | RegExp): Promise<void> {
    await tap(await this.page(), selector, want);
  }

  async tapWithin(selector: string, want: string | RegExp, inner: string): Promise<void> {
    const page = await this.page();
    const outer = await until(`${selector} "${want}"`, () => find(page, selector, want));
    const el = await until(`${inner} inside it`, () => outer.$(inner));
    await el.tap();
  }

  async typeInto(selector: string, value: string, index = 0): Promise<void> {
    await typeInto(await this.page(), selector, value, index);
  }

  async seeText(rootSelector: string, want: string | RegExp, timeoutMs?: number): Promise<void> {
    await seeText(await this.page(), rootSelector, want, timeoutMs);
  }

  async textOf(selector: string): Promise<string> {
    const el = await (await this.page()).$(selector);
    return el ? (await el.text()).trim() : '';
  }

  async count(selector: string): Promise<number> {
    return ((await (await this.page()).$$(selector)) as MpElement[]).length;
  }

  async classOf(selector: string): Promise<string> {
    const el = await (await this.page()).$(selector);
    return el ? ((await el.attribute('class')) ?? '') : '';
  }

  async pageAt(route: string): Promise<{ query: Record<string, string> }> {
    const page = await this.s.pageAt(route);
    return { query: Object.fromEntries(Object.entries(page.query ?? {}).map(([k, v]) => [k, String(v)])) };
  }

  async open(url: string): Promise<void> {
    await this.s.open(url);
  }

  async nextPhoto(photo: Photo): Promise<void> {
    await this.s.nextPhoto(photo);
  }

  async recorded(): Promise<JourneyRecorded> {
    return this.s.recorded();
  }

  async screenshot(name: string): Promise<void> {
    await this.s.screenshot(name);
  }
}

/** The shared journeys' driver on DevTools: each `as()` is a fresh launch; `api` goes to the local host. */
export class DevtoolsJourneys implements JourneyDriver {
  constructor(private readonly s: DevtoolsSession) {}

  async as(openid: string, route: string): Promise<Phone> {
    await this.s.as(openid, route);
    return new DevtoolsPhone(this.s);
  }

  api<T>(action: string, body: object, openid: string): Promise<T> {
    return hostPost<T>(this.s.host.url, '/api/afterSale', { action, ...body }, openid);
  }

  step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.s.step(name, fn);
  }
}
