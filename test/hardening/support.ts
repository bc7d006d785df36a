/**
 * Shared ground for the hardening suites: a stage (a host, its client and, in process, its database)
 * that can put a case in any status over HTTP, cheap and full digests of the database, and the money
 * checks every suite ends with (the gateway's books against the case's own attempts).
 */
import type { Statement } from 'better-sqlite3';
import { createHash, randomBytes } from 'crypto';
import type { ActionName, ActionRequest, ActionResponse, EvidenceInput } from '../../types/api';
import type { AfterSaleCase, CaseStatus, EvidenceKind, Order, PaymentSettings } from '../../types/domain';
import type { WechatPayV3Simulator } from '../../src/server/adapters/wechatpay/simulator';
import type { SimulatedRefundGateway } from '../../src/server/adapters/local/gateway';
import type { Db } from '../../src/server/adapters/sqlite/open';
import { handleAfterSale, handleRefundNotify, runSweep } from '../../src/server/handler';
import type { Services } from '../../src/server/ports';
import { DAY_MS } from '../../src/core/time';
import { MERCHANTS, OWNER, order as worldOrder, REVIEWER, SHOPS, T0 } from '../../src/server/usecases/__tests__/support/world';
import { startInProcessHost, type InProcessHost } from '../support/host';
import { HostClient, ok, type HttpReply } from '../support/http';
import { SAMPLE_FILES } from '../support/media';

export { MERCHANTS, OTHER_OWNER, OWNER, REVIEWER, SHOP, SHOPS, STAFF, T0 } from '../../src/server/usecases/__tests__/support/world';

// ── database digests ──

const changesStatements = new WeakMap<Db, Statement<[], number>>();

/** Rows inserted, updated or deleted on this connection since it opened: one cheap read per call. */
export function totalChanges(db: Db): number {
  let st = changesStatements.get(db);
  if (!st) {
    st = db.prepare<[], number>('SELECT total_changes()').pluck(true);
    changesStatements.set(db, st);
  }
  return st.get() ?? 0;
}

/** SHA-256 over every row of every table, in rowid order: equal digests mean equal contents. */
export function contentDigest(db: Db): string {
  const hash = createHash('sha256');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck(true).all() as string[];
  for (const t of tables) {
    hash.update(`\u0001${t}\u0001`);
    for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw(true).iterate()) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

// ── the gateway's books ──

export interface GatewayRow {
  out_refund_no: string;
  case_id: string;
  amount_fen: number;
  outcome: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
}

export function gatewayRows(db: Db, caseId?: string): GatewayRow[] {
  const sql = 'SELECT out_refund_no, case_id, amount_fen, outcome FROM gateway_refunds';
  return (caseId === undefined ? db.prepare(`${sql} ORDER BY rowid`).all() : db.prepare(`${sql} WHERE case_id = ? ORDER BY rowid`).all(caseId)) as GatewayRow[];
}

/**
 * What "paid at most once, never beyond the agreement" means for one case: at most one attempt and one
 * gateway refund end SUCCESS, what succeeded is no more than approvedFen, and every refund the gateway
 * holds is an attempt the case knows about (money never moves without a record on the case).
 */
export function moneyProblems(c: AfterSaleCase, rows: readonly GatewayRow[]): string[] {
  const problems: string[] = [];
  const succeeded = c.refunds.filter((r) => r.status === 'SUCCESS');
  const paid = rows.filter((r) => r.outcome === 'SUCCESS');
  if (succeeded.length > 1) problems.push(`${c._id}: ${succeeded.length} attempts SUCCESS`);
  if (paid.length > 1) problems.push(`${c._id}: the gateway pays ${paid.length} refunds`);
  const paidFen = paid.reduce((s, r) => s + r.amount_fen, 0);
  if (paidFen > (c.approvedFen ?? 0)) problems.push(`${c._id}: ${paidFen} fen paid, ${c.approvedFen ?? 0} approved`);
  const known = new Set(c.refunds.map((r) => r.outRefundNo));
  for (const r of rows) if (!known.has(r.out_refund_no)) problems.push(`${c._id}: gateway refund ${r.out_refund_no} is not on the case`);
  if (c.status === 'REFUNDED' && succeeded.length !== 1) problems.push(`${c._id}: REFUNDED without exactly one SUCCESS attempt`);
  return problems;
}

/**
 * The status a case-bound action can act on, so that a well-formed call reaches the end of its use
 * case; any action not named acts on a PENDING case.
 */
export const ACTION_STATUS: Partial<Record<ActionName, CaseStatus>> = {
  shipReturn: 'AWAITING_RETURN',
  acceptOffer: 'NEGOTIATING',
  declineOffer: 'NEGOTIATING',
  escalate: 'REJECTED',
  reportNotReceived: 'REFUNDED',
  'merchant.confirmReturn': 'RETURN_SHIPPED',
  'merchant.retryRefund': 'REFUND_FAILED',
  'merchant.reship': 'AWAITING_RESHIP',
  'merchant.convertToRefund': 'AWAITING_RESHIP',
  confirmReceipt: 'RESHIPPED',
};

// ── logged errors ──

/**
 * Collects what the server logs through console.error while a suite runs (in process, its logs are
 * ours), keeping quiet the lines a suite expects and keeping every other one for the suite to fail on.
 */
export function watchErrors(expected: readonly RegExp[]): { unexpected: string[]; restore(): void } {
  const unexpected: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    const line = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ');
    if (!expected.some((re) => re.test(line))) unexpected.push(line);
  });
  return { unexpected, restore: () => spy.mockRestore() };
}

