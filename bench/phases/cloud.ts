/**
 * Phase "cloud": the product's cloud path on the cloud-sim backend (SPEC §8) with a 10 ms round trip
 * (CLOUD_SIM_RTT_MS=10: each request to the cloud service waits 5 ms on the way in and 5 on the way
 * out). The cloud functions run as they would in WeChat cloud: their own entry code, in instances of
 * their own (one `afterSale` instance here, so that calls never queue behind each other), on the wx
 * adapters and the real wx-server-sdk. Every call of an action is made alone, after one untimed warm
 * call of each action (the cold start is measured on its own, phase "coldstart"), and for each call the
 * service's trace gives the database (and storage, pay, message) requests it made and the longest
 * chain of them that waited on each other (sequentialRoundTrips in the service: a request that arrived
 * after another had been answered). Latency is the invocation as the host sees it.
 *
 * The timer: `autoApprove` on a batch of overdue PENDING cases (their deadline passed by moving the dev
 * clock), its requests' critical path divided by the cases it approved.
 *
 * Run as its own process (`tsx bench/phases/cloud.ts <tmpDir> <calls>`), printing one JSON line.
 */
import fs from 'fs';
import path from 'path';
import type { Merchant, Order } from '../../types/domain';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { sequentialRoundTrips, type TracedRequest } from '../../src/server/adapters/cloudsim/service';
import { createCloudSimBackend, type CloudSimBackend } from '../../src/server/host/cloudSimBackend';
import { REPO_ROOT } from '../lib/builds';
import { percentile } from '../lib/stats';

export const CLOUD_RTT_MS = 10;

export interface ActionFigures {
  action: string;
  calls: number;
  /** Requests to the service per call (median, and the most seen). */
  requests: number;
  requestsMax: number;
  /** Sequential round trips on the critical path per call (median, and the most seen). */
  sequential: number;
  sequentialMax: number;
  p50Ms: number;
  p99Ms: number;
  /** The action's requests of one call, by action name, for the record. */
  sample: Record<string, number>;
}

export interface TimerFigures {
  dueCases: number;
  approved: number;
  requests: number;
  sequential: number;
  sequentialPerCase: number;
  ms: number;
}

export interface CloudResult {
  rttMs: number;
  actions: ActionFigures[];
  timer: TimerFigures;
}

const SHOP = 'shop_cloud_bench';
const OWNER = 'oCloudBenchOwner';
const STAFF = 'oCloudBenchStaff';
const PLATFORM = 'oCloudBenchPlatform';
const buyer = (k: number) => `oCloudBenchBuyer${k}`;
const orderId = (k: number) => `OCB${String(k).padStart(6, '0')}`;

function orderFor(k: number, now: number): Order {
  const items = [0, 1].map((j) => ({
    skuId: `SKU-${j}`,
    title: j === 0 ? '新疆长绒棉四件套 1.8m床' : '记忆棉护颈枕',
    unitFen: 2_000 + j * 500,
    qty: 1,
    paidFen: 2_000 + j * 500,
    kind: 'NORMAL' as const,
  }));
  return {
    _id: orderId(k),
    shopId: SHOP,
    buyerOpenid: buyer(k),
    status: 'DELIVERED',
    paidFen: 4_500,
    shippingFen: 0,
    payChannel: 'WECHAT',
    paidAt: now - 3 * DAY_MS,
    createdAt: now - 3 * DAY_MS - 60_000,
    shippedAt: now - 3 * DAY_MS + HOUR_MS,
    deliveredAt: now - DAY_MS,
    items,
  };
}

