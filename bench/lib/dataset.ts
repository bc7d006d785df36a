/**
 * The bench's database: shops, orders and cases made by the core itself (openCase, then real
 * transitions to REFUNDED or CANCELLED), bulk-written through the SQLite adapter. This is setup, not
 * measured: it writes in chunks of one transaction each, which no request path does.
 *
 * Shape, for `cases` = 100,000 over 10 shops: every fifth case is PENDING, opened in the 46 h before
 * `now` (its 48 h auto-approval still ahead), so the timer phase moves the clock past all of them at
 * once; the others are REFUNDED (3 in 4) or CANCELLED, opened over the 300 days before. Each case has
 * its own order; a buyer has about four cases. Amounts stay small (¥1–¥30) so that no shop nears
 * R3's ¥500,000 a year, which would turn approvals into refusals and measure the wrong thing.
 */
import fs from 'fs';
import type { ApplyRequest } from '../../types/api';
import type { AfterSaleCase, Merchant, Order, Reason } from '../../types/domain';
import type { TransitionContext } from '../../src/core/context';
import { openCase, transition } from '../../src/core/lifecycle';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { createLocalServices, type LocalServices } from '../../src/server/adapters/local/services';
import { DEMO_SHOP_ID, demoData } from '../../src/server/seed/demo';
import type { ShopSeed } from '../../src/server/adapters/sqlite/devStore';

export interface DatasetSpec {
  cases: number;
  shops: number;
  /** One case in this many is PENDING. */
  pendingEvery: number;
  /** Fresh delivered orders, one per future `apply` request, each with a buyer of its own (R7). */
  applyOrders: number;
}

export const FULL_DATASET: DatasetSpec = { cases: 100_000, shops: 10, pendingEvery: 5, applyOrders: 8_000 };

export interface Manifest {
  now: number;
  spec: DatasetSpec;
  benchShopId: string;
  ownerOpenid: string;
  /** [caseId, buyerOpenid] of every case, for `get` by its own buyer. */
  cases: [string, string][];
  pendingCount: number;
  /** The latest PENDING deadline: once the clock is past it, every PENDING case is overdue. */
  lastPendingDeadline: number;
  applyOrders: { orderId: string; buyer: string; skuId: string; amountFen: number }[];
}

const GOODS = [
  '新疆长绒棉四件套 1.8m床',
  '智能恒温电热水壶 1.7L',
  '无线降噪蓝牙耳机',
  '儿童防晒衣 UPF50+',
  '陶瓷不粘炒锅 32cm',
  '羊毛混纺围巾 燕麦色',
  '便携榨汁杯 350ml',
  '记忆棉护颈枕',
];

const DESCRIPTIONS: Record<Reason, string> = {
  QUALITY: '收到后发现有开线和色差，和详情页的图片差别很大',
  LOGISTICS: '快递外箱压坏了，里面的东西也变形了',
  NO_REASON: '买重复了，商品没拆封，想退掉',
  NOT_AS_DESCRIBED: '尺寸和页面标注的不一样，小了一圈',
  MISSING_ITEM: '少发了一件赠品，客服说可以申请退款',
  OTHER: '下单时选错了颜色，想退款重新买',
};

/** Reasons a case can be opened with here without evidence (R9 logistics and R15 fresh food need some). */
const PLAIN_REASONS: Reason[] = ['QUALITY', 'NO_REASON', 'NOT_AS_DESCRIBED', 'MISSING_ITEM', 'OTHER'];

export function shopId(s: number): string {
  return `shop_bench_${s}`;
}

export function ownerOpenid(s: number): string {
  return `oBenchOwner${s}`;
}

function shops(n: number): ShopSeed[] {
  return Array.from({ length: n }, (_, s) => ({
    _id: shopId(s),
    name: `压测小铺${s + 1}号`,
    verified: true,
    returnAddress: { name: '售后组', phone: '13957101234', address: `浙江省杭州市余杭区文一西路${100 + s}号 售后仓` },
  }));
}

function merchants(n: number): Merchant[] {
  return Array.from({ length: n }, (_, s) => ({ openid: ownerOpenid(s), shopId: shopId(s), role: 'OWNER', name: `店主${s + 1}` }));
}

