/**
 * The cloud-sim backend (SPEC §8): the host's contract served by the cloud functions' own entry code
 * (cloudfunctions/<fn>/src/index.ts) in instances of their own (functions.ts), on the wx adapters and
 * the real wx-server-sdk, against the cloud-sim service (service.ts) on a loopback port, with:
 *
 * - the database persisted under DATA_DIR/cloud-sim (persist.ts), surviving kill -9;
 * - storage: uploads kept by the same file store as the SQLite backend's, named `cloud://…`;
 * - cloudPay: the same simulated gateway and scenarios as the SQLite backend (pay.ts), whose results
 *   reach the `refundNotify` function as the payment platform delivers them (SOURCE wx_paycallback);
 * - the dev clock kept here and carried to every instance with each invocation.
 *
 * What it stands in for, and what it does not: src/server/adapters/cloudsim/README.md.
 */
import path from 'path';
import type { AfterSaleCase, Merchant, Notification, Order, Shop, Ticket } from '../../../types/domain';
import type { ApiReply } from '../../../types/errors';
import { HTTP_STATUS } from '../../../types/errors';
import { CATALOGUE } from '../../core/errors';
import { shopWithDefaults } from '../../core/settings';
import { CLOUD_SIM_ENV, CLOUD_SIM_SUB_MCH_ID, FunctionPool, instanceEnv } from '../adapters/cloudsim/functions';
import type { Doc } from '../adapters/cloudsim/mongo';
import { GatewayPayAccount } from '../adapters/cloudsim/pay';
import { DocJournal } from '../adapters/cloudsim/persist';
import { CloudSimService } from '../adapters/cloudsim/service';
import { DevClock } from '../adapters/local/clock';
import { LocalFileStore, parseLocalFileId, type LocalFile } from '../adapters/local/files';
import { SimulatedRefundGateway, type GatewayOptions } from '../adapters/local/gateway';
import { SimulatedPaymentGateway } from '../adapters/local/payments';
import { parsePayNotify } from '../usecases/payNotify';
import type { OutboxEntry, ShopSeed } from '../adapters/sqlite/devStore';
import { PRODUCT_IMAGE_ROUTE } from '../seed/productImages';
import { openSqlite, type Db } from '../adapters/sqlite/open';
import { COLLECTIONS } from '../adapters/wx/sdk';
import { fileUrl, namedIdentities, type HandlerReply, type HostBackend } from './backend';
import { errorReply as sharedErrorReply } from '../handler';
import { parseRefundNotify } from '../usecases/refundNotify';
import { receiveUpload } from './upload';
import { LOCAL_V3_PAYMENT, localWechatpayKeys, wechatpayEnvVars } from '../adapters/wechatpay/keys';
import { WechatPayV3Simulator } from '../adapters/wechatpay/simulator';
import type { NotifyRequest } from '../adapters/wechatpay/notify';
import type { HttpTriggerReply } from '../adapters/wechatpay/entry';

/** The `wechatpayNotify` function's HTTP address in the simulated cloud (what notify_url names). */
export const CLOUD_SIM_WECHATPAY_NOTIFY_URL = 'https://cloudsim-6e1f2a.service.tcloudbase.com/wechatpayNotify';

/** The simulated cloud's storage bucket. */
export const CLOUD_SIM_BUCKET = '636c-cloudsim-6e1f2a-1300000000';

const CLOUD_FILE_ID = /^cloud:\/\/[^/]+\/evidence\/([^/]+)\/([^/]+)$/;

/** `cloud://<env>.<bucket>/evidence/<openid>/<name>` ↔ the file store's `local://evidence/<openid>/<name>`. */
export function cloudFileId(owner: string, name: string): string {
  return `cloud://${CLOUD_SIM_ENV}.${CLOUD_SIM_BUCKET}/evidence/${owner}/${name}`;
}

/** The demo's product pictures (`/files/products/<name>`) as cloud storage ids `cloud://<env>.<bucket>/products/<name>`. */
export function productCloudFileIds<T extends { shops?: ShopSeed[]; orders?: Order[] }>(data: T): T {
  const cloudId = (ref: string | undefined) => (ref?.startsWith(PRODUCT_IMAGE_ROUTE) ? `cloud://${CLOUD_SIM_ENV}.${CLOUD_SIM_BUCKET}/products/${ref.slice(PRODUCT_IMAGE_ROUTE.length)}` : ref);
  return {
    ...data,
    shops: data.shops?.map((s) => (s.products ? { ...s, products: s.products.map((p) => (p.imageUrl ? { ...p, imageUrl: cloudId(p.imageUrl) } : p)) } : s)),
    orders: data.orders?.map((o) => ({ ...o, items: o.items.map((l) => (l.image ? { ...l, image: cloudId(l.image) } : l)) })),
  };
}

