/**
 * R25 (seed 三.1–4): what the shop's after-sale cases say about it — the frequent reasons and SKUs to fix
 * quality with, the refund rate, the money lost to slow handling (auto-approved by the 48 h timer) and
 * the complaints risk (rejections the platform overturned) — plus a CSV a spreadsheet opens as is.
 */
import type { Stats, StatsBucket } from '../../types/api';
import type { AfterSaleCase, CaseType, EpochMs, Fen, Tier } from '../../types/domain';
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

export function refundedFenOf(c: AfterSaleCase): Fen {
  return c.refunds.reduce((sum, r) => (r.status === 'SUCCESS' ? sum + r.amountFen : sum), 0);
}

function titleOf(skuId: string, titles: SkuTitles | undefined): string {
  if (titles === undefined) return skuId;
  const t = typeof titles === 'function' ? titles(skuId) : titles[skuId];
  return t ?? skuId;
}

/** A case's asked amount spread over its lines by quantity, the parts adding up to the whole. */
function amountBySku(c: AfterSaleCase): [string, Fen][] {
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

function weekBuckets(cases: readonly AfterSaleCase[], from: EpochMs, to: EpochMs): StatsBucket[] {
  const buckets = new Map<string, StatsBucket>();
  const first = mondayMs(weekStart(from));
  const last = mondayMs(weekStart(Math.max(from, to - 1)));
  if ((last - first) / WEEK_MS < MAX_FILLED_WEEKS) {
    // Every week of the period, so a quiet week shows as a gap in the chart rather than vanishing.
    for (let at = first; at <= last; at += WEEK_MS) {
      const key = weekStart(at);
      buckets.set(key, { key, label: weekLabel(key), count: 0, amountFen: 0 });
    }
  }
  for (const c of cases) {
    const key = weekStart(c.createdAt);
    const b = buckets.get(key) ?? { key, label: weekLabel(key), count: 0, amountFen: 0 };
    b.count += 1;
    b.amountFen += c.amountFen;
    buckets.set(key, b);
  }
  return [...buckets.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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

function csvRow(c: AfterSaleCase, titles: SkuTitles | undefined): string[] {
  const goods =
    c.items.length === 0 ? '运费' : c.items.map((it) => `${titleOf(it.skuId, titles)}×${it.qty}`).join('；');
  return [
    c._id,
    c.orderId,
    formatTime(c.createdAt),
    CASE_TYPE_LABELS[c.type],
    REASON_LABELS[c.reason],
    STATUS_LABELS[c.status],
    goods,
    yuan(c.amountFen),
    yuan(c.approvedFen),
    yuan(refundedFenOf(c)),
    yuan(c.feeFen),
    c.approvedBy === undefined ? '' : APPROVED_BY_LABELS[c.approvedBy],
    c.overturned === true ? '是' : '否',
    TIER_LABELS[c.tier],
  ];
}

/**
 * Statistics over the cases created in [from, to). `deliveredOrders` is the number of the shop's
 * orders delivered in the same period, the refund rate's denominator.
 */
export function computeStats(
  cases: readonly AfterSaleCase[],
  deliveredOrders: number,
  from: EpochMs,
  to: EpochMs,
  skuTitles?: SkuTitles,
): Stats {
  const inPeriod = cases.filter((c) => c.createdAt >= from && c.createdAt < to).sort((a, b) => a.createdAt - b.createdAt);

  const reasons = new Map<string, StatsBucket>(
    REASONS.map((r) => [r, { key: r, label: REASON_LABELS[r], count: 0, amountFen: 0 }]),
  );
  const skus = new Map<string, StatsBucket>();
  let refundedCases = 0;
  let refundedFen = 0;
  let autoApprovedCases = 0;
  let autoApprovedFen = 0;
  let overturnedCases = 0;
  let exchangeCases = 0;
  let exchangedCases = 0;
  let convertedCases = 0;

  for (const c of inPeriod) {
    if (c.type === 'EXCHANGE') {
      exchangeCases += 1;
      if (c.status === 'EXCHANGED') exchangedCases += 1;
      if (c.convertedAt !== undefined) convertedCases += 1;
    }
    const r = reasons.get(c.reason);
    if (r !== undefined) {
      r.count += 1;
      r.amountFen += c.amountFen;
    }
    for (const [skuId, part] of amountBySku(c)) {
      const label = skuId === SHIPPING_KEY ? '运费' : titleOf(skuId, skuTitles);
      const b = skus.get(skuId) ?? { key: skuId, label, count: 0, amountFen: 0 };
      b.count += 1;
      b.amountFen += part;
      skus.set(skuId, b);
    }
    const paid = refundedFenOf(c);
    if (paid > 0) {
      refundedCases += 1;
      refundedFen += paid;
    }
    if (c.approvedBy === 'TIMEOUT') {
      autoApprovedCases += 1;
      autoApprovedFen += c.approvedFen ?? c.amountFen;
    }
    if (c.overturned === true) overturnedCases += 1;
  }

  const csv =
    '\uFEFF' + [CSV_HEADERS, ...inPeriod.map((c) => csvRow(c, skuTitles))].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';

  return {
    from,
    to,
    totalCases: inPeriod.length,
    refundedCases,
    refundedFen,
    deliveredOrders,
    refundRate: deliveredOrders > 0 ? refundedCases / deliveredOrders : 0,
    byReason: [...reasons.values()].sort(byCountThenAmount),
    bySku: [...skus.values()].sort(byCountThenAmount),
    byWeek: weekBuckets(inPeriod, from, to),
    autoApprovedCases,
    autoApprovedFen,
    overturnedCases,
    exchangeCases,
    exchangedCases,
    convertedCases,
    csv,
  };
}
