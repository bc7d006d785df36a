/**
 * The after-sale rules of SPEC §3 as pure functions of a RuleContext. `checkApplication` reports every
 * violation of a draft in the spec's order: `apply` throws the first, `preview` shows them all.
 *
 * The mini-program runs these on every keystroke, so the hot path indexes the order's cases once per
 * call and avoids dayjs and throw-away arrays.
 */
import type { DraftApplication, EvidenceInput, Violation } from '../../types/api';
import type {
  AfterSaleCase,
  CaseType,
  EpochMs,
  Evidence,
  Fen,
  Order,
  OrderItem,
  Reason,
  ShopSettings,
} from '../../types/domain';
import { EXCHANGE_REASONS, SELLER_RESPONSIBLE_REASONS } from '../../types/domain';
import type { ErrorCode } from '../../types/errors';
import type { RuleContext } from './context';
import { CATALOGUE, DomainError } from './errors';
import { basisPointsOf, formatYuan, percentOf, unitsPaidFen } from './money';
import { LIMITS } from './settings';
import { DAY_MS } from './time';

// ---------------------------------------------------------------------------------------------
// Small predicates other modules build on
// ---------------------------------------------------------------------------------------------

/** A case is open unless it is REFUNDED, CANCELLED, CLOSED or EXCHANGED. */
export function isOpen(c: AfterSaleCase): boolean {
  return c.status !== 'REFUNDED' && c.status !== 'CANCELLED' && c.status !== 'CLOSED' && c.status !== 'EXCHANGED';
}

/**
 * Open or REFUNDED: the case holds (or has taken) its units and money. An EXCHANGED case gave the
 * buyer the same units again, so they may be claimed anew (a faulty replacement, SPEC §5).
 */
function holdsClaim(c: AfterSaleCase): boolean {
  return c.status !== 'CANCELLED' && c.status !== 'CLOSED' && c.status !== 'EXCHANGED';
}

export function isSellerResponsible(reason: Reason): boolean {
  return SELLER_RESPONSIBLE_REASONS.includes(reason);
}

/** R20: no fee when the seller is not responsible; otherwise the platform rate, borne by the merchant. */
export function refundFee(
  amountFen: Fen,
  reason: Reason,
  settings: Pick<ShopSettings, 'platformFeeRateBp'>,
): { feeFen: Fen; feeBearer: 'NONE' | 'MERCHANT' } {
  if (!isSellerResponsible(reason)) return { feeFen: 0, feeBearer: 'NONE' };
  return { feeFen: basisPointsOf(amountFen, settings.platformFeeRateBp), feeBearer: 'MERCHANT' };
}

/** R3: 105% of what the order was paid. */
export function orderRefundCapFen(order: Pick<Order, 'paidFen'>): Fen {
  return percentOf(order.paidFen, LIMITS.refundCapPercent);
}

/** R31: the last moment WeChat Pay accepts a refund of this order. */
export function paymentRefundBy(order: Pick<Order, 'paidAt'>): EpochMs {
  return order.paidAt + LIMITS.paymentRefundDays * DAY_MS;
}

/** R31: the boundary is inside, so a refund at exactly paidAt + 365 d is still allowed. */
export function paymentWindowExpired(order: Pick<Order, 'paidAt'>, now: EpochMs): boolean {
  return now > paymentRefundBy(order);
}

/** R2: the longest of the shop's general window and its window for this reason (a shop may only lengthen). */
export function windowDaysFor(settings: Pick<ShopSettings, 'windowDays' | 'windowDaysByReason'>, reason: Reason): number {
  return Math.max(settings.windowDays, settings.windowDaysByReason[reason] ?? 0);
}