// ── real interleaving ──

/**
 * The SQLite adapters answer synchronously inside their promises, so a request on the in-process host
 * runs from its first read to its compare-and-set without giving way to another: 50 "parallel"
 * requests would simply queue. This wraps every repository, gateway and file-store call so that it
 * first yields to the event loop (setImmediate, or a 1 ms timer, by a seeded draw): requests then
 * interleave between their read and their write, and the compare-and-set is really contested.
 */
export interface Jitter {
  seed: number;
  /** compare-and-set writes (`cases.update`) that found the case changed under them. */
  lostUpdates: number;
  calls: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function jittered(svc: Services, jitter: Jitter): Services {
  const random = mulberry32(jitter.seed);
  const pause = () => new Promise<void>((resolve) => (random() < 0.8 ? setImmediate(resolve) : setTimeout(resolve, 1)));
  const wrap = <T extends object>(target: T, name: string): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const v: unknown = Reflect.get(t, prop, receiver);
        if (typeof v !== 'function') return v;
        return async (...args: unknown[]) => {
          jitter.calls += 1;
          await pause();
          const result: unknown = await (v as (...a: unknown[]) => unknown).apply(t, args);
          if (name === 'cases' && prop === 'update' && result === false) jitter.lostUpdates += 1;
          return result;
        };
      },
    });
  return {
    ...svc,
    cases: wrap(svc.cases, 'cases'),
    orders: wrap(svc.orders, 'orders'),
    shops: wrap(svc.shops, 'shops'),
    merchants: wrap(svc.merchants, 'merchants'),
    risk: wrap(svc.risk, 'risk'),
    gateway: wrap(svc.gateway, 'gateway'),
    files: wrap(svc.files, 'files'),
  };
}

/** The shared entry points, each given the jittered services. */
export function jitteredHandlers(jitter: Jitter): NonNullable<Parameters<typeof startInProcessHost>[0]>['handlers'] {
  const cache = new WeakMap<Services, Services>();
  const j = (svc: Services) => {
    let w = cache.get(svc);
    if (!w) {
      w = jittered(svc, jitter);
      cache.set(svc, w);
    }
    return w;
  };
  return {
    afterSale: (svc, openid, body) => handleAfterSale(j(svc), openid, body),
    refundNotify: (svc, body) => handleRefundNotify(j(svc), body),
    sweep: (svc, opts) => runSweep(j(svc), opts),
  };
}

// ── a stage ──

/** Which status a case is brought to, and from what kind of order. */
export interface CaseSetup {
  status: CaseStatus;
  order?: Partial<Order>;
}

export interface Staged {
  buyer: string;
  order: Order;
  c: AfterSaleCase;
}

let buyerSeq = 0;

export class Stage {
  constructor(
    readonly api: HostClient,
    readonly host?: InProcessHost,
  ) {}

  /** An in-process host (no refund loop, no sweep timer unless asked), seeded with the world's shops and merchants, its clock at T0. */
  static async inProcess(opts: { refundNotifyIntervalMs?: number; sweepIntervalMs?: number; jitter?: Jitter } = {}): Promise<Stage> {
    const host = await startInProcessHost({
      refundNotifyIntervalMs: opts.refundNotifyIntervalMs ?? 0,
      sweepIntervalMs: opts.sweepIntervalMs ?? 0,
      ...(opts.jitter ? { handlers: jitteredHandlers(opts.jitter) } : {}),
    });
    const stage = new Stage(new HostClient(host.url), host);
    await stage.seedWorld();
    return stage;
  }

  async seedWorld(): Promise<void> {
    ok(await this.api.dev.seed({ shops: SHOPS, merchants: MERCHANTS }));
    ok(await this.api.dev.clock(T0));
  }

