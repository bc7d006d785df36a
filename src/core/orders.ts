/**
 * SPEC §7's demo checkout, as pure rules over one order: creating it from the shop's products, the
 * payment the gateway reported, shipping, confirming receipt (by the buyer, or 10 days after shipment
 * by the timer) and cancelling a paid, unshipped order with its full refund. The refund's attempts are
 * a case's (RefundAttempt, `<orderId>-<n>`, PROCESSING → SUCCESS | ABNORMAL | CLOSED): a CLOSED one is
 * retried by the timer under a new number, an ABNORMAL one by the merchant.
 *
 * Every change returns a new order with `version` one higher; the use cases write it compare-and-set.
 */
import type { CaseError, EpochMs, Fen, Order, OrderItem, Product, RefundAttempt, Shop } from '../../types/domain';
import { CATALOGUE, DomainError, invalidInput } from './errors';
import { formatYuan } from './money';
import { LIMITS } from './settings';
import { DAY_MS } from './time';

export const CHECKOUT = {
  /** SPEC §7: 1–99 of one line. */
  maxQty: 99,
  maxLines: 20,
  /** SPEC §7: the timer confirms receipt this long after shipment. */
  autoConfirmDays: 10,
  /** A shop not yet verified (R5) is looked at again this often. */
  unverifiedRecheckMs: 60 * 60 * 1000,
} as const;

/** Refund failures the timer does not retry under a new number (R4: not the original way again). */
const NOT_TIMER_RETRIED = new Set(['PAYMENT_CHANNEL_RESTRICTED', 'AFTER_SALE_WINDOW_EXPIRED', 'AMOUNT_EXCEEDS_LIMIT', 'REFUND_ABNORMAL']);

function bumped(o: Order, changes: Partial<Order>): Order {
  const next: Order = { ...o, ...changes, version: (o.version ?? 0) + 1 };
  for (const k of Object.keys(next) as (keyof Order)[]) if (next[k] === undefined) delete next[k];
  next.timerAt = orderTimerAt(next);
  if (next.timerAt === undefined) delete next.timerAt;
  return next;
}

function statusInvalid(message: string, solution?: string): DomainError {
  return new DomainError('ORDER_STATUS_INVALID', { message, ...(solution ? { solution } : {}) });
}

export interface NewOrderInput {
  orderId: string;
  shop: Shop;
  buyerOpenid: string;
  items: { skuId: string; qty: number }[];
  now: EpochMs;
}

/**
 * order.create: lines from the shop's products (qty 1–99, each SKU once), paid = unit × qty, no
 * shipping fee, WeChat Pay. UNPAID; `paidAt` holds the creation time until the payment is reported
 * (the lists sort on it), and is then the payment's time.
 */
export function createOrder({ orderId, shop, buyerOpenid, items, now }: NewOrderInput): Order {
  if (items.length === 0) throw invalidInput('items', '请至少选择一件商品');
  if (items.length > CHECKOUT.maxLines) throw invalidInput('items', `一次最多购买${CHECKOUT.maxLines}种商品`);
  const products = new Map((shop.products ?? []).map((p) => [p.skuId, p]));
  const seen = new Set<string>();
  const lines: OrderItem[] = items.map((it, i) => {
    const product: Product | undefined = products.get(it.skuId);
    if (!product) throw invalidInput(`items.${i}.skuId`, '店铺没有这件商品，或已下架');
    if (seen.has(it.skuId)) throw invalidInput(`items.${i}.skuId`, '同一商品请合并为一行，修改数量即可');
    seen.add(it.skuId);
    if (!Number.isSafeInteger(it.qty) || it.qty < 1 || it.qty > CHECKOUT.maxQty) {
      throw invalidInput(`items.${i}.qty`, `每件商品购买数量须为1–${CHECKOUT.maxQty}`);
    }
    const line: OrderItem = {
      skuId: product.skuId,
      title: product.title,
      unitFen: product.unitFen,
      qty: it.qty,
      paidFen: product.unitFen * it.qty,
      kind: product.kind,
    };
    // R13: the checkout page shows the custom-goods clause before the buyer pays.
    if (product.kind === 'CUSTOM') line.customNoticeShown = true;
    if (product.imageUrl) line.image = product.imageUrl;
    return line;
  });
  const paidFen = lines.reduce((s, l) => s + l.paidFen, 0);
  if (paidFen <= 0) throw invalidInput('items', '订单金额须大于0');
  return {
    _id: orderId,
    shopId: shop._id,
    buyerOpenid,
    status: 'UNPAID',
    paidFen,
    shippingFen: 0,
    payChannel: 'WECHAT',
    paidAt: now,
    items: lines,
    createdAt: now,
    version: 1,
  };
}

