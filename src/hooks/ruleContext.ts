import type { OrderView } from '../../types/api';
import type { RuleContext } from '../core/context';
import { shopWithDefaults } from '../core/settings';

/**
 * The facts the shared core needs, as the device has them: the order with the buyer's cases on it and
 * the buyer's recent case times come with `order.get`; the shop's yearly total (R3) is the server's to
 * check, so the device passes 0 and the server stays the authority.
 */
export function ruleContextOf(order: OrderView, callerOpenid: string, now: number): RuleContext {
  const { shop, cases, buyerCaseTimes, riskLiftedAt } = order;
  return {
    now,
    order,
    shop: shopWithDefaults({ _id: shop._id, name: shop.name, verified: shop.verified, returnAddress: shop.returnAddress, settings: shop.settings }),
    orderCases: cases,
    buyerCaseTimes,
    ...(riskLiftedAt !== undefined ? { riskLiftedAt } : {}),
    shopYearRefundedFen: 0,
    callerOpenid,
  };
}
