/**
 * One load's timeline of each h5 first screen (issue 18 item 4): when each script, style and request
 * goes out and comes back (Resource Timing), long tasks, first paint, and when the bench declares the
 * screen interactive (h5.ts's watch). Needs the h5 builds (`npm run bench -- --only=h5` makes them).
 *   npx tsx bench/phases/h5Timeline.ts [loads per screen, default 3]
 * Prints every load's timeline and each screen's median. Environment: QUIET=1 medians only;
 * BEFORE_DIST=<an older app-h5 build> loads it in turn with the others (A/B in one run); LATENCY_MS=40
 * adds that latency to every request (Chrome's network emulation); TRACE=1 adds the main thread's tasks;
 * PROFILE=1 one CPU-profiled load of each, self time per function.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS as FLAGS, PHONE } from '../../e2e/support/browser';
import { BENCH_TMP, REPO_ROOT } from '../lib/builds';
import { copyDataDir } from '../lib/copyDb';
import { spawnReady, type ReadyChild } from '../lib/child';
import { buildPanelDataset } from '../lib/dataset';
import { SCREENS, SPECS, watchScript, type Screen, type ScreenSpec } from './h5';

const H5_HOST = path.join(REPO_ROOT, 'bench', 'phases', 'h5Host.ts');

/** Long tasks and the first time the target is in the DOM, recorded from the page's start. */
const OBSERVE = `(() => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  // Each action asked (the body's action) and when its answer was read.
  window.__calls = [];
  const f = window.fetch;
  window.fetch = async (input, init) => {
    const at = performance.now();
    let action = '';
    try { action = JSON.parse(init && init.body || '{}').action || ''; } catch {}
    const res = await f(input, init);
    const json = res.json.bind(res);
    res.json = async () => { const v = await json(); window.__calls.push([action, Math.round(at), Math.round(performance.now())]); return v; };
    return res;
  };
})();`;