/** order.pay: only an unpaid order is paid. */
export function assertPayable(o: Order): void {
  if (o.status !== 'UNPAID') throw statusInvalid(o.status === 'CANCELLED' ? '订单已取消，不能再付款' : '订单已付款，无需重复支付');
}

export function paymentStarted(o: Order, now: EpochMs): Order {
  return bumped(o, { payment: { ...o.payment, startedAt: o.payment?.startedAt ?? now } });
}

/**
 * The gateway reports the order paid (SPEC §7, callbacks are hints: only the gateway's answer comes
 * here). UNPAID → PAID. An order cancelled while its payment was in flight keeps CANCELLED and its
 * money goes back at once (a refund attempt), so a late payment is never kept. Null: nothing to record.
 */
export function paymentConfirmed(o: Order, paidAt: EpochMs, transactionId: string, now: EpochMs): Order | null {
  if (o.payment?.transactionId) return null;
  const payment = { startedAt: o.payment?.startedAt ?? paidAt, transactionId };
  if (o.status === 'UNPAID') return bumped(o, { status: 'PAID', paidAt, payment });
  if (o.status === 'CANCELLED') {
    const paid = { ...o, paidAt, payment };
    return bumped(paid, { refunds: [...(o.refunds ?? []), newAttempt(paid, now)] });
  }
  return null;
}

/** merchant.ship: PAID → SHIPPED with the tracking number; the 10-day auto-confirm starts. */
export function shipOrder(o: Order, company: string, trackingNo: string, now: EpochMs): Order {
  if (o.status !== 'PAID') {
    throw statusInvalid(o.status === 'UNPAID' ? '订单尚未付款，不能发货' : o.status === 'CANCELLED' ? '订单已取消，不能发货' : '订单已发货');
  }
  return bumped(o, {
    status: 'SHIPPED',
    shippedAt: now,
    logistics: { company: company.trim(), trackingNo, events: [{ at: now, text: `商家已发货，${company.trim()} ${trackingNo}` }] },
  });
}

/** order.confirmReceipt (buyer) or the timer 10 days after shipment: SHIPPED → DELIVERED. */
export function confirmOrderReceipt(o: Order, now: EpochMs, by: 'BUYER' | 'SYSTEM'): Order {
  if (o.status !== 'SHIPPED') {
    if (o.status === 'PAID' || o.status === 'UNPAID') throw statusInvalid('商家尚未发货，不能确认收货', '请等待商家发货；不想要了可以取消订单，货款原路退回');
    if (o.status === 'CANCELLED') throw statusInvalid('订单已取消，不能确认收货');
    throw statusInvalid('订单已确认收货');
  }
  const autoAt = autoConfirmAt(o) ?? now;
  const deliveredAt = by === 'SYSTEM' ? autoAt : now;
  const text = by === 'SYSTEM' ? `发货满${CHECKOUT.autoConfirmDays}天，系统自动确认收货` : '买家已确认收货';
  const logistics = o.logistics ? { ...o.logistics, events: [...o.logistics.events, { at: deliveredAt, text }] } : undefined;
  return bumped(o, { status: 'DELIVERED', deliveredAt, ...(logistics ? { logistics } : {}) });
}

export function autoConfirmAt(o: Order): EpochMs | undefined {
  return o.status === 'SHIPPED' && o.shippedAt !== undefined ? o.shippedAt + CHECKOUT.autoConfirmDays * DAY_MS : undefined;
}

