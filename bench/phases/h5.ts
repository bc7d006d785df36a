/**
 * Phase 5: the h5 first screen in headless Chromium on a 375×812 phone, each load in a new browser
 * with a fresh user-data-dir (nothing cached). "Interactive" is measured inside the page from the
 * start of navigation: the first animation frame in which the target element is on screen with a size,
 * then a macrotask after it, i.e. the main thread would now handle a tap. Targets: the buyer's order list (`.order-card`,
 * 张伟 from the demo seed) and the merchant panel (`[data-case-id]`, 王芳's shop with 1,000 PENDING
 * cases), beside the bare Taro page (`#bare-ready`), each served by the same local host process kind.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { copyDataDir } from '../lib/copyDb';
import { spawnReady, type ReadyChild } from '../lib/child';
import { CHROMIUM, CHROMIUM_FLAGS as FLAGS, PHONE } from '../../e2e/support/browser';
import { REPO_ROOT } from '../lib/builds';
import { buildPanelDataset } from '../lib/dataset';

const H5_HOST = path.join(REPO_ROOT, 'bench', 'phases', 'h5Host.ts');
/** Where src/services/identity.ts keeps the h5 dev identity (Taro storage wraps values as {data}). */
const IDENTITY_KEY = 'aftersale.devOpenid';

export type Screen = 'bare' | 'orders' | 'panel';
export const SCREENS: Screen[] = ['bare', 'orders', 'panel'];

export interface ScreenSpec {
  route: string;
  selector: string;
  openid?: string;
}

export const SPECS: Record<Screen, ScreenSpec> = {
  bare: { route: '/', selector: '#bare-ready' },
  orders: { route: '/#/pages/index/index', selector: '.order-card', openid: 'oBuyerZhangWei' },
  panel: { route: '/#/merchant/pages/panel/index', selector: '[data-case-id]', openid: 'oMerchantOwnerHaowu' },
};

export interface ScreenLoad {
  /** ms from navigation start to interactive. */
  interactiveMs: number;
  /** Elements in the page on top (`.taro_page`) once interactive. */
  nodes: number;
}

export interface PanelScroll {
  rowsLoaded: number;
  /** The most elements the panel's page held at any point while scrolling to the end. */
  maxNodes: number;
  /** Case rows in the DOM at the end. */
  rowsInDom: number;
}

export interface H5Result {
  rounds: Record<Screen, ScreenLoad>[];
  scroll: PanelScroll;
}

