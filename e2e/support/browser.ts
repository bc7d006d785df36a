/**
 * Debian's chromium driven by playwright-core, as a 375×812 phone. Flags: headless, no sandbox (root),
 * and no background networking, since this machine's closed network refuses Chromium's own calls.
 * Screenshots go to e2e/screenshots/<name>.png; on a failed step the page's HTML and its console log
 * go to e2e/artifacts/.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './h5Build';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO_ROOT, 'e2e', 'screenshots');
export const ARTIFACTS = path.join(REPO_ROOT, 'e2e', 'artifacts');
export const PHONE = { width: 375, height: 812 };
/** Headless as root, and no background networking: this machine's closed network refuses Chromium's own calls. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * How long one E2E test may take. A page stuck in a loop makes Playwright's `evaluate` and `content` wait
 * for ever (they have no timeout of their own); this bounds a stuck test, so CI reports it and goes on.
 */
export const E2E_TEST_TIMEOUT_MS = 5 * 60_000;

/** `p`, or an error naming `what` after `ms`: for the Playwright calls that have no timeout of their own. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export interface PhoneBrowser {
  context: BrowserContext;
  page: Page;
  /** Everything the page printed to its console, and uncaught errors. */
  console: string[];
  close(): Promise<void>;
}

/** Waits up to `waitMs` for chromium to appear (it may be being installed by apt right now). */
export async function chromiumAvailable(waitMs = 0): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (fs.existsSync(CHROMIUM)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 5_000));
  }
}

export async function launchPhone(): Promise<PhoneBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-chromium-'));
  // A persistent context on a fresh directory is Playwright's way of passing --user-data-dir.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: PHONE,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  return {
    context,
    page,
    console: log,
    async close() {
      try {
        await within(context.close(), 15_000, 'closing chromium');
      } catch (e) {
        // A renderer stuck in a loop can keep the browser from closing: end the processes of this profile.
        console.warn(`${(e as Error).message}; killing the chromium of ${userDataDir}`);
        try {
          execFileSync('pkill', ['-KILL', '-f', userDataDir]);
        } catch {
          // Already gone.
        }
      }
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Taro's h5 pages scroll inside `.taro_page` (the body does not scroll), so a full-page shot first lets
 * the top page grow to its content, then puts it back.
 */
async function unrollTopPage(page: Page, unroll: boolean): Promise<void> {
  await page.evaluate((on) => {
    const pages = document.querySelectorAll<HTMLElement>('.taro_page');
    const top = pages[pages.length - 1];
    const targets = [document.documentElement, document.body, document.getElementById('app'), top].filter((e): e is HTMLElement => e !== null);
    for (const el of targets) {
      el.style.height = on ? 'auto' : '';
      el.style.overflow = on ? 'visible' : '';
    }
    if (top) top.style.position = on ? 'relative' : '';
  }, unroll);
}

/** Saves the viewport (what a phone shows) as `<name>.png` and the whole page as `<name>-full.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // The page slides in from the right; shoot once it has landed.
  await page.waitForFunction(() => {
    const pages = document.querySelectorAll('.taro_page');
    const top = pages[pages.length - 1];
    return top !== undefined && Math.abs(top.getBoundingClientRect().left) < 1;
  });
  await page.waitForTimeout(150);
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  await unrollTopPage(page, true);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-full.png`), fullPage: true });
  await unrollTopPage(page, false);
  return file;
}

/**
 * DOM errors the page printed (React's or Taro's components failing to move a node, issue 17's
 * 「insertBefore … NotFoundError」): a journey that completes can still leave the page half-updated.
 */
export function domErrors(phone: PhoneBrowser): string[] {
  return phone.console.filter((l) => /NotFoundError|insertBefore|removeChild|Minified React error/.test(l));
}

export async function saveArtifacts(phone: PhoneBrowser, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  try {
    fs.writeFileSync(path.join(ARTIFACTS, `${name}.html`), await within(phone.page.content(), 10_000, 'reading the page'));
    await phone.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, timeout: 10_000 });
  } catch (e) {
    // The page itself may be gone or stuck; the console log below still tells what happened.
    phone.console.push(`[artifacts] ${(e as Error).message}`);
  }
  fs.writeFileSync(path.join(ARTIFACTS, `${name}.console.log`), phone.console.join('\n'));
}

/** Runs one named step; if it throws, the page's HTML, a screenshot and the console log are kept. */
export async function step<T>(phone: PhoneBrowser, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    await saveArtifacts(phone, name);
    throw e;
  }
}
