/**
 * Issue 8 item 4: a child-process host (npm run serve:cloud) under a mixed workload of 1,000
 * operations — applies with their order seeds, every merchant, buyer and platform action, uploads,
 * reads, clock moves, sweeps and refund callbacks, 8 in flight at a time, with the sweep timer and the
 * gateway's callback loop running in the background — is killed with SIGKILL at 10 random points.
 * After each kill: PRAGMA integrity_check is ok; after each restart on the same DATA_DIR every
 * acknowledged change is there (each case at least at the version acknowledged, with the acknowledged
 * history as its prefix; seeded orders, uploaded files and the moved clock too), every chain verifies
 * (the `verify` action, and the hash chain of every case in the file), and no case is paid twice or
 * beyond its agreement (the gateway's books against the cases). At the end everything in flight is
 * settled and every payment the gateway made is recorded on its case, once.
 *
 * The plan is drawn by fast-check from a seed printed at the start: CRASH_SEED=<n> replays it
 * (the kill points are the same; what was in flight at each depends on timing).
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'crypto';
import fc from 'fast-check';
import type { AfterSaleCase, Order } from '../../types/domain';
import { verifyChain } from '../../src/core/chain';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/core/time';
import { MERCHANTS, order as worldOrder, OWNER, REVIEWER, SHOPS, T0 } from '../../src/server/usecases/__tests__/support/world';
import { databaseFile, startHostProcess, TEST_BACKEND, type HostProcess } from '../support/host';
import { HostClient, ok, type HttpReply } from '../support/http';
import { SAMPLE_FILES } from '../support/media';
import { moneyProblems, type GatewayRow } from './support';

jest.setTimeout(420_000);

const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
const OPS = Number(process.env.CRASH_OPS ?? 1_000);
const KILLS = Number(process.env.CRASH_KILLS ?? 10);
const IN_FLIGHT = 8;

const KINDS = {
  apply: 18,
  approve: 15,
  reject: 4,
  offer: 5,
  cancel: 4,
  accept: 4,
  decline: 2,
  escalate: 2,
  decide: 2,
  ship: 4,
  confirm: 4,
  retry: 3,
  evidence: 3,
  upload: 4,
  read: 8,
  sweep: 5,
  notify: 3,
  tick: 5,
  jump: 1,
} as const;
type Kind = keyof typeof KINDS;

interface PlannedOp {
  kind: Kind;
  pick: number;
  variant: number;
}

const plan = fc.sample(
  fc.record({
    ops: fc.array(
      fc.record({
        kind: fc.oneof(...(Object.entries(KINDS) as [Kind, number][]).map(([k, weight]) => ({ weight, arbitrary: fc.constant(k) }))),
        pick: fc.nat(),
        variant: fc.nat(99),
      }),
      { minLength: OPS, maxLength: OPS },
    ),
    // Unbiased: fast-check otherwise favours the ends of a range, and the kills would bunch up there.
    kills: fc.uniqueArray(fc.noBias(fc.integer({ min: 20, max: OPS - 20 })), { minLength: KILLS, maxLength: KILLS }),
    delays: fc.array(fc.noBias(fc.integer({ min: 0, max: 25 })), { minLength: KILLS, maxLength: KILLS }),
  }),
  { seed: SEED, numRuns: 1 },
)[0];

// ── what the host acknowledged ──

const cases = new Map<string, AfterSaleCase>();
const orders: Order[] = [];
const files: { openid: string; fileId: string; sha256: string }[] = [];
let clockAcked = 0;
let clockGuess = T0;
let clockMoves: Promise<boolean> = Promise.resolve(true);
const tally = { acknowledged: 0, refused: 0, cutOff: 0 };
let kills = 0;
let buyers = 0;

function acked(c: AfterSaleCase): void {
  const prev = cases.get(c._id);
  if (!prev || c.version > prev.version) cases.set(c._id, c);
}

let host: HostProcess;
let api: HostClient;

/** The file that holds the cases and the gateway's books: the host's, or on cloud-sim the simulated cloud's disk. */
function dbFile(): string {
  return databaseFile(host.dataDir);
}

const CASES_SQL = TEST_BACKEND === 'cloud-sim' ? "SELECT doc FROM cloudsim_docs WHERE coll = 'as_cases'" : 'SELECT doc FROM cases';

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile());
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * Every case in the file and the gateway's books, read directly, in ONE read transaction: the host's
 * sweep keeps retrying refunds meanwhile, and two separate reads could see a retry's gateway row
 * without the case commit that came before it.
 */
function stored(): { all: AfterSaleCase[]; rows: GatewayRow[] } {
  return withDb((db) =>
    db.transaction(() => ({
      all: (db.prepare(CASES_SQL).pluck(true).all() as string[]).map((d) => JSON.parse(d) as AfterSaleCase),
      rows: db.prepare('SELECT out_refund_no, case_id, amount_fen, outcome FROM gateway_refunds').all() as GatewayRow[],
    }))(),
  );
}