async function launch(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: PHONE,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Runs in the page before its own scripts: the identity, and the watch for the target element. */
export function watchScript(spec: ScreenSpec): string {
  return `(() => {
    ${spec.openid ? `localStorage.setItem(${JSON.stringify(IDENTITY_KEY)}, ${JSON.stringify(JSON.stringify({ data: spec.openid }))});` : ''}
    const selector = ${JSON.stringify(spec.selector)};
    const visible = () => {
      const el = document.querySelector(selector);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.height > 0 && r.width > 0 && r.top < window.innerHeight;
    };
    // Checked every frame: an element can be inserted before it has a size (a custom element not yet
    // upgraded, styles still loading), so waiting for insertion alone would miss it.
    const frame = () => {
      if (visible()) setTimeout(() => { window.__benchInteractive = performance.now(); }, 0);
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })();`;
}

function topPageNodes(page: Page): Promise<number> {
  return page.evaluate(() => {
    const pages = document.querySelectorAll('.taro_page');
    const top = pages[pages.length - 1];
    return (top ?? document.body).querySelectorAll('*').length;
  });
}

async function loadOnce(url: string, spec: ScreenSpec): Promise<ScreenLoad> {
  const browser = await launch();
  try {
    await browser.page.addInitScript(watchScript(spec));
    await browser.page.goto(url + spec.route);
    const handle = await browser.page.waitForFunction(() => (window as unknown as { __benchInteractive?: number }).__benchInteractive, undefined, {
      timeout: 60_000,
    });
    const interactiveMs = (await handle.jsonValue()) as number;
    return { interactiveMs, nodes: await topPageNodes(browser.page) };
  } finally {
    await browser.close();
  }
}

/** Scrolls the panel to its end, page after page, and follows how many elements it holds. */
async function scrollPanel(url: string, expected: number): Promise<PanelScroll> {
  const browser = await launch();
  const { page } = browser;
  try {
    await page.addInitScript(watchScript(SPECS.panel));
    await page.goto(url + SPECS.panel.route);
    await page.waitForFunction(() => (window as unknown as { __benchInteractive?: number }).__benchInteractive, undefined, { timeout: 60_000 });
    let maxNodes = await topPageNodes(page);
    for (let i = 0; i < 400; i += 1) {
      // A finger scrolls through the rows above the bottom before reaching it: Taro's reach-bottom
      // fires again only after a scroll event outside its threshold, which a single jump would skip.
      await page.evaluate(() => {
        const pages = document.querySelectorAll('.taro_page');
        const top = pages[pages.length - 1] as HTMLElement;
        top.scrollTo(0, Math.max(0, top.scrollHeight - top.clientHeight - 600));
      });
      await page.waitForTimeout(50);
      const atEnd = await page.evaluate(() => {
        const pages = document.querySelectorAll('.taro_page');
        const top = pages[pages.length - 1] as HTMLElement;
        top.scrollTo(0, top.scrollHeight);
        return /已显示全部/.test(top.querySelector('.panel__footer')?.textContent ?? '');
      });
      maxNodes = Math.max(maxNodes, await topPageNodes(page));
      if (atEnd) break;
      await page.waitForTimeout(100);
    }
    const footer = await page.evaluate(() => {
      const pages = document.querySelectorAll('.taro_page');
      const top = pages[pages.length - 1];
      return { text: top.querySelector('.panel__footer')?.textContent ?? '', rows: top.querySelectorAll('[data-case-id]').length };
    });
    const loaded = Number(/已显示全部\s*(\d+)\s*单/.exec(footer.text)?.[1] ?? 0);
    if (loaded !== expected) throw new Error(`h5: the panel ended with ${loaded} cases listed, expected ${expected}`);
    return { rowsLoaded: loaded, maxNodes, rowsInDom: footer.rows };
  } finally {
    await browser.close();
  }
}

export async function h5Phase(
  dirs: { app: string; bare: string; tmp: string },
  rounds: number,
  pendingCases: number,
  log: (s: string) => void,
): Promise<H5Result> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const dataApp = path.join(dirs.tmp, 'run-h5-app');
  await buildPanelDataset(dataApp, Date.now(), pendingCases);
  const dataBare = copyDataDir(dataApp, path.join(dirs.tmp, 'run-h5-bare'));
  const hosts: ReadyChild[] = [];
  try {
    const app = await spawnReady(H5_HOST, { DATA_DIR: dataApp, DIST_DIR: dirs.app });
    hosts.push(app);
    const bare = await spawnReady(H5_HOST, { DATA_DIR: dataBare, DIST_DIR: dirs.bare });
    hosts.push(bare);
    const urlOf = (s: Screen) => (s === 'bare' ? bare.url : app.url);
    // One untimed load of each: the host's JIT and the OS file cache, not the browser's (always fresh).
    for (const s of SCREENS) await loadOnce(urlOf(s), SPECS[s]);
    const out: Record<Screen, ScreenLoad>[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const round = {} as Record<Screen, ScreenLoad>;
      for (const s of SCREENS) round[s] = await loadOnce(urlOf(s), SPECS[s]);
      out.push(round);
      log(`  round ${r + 1}: ${SCREENS.map((s) => `${s} ${Math.round(round[s].interactiveMs)} ms`).join(' · ')}`);
    }
    const scroll = await scrollPanel(app.url, pendingCases);
    log(`  panel scrolled to the end: ${scroll.rowsLoaded} cases, at most ${scroll.maxNodes} elements`);
    return { rounds: out, scroll };
  } finally {
    for (const h of hosts) await h.stop();
  }
}
