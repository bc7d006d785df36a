/**
 * R25 (seed 三.1–4): what the shop's after-sale cases say about it — the frequent reasons and SKUs to fix
 * quality with, the refund rate, the money lost to slow handling (auto-approved by the 48 h timer) and
 * the complaints risk (rejections the platform overturned) — plus a CSV a spreadsheet opens as is.
 */
import type { Stats, StatsBucket } from '../../types/api';
import type { AfterSaleCase, CaseItem, CaseType, EpochMs, Fen, Reason, Tier } from '../../types/domain';
import { REASONS } from '../../types/domain';
import { REASON_LABELS } from './classifier-data';
import { STATUS_LABELS } from './lifecycle';
import { formatYuan, mulDivRoundHalfUp } from './money';
import { DAY_MS, formatShanghai, formatTime, weekStart } from './time';

/** skuId → title, as a record or a lookup function. */
export type SkuTitles = Readonly<Record<string, string>> | ((skuId: string) => string | undefined);

export const CASE_TYPE_LABELS: Record<CaseType, string> = {
  REFUND_ONLY: '仅退款',
  RETURN_REFUND: '退货退款',
  SHIPPING_FEE_ONLY: '仅退运费',
  EXCHANGE: '换货',
};

const APPROVED_BY_LABELS: Record<NonNullable<AfterSaleCase['approvedBy']>, string> = {
  MERCHANT: '商家同意',
  TIMEOUT: '超时自动同意',
  QUICK_REFUND: '快捷退款',
  PLATFORM: '平台判定',
  OFFER_ACCEPTED: '协商一致',
};

const TIER_LABELS: Record<Tier, string> = { NORMAL: '普通', DIFFICULT: '疑难', LEGAL: '法律纠纷' };

/** The shipping fee has no SKU; its cases get a bucket of their own. */
const SHIPPING_KEY = 'SHIPPING_FEE';

/** Beyond two years of weeks the chart shows only the weeks that had cases. */
const MAX_FILLED_WEEKS = 104;
const WEEK_MS = 7 * DAY_MS;

/**
 * The fields of a case the statistics read (`StatsFold.add`): what a repository's stats scan returns,
 * so a period's cases never have to be in memory whole.
 */
export const STATS_CASE_FIELDS = [
  '_id',
  'orderId',
  'createdAt',
  'type',
  'reason',
  'status',
  'tier',
  'items',
  'itemTitles',
  'amountFen',
  'approvedFen',
  'feeFen',
  'refunds',
  'approvedBy',
  'overturned',
  'convertedAt',
] as const;

export type StatsCase = Pick<AfterSaleCase, Exclude<(typeof STATS_CASE_FIELDS)[number], 'refunds'>> & {
  refunds: readonly Pick<AfterSaleCase['refunds'][number], 'status' | 'amountFen'>[];
};

/** A case cut down to STATS_CASE_FIELDS (what a scan that cannot project keeps of a page). */
export function statsCaseOf(c: AfterSaleCase): StatsCase {
  const out: Record<string, unknown> = {};
  for (const f of STATS_CASE_FIELDS) if (c[f] !== undefined) out[f] = c[f];
  out.refunds = c.refunds.map((r) => ({ status: r.status, amountFen: r.amountFen }));
  return out as StatsCase;
}

export function refundedFenOf(c: Pick<StatsCase, 'refunds'>): Fen {
  return c.refunds.reduce((sum, r) => (r.status === 'SUCCESS' ? sum + r.amountFen : sum), 0);
}

function titleOf(skuId: string, titles: SkuTitles | undefined): string {
  if (titles === undefined) return skuId;
  const t = typeof titles === 'function' ? titles(skuId) : titles[skuId];
  return t ?? skuId;
}

