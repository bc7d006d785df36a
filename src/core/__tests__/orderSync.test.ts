/** SPEC §7 "Orders in": how an order a shop's system sends meets the stored one (src/core/orderSync.ts). */
import type { Order } from '../../../types/domain';
import { canonical, judgeSyncedOrder, SYNC_CLOCK_SKEW_MS, type SyncedOrder, type SyncJudgement } from '../orderSync';
import { DAY_MS } from '../time';

const NOW = Date.UTC(2026, 10, 20, 2, 0, 0);
const SHOP = 'shop_a';

function synced(over: Partial<SyncedOrder> = {}): SyncedOrder {
  return {
    _id: 'SO1001',
    shopId: SHOP,
    buyerOpenid: 'o_buyer',
    status: 'PAID',
    paidFen: 10_800,
    shippingFen: 800,
    payChannel: 'WECHAT',
    paidAt: NOW - 3 * DAY_MS,
    items: [{ skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL' }],
    ...over,
  };
}

function stored(over: Partial<Order> = {}): Order {
  const { paidAt, ...rest } = synced(over as Partial<SyncedOrder>);
  return { ...rest, paidAt: paidAt ?? NOW - 3 * DAY_MS, version: 1, ...over } as Order;
}

function refusal(j: SyncJudgement): [string, string | undefined] {
  if (j.kind !== 'REJECT') throw new Error(`expected a refusal, got ${j.kind}`);
  return [j.error.code, j.error.field];
}

function written(j: SyncJudgement): Order {
  if (j.kind !== 'WRITE') throw new Error(`expected a write, got ${j.kind}${j.kind === 'REJECT' ? ` ${j.error.code} ${j.error.field}` : ''}`);
  return j.order;
}

describe('a new order', () => {
  test('is written as sent, at version 1', () => {
    const o = written(judgeSyncedOrder(synced(), null, SHOP, NOW));
    expect(o).toEqual({ ...synced(), version: 1 });
  });

  test('an UNPAID one without paidAt is stored with its creation time in paidAt (for ordering only)', () => {
    const created = NOW - DAY_MS;
    const { paidAt: _p, ...unpaid } = synced({ status: 'UNPAID', createdAt: created });
    expect(written(judgeSyncedOrder(unpaid, null, SHOP, NOW)).paidAt).toBe(created);
    const { paidAt: _q, createdAt: _c, ...bare } = synced({ status: 'UNPAID' });
    expect(written(judgeSyncedOrder(bare, null, SHOP, NOW)).paidAt).toBe(NOW);
  });

  test('may first appear in any status, e.g. already delivered', () => {
    const o = synced({ status: 'DELIVERED', shippedAt: NOW - 2 * DAY_MS, deliveredAt: NOW - DAY_MS });
    expect(written(judgeSyncedOrder(o, null, SHOP, NOW)).status).toBe('DELIVERED');
  });
});

describe('whose order it is', () => {
  test("an order naming another shop is FORBIDDEN", () => {
    expect(refusal(judgeSyncedOrder(synced({ shopId: 'shop_b' }), null, SHOP, NOW))).toEqual(['FORBIDDEN', 'shopId']);
  });
  test("an id stored for another shop is FORBIDDEN even when the entry names this shop", () => {
    expect(refusal(judgeSyncedOrder(synced(), stored({ shopId: 'shop_b' }), SHOP, NOW))).toEqual(['FORBIDDEN', 'shopId']);
  });
});

describe('an order must be coherent on its own', () => {
  test.each([
    ['PAID without paidAt', { status: 'PAID', paidAt: undefined }, 'paidAt'],
    ['COMPLETED without paidAt', { status: 'COMPLETED', paidAt: undefined, shippedAt: NOW - DAY_MS, deliveredAt: NOW - DAY_MS }, 'paidAt'],
    ['SHIPPED without shippedAt', { status: 'SHIPPED' }, 'shippedAt'],
    ['DELIVERED without deliveredAt', { status: 'DELIVERED', shippedAt: NOW - DAY_MS }, 'deliveredAt'],
    ['PAID with a shippedAt', { status: 'PAID', shippedAt: NOW - DAY_MS }, 'shippedAt'],
    ['SHIPPED with a deliveredAt', { status: 'SHIPPED', shippedAt: NOW - DAY_MS, deliveredAt: NOW }, 'deliveredAt'],
    ['CANCELLED with a shippedAt', { status: 'CANCELLED', shippedAt: NOW - DAY_MS }, 'shippedAt'],
    ['paid in the future', { paidAt: NOW + SYNC_CLOCK_SKEW_MS + 1 }, 'paidAt'],
    ['shipped before paid', { status: 'SHIPPED', shippedAt: NOW - 4 * DAY_MS }, 'shippedAt'],
    ['created after paid', { createdAt: NOW - DAY_MS }, 'paidAt'],
    ['a line paying more than unit × qty', { items: [{ skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 2, paidFen: 10_001, kind: 'NORMAL' }], paidFen: 10_801 }, 'items.0.paidFen'],
    ['lines and shipping not adding up to paidFen', { paidFen: 10_799 }, 'paidFen'],
    [
      'one skuId on two lines',
      {
        items: [
          { skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 1, paidFen: 5_000, kind: 'NORMAL' },
          { skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 1, paidFen: 5_000, kind: 'NORMAL' },
        ],
      },
      'items.1.skuId',
    ],
  ] as [string, Partial<SyncedOrder>, string][])('%s → INVALID_INPUT on %s', (_name, over, field) => {
    const o = synced(over);
    if ('paidAt' in over && over.paidAt === undefined) delete o.paidAt;
    expect(refusal(judgeSyncedOrder(o, null, SHOP, NOW))).toEqual(['INVALID_INPUT', field]);
  });

  test('a time within the clock skew is accepted; the boundary is inside', () => {
    expect(written(judgeSyncedOrder(synced({ paidAt: NOW + SYNC_CLOCK_SKEW_MS }), null, SHOP, NOW)).paidAt).toBe(NOW + SYNC_CLOCK_SKEW_MS);
  });

  test('a discounted line (paid less than unit × qty) is fine', () => {
    const o = synced({ paidFen: 9_800, items: [{ skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 2, paidFen: 9_000, kind: 'NORMAL' }] });
    expect(judgeSyncedOrder(o, null, SHOP, NOW).kind).toBe('WRITE');
  });
});

describe('status only moves forward', () => {
  const ship = { shippedAt: NOW - 2 * DAY_MS };
  const deliver = { ...ship, deliveredAt: NOW - DAY_MS };
  const at: Record<string, Partial<SyncedOrder>> = {
    UNPAID: {},
    PAID: {},
    SHIPPED: ship,
    DELIVERED: deliver,
    COMPLETED: deliver,
    CANCELLED: {},
  };
  const order = ['UNPAID', 'PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED'] as const;

  test.each(order.flatMap((from, i) => order.slice(i).map((to) => [from, to])))('%s → %s is written (or unchanged)', (from, to) => {
    const j = judgeSyncedOrder(synced({ status: to, ...at[to] }), stored({ status: from, ...at[from] }), SHOP, NOW);
    expect(j.kind).toBe(from === to ? 'UNCHANGED' : 'WRITE');
  });

  test.each(order.flatMap((from, i) => order.slice(0, i).map((to) => [from, to])))('%s → %s is ORDER_STATUS_INVALID', (from, to) => {
    const j = judgeSyncedOrder(synced({ status: to, ...at[to] }), stored({ status: from, ...at[from] }), SHOP, NOW);
    expect(refusal(j)).toEqual(['ORDER_STATUS_INVALID', 'status']);
  });

  test.each([['UNPAID'], ['PAID']])('%s → CANCELLED is written', (from) => {
    expect(judgeSyncedOrder(synced({ status: 'CANCELLED' }), stored({ status: from as Order['status'] }), SHOP, NOW).kind).toBe('WRITE');
  });

  test.each([['SHIPPED'], ['DELIVERED'], ['COMPLETED']])('%s → CANCELLED is ORDER_STATUS_INVALID (after shipment: after-sale)', (from) => {
    const j = judgeSyncedOrder(synced({ status: 'CANCELLED' }), stored({ status: from as Order['status'], ...at[from] }), SHOP, NOW);
    expect(refusal(j)).toEqual(['ORDER_STATUS_INVALID', 'status']);
  });

  test.each(order.map((to) => [to]))('CANCELLED → %s is ORDER_STATUS_INVALID', (to) => {
    const j = judgeSyncedOrder(synced({ status: to, ...at[to] }), stored({ status: 'CANCELLED' }), SHOP, NOW);
    expect(refusal(j)).toEqual(['ORDER_STATUS_INVALID', 'status']);
  });
});

describe("a paid order's money, lines, buyer and times stay as they were", () => {
  test.each([
    ['paidFen', { paidFen: 10_900, shippingFen: 900 }],
    ['shippingFen', { shippingFen: 0, items: [{ skuId: 'mug', title: '马克杯', unitFen: 5_400, qty: 2, paidFen: 10_800, kind: 'NORMAL' }] }],
    ['payChannel', { payChannel: 'CREDIT_CARD' }],
    ['paidAt', { paidAt: NOW - 4 * DAY_MS }],
    ['items', { items: [{ skuId: 'mug', title: '马克杯（新）', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL' }] }],
  ] as [string, Partial<SyncedOrder>][])('%s changed on a PAID order → INVALID_INPUT naming it', (field, over) => {
    expect(refusal(judgeSyncedOrder(synced(over), stored(), SHOP, NOW))).toEqual(['INVALID_INPUT', field]);
  });

  test('a CANCELLED order keeps its money too', () => {
    expect(refusal(judgeSyncedOrder(synced({ status: 'CANCELLED', paidFen: 1_800, shippingFen: 800, items: [{ skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 1, paidFen: 1_000, kind: 'NORMAL' }] }), stored({ status: 'CANCELLED' }), SHOP, NOW))).toEqual(['INVALID_INPUT', 'paidFen']);
  });

  test('the buyer never changes, paid or not', () => {
    expect(refusal(judgeSyncedOrder(synced({ buyerOpenid: 'o_other' }), stored({ status: 'UNPAID' }), SHOP, NOW))).toEqual(['INVALID_INPUT', 'buyerOpenid']);
  });

  test('an UNPAID order may still change its lines and amounts', () => {
    const next = synced({ status: 'PAID', paidFen: 5_800, items: [{ skuId: 'mug', title: '马克杯', unitFen: 5_000, qty: 1, paidFen: 5_000, kind: 'NORMAL' }] });
    expect(written(judgeSyncedOrder(next, stored({ status: 'UNPAID' }), SHOP, NOW)).paidFen).toBe(5_800);
  });

  test('shippedAt and deliveredAt, once synced, are fixed (deliveredAt starts the buyer’s window)', () => {
    const shipped = stored({ status: 'SHIPPED', shippedAt: NOW - 2 * DAY_MS });
    expect(refusal(judgeSyncedOrder(synced({ status: 'SHIPPED', shippedAt: NOW - DAY_MS }), shipped, SHOP, NOW))).toEqual(['INVALID_INPUT', 'shippedAt']);
    const delivered = stored({ status: 'DELIVERED', shippedAt: NOW - 2 * DAY_MS, deliveredAt: NOW - DAY_MS });
    expect(refusal(judgeSyncedOrder(synced({ status: 'COMPLETED', shippedAt: NOW - 2 * DAY_MS, deliveredAt: NOW - DAY_MS + 1 }), delivered, SHOP, NOW))).toEqual([
      'INVALID_INPUT',
      'deliveredAt',
    ]);
  });
});

describe('what is written', () => {
  test('the same content in another key order is unchanged; the version is not bumped', () => {
    const s = stored({ version: 4 });
    const reordered = Object.fromEntries(Object.entries(synced()).reverse()) as SyncedOrder;
    expect(judgeSyncedOrder(reordered, s, SHOP, NOW)).toEqual({ kind: 'UNCHANGED' });
  });

  test("this system's own fields on the stored order are kept; optional fields left out keep their value; version + 1", () => {
    const s: Order = { ...stored({ status: 'SHIPPED', shippedAt: NOW - DAY_MS, version: 3, logistics: { company: '顺丰', trackingNo: 'SF1', events: [] } }), refundScenario: 'LATE' };
    const o = written(judgeSyncedOrder(synced({ status: 'DELIVERED', shippedAt: NOW - DAY_MS, deliveredAt: NOW }), s, SHOP, NOW));
    expect(o).toMatchObject({ status: 'DELIVERED', deliveredAt: NOW, version: 4, refundScenario: 'LATE', logistics: { company: '顺丰' } });
  });

  test('canonical() ignores key order and undefined fields, not values', () => {
    expect(canonical({ a: 1, b: [{ y: 2, x: 1 }], c: undefined })).toBe(canonical({ b: [{ x: 1, y: 2 }], a: 1 }));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: '1' }));
    expect(canonical(null)).toBe('null');
  });
});
