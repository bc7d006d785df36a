/**
 * SPEC §7 "Orders in": how one order a shop's own system sends (`orderSync`) meets the order as stored.
 * Pure: the shape was checked by the schema (src/server/orderSyncSchema.ts); this decides whether the
 * order is coherent, whether the move from the stored one is allowed, and what is written.
 *
 * What it protects: the after-sale rules read an order's money (R3, R10, R11), its lines (R11, R32),
 * its payment time (R31) and its delivery time (R2). So statuses move only forward, and once an order
 * is paid its amounts, lines, buyer and payment time are fixed; once shipped or delivered, those times
 * are fixed too (a later `deliveredAt` would reopen a buyer's window, an earlier one would shut it).
 */
import type { EpochMs, Order, OrderStatus } from '../../types/domain';
import { DomainError } from './errors';

/** What a shop's system may say about an order: the seed shape, without what only this system sets. */
export type SyncedOrder = Omit<Order, 'paidAt' | 'refundScenario'> & { paidAt?: EpochMs };

export type SyncJudgement = { kind: 'WRITE'; order: Order } | { kind: 'UNCHANGED' } | { kind: 'REJECT'; error: DomainError };

/** How far ahead of the host's clock a time may be (the shop's servers' clocks drift a little). */
export const SYNC_CLOCK_SKEW_MS = 5 * 60_000;

const RANK: Record<OrderStatus, number> = { UNPAID: 0, PAID: 1, SHIPPED: 2, DELIVERED: 3, COMPLETED: 4, CANCELLED: -1 };

const PAID_ON: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED'];
const SHIPPED_ON: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED', 'COMPLETED'];
const DELIVERED_ON: readonly OrderStatus[] = ['DELIVERED', 'COMPLETED'];

function reject(code: 'INVALID_INPUT' | 'FORBIDDEN' | 'ORDER_STATUS_INVALID', message: string, field?: string): SyncJudgement {
  return { kind: 'REJECT', error: new DomainError(code, { message, ...(field !== undefined ? { field } : {}) }) };
}

/** JSON with sorted keys: two records with the same content compare equal whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The order on its own: required times, their order, no time in the future, the money adding up. */
function coherenceProblem(o: SyncedOrder, now: EpochMs): SyncJudgement | null {
  if (PAID_ON.includes(o.status) && o.paidAt === undefined) return reject('INVALID_INPUT', '已支付的订单须有支付时间 paidAt', 'paidAt');
  if (SHIPPED_ON.includes(o.status) && o.shippedAt === undefined) return reject('INVALID_INPUT', '已发货的订单须有发货时间 shippedAt', 'shippedAt');
  if (DELIVERED_ON.includes(o.status) && o.deliveredAt === undefined) return reject('INVALID_INPUT', '已签收的订单须有签收时间 deliveredAt', 'deliveredAt');
  if (!SHIPPED_ON.includes(o.status) && o.status !== 'CANCELLED' && o.shippedAt !== undefined) {
    return reject('INVALID_INPUT', '未发货的订单不能有发货时间', 'shippedAt');
  }
  if (!DELIVERED_ON.includes(o.status) && o.deliveredAt !== undefined) return reject('INVALID_INPUT', '未签收的订单不能有签收时间', 'deliveredAt');
  if (o.status === 'CANCELLED' && o.shippedAt !== undefined) return reject('INVALID_INPUT', '已发货的订单不能取消，请走售后', 'shippedAt');
  const times: [keyof SyncedOrder, EpochMs | undefined][] = [
    ['createdAt', o.createdAt],
    ['paidAt', o.paidAt],
    ['shippedAt', o.shippedAt],
    ['deliveredAt', o.deliveredAt],
  ];
  for (const [field, at] of times) {
    if (at !== undefined && at > now + SYNC_CLOCK_SKEW_MS) return reject('INVALID_INPUT', '时间不能晚于当前时间', field);
  }
  const present = times.filter(([, at]) => at !== undefined) as [string, EpochMs][];
  for (let i = 1; i < present.length; i += 1) {
    if (present[i][1] < present[i - 1][1]) return reject('INVALID_INPUT', `${present[i][0]} 不能早于 ${present[i - 1][0]}`, present[i][0]);
  }
  const skus = new Set<string>();
  let linesFen = 0;
  for (let i = 0; i < o.items.length; i += 1) {
    const line = o.items[i];
    if (skus.has(line.skuId)) return reject('INVALID_INPUT', '同一商品（skuId）在订单中只能有一行', `items.${i}.skuId`);
    skus.add(line.skuId);
    if (line.paidFen > line.unitFen * line.qty) return reject('INVALID_INPUT', '商品实付金额不能超过单价×数量', `items.${i}.paidFen`);
    linesFen += line.paidFen;
  }
  if (linesFen + o.shippingFen !== o.paidFen) {
    return reject('INVALID_INPUT', '订单实付金额须等于各商品实付金额之和加运费（单位：分）', 'paidFen');
  }
  return null;
}

