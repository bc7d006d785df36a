/**
 * What the local cloud host serves its HTTP contract (SPEC §4) from. Two backends answer it:
 *
 * - `sqlite` (the default): the shared handlers in this process on the SQLite adapters.
 * - `cloud-sim` (SPEC §8): the cloud functions' own entry code in instances of their own, on the wx
 *   adapters and the real wx-server-sdk, against the cloud-sim service (adapters/cloudsim/).
 *
 * The routes (app.ts) know only this interface, so every route means the same on both.
 */
import type { EpochMs } from '../../../types/domain';
import type { ApiReply } from '../../../types/errors';
import type { LocalFile, PutResult } from '../adapters/local/files';
import type { LocalServices } from '../adapters/local/services';
import type { OutboxEntry, OutboxFilter, SeedData } from '../adapters/sqlite/devStore';
import type { Services } from '../ports';
import type { LocalWechatpay } from '../adapters/wechatpay/local';
import type { NotifyRequest } from '../adapters/wechatpay/notify';
import type { WechatPayV3Simulator } from '../adapters/wechatpay/simulator';
import { handleWechatpayNotify } from '../wechatpayNotify';
import type { Ticket } from '../../../types/domain';
import { handlePayNotify } from '../handler';
import { DEMO_IDENTITIES } from '../seed/demo';
import { handleOrderSync, handleSetup } from '../handler';
import { syncEventParts } from '../usecases/orderSync';
import { receiveUpload } from './upload';

export type BackendName = 'sqlite' | 'cloud-sim';
export const BACKENDS: readonly BackendName[] = ['sqlite', 'cloud-sim'];

export interface HandlerReply {
  status: number;
  body: ApiReply<unknown>;
}

/** The shared entry points (src/server/handler.ts), injected so the host can be tested on its own. */
export interface HostHandlers {
  afterSale(svc: Services, openid: string | undefined, body: unknown): Promise<HandlerReply>;
  refundNotify(svc: Services, body: unknown): Promise<HandlerReply>;
  /** SPEC §7's payment callback (handlePayNotify when not given). */
  payNotify?(svc: Services, body: unknown): Promise<HandlerReply>;
  sweep(svc: Services, opts?: { batchSize?: number; budgetMs?: number }): Promise<unknown>;
}

export interface HostIdentity {
  openid: string;
  role: 'BUYER' | 'STAFF' | 'OWNER' | 'PLATFORM';
  name: string;
  shopId?: string;
  shopName?: string;
}

/** An uploaded file as the backend names it (`local://…` or `cloud://…`) and where GET serves it. */
export interface StoredUpload extends PutResult {
  url: string;
}

export interface DevOperations {
  /** Empties every collection, the outbox, the gateway's books and the uploads; the clock stays. */
  reset(): Promise<void>;
  seed(data: SeedData): Promise<{ shops: number; merchants: number; orders: number }>;
  setClock(now: EpochMs): Promise<void>;
  outbox(filter: OutboxFilter): Promise<OutboxEntry[]>;
  tickets(caseId?: string): Promise<Ticket[]>;
  /** Merchants, then every buyer with orders (the h5 sign-in page). */
  identities(): Promise<HostIdentity[]>;
  shopCount(): Promise<number>;
}

export interface HostBackend {
  readonly name: BackendName;
  now(): EpochMs;
  afterSale(openid: string | undefined, body: unknown): Promise<HandlerReply>;
  refundNotify(body: unknown): Promise<HandlerReply>;
  /** SPEC §7: the payment callback, reaching `payNotify` as the platform delivers it. */
  payNotify(body: unknown): Promise<HandlerReply>;
  // ── SPEC §7 ──
  /** `orderSync` with its cloud event `{shopId, orders, shopKey}` (the host puts the header's key there). */
  orderSync(event: unknown): Promise<HandlerReply>;
  /** `setup` with its cloud event `{secret, name, payment?, verified?}`. */
  setup(event: unknown): Promise<HandlerReply>;
  /** A WeChat Pay v3 refund callback (SPEC §7): the raw body and headers, checked before anything else. */
  wechatpayNotify(req: NotifyRequest): Promise<HandlerReply>;
  /** The host listens at `url`: v3 refund callbacks are addressed to its /api/wechatpayNotify. */
  listening(url: string): void;
  /** The local WeChat Pay v3 simulator (tests forge callbacks with it). */
  readonly wechatpay?: WechatPayV3Simulator;
  /** One whole sweep (the host never runs two at once). */
  sweep(budgetMs: number): Promise<unknown>;
  /** Delivers every refund callback that is due; resolves with how many were delivered. */
  deliverRefundCallbacks(): Promise<number>;
  /** Starts the gateway's real-time callback loop (without it, callbacks go out on `deliverRefundCallbacks`). */
  startRefundCallbacks(): void;
  upload(req: Request, openid: string): Promise<StoredUpload>;
  /** The file behind `/files/evidence/<owner>/<name>`. */
  locateFile(owner: string, name: string): LocalFile | null;
  /** The uploader, the buyers and shops of cases that list the file, and the platform (SPEC §4 "Uploads"). */
  mayRead(caller: string, file: LocalFile): Promise<boolean>;
  dev: DevOperations;
  close(): Promise<void>;
}