/** A delivered two-line order paid by WeChat, `paidAt` two days before `openedAt`. */
function orderFor(id: string, shop: string, buyer: string, openedAt: number, k: number): Order {
  const unit = 100 * (1 + (k % 30));
  const items = [0, 1].map((j) => ({
    skuId: `SKU-${(k + j) % GOODS.length}`,
    title: GOODS[(k + j) % GOODS.length],
    unitFen: unit + j * 100,
    qty: 1,
    paidFen: unit + j * 100,
    kind: 'NORMAL' as const,
  }));
  return {
    _id: id,
    shopId: shop,
    buyerOpenid: buyer,
    status: 'DELIVERED',
    paidFen: items[0].paidFen + items[1].paidFen,
    shippingFen: 0,
    payChannel: 'WECHAT',
    paidAt: openedAt - 2 * DAY_MS,
    createdAt: openedAt - 2 * DAY_MS - 5 * 60_000,
    shippedAt: openedAt - 2 * DAY_MS + HOUR_MS,
    deliveredAt: openedAt - DAY_MS,
    items,
  };
}

function ctxFor(order: Order, shop: ShopSeed, now: number, actor: TransitionContext['actor']): TransitionContext {
  return {
    now,
    order,
    shop: shopWithDefaults(shop),
    orderCases: [],
    buyerCaseTimes: [],
    shopYearRefundedFen: 0,
    callerOpenid: actor === 'BUYER' ? order.buyerOpenid : ownerOpenid(0),
    actor,
  };
}

type FinalStatus = 'PENDING' | 'CANCELLED' | 'REFUNDED';

/** Case k on its own order, opened by the core and moved through real transitions to `status`. */
function caseOf(k: number, shop: ShopSeed, buyer: string, openedAt: number, status: FinalStatus): { order: Order; c: AfterSaleCase } {
  const order = orderFor(`OB${String(k).padStart(7, '0')}`, shop._id, buyer, openedAt, k);
  const reason = PLAIN_REASONS[k % PLAIN_REASONS.length];
  const line = order.items[k % 2];
  const req: ApplyRequest = {
    orderId: order._id,
    type: 'REFUND_ONLY',
    reason,
    items: [{ skuId: line.skuId, qty: 1 }],
    amountFen: line.paidFen,
    description: DESCRIPTIONS[reason],
    evidence: [],
    idempotencyKey: `bench-${k}`,
  };
  const caseId = `AS${String(k).padStart(8, '0')}BENCH`;
  let c = openCase(ctxFor(order, shop, openedAt, 'BUYER'), req, { caseId }).case;
  if (status === 'PENDING') return { order, c };
  if (status === 'CANCELLED') return { order, c: transition(c, { type: 'CANCEL' }, ctxFor(order, shop, openedAt + HOUR_MS, 'BUYER')).case };
  const approvedAt = openedAt + 5 * HOUR_MS;
  c = transition(c, { type: 'APPROVE', via: 'MERCHANT', note: '已核实，同意退款' }, ctxFor(order, shop, approvedAt, 'MERCHANT')).case;
  const attempt = c.refunds[c.refunds.length - 1];
  const settled = { type: 'REFUND_RESULT' as const, outRefundNo: attempt.outRefundNo, status: 'SUCCESS' as const, settledAt: approvedAt + 2_000 };
  c = transition(c, settled, ctxFor(order, shop, approvedAt + 2_000, 'SYSTEM')).case;
  return { order, c };
}

/** Case k of the full dataset: its shop, buyer, age and status follow from k alone. */
function makeCase(k: number, spec: DatasetSpec, now: number, shopSeeds: ShopSeed[]): { order: Order; c: AfterSaleCase } {
  const s = k % spec.shops;
  // The n-th case of its shop: statuses are dealt per shop, so every shop gets the same mix.
  const n = Math.floor(k / spec.shops);
  const pending = n % spec.pendingEvery === 0;
  // Spread evenly and deterministically: PENDING over [now-46h, now-1h], the rest over the 300 days before.
  const spread = ((k * 7919) % spec.cases) / spec.cases;
  const openedAt = pending ? now - HOUR_MS - Math.floor(spread * 45 * HOUR_MS) : now - 2 * DAY_MS - Math.floor(spread * 300 * DAY_MS);
  const buyer = `oBenchBuyer${k % Math.max(1, Math.floor(spec.cases / 4))}`;
  return caseOf(k, shopSeeds[s], buyer, openedAt, pending ? 'PENDING' : n % 4 === 3 ? 'CANCELLED' : 'REFUNDED');
}

