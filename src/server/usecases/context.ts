/**
 * Loading what the core needs. The core decides on a RuleContext; the use cases build it from the
 * repos, the same way for apply, preview and every transition.
 */
import type { AfterSaleCase, EpochMs, Fen, Order, Shop } from '../../../types/domain';
import type { RuleContext, TransitionContext } from '../../core/context';
import { DomainError } from '../../core/errors';
import { LIMITS, shopWithDefaults } from '../../core/settings';
import { committedOnOrderFen, committedToYearFen } from '../../core/rules';
import { calendarYearRange, DAY_MS, shanghaiYear } from '../../core/time';
import type { KnownTotals, Services } from '../ports';

export async function loadOrder(svc: Services, orderId: string): Promise<Order> {
  const order = await svc.orders.get(orderId);
  if (!order) throw new DomainError('NOT_FOUND', { message: '没有找到这个订单' });
  return order;
}

/** The shop with every default filled in (a seeded shop may carry only part of its settings). */
export async function loadShop(svc: Services, shopId: string): Promise<Shop> {
  const shop = await svc.shops.get(shopId);
  if (!shop) throw new DomainError('NOT_FOUND', { message: '没有找到这个店铺' });
  return shopWithDefaults(shop);
}

/** R7's input: when the buyer's cases of the last 30 days were created, and the platform's lift if any. */
export async function loadBuyerRisk(
  svc: Services,
  buyerOpenid: string,
  now: EpochMs,
): Promise<{ buyerCaseTimes: EpochMs[]; riskLiftedAt?: EpochMs }> {
  const [buyerCaseTimes, riskLiftedAt] = await Promise.all([
    svc.cases.buyerCaseTimes(buyerOpenid, now - LIMITS.riskWindowDays * DAY_MS),
    svc.risk.liftedAt(buyerOpenid),
  ]);
  return riskLiftedAt === undefined ? { buyerCaseTimes } : { buyerCaseTimes, riskLiftedAt };
}

/**
 * Everything the rules read about an order at `now`. `excludeCaseId` keeps the case being decided out
 * of the shop's yearly total (R3), so that its own amount is not counted twice.
 */
export async function loadRuleContext(
  svc: Services,
  order: Order,
  callerOpenid: string,
  now: EpochMs,
  excludeCaseId?: string,
): Promise<RuleContext> {
  return (await readRuleContext(svc, order, callerOpenid, now, excludeCaseId)).ctx;
}

/** loadRuleContext, with the cases' own part of the shop's yearly total (without cancellations) beside it. */
async function readRuleContext(
  svc: Services,
  order: Order,
  callerOpenid: string,
  now: EpochMs,
  excludeCaseId?: string,
): Promise<{ ctx: RuleContext; casesYearFen: Fen; cancelsYearFen: Fen }> {
  const [from, to] = calendarYearRange(now);
  const [shop, orderCases, risk, casesYearFen, cancelsYearFen] = await Promise.all([
    loadShop(svc, order.shopId),
    svc.cases.listByOrder(order._id),
    loadBuyerRisk(svc, order.buyerOpenid, now),
    svc.cases.shopCommittedFen(order.shopId, from, to, excludeCaseId),
    // SPEC §7: an order cancellation's refund counts toward R3's year too.
    svc.orders.shopCancelRefundFen(order.shopId, from, to),
  ]);
  return { ctx: { now, order, shop, orderCases, ...risk, shopYearRefundedFen: casesYearFen + cancelsYearFen, callerOpenid }, casesYearFen, cancelsYearFen };
}

/**
 * The running totals' sums (KnownTotals) as the facts of `c`'s transition read them: the order's from
 * its stored cases, the shop's year from the other cases' sum plus what `c` itself holds in that year.
 */
function knownTotalsOf(c: AfterSaleCase, ctx: RuleContext, casesYearFen: Fen, cancelsYearFen: Fen): KnownTotals {
  const [from, to] = calendarYearRange(ctx.now);
  const own = c.approvedAt !== undefined && c.approvedAt >= from && c.approvedAt < to ? committedToYearFen(c) : 0;
  return {
    order: { orderId: ctx.order._id, fen: committedOnOrderFen(ctx.orderCases) },
    year: { shopId: c.shopId, year: shanghaiYear(ctx.now), fen: casesYearFen + own, ordersFen: cancelsYearFen },
  };
}

export type Actor = TransitionContext['actor'];

