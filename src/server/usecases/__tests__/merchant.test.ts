/** The merchant's and the buyer's read side: lists, views, stats, settings. */
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { computeStats } from '../../../core/stats';
import { makeCase } from '../../../../test/support/fixtures';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import { ALICE, line, makeWorld, OWNER, refundOnly, SHOP, STAFF, T0, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

describe('merchant.list', () => {
  test('PENDING cases come soonest auto-approval first, paged', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const buyer = `buyer_${i}`;
      ids.push((await w.ok(buyer, 'apply', refundOnly(w, w.seedOrder({ buyerOpenid: buyer }), { evidence: [] })))._id);
      w.clock.advance(HOUR_MS);
    }
    const first = await w.ok(STAFF, 'merchant.list', { status: 'PENDING', limit: 2 });
    expect(first.items.map((c) => c._id)).toEqual(ids.slice(0, 2));
    const second = await w.ok(STAFF, 'merchant.list', { status: 'PENDING', limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((c) => c._id)).toEqual([ids[2]]);
    expect(second.nextCursor).toBeNull();
    const rejected = await w.ok(OWNER, 'merchant.reject', { caseId: ids[0], reasonCode: 'OTHER', note: '不符合' });
    expect((await w.ok(STAFF, 'merchant.list', { status: 'PENDING' })).items.map((c) => c._id)).toEqual(ids.slice(1));
    expect((await w.ok(STAFF, 'merchant.list', { status: 'REJECTED' })).items.map((c) => c._id)).toEqual([rejected._id]);
  });
});

describe('order views (R27, R28)', () => {
  test('order.get shows the order, the shop’s policy subset, the buyer’s cases and R7’s inputs', async () => {
    const o = w.seedOrder();
    const c = await w.ok(ALICE, 'apply', refundOnly(w, o));
    const v = await w.ok(ALICE, 'order.get', { orderId: o._id });
    expect(v).toMatchObject({ _id: o._id, paidFen: o.paidFen, items: o.items, buyerCaseTimes: [T0] });
    expect(v.cases.map((x) => x._id)).toEqual([c._id]);
    expect(v.shop).toMatchObject({ _id: SHOP, name: '小林家居', verified: true });
    expect(v.shop.settings).toEqual({
      policyText: DEFAULT_SETTINGS.policyText,
      hotline: '',
      officialAccount: '',
      windowDays: 15,
      windowDaysByReason: {},
      valuableItemFen: DEFAULT_SETTINGS.valuableItemFen,
      customsFeeFen: 0,
      platformFeeRateBp: 60,
      autoApproveHours: 48,
      subscribeTemplateIds: { decision: '', refund: '' },
    });
    expect(v.shop.settings).not.toHaveProperty('quickRefundSkuIds');
  });

  test('order.list pages the buyer’s orders newest first, filtered by status', async () => {
    const older = w.seedOrder({ paidAt: T0 - 9 * DAY_MS });
    const newer = w.seedOrder({ paidAt: T0 - DAY_MS });
    const shipped = w.seedOrder({ status: 'SHIPPED', paidAt: T0 - 2 * DAY_MS, deliveredAt: undefined });
    const all = await w.ok(ALICE, 'order.list', {});
    expect(all.items.map((o) => o._id)).toEqual([newer._id, shipped._id, older._id]);
    const onlyShipped = await w.ok(ALICE, 'order.list', { status: 'SHIPPED' });
    expect(onlyShipped.items.map((o) => o._id)).toEqual([shipped._id]);
  });
});