/** A case's asked amount spread over its lines by quantity, the parts adding up to the whole. */
function amountBySku(c: StatsCase): [string, Fen][] {
  if (c.items.length === 0) return [[SHIPPING_KEY, c.amountFen]];
  const units = c.items.reduce((n, it) => n + it.qty, 0);
  let before = 0;
  return c.items.map((it) => {
    const part = mulDivRoundHalfUp(c.amountFen, before + it.qty, units) - mulDivRoundHalfUp(c.amountFen, before, units);
    before += it.qty;
    return [it.skuId, part];
  });
}

function byCountThenAmount(a: StatsBucket, b: StatsBucket): number {
  return b.count - a.count || b.amountFen - a.amountFen;
}

function mondayMs(week: string): EpochMs {
  return Date.parse(`${week}T00:00:00+08:00`);
}

function weekLabel(week: string): string {
  return `${formatShanghai(mondayMs(week), 'M月D日')}起`;
}

/** A CSV cell: quoted when it must be, and never read by a spreadsheet as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function yuan(fen: Fen | undefined): string {
  return fen === undefined ? '' : formatYuan(fen).replace('¥', '');
}

const CSV_HEADERS = [
  '售后单号',
  '订单号',
  '申请时间',
  '售后类型',
  '退款原因',
  '状态',
  '商品',
  '申请金额(元)',
  '同意金额(元)',
  '已退款(元)',
  '手续费(元)',
  '处理方式',
  '平台改判',
  '处理等级',
];

/** The cells before and after the goods cell, which waits for the SKU titles (known only at the end). */
function csvRowParts(c: StatsCase): { head: string; tail: string } {
  const head = [c._id, c.orderId, formatTime(c.createdAt), CASE_TYPE_LABELS[c.type], REASON_LABELS[c.reason], STATUS_LABELS[c.status]];
  const tail = [
    yuan(c.amountFen),
    yuan(c.approvedFen),
    yuan(refundedFenOf(c)),
    yuan(c.feeFen),
    c.approvedBy === undefined ? '' : APPROVED_BY_LABELS[c.approvedBy],
    c.overturned === true ? '是' : '否',
    TIER_LABELS[c.tier],
  ];
  return { head: head.map(cell).join(','), tail: tail.map(cell).join(',') };
}

function goodsCell(items: readonly CaseItem[], titles: SkuTitles | undefined): string {
  return cell(items.length === 0 ? '运费' : items.map((it) => `${titleOf(it.skuId, titles)}×${it.qty}`).join('；'));
}

interface Tally {
  count: number;
  amountFen: Fen;
}

/**
 * Statistics over the cases created in [from, to), folded one case at a time (a repository's stats
 * scan feeds it page by page), so what it keeps is the tallies and the CSV rows, never the cases.
 * Cases must come in createdAt order (the CSV's and the buckets' order); cases outside the period are
 * skipped. The SKU titles are asked for only by `result`, so they may be gathered during the scan.
 */
export class StatsFold {
  private readonly reasons = new Map<string, Tally>(REASONS.map((r) => [r, { count: 0, amountFen: 0 }]));
  private readonly skus = new Map<string, Tally>();
  private readonly weeks = new Map<string, Tally>();
  /** Each case's CSV row as its cells before the goods, its claimed lines, and its cells after. */
  private readonly rows: { head: string; items: readonly CaseItem[]; tail: string }[] = [];
  private refundedCases = 0;
  private refundedFen = 0;
  private autoApprovedCases = 0;
  private autoApprovedFen = 0;
  private overturnedCases = 0;
  private exchangeCases = 0;
  private exchangedCases = 0;
  private convertedCases = 0;

  constructor(
    readonly from: EpochMs,
    readonly to: EpochMs,
  ) {
    const first = mondayMs(weekStart(from));
    const last = mondayMs(weekStart(Math.max(from, to - 1)));
    if ((last - first) / WEEK_MS < MAX_FILLED_WEEKS) {
      // Every week of the period, so a quiet week shows as a gap in the chart rather than vanishing.
      for (let at = first; at <= last; at += WEEK_MS) this.weeks.set(weekStart(at), { count: 0, amountFen: 0 });
    }
  }