/** What the order's refunds hold against R3 and R31: every attempt but a CLOSED one. */
export function liveRefundAttempts(o: Order): RefundAttempt[] {
  return (o.refunds ?? []).filter((a) => a.status !== 'CLOSED');
}

export function orderRefundHeldFen(o: Order): Fen {
  const live = liveRefundAttempts(o);
  return live.length > 0 ? live[live.length - 1].amountFen : 0;
}

function newAttempt(o: Order, now: EpochMs): RefundAttempt {
  return { outRefundNo: `${o._id}-${(o.refunds?.length ?? 0) + 1}`, amountFen: o.paidFen, status: 'PROCESSING', at: now, method: 'ORIGINAL' };
}

/**
 * order.cancel (SPEC §7, R1's solution): UNPAID → CANCELLED (nothing was paid); PAID and not shipped →
 * CANCELLED with its whole paid amount refunded as a new PROCESSING attempt. R31: 365 days after
 * payment the gateway takes no refund; R3: the shop's refunds of the calendar year stay ≤ ¥500,000
 * (`shopYearFen`: what its cases and cancellations already hold this year).
 */
export function cancelOrder(o: Order, now: EpochMs, shopYearFen: Fen): Order {
  if (o.status === 'UNPAID') return bumped(o, { status: 'CANCELLED', cancelledAt: now });
  if (o.status !== 'PAID') {
    if (o.status === 'CANCELLED') throw statusInvalid('订单已取消');
    throw statusInvalid('商家已发货，不能取消订单', '请在收到商品后申请售后（仅退款或退货退款）');
  }
  if (now > o.paidAt + LIMITS.paymentRefundDays * DAY_MS) {
    throw new DomainError('AFTER_SALE_WINDOW_EXPIRED', { rule: 'R31', message: '支付已超过365天，微信支付不再受理退款' });
  }
  if (shopYearFen + o.paidFen > LIMITS.yearlyRefundCapFen) {
    throw new DomainError('AMOUNT_EXCEEDS_LIMIT', { rule: 'R3', message: `本店今年的退款累计将超过${formatYuan(LIMITS.yearlyRefundCapFen)}的年度上限` });
  }
  const cancelled = { ...o, status: 'CANCELLED' as const, cancelledAt: now };
  return bumped(cancelled, { refunds: [...(o.refunds ?? []), newAttempt(cancelled, now)] });
}

/** The latest attempt, when it is PROCESSING under this number (a result for any other is stale). */
export function orderWaitsOn(o: Order, outRefundNo: string): boolean {
  const latest = o.refunds?.[o.refunds.length - 1];
  return latest !== undefined && latest.outRefundNo === outRefundNo && latest.status === 'PROCESSING';
}

const FAILURE_ERROR: Record<'ABNORMAL' | 'CLOSED', 'REFUND_ABNORMAL' | 'REFUND_CLOSED'> = { ABNORMAL: 'REFUND_ABNORMAL', CLOSED: 'REFUND_CLOSED' };

/** The gateway's final answer for the latest attempt; null when the order no longer waits on it. */
export function orderRefundSettled(
  o: Order,
  outRefundNo: string,
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
  settledAt: EpochMs,
  failure?: string,
): Order | null {
  if (!orderWaitsOn(o, outRefundNo)) return null;
  const refunds = (o.refunds ?? []).map((a) =>
    a.outRefundNo === outRefundNo ? { ...a, status, settledAt, ...(failure && status !== 'SUCCESS' ? { failure } : {}) } : a,
  );
  if (status === 'SUCCESS') return bumped({ ...o, lastError: undefined }, { refunds });
  const code = FAILURE_ERROR[status];
  const lastError: CaseError = { code, message: failure ? `${CATALOGUE[code].message}：${failure}` : CATALOGUE[code].message, solution: CATALOGUE[code].solution };
  return bumped(o, { refunds, lastError });
}

/** The gateway refused to start the attempt (R4, R5, R31): it is recorded CLOSED with why. */
export function orderRefundRefused(o: Order, outRefundNo: string, error: CaseError, now: EpochMs): Order | null {
  if (!orderWaitsOn(o, outRefundNo)) return null;
  const refunds = (o.refunds ?? []).map((a) => (a.outRefundNo === outRefundNo ? { ...a, status: 'CLOSED' as const, settledAt: now, failure: error.message } : a));
  return bumped(o, { refunds, lastError: error });
}

