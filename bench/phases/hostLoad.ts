/**
 * Phase 3: the local host under load, on a copy of the 100,000-case database. Per round, in this
 * order: GET /healthz (the baseline: the same server, process and connections, no database), the
 * framework floor (floorServer.ts: the same HTTP stack answering a POST with a stored case, nothing
 * else), get, merchant.list (first page of PENDING), apply, apply again at half the rate the first run
 * reached (offered evenly, open loop, over up to 50 connections: latency under heavy load, not
 * overload; lib/paced.ts says why not autocannon's overallRate), merchant.approve. Rounds repeat the whole sequence so that the machine's drift lands on the
 * baselines and the routes alike.
 *
 * The sweep timer is off (phase 4 measures it on its own); the gateway's refund callbacks run as in
 * `npm run serve:cloud`, and the bench waits for them to land after each write run, so that one run's
 * refunds are not billed to the next run.
 */
import path from 'path';
import { startHostProcess } from '../../test/support/host';
import { REPO_ROOT } from '../lib/builds';
import { spawnReady } from '../lib/child';
import { cannon, CONNECTIONS, type CannonRequest, type LoadFigures } from '../lib/cannon';
import { paced } from '../lib/paced';
import { copyDataDir } from '../lib/copyDb';
import { DbPeek, quiesce } from '../lib/dbPeek';
import type { Manifest } from '../lib/dataset';
import { PeakRss } from '../lib/memory';
import { mainThreadSched } from '../lib/proc';

export interface HostLoadConfig {
  rounds: number;
  readSeconds: number;
  applyPerRound: number;
  approvePerRound: number;
}

export type Route = 'healthz' | 'floor' | 'get' | 'list' | 'apply' | 'applyPaced' | 'approve';
export const ROUTES: Route[] = ['healthz', 'floor', 'get', 'list', 'apply', 'applyPaced', 'approve'];

export interface HostLoadResult {
  rounds: Record<Route, LoadFigures>[];
  peakRssBytes: number;
  /** Cases per status once the phase is over. */
  finalStatuses: Record<string, number>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A small deterministic generator (mulberry32), so every run asks for the same cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function post(body: unknown, openid: string, to = '/api/afterSale'): CannonRequest {
  return { method: 'POST', path: to, headers: { ...JSON_HEADERS, 'x-wx-openid': openid }, body: JSON.stringify(body) };
}

/** One request per item, in order; autocannon builds a few more than it sends, hence the headroom in the lists. */
function each<T>(items: readonly T[], make: (item: T) => CannonRequest): CannonRequest[] {
  let next = 0;
  return [
    {
      ...make(items[0]),
      setupRequest: (req) => {
        if (next >= items.length) throw new Error(`load: ran out of distinct inputs after ${items.length}`);
        const r = make(items[next]);
        next += 1;
        return { ...req, ...r };
      },
    },
  ];
}

function getRequests(m: Manifest, seed: number, to?: string): CannonRequest[] {
  const rnd = random(seed);
  const pick = () => m.cases[Math.floor(rnd() * m.cases.length)];
  const make = () => {
    const [caseId, buyer] = pick();
    return post({ action: 'get', caseId }, buyer, to);
  };
  return [{ ...make(), setupRequest: (req) => ({ ...req, ...make() }) }];
}

export function applyBody(o: Manifest['applyOrders'][number]) {
  return post(
    {
      action: 'apply',
      orderId: o.orderId,
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: o.skuId, qty: 1 }],
      amountFen: o.amountFen,
      description: '收到的商品外壳有裂痕，申请退款',
      evidence: [],
      idempotencyKey: `bench-apply-${o.orderId}`,
    },
    o.buyer,
  );
}

function check(name: string, f: LoadFigures): LoadFigures {
  if (f.failed > 0) throw new Error(`load: ${name} had ${f.failed} failed replies ${JSON.stringify(f.statusCodes)}`);
  return f;
}

