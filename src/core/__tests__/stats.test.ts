import type { AfterSaleCase } from '../../../types/domain';
import { computeStats, STATS_CASE_FIELDS, statsCaseOf, StatsFold } from '../stats';
import { DAY_MS } from '../time';
import { makeAttempt, makeCase, T0 } from './fixtures';

// T0 is Sunday 2026-11-01 10:00 in Shanghai: its week starts Monday 2026-10-26.
const from = T0 - DAY_MS;
const to = T0 + 14 * DAY_MS;

function cases(): AfterSaleCase[] {
  return [
    makeRefundedQuality(),
    makeCase({
      _id: 'AS2',
      reason: 'NO_REASON',
      type: 'RETURN_REFUND',
      items: [
        { skuId: 'sku_a', qty: 1 },
        { skuId: 'sku_b', qty: 1 },
      ],
      amountFen: 10_000,
      approvedFen: 10_000,
      approvedBy: 'TIMEOUT',
      status: 'REFUNDING',
      refunds: [makeAttempt({ outRefundNo: 'AS2-1', amountFen: 10_000, status: 'PROCESSING', settledAt: undefined })],
      createdAt: T0 + 2 * DAY_MS,
    }),
    makeCase({
      _id: '=HYPERLINK("x")',
      reason: 'LOGISTICS',
      type: 'SHIPPING_FEE_ONLY',
      items: [],
      amountFen: 1_000,
      approvedFen: 1_000,
      approvedBy: 'PLATFORM',
      overturned: true,
      tier: 'DIFFICULT',
      status: 'REFUNDED',
      refunds: [
        makeAttempt({ outRefundNo: 'AS3-1', amountFen: 1_000, status: 'CLOSED' }),
        makeAttempt({ outRefundNo: 'AS3-2', amountFen: 1_000, status: 'SUCCESS' }),
      ],
      createdAt: T0 + 9 * DAY_MS,
    }),
    makeCase({ _id: 'AS4-late', createdAt: to }),
    makeCase({ _id: 'AS5-early', createdAt: from - 1 }),
  ];
}

function makeRefundedQuality(): AfterSaleCase {
  return makeCase({
    _id: 'AS1',
    reason: 'QUALITY',
    amountFen: 5_000,
    approvedFen: 5_000,
    approvedBy: 'MERCHANT',
    status: 'REFUNDED',
    refunds: [makeAttempt({ outRefundNo: 'AS1-1', amountFen: 5_000 })],
    createdAt: T0,
  });
}

const titles = { sku_a: '纯棉T恤', sku_b: '陶瓷马克杯, 大号' };