describe('merchant.stats (R25)', () => {
  test('counts by reason, refund rate over delivered orders, timeouts as profit lost', async () => {
    const a = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder({ items: [line('mug', { title: '马克杯' })] }), { items: [{ skuId: 'mug', qty: 1 }] }));
    await w.ok(OWNER, 'merchant.approve', { caseId: a._id });
    await w.settle();
    const b = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder(), { reason: 'NO_REASON', type: 'RETURN_REFUND' }));
    w.seedOrder({ buyerOpenid: 'buyer_quiet' });
    w.clock.advance(48 * HOUR_MS + 1);
    await w.sweep();
    const s = await w.ok(STAFF, 'merchant.stats', { from: T0 - 7 * DAY_MS, to: T0 + 7 * DAY_MS });
    expect(s).toMatchObject({ totalCases: 2, refundedCases: 1, refundedFen: 5_000, deliveredOrders: 3, autoApprovedCases: 1 });
    expect(s.refundRate).toBeCloseTo(1 / 3);
    expect(s.byReason.find((r) => r.key === 'QUALITY')).toMatchObject({ count: 1, amountFen: 5_000 });
    expect(s.bySku.map((r) => r.label).sort()).toEqual(['纯棉T恤', '马克杯']);
    expect(s.csv).toContain(a._id);
    expect(s.csv).toContain(b._id);
  });

  test('over more pages than one, the same report as over every case at once', async () => {
    const o1 = w.seedOrder({ items: [line('a', { title: '甲' }), line('b', { title: '乙' })] });
    const o2 = w.seedOrder({ items: [line('c', { title: '丙' }), line('a', { title: '甲（旧）' })] });
    const from = T0 - DAY_MS;
    const to = T0 + DAY_MS;
    const cases = Array.from({ length: 1_203 }, (_, i) =>
      makeCase({
        shopId: SHOP,
        orderId: i % 2 === 0 ? o1._id : o2._id,
        buyerOpenid: `buyer_${i % 50}`,
        // Four cases a minute: ties on createdAt, ordered by _id.
        createdAt: from + Math.floor(i / 4) * 60_000,
        reason: i % 3 === 0 ? 'QUALITY' : 'NO_REASON',
        type: i % 11 === 0 ? 'EXCHANGE' : 'REFUND_ONLY',
        items: i % 2 === 0 ? [{ skuId: 'a', qty: 1 }, { skuId: 'b', qty: 2 }] : [{ skuId: 'c', qty: 1 }],
        ...(i % 3 === 0 ? { itemTitles: i % 2 === 0 ? ['甲（新）', '乙'] : ['丙'] } : {}),
        amountFen: 1_000 + i,
        ...(i % 5 === 0 ? { approvedBy: 'TIMEOUT' as const, approvedFen: 900 + i } : {}),
        refunds: i % 7 === 0 ? [{ outRefundNo: `r_${i}`, amountFen: 1_000 + i, status: 'SUCCESS', at: T0, method: 'ORIGINAL' }] : [],
        ...(i % 13 === 0 ? { overturned: true } : {}),
      }),
    );
    const outside = [makeCase({ shopId: SHOP, orderId: o1._id, createdAt: to }), makeCase({ shopId: 'shop_other', orderId: o1._id, createdAt: T0 })];
    for (const c of [...cases, ...outside]) await w.svc.cases.insert(c, await w.svc.cases.readGuard(c.orderId, c.buyerOpenid), []);

    const repo = w.svc.cases;
    const scan = repo.scanForStats.bind(repo);
    const pages: number[] = [];
    repo.scanForStats = async function* (...args) {
      for await (const page of scan(...args)) {
        pages.push(page.length);
        yield page;
      }
    };
    const s = await w.ok(STAFF, 'merchant.stats', { from, to });
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(1_203);

    // As before the scan: every case at once, copied titles over the orders', the first order's title of a SKU.
    const titles: Record<string, string> = { a: '甲', b: '乙', c: '丙' };
    for (const c of cases) c.items.forEach((it, i) => (c.itemTitles?.[i] !== undefined ? (titles[it.skuId] = c.itemTitles[i]) : undefined));
    expect(titles.a).toBe('甲（新）');
    expect(s).toEqual(computeStats(cases, s.deliveredOrders, from, to, titles));
    expect(s.totalCases).toBe(1_203);
    expect(s.csv.split('\r\n')).toHaveLength(1_203 + 2);
  });

  test('another shop’s cases are not counted', async () => {
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const s = await w.ok('merchant_other', 'merchant.stats', { from: T0 - DAY_MS, to: T0 + DAY_MS });
    expect(s.totalCases).toBe(0);
  });
});

describe('merchant.settings', () => {
  test('the owner changes the hotline and windows; staff read them but may not change them', async () => {
    const set = await w.ok(OWNER, 'merchant.settings.set', { hotline: '13912345678', windowDaysByReason: { QUALITY: 30 } });
    expect(set.settings).toMatchObject({ hotline: '13912345678', windowDaysByReason: { QUALITY: 30 }, windowDays: 15 });
    const read = await w.ok(STAFF, 'merchant.settings.get', {});
    expect(read).toEqual(set);
    expect(read.shop).toMatchObject({ _id: SHOP, verified: true, returnAddress: expect.objectContaining({ name: '王店长' }) });
    const e = await w.fail(STAFF, 'merchant.settings.set', { hotline: '13800000000' });
    expect([e.code, e.status]).toEqual(['FORBIDDEN', 403]);
    expect((await w.ok(STAFF, 'merchant.settings.get', {})).settings.hotline).toBe('13912345678');
  });

  test('a lengthened window lets a buyer apply later (R2)', async () => {
    const o = w.seedOrder({ deliveredAt: T0 - 20 * DAY_MS });
    expect((await w.fail(ALICE, 'apply', refundOnly(w, o))).code).toBe('AFTER_SALE_WINDOW_EXPIRED');
    await w.ok(OWNER, 'merchant.settings.set', { windowDaysByReason: { QUALITY: 30 } });
    expect((await w.ok(ALICE, 'apply', refundOnly(w, o))).status).toBe('PENDING');
  });

  test('an invalid patch changes nothing', async () => {
    const before = await w.ok(OWNER, 'merchant.settings.get', {});
    const e = await w.fail(OWNER, 'merchant.settings.set', { hotline: '12345', windowDays: 30 });
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'hotline']);
    expect(await w.ok(OWNER, 'merchant.settings.get', {})).toEqual(before);
  });
});
