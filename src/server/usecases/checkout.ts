/**
 * SPEC §7 "A demo checkout, so a refund can be real": buying from the shop's products, paying through
 * the gateway (cloud: cloudPay.unifiedOrder + wx.requestPayment; local: the simulated gateway pays at
 * once), shipping, confirming receipt, and cancelling a paid order with its full refund. The rules are
 * the core's (src/core/orders.ts); here they are loaded, written compare-and-set, and carried out.
 *
 * Callbacks are hints (SPEC §4): a payment is recorded only as `payments.query` reports it, a refund
 * result only as `gateway.query` reports it, whoever asks (payNotify, refundNotify, order.get, the timer).
 */
import type { Page, ShopView } from '../../../types/api';
import type { Order, Shop } from '../../../types/domain';
import { DomainError } from '../../core/errors';
import {
  assertPayable,
  cancelOrder,
  confirmOrderReceipt,
  createOrder,
  deferOrderTimer,
  orderRefundRefused,
  orderRefundSettled,
  orderWaitsOn,
  paymentConfirmed,
  paymentStarted,
  retryOrderRefund,
  shipOrder,
} from '../../core/orders';
import { LIMITS } from '../../core/settings';
import { calendarYearRange } from '../../core/time';
import type { Access } from '../authz';
import type { Services } from '../ports';
import { loadShop } from './context';
import { checkedOrder, DEFAULT_PAGE, merchantShopId, type UseCase } from './types';

const ORDER_RETRIES = 3;

function stateChanged(): DomainError {
  return new DomainError('CASE_STATE_CHANGED', { message: '订单状态已变化，本次操作未生效', solution: '请刷新页面查看订单的最新状态' });
}

/**
 * Applies `change` to the freshest order until one write wins: a lost race reloads and asks again
 * (`change` answers null once there is nothing left to do). Returns the order as written, or the
 * stored one when nothing was written.
 */
export async function changeOrder(svc: Services, start: Order, change: (o: Order) => Order | null): Promise<{ order: Order; written: boolean }> {
  let current = start;
  for (let i = 0; i < ORDER_RETRIES; i += 1) {
    const next = change(current);
    if (!next) return { order: current, written: false };
    if (await svc.orders.update(next, current.version ?? 0)) return { order: next, written: true };
    const fresh = await svc.orders.get(start._id);
    if (!fresh) throw new DomainError('NOT_FOUND', { message: '没有找到这个订单' });
    current = fresh;
  }
  throw stateChanged();
}

/** A person's action on the order: judged on the order as loaded, and refused (409) if it moved meanwhile. */
async function act(svc: Services, order: Order, change: (o: Order) => Order): Promise<Order> {
  const next = change(order);
  if (!(await svc.orders.update(next, order.version ?? 0))) throw stateChanged();
  return next;
}

/** What the checkout page shows of a shop: its name, policy and products. */
export const getShop: UseCase<'shop.get'> = async (svc, _access, input) => {
  const shop = await loadShop(svc, input.shopId);
  const s = shop.settings;
  const view: ShopView = {
    _id: shop._id,
    name: shop.name,
    verified: shop.verified,
    settings: { policyText: s.policyText, hotline: s.hotline, windowDays: s.windowDays },
    products: shop.products ?? [],
  };
  return view;
};

export const createOrderUseCase: UseCase<'order.create'> = async (svc, { caller }, input) => {
  const shop = await loadShop(svc, input.shopId);
  if ((shop.products ?? []).length === 0) throw new DomainError('INVALID_INPUT', { field: 'shopId', message: '这家店铺暂未上架商品' });
  const now = svc.clock.now();
  const order = createOrder({ orderId: svc.ids.id('DD'), shop, buyerOpenid: caller.openid, items: input.items, now });
  if (!(await svc.orders.insert(order))) throw new DomainError('INTERNAL_ERROR');
  return order;
};

/**
 * What the gateway says about an unpaid order's payment, recorded (and a payment that came after the
 * order was cancelled refunded at once). Every path that may learn of a payment comes here.
 */
export async function syncPayment(svc: Services, order: Order): Promise<{ order: Order; applied: boolean }> {
  if (order.payment?.transactionId || !order.payment?.startedAt || (order.status !== 'UNPAID' && order.status !== 'CANCELLED')) {
    return { order, applied: false };
  }
  const q = await svc.payments.query(order._id, order.shopId);
  if (q.status !== 'SUCCESS' || !q.transactionId) return { order, applied: false };
  if (q.totalFen !== undefined && q.totalFen !== order.paidFen) {
    console.error(`payment of ${order._id}: the gateway reports ${q.totalFen} fen paid, the order is ${order.paidFen}; not recorded`);
    return { order, applied: false };
  }
  const paidAt = q.paidAt ?? svc.clock.now();
  const txn = q.transactionId;
  const r = await changeOrder(svc, order, (o) => paymentConfirmed(o, paidAt, txn, svc.clock.now()));
  if (r.written) await requestOrderRefund(svc, r.order);
  return { order: r.order, applied: r.written };
}

