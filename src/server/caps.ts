/**
 * R3's caps as the repositories guard them (docs/DESIGN.md "Cap guard"): what one case holds against
 * its order's 105% and its shop's calendar year, taken from the core's own rules so that the guard
 * and the rules never disagree, and the error a write past a cap is refused with.
 */
import type { AfterSaleCase, Fen, Order } from '../../types/domain';
import { DomainError } from '../core/errors';
import { formatYuan } from '../core/money';
import { orderRefundHeldFen } from '../core/orders';
import { committedOnOrderFen, committedToYearFen, orderRefundCapFen } from '../core/rules';
import { LIMITS } from '../core/settings';
import { shanghaiYear } from '../core/time';
import type { CapClaim } from './ports';

/** What a case holds against its order and its shop's year. */
export interface CapShares {
  orderFen: Fen;
  /** Absent when the case holds nothing against any year. */
  year?: { year: number; fen: Fen };
}

export function capShares(c: AfterSaleCase): CapShares {
  const orderFen = committedOnOrderFen([c]);
  const yearFen = committedToYearFen(c);
  return yearFen !== 0 && c.approvedAt !== undefined ? { orderFen, year: { year: shanghaiYear(c.approvedAt), fen: yearFen } } : { orderFen };
}

/** The claim of writing `c` (CapClaim): its shares and the caps they count against. */
export function capClaimOf(c: AfterSaleCase, order: Pick<Order, '_id' | 'paidFen'>): CapClaim {
  const shares = capShares(c);
  return {
    order: { orderId: order._id, fen: shares.orderFen, capFen: orderRefundCapFen(order) },
    year: {
      shopId: c.shopId,
      year: shares.year?.year ?? shanghaiYear(c.approvedAt ?? c.updatedAt),
      fen: shares.year?.fen ?? 0,
      capFen: LIMITS.yearlyRefundCapFen,
    },
  };
}

/** The shares a claim states (what the adapters compare with the stored case's). */
export function sharesOfClaim(claim: CapClaim): CapShares {
  return claim.year.fen !== 0 ? { orderFen: claim.order.fen, year: { year: claim.year.year, fen: claim.year.fen } } : { orderFen: claim.order.fen };
}

/** One running total a write moves: the order's, or a shop's year. */
export interface TotalMove {
  kind: 'ORDER' | 'YEAR';
  /** order id, or `<shopId>` with `year`. */
  key: string;
  year?: number;
  delta: Fen;
}

/** How writing `next` over `before` (null: a new case) moves the running totals. */
export function totalMoves(before: CapShares | null, next: CapShares, orderId: string, shopId: string): TotalMove[] {
  const moves: TotalMove[] = [];
  const orderDelta = next.orderFen - (before?.orderFen ?? 0);
  if (orderDelta !== 0) moves.push({ kind: 'ORDER', key: orderId, delta: orderDelta });
  const years = new Map<number, Fen>();
  if (before?.year) years.set(before.year.year, -before.year.fen);
  if (next.year) years.set(next.year.year, (years.get(next.year.year) ?? 0) + next.year.fen);
  for (const [year, delta] of years) if (delta !== 0) moves.push({ kind: 'YEAR', key: shopId, year, delta });
  return moves;
}

/**
 * What an order's cancellation holds against its shop's year (docs/DESIGN.md "Cap guard: order
 * cancellations"): its live refund (the core's orderRefundHeldFen) in the Shanghai year it was
 * cancelled; undefined when it holds nothing.
 */
export function orderYearShare(o: Pick<Order, 'cancelledAt' | 'refunds'>): { year: number; fen: Fen } | undefined {
  if (o.cancelledAt === undefined) return undefined;
  const fen = orderRefundHeldFen(o as Order);
  return fen !== 0 ? { year: shanghaiYear(o.cancelledAt), fen } : undefined;
}

/**
 * How writing an order whose cancellation holds `next` over one that held `before` moves its shop's
 * year totals (YEAR moves only; the order's 105% cap is the cases').
 */
export function orderTotalMoves(before: { year: number; fen: Fen } | undefined, next: { year: number; fen: Fen } | undefined, shopId: string): TotalMove[] {
  const years = new Map<number, Fen>();
  if (before) years.set(before.year, -before.fen);
  if (next) years.set(next.year, (years.get(next.year) ?? 0) + next.fen);
  const moves: TotalMove[] = [];
  for (const [year, delta] of years) if (delta !== 0) moves.push({ kind: 'YEAR', key: shopId, year, delta });
  return moves;
}

/** R3 refused at the commit: the same words the core's check uses. */
export function capExceeded(kind: 'ORDER' | 'YEAR', capFen: Fen, heldFen: Fen): DomainError {
  const message =
    kind === 'ORDER'
      ? `本订单退款累计不能超过实付金额的${LIMITS.refundCapPercent}%，还可退${formatYuan(Math.max(0, capFen - heldFen))}`
      : `本店今年的退款累计将超过${formatYuan(capFen)}的年度上限`;
  return new DomainError('AMOUNT_EXCEEDS_LIMIT', { field: 'amountFen', message });
}

/** R3's yearly cap refused at an order's commit (order.cancel, a refund retried): the core's own words for it. */
export function orderCapExceeded(capFen: Fen): DomainError {
  return new DomainError('AMOUNT_EXCEEDS_LIMIT', { rule: 'R3', message: `本店今年的退款累计将超过${formatYuan(capFen)}的年度上限` });
}