export async function hostLoadPhase(baseDir: string, runDir: string, m: Manifest, cfg: HostLoadConfig, log: (s: string) => void): Promise<HostLoadResult> {
  copyDataDir(baseDir, runDir);
  const host = await startHostProcess({ dataDir: runDir, env: { SWEEP_INTERVAL_MS: '0' }, timeoutMs: 120_000 });
  const pid = host.child.pid;
  if (pid === undefined) throw new Error('load: host has no pid');
  const rss = new PeakRss(pid);
  const peek = new DbPeek(runDir);
  const floor = await spawnReady(path.join(REPO_ROOT, 'bench', 'phases', 'floorServer.ts'), { DATA_DIR: runDir });
  const floorRequests = (seed: number) => getRequests(m, seed, '/floor');
  const headroom = 2 * CONNECTIONS;
  let applyAt = 0;
  const applySlice = (n: number) => {
    const slice = m.applyOrders.slice(applyAt, applyAt + n + headroom);
    if (slice.length < n + headroom) throw new Error(`load: the dataset has too few fresh orders for ${n} applies`);
    applyAt += n + headroom;
    return slice;
  };
  const owner = m.ownerOpenid;
  const listBody = () => [post({ action: 'merchant.list', status: 'PENDING' }, owner)];
  const approveRun = async (n: number) => {
    const ids = peek.pendingOfShop(m.benchShopId, n + headroom);
    if (ids.length < n + headroom) throw new Error(`load: only ${ids.length} PENDING cases left to approve`);
    const f = await cannon(host.url, { amount: n, requests: each(ids, (caseId) => post({ action: 'merchant.approve', caseId }, owner)) });
    await quiesce(peek);
    return f;
  };
  const applyRun = async (n: number) => {
    const f = await cannon(host.url, { amount: n, requests: each(applySlice(n), applyBody) });
    await quiesce(peek);
    return f;
  };
  /** n applies offered evenly at `rate`/s (open loop: latency from each request's due time). */
  const applyPacedRun = async (n: number, rate: number) => {
    const requests = applySlice(n).slice(0, n).map(applyBody);
    const before = mainThreadSched(pid);
    const { latenciesMs: _, ...f } = await paced(host.url, { rate, requests });
    const after = mainThreadSched(pid);
    await quiesce(peek);
    return { ...f, hostThread: { cpuMs: Math.round(after.cpuMs - before.cpuMs), waitMs: Math.round(after.waitMs - before.waitMs) } };
  };
  try {
    // Warm-up: JIT, SQLite's page cache and the OS cache, for every route; not recorded.
    await cannon(host.url, { durationS: 2, requests: [{ method: 'GET', path: '/healthz' }] });
    await cannon(floor.url, { durationS: 2, requests: floorRequests(1) });
    await cannon(host.url, { durationS: 2, requests: getRequests(m, 1) });
    await cannon(host.url, { durationS: 1, requests: listBody() });
    await applyRun(500);
    await approveRun(500);
    const rounds: Record<Route, LoadFigures>[] = [];
    for (let r = 0; r < cfg.rounds; r += 1) {
      const healthz = check('healthz', await cannon(host.url, { durationS: cfg.readSeconds, requests: [{ method: 'GET', path: '/healthz' }] }));
      const floorRun = check('floor', await cannon(floor.url, { durationS: cfg.readSeconds, requests: floorRequests(100 + r) }));
      const get = check('get', await cannon(host.url, { durationS: cfg.readSeconds, requests: getRequests(m, 100 + r) }));
      const list = check('list', await cannon(host.url, { durationS: cfg.readSeconds, requests: listBody() }));
      const apply = check('apply', await applyRun(cfg.applyPerRound));
      const applyPaced = check('applyPaced', await applyPacedRun(cfg.applyPerRound, Math.max(1, Math.round(apply.rps / 2))));
      const approve = check('approve', await approveRun(cfg.approvePerRound));
      rounds.push({ healthz, floor: floorRun, get, list, apply, applyPaced, approve });
      log(
        `  round ${r + 1}: ` +
          ROUTES.map((k) => `${k} ${Math.round(rounds[r][k].rps)}/s p99 ${rounds[r][k].p99Ms} ms`).join(' · ') +
          ` (applyPaced: host thread on a CPU ${applyPaced.hostThread?.cpuMs} ms, waiting for one ${applyPaced.hostThread?.waitMs} ms)`,
      );
    }
    return { rounds, peakRssBytes: rss.stop(), finalStatuses: peek.countByStatus() };
  } finally {
    rss.stop();
    peek.close();
    await floor.stop();
    await host.stop();
  }
}
