/** whoami, order.list, order.get: what the buyer's pages read before any case exists. */
import type { Identity, OrderView } from '../../../types/api';
import type { EpochMs, Order, Shop } from '../../../types/domain';
import type { Services } from '../ports';
import { syncPayment } from './checkout';
import { loadBuyerRisk, loadShop } from './context';
import { viewsAt } from './expiry';
import { checkedOrder, DEFAULT_PAGE, type UseCase } from './types';

export const whoami: UseCase<'whoami'> = async (svc, { caller }) => {
  const identity: Identity = { openid: caller.openid, role: caller.role };
  if (caller.shopId !== undefined) {
    identity.shopId = caller.shopId;
    const shop = await svc.shops.get(caller.shopId);
    if (shop) identity.shopName = shop.name;
  }
  return identity;
};

/** The subset of the shop the buyer's device needs to preview rules and show the policy (R27, R28). */
function shopSummary(shop: Shop): OrderView['shop'] {
  const s = shop.settings;
  const summary: OrderView['shop'] = {
    _id: shop._id,
    name: shop.name,
    verified: shop.verified,
    settings: {
      policyText: s.policyText,
      hotline: s.hotline,
      officialAccount: s.officialAccount,
      windowDays: s.windowDays,
      windowDaysByReason: s.windowDaysByReason,
      valuableItemFen: s.valuableItemFen,
      customsFeeFen: s.customsFeeFen,
      platformFeeRateBp: s.platformFeeRateBp,
      autoApproveHours: s.autoApproveHours,
      subscribeTemplateIds: s.subscribeTemplateIds,
    },
  };
  if (shop.returnAddress) summary.returnAddress = shop.returnAddress;
  return summary;
}

async function viewOf(
  svc: Services,
  order: Order,
  shop: Shop,
  risk: { buyerCaseTimes: EpochMs[]; riskLiftedAt?: EpochMs },
): Promise<OrderView> {
  // As the sweep will leave them (SPEC §3: lists do not write), so the device's preview matches the server's.
  const stored = (await svc.cases.listByOrder(order._id)).filter((c) => c.buyerOpenid === order.buyerOpenid);
  const cases = await viewsAt(svc, stored, svc.clock.now());
  const view: OrderView = { ...order, shop: shopSummary(shop), cases, buyerCaseTimes: risk.buyerCaseTimes };
  if (risk.riskLiftedAt !== undefined) view.riskLiftedAt = risk.riskLiftedAt;
  return view;
}

export const getOrder: UseCase<'order.get'> = async (svc, access) => {
  // SPEC §7: a payment started and not yet recorded is asked for, as a callback would (it may have been lost).
  const { order } = await syncPayment(svc, checkedOrder(access));
  const [shop, risk] = await Promise.all([
    loadShop(svc, order.shopId),
    loadBuyerRisk(svc, order.buyerOpenid, svc.clock.now()),
  ]);
  return viewOf(svc, order, shop, risk);
};

export const listOrders: UseCase<'order.list'> = async (svc, { caller }, input) => {
  const page = await svc.orders.listForBuyer(caller.openid, {
    status: input.status,
    cursor: input.cursor,
    limit: input.limit ?? DEFAULT_PAGE,
  });
  const risk = await loadBuyerRisk(svc, caller.openid, svc.clock.now());
  const shops = new Map<string, Promise<Shop>>();
  const shopOf = (id: string): Promise<Shop> => {
    let s = shops.get(id);
    if (!s) {
      s = loadShop(svc, id);
      shops.set(id, s);
    }
    return s;
  };
  const items = await Promise.all(page.items.map(async (o) => viewOf(svc, o, await shopOf(o.shopId), risk)));
  return { items, nextCursor: page.nextCursor };
};