function fileProblems(): string[] {
  const { all, rows } = stored();
  const problems: string[] = [];
  for (const c of all) {
    const chain = verifyChain(c.history);
    if (!chain.ok) problems.push(`${c._id}: chain broken at ${chain.brokenAt}`);
    // Every event is a version; the timer may also move its own next look without one.
    if (c.version < c.history.length) problems.push(`${c._id}: version ${c.version} with ${c.history.length} events`);
    problems.push(...moneyProblems(c, rows.filter((r) => r.case_id === c._id)));
  }
  return problems;
}

// ── the operations ──

function eligible(...statuses: AfterSaleCase['status'][]): AfterSaleCase[] {
  return [...cases.values()].filter((c) => statuses.includes(c.status));
}

function choose<T>(list: T[], pick: number): T | undefined {
  return list.length === 0 ? undefined : list[pick % list.length];
}

async function asCase(r: Promise<HttpReply<AfterSaleCase>>): Promise<boolean> {
  const reply = await r;
  if (!reply.body.ok) return false;
  acked(reply.body.data);
  return true;
}

/** One planned operation against the host as it is now; true when the host acknowledged a change or a read. */
async function perform(op: PlannedOp): Promise<boolean> {
  const a = api;
  const scenarios = ['ABNORMAL', 'CLOSED', 'TIMEOUT', 'DUPLICATE_NOTIFY'] as const;
  switch (op.kind) {
    case 'apply': {
      buyers += 1;
      const buyer = `crash_${SEED}_${buyers}`;
      const o = worldOrder({
        buyerOpenid: buyer,
        paidAt: clockGuess - 5 * DAY_MS,
        shippedAt: clockGuess - 4 * DAY_MS,
        deliveredAt: clockGuess - DAY_MS,
        ...(op.variant < scenarios.length * 3 ? { refundScenario: scenarios[op.variant % scenarios.length] } : {}),
      });
      const seeded = await a.dev.seed({ orders: [o] });
      if (!seeded.body.ok) return false;
      orders.push(o);
      return asCase(
        a.call(buyer, 'apply', {
          orderId: o._id,
          type: op.variant % 3 === 0 ? 'RETURN_REFUND' : 'REFUND_ONLY',
          reason: op.variant % 5 === 0 ? 'NO_REASON' : 'QUALITY',
          items: [{ skuId: o.items[0].skuId, qty: 1 + (op.variant % 2) }],
          amountFen: 5_000 * (1 + (op.variant % 2)),
          description: '收到的T恤领口开线，洗一次就变形了',
          evidence: [],
          idempotencyKey: `k-${o._id}`,
        }),
      );
    }
    case 'approve': {
      const c = choose(eligible('PENDING'), op.pick);
      return c ? asCase(a.call(OWNER, 'merchant.approve', { caseId: c._id })) : false;
    }
    case 'reject': {
      const c = choose(eligible('PENDING'), op.pick);
      return c ? asCase(a.call(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '请补充商品照片' })) : false;
    }
    case 'offer': {
      const c = choose(eligible('PENDING', 'NEGOTIATING'), op.pick);
      return c ? asCase(a.call(OWNER, 'merchant.offer', { caseId: c._id, amountFen: 1_000 + op.variant * 10, note: '协商部分退款' })) : false;
    }
    case 'cancel': {
      const c = choose(eligible('PENDING', 'NEGOTIATING', 'REJECTED'), op.pick);
      return c ? asCase(a.call(c.buyerOpenid, 'cancel', { caseId: c._id })) : false;
    }
    case 'accept': {
      const c = choose(eligible('NEGOTIATING'), op.pick);
      return c ? asCase(a.call(c.buyerOpenid, 'acceptOffer', { caseId: c._id })) : false;
    }
    case 'decline': {
      const c = choose(eligible('NEGOTIATING'), op.pick);
      return c ? asCase(a.call(c.buyerOpenid, 'declineOffer', { caseId: c._id })) : false;
    }
    case 'escalate': {
      const c = choose(eligible('REJECTED'), op.pick);
      return c ? asCase(a.call(c.buyerOpenid, 'escalate', { caseId: c._id, note: '商家拒绝的理由不成立' })) : false;
    }
    case 'decide': {
      const c = choose(eligible('ESCALATED'), op.pick);
      const decision = op.variant % 3 === 0 ? 'REJECT' : 'APPROVE';
      return c ? asCase(a.call(REVIEWER, 'platform.decide', { caseId: c._id, decision, note: '经核实，按平台规则处理' })) : false;
    }
    case 'ship': {
      const c = choose(eligible('AWAITING_RETURN'), op.pick);
      return c ? asCase(a.call(c.buyerOpenid, 'shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: `SF${1_000_000_000 + op.pick % 1_000_000_000}` })) : false;
    }
    case 'confirm': {
      const c = choose(eligible('RETURN_SHIPPED'), op.pick);
      return c ? asCase(a.call(OWNER, 'merchant.confirmReturn', { caseId: c._id, unsealed: op.variant % 4 === 0 })) : false;
    }
    case 'retry': {
      const c = choose(eligible('REFUND_FAILED'), op.pick);
      return c ? asCase(a.call(OWNER, 'merchant.retryRefund', { caseId: c._id }) as Promise<HttpReply<AfterSaleCase>>) : false;
    }
    case 'evidence':
    case 'upload': {
      const c = choose(eligible('PENDING', 'NEGOTIATING'), op.pick);
      const openid = c?.buyerOpenid ?? `crash_${SEED}_uploader`;
      const bytes = Buffer.concat([SAMPLE_FILES.jpeg.bytes, randomBytes(24)]);
      const up = await a.upload(openid, bytes, 'photo.jpg');
      if (!up.body.ok) return false;
      files.push({ openid, fileId: up.body.data.fileId, sha256: createHash('sha256').update(bytes).digest('hex') });
      if (op.kind === 'upload' || !c) return true;
      const { fileId, sha256, kind } = up.body.data;
      return asCase(a.call(c.buyerOpenid, 'addEvidence', { caseId: c._id, evidence: [{ fileId, sha256, kind, tag: 'proof' }], note: '补充未使用的证明' }));
    }
    case 'read': {
      const c = choose([...cases.values()], op.pick);
      return c ? asCase(a.call(c.buyerOpenid, 'get', { caseId: c._id })) : false;
    }
    case 'sweep':
      return (await a.dev.run('autoApprove')).body.ok;
    case 'notify':
      return (await a.dev.run('refundNotify')).body.ok;
    case 'tick':
    case 'jump': {
      // Small steps keep refunds settling; the rare jump passes the 48 h, 7 d and 10 d deadlines.
      // Clock moves go one at a time, so that the host sees them in the order they were acknowledged.
      const by = op.kind === 'jump' ? [49 * HOUR_MS, 8 * DAY_MS, 11 * DAY_MS][op.variant % 3] : (1 + op.variant) * MINUTE_MS;
      const move = clockMoves.then(async () => {
        clockGuess += by;
        const r = await a.dev.clock(clockGuess);
        if (!r.body.ok) return false;
        clockAcked = Math.max(clockAcked, r.body.data.now);
        return true;
      });
      clockMoves = move.catch(() => false);
      return move;
    }
  }
}

const inFlight = new Set<Promise<void>>();

function launch(op: PlannedOp): void {
  const p = perform(op).then(
    (done) => {
      if (done) tally.acknowledged += 1;
      else tally.refused += 1;
    },
    () => {
      tally.cutOff += 1;
    },
  );
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

// ── after a kill ──

function integrity(): string {
  return withDb((db) => db.pragma('integrity_check', { simple: true }) as string);
}

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>, width = 16): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/** How many seeded orders and uploads earlier checks have already found. */
const seen = { orders: 0, files: 0 };

/**
 * Everything acknowledged before the kill is there after the restart: every case (cases keep
 * changing), and the orders and files acknowledged since the last check (`all`: every one of them).
 */
async function acknowledgedSurvived(all = false): Promise<string[]> {
  const newOrders = orders.slice(all ? 0 : seen.orders);
  const newFiles = files.slice(all ? 0 : seen.files);
  seen.orders = orders.length;
  seen.files = files.length;
  const problems: string[] = [];
  await inBatches([...cases.values()], async (c) => {
    const r = await api.call(c.buyerOpenid, 'get', { caseId: c._id });
    if (!r.body.ok) {
      problems.push(`${c._id}: acknowledged at v${c.version}, now ${r.body.error.code}`);
      return;
    }
    const now = r.body.data;
    if (now.version < c.version) problems.push(`${c._id}: acknowledged v${c.version}, stored v${now.version}`);
    if (JSON.stringify(now.history.slice(0, c.history.length)) !== JSON.stringify(c.history)) problems.push(`${c._id}: acknowledged history rewritten`);
    const v = await api.call(c.buyerOpenid, 'verify', { caseId: c._id });
    if (!v.body.ok || !v.body.data.ok) problems.push(`${c._id}: verify ${JSON.stringify(v.body)}`);
  });
  await inBatches(newOrders, async (o) => {
    const r = await api.call(o.buyerOpenid, 'order.get', { orderId: o._id });
    if (!r.body.ok) problems.push(`order ${o._id}: seeded and acknowledged, now ${r.body.error.code}`);
  });
  await inBatches(newFiles, async (f) => {
    const res = await api.file(f.fileId, f.openid);
    const sha = createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
    if (res.status !== 200 || sha !== f.sha256) problems.push(`file ${f.fileId}: HTTP ${res.status}, sha ${sha.slice(0, 8)}`);
  });
  if ((await api.dev.now()) < clockAcked) problems.push('the moved clock went back');
  return problems;
}

beforeAll(async () => {
  host = await startHostProcess({ env: { SWEEP_INTERVAL_MS: '200', REFUND_NOTIFY_INTERVAL_MS: '100' } });
  api = new HostClient(host.url);
  ok(await api.dev.seed({ shops: SHOPS, merchants: MERCHANTS }));
  clockAcked = ok(await api.dev.clock(T0)).now;
  console.log(`crash seed ${SEED} (replay with CRASH_SEED=${SEED}); kills after operations ${[...plan.kills].sort((x, y) => x - y).join(', ')}`);
});

afterAll(async () => {
  await host?.stop();
  const statuses: Record<string, number> = {};
  for (const c of cases.values()) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  console.log(
    `crash: ${OPS} operations (${tally.acknowledged} acknowledged, ${tally.refused} refused or skipped, ${tally.cutOff} cut off by a kill), ` +
      `${kills} SIGKILLs survived, ${cases.size} cases and ${files.length} files followed, seed ${SEED}; last acknowledged statuses ${JSON.stringify(statuses)}`,
  );
});

describe(`SIGKILL at ${KILLS} random points of a ${OPS}-operation workload`, () => {
  test('every acknowledged change survives each kill; the file is consistent; nobody is paid twice', async () => {
    const killAt = new Map(plan.kills.map((k, i) => [k, plan.delays[i]]));
    for (let i = 0; i < OPS; i += 1) {
      while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      launch(plan.ops[i]);
      const planned = killAt.get(i);
      if (planned === undefined) continue;
      // The first kill lands at once, on the operation just sent: on a fast machine every operation could
      // otherwise finish within the random delays, and no kill would cut one off (seen in CI, seed 1234459932).
      const delay = kills === 0 ? 0 : planned;
      await new Promise((r) => setTimeout(r, delay));
      await host.kill9();
      await Promise.allSettled([...inFlight]);
      expect([`kill ${kills + 1}`, integrity()]).toEqual([`kill ${kills + 1}`, 'ok']);
      await host.restart();
      api = new HostClient(host.url);
      kills += 1;
      expect([`after kill ${kills}`, ...(await acknowledgedSurvived())]).toEqual([`after kill ${kills}`]);
      expect([`after kill ${kills}`, ...fileProblems()]).toEqual([`after kill ${kills}`]);
    }
    await Promise.allSettled([...inFlight]);
    expect(kills).toBe(KILLS);
    expect(tally.acknowledged).toBeGreaterThan(OPS / 3);
    expect(tally.cutOff).toBeGreaterThan(0);
  });

  test('once everything in flight has settled, every payment the gateway made is on its case, once', async () => {
    for (let round = 0; round < 40; round += 1) {
      const { all } = stored();
      for (const c of all.filter((x) => x.status === 'REFUND_FAILED' && x.lastError?.code === 'REFUND_ABNORMAL')) {
        await api.call(OWNER, 'merchant.retryRefund', { caseId: c._id });
      }
      if (all.every((c) => c.status !== 'REFUNDING' && !(c.status === 'REFUND_FAILED' && c.lastError?.code === 'REFUND_ABNORMAL'))) break;
      clockGuess = Math.max(clockGuess, await api.dev.now()) + 2 * MINUTE_MS;
      ok(await api.dev.clock(clockGuess));
      ok(await api.dev.run('autoApprove'));
      ok(await api.dev.run('refundNotify'));
    }
    const { all, rows } = stored();
    expect(all.filter((c) => c.status === 'REFUNDING').map((c) => c._id)).toEqual([]);
    const unrecorded: string[] = [];
    for (const c of all) {
      const paid = rows.filter((r) => r.case_id === c._id && r.outcome === 'SUCCESS').map((r) => r.out_refund_no);
      const recorded = c.refunds.filter((r) => r.status === 'SUCCESS').map((r) => r.outRefundNo);
      if (JSON.stringify(paid) !== JSON.stringify(recorded)) unrecorded.push(`${c._id}: gateway paid ${paid.join(',')}, case records ${recorded.join(',')}`);
    }
    expect(unrecorded).toEqual([]);
    expect(fileProblems()).toEqual([]);
    expect(all.filter((c) => c.status === 'REFUNDED').length).toBeGreaterThan(0);
    expect(await acknowledgedSurvived(true)).toEqual([]);
    expect(await host.stop()).toBe(0);
    expect(integrity()).toBe('ok');
  });
});
