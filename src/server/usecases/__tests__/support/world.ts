/**
 * A whole server on SQLite in memory, driven through the same entry points as the cloud functions
 * (handleAfterSale, runSweep, handleRefundNotify), with a clock the test moves by hand.
 */
import type { ActionName, ActionRequest, ActionResponse, EvidenceInput } from '../../../../../types/api';
import type { ApiError } from '../../../../../types/errors';
import type { EpochMs, EvidenceKind, EvidenceTag, Merchant, Order, OrderItem } from '../../../../../types/domain';
import { DAY_MS } from '../../../../core/time';
import { createLocalServices, type LocalServices } from '../../../adapters/local/services';
import type { ShopSeed } from '../../../adapters/sqlite/devStore';
import { handleAfterSale, handleRefundNotify, runSweep, type SweepReport } from '../../../handler';
import type { Clock, Services } from '../../../ports';

/** 2026-11-20 10:00 in Shanghai, a Friday. */
export const T0: EpochMs = Date.UTC(2026, 10, 20, 2, 0, 0);

export const ALICE = 'buyer_alice';
export const BOB = 'buyer_bob';
export const OWNER = 'merchant_owner';
export const STAFF = 'merchant_staff';
export const OTHER_OWNER = 'merchant_other';
export const REVIEWER = 'platform_reviewer';
export const NEW_OWNER = 'merchant_new';

export const SHOP = 'shop_main';
export const OTHER_SHOP = 'shop_other';
export const UNVERIFIED_SHOP = 'shop_unverified';