/** When the target is first in the DOM (any size). */
const inDom = (selector: string) => `(() => {
  const tick = () => {
    if (document.querySelector(${JSON.stringify(selector)})) window.__inDom = performance.now();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

interface Row {
  at: number;
  end: number;
  what: string;
}

/** Self time per function (url:line name) over one load, the largest first, from a CDP CPU profile. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
function selfTimes(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^https?:\/\/[^/]+/, '')}:${f.lineNumber}`;
    ms.set(key, (ms.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  const byUrl = new Map<string, number>();
  for (const [k, v] of ms) {
    const url = k.slice(k.lastIndexOf(' ') + 1).replace(/:-?\d+$/, '') || '(native)';
    byUrl.set(url, (byUrl.get(url) ?? 0) + v);
  }
  const urls = [...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' · ');
  return [`by script: ${urls}`, ...[...ms].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${v.toFixed(1).padStart(7)} ms  ${k}`)];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: { data?: { url?: string; frame?: string }; frame?: string };
}

/**
 * The renderer main thread's tasks over one load (Chrome trace, devtools.timeline): each task of 3 ms
 * or more, from navigation start, with the time its script evaluation, function calls, style, layout
 * and paint took inside it.
 */
function mainThreadTasks(events: TraceEvent[]): Row[] {
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.frame !== undefined) ?? events.find((e) => e.name === 'navigationStart');
  if (!nav) return [];
  const main = events.find((e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain' && e.pid === nav.pid);
  const tid = main?.tid ?? nav.tid;
  const mine = events.filter((e) => e.pid === nav.pid && e.tid === tid && e.ph === 'X' && e.ts >= nav.ts);
  const tasks = mine.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) >= 3000);
  const kinds: Record<string, string> = {
    EvaluateScript: 'script',
    'v8.compile': 'compile',
    FunctionCall: 'js',
    TimerFire: 'js',
    FireAnimationFrame: 'js',
    UpdateLayoutTree: 'style',
    Layout: 'layout',
    Paint: 'paint',
    ParseAuthorStyleSheet: 'css parse',
    ParseHTML: 'html',
  };
  if (process.env.TRACE === 'layout') {
    for (const e of mine.filter((x) => (x.name === 'Layout' || x.name === 'UpdateLayoutTree') && (x.dur ?? 0) >= 5000)) {
      console.log(`${e.name} at ${((e.ts - nav.ts) / 1000).toFixed(0)} ms, ${((e.dur ?? 0) / 1000).toFixed(0)} ms`, JSON.stringify(e.args).slice(0, 400));
    }
  }
  return tasks.map((t) => {
    const end = t.ts + (t.dur ?? 0);
    const inside = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= end && kinds[e.name]);
    const sum = new Map<string, number>();
    let script = '';
    for (const e of inside) {
      // Nested events of the same kind (a layout inside a function call) are counted once, by the outer.
      const outer = inside.some((o) => o !== e && kinds[o.name] === kinds[e.name] && o.ts <= e.ts && o.ts + (o.dur ?? 0) >= e.ts + (e.dur ?? 0) && (o.dur ?? 0) > (e.dur ?? 0));
      if (outer) continue;
      sum.set(kinds[e.name], (sum.get(kinds[e.name]) ?? 0) + (e.dur ?? 0) / 1000);
      if (e.name === 'EvaluateScript' && e.args?.data?.url) script = ` ${e.args.data.url.replace(/^https?:\/\/[^/]+/, '')}`;
    }
    const parts = [...sum].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
    return { at: (t.ts - nav.ts) / 1000, end: (end - nav.ts) / 1000, what: `  main thread ${((t.dur ?? 0) / 1000).toFixed(0)} ms:${script} ${parts}` };
  });
}

async function timeline(url: string, spec: ScreenSpec, profile = false): Promise<{ rows: Row[]; interactive: number; top?: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-timeline-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: PHONE, locale: 'zh-CN' });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(OBSERVE);
    await page.addInitScript(watchScript(spec));
    await page.addInitScript(inDom(spec.selector));
    if (process.env.LATENCY_MS) {
      // Every request (scripts, styles, calls) waits this long, as on a phone's network; loopback has ~none.
      const net = await context.newCDPSession(page);
      await net.send('Network.enable');
      await net.send('Network.emulateNetworkConditions', { offline: false, latency: Number(process.env.LATENCY_MS), downloadThroughput: -1, uploadThroughput: -1 });
    }
    const cdp = profile ? await context.newCDPSession(page) : undefined;
    const tracer = process.env.TRACE ? await context.newCDPSession(page) : undefined;
    const traced: TraceEvent[] = [];
    const traceDone = new Promise<void>((resolve) => {
      tracer?.on('Tracing.dataCollected', (d) => void traced.push(...(d.value as unknown as TraceEvent[])));
      tracer?.on('Tracing.tracingComplete', () => resolve());
    });
    if (tracer) {
      await tracer.send('Tracing.start', {
        categories: 'devtools.timeline,v8.execute,blink.user_timing,loading,__metadata,disabled-by-default-devtools.timeline',
        transferMode: 'ReportEvents',
      });
    }
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.goto(url + spec.route);
    await page.waitForFunction(() => (window as unknown as { __benchInteractive?: number }).__benchInteractive, undefined, { timeout: 60_000 });
    if (tracer) {
      await tracer.send('Tracing.end');
      await traceDone;
    }
    const top = cdp ? selfTimes((await cdp.send('Profiler.stop')).profile as never) : undefined;
    await page.waitForTimeout(300);
    const out = await page.evaluate(() => {
      const w = window as unknown as { __benchInteractive: number; __longTasks: [number, number][]; __calls: [string, number, number][]; __inDom?: number };
      const rows: { at: number; end: number; what: string }[] = [];
      for (const [action, at, end] of w.__calls) rows.push({ at, end, what: `call ${action} (sent → answer parsed)` });
      if (w.__inDom !== undefined) rows.push({ at: w.__inDom, end: w.__inDom, what: 'target in the DOM (frame)' });
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      rows.push({ at: 0, end: nav.responseEnd, what: `document ${nav.encodedBodySize} B; DOMContentLoaded ${Math.round(nav.domContentLoadedEventEnd)}` });
      for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
        const name = r.name.replace(location.origin, '');
        rows.push({ at: r.startTime, end: r.responseEnd, what: `${r.initiatorType} ${name} ${r.encodedBodySize} B` });
      }
      for (const p of performance.getEntriesByType('paint')) rows.push({ at: p.startTime, end: p.startTime, what: p.name });
      for (const [at, d] of w.__longTasks) rows.push({ at, end: at + d, what: `long task ${d} ms` });
      rows.push({ at: w.__benchInteractive, end: w.__benchInteractive, what: 'INTERACTIVE' });
      rows.sort((a, b) => a.at - b.at);
      return { rows, interactive: w.__benchInteractive };
    });
    const rows = [...out.rows, ...mainThreadTasks(traced)].sort((a, b) => a.at - b.at);
    return { rows, interactive: out.interactive, top };
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loads = Number(process.argv[2] ?? 3);
  const dataApp = path.join(BENCH_TMP, 'timeline-h5-app');
  await buildPanelDataset(dataApp, Date.now(), 1000);
  const dataBare = copyDataDir(dataApp, path.join(BENCH_TMP, 'timeline-h5-bare'));
  const hosts: ReadyChild[] = [];
  try {
    const app = await spawnReady(H5_HOST, { DATA_DIR: dataApp, DIST_DIR: path.join(BENCH_TMP, 'app-h5') });
    hosts.push(app);
    const bare = await spawnReady(H5_HOST, { DATA_DIR: dataBare, DIST_DIR: path.join(BENCH_TMP, 'bare-dist-h5') });
    hosts.push(bare);
    const urlOf = (s: Screen) => (s === 'bare' ? bare.url : app.url);
    // BEFORE_DIST: an older app build served beside, loaded in turn with the others (A/B in one run).
    const before = process.env.BEFORE_DIST ? await spawnReady(H5_HOST, { DATA_DIR: copyDataDir(dataApp, path.join(BENCH_TMP, 'timeline-h5-before')), DIST_DIR: process.env.BEFORE_DIST }) : undefined;
    if (before) hosts.push(before);
    const runs: { name: string; url: string; spec: ScreenSpec }[] = SCREENS.map((s) => ({ name: s, url: urlOf(s), spec: SPECS[s] }));
    if (before) runs.push({ name: 'orders (before)', url: before.url, spec: SPECS.orders }, { name: 'panel (before)', url: before.url, spec: SPECS.panel });
    for (const r of runs) await timeline(r.url, r.spec);
    const interactive: Record<string, number[]> = Object.fromEntries(runs.map((r) => [r.name, []]));
    for (let i = 0; i < loads; i += 1) {
      for (const r of runs) {
        const t = await timeline(r.url, r.spec);
        interactive[r.name].push(t.interactive);
        if (process.env.QUIET) continue;
        console.log(`\n== ${r.name}, load ${i + 1}: interactive ${Math.round(t.interactive)} ms`);
        for (const row of t.rows) console.log(`${String(Math.round(row.at)).padStart(5)} → ${String(Math.round(row.end)).padStart(5)}  ${row.what}`);
      }
    }
    if (process.env.PROFILE) {
      for (const s of SCREENS) {
        const t = await timeline(urlOf(s), SPECS[s], true);
        console.log(`\n== ${s}, CPU profile (self time to interactive, ${Math.round(t.interactive)} ms; profiling slows it)`);
        for (const l of t.top ?? []) console.log(l);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const bareMed = med(interactive.bare);
    console.log(`\nmedians of ${loads} loads each:`);
    for (const r of runs) {
      const m = med(interactive[r.name]);
      console.log(`  ${r.name}: ${Math.round(m)} ms (${(m / bareMed).toFixed(2)}× bare, +${Math.round(m - bareMed)} ms) — ${interactive[r.name].map(Math.round).join(', ')}`);
    }
  } finally {
    for (const h of hosts) await h.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