/**
 * A new attempt after a failed one: the timer's after a CLOSED one (not a channel refusal, and for
 * an unverified shop only once verified), the merchant's after an ABNORMAL one (merchant.retryRefund).
 * R31: the 51st refund of one order is refused.
 */
export function retryOrderRefund(o: Order, now: EpochMs, by: 'MERCHANT' | 'SYSTEM', shopVerified: boolean): Order {
  const latest = o.refunds?.[o.refunds.length - 1];
  if (o.status !== 'CANCELLED' || !latest || latest.status === 'SUCCESS' || latest.status === 'PROCESSING') {
    throw new DomainError('CASE_STATE_CHANGED', { message: '该订单没有需要重新发起的退款' });
  }
  if (by === 'SYSTEM' && !timerMayRetry(o, shopVerified)) throw new DomainError('CASE_STATE_CHANGED', { message: '该退款需商家处理后重新发起' });
  if (by === 'MERCHANT' && latest.status !== 'ABNORMAL' && o.lastError?.code !== 'MERCHANT_ACCOUNT_ABNORMAL') {
    throw new DomainError('CASE_STATE_CHANGED', { message: '退款单已关闭，系统会自动以新的退款单号重新退款' });
  }
  if (liveRefundAttempts(o).length >= LIMITS.maxRefundsPerOrder) {
    throw new DomainError('AMOUNT_EXCEEDS_LIMIT', { rule: 'R31', message: `该订单已退款${LIMITS.maxRefundsPerOrder}次，达到微信支付上限` });
  }
  return bumped({ ...o, lastError: undefined }, { refunds: [...(o.refunds ?? []), newAttempt(o, now)] });
}

function timerMayRetry(o: Order, shopVerified: boolean): boolean {
  const latest = o.refunds?.[o.refunds.length - 1];
  if (!latest || latest.status !== 'CLOSED') return false;
  const code = o.lastError?.code;
  if (code === 'MERCHANT_ACCOUNT_ABNORMAL') return shopVerified;
  return code === undefined || !NOT_TIMER_RETRIED.has(code);
}

/**
 * When the timer must next look at the order: the auto-confirm of a shipped one; a refund in flight,
 * a minute after it started (queried, as a case's); a CLOSED one to retry; an unverified shop's refused
 * one every hour. Absent when nothing is due (an ABNORMAL refund waits for the merchant).
 */
export function orderTimerAt(o: Order): EpochMs | undefined {
  // Deadlines are past only after their millisecond (SPEC §3): the timer acts from the next one.
  if (o.status === 'SHIPPED') return (autoConfirmAt(o) ?? 0) + 1;
  if (o.status !== 'CANCELLED') return undefined;
  const latest = o.refunds?.[o.refunds.length - 1];
  if (!latest) return undefined;
  if (latest.status === 'PROCESSING') return latest.at + LIMITS.refundQueryDelayMs;
  if (latest.status !== 'CLOSED') return undefined;
  if (o.lastError?.code === 'MERCHANT_ACCOUNT_ABNORMAL') return (latest.settledAt ?? latest.at) + CHECKOUT.unverifiedRecheckMs;
  return timerMayRetry(o, true) ? (latest.settledAt ?? latest.at) : undefined;
}

/** The timer found nothing to do yet: look again at `at` (a PROCESSING answer, an unverified shop). */
export function deferOrderTimer(o: Order, at: EpochMs): Order {
  return { ...o, version: (o.version ?? 0) + 1, timerAt: at };
}

/** The picture a case's cards show: the first claimed line's that has one (none for a shipping-fee case). */
export function claimedImage(order: Pick<Order, 'items'>, items: readonly { skuId: string }[]): string | undefined {
  for (const it of items) {
    const image = order.items.find((l) => l.skuId === it.skuId)?.image;
    if (image) return image;
  }
  return undefined;
}
