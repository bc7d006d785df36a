/**
 * merchant.stats (R25): the core's StatsFold over the period's cases, read a page at a time
 * (CaseRepo.scanForStats), so a period's cases are never in memory together; the SKU titles the
 * report names come from the cases (copied at apply) or else from their orders.
 */
import { StatsFold, type StatsCase } from '../../core/stats';
import type { Services } from '../ports';
import { merchantShopId, type UseCase } from './types';

/**
 * SKU titles as the scan meets them: copied titles win over the orders' (the last copy of a SKU's
 * title wins, the first order that has the SKU wins), as when every case was read at once.
 */
class SkuTitleBook {
  private readonly copied = new Map<string, string>();
  private readonly fromOrders = new Map<string, string>();
  private readonly ordersRead = new Set<string>();

  constructor(private readonly svc: Services) {}

  /** Notes a page's copied titles, and reads the orders of its cases that have a line without one. */
  async add(page: readonly StatsCase[]): Promise<void> {
    const orderIds: string[] = [];
    for (const c of page) {
      c.items.forEach((it, i) => {
        const t = c.itemTitles?.[i];
        if (t !== undefined) this.copied.set(it.skuId, t);
        else if (!this.ordersRead.has(c.orderId)) {
          this.ordersRead.add(c.orderId);
          orderIds.push(c.orderId);
        }
      });
    }
    if (orderIds.length === 0) return;
    const orders = this.svc.orders.getMany
      ? await this.svc.orders.getMany(orderIds).then((found) => orderIds.map((id) => found.get(id)))
      : await Promise.all(orderIds.map((id) => this.svc.orders.get(id)));
    for (const o of orders) for (const line of o?.items ?? []) if (!this.fromOrders.has(line.skuId)) this.fromOrders.set(line.skuId, line.title);
  }

  title = (skuId: string): string | undefined => this.copied.get(skuId) ?? this.fromOrders.get(skuId);
}

export const stats: UseCase<'merchant.stats'> = async (svc, access, input) => {
  const shopId = merchantShopId(access);
  const delivered = svc.orders.countDelivered(shopId, input.from, input.to);
  delivered.catch(() => undefined);
  const fold = new StatsFold(input.from, input.to);
  const titles = new SkuTitleBook(svc);
  for await (const page of svc.cases.scanForStats(shopId, input.from, input.to)) {
    await titles.add(page);
    for (const c of page) fold.add(c);
  }
  return fold.result(await delivered, titles.title);
};