function storeFileId(cloudId: string): string | null {
  const m = CLOUD_FILE_ID.exec(cloudId);
  return m ? `local://evidence/${m[1]}/${m[2]}` : null;
}

export interface CloudSimBackendOptions {
  /** DATA_DIR: the simulated cloud keeps its database and storage under `<dataDir>/cloud-sim`. */
  dataDir: string;
  repoRoot: string;
  gatewayOptions?: Partial<GatewayOptions>;
  /** Injected delay of every service request (a round trip), in ms. */
  rttMs?: number;
  /** The most `afterSale` instances at once (default 4). */
  afterSaleInstances?: number;
  /** SETUP_SECRET of the `setup` function's environment. */
  setupSecret?: string;
}

export interface CloudSimBackend extends HostBackend {
  readonly service: CloudSimService;
  readonly db: Db;
  readonly gateway: SimulatedRefundGateway;
  readonly functions: FunctionPool;
  readonly files: LocalFileStore;
  readonly clock: DevClock;
}

function errorReply(code: keyof typeof HTTP_STATUS | 'INTERNAL_ERROR'): HandlerReply {
  if (code === 'INTERNAL_ERROR') return { status: 500, body: { ok: false, error: { code, ...CATALOGUE.INTERNAL_ERROR } } };
  return { status: HTTP_STATUS[code], body: { ok: false, error: { code, ...CATALOGUE[code] } } };
}

/** An `afterSale` reply → its HTTP status, as the SQLite backend's handler gives it. */
function statusOf(body: ApiReply<unknown>): number {
  if (body.ok) return 200;
  return body.error.code === 'INTERNAL_ERROR' ? 500 : HTTP_STATUS[body.error.code];
}