export class ManualClock implements Clock {
  constructor(public at: EpochMs = T0) {}
  now(): EpochMs {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const RETURN_ADDRESS = { name: '王店长', phone: '13800138000', address: '浙江省杭州市余杭区文一西路100号 售后部' };

export const SHOPS: ShopSeed[] = [
  {
    _id: SHOP,
    name: '小林家居',
    verified: true,
    returnAddress: RETURN_ADDRESS,
    // SPEC §7: what the demo checkout sells.
    products: [
      { skuId: 'tshirt', title: '纯棉T恤', unitFen: 5_000, kind: 'NORMAL' },
      { skuId: 'pillow', title: '乳胶枕', unitFen: 19_900, kind: 'NORMAL' },
    ],
  },
  { _id: OTHER_SHOP, name: '隔壁数码', verified: true, returnAddress: RETURN_ADDRESS },
  { _id: UNVERIFIED_SHOP, name: '新开小店', verified: false, returnAddress: RETURN_ADDRESS },
];

export const MERCHANTS: Merchant[] = [
  { openid: OWNER, shopId: SHOP, role: 'OWNER' },
  { openid: STAFF, shopId: SHOP, role: 'STAFF' },
  { openid: OTHER_OWNER, shopId: OTHER_SHOP, role: 'OWNER' },
  { openid: NEW_OWNER, shopId: UNVERIFIED_SHOP, role: 'OWNER' },
  { openid: REVIEWER, shopId: SHOP, role: 'PLATFORM' },
];

export function line(skuId: string, overrides: Partial<OrderItem> = {}): OrderItem {
  return { skuId, title: `商品${skuId}`, unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL', ...overrides };
}

let orderSeq = 0;

/** A delivered WeChat-paid order of two T-shirts (¥100) plus ¥10 shipping, Alice's, at the main shop. */
export function order(overrides: Partial<Order> = {}): Order {
  orderSeq += 1;
  return {
    _id: `order_${orderSeq}`,
    shopId: SHOP,
    buyerOpenid: ALICE,
    status: 'DELIVERED',
    paidFen: 11_000,
    shippingFen: 1_000,
    payChannel: 'WECHAT',
    paidAt: T0 - 5 * DAY_MS,
    shippedAt: T0 - 4 * DAY_MS,
    deliveredAt: T0 - 2 * DAY_MS,
    items: [line('tshirt', { title: '纯棉T恤' })],
    ...overrides,
  };
}

export type Replied = { status: number; ok: true; data: unknown } | { status: number; ok: false; error: ApiError };

export interface World {
  svc: Services;
  local: LocalServices;
  clock: ManualClock;
  seedOrders(...orders: Order[]): void;
  /** A demo order (`order(overrides)`) stored for the tests to apply on. */
  seedOrder(overrides?: Partial<Order>): Order;
  call(openid: string | undefined, body: unknown): Promise<Replied>;
  ok<A extends ActionName>(openid: string, action: A, input: ActionRequest<A>): Promise<ActionResponse<A>>;
  fail<A extends ActionName>(openid: string | undefined, action: A, input: ActionRequest<A>): Promise<ApiError & { status: number }>;
  upload(openid: string, kind?: EvidenceKind, tag?: EvidenceTag): EvidenceInput;
  sweep(opts?: { batchSize?: number; budgetMs?: number }): Promise<SweepReport>;
  /** Delivers the gateway's due callbacks through handleRefundNotify. */
  deliverRefunds(): Promise<number>;
  /** Lets the simulated gateway settle what is in flight (2 s later) and delivers its callbacks. */
  settle(): Promise<number>;
  notify(body: unknown): Promise<Replied>;
  close(): Promise<void>;
}

let uploads = 0;

export function makeWorld(): World {
  const clock = new ManualClock();
  const local = createLocalServices({ dataDir: ':memory:', clock });
  local.dev.seed({ shops: SHOPS, merchants: MERCHANTS });
  const svc = local.svc;
  local.gateway.setCallback((event) => handleRefundNotify(svc, event));

  const call = async (openid: string | undefined, body: unknown): Promise<Replied> => {
    const r = await handleAfterSale(svc, openid, body);
    return r.body.ok ? { status: r.status, ok: true, data: r.body.data } : { status: r.status, ok: false, error: r.body.error };
  };

  return {
    svc,
    local,
    clock,
    seedOrders: (...orders) => {
      local.dev.seed({ orders });
    },
    seedOrder: (overrides = {}) => {
      const o = order(overrides);
      local.dev.seed({ orders: [o] });
      return o;
    },
    call,
    async ok(openid, action, input) {
      const r = await call(openid, { ...input, action });
      if (!r.ok) throw new Error(`${action} failed: ${r.error.code} ${r.error.field ?? ''} ${r.error.message}`);
      expect(r.status).toBe(200);
      return r.data as ActionResponse<typeof action>;
    },
    async fail(openid, action, input) {
      const r = await call(openid, { ...input, action });
      if (r.ok) throw new Error(`${action} unexpectedly succeeded`);
      return { ...r.error, status: r.status };
    },
    upload(openid, kind = 'image', tag) {
      uploads += 1;
      const bytes = Buffer.from(`evidence ${uploads} ${openid}`);
      const type = kind === 'image' ? { mime: 'image/jpeg', kind, ext: 'jpg' } : { mime: 'video/mp4', kind, ext: 'mp4' };
      const put = local.files.put(openid, `photo${uploads}.${type.ext}`, bytes, type);
      return tag ? { fileId: put.fileId, kind, sha256: put.sha256, tag } : { fileId: put.fileId, kind, sha256: put.sha256 };
    },
    sweep: (opts) => runSweep(svc, opts),
    deliverRefunds: () => local.gateway.deliverDue(),
    settle() {
      clock.advance(2_000);
      return local.gateway.deliverDue();
    },
    async notify(body) {
      const r = await handleRefundNotify(svc, body);
      return r.body.ok ? { status: r.status, ok: true, data: r.body.data } : { status: r.status, ok: false, error: r.body.error };
    },
    close: () => local.close(),
  };
}

let keys = 0;

/** A valid refund-only application for Alice's order: one T-shirt, quality, with a photo. */
export function refundOnly(w: World, o: Order, overrides: Partial<ActionRequest<'apply'>> = {}): ActionRequest<'apply'> {
  keys += 1;
  return {
    orderId: o._id,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId: o.items[0].skuId, qty: 1 }],
    amountFen: 5_000,
    description: '衣服领口开线了，洗了一次就变形',
    evidence: [w.upload(o.buyerOpenid)],
    idempotencyKey: `key-${keys}`,
    ...overrides,
  };
}
