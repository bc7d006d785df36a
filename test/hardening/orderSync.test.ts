/**
 * SPEC §7 "Orders in" over HTTP, on either backend (jest projects `server` and `cloud-sim`): the sync
 * key (rotated by the owner alone, shown once, the old one dead at once), `POST /api/orderSync` with
 * header x-shop-key — a refused call writes nothing — and per-order results: forward-only statuses,
 * fixed money once paid, another shop's order refused in its entry, at most 100 orders a call.
 */
import type { OrderSyncResult } from '../../types/api';
import type { Order } from '../../types/domain';
import { DAY_MS } from '../../src/core/time';
import type { HttpReply } from '../support/http';
import { ok } from '../support/http';
import { OTHER_OWNER, OWNER, REVIEWER, SHOP, Stage, STAFF, T0, totalChanges } from './support';

jest.setTimeout(120_000);

let stage: Stage;

beforeAll(async () => {
  stage = await Stage.inProcess();
});
afterAll(async () => {
  await stage?.stop();
});

let seq = 0;
function syncedOrder(over: Partial<Order> = {}): Record<string, unknown> {
  seq += 1;
  return {
    _id: `SYNC${seq}`,
    shopId: SHOP,
    buyerOpenid: 'oSyncBuyer',
    status: 'DELIVERED',
    paidFen: 10_800,
    shippingFen: 800,
    payChannel: 'WECHAT',
    paidAt: T0 - 5 * DAY_MS,
    shippedAt: T0 - 4 * DAY_MS,
    deliveredAt: T0 - 2 * DAY_MS,
    items: [{ skuId: 'mug', title: '手绘马克杯', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL' }],
    ...over,
  };
}

function sync(body: unknown, key?: string): Promise<HttpReply<OrderSyncResult>> {
  return stage.api.raw<OrderSyncResult>('/api/orderSync', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(key !== undefined ? { 'x-shop-key': key } : {}) },
  });
}

async function rotate(openid = OWNER): Promise<string> {
  return ok(await stage.api.call(openid, 'merchant.syncKey.rotate', {})).key;
}

function codeOf(r: HttpReply): string {
  return r.body.ok ? 'ok' : r.body.error.code;
}

describe('the sync key', () => {
  test('only the owner rotates it; staff, buyers, other shops and the platform are FORBIDDEN', async () => {
    for (const who of [STAFF, 'oSomeBuyer', REVIEWER]) {
      expect([who, codeOf(await stage.api.call(who, 'merchant.syncKey.rotate', {}))]).toEqual([who, 'FORBIDDEN']);
    }
    const key = await rotate();
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    // Another shop's owner rotates its own shop's key, which does not open this shop.
    const otherKey = await rotate(OTHER_OWNER);
    expect(codeOf(await sync({ shopId: SHOP, orders: [syncedOrder()] }, otherKey))).toBe('FORBIDDEN');
  });

  test('missing, wrong, or rotated-away keys are FORBIDDEN and write nothing; the new key works at once', async () => {
    const old = await rotate();
    expect(codeOf(await sync({ shopId: SHOP, orders: [syncedOrder()] }, old))).toBe('ok');
    const fresh = await rotate();
    expect(fresh).not.toBe(old);
    const before = totalChanges(stage.db);
    for (const key of [undefined, '', old, `${fresh}x`, fresh.toUpperCase(), 'sk_' + 'A'.repeat(43)]) {
      const r = await sync({ shopId: SHOP, orders: [syncedOrder()] }, key);
      expect([key, r.status, codeOf(r)]).toEqual([key, 403, 'FORBIDDEN']);
    }
    // A shop that does not exist reads like a wrong key.
    expect(codeOf(await sync({ shopId: 'shop_nowhere', orders: [syncedOrder({ shopId: 'shop_nowhere' })] }, fresh))).toBe('FORBIDDEN');
    expect(totalChanges(stage.db)).toBe(before);
    expect(codeOf(await sync({ shopId: SHOP, orders: [syncedOrder()] }, fresh))).toBe('ok');
  });

  test('the key goes in the header; one in the body is refused naming shopKey', async () => {
    const key = await rotate();
    const r = await sync({ shopId: SHOP, orders: [syncedOrder()], shopKey: key }, key);
    expect([r.status, codeOf(r), r.body.ok ? null : r.body.error.field]).toEqual([400, 'INVALID_INPUT', 'shopKey']);
  });

  test('only its hash is stored: the key appears nowhere in the database', async () => {
    const key = await rotate();
    const dump = stage.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck(true)
      .all()
      .map((t) => JSON.stringify(stage.db.prepare(`SELECT * FROM "${t as string}"`).all()))
      .join('\n');
    expect(dump.includes(key)).toBe(false);
    expect(dump.includes(key.slice(3))).toBe(false);
  });
});