/** R2: last moment to apply; undefined while the order has no deliveredAt (no window running yet). */
export function applyBy(
  order: Pick<Order, 'deliveredAt'>,
  settings: Pick<ShopSettings, 'windowDays' | 'windowDaysByReason'>,
  reason: Reason,
): EpochMs | undefined {
  if (order.deliveredAt === undefined) return undefined;
  return order.deliveredAt + windowDaysFor(settings, reason) * DAY_MS;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * R22: a file the caller uploaded: `local://evidence/<openid>/<name>` or
 * `cloud://<env>/evidence/<openid>/<name>`. Anything else could point at another buyer's photos.
 */
export function isOwnEvidenceFile(fileId: string, openid: string): boolean {
  if (openid === '' || openid.includes('/') || fileId.includes('..') || CONTROL_CHARS.test(fileId)) return false;
  let rest: string;
  if (fileId.startsWith('local://')) {
    rest = fileId.slice('local://'.length);
  } else if (fileId.startsWith('cloud://')) {
    const afterScheme = fileId.slice('cloud://'.length);
    const slash = afterScheme.indexOf('/');
    if (slash <= 0) return false;
    rest = afterScheme.slice(slash + 1);
  } else {
    return false;
  }
  const prefix = `evidence/${openid}/`;
  if (!rest.startsWith(prefix)) return false;
  const name = rest.slice(prefix.length);
  return name.length > 0 && !name.includes('/');
}

/** Characters as people count them: a character outside the BMP (most emoji) is one, not two. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    // A low surrogate right after a high one completes a character already counted.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    n += 1;
  }
  return n;
}

export interface Violate {
  field?: string;
  message?: string;
  solution?: string;
}

/** A violation with the catalogue's Chinese text unless a more specific message is given. */
export function violation(rule: string, code: ErrorCode, opts: Violate = {}): Violation {
  const v: Violation = {
    rule,
    code,
    message: opts.message ?? CATALOGUE[code].message,
    solution: opts.solution ?? CATALOGUE[code].solution,
  };
  if (opts.field !== undefined) v.field = opts.field;
  return v;
}

/** What `apply` throws for the first violation. */
export function violationError(v: Violation): DomainError {
  return new DomainError(v.code, { rule: v.rule, field: v.field, message: v.message, solution: v.solution });
}

export interface EvidenceCheckOptions {
  /**
   * Only entries from this index on must be the caller's own uploads: when a case's existing evidence
   * (which may include the merchant's QC report) is counted together with new files, only the new
   * ones are the caller's. Field indexes are then relative to this index, as the caller sent them.
   */
  ownFrom?: number;
}

/** R22: at most 9 images and 1 video over the list given, and every file under the caller's prefix. */
export function evidenceViolation(
  evidence: readonly EvidenceInput[],
  openid: string,
  opts: EvidenceCheckOptions = {},
): Violation | null {
  let images = 0;
  let videos = 0;
  for (const e of evidence) {
    if (e.kind === 'image') images += 1;
    else if (e.kind === 'video') videos += 1;
  }
  if (images > LIMITS.maxImages) {
    return violation('R22', 'INVALID_INPUT', {
      field: 'evidence',
      message: `最多上传${LIMITS.maxImages}张图片，当前${images}张`,
      solution: '请删除多余的图片后重新提交',
    });
  }
  if (videos > LIMITS.maxVideos) {
    return violation('R22', 'INVALID_INPUT', {
      field: 'evidence',
      message: `最多上传${LIMITS.maxVideos}个视频，当前${videos}个`,
      solution: '请保留最能说明问题的一个视频（如开箱视频）',
    });
  }
  const from = opts.ownFrom ?? 0;
  for (let i = from; i < evidence.length; i += 1) {
    if (!isOwnEvidenceFile(evidence[i].fileId, openid)) {
      return violation('R22', 'INVALID_INPUT', {
        field: `evidence.${i - from}.fileId`,
        message: '凭证文件无效，只能使用本人上传的图片或视频',
        solution: '请重新上传凭证后提交',
      });
    }
  }
  return null;
}

/** R22: who added an evidence record: its `by`, or for a record stored without one, the buyer when the file is under the buyer's prefix. */
export type EvidenceParty = 'BUYER' | 'MERCHANT' | 'PLATFORM';

export function evidencePartyOf(e: Evidence, buyerOpenid: string): EvidenceParty {
  if (e.by === 'BUYER' || e.by === 'MERCHANT' || e.by === 'PLATFORM') return e.by;
  if (e.by === undefined && isOwnEvidenceFile(e.fileId, buyerOpenid)) return 'BUYER';
  return 'MERCHANT';
}

/**
 * R22 per party: the evidence of the case that counts toward `party`'s 9 images and 1 video (the
 * buyer's across apply and addEvidence; the shop's from merchant.addEvidence), in the case's order.
 */
export function partyEvidence(c: Pick<AfterSaleCase, 'evidence' | 'buyerOpenid'>, party: EvidenceParty): Evidence[] {
  return c.evidence.filter((e) => evidencePartyOf(e, c.buyerOpenid) === party);
}

// ---------------------------------------------------------------------------------------------
// What the order's earlier cases already hold
// ---------------------------------------------------------------------------------------------

/** R24: the platform rejected this case on escalation; its decision is final for the case's order lines. */
export function platformRejected(c: Pick<AfterSaleCase, 'status' | 'history'>): boolean {
  if (c.status !== 'CLOSED') return false;
  for (let i = c.history.length - 1; i >= 0; i -= 1) if (c.history[i].action === 'PLATFORM_REJECT') return true;
  return false;
}

/** Units of a line claimed by open or REFUNDED cases (cancelled and closed cases give theirs back). */
export function claimedUnits(orderCases: readonly AfterSaleCase[], skuId: string, excludeCaseId?: string): number {
  let n = 0;
  for (const c of orderCases) {
    if (c._id === excludeCaseId || !holdsClaim(c)) continue;
    for (const it of c.items) if (it.skuId === skuId) n += it.qty;
  }
  return n;
}

/**
 * R31: refunds of the order that count toward WeChat Pay's 50: attempts PROCESSING, SUCCESS or
 * ABNORMAL (a CLOSED one, R4's refusals included, does not count).
 */
export function refundNumbersOnOrder(orderCases: readonly AfterSaleCase[]): number {
  const seen = new Set<string>();
  for (const c of orderCases) for (const r of c.refunds) if (r.status !== 'CLOSED') seen.add(r.outRefundNo);
  return seen.size;
}

/** R31: the order has used all its refund numbers, so a new refund would be the 51st. */
export function refundNumbersExhausted(orderCases: readonly AfterSaleCase[]): boolean {
  let attempts = 0;
  for (const c of orderCases) attempts += c.refunds.length;
  // Fewer attempts than the limit cannot hold that many numbers: no Set on the keystroke path.
  return attempts >= LIMITS.maxRefundsPerOrder && refundNumbersOnOrder(orderCases) >= LIMITS.maxRefundsPerOrder;
}

function refundedFen(c: AfterSaleCase): Fen {
  let sum = 0;
  for (const r of c.refunds) if (r.status === 'SUCCESS') sum += r.amountFen;
  return sum;
}

/** R3: what the order's other cases hold: open cases what was agreed or asked, REFUNDED ones what was paid out. */
export function committedOnOrderFen(orderCases: readonly AfterSaleCase[], excludeCaseId?: string): Fen {
  let sum = 0;
  for (const c of orderCases) {
    if (c._id === excludeCaseId) continue;
    if (c.status === 'REFUNDED') sum += refundedFen(c);
    else if (isOpen(c)) sum += c.approvedFen ?? c.amountFen;
  }
  return sum;
}

/** Refund failures no retry can mend: the case no longer holds money against the shop's yearly cap. */
const FAILED_FOR_GOOD: readonly string[] = ['AFTER_SALE_WINDOW_EXPIRED', 'AMOUNT_EXCEEDS_LIMIT'];

/**
 * R3's yearly cap: what one case holds against its shop's calendar year (CaseRepo.shopCommittedFen):
 * the agreed amount once approved, unless it was cancelled, closed, or failed for good.
 */
export function committedToYearFen(c: AfterSaleCase): Fen {
  if (c.approvedAt === undefined || c.approvedFen === undefined) return 0;
  if (c.status === 'CANCELLED' || c.status === 'CLOSED') return 0;
  if (c.status === 'REFUND_FAILED' && c.lastError && FAILED_FOR_GOOD.includes(c.lastError.code)) return 0;
  return c.approvedFen;
}

/** R10/R11: an open or REFUNDED case already claims the order's shipping fee. */
export function shippingClaimed(orderCases: readonly AfterSaleCase[], excludeCaseId?: string): boolean {
  for (const c of orderCases) {
    if (c._id === excludeCaseId || !holdsClaim(c)) continue;
    if (c.type === 'SHIPPING_FEE_ONLY' || c.coversShipping === true) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// R3 at approval
// ---------------------------------------------------------------------------------------------

function r3Violation(message: string): Violation {
  return violation('R3', 'AMOUNT_EXCEEDS_LIMIT', { field: 'amountFen', message });
}

/** R3 for an amount about to be committed on the order (apply, approval, accepted offer, platform decision). */
function amountCapViolation(ctx: RuleContext, amountFen: Fen, committedFen: Fen): Violation | null {
  const cap = orderRefundCapFen(ctx.order);
  if (amountFen > cap) {
    return r3Violation(`单笔退款不能超过订单实付金额的${LIMITS.refundCapPercent}%，本单最多${formatYuan(cap)}`);
  }
  if (committedFen + amountFen > cap) {
    return r3Violation(
      `本订单退款累计不能超过实付金额的${LIMITS.refundCapPercent}%，还可退${formatYuan(Math.max(0, cap - committedFen))}`,
    );
  }
  if (ctx.shopYearRefundedFen + amountFen > LIMITS.yearlyRefundCapFen) {
    return r3Violation(`本店今年的退款累计将超过${formatYuan(LIMITS.yearlyRefundCapFen)}的年度上限`);
  }
  return null;
}

/**
 * R3 at approval (merchant approve with compensation, accepted offer, platform approve): the agreed
 * amount within 105% of the order, the order's cases together within 105%, the shop within ¥500,000 a year.
 */
export function checkApprovedAmount(ctx: RuleContext, c: AfterSaleCase, approvedFen: Fen): Violation | null {
  return amountCapViolation(ctx, approvedFen, committedOnOrderFen(ctx.orderCases, c._id));
}

// ---------------------------------------------------------------------------------------------
// Indexing a draft against the order (once per evaluation)
// ---------------------------------------------------------------------------------------------

/** Per order line: what earlier cases hold (same index as order.items). */
interface LineState {
  /** Units claimed by open or REFUNDED cases. */
  claimed: number;
  /** Cases of any status that ever contained the line (R32's 5). */
  casesEver: number;
  /** An open case containing the line (R32's one open case). */
  open: boolean;
  /** A case on the line was rejected by the platform (R24: final). */
  decided: boolean;
  /** Units this draft asks for. */
  drafted: number;
  /** The draft names this line (a second mention is a duplicate). */
  named: boolean;
}

interface DraftIndex {
  lines: LineState[];
  /** For each draft item, the index of its order line, or -1 when the skuId is not on the order. */
  lineOf: number[];
  /** Every draft item names a distinct line of the order with a positive integer qty, and items fit the type. */
  structureOk: boolean;
  shippingClaimed: boolean;
  committedFen: Fen;
}

/**
 * skuId → line index per order, kept while the order's items array lives: the apply page previews
 * the same order on every keystroke. Every hit is verified against the array, so an array changed in
 * place costs a scan, never a wrong answer.
 */
const lineIndexCache = new WeakMap<readonly OrderItem[], Map<string, number>>();

function lineIndexOf(items: readonly OrderItem[]): Map<string, number> {
  let m = lineIndexCache.get(items);
  if (m === undefined) {
    m = new Map();
    for (let i = items.length - 1; i >= 0; i -= 1) m.set(items[i].skuId, i);
    lineIndexCache.set(items, m);
  }
  return m;
}

/** The order line of a skuId, or -1. */
function lineIndex(items: readonly OrderItem[], index: Map<string, number>, skuId: string): number {
  const hit = index.get(skuId);
  if (hit !== undefined && hit < items.length && items[hit].skuId === skuId) return hit;
  for (let i = 0; i < items.length; i += 1) if (items[i].skuId === skuId) return i;
  return -1;
}

function indexDraft(ctx: RuleContext, draft: DraftApplication, structural: Violation[] | null): DraftIndex {
  const orderItems = ctx.order.items;
  const index = lineIndexOf(orderItems);
  const lines: LineState[] = new Array(orderItems.length);
  for (let i = 0; i < orderItems.length; i += 1) {
    lines[i] = { claimed: 0, casesEver: 0, open: false, decided: false, drafted: 0, named: false };
  }

  for (const c of ctx.orderCases) {
    const open = isOpen(c);
    const decided = platformRejected(c);
    const holds = open || c.status === 'REFUNDED';
    for (let k = 0; k < c.items.length; k += 1) {
      const it = c.items[k];
      const li = lineIndex(orderItems, index, it.skuId);
      if (li < 0) continue;
      const line = lines[li];
      // A case names a line once (R30), but stored data is not ours to trust: count the case once.
      if (!caseNamedBefore(c.items, k, it.skuId)) {
        line.casesEver += 1;
        if (open) line.open = true;
        if (decided) line.decided = true;
      }
      if (holds) line.claimed += it.qty;
    }
    // SPEC §6: a modified case counts toward R32's 5 on every line it ever named.
    if (c.linesEver !== undefined) {
      const seen = new Set(c.items.map((it) => it.skuId));
      for (const skuId of c.linesEver) {
        if (seen.has(skuId)) continue;
        seen.add(skuId);
        const li = lineIndex(orderItems, index, skuId);
        if (li >= 0) lines[li].casesEver += 1;
      }
    }
  }

  const items = draft.items;
  const lineOf: number[] = new Array(items.length);
  let structureOk = true;
  const report = (v: Violation): void => {
    structureOk = false;
    if (structural) structural.push(v);
  };
  let duplicate = false;
  for (let i = 0; i < items.length; i += 1) {
    const li = lineIndex(orderItems, index, items[i].skuId);
    lineOf[i] = li;
    if (li >= 0) {
      if (lines[li].named) duplicate = true;
      lines[li].named = true;
      lines[li].drafted += items[i].qty;
    } else {
      report(
        violation('R30', 'INVALID_INPUT', {
          field: `items.${i}.skuId`,
          message: '所选商品不在该订单中',
          solution: '请返回订单详情重新选择要售后的商品',
        }),
      );
    }
    const qty = items[i].qty;
    if (!Number.isInteger(qty) || qty < 1) {
      report(
        violation('R30', 'INVALID_INPUT', {
          field: `items.${i}.qty`,
          message: '退款数量须为正整数',
          solution: '请重新填写退款数量',
        }),
      );
    }
  }
  if (duplicate) {
    report(
      violation('R30', 'INVALID_INPUT', {
        field: 'items',
        message: '同一商品请只选择一次，并在数量中填写件数',
        solution: '请删除重复的商品后重新提交',
      }),
    );
  }
  if (draft.type === 'SHIPPING_FEE_ONLY' && items.length > 0) {
    report(
      violation('R30', 'INVALID_INPUT', {
        field: 'items',
        message: '仅退运费时不需要选择商品',
        solution: '如需退商品款，请选择“仅退款”或“退货退款”',
      }),
    );
  } else if (draft.type !== 'SHIPPING_FEE_ONLY' && items.length === 0) {
    report(
      violation('R30', 'INVALID_INPUT', {
        field: 'items',
        message: '请选择要售后的商品',
        solution: '请在订单商品中勾选需要退款的商品及数量',
      }),
    );
  }
  return {
    lines,
    lineOf,
    structureOk,
    shippingClaimed: shippingClaimed(ctx.orderCases),
    committedFen: committedOnOrderFen(ctx.orderCases),
  };
}

function caseNamedBefore(items: readonly { skuId: string }[], k: number, skuId: string): boolean {
  for (let j = 0; j < k; j += 1) if (items[j].skuId === skuId) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// R11 / R12: the most refundable amount of a draft
// ---------------------------------------------------------------------------------------------

interface Refundable {
  maxFen: Fen;
  coversShipping: boolean;
}

function refundable(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex): Refundable {
  const { order, shop } = ctx;
  const headroom = Math.max(0, orderRefundCapFen(order) - ix.committedFen);
  if (draft.type === 'SHIPPING_FEE_ONLY') {
    return { maxFen: ix.shippingClaimed ? 0 : Math.min(order.shippingFen, headroom), coversShipping: false };
  }
  if (!ix.structureOk) return { maxFen: 0, coversShipping: false };

  let sum = 0;
  let crossBorder = false;
  for (let i = 0; i < draft.items.length; i += 1) {
    const li = ix.lineOf[i];
    const line = order.items[li];
    const claimed = ix.lines[li].claimed;
    const count = Math.min(draft.items[i].qty, line.qty - claimed);
    sum += unitsPaidFen(line.paidFen, line.qty, claimed, count);
    if (line.kind === 'CROSS_BORDER') crossBorder = true;
  }
  const covers = !ix.shippingClaimed && isSellerResponsible(draft.reason) && noUnitLeftAfter(order, ix);
  if (covers) sum += order.shippingFen;
  if (crossBorder) sum -= shop.settings.customsFeeFen;
  return { maxFen: Math.min(Math.max(0, sum), headroom), coversShipping: covers };
}

/** After this case, every unit of every line is claimed (so the shipping fee has nothing left to ride on). */
function noUnitLeftAfter(order: Order, ix: DraftIndex): boolean {
  for (let li = 0; li < order.items.length; li += 1) {
    const line = ix.lines[li];
    if (line.claimed + line.drafted < order.items[li].qty) return false;
  }
  return true;
}

/**
 * R11/R12/R3: the most this draft can refund: its units at what they were paid (each unit counted
 * once across cases), plus the shipping fee when the case takes the last units for a seller-responsible
 * reason, less the customs fee for cross-border items, within the order's remaining 105% headroom.
 * 0 when the draft's items do not make sense on the order.
 */
export function maxRefundableFen(ctx: RuleContext, draft: DraftApplication): Fen {
  return refundable(ctx, draft, indexDraft(ctx, draft, null)).maxFen;
}

/** R10/R11: the case would claim the order's shipping fee (it takes the last units, seller-responsible). An exchange claims no money. */
export function coversShipping(ctx: RuleContext, draft: DraftApplication): boolean {
  if (draft.type === 'EXCHANGE') return false;
  return refundable(ctx, draft, indexDraft(ctx, draft, null)).coversShipping;
}

/**
 * SPEC §5: what an exchange converted to a refund pays: R11's most refundable amount for the case's
 * own units at `ctx.now` (the order's other cases as they stand, the shipping fee when the units are
 * the last and the reason is seller-responsible, R12's customs fee off), within R3's order headroom.
 * Never more than a refund of the same units would pay.
 */
export function exchangeRefund(ctx: RuleContext, c: Pick<AfterSaleCase, '_id' | 'orderId' | 'reason' | 'items'>): { amountFen: Fen; coversShipping: boolean } {
  const others: RuleContext = { ...ctx, orderCases: ctx.orderCases.filter((o) => o._id !== c._id) };
  const draft: DraftApplication = { orderId: c.orderId, type: 'RETURN_REFUND', reason: c.reason, items: c.items };
  const r = refundable(others, draft, indexDraft(others, draft, null));
  return { amountFen: r.maxFen, coversShipping: r.coversShipping };
}

/** SPEC §5 tier LEGAL for an exchange: what the buyer paid for the case's units (its amountFen is 0). */
export function unitsValueFen(order: Pick<Order, 'items'>, items: readonly { skuId: string; qty: number }[]): Fen {
  let sum = 0;
  for (const it of items) {
    const line = order.items.find((l) => l.skuId === it.skuId);
    if (line !== undefined) sum += unitsPaidFen(line.paidFen, line.qty, 0, Math.min(it.qty, line.qty));
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// checkApplication: every violation in the spec's order
// ---------------------------------------------------------------------------------------------

const R1_MESSAGES: Partial<Record<Order['status'], Violate>> = {
  PAID: {
    message: '订单尚未发货，不能申请售后，请直接取消订单',
    solution: '未发货的订单无需走售后：在订单详情中点击“取消订单”，款项将原路退回',
  },
  UNPAID: { message: '订单尚未付款，不能申请售后', solution: '未付款的订单无需退款，可直接取消订单' },
  CANCELLED: { message: '订单已取消，不能再申请售后', solution: '已取消订单的款项会原路退回，如未到账请联系客服' },
};

function checkOrderStatus(order: Order, type: CaseType, out: Violation[]): void {
  const s = order.status;
  if (s === 'DELIVERED' || s === 'COMPLETED') return;
  if (s === 'SHIPPED') {
    if (type !== 'EXCHANGE') return;
    // SPEC §5: only received goods can be exchanged.
    out.push(
      violation('R1', 'ORDER_STATUS_INVALID', {
        message: '商品尚未签收，暂不能申请换货',
        solution: '请在收到商品并确认收货后再申请换货；如不想要了，可申请仅退款',
      }),
    );
    return;
  }
  out.push(violation('R1', 'ORDER_STATUS_INVALID', R1_MESSAGES[s]));
}

/** SPEC §5: an exchange names an exchange reason and the wanted variant, and asks no money. */
function checkExchangeInput(draft: DraftApplication, amountValid: boolean, out: Violation[]): void {
  if (!EXCHANGE_REASONS.includes(draft.reason)) {
    out.push(
      violation('EXCHANGE', 'INVALID_INPUT', {
        field: 'reason',
        message: '换货仅支持质量问题、与描述不符、不想要了（如尺码不合适）或其他原因',
        solution: '快递问题、少件漏发请申请退款或联系商家补发',
      }),
    );
  }
  if (!amountValid) {
    out.push(
      violation('EXCHANGE', 'INVALID_INPUT', {
        field: 'amountFen',
        message: '换货不涉及退款，金额须为0',
        solution: '如需退款，请选择“仅退款”或“退货退款”',
      }),
    );
  }
  const note = typeof draft.exchangeNote === 'string' ? draft.exchangeNote.trim() : '';
  const n = codePointLength(note);
  if (n < 1 || n > LIMITS.exchangeNoteMaxChars) {
    out.push(
      violation('EXCHANGE', 'INVALID_INPUT', {
        field: 'exchangeNote',
        message: n < 1 ? '请填写想要换的尺码或颜色' : `换货说明最多${LIMITS.exchangeNoteMaxChars}字，当前${n}字`,
        solution: '例如：“换成L码”或“换黑色”',
      }),
    );
  }
}

function checkWindows(ctx: RuleContext, draft: DraftApplication, out: Violation[], windowsAt?: EpochMs): void {
  const { order } = ctx;
  // SPEC §6: a modification's windows (R2, R31) are judged at the case's createdAt.
  const now = windowsAt ?? ctx.now;
  if (paymentWindowExpired(order, now)) {
    out.push(
      violation('R31', 'AFTER_SALE_WINDOW_EXPIRED', {
        message: `订单付款已超过${LIMITS.paymentRefundDays}天，微信支付不再受理退款`,
        solution: '请联系商家客服协商线下处理',
      }),
    );
  }
  if (refundNumbersExhausted(ctx.orderCases)) {
    out.push(
      violation('R31', 'AMOUNT_EXCEEDS_LIMIT', {
        message: `本订单退款已达${LIMITS.maxRefundsPerOrder}次上限，微信支付不再受理新的退款`,
        solution: '请联系商家客服协商线下处理',
      }),
    );
  }
  const by = applyBy(order, ctx.shop.settings, draft.reason);
  if (by !== undefined && now > by) {
    out.push(
      violation('R2', 'AFTER_SALE_WINDOW_EXPIRED', {
        message: `已超过签收后${windowDaysFor(ctx.shop.settings, draft.reason)}天的售后时限`,
      }),
    );
  }
}

function checkItemKinds(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex, out: Violation[]): void {
  const orderItems = ctx.order.items;
  if (draft.type === 'EXCHANGE') checkExchangeKinds(ctx, draft, ix, out);
  if (draft.reason === 'NO_REASON') {
    for (let i = 0; i < draft.items.length; i += 1) {
      const li = ix.lineOf[i];
      if (li < 0) continue;
      const line = orderItems[li];
      if (line.kind === 'CUSTOM' && line.customNoticeShown === true) {
        out.push(
          violation('R13', 'NOT_RETURNABLE', {
            field: `items.${i}.skuId`,
            message: `「${line.title}」是定制商品，下单前已告知不可退换，不支持无理由退货`,
            solution: '如商品有质量问题，请选择“质量问题”并上传商品照片',
          }),
        );
      }
    }
  }
  for (let i = 0; i < draft.items.length; i += 1) {
    const li = ix.lineOf[i];
    if (li < 0) continue;
    const line = orderItems[li];
    if (line.kind === 'VIRTUAL' && line.activated === true) {
      out.push(
        violation('R14', 'NOT_RETURNABLE', {
          field: `items.${i}.skuId`,
          message: `「${line.title}」是虚拟商品，已激活使用，不能退款`,
          solution: '虚拟商品激活使用后不可退；未激活的可申请，由商家审核',
        }),
      );
    }
  }
}

/** SPEC §5: virtual goods (R14) and cross-border goods without a domestic address (R12) cannot be exchanged. */
function checkExchangeKinds(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex, out: Violation[]): void {
  for (let i = 0; i < draft.items.length; i += 1) {
    const li = ix.lineOf[i];
    if (li < 0) continue;
    const line = ctx.order.items[li];
    if (line.kind === 'VIRTUAL') {
      out.push(
        violation('R14', 'NOT_RETURNABLE', {
          field: `items.${i}.skuId`,
          message: `「${line.title}」是虚拟商品，不支持换货`,
          solution: '未激活的虚拟商品可申请仅退款，由商家审核',
        }),
      );
    } else if (line.kind === 'CROSS_BORDER' && line.localAfterSale !== true) {
      out.push(
        violation('R12', 'NOT_RETURNABLE', {
          field: `items.${i}.skuId`,
          message: `「${line.title}」是跨境商品，没有国内售后地址，不支持换货`,
          solution: '如商品有问题，可申请退货退款（退货运费及税费由您承担）',
        }),
      );
    }
  }
}

/** R24: after a platform REJECT no new case may be opened on that order line. */
function checkDisputeDecided(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex, out: Violation[]): void {
  for (let i = 0; i < draft.items.length; i += 1) {
    const li = ix.lineOf[i];
    if (li < 0 || !ix.lines[li].decided) continue;
    out.push(
      violation('R24', 'DISPUTE_DECIDED', {
        field: `items.${i}.skuId`,
        message: `「${ctx.order.items[li].title}」的售后争议已由平台作出最终判定，不能再次申请售后`,
      }),
    );
  }
}

function checkLineCases(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex, out: Violation[]): void {
  for (let i = 0; i < draft.items.length; i += 1) {
    const li = ix.lineOf[i];
    if (li < 0) continue;
    const line = ix.lines[li];
    const title = ctx.order.items[li].title;
    if (line.open) {
      out.push(
        violation('R32', 'CASE_ALREADY_OPEN', {
          field: `items.${i}.skuId`,
          message: `「${title}」已有进行中的售后申请`,
        }),
      );
    }
    if (line.casesEver >= LIMITS.maxCasesPerLine) {
      out.push(
        violation('R32', 'RISK_CONTROL_TRIGGERED', {
          field: `items.${i}.skuId`,
          message: `「${title}」已申请过${line.casesEver}次售后，达到每件商品${LIMITS.maxCasesPerLine}次的上限`,
          solution: '请联系商家客服协商处理',
        }),
      );
    }
  }
}

/** R7: cases the buyer created in the 30 days up to now, ignoring those before a platform lift. */
export function recentBuyerCases(ctx: Pick<RuleContext, 'now' | 'buyerCaseTimes' | 'riskLiftedAt'>): number {
  const from = ctx.now - LIMITS.riskWindowDays * DAY_MS;
  const lifted = ctx.riskLiftedAt;
  let n = 0;
  for (const t of ctx.buyerCaseTimes) {
    if (t >= from && t <= ctx.now && (lifted === undefined || t >= lifted)) n += 1;
  }
  return n;
}

function checkRisk(ctx: RuleContext, out: Violation[]): void {
  const n = recentBuyerCases(ctx);
  if (n >= LIMITS.riskMaxCases) {
    out.push(
      violation('R7', 'RISK_CONTROL_TRIGGERED', {
        message: `您近${LIMITS.riskWindowDays}天已申请${n}次售后，已触发风控`,
        solution: '联系微信支付客服提交申诉材料（如订单截图、商品问题照片）解除限制，解除后可重新申请',
      }),
    );
  }
}

function hasTag(evidence: readonly EvidenceInput[] | undefined, tag: EvidenceInput['tag']): boolean {
  if (evidence === undefined) return false;
  for (const e of evidence) if (e.tag === tag) return true;
  return false;
}

function checkEvidence(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex, out: Violation[]): void {
  const { order } = ctx;
  if (draft.reason === 'LOGISTICS' && !(order.logistics !== undefined && order.logistics.events.length > 0)) {
    if (!hasTag(draft.evidence, 'logistics')) {
      out.push(
        violation('R9', 'LOGISTICS_EVIDENCE_MISSING', {
          field: 'evidence',
          message: '订单没有物流追踪记录，快递问题需上传物流凭证',
          solution: '提供完整的物流追踪记录作为退款凭证（如物流截图），上传时标记为“物流”',
        }),
      );
    }
  }
  if (draft.reason === 'QUALITY' && !hasTag(draft.evidence, 'receipt')) {
    for (let i = 0; i < draft.items.length; i += 1) {
      const li = ix.lineOf[i];
      if (li >= 0 && order.items[li].kind === 'FRESH') {
        out.push(
          violation('R15', 'EVIDENCE_REQUIRED', {
            field: 'evidence',
            message: `「${order.items[li].title}」是生鲜商品，质量问题需上传签收时拍摄的照片`,
            solution: '请上传签收时的腐坏/破损照片并标记为“签收”；商家会用发货时的质检报告对比核实',
          }),
        );
        break;
      }
    }
  }
  const ev = evidenceViolation(draft.evidence ?? [], ctx.callerOpenid);
  if (ev) out.push(ev);
  const description = draft.description ?? '';
  // Length in UTF-16 units bounds code points from above, so short texts skip the count.
  if (description.length > LIMITS.descriptionMaxChars) {
    const n = codePointLength(description);
    if (n > LIMITS.descriptionMaxChars) {
      out.push(
        violation('R22', 'INVALID_INPUT', {
          field: 'description',
          message: `问题描述最多${LIMITS.descriptionMaxChars}字，当前${n}字`,
          solution: '请精简描述，详细情况可通过图片或视频补充',
        }),
      );
    }
  }
}

function checkShippingFee(ctx: RuleContext, draft: DraftApplication, ix: DraftIndex, amountFen: Fen | undefined, out: Violation[]): void {
  if (codePointLength((draft.description ?? '').trim()) < LIMITS.shippingFeeDescriptionMinChars) {
    out.push(
      violation('R10', 'INVALID_INPUT', {
        field: 'description',
        message: `仅退运费需注明具体原因（至少${LIMITS.shippingFeeDescriptionMinChars}个字）`,
        solution: '例如：“商品缺件，商家同意补发，申请退回运费”',
      }),
    );
  }
  if (ix.shippingClaimed) {
    out.push(
      violation('R10', 'AMOUNT_EXCEEDS_LIMIT', {
        message: '本订单的运费已在其他售后中申请或退还，每笔订单只退一次运费',
        solution: '请在原售后单中查看运费退款进度',
      }),
    );
  } else if (amountFen === 0) {
    out.push(nothingToRefund('R10'));
  }
  if (amountFen !== undefined && amountFen > ctx.order.shippingFen) {
    out.push(
      violation('R10', 'AMOUNT_EXCEEDS_LIMIT', {
        field: 'amountFen',
        message: `仅退运费的金额不能超过订单运费${formatYuan(ctx.order.shippingFen)}`,
        solution: '请调整退款金额',
      }),
    );
  }
}

function checkItemAmounts(
  ctx: RuleContext,
  draft: DraftApplication,
  ix: DraftIndex,
  maxFen: Fen,
  amountFen: Fen | undefined,
  out: Violation[],
): void {
  for (let i = 0; i < draft.items.length; i += 1) {
    const li = ix.lineOf[i];
    const line = ctx.order.items[li];
    const left = line.qty - ix.lines[li].claimed;
    if (draft.items[i].qty > left) {
      out.push(
        violation('R11', 'AMOUNT_EXCEEDS_LIMIT', {
          field: `items.${i}.qty`,
          message: `「${line.title}」最多还可退${left}件`,
          solution: '已申请或已退款的件数不能重复申请，请调整数量',
        }),
      );
    }
  }
  // An exchange asks for units, not money (SPEC §5): only the units are checked.
  if (draft.type === 'EXCHANGE' || amountFen === undefined) return;
  if (amountFen === 0) {
    out.push(nothingToRefund('R11'));
  } else if (amountFen > maxFen) {
    out.push(
      violation('R11', 'AMOUNT_EXCEEDS_LIMIT', {
        field: 'amountFen',
        message: `退款金额超出可退金额，本次最多可退${formatYuan(maxFen)}`,
        solution: '可退金额按所选商品的实付金额计算（优惠已分摊），请调整退款金额',
      }),
    );
  }
}

/** Without an amount the most refundable is checked; when that is nothing, there is nothing to apply for. */
function nothingToRefund(rule: 'R10' | 'R11'): Violation {
  return violation(rule, 'AMOUNT_EXCEEDS_LIMIT', {
    field: 'amountFen',
    message: '本次可退金额为¥0.00，无需申请退款',
    solution: '如对商品或运费有异议，请联系商家客服协商',
  });
}

export interface Evaluation {
  violations: Violation[];
  maxFen: Fen;
  coversShipping: boolean;
  /** For each draft item, the index of its order line, or -1 when the skuId is not on the order. */
  lineOf: readonly number[];
}

/** One pass over the draft for `checkApplication` and `preview` alike. */
export interface EvaluationOptions {
  /** SPEC §6 (modify): judge the windows R2 and R31 at this moment (the case's createdAt) instead of `ctx.now`. */
  windowsAt?: EpochMs;
}

export function evaluateApplication(ctx: RuleContext, draft: DraftApplication, opts: EvaluationOptions = {}): Evaluation {
  const out: Violation[] = [];
  const ix = indexDraft(ctx, draft, out);
  const exchange = draft.type === 'EXCHANGE';
  const amountValid = exchange
    ? draft.amountFen === undefined || draft.amountFen === 0
    : draft.amountFen === undefined || (Number.isInteger(draft.amountFen) && draft.amountFen > 0);
  if (exchange) {
    checkExchangeInput(draft, amountValid, out);
  } else if (!amountValid) {
    out.push(
      violation('R30', 'INVALID_INPUT', {
        field: 'amountFen',
        message: '退款金额须大于0，以分为单位的整数',
        solution: '请重新填写退款金额',
      }),
    );
  }
  checkOrderStatus(ctx.order, draft.type, out);
  checkWindows(ctx, draft, out, opts.windowsAt);
  checkItemKinds(ctx, draft, ix, out);
  checkDisputeDecided(ctx, draft, ix, out);
  checkLineCases(ctx, draft, ix, out);
  checkRisk(ctx, out);
  checkEvidence(ctx, draft, ix, out);

  // An exchange moves no money: nothing refundable, no R3 (SPEC §5); its units are still R11's.
  const r = exchange ? { maxFen: 0, coversShipping: false } : refundable(ctx, draft, ix);
  const amountFen = amountValid ? (exchange ? undefined : (draft.amountFen ?? r.maxFen)) : undefined;
  if (draft.type === 'SHIPPING_FEE_ONLY') {
    checkShippingFee(ctx, draft, ix, amountFen, out);
  } else if (ix.structureOk && (amountFen !== undefined || exchange)) {
    checkItemAmounts(ctx, draft, ix, r.maxFen, amountFen, out);
  }
  if (amountFen !== undefined) {
    const v = amountCapViolation(ctx, amountFen, ix.committedFen);
    if (v) out.push(v);
  }
  return { violations: out, maxFen: r.maxFen, coversShipping: r.coversShipping, lineOf: ix.lineOf };
}

/**
 * Every violation of a draft, in the spec's order: R30 structure → R1 → R31, R2 → R13, R14 → R24 → R32 →
 * R7 → R9, R15, R22 → R10, R11, R3. Without `amountFen` the most refundable amount is checked.
 */
export function checkApplication(ctx: RuleContext, draft: DraftApplication): Violation[] {
  return evaluateApplication(ctx, draft).violations;
}

/** Types whose goods go back to the merchant (R23, R29, R33): a return, and an exchange (SPEC §5). */
export function isReturn(type: CaseType): boolean {
  return type === 'RETURN_REFUND' || type === 'EXCHANGE';
}