export const payOrder: UseCase<'order.pay'> = async (svc, access) => {
  let order = checkedOrder(access);
  assertPayable(order);
  if (order.payment?.startedAt) {
    // A payment already started may have gone through (the page was closed before the result).
    const synced = await syncPayment(svc, order);
    if (synced.applied) return { order: synced.order, payment: { kind: 'PAID' as const } };
  }
  order = (await changeOrder(svc, order, (o) => (o.status === 'UNPAID' && !o.payment?.startedAt ? paymentStarted(o, svc.clock.now()) : null))).order;
  assertPayable(order);
  const shop = await loadShop(svc, order.shopId);
  const payment = await svc.payments.start({
    orderId: order._id,
    shopId: order.shopId,
    totalFen: order.paidFen,
    description: `${shop.name}-${order.items[0].title}${order.items.length > 1 ? '等' : ''}`.slice(0, 40),
    payerOpenid: order.buyerOpenid,
  });
  // The simulated gateway has paid already: what it reports is recorded now, as a callback would have it.
  if (payment.kind === 'PAID') order = (await syncPayment(svc, order)).order;
  return { order, payment };
};

/** The `payNotify` function: a payment callback names an order; what is recorded is what the gateway reports. */
export async function applyPayNotify(svc: Services, outTradeNo: string): Promise<{ orderId: string; applied: boolean }> {
  const order = await svc.orders.get(outTradeNo);
  if (!order) {
    console.warn(`payNotify: ${outTradeNo} is no order; acknowledged, nothing applied`);
    return { orderId: outTradeNo, applied: false };
  }
  const synced = await syncPayment(svc, order);
  return { orderId: order._id, applied: synced.applied };
}

export const confirmOrder: UseCase<'order.confirmReceipt'> = async (svc, access) =>
  act(svc, checkedOrder(access), (o) => confirmOrderReceipt(o, svc.clock.now(), 'BUYER'));

/** R3's yearly total of the shop: its cases' and its cancellations' refunds this calendar year. */
async function shopYearFen(svc: Services, shopId: string): Promise<number> {
  const [from, to] = calendarYearRange(svc.clock.now());
  const [cases, orders] = await Promise.all([svc.cases.shopCommittedFen(shopId, from, to), svc.orders.shopCancelRefundFen(shopId, from, to)]);
  return cases + orders;
}

export const cancelOrderUseCase: UseCase<'order.cancel'> = async (svc, access) => {
  let order = checkedOrder(access);
  // A payment in flight may have completed: cancelling then refunds it.
  order = (await syncPayment(svc, order)).order;
  const year = order.status === 'PAID' ? await shopYearFen(svc, order.shopId) : 0;
  const cancelled = await act(svc, order, (o) => cancelOrder(o, svc.clock.now(), year));
  return requestOrderRefund(svc, cancelled);
};

/**
 * Asks the gateway to pay the order's latest attempt, if it is PROCESSING. Refused (R4, R5, R31): the
 * attempt is recorded CLOSED with why. A timeout leaves it PROCESSING for the timer's query, which
 * re-sends the same number: the order is refunded at most once.
 */
export async function requestOrderRefund(svc: Services, order: Order): Promise<Order> {
  const attempt = order.refunds?.[order.refunds.length - 1];
  if (!attempt || attempt.status !== 'PROCESSING') return order;
  let reply: Awaited<ReturnType<Services['gateway']['request']>>;
  try {
    reply = await svc.gateway.request({
      outRefundNo: attempt.outRefundNo,
      caseId: order._id,
      shopId: order.shopId,
      orderId: order._id,
      amountFen: attempt.amountFen,
      totalFen: order.paidFen,
      payChannel: order.payChannel,
      method: 'ORIGINAL',
    });
  } catch (e) {
    console.error(`order refund ${attempt.outRefundNo} did not complete; the timer will query it`, e);
    return order;
  }
  if (reply.accepted) return order;
  const error = reply.error;
  return (await changeOrder(svc, order, (o) => orderRefundRefused(o, attempt.outRefundNo, error, svc.clock.now()))).order;
}

/** A refund number of an order's cancellation (`<orderId>-<n>`): the order, or null. */
export async function orderOfRefund(svc: Services, outRefundNo: string): Promise<Order | null> {
  const i = outRefundNo.lastIndexOf('-');
  if (i <= 0) return null;
  const order = await svc.orders.get(outRefundNo.slice(0, i));
  return order && (order.refunds ?? []).some((a) => a.outRefundNo === outRefundNo) ? order : null;
}

/** Records how the gateway reports the order's attempt `outRefundNo`, if the order still waits on it. */
export async function settleOrderRefund(svc: Services, order: Order, outRefundNo: string): Promise<{ reported: string; order: Order | null }> {
  if (!orderWaitsOn(order, outRefundNo)) return { reported: 'UNCHECKED', order: null };
  const q = await svc.gateway.query(outRefundNo, order.shopId);
  if (q.status !== 'SUCCESS' && q.status !== 'ABNORMAL' && q.status !== 'CLOSED') return { reported: q.status, order: null };
  const status = q.status;
  const settledAt = q.settledAt ?? svc.clock.now();
  const r = await changeOrder(svc, order, (o) => orderRefundSettled(o, outRefundNo, status, settledAt, q.failure));
  return { reported: status, order: r.written ? r.order : null };
}