/** The context of one transition of `c`, as seen by `actor` (the caller, or the system for timers). */
export async function loadTransitionContext(
  svc: Services,
  c: AfterSaleCase,
  actor: Actor,
  callerOpenid: string,
  now: EpochMs,
): Promise<TransitionContext & { order: Order; known?: KnownTotals }> {
  // The case names its order's shop and buyer, so the order and the rest of the facts are read together
  // (one round trip on the cloud database, not two). An order whose keys disagree is read again the long way.
  const [order, read] = await Promise.all([
    loadOrder(svc, c.orderId),
    readRuleContext(svc, { _id: c.orderId, shopId: c.shopId, buyerOpenid: c.buyerOpenid } as Order, callerOpenid, now, c._id),
  ]);
  if (order.shopId !== c.shopId || order.buyerOpenid !== c.buyerOpenid) {
    const again = await readRuleContext(svc, order, callerOpenid, now, c._id);
    return { ...again.ctx, actor, known: knownTotalsOf(c, again.ctx, again.casesYearFen, again.cancelsYearFen) };
  }
  const ctx = { ...read.ctx, order };
  return { ...ctx, actor, known: knownTotalsOf(c, ctx, read.casesYearFen, read.cancelsYearFen) };
}

/**
 * The contexts of many cases' transitions at one `now` (the sweep's unit of work), each as
 * `loadTransitionContext` would load it: what a shop holds (the shop, its yearly totals) read once per
 * shop, and where the repositories offer set-based reads (`getMany`, `listByOrders`, …) the orders,
 * their cases and the buyers' risk in one query each. A case whose facts cannot be read gets its error.
 */
export async function loadTransitionContexts(
  svc: Services,
  cases: readonly AfterSaleCase[],
  actor: Actor,
  now: EpochMs,
): Promise<((TransitionContext & { order: Order }) | Error)[]> {
  const oneByOne = () => Promise.all(cases.map((c) => loadTransitionContext(svc, c, actor, c.buyerOpenid, now).catch((e: unknown) => e as Error)));
  if (!svc.orders.getMany || !svc.cases.listByOrders || !svc.cases.buyerCaseTimesMany || !svc.risk.liftedAtMany) return oneByOne();
  const [from, to] = calendarYearRange(now);
  const since = now - LIMITS.riskWindowDays * DAY_MS;
  const orderIds = [...new Set(cases.map((c) => c.orderId))];
  const buyers = [...new Set(cases.map((c) => c.buyerOpenid))];
  const shopIds = [...new Set(cases.map((c) => c.shopId))];
  const settle = <T>(p: Promise<T>): Promise<T | Error> => p.catch((e: unknown) => e as Error);
  const read = Promise.all([
    svc.orders.getMany(orderIds),
    svc.cases.listByOrders(orderIds),
    svc.cases.buyerCaseTimesMany(buyers, since),
    svc.risk.liftedAtMany(buyers),
    Promise.all(
      shopIds.map(async (id) => {
        const [shop, casesYearFen, cancelsYearFen] = await Promise.all([
          settle(loadShop(svc, id)),
          svc.cases.shopCommittedFen(id, from, to),
          svc.orders.shopCancelRefundFen(id, from, to),
        ]);
        return [id, { shop, yearFen: casesYearFen + cancelsYearFen }] as const;
      }),
    ).then((entries) => new Map(entries)),
  ]);
  let facts: Awaited<typeof read>;
  try {
    facts = await read;
  } catch (e) {
    // A set-based read failed: each case's facts the one-case way, so that only the cases it concerns fail.
    console.error('facts of a batch could not be read together; reading them one case at a time', e);
    return oneByOne();
  }
  const [orders, orderCases, times, lifts, shops] = facts;
  return Promise.all(
    cases.map(async (c): Promise<(TransitionContext & { order: Order }) | Error> => {
      const order = orders.get(c.orderId);
      const held = shops.get(c.shopId);
      if (!order) return new DomainError('NOT_FOUND', { message: '没有找到这个订单' });
      if (!held) return new DomainError('NOT_FOUND', { message: '没有找到这个店铺' });
      if (held.shop instanceof Error) return held.shop;
      // An order whose keys disagree with its case is read the long way, as loadTransitionContext does.
      if (order.shopId !== c.shopId || order.buyerOpenid !== c.buyerOpenid) {
        return loadTransitionContext(svc, c, actor, c.buyerOpenid, now).catch((e: unknown) => e as Error);
      }
      // R3 without the case being decided: the shop's total less what this very case holds in it.
      const own = c.approvedAt !== undefined && c.approvedAt >= from && c.approvedAt < to ? committedToYearFen(c) : 0;
      const riskLiftedAt = lifts.get(c.buyerOpenid);
      return {
        now,
        order,
        shop: held.shop,
        orderCases: orderCases.get(c.orderId) ?? [],
        buyerCaseTimes: times.get(c.buyerOpenid) ?? [],
        ...(riskLiftedAt === undefined ? {} : { riskLiftedAt }),
        shopYearRefundedFen: held.yearFen - own,
        callerOpenid: c.buyerOpenid,
        actor,
      };
    }),
  );
}
