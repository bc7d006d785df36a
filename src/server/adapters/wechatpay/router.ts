/**
 * The one gateway port in front of each shop's own way of paying back (SPEC §7 "Money out, per
 * shop"): a shop whose `settings.payment.provider` is WECHATPAY_V3 refunds through its own merchant
 * account (WechatPayV3Gateway); every other shop through the deployment's default gateway (cloudPay in
 * the cloud, the simulated gateway locally), with its own sub-merchant when its settings name one.
 */
import type { EpochMs, PaymentSettings, Shop } from '../../../../types/domain';
import type { CaseRepo, OrderRepo, RefundGateway, RefundQueryStatus, RefundRequest, ShopRepo } from '../../ports';
import type { V3Settings } from './env';

export interface RouterDeps {
  /** Shops without settings.payment, and CLOUDPAY shops when no `cloudPay` factory is given. */
  fallback: RefundGateway;
  /** A cloudPay gateway for a shop's own sub-merchant. */
  cloudPay?: (subMchId: string) => RefundGateway;
  /** A v3 gateway for a shop's own merchant account (secrets from the environment). */
  v3: (settings: V3Settings) => RefundGateway;
  shops: Pick<ShopRepo, 'get'>;
  orders: Pick<OrderRepo, 'get'>;
  cases: Pick<CaseRepo, 'findByOutRefundNo'>;
}

function key(p: PaymentSettings): string {
  return p.provider === 'CLOUDPAY' ? `C/${p.subMchId}` : `V3/${p.mchId}/${p.certSerial}/${p.platformPublicKeyId ?? ''}/${p.platformCertSerial ?? ''}`;
}

export class ProviderRoutedGateway implements RefundGateway {
  private readonly gateways = new Map<string, RefundGateway>();

  constructor(private readonly deps: RouterDeps) {}

  /** The gateway that pays `shop`'s refunds. */
  forShop(shop: Pick<Shop, 'settings'> | null | undefined): RefundGateway {
    const p = shop?.settings?.payment;
    if (!p || (p.provider === 'CLOUDPAY' && !this.deps.cloudPay)) return this.deps.fallback;
    const k = key(p);
    let g = this.gateways.get(k);
    if (!g) {
      g = p.provider === 'CLOUDPAY' ? this.deps.cloudPay!(p.subMchId) : this.deps.v3(p);
      this.gateways.set(k, g);
    }
    return g;
  }

  private async shopOf(shopId: string | undefined): Promise<Shop | null> {
    return shopId ? this.deps.shops.get(shopId) : null;
  }

  async request(r: RefundRequest): ReturnType<RefundGateway['request']> {
    if (r.shop) {
      const { shop, ...request } = r;
      return this.forShop(shop).request(request);
    }
    const shopId = r.shopId ?? (await this.deps.orders.get(r.orderId))?.shopId;
    return this.forShop(await this.shopOf(shopId)).request(r);
  }

  async query(outRefundNo: string, shopId?: string): Promise<{ status: RefundQueryStatus; settledAt?: EpochMs; failure?: string }> {
    const id = shopId ?? (await this.deps.cases.findByOutRefundNo(outRefundNo))?.shopId ?? (await this.orderShopOf(outRefundNo));
    return this.forShop(await this.shopOf(id)).query(outRefundNo, id);
  }

  /** The shop of an order cancellation's refund (`<orderId>-<n>`, SPEC §7), when the order holds that number. */
  private async orderShopOf(outRefundNo: string): Promise<string | undefined> {
    const i = outRefundNo.lastIndexOf('-');
    if (i <= 0) return undefined;
    const order = await this.deps.orders.get(outRefundNo.slice(0, i));
    return order && (order.refunds ?? []).some((a) => a.outRefundNo === outRefundNo) ? order.shopId : undefined;
  }
}