/** Fields fixed once the order is paid, each named as the refusal names it. */
const FIXED_WHEN_PAID = ['buyerOpenid', 'paidFen', 'shippingFen', 'payChannel', 'paidAt', 'items'] as const;

/**
 * One order of an `orderSync` call for the shop `shopId` (the one its key opened), against the stored
 * order with that `_id` (null: new). `now` is the host's clock.
 */
export function judgeSyncedOrder(incoming: SyncedOrder, stored: Order | null, shopId: string, now: EpochMs): SyncJudgement {
  // Another shop's order, by what it says or by what is stored: refused alike, naming nothing of it.
  if (incoming.shopId !== shopId || (stored !== null && stored.shopId !== shopId)) {
    return reject('FORBIDDEN', '该订单不属于此店铺，不能同步', 'shopId');
  }
  const problem = coherenceProblem(incoming, now);
  if (problem) return problem;

  if (stored) {
    const from = stored.status;
    const to = incoming.status;
    if (from === 'CANCELLED' && to !== 'CANCELLED') return reject('ORDER_STATUS_INVALID', '订单已取消，状态不能再改变', 'status');
    if (to === 'CANCELLED' && RANK[from] >= RANK.SHIPPED) return reject('ORDER_STATUS_INVALID', '订单已发货，不能改为已取消；请走售后', 'status');
    if (to !== 'CANCELLED' && RANK[to] < RANK[from]) return reject('ORDER_STATUS_INVALID', `订单状态只能向前：${from} 不能改回 ${to}`, 'status');
    if (incoming.buyerOpenid !== stored.buyerOpenid) return reject('INVALID_INPUT', '订单的买家不能更改', 'buyerOpenid');
    // A cancelled order may have been paid (and refunded): its money stays as it was, like a paid one's.
    if (PAID_ON.includes(from) || from === 'CANCELLED') {
      for (const field of FIXED_WHEN_PAID) {
        if (canonical(incoming[field]) !== canonical(stored[field])) return reject('INVALID_INPUT', '已支付订单的金额、商品、买家和支付时间不能更改', field);
      }
    }
    if (stored.shippedAt !== undefined && incoming.shippedAt !== undefined && incoming.shippedAt !== stored.shippedAt) {
      return reject('INVALID_INPUT', '发货时间一经同步不能更改', 'shippedAt');
    }
    if (stored.deliveredAt !== undefined && incoming.deliveredAt !== stored.deliveredAt) {
      return reject('INVALID_INPUT', '签收时间一经同步不能更改（它决定买家的售后期限）', 'deliveredAt');
    }
  }

  // What this system keeps of the stored order (its own records: payments, refunds, timers, version),
  // with what the shop's system says on top; an optional field the shop leaves out keeps its value.
  const base: Partial<Order> = stored ? { ...stored } : {};
  const next: Order = {
    ...base,
    ...incoming,
    paidAt: incoming.paidAt ?? stored?.paidAt ?? incoming.createdAt ?? now,
  } as Order;
  if (stored) {
    const { version: _v, ...a } = next;
    const { version: _w, ...b } = stored;
    if (canonical(a) === canonical(b)) return { kind: 'UNCHANGED' };
  }
  next.version = (stored?.version ?? 0) + 1;
  return { kind: 'WRITE', order: next };
}