  add(c: StatsCase): void {
    if (c.createdAt < this.from || c.createdAt >= this.to) return;
    if (c.type === 'EXCHANGE') {
      this.exchangeCases += 1;
      if (c.status === 'EXCHANGED') this.exchangedCases += 1;
      if (c.convertedAt !== undefined) this.convertedCases += 1;
    }
    const r = this.reasons.get(c.reason);
    if (r !== undefined) {
      r.count += 1;
      r.amountFen += c.amountFen;
    }
    for (const [skuId, part] of amountBySku(c)) {
      const b = this.skus.get(skuId) ?? { count: 0, amountFen: 0 };
      b.count += 1;
      b.amountFen += part;
      this.skus.set(skuId, b);
    }
    const week = weekStart(c.createdAt);
    const w = this.weeks.get(week) ?? { count: 0, amountFen: 0 };
    w.count += 1;
    w.amountFen += c.amountFen;
    this.weeks.set(week, w);
    const paid = refundedFenOf(c);
    if (paid > 0) {
      this.refundedCases += 1;
      this.refundedFen += paid;
    }
    if (c.approvedBy === 'TIMEOUT') {
      this.autoApprovedCases += 1;
      this.autoApprovedFen += c.approvedFen ?? c.amountFen;
    }
    if (c.overturned === true) this.overturnedCases += 1;
    this.rows.push({ ...csvRowParts(c), items: c.items.map((it) => ({ skuId: it.skuId, qty: it.qty })) });
  }

  /** `deliveredOrders`: the shop's orders delivered in the period, the refund rate's denominator. */
  result(deliveredOrders: number, skuTitles?: SkuTitles): Stats {
    const bucket = (key: string, label: string, t: Tally): StatsBucket => ({ key, label, count: t.count, amountFen: t.amountFen });
    const header = CSV_HEADERS.map(cell).join(',');
    const lines = this.rows.map((r) => `${r.head},${goodsCell(r.items, skuTitles)},${r.tail}`);
    const csv = '\uFEFF' + [header, ...lines].join('\r\n') + '\r\n';
    return {
      from: this.from,
      to: this.to,
      totalCases: this.rows.length,
      refundedCases: this.refundedCases,
      refundedFen: this.refundedFen,
      deliveredOrders,
      refundRate: deliveredOrders > 0 ? this.refundedCases / deliveredOrders : 0,
      byReason: [...this.reasons].map(([k, t]) => bucket(k, REASON_LABELS[k as Reason], t)).sort(byCountThenAmount),
      bySku: [...this.skus]
        .map(([k, t]) => bucket(k, k === SHIPPING_KEY ? '运费' : titleOf(k, skuTitles), t))
        .sort(byCountThenAmount),
      byWeek: [...this.weeks]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, t]) => bucket(k, weekLabel(k), t)),
      autoApprovedCases: this.autoApprovedCases,
      autoApprovedFen: this.autoApprovedFen,
      overturnedCases: this.overturnedCases,
      exchangeCases: this.exchangeCases,
      exchangedCases: this.exchangedCases,
      convertedCases: this.convertedCases,
      csv,
    };
  }
}

/**
 * Statistics over the cases created in [from, to), in memory (StatsFold over them in createdAt order).
 * `deliveredOrders` is the number of the shop's orders delivered in the same period, the refund rate's
 * denominator.
 */
export function computeStats(
  cases: readonly StatsCase[],
  deliveredOrders: number,
  from: EpochMs,
  to: EpochMs,
  skuTitles?: SkuTitles,
): Stats {
  const fold = new StatsFold(from, to);
  for (const c of [...cases].sort((a, b) => a.createdAt - b.createdAt)) fold.add(c);
  return fold.result(deliveredOrders, skuTitles);
}
