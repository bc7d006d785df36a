/**
 * R3's yearly cap at `order.cancel` (docs/DESIGN.md "Cap guard: order cancellations"), over HTTP on
 * either backend (the cloud-sim project re-runs this file through the cloud functions' own entries).
 * A cancellation refunds the whole paid amount; `cancelOrderUseCase` reads the shop's year total
 * before it writes, so the cap must also hold in the commit that writes the order: two cancellations
 * at once, or a cancellation and an approval at once, near ¥500,000 never commit more than the cap
 * together. On SQLite every repository call yields first (support.ts `jittered`), so the requests
 * really interleave between their read and their write; on cloud-sim they run in separate instances.
 */
import type { Order } from '../../types/domain';
import { LIMITS } from '../../src/core/settings';
import { DAY_MS } from '../../src/core/time';
import { ok, type HttpReply } from '../support/http';
import { SHOPS, Stage, type Jitter } from './support';

jest.setTimeout(180_000);

const SEED = Number(process.env.RACE_SEED ?? Date.now() % 2 ** 31);
const jitter: Jitter = { seed: SEED, lostUpdates: 0, calls: 0 };
/** ¥300,000: two of them pass the ¥500,000 cap together, either alone does not. */
const BIG = 30_000_000;
const ROUNDS = 3;

let stage: Stage;
beforeAll(async () => {
  stage = await Stage.inProcess({ jitter });
});
afterAll(() => stage?.stop());

let shopSeq = 0;

/** A shop of its own (its year total starts at 0) with its owner. */
async function newShop(): Promise<{ shopId: string; owner: string }> {
  shopSeq += 1;
  const shopId = `shop_cap_${process.pid}_${shopSeq}`;
  const owner = `oOwnerCap_${process.pid}_${shopSeq}`;
  ok(await stage.api.dev.seed({ shops: [{ ...SHOPS[0], _id: shopId, name: `封顶小店${shopSeq}` }], merchants: [{ openid: owner, shopId, role: 'OWNER' }] }));
  return { shopId, owner };
}

/** A ¥300,000 sofa bought at `shopId` yesterday: PAID (not shipped, so it may be cancelled), or DELIVERED. */
async function bigOrder(shopId: string, status: 'PAID' | 'DELIVERED'): Promise<Order> {
  const buyer = stage.newBuyer('capc');
  const t = await stage.now();
  return stage.seedOrder(buyer, {
    shopId,
    paidFen: BIG,
    shippingFen: 0,
    status,
    paidAt: t - DAY_MS,
    ...(status === 'PAID' ? { shippedAt: undefined, deliveredAt: undefined } : { shippedAt: t - DAY_MS / 2, deliveredAt: t - DAY_MS / 4 }),
    items: [{ skuId: 'sofa', title: '真皮沙发', unitFen: BIG, qty: 1, paidFen: BIG, kind: 'NORMAL' }],
  });
}

function codes(replies: readonly HttpReply[]): string[] {
  return replies.map((r) => (r.body.ok ? 'OK' : `${r.status} ${r.body.error.code}`)).sort();
}

/** What the gateway was asked to refund for these orders' cancellations and cases. */
function sentFen(orderIds: readonly string[]): number {
  const row = stage.db
    .prepare(`SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM gateway_refunds WHERE order_id IN (${orderIds.map(() => '?').join(', ')})`)
    .get(...orderIds) as { fen: number };
  return row.fen;
}

async function orderOf(o: Order): Promise<Order> {
  return stage.ok(o.buyerOpenid, 'order.get', { orderId: o._id });
}

test('a cancellation that would pass the yearly cap is refused: nothing changed, no refund requested', async () => {
  const { shopId } = await newShop();
  const first = await bigOrder(shopId, 'PAID');
  const second = await bigOrder(shopId, 'PAID');
  const cancelled = await stage.ok(first.buyerOpenid, 'order.cancel', { orderId: first._id });
  expect(cancelled).toMatchObject({ status: 'CANCELLED', refunds: [{ amountFen: BIG, status: 'PROCESSING' }] });
  const before = await orderOf(second);
  const refused = await stage.call(second.buyerOpenid, 'order.cancel', { orderId: second._id });
  expect(refused.status).toBe(422);
  expect(refused.body.ok ? null : refused.body.error).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', message: expect.stringContaining('年度上限') });
  expect(await orderOf(second)).toEqual(before);
  expect(sentFen([second._id])).toBe(0);
});

test(`two cancellations at once near the cap: one commits, the other is refused (${ROUNDS} rounds, seed ${SEED})`, async () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    const { shopId } = await newShop();
    const orders = [await bigOrder(shopId, 'PAID'), await bigOrder(shopId, 'PAID')];
    const replies = await Promise.all(orders.map((o) => stage.call(o.buyerOpenid, 'order.cancel', { orderId: o._id })));
    expect(codes(replies)).toEqual(['422 AMOUNT_EXCEEDS_LIMIT', 'OK']);
    const after = await Promise.all(orders.map(orderOf));
    expect(after.map((o) => o.status).sort()).toEqual(['CANCELLED', 'PAID']);
    const refused = after.find((o) => o.status === 'PAID') as Order;
    expect(refused.refunds ?? []).toEqual([]);
    expect(sentFen(orders.map((o) => o._id))).toBe(BIG);
    expect(sentFen(orders.map((o) => o._id))).toBeLessThanOrEqual(LIMITS.yearlyRefundCapFen);
  }
});

test(`a cancellation racing an approval near the cap: one commits, the other is refused (${ROUNDS} rounds, seed ${SEED})`, async () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    const { shopId, owner } = await newShop();
    const delivered = await bigOrder(shopId, 'DELIVERED');
    const c = await stage.ok(delivered.buyerOpenid, 'apply', { ...stage.applyRequest(delivered), amountFen: BIG, idempotencyKey: `cap-${delivered._id}` });
    expect(c.status).toBe('PENDING');
    const paid = await bigOrder(shopId, 'PAID');
    const replies = await Promise.all([
      stage.call(owner, 'merchant.approve', { caseId: c._id }),
      stage.call(paid.buyerOpenid, 'order.cancel', { orderId: paid._id }),
    ]);
    expect(codes(replies)).toEqual(['422 AMOUNT_EXCEEDS_LIMIT', 'OK']);
    const approved = (await stage.get(delivered.buyerOpenid, c._id)).status !== 'PENDING';
    const cancelled = (await orderOf(paid)).status === 'CANCELLED';
    expect([approved, cancelled].filter(Boolean)).toHaveLength(1);
    expect(sentFen([delivered._id, paid._id])).toBe(BIG);
  }
});