export async function createCloudSimBackend(opts: CloudSimBackendOptions): Promise<CloudSimBackend> {
  const home = path.join(opts.dataDir, 'cloud-sim');
  const db = openSqlite(home);
  const clock = new DevClock(db);
  const journal = new DocJournal(db);
  const files = new LocalFileStore(db, path.join(home, 'storage'), () => clock.now());

  // The gateway reads payments from the service's documents; it is only asked once both exist.
  const read = (coll: string, id: string): Doc | null => sim.store.read(coll, id);
  const gateway = new SimulatedRefundGateway(db, clock, opts.gatewayOptions, {
    order: (id) => (read(COLLECTIONS.orders, id) as unknown as Order | null) ?? undefined,
    shop: (id) => {
      const s = read(COLLECTIONS.shops, id) as unknown as Shop | null;
      return s ? shopWithDefaults(s) : undefined;
    },
  });
  const payments = new SimulatedPaymentGateway(db, clock);
  // WeChat Pay's books per sub-merchant: a shop's money sits with its own (settings.payment CLOUDPAY),
  // else with the functions' SUB_MCH_ID; a v3 shop's refunds are the v3 simulator's.
  const payAccount = new GatewayPayAccount(gateway, payments, (shopId) => {
    const p = (read(COLLECTIONS.shops, shopId) as unknown as Shop | null)?.settings?.payment;
    return p?.provider === 'CLOUDPAY' ? p.subMchId : p?.provider === 'WECHATPAY_V3' ? undefined : CLOUD_SIM_SUB_MCH_ID;
  });
  const sim = new CloudSimService({
    rttMs: opts.rttMs ?? 0,
    pay: payAccount,
    storage: {
      exists: (cloudId) => {
        const id = storeFileId(cloudId);
        return id !== null && files.locate(id) !== null;
      },
      url: (cloudId) => {
        const m = CLOUD_FILE_ID.exec(cloudId);
        return m ? fileUrl(m[1], m[2]) : '';
      },
    },
  });
  sim.store.load(journal.load());
  sim.store.onCommit = (writes) => journal.record(writes);
  const serviceUrl = await sim.start();

  // WeChat Pay v3 (SPEC §7): the simulator over the same books, its throwaway keys under DATA_DIR, handed
  // to the functions through the environment names a real deployment uses.
  const keys = localWechatpayKeys(home);
  const v3 = new WechatPayV3Simulator({
    books: gateway,
    shopOfOrder: (orderId) => {
      const order = read(COLLECTIONS.orders, orderId) as unknown as Order | null;
      const shop = order ? (read(COLLECTIONS.shops, order.shopId) as unknown as Shop | null) : null;
      return shop ? shopWithDefaults(shop) : undefined;
    },
    platform: { keyId: LOCAL_V3_PAYMENT.platformPublicKeyId ?? '', privateKey: keys.platformPrivateKey },
    merchants: [{ mchId: LOCAL_V3_PAYMENT.mchId, certSerial: LOCAL_V3_PAYMENT.certSerial, publicKey: keys.merchantPublicKey, apiV3Key: keys.apiV3Key }],
    defaultNotifyUrl: () => CLOUD_SIM_WECHATPAY_NOTIFY_URL,
    transport: async (_url, n) => (await invokeWechatpayNotify(n)).status,
    nowMs: () => clock.now(),
    // The dev clock jumps (tests move it hours at a time) while an instance still runs at the offset it was invoked with.
    maxSkewS: 7 * 24 * 3600,
  });
  const v3Url = await v3.listen(0);

  const functions = new FunctionPool({
    repoRoot: opts.repoRoot,
    env: {
      ...instanceEnv(serviceUrl),
      SUB_MCH_ID: CLOUD_SIM_SUB_MCH_ID,
      ...wechatpayEnvVars(LOCAL_V3_PAYMENT, keys, { baseUrl: v3Url, notifyUrl: CLOUD_SIM_WECHATPAY_NOTIFY_URL }),
      ...(opts.setupSecret ? { SETUP_SECRET: opts.setupSecret } : {}),
    },
    clockOffsetMs: () => clock.offsetMs(),
    maxInstances: { afterSale: opts.afterSaleInstances ?? 4, autoApprove: 1, refundNotify: 2, wechatpayNotify: 2, payNotify: 2, orderSync: 2, setup: 1 },
    quiet: process.env.CLOUD_SIM_QUIET === '1',
  });

  /** The sub-merchant WeChat Pay names in a notification about `outTradeNo`: the one holding its money. */
  const subMchOf = (outTradeNo: unknown): string => (typeof outTradeNo === 'string' ? payAccount.subMerchantOf(outTradeNo) : undefined) ?? CLOUD_SIM_SUB_MCH_ID;
  const refundOrderOf = (event: object): unknown => {
    const info = (event as { reqInfo?: { outTradeNo?: unknown; outRefundNo?: unknown } }).reqInfo;
    return info?.outTradeNo ?? (typeof info?.outRefundNo === 'string' ? gateway.books(info.outRefundNo)?.orderId : undefined);
  };
  /**
   * The payment platform delivering a refund result to `refundNotify`, naming the sub-merchant that holds
   * the order's money; a callback posted to the host keeps a `subMchId` it names (a forger's, in tests).
   */
  const deliverPayCallback = async (event: object, posted = false): Promise<{ errcode?: number; result?: ApiReply<unknown> }> =>
    (await functions.invoke('refundNotify', posted ? { subMchId: subMchOf(refundOrderOf(event)), ...event } : { ...event, subMchId: subMchOf(refundOrderOf(event)) }, { source: 'wx_paycallback' })) as {
      errcode?: number;
      result?: ApiReply<unknown>;
    };
  /** The HTTP access service delivering a v3 callback to `wechatpayNotify`, as WeChat Pay posts it. */
  async function invokeWechatpayNotify(n: NotifyRequest): Promise<HandlerReply> {
    const event = { httpMethod: 'POST', path: '/wechatpayNotify', headers: n.headers, body: n.body, isBase64Encoded: false };
    const r = (await functions.invoke('wechatpayNotify', event, { source: 'wx_http' })) as HttpTriggerReply;
    return { status: r.statusCode, body: JSON.parse(r.body) as ApiReply<unknown> };
  }
  gateway.setCallback(async (event) => {
    if (v3.owns(event)) return v3.deliver(event);
    const ack = await deliverPayCallback(event);
    return { status: ack.errcode === 0 ? 200 : 500 };
  });
  /** SPEC §7: the payment platform delivering a payment result to `payNotify`. */
  const deliverPaymentCallback = async (event: object, posted = false): Promise<{ errcode?: number; result?: ApiReply<unknown> }> => {
    const subMchId = subMchOf((event as { outTradeNo?: unknown }).outTradeNo);
    return (await functions.invoke('payNotify', posted ? { subMchId, ...event } : { ...event, subMchId }, { source: 'wx_paycallback' })) as {
      errcode?: number;
      result?: ApiReply<unknown>;
    };
  };
  payments.setCallback(async (event) => {
    const ack = await deliverPaymentCallback(event);
    return { status: ack.errcode === 0 ? 200 : 500 };
  });

  try {
    await functions.warm(['afterSale', 'autoApprove', 'refundNotify', 'payNotify']);
    // Warmed after the others, without holding up the start: only v3 shops' callbacks need it.
    functions.warm(['wechatpayNotify']).catch((e: unknown) => {
      if (!functions.closed) console.error('[cloud-sim] wechatpayNotify did not start', e);
    });
  } catch (e) {
    await functions.close();
    await v3.close();
    await sim.stop();
    db.close();
    throw e;
  }

  const docs = (coll: string): Doc[] => sim.docs(coll);

  return {
    name: 'cloud-sim',
    wechatpay: v3,
    service: sim,
    db,
    gateway,
    functions,
    files,
    clock,
    now: () => clock.now(),

    async afterSale(openid, body) {
      const event = openid === undefined ? body : { ...(body as object), userInfo: { appId: 'wxc10d51mc0000sim', openId: openid } };
      try {
        const reply = (await functions.invoke('afterSale', event, { ...(openid !== undefined ? { openid } : {}), source: 'wx_client' })) as ApiReply<unknown>;
        return { status: statusOf(reply), body: reply };
      } catch (e) {
        console.error('[cloud-sim] afterSale invocation failed', e);
        return errorReply('INTERNAL_ERROR');
      }
    },

    async refundNotify(body) {
      // The host's plain {outRefundNo, status} shape is checked as the SQLite backend checks it, so a
      // refusal names the same field; then it reaches the function in cloudPay's words.
      let event: object;
      try {
        event = asPayCallback(body);
      } catch (e) {
        return sharedErrorReply(e);
      }
      try {
        const ack = await deliverPayCallback(event, true);
        if (ack.result) return { status: statusOf(ack.result), body: ack.result };
        return ack.errcode === 0 ? { status: 200, body: { ok: true, data: { applied: false } } } : errorReply('INTERNAL_ERROR');
      } catch (e) {
        console.error('[cloud-sim] refundNotify invocation failed', e);
        return errorReply('INTERNAL_ERROR');
      }
    },

    async payNotify(body) {
      // Checked as the SQLite backend checks it, so a refusal names the same field; then delivered as the platform would.
      try {
        parsePayNotify(body);
      } catch (e) {
        return sharedErrorReply(e);
      }
      try {
        const ack = await deliverPaymentCallback(body as object, true);
        if (ack.result) return { status: statusOf(ack.result), body: ack.result };
        return ack.errcode === 0 ? { status: 200, body: { ok: true, data: { applied: false } } } : errorReply('INTERNAL_ERROR');
      } catch (e) {
        console.error('[cloud-sim] payNotify invocation failed', e);
        return errorReply('INTERNAL_ERROR');
      }
    },

    // SPEC §7: a shop's order system over WeChat's HTTP API (SOURCE wx_http), and the operator's setup.
    async orderSync(event) {
      try {
        const reply = (await functions.invoke('orderSync', event, { source: 'wx_http' })) as ApiReply<unknown>;
        return { status: statusOf(reply), body: reply };
      } catch (e) {
        console.error('[cloud-sim] orderSync invocation failed', e);
        return errorReply('INTERNAL_ERROR');
      }
    },

    async setup(event) {
      try {
        const reply = (await functions.invoke('setup', event, { source: 'wx_http' })) as ApiReply<unknown>;
        return { status: statusOf(reply), body: reply };
      } catch (e) {
        console.error('[cloud-sim] setup invocation failed', e);
        return errorReply('INTERNAL_ERROR');
      }
    },

    async sweep() {
      const reply = (await functions.invoke('autoApprove', { Type: 'Timer', TriggerName: 'autoApprove', Time: new Date(clock.now()).toISOString() }, { source: 'wx_timer' })) as {
        ok: boolean;
        data?: unknown;
        error?: unknown;
      };
      if (!reply.ok) throw new Error(`autoApprove: ${JSON.stringify(reply.error)}`);
      return reply.data;
    },

    async wechatpayNotify(req) {
      try {
        return await invokeWechatpayNotify(req);
      } catch (e) {
        console.error('[cloud-sim] wechatpayNotify invocation failed', e);
        return errorReply('INTERNAL_ERROR');
      }
    },
    listening() {
      // The functions address WeChat Pay's callbacks to their own HTTP trigger, not to the host.
    },

    deliverRefundCallbacks: async () => (await gateway.deliverDue()) + (await payments.deliverDue()),
    startRefundCallbacks: () => {
      gateway.start();
      payments.startDelivery(gateway.options.tickMs);
    },

    async upload(req, openid) {
      const stored = await receiveUpload(req, openid, files);
      const { openid: owner, name } = parseLocalFileId(stored.fileId)!;
      return { ...stored, fileId: cloudFileId(owner, name), url: fileUrl(owner, name) };
    },

    locateFile: (owner, name) => files.locate(`local://evidence/${owner}/${name}`),

    async mayRead(caller: string, file: LocalFile) {
      if (caller === file.openid) return true;
      const merchant = read(COLLECTIONS.merchants, caller) as unknown as Merchant | null;
      if (merchant?.role === 'PLATFORM') return true;
      const cloudId = cloudFileId(file.openid, parseLocalFileId(file.fileId)?.name ?? '');
      const cases = (docs(COLLECTIONS.cases) as unknown as AfterSaleCase[]).filter((c) => JSON.stringify(c.evidence ?? []).includes(cloudId));
      // A merchant is a buyer too (SPEC §7): its own shop's files, and those of cases it bought.
      return cases.some((c) => (merchant !== null && c.shopId === merchant.shopId) || c.buyerOpenid === caller);
    },

    dev: {
      async reset() {
        functions.epoch += 1;
        sim.reset();
        journal.clear();
        db.exec('DELETE FROM gateway_refunds; DELETE FROM gateway_payments; DELETE FROM uploads;');
        files.clear();
      },
      async seed(data) {
        functions.epoch += 1;
        const shops = data.shops ?? [];
        const merchants = data.merchants ?? [];
        const orders = data.orders ?? [];
        sim.seed(COLLECTIONS.shops, shops.map((s) => shopWithDefaults(s) as unknown as Doc));
        sim.seed(COLLECTIONS.merchants, merchants.map((m) => ({ _id: m.openid, ...m }) as unknown as Doc));
        sim.seed(COLLECTIONS.orders, orders.map((o) => o as unknown as Doc));
        return { shops: shops.length, merchants: merchants.length, orders: orders.length };
      },
      async setClock(now) {
        clock.set(now);
      },
      async outbox(filter) {
        return (docs(COLLECTIONS.outbox) as unknown as (Notification & OutboxEntry)[]).filter(
          (n) => (filter.toOpenid === undefined || n.toOpenid === filter.toOpenid) && (filter.caseId === undefined || n.caseId === filter.caseId),
        );
      },
      async tickets(caseId) {
        return (docs(COLLECTIONS.tickets) as unknown as Ticket[]).filter((t) => caseId === undefined || t.caseId === caseId);
      },
      async identities() {
        const merchants = docs(COLLECTIONS.merchants) as unknown as (Merchant & { _id: string })[];
        const shops = new Map((docs(COLLECTIONS.shops) as unknown as Shop[]).map((s) => [s._id, s.name]));
        const merchantIds = new Set(merchants.map((m) => m._id));
        const buyers = [...new Set((docs(COLLECTIONS.orders) as unknown as Order[]).map((o) => o.buyerOpenid))].filter((b) => !merchantIds.has(b));
        return namedIdentities(
          merchants.map(({ _id, ...m }) => ({ ...m, openid: _id, ...(shops.has(m.shopId) ? { shopName: shops.get(m.shopId) } : {}) })),
          buyers,
        );
      },
      async shopCount() {
        return docs(COLLECTIONS.shops).length;
      },
    },

    async close() {
      await gateway.stop();
      await payments.stopDelivery();
      await v3.close();
      await functions.close();
      await sim.stop();
      db.close();
    },
  };
}

/**
 * A callback posted to the host's `/api/refundNotify`, as the payment platform would deliver it to the
 * function: cloudPay's shape as it is, or the host's plain `{outRefundNo, status}` in cloudPay's words.
 */
function asPayCallback(body: unknown): object {
  if (typeof body === 'object' && body !== null && 'reqInfo' in body) return body;
  const plain = parseRefundNotify(body);
  return { returnCode: 'SUCCESS', reqInfo: { outRefundNo: plain.outRefundNo, refundStatus: PAY_STATUS[plain.status] } };
}

const PAY_STATUS = { SUCCESS: 'SUCCESS', ABNORMAL: 'CHANGE', CLOSED: 'REFUNDCLOSE' } as const;