  /**
   * The database behind the stage's host: the SQLite backend's, or on cloud-sim the simulated
   * cloud's (its documents, the gateway's books and the uploads are tables of it), so the digests,
   * change counts and the gateway's books read the same on both backends.
   */
  get db(): Db {
    if (!this.host) throw new Error('this stage has no in-process database');
    return this.host.backend.name === 'cloud-sim' ? this.host.cloudSim.db : this.host.local.db;
  }

  /**
   * Writes that lost a race to another writer: counted by the jitter wrapper on SQLite (whose calls
   * would otherwise never interleave), and by the cloud-sim service itself, where they really do.
   */
  lostWrites(jitter: Jitter): number {
    if (this.host?.backend.name === 'cloud-sim') {
      const { conflicts, staleUpdates } = this.host.cloudSim.service.lost;
      return conflicts + staleUpdates;
    }
    return jitter.lostUpdates;
  }

  /** The simulated WeChat Pay gateway of either backend. */
  get gateway(): SimulatedRefundGateway {
    if (!this.host) throw new Error('this stage has no in-process host');
    return this.host.backend.name === 'cloud-sim' ? this.host.cloudSim.gateway : this.host.local.gateway;
  }

  /** The WeChat Pay v3 simulator of either backend (SPEC §7). */
  get wechatpay(): WechatPayV3Simulator {
    const sim = this.host?.backend.wechatpay;
    if (!sim) throw new Error('this stage has no WeChat Pay v3 simulator');
    return sim;
  }

  /** Puts the world's main shop on `payment` (undefined: the default, cloudPay), as setup / shop:create would. */
  async payThrough(payment: PaymentSettings | undefined): Promise<void> {
    ok(await this.api.dev.seed({ shops: [{ ...SHOPS[0], ...(payment ? { settings: { payment } } : {}) }] }));
  }

  async stop(): Promise<void> {
    await this.host?.stop();
  }

  now(): Promise<number> {
    return this.api.dev.now();
  }

  async advance(ms: number): Promise<void> {
    ok(await this.api.dev.clock((await this.now()) + ms));
  }

  /** Lets the simulated gateway reach every result in flight, and delivers the callbacks. */
  async settle(ms = 5_000): Promise<void> {
    await this.advance(ms);
    ok(await this.api.dev.run('refundNotify'));
  }

  async sweep(): Promise<void> {
    ok(await this.api.dev.run('autoApprove'));
  }

  newBuyer(prefix = 'hb'): string {
    buyerSeq += 1;
    return `${prefix}_${process.pid}_${buyerSeq}`;
  }

  /** An order of two T-shirts (¥50 each) and ¥10 shipping at the world's main shop, delivered two days ago. */
  async seedOrder(buyer: string, over: Partial<Order> = {}): Promise<Order> {
    const t = await this.now();
    const o = worldOrder({ buyerOpenid: buyer, paidAt: t - 5 * DAY_MS, shippedAt: t - 4 * DAY_MS, deliveredAt: t - 2 * DAY_MS, ...over });
    ok(await this.api.dev.seed({ orders: [o] }));
    return o;
  }

  async upload(openid: string, kind: EvidenceKind = 'image'): Promise<EvidenceInput> {
    const sample = kind === 'image' ? SAMPLE_FILES.jpeg : SAMPLE_FILES.mp4;
    const stored = ok(await this.api.upload(openid, Buffer.concat([sample.bytes, randomBytes(16)]), `evidence.${sample.ext}`));
    return { fileId: stored.fileId, kind: stored.kind, sha256: stored.sha256 };
  }

  call<A extends ActionName>(openid: string | undefined, action: A, req: ActionRequest<A>): Promise<HttpReply<ActionResponse<A>>> {
    return this.api.call(openid, action, req);
  }

  async ok<A extends ActionName>(openid: string, action: A, req: ActionRequest<A>): Promise<ActionResponse<A>> {
    const r = await this.api.call(openid, action, req);
    if (!r.body.ok) throw new Error(`${action} by ${openid}: HTTP ${r.status} ${JSON.stringify(r.body.error)}`);
    return r.body.data;
  }

  async get(buyer: string, caseId: string): Promise<AfterSaleCase> {
    return this.ok(buyer, 'get', { caseId });
  }

  applyRequest(o: Order, type: 'REFUND_ONLY' | 'RETURN_REFUND' = 'REFUND_ONLY'): ActionRequest<'apply'> {
    return {
      orderId: o._id,
      type,
      reason: 'QUALITY',
      items: [{ skuId: o.items[0].skuId, qty: 1 }],
      amountFen: 5_000,
      description: '衣服领口开线了，洗了一次就变形',
      evidence: [],
      idempotencyKey: `idem-${o._id}`,
    };
  }