const median = (xs: number[]) => percentile(xs, 50);
const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const tmp = process.argv[2];
  const calls = Number(process.argv[3] ?? 20);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  process.env.CLOUD_SIM_QUIET = '1';
  const backend: CloudSimBackend = await createCloudSimBackend({ dataDir: tmp, repoRoot: REPO_ROOT, rttMs: CLOUD_RTT_MS, afterSaleInstances: 1 });
  const sim = backend.service;
  try {
    const now = Date.now();
    await backend.dev.setClock(now);
    // Orders: `calls` for the timed applies, as many for the warm-up and the case actions, and a batch for the timer.
    const timerBatch = 50;
    const orders = Array.from({ length: 4 * calls + timerBatch + 2 }, (_, k) => orderFor(k, now));
    const merchants: Merchant[] = [
      { openid: OWNER, shopId: SHOP, role: 'OWNER', name: '店主' },
      { openid: STAFF, shopId: SHOP, role: 'STAFF', name: '客服' },
      { openid: PLATFORM, shopId: '', role: 'PLATFORM', name: '平台' } as Merchant,
    ];
    await backend.dev.seed({
      shops: [shopWithDefaults({ _id: SHOP, name: '云端压测小铺', verified: true, settings: { subscribeTemplateIds: { decision: 'TPL_DECISION', refund: 'TPL_REFUND' } }, returnAddress: { name: '售后组', phone: '13957101234', address: '浙江省杭州市余杭区文一西路100号' } })],
      merchants,
      orders,
    });

    let nextOrder = 0;
    const applyBody = (k: number) => ({
      action: 'apply',
      orderId: orderId(k),
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: 'SKU-0', qty: 1 }],
      amountFen: 2_000,
      description: '收到后发现有开线和色差，和详情页的图片差别很大',
      evidence: [],
      idempotencyKey: `cloud-bench-${k}`,
    });
    const call = async (openid: string, body: object): Promise<{ ms: number; trace: TracedRequest[]; data: unknown }> => {
      sim.trace = [];
      sim.calls.length = 0;
      const t = performance.now();
      const reply = await backend.afterSale(openid, body);
      const ms = performance.now() - t;
      const trace = sim.trace;
      sim.trace = null;
      const b = reply.body as { ok: boolean; data?: unknown; error?: unknown };
      if (!b.ok) throw new Error(`cloud bench: ${JSON.stringify(body)} failed: ${JSON.stringify(b.error)}`);
      return { ms, trace, data: b.data };
    };
    const applyOne = async () => {
      const k = nextOrder++;
      const r = await call(buyer(k), applyBody(k));
      return { ...r, caseId: (r.data as { _id: string })._id, k };
    };

    // Cases for the case actions: opened now (untimed), each used once.
    const warmCases = await Promise.all([0, 1, 2].map(() => applyOne()));
    const opened: { caseId: string; k: number }[] = [];
    const actions: ActionFigures[] = [];
    const measure = async (action: string, n: number, one: (i: number) => Promise<{ ms: number; trace: TracedRequest[] }>) => {
      const ms: number[] = [];
      const req: number[] = [];
      const seq: number[] = [];
      let sample: Record<string, number> = {};
      for (let i = 0; i < n; i += 1) {
        const r = await one(i);
        ms.push(r.ms);
        req.push(r.trace.length);
        seq.push(sequentialRoundTrips(r.trace));
        if (i === n - 1) {
          if (process.env.BENCH_CLOUD_DEBUG === action) {
            const t0 = r.trace[0]?.startMs ?? 0;
            for (const t of [...r.trace].sort((a, b) => a.startMs - b.startMs)) console.error(`${action} ${t.action} ${(t.startMs - t0).toFixed(1)} → ${(t.endMs - t0).toFixed(1)}`);
          }
          sample = {};
          for (const t of r.trace) sample[t.action] = (sample[t.action] ?? 0) + 1;
        }
      }
      actions.push({
        action,
        calls: n,
        requests: median(req),
        requestsMax: Math.max(...req),
        sequential: median(seq),
        sequentialMax: Math.max(...seq),
        p50Ms: round1(percentile(ms, 50)),
        p99Ms: round1(percentile(ms, 99)),
        sample,
      });
    };

    const [w0, w1] = warmCases;
    // Warm every action once (the instance's modules and the caller's role are then as a warm container has them).
    await call(buyer(w0.k), { action: 'whoami' });
    await call(OWNER, { action: 'merchant.list', status: 'PENDING' });
    await call(PLATFORM, { action: 'platform.list' });

    await measure('whoami', calls, () => call(buyer(w0.k), { action: 'whoami' }));
    await measure('order.list', calls, () => call(buyer(w0.k), { action: 'order.list' }));
    await measure('order.get', calls, () => call(buyer(w0.k), { action: 'order.get', orderId: orderId(w0.k) }));
    await measure('preview', calls, () => {
      const { action: _a, idempotencyKey: _i, ...draft } = applyBody(w1.k);
      return call(buyer(w1.k), { action: 'preview', ...draft });
    });
    await measure('apply', calls * 2, async () => {
      const r = await applyOne();
      opened.push(r);
      return r;
    });
    await measure('get', calls, (i) => call(buyer(opened[i].k), { action: 'get', caseId: opened[i].caseId }));
    await measure('listMine', calls, (i) => call(buyer(opened[i].k), { action: 'listMine' }));
    await measure('merchant.list', calls, () => call(OWNER, { action: 'merchant.list', status: 'PENDING' }));
    await measure('merchant.get', calls, (i) => call(STAFF, { action: 'merchant.get', caseId: opened[i].caseId }));
    await measure('merchant.settings.get', calls, () => call(OWNER, { action: 'merchant.settings.get' }));
    await measure('merchant.stats', calls, () => call(OWNER, { action: 'merchant.stats', from: now - 30 * DAY_MS, to: now + DAY_MS }));
    const half = Math.floor(calls / 2);
    await measure('merchant.approve', calls, (i) => call(OWNER, { action: 'merchant.approve', caseId: opened[i].caseId, note: '已核实，同意退款' }));
    await measure('merchant.reject', half, (i) =>
      call(OWNER, { action: 'merchant.reject', caseId: opened[calls + i].caseId, reasonCode: 'OTHER', note: '商品已签收超过七天且有明显使用痕迹' }),
    );
    await measure('cancel', calls - half, (i) => call(buyer(opened[calls + half + i].k), { action: 'cancel', caseId: opened[calls + half + i].caseId }));
    await measure('platform.list', calls, () => call(PLATFORM, { action: 'platform.list' }));

    // The timer: a batch of PENDING cases, all overdue once the clock passes their 48 h deadline.
    for (let i = 0; i < timerBatch; i += 1) await applyOne();
    await backend.dev.setClock(now + 3 * DAY_MS);
    sim.trace = [];
    const t = performance.now();
    const report = (await backend.sweep(60_000)) as { approved: number };
    const ms = performance.now() - t;
    const trace = sim.trace;
    sim.trace = null;
    const sequential = sequentialRoundTrips(trace);
    if (process.env.BENCH_CLOUD_DEBUG === 'timer') {
      const t0 = trace[0]?.startMs ?? 0;
      for (const r of [...trace].sort((a, b) => a.startMs - b.startMs)) console.error(`timer ${r.action} ${(r.startMs - t0).toFixed(1)} → ${(r.endMs - t0).toFixed(1)}`);
    }
    const timer: TimerFigures = {
      dueCases: timerBatch + 3,
      approved: report.approved,
      requests: trace.length,
      sequential,
      sequentialPerCase: Math.round((sequential / Math.max(1, report.approved)) * 100) / 100,
      ms: Math.round(ms),
    };
    const out: CloudResult = { rttMs: CLOUD_RTT_MS, actions, timer };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await backend.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module || process.argv[1]?.endsWith(path.join('phases', 'cloud.ts'))) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