describe('orders in', () => {
  let key: string;
  beforeAll(async () => {
    key = await rotate();
  });

  test('per-order results: one bad order does not stop the rest; the buyer then sees the good one', async () => {
    const good = syncedOrder();
    const bad = syncedOrder({ paidFen: '10800' as unknown as number });
    const foreign = syncedOrder({ shopId: 'shop_other' });
    const paidWithoutTime = syncedOrder({ status: 'PAID', shippedAt: undefined, deliveredAt: undefined, paidAt: undefined });
    const r = ok(await sync({ shopId: SHOP, orders: [good, bad, foreign, paidWithoutTime, 'not an order'] }, key));
    expect(r.upserted).toEqual([good._id]);
    expect(r.unchanged).toEqual([]);
    expect(r.rejected.map((x) => [x._id, x.index, x.error.code, x.error.field])).toEqual([
      [bad._id, 1, 'INVALID_INPUT', 'orders.1.paidFen'],
      [foreign._id, 2, 'FORBIDDEN', 'orders.2.shopId'],
      [paidWithoutTime._id, 3, 'INVALID_INPUT', 'orders.3.paidAt'],
      [null, 4, 'INVALID_INPUT', 'orders.4'],
    ]);
    const seen = ok(await stage.api.call('oSyncBuyer', 'order.get', { orderId: good._id as string }));
    expect(seen).toMatchObject({ _id: good._id, status: 'DELIVERED', paidFen: 10_800 });
    // The same order again: unchanged, nothing written.
    const before = totalChanges(stage.db);
    expect(ok(await sync({ shopId: SHOP, orders: [good] }, key))).toEqual({ upserted: [], unchanged: [good._id], rejected: [] });
    expect(totalChanges(stage.db)).toBe(before);
  });

  test('a line’s picture: https, cloud:// or a host path is kept; anything else is INVALID_INPUT on orders.<i>.items.<j>.image and not written', async () => {
    const line = (image: unknown) => ({ skuId: 'mug', title: '手绘马克杯', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL', image });
    const goods = ['https://img.example.com/p/mug.jpg', 'cloud://prod-1a2b.7072-prod-1a2b-1300000000/products/mug.png', '/files/products/SKU-LAMP.png'].map((image) =>
      syncedOrder({ items: [line(image)] as Order['items'] }),
    );
    const bads = ['http://img.example.com/mug.jpg', 'javascript:alert(1)', '/files/evidence/o/x.png', '/files/products/../host.json', 'https://img.example.com/a b.jpg', `https://img.example.com/${'a'.repeat(500)}.jpg`, 42].map(
      (image) => syncedOrder({ items: [line(image)] as unknown as Order['items'] }),
    );
    const r = ok(await sync({ shopId: SHOP, orders: [...bads, ...goods] }, key));
    expect(r.rejected.map((x) => [x.index, x.error.code, x.error.field])).toEqual(bads.map((_, i) => [i, 'INVALID_INPUT', `orders.${i}.items.0.image`]));
    expect(r.upserted).toEqual(goods.map((g) => g._id));
    for (const g of goods) {
      const seen = ok(await stage.api.call('oSyncBuyer', 'order.get', { orderId: g._id as string }));
      expect(seen.items[0].image).toBe((g.items as { image: string }[])[0].image);
    }
    for (const b of bads) expect(codeOf(await stage.api.call('oSyncBuyer', 'order.get', { orderId: b._id as string }))).toBe('NOT_FOUND');
  });

  test('status moves only forward; a paid order keeps its money; deliveredAt is fixed', async () => {
    const paid = syncedOrder({ status: 'PAID', shippedAt: undefined, deliveredAt: undefined });
    expect(ok(await sync({ shopId: SHOP, orders: [paid] }, key)).upserted).toEqual([paid._id]);
    const shipped = { ...paid, status: 'SHIPPED', shippedAt: T0 - 4 * DAY_MS };
    expect(ok(await sync({ shopId: SHOP, orders: [shipped] }, key)).upserted).toEqual([paid._id]);
    const back = ok(await sync({ shopId: SHOP, orders: [{ ...paid }] }, key));
    expect(back.rejected.map((x) => [x.error.code, x.error.field])).toEqual([['ORDER_STATUS_INVALID', 'orders.0.status']]);
    const cancel = ok(await sync({ shopId: SHOP, orders: [{ ...shipped, status: 'CANCELLED', shippedAt: undefined }] }, key));
    expect(cancel.rejected.map((x) => x.error.code)).toEqual(['ORDER_STATUS_INVALID']);
    const cheaper = ok(await sync({ shopId: SHOP, orders: [{ ...shipped, paidFen: 800, items: [{ skuId: 'mug', title: '手绘马克杯', unitFen: 0, qty: 2, paidFen: 0, kind: 'NORMAL' }] }] }, key));
    expect(cheaper.rejected.map((x) => [x.error.code, x.error.field])).toEqual([['INVALID_INPUT', 'orders.0.paidFen']]);
    const delivered = { ...shipped, status: 'DELIVERED', deliveredAt: T0 - DAY_MS };
    expect(ok(await sync({ shopId: SHOP, orders: [delivered] }, key)).upserted).toEqual([paid._id]);
    const later = ok(await sync({ shopId: SHOP, orders: [{ ...delivered, status: 'COMPLETED', deliveredAt: T0 }] }, key));
    expect(later.rejected.map((x) => [x.error.code, x.error.field])).toEqual([['INVALID_INPUT', 'orders.0.deliveredAt']]);
    const stored = ok(await stage.api.call('oSyncBuyer', 'order.get', { orderId: paid._id as string }));
    expect(stored).toMatchObject({ status: 'DELIVERED', deliveredAt: T0 - DAY_MS, paidFen: 10_800 });
  });

  test("an id that is another shop's order is refused FORBIDDEN in its entry and left as it was", async () => {
    const theirs = syncedOrder({ shopId: 'shop_other' });
    ok(await stage.api.dev.seed({ orders: [{ ...theirs, _id: 'SYNC_THEIRS' }] }));
    const r = ok(await sync({ shopId: SHOP, orders: [{ ...theirs, _id: 'SYNC_THEIRS', shopId: SHOP }] }, key));
    expect(r.rejected.map((x) => [x._id, x.error.code])).toEqual([['SYNC_THEIRS', 'FORBIDDEN']]);
    const still = ok(await stage.api.call('oSyncBuyer', 'order.get', { orderId: 'SYNC_THEIRS' }));
    expect(still.shopId).toBe('shop_other');
  });

  test('at most 100 orders a call: 101 is INVALID_INPUT on orders and writes nothing; 100 pass', async () => {
    const before = totalChanges(stage.db);
    const many = Array.from({ length: 101 }, () => syncedOrder());
    const r = await sync({ shopId: SHOP, orders: many }, key);
    expect([r.status, codeOf(r), r.body.ok ? null : r.body.error.field]).toEqual([400, 'INVALID_INPUT', 'orders']);
    expect(totalChanges(stage.db)).toBe(before);
    expect(ok(await sync({ shopId: SHOP, orders: many.slice(0, 100) }, key)).upserted).toHaveLength(100);
  });

  test('bodies that are not a sync are INVALID_INPUT naming the field', async () => {
    for (const [body, field] of [
      [{ orders: [] }, 'shopId'],
      [{ shopId: SHOP }, 'orders'],
      [{ shopId: SHOP, orders: {} }, 'orders'],
      [{ shopId: SHOP, orders: [] }, 'orders'],
      [{ shopId: SHOP, orders: [syncedOrder()], extra: 1 }, 'extra'],
    ] as [unknown, string][]) {
      const r = await sync(body, key);
      expect([field, r.status, r.body.ok ? null : r.body.error.field]).toEqual([field, 400, field]);
    }
  });

  test('a synced delivered order is one a buyer can apply for after-sale on', async () => {
    const o = syncedOrder({ buyerOpenid: 'oSyncApplicant' });
    ok(await sync({ shopId: SHOP, orders: [o] }, key));
    const preview = ok(
      await stage.api.call('oSyncApplicant', 'preview', { orderId: o._id as string, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'mug', qty: 1 }] }),
    );
    expect(preview.eligible).toBe(true);
    expect(preview.maxRefundableFen).toBeGreaterThan(0);
  });
});