const CHUNK = 5_000;

/**
 * Orders, then their cases through the adapter's own insert. `buyerSeq` mirrors the apply guard's
 * per-buyer counter (this writer is the only one), so every guarded insert goes through.
 */
async function insertCases(local: LocalServices, made: { order: Order; c: AfterSaleCase }[], buyerSeq: Map<string, number>): Promise<void> {
  local.dev.seed({ orders: made.map((m) => m.order) });
  const inserts: Promise<void>[] = [];
  // The adapter's IMMEDIATE transactions nest as savepoints inside this one: one commit per chunk.
  local.db
    .transaction(() => {
      for (const { c } of made) {
        const seq = buyerSeq.get(c.buyerOpenid) ?? 0;
        buyerSeq.set(c.buyerOpenid, seq + 1);
        inserts.push(
          local.svc.cases.insert(c, { orderSeq: 0, buyerSeq: seq }, []).then((r) => {
            if (!r.inserted) throw new Error(`dataset: case ${c._id} not inserted (${r.reason})`);
          }),
        );
      }
    })
    .immediate();
  await Promise.all(inserts);
}

/**
 * Writes the dataset into a new `dataDir` (removed first) and returns what the load generator needs.
 * `now` must be the host clock the measurements will start from.
 */
export async function buildDataset(dataDir: string, spec: DatasetSpec, now: number): Promise<Manifest> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const local = createLocalServices({ dataDir });
  const shopSeeds = shops(spec.shops);
  local.dev.seed({ shops: shopSeeds, merchants: merchants(spec.shops) });
  const manifest: Manifest = {
    now,
    spec,
    benchShopId: shopId(0),
    ownerOpenid: ownerOpenid(0),
    cases: [],
    pendingCount: 0,
    lastPendingDeadline: 0,
    applyOrders: [],
  };
  const buyerSeq = new Map<string, number>();
  for (let from = 0; from < spec.cases; from += CHUNK) {
    const made = [];
    for (let k = from; k < Math.min(spec.cases, from + CHUNK); k += 1) made.push(makeCase(k, spec, now, shopSeeds));
    await insertCases(local, made, buyerSeq);
    for (const { c } of made) {
      manifest.cases.push([c._id, c.buyerOpenid]);
      if (c.status === 'PENDING') {
        manifest.pendingCount += 1;
        manifest.lastPendingDeadline = Math.max(manifest.lastPendingDeadline, c.deadlineAt ?? 0);
      }
    }
  }
  const fresh: Order[] = [];
  for (let j = 0; j < spec.applyOrders; j += 1) {
    const buyer = `oBenchApplicant${j}`;
    const order = orderFor(`OA${String(j).padStart(7, '0')}`, shopId(0), buyer, now, j);
    fresh.push(order);
    manifest.applyOrders.push({ orderId: order._id, buyer, skuId: order.items[0].skuId, amountFen: order.items[0].paidFen });
  }
  for (let from = 0; from < fresh.length; from += CHUNK) local.dev.seed({ orders: fresh.slice(from, from + CHUNK) });
  local.db.pragma('wal_checkpoint(TRUNCATE)');
  await local.close();
  return manifest;
}

/**
 * The h5 phase's database: the demo shops, buyers and orders (`npm start`'s), plus `pending` PENDING
 * cases in the demo shop, their deadlines spread over the next 47 hours.
 */
export async function buildPanelDataset(dataDir: string, now: number, pending: number): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const local = createLocalServices({ dataDir });
  const demo = demoData(now);
  local.dev.seed(demo);
  const shop = demo.shops.find((s) => s._id === DEMO_SHOP_ID);
  if (!shop) throw new Error('dataset: the demo seed has no demo shop');
  const made = Array.from({ length: pending }, (_, k) =>
    caseOf(k, shop, `oPanelBuyer${k}`, now - HOUR_MS - Math.floor((k * 45 * HOUR_MS) / pending), 'PENDING'),
  );
  await insertCases(local, made, new Map());
  await local.close();
}
