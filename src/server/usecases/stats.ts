/** merchant.stats (R25): the core counts; the server gathers the period's cases, orders and titles. */
import type { AfterSaleCase } from '../../../types/domain';
import { computeStats } from '../../core/stats';
import type { Services } from '../ports';
import { merchantShopId, type UseCase } from './types';

/** SKU titles for the report: copied onto cases at apply when the core does so, else read from the orders. */
async function skuTitles(svc: Services, cases: readonly AfterSaleCase[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const orderIds = new Set<string>();
  for (const c of cases) {
    c.items.forEach((it, i) => {
      const t = c.itemTitles?.[i];
      if (t !== undefined) titles.set(it.skuId, t);
      else orderIds.add(c.orderId);
    });
  }
  const orders = await Promise.all([...orderIds].map((id) => svc.orders.get(id)));
  for (const o of orders) for (const line of o?.items ?? []) if (!titles.has(line.skuId)) titles.set(line.skuId, line.title);
  return titles;
}

export const stats: UseCase<'merchant.stats'> = async (svc, access, input) => {
  const shopId = merchantShopId(access);
  const [cases, delivered] = await Promise.all([
    svc.cases.listForStats(shopId, input.from, input.to),
    svc.orders.countDelivered(shopId, input.from, input.to),
  ]);
  const titles = await skuTitles(svc, cases);
  return computeStats(cases, delivered, input.from, input.to, (skuId) => titles.get(skuId));
};
