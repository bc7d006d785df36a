/**
 * Where apply's tail at half the saturating rate comes from (issue 18 item 5):
 *   npx tsx bench/probe-apply-tail.ts [applies=1000]
 * Needs the bench's dataset (bench/tmp/dataset, made by `npm run bench -- --only=host` or
 * `npx tsx bench/phases/dataset.ts bench/tmp/dataset bench/tmp/dataset-manifest.json`).
 *
 * One host process with bench/lib/hostProbe.cjs preloaded (server-side accept → reply times, event-loop
 * lag). On it, as the bench's host phase does: apply as fast as answered over 50 connections, then
 * apply at half that rate through autocannon's `overallRate` (what the bench reports as applyPaced),
 * then the same rate offered by an open-loop generator that sends one request every 1/rate s (latency
 * from the moment each request was due). For each run it prints the client's figures (autocannon's own
 * and the raw per-reply times it measured), the server's, the event loop's lag and when in each second
 * the requests reached the server. Not part of `npm run bench`.
 */
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { startHostProcess } from '../test/support/host';
import { BENCH_TMP } from './lib/builds';
import { CONNECTIONS, type CannonRequest } from './lib/cannon';
import { copyDataDir } from './lib/copyDb';
import type { Manifest } from './lib/dataset';
import { DbPeek, quiesce } from './lib/dbPeek';
import { applyBody } from './phases/hostLoad';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb: (err: unknown, r: AcResult) => void) => AcInstance;
interface AcResult {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; max: number };
}
interface AcInstance {
  on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

/** [at, lagMs, onCpuMs, runqueueWaitMs]: one process's main thread (see bench/lib/hostProbe.cjs). */
type Tick = [number, number, number, number];
interface Probe {
  requests: [number, number, string, number | null][];
  lags: Tick[];
  cpu: { user: number; system: number };
}

const epochNow = () => performance.timeOrigin + performance.now();

/** The same 2 ms ticker as the host's probe, in this (the load generator's) process. */
function clientTicker(): { ticks: Tick[]; stop(): void } {
  const file = `/proc/self/task/${process.pid}/schedstat`;
  const sched = () => fs.readFileSync(file, 'utf8').split(' ').map(Number).slice(0, 2).map((ns) => ns / 1e6);
  const ticks: Tick[] = [];
  let last = sched();
  let expected = epochNow() + 2;
  const timer = setInterval(() => {
    const t = epochNow();
    const s = sched();
    ticks.push([t, Math.max(0, t - expected), s[0] - last[0], s[1] - last[1]]);
    last = s;
    expected = t + 2;
  }, 2);
  return { ticks, stop: () => clearInterval(timer) };
}

interface RunFigures {
  name: string;
  t0: number;
  t1: number;
  ok: number;
  rps: number;
  /** What autocannon reports (the bench's figure). */
  reported?: { p50: number; p99: number; max: number };
  /** The client's own per-reply times (send → reply). */
  client: number[];
  /** Open loop only: due time → reply. */
  fromDue?: number[];
  /** Open loop only, by x-probe-id: [due, sent, reply read] (epoch ms). */
  times?: [number, number, number][];
}

function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const summary = (xs: readonly number[]) => `p50 ${f1(pct(xs, 50))} p99 ${f1(pct(xs, 99))} max ${f1(pct(xs, 100))} ms (n ${xs.length})`;

/** The bench's cannon(), with the raw per-reply times kept. */
function acRun(name: string, url: string, reqs: CannonRequest[], amount: number, overallRate?: number): Promise<RunFigures> {
  const client: number[] = [];
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      { url, connections: CONNECTIONS, timeout: 30, sampleInt: 50, requests: reqs, amount, ...(overallRate ? { overallRate } : {}) },
      (err, r) => {
        if (err) return reject(err);
        const failed = r.non2xx + r.errors + r.timeouts;
        if (failed > 0) return reject(new Error(`${name}: ${failed} failed`));
        resolve({ name, t0, t1: Date.now(), ok: r['2xx'], rps: r['2xx'] / r.duration, reported: r.latency, client });
      },
    );
    inst.on('response', (_c, status, _b, ms) => {
      if (status >= 200 && status < 300) client.push(ms);
    });
  });
}