describe('R25 analytics', () => {
  const s = computeStats(cases(), 40, from, to, titles);

  it('counts only the cases created in [from, to)', () => {
    expect(s).toMatchObject({ from, to, totalCases: 3, deliveredOrders: 40 });
  });

  it('refund rate = refunded cases ÷ delivered orders, 0 without orders', () => {
    expect(s.refundedCases).toBe(2);
    expect(s.refundedFen).toBe(6_000);
    expect(s.refundRate).toBeCloseTo(2 / 40, 12);
    expect(computeStats(cases(), 0, from, to).refundRate).toBe(0);
  });

  it('by reason, with Chinese labels, most frequent first, every reason listed', () => {
    expect(s.byReason.map((b) => [b.key, b.label, b.count, b.amountFen])).toEqual([
      ['NO_REASON', '不想要了', 1, 10_000],
      ['QUALITY', '质量问题', 1, 5_000],
      ['LOGISTICS', '快递问题', 1, 1_000],
      ['NOT_AS_DESCRIBED', '与描述不符', 0, 0],
      ['MISSING_ITEM', '少件/漏发', 0, 0],
      ['OTHER', '其他', 0, 0],
    ]);
  });

  it('by SKU with titles, a multi-line case\'s amount spread over its units, the shipping fee on its own', () => {
    expect(s.bySku).toEqual([
      { key: 'sku_a', label: '纯棉T恤', count: 2, amountFen: 10_000 },
      { key: 'sku_b', label: '陶瓷马克杯, 大号', count: 1, amountFen: 5_000 },
      { key: 'SHIPPING_FEE', label: '运费', count: 1, amountFen: 1_000 },
    ]);
    const odd = makeCase({ items: [{ skuId: 'x', qty: 2 }, { skuId: 'y', qty: 1 }], amountFen: 100, createdAt: T0 });
    const split = computeStats([odd], 1, from, to, (sku) => (sku === 'x' ? '袜子' : undefined)).bySku;
    expect(split).toEqual([
      { key: 'x', label: '袜子', count: 1, amountFen: 67 },
      { key: 'y', label: 'y', count: 1, amountFen: 33 },
    ]);
  });

  it('by week (Monday, Shanghai), quiet weeks included', () => {
    expect(s.byWeek).toEqual([
      { key: '2026-10-26', label: '10月26日起', count: 1, amountFen: 5_000 },
      { key: '2026-11-02', label: '11月2日起', count: 1, amountFen: 10_000 },
      { key: '2026-11-09', label: '11月9日起', count: 1, amountFen: 1_000 },
    ]);
    const quiet = computeStats([], 0, from, to).byWeek;
    expect(quiet.map((w) => [w.key, w.count])).toEqual([
      ['2026-10-26', 0],
      ['2026-11-02', 0],
      ['2026-11-09', 0],
    ]);
  });

  it('over years, only the weeks that had cases', () => {
    const long = computeStats(cases(), 1, from - 800 * DAY_MS, to);
    expect(long.byWeek.map((w) => w.key)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']);
  });

  it('auto-approved by timeout (利润损失) and overturned by the platform (客诉风险)', () => {
    expect(s).toMatchObject({ autoApprovedCases: 1, autoApprovedFen: 10_000, overturnedCases: 1 });
  });

  it('CSV: UTF-8 BOM, Chinese headers, one row per case, quoted where needed, no formulas', () => {
    expect(s.csv.startsWith('\uFEFF售后单号,订单号,申请时间,售后类型,退款原因,状态,商品,申请金额(元)')).toBe(true);
    const lines = s.csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(lines[1]).toBe('AS1,order_1,2026-11-01 10:00,仅退款,质量问题,已退款,纯棉T恤×1,50.00,50.00,50.00,0.30,商家同意,否,普通');
    expect(lines[2]).toContain('"纯棉T恤×1；陶瓷马克杯, 大号×1"');
    expect(lines[2]).toContain(',超时自动同意,');
    expect(lines[3].startsWith(`"'=HYPERLINK(""x"")",`)).toBe(true);
    expect(lines[3]).toContain('仅退运费,快递问题,已退款,运费,10.00,10.00,10.00');
    expect(lines[3]).toContain(',平台判定,是,疑难');
  });
});

describe('StatsFold (the report a page at a time)', () => {
  it('cut to STATS_CASE_FIELDS and folded one case at a time, gives the report of the whole cases', () => {
    const sorted = cases().sort((a, b) => a.createdAt - b.createdAt);
    const cut = sorted.map(statsCaseOf);
    for (const c of cut) {
      for (const key of Object.keys(c)) expect(STATS_CASE_FIELDS).toContain(key);
      expect(c).not.toHaveProperty('history');
      for (const r of c.refunds) expect(Object.keys(r).sort()).toEqual(['amountFen', 'status']);
    }
    const fold = new StatsFold(from, to);
    for (const c of cut) fold.add(c);
    expect(fold.result(40, titles)).toEqual(computeStats(cases(), 40, from, to, titles));
  });

  it('asks for the SKU titles only at the end, so titles found after a case still name it', () => {
    const fold = new StatsFold(from, to);
    fold.add(statsCaseOf(makeRefundedQuality()));
    const named = new Map<string, string>();
    const s1 = fold.result(1, (sku) => named.get(sku));
    named.set('sku_a', '后来才知道的名字');
    const s2 = fold.result(1, (sku) => named.get(sku));
    expect(s1.csv).not.toContain('后来才知道的名字');
    expect(s2.csv).toContain('后来才知道的名字×');
    expect(s2.bySku[0].label).toBe('后来才知道的名字');
  });
});