/** Identities from the merchants and the buyers with orders, named by the demo's list where it knows them. */
export function namedIdentities(
  merchants: readonly { openid: string; shopId: string; role: 'STAFF' | 'OWNER' | 'PLATFORM'; name?: string; shopName?: string }[],
  buyers: readonly string[],
): HostIdentity[] {
  const names = new Map(DEMO_IDENTITIES.map((d) => [d.openid, d.name]));
  return [
    ...merchants.map((m) => ({
      openid: m.openid,
      role: m.role,
      name: m.name ?? names.get(m.openid) ?? m.openid,
      shopId: m.shopId,
      ...(m.shopName !== undefined ? { shopName: m.shopName } : {}),
    })),
    ...buyers.map((openid) => ({ openid, role: 'BUYER' as const, name: names.get(openid) ?? openid })),
  ];
}

/** `local://evidence/<owner>/<name>` → the URL GET serves it at. */
export function fileUrl(owner: string, name: string): string {
  return `/files/evidence/${owner}/${name}`;
}

/** The SQLite backend: the handlers run here, on the local services. */
export function sqliteBackend(local: LocalServices, handlers: HostHandlers, wechatpay?: LocalWechatpay, setupSecret?: string): HostBackend {
  const { svc, dev } = local;
  // The books settle both kinds of shop: a v3 shop's result goes out as a signed v3 callback over HTTP.
  local.gateway.setCallback((event) => (wechatpay?.simulator.owns(event) ? wechatpay.simulator.deliver(event) : handlers.refundNotify(svc, event)));
  const payNotify = handlers.payNotify ?? handlePayNotify;
  local.payments.setCallback((event) => payNotify(svc, event));
  return {
    name: 'sqlite',
    ...(wechatpay ? { wechatpay: wechatpay.simulator } : {}),
    now: () => svc.clock.now(),
    afterSale: (openid, body) => handlers.afterSale(svc, openid, body),
    refundNotify: (body) => handlers.refundNotify(svc, body),
    payNotify: (body) => payNotify(svc, body),
    orderSync(event) {
      const { body, key } = syncEventParts(event);
      return handleOrderSync(svc, body, { kind: 'KEY', key: typeof key === 'string' ? key : undefined });
    },
    setup: (event) => handleSetup(svc, event, setupSecret),
    async wechatpayNotify(req) {
      if (!wechatpay) return { status: 200, body: { ok: true, data: { applied: false } } };
      return handleWechatpayNotify(svc, { env: wechatpay.env, nonces: wechatpay.nonces }, req);
    },
    listening(url) {
      wechatpay?.setNotifyUrl(`${url}/api/wechatpayNotify`);
    },
    sweep: (budgetMs) => handlers.sweep(svc, { budgetMs }),
    deliverRefundCallbacks: async () => (await local.gateway.deliverDue()) + (await local.payments.deliverDue()),
    startRefundCallbacks: () => {
      local.gateway.start();
      local.payments.startDelivery(local.gateway.options.tickMs);
    },
    async upload(req, openid) {
      const stored = await receiveUpload(req, openid, local.files);
      return { ...stored, url: stored.fileId.replace('local://', '/files/') };
    },
    locateFile: (owner, name) => local.files.locate(`local://evidence/${owner}/${name}`),
    async mayRead(caller, file) {
      if (caller === file.openid) return true;
      const merchant = await svc.merchants.get(caller);
      if (merchant?.role === 'PLATFORM') return true;
      const audience = dev.store.fileAudience(file.fileId);
      // A merchant is a buyer too (SPEC §7): its own shop's files, and those of cases it bought.
      if (merchant && audience.shopIds.includes(merchant.shopId)) return true;
      return audience.buyerOpenids.includes(caller);
    },
    dev: {
      reset: async () => dev.reset(),
      seed: async (data) => dev.seed(data),
      setClock: async (now) => dev.setClock(now),
      outbox: async (filter) => dev.outbox(filter),
      tickets: async (caseId) => dev.store.tickets(caseId),
      identities: async () => namedIdentities(dev.store.merchants(), dev.store.buyerOpenids()),
      shopCount: async () => dev.store.shopCount(),
    },
    async close() {
      await wechatpay?.close();
      await local.close();
    },
  };
}