/** Open loop: request i is due at t0 + i/rate s, whatever became of the earlier ones; 50 keep-alive sockets. */
async function evenRun(name: string, url: string, reqs: CannonRequest[], rate: number): Promise<RunFigures> {
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const client: number[] = [];
  const fromDue: number[] = [];
  const times: [number, number, number][] = [];
  const t0 = Date.now() + 20;
  let sent = 0;
  let done = 0;
  const send = (r: CannonRequest, due: number, id: number) =>
    new Promise<void>((resolve, reject) => {
      const start = performance.now();
      const dueAt = performance.now() - (Date.now() - due);
      const headers = { ...r.headers, 'x-probe-id': String(id) };
      const req = http.request({ agent, host: u.hostname, port: u.port, method: r.method, path: r.path, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${name}: status ${res.statusCode}`));
          const end = performance.now();
          client.push(end - start);
          fromDue.push(end - dueAt);
          times[id] = [performance.timeOrigin + dueAt, performance.timeOrigin + start, performance.timeOrigin + end];
          done += 1;
          resolve();
        });
      });
      req.on('error', reject);
      req.end(r.body);
    });
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Date.now();
      while (sent < reqs.length && t0 + (sent * 1000) / rate <= now) {
        pending.push(send(reqs[sent], t0 + (sent * 1000) / rate, sent));
        sent += 1;
      }
      if (sent < reqs.length) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, Math.max(0, t0 - Date.now()));
  });
  await Promise.all(pending);
  agent.destroy();
  const t1 = Date.now();
  return { name, t0, t1, ok: done, rps: done / ((t1 - t0) / 1000), client, fromDue, times };
}

/** A process's main thread over a run: on a CPU, waiting for one, and the stalls (ticks > 20 ms late). */
function threadLine(who: string, ticks: Tick[], r: RunFigures): string {
  const w = ticks.filter(([t]) => t >= r.t0 && t <= r.t1);
  const sum = (xs: Tick[], i: number) => xs.reduce((a, x) => a + x[i], 0);
  const stalls = w.filter((x) => x[1] > 20);
  return (
    `${who} main thread over ${Math.round(r.t1 - r.t0)} ms: on CPU ${Math.round(sum(w, 2))} ms, waiting for a CPU ${Math.round(sum(w, 3))} ms; ` +
    `lag ${summary(w.map((x) => x[1]))}; ${stalls.length} stalls > 20 ms, ${Math.round(sum(stalls, 1))} ms late in all, ` +
    `of which the thread ran ${Math.round(sum(stalls, 2))} ms, waited for a CPU ${Math.round(sum(stalls, 3))} ms, ` +
    `neither (blocked in a call) ${Math.round(sum(stalls, 1) + 2 * stalls.length - sum(stalls, 2) - sum(stalls, 3))} ms`
  );
}

/** A thread's time on a CPU and waiting for one within [from, to], from the ticks (each covers the 2 ms + its lag before it). */
function within(ticks: Tick[], from: number, to: number): { ran: number; waited: number; wall: number } {
  let ran = 0;
  let waited = 0;
  for (const [t, lag, cpu, wait] of ticks) {
    const start = t - 2 - lag;
    const overlap = Math.min(t, to) - Math.max(start, from);
    if (overlap <= 0) continue;
    const share = overlap / (t - start);
    ran += cpu * share;
    waited += wait * share;
  }
  return { ran, waited, wall: to - from };
}

/** Open loop: each request's time split at the host's accept and reply (same machine, same clock). */
function decompose(p: Probe, ticks: Tick[], r: RunFigures): void {
  if (!r.times) return;
  const byId = new Map(p.requests.filter((x) => x[3] !== null && x[0] >= r.t0 - 5).map((x) => [x[3] as number, x]));
  const rows: { total: number; wait: number; before: number; server: number; after: number; due: number; sent: number; end: number }[] = [];
  r.times.forEach(([due, sent, end], id) => {
    const s = byId.get(id);
    if (!s) return;
    rows.push({ total: end - due, wait: sent - due, before: s[0] - sent, server: s[1] - s[0], after: end - s[1], due, sent, end });
  });
  const line = (label: string, xs: typeof rows) =>
    `  ${label} (${xs.length}): due→sent ${f1(pct(xs.map((x) => x.wait), 50))}, sent→host accepted ${f1(pct(xs.map((x) => x.before), 50))}, ` +
    `host accept→reply ${f1(pct(xs.map((x) => x.server), 50))}, host reply→client read ${f1(pct(xs.map((x) => x.after), 50))} ms (medians)`;
  const p99 = pct(rows.map((x) => x.total), 99);
  console.log(line('all requests', rows));
  console.log(line(`the slowest 1% (due→reply ≥ ${f1(p99)} ms)`, rows.filter((x) => x.total >= p99)));
  for (const k of ['wait', 'before', 'server', 'after'] as const) console.log(`    ${k}: ${summary(rows.map((x) => x[k]))}`);
  // While each of the slowest 1% was outstanding (due → reply read): what the two main threads did.
  const slow = rows.filter((x) => x.total >= p99);
  const host = slow.map((x) => within(p.lags, x.due, x.end));
  const gen = slow.map((x) => within(ticks, x.due, x.end));
  const med = (xs: number[]) => f1(pct(xs, 50));
  console.log(
    `  while the slowest 1% were outstanding (median ${med(host.map((h) => h.wall))} ms): host thread ran ${med(host.map((h) => h.ran))} ms, ` +
      `waited for a CPU ${med(host.map((h) => h.waited))} ms, neither ${med(host.map((h) => h.wall - h.ran - h.waited))} ms; ` +
      `load generator waited for a CPU ${med(gen.map((h) => h.waited))} ms`,
  );
}

function serverSide(p: Probe, r: RunFigures): void {
  const reqs = p.requests.filter(([a, , url]) => url === '/api/afterSale' && a >= r.t0 - 5 && a <= r.t1 + 5);
  const lat = reqs.map(([a, b]) => b - a);
  const lags = p.lags.filter(([t]) => t >= r.t0 && t <= r.t1).map(([, l]) => l);
  // When in each second (from the run's start) the requests reached the server: 10 bins of 100 ms.
  const bins = new Array<number>(10).fill(0);
  for (const [a] of reqs) bins[Math.min(9, Math.floor(((a - r.t0) % 1000) / 100))] += 1;
  // Requests the server held at once (accepted, reply not yet written), sampled at each arrival.
  const events = reqs.flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let inFlight = 0;
  const held: number[] = [];
  for (const [, d] of events) {
    inFlight += d;
    if (d > 0) held.push(inFlight);
  }
  console.log(`  server accept→reply: ${summary(lat)}`);
  console.log(`  server held at once (at each arrival): p50 ${pct(held, 50)} p99 ${pct(held, 99)} max ${pct(held, 100)}`);
  console.log(`  event-loop lag (2 ms timer): ${summary(lags)}; ticks late > 50 ms: ${lags.filter((l) => l > 50).length}`);
  console.log(`  arrivals per 100 ms of each second: ${bins.map((b) => Math.round((100 * b) / Math.max(1, reqs.length))).join(' ')} (%)`);
}

function report(p: Probe, ticks: Tick[], r: RunFigures): void {
  console.log(`${r.name}: ${r.ok} ok, ${Math.round(r.rps)}/s over ${((r.t1 - r.t0) / 1000).toFixed(1)} s (epoch ms ${r.t0}–${r.t1})`);
  if (r.reported) console.log(`  autocannon reports: p50 ${r.reported.p50} p99 ${r.reported.p99} max ${r.reported.max} ms`);
  console.log(`  client send→reply (raw): ${summary(r.client)}`);
  if (r.fromDue) console.log(`  client due→reply: ${summary(r.fromDue)}`);
  serverSide(p, r);
  console.log(`  ${threadLine('host', p.lags, r)}`);
  console.log(`  ${threadLine('load generator', ticks, r)}`);
  decompose(p, ticks, r);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const manifest = JSON.parse(fs.readFileSync(path.join(BENCH_TMP, 'dataset-manifest.json'), 'utf8')) as Manifest;
  const runDir = copyDataDir(path.join(BENCH_TMP, 'dataset'), path.join(BENCH_TMP, 'run-tail'));
  const probeOut = path.join(BENCH_TMP, 'tail-probe.json');
  fs.rmSync(probeOut, { force: true });
  const host = await startHostProcess({
    dataDir: runDir,
    env: { SWEEP_INTERVAL_MS: '0', PROBE_OUT: probeOut },
    nodeArgs: ['--require', path.join(__dirname, 'lib', 'hostProbe.cjs')],
    timeoutMs: 120_000,
  });
  const peek = new DbPeek(runDir);
  let at = 0;
  const orders = (k: number) => {
    const s = manifest.applyOrders.slice(at, at + k);
    if (s.length < k) throw new Error(`probe: the dataset has too few fresh orders for ${k} more applies`);
    at += k;
    return s.map(applyBody);
  };
  /** One request per order, in order (autocannon builds a few more than it sends: headroom). */
  const each = (k: number): CannonRequest[] => {
    const list = orders(k + 2 * CONNECTIONS);
    let next = 0;
    return [{ ...list[0], setupRequest: (req) => ({ ...req, ...list[next++] }) }];
  };
  const runs: RunFigures[] = [];
  const ticker = clientTicker();
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    await acRun('warm-up', host.url, each(500), 500);
    await quiesce(peek);
    const full = await acRun('apply, as fast as answered', host.url, each(n), n);
    runs.push(full);
    await quiesce(peek);
    const rate = Math.max(1, Math.round(full.rps / 2));
    runs.push(await acRun(`apply at ${rate}/s, autocannon overallRate (the bench's applyPaced)`, host.url, each(n), n, rate));
    await quiesce(peek);
    runs.push(await evenRun(`apply at ${rate}/s, open loop, evenly spaced`, host.url, orders(n), rate));
    await quiesce(peek);
  } finally {
    ticker.stop();
    peek.close();
    await host.stop();
  }
  const probe = JSON.parse(fs.readFileSync(probeOut, 'utf8')) as Probe;
  for (const r of runs) report(probe, ticker.ticks, r);
  console.log(`host CPU over the whole process: user ${Math.round(probe.cpu.user / 1000)} ms, system ${Math.round(probe.cpu.system / 1000)} ms`);
  console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