  /** An exchange (SPEC §5) of one T-shirt for another size. */
  exchangeRequest(o: Order, over: Partial<ActionRequest<'apply'>> = {}): ActionRequest<'apply'> {
    return {
      orderId: o._id,
      type: 'EXCHANGE',
      reason: 'NO_REASON',
      items: [{ skuId: o.items[0].skuId, qty: 1 }],
      amountFen: 0,
      description: '尺码偏小，想换大一码',
      evidence: [],
      exchangeNote: '换L码',
      idempotencyKey: `idem-x-${o._id}`,
      ...over,
    };
  }

  /** A new buyer's case, brought to `setup.status` the way people and the gateway would bring it there. */
  async caseIn(setup: CaseSetup | CaseStatus): Promise<Staged> {
    const { status, order: over } = typeof setup === 'string' ? { status: setup, order: undefined } : setup;
    const buyer = this.newBuyer();
    const returns = status === 'AWAITING_RETURN' || status === 'RETURN_SHIPPED';
    const order = await this.seedOrder(buyer, { ...(status === 'REFUND_FAILED' ? { refundScenario: 'ABNORMAL' } : {}), ...over });
    const exchange = status === 'AWAITING_RESHIP' || status === 'RESHIPPED' || status === 'EXCHANGED';
    let c = await this.ok(buyer, 'apply', exchange ? this.exchangeRequest(order) : this.applyRequest(order, returns ? 'RETURN_REFUND' : 'REFUND_ONLY'));
    const id = { caseId: c._id };
    switch (status) {
      case 'AWAITING_RESHIP':
      case 'RESHIPPED':
      case 'EXCHANGED':
        await this.ok(OWNER, 'merchant.approve', id);
        await this.ok(buyer, 'shipReturn', { ...id, company: '顺丰速运', trackingNo: 'SF1234567890' });
        c = await this.ok(OWNER, 'merchant.confirmReturn', id);
        if (status === 'AWAITING_RESHIP') break;
        c = await this.ok(OWNER, 'merchant.reship', { ...id, company: '中通快递', trackingNo: 'ZT9876543210' });
        if (status === 'RESHIPPED') break;
        c = await this.ok(buyer, 'confirmReceipt', id);
        break;
      case 'PENDING':
        break;
      case 'NEGOTIATING':
        c = await this.ok(OWNER, 'merchant.offer', { ...id, amountFen: 3_000, note: '领口问题可修复，协商退一部分' });
        break;
      case 'REJECTED':
      case 'ESCALATED':
      case 'CLOSED':
        c = await this.ok(OWNER, 'merchant.reject', { ...id, reasonCode: 'NO_EVIDENCE', note: '请补充商品照片' });
        if (status === 'REJECTED') break;
        c = await this.ok(buyer, 'escalate', { ...id, note: '照片已经在描述里说明，商家拒绝没有道理' });
        if (status === 'ESCALATED') break;
        c = await this.ok(REVIEWER, 'platform.decide', { ...id, decision: 'REJECT', note: '证据不足，维持商家处理' });
        break;
      case 'AWAITING_RETURN':
      case 'RETURN_SHIPPED':
        c = await this.ok(OWNER, 'merchant.approve', id);
        if (status === 'RETURN_SHIPPED') c = await this.ok(buyer, 'shipReturn', { ...id, company: '顺丰速运', trackingNo: 'SF1234567890' });
        break;
      case 'REFUNDING':
        c = await this.ok(OWNER, 'merchant.approve', id);
        break;
      case 'REFUND_FAILED':
      case 'REFUNDED':
        await this.ok(OWNER, 'merchant.approve', id);
        await this.settle();
        c = await this.get(buyer, c._id);
        break;
      case 'CANCELLED':
        c = await this.ok(buyer, 'cancel', id);
        break;
      case 'APPROVED':
        throw new Error('APPROVED is never a resting status');
    }
    if (c.status !== status) throw new Error(`setup wanted ${status}, got ${c.status}`);
    return { buyer, order, c };
  }
}

/** `{ok:false}` replies as `<status> <code>`, successes as `OK`. */
export function outcome(r: HttpReply): string {
  return r.body.ok ? 'OK' : `${r.status} ${r.body.error.code}`;
}

export function tally(replies: readonly HttpReply[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of replies) t[outcome(r)] = (t[outcome(r)] ?? 0) + 1;
  return t;
}