export const shipOrderUseCase: UseCase<'merchant.ship'> = async (svc, access, input) =>
  act(svc, checkedOrder(access), (o) => shipOrder(o, input.company, input.trackingNo, svc.clock.now()));

export const listShopOrders: UseCase<'merchant.orders'> = async (svc, access, input): Promise<Page<Order>> =>
  svc.orders.listForShop(merchantShopId(access), { status: input.status, cursor: input.cursor, limit: input.limit ?? DEFAULT_PAGE });

/** merchant.retryRefund {orderId}: a new attempt after an ABNORMAL one (or a refusal the merchant has fixed). */
export async function retryOrderRefundUseCase(svc: Services, access: Access): Promise<Order> {
  const order = checkedOrder(access);
  const shop = await loadShop(svc, order.shopId);
  const next = await act(svc, order, (o) => retryOrderRefund(o, svc.clock.now(), 'MERCHANT', shop.verified));
  return requestOrderRefund(svc, next);
}


export interface OrderSweepReport {
  ordersConfirmed: number;
  orderRefundsSettled: number;
  orderRefundsRetried: number;
}

/**
 * The timer's share of §7 (called by sweep.ts): every order whose timerAt ≤ now, in batches, keyset
 * paged. Shipped 10 days ago → DELIVERED (deliveredAt = shippedAt + 10 d); a refund in flight →
 * queried (re-sent when the gateway never got it); a CLOSED one → retried under a new number once the
 * gateway confirms it CLOSED. Anything that cannot move yet is looked at again later.
 */
export async function sweepOrders(svc: Services, batchSize: number, spent: () => boolean): Promise<OrderSweepReport & { remaining: boolean }> {
  const report = { ordersConfirmed: 0, orderRefundsSettled: 0, orderRefundsRetried: 0, remaining: false };
  const now = svc.clock.now();
  let after: { timerAt: number; id: string } | undefined;
  const shops = new Map<string, Promise<Shop>>();
  for (;;) {
    if (spent()) {
      report.remaining = (await svc.orders.due(now, 1, after)).length > 0;
      return report;
    }
    const batch = await svc.orders.due(now, batchSize, after);
    if (batch.length === 0) return report;
    const last = batch[batch.length - 1];
    after = { timerAt: last.timerAt as number, id: last._id };
    for (const o of batch) {
      try {
        let shop = shops.get(o.shopId);
        if (!shop) {
          shop = loadShop(svc, o.shopId);
          shops.set(o.shopId, shop);
        }
        await sweepOne(svc, o, await shop, now, report);
      } catch (e) {
        console.error(`sweep: order ${o._id} failed; looked at again later`, e);
      }
    }
  }
}

async function sweepOne(svc: Services, o: Order, shop: Shop, now: number, report: OrderSweepReport): Promise<void> {
  if (o.status === 'SHIPPED') {
    const r = await changeOrder(svc, o, (cur) => (cur.status === 'SHIPPED' ? confirmOrderReceipt(cur, now, 'SYSTEM') : null));
    if (r.written) report.ordersConfirmed += 1;
    return;
  }
  const latest = o.refunds?.[o.refunds.length - 1];
  if (o.status !== 'CANCELLED' || !latest) return;
  if (latest.status === 'PROCESSING') {
    const settled = await settleOrderRefund(svc, o, latest.outRefundNo);
    if (settled.order) {
      report.orderRefundsSettled += 1;
      return;
    }
    if (settled.reported === 'UNKNOWN') {
      await requestOrderRefund(svc, o);
      report.orderRefundsRetried += 1;
    }
    await svc.orders.update(deferOrderTimer(o, now + LIMITS.refundQueryDelayMs), o.version ?? 0);
    return;
  }
  if (latest.status === 'CLOSED') {
    if (o.lastError?.code === 'MERCHANT_ACCOUNT_ABNORMAL' && !shop.verified) {
      await svc.orders.update(deferOrderTimer(o, now + 60 * 60 * 1000), o.version ?? 0);
      return;
    }
    // Retried under a new number only once the gateway confirms the old one CLOSED (SPEC §4); a refusal
    // that never reached the gateway (R5) is not in its books at all.
    const q = await svc.gateway.query(latest.outRefundNo, o.shopId);
    if (q.status !== 'CLOSED' && q.status !== 'UNKNOWN') {
      console.error(`order refund ${latest.outRefundNo} is recorded CLOSED but the gateway reports ${q.status}: not retried`);
      await svc.orders.update(deferOrderTimer(o, now + LIMITS.refundQueryDelayMs), o.version ?? 0);
      return;
    }
    const r = await changeOrder(svc, o, (cur) => {
      try {
        return retryOrderRefund(cur, now, 'SYSTEM', shop.verified);
      } catch (e) {
        if (e instanceof DomainError) return null;
        throw e;
      }
    });
    if (r.written) {
      report.orderRefundsRetried += 1;
      await requestOrderRefund(svc, r.order);
    }
  }
}
