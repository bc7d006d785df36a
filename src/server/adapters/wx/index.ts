/**
 * The cloud composition: every port of ../../ports.ts on wx-server-sdk. The function entries
 * (cloudfunctions/<fn>/src/index.ts) require the SDK, call `cloud.init`, and hand the `cloud` object here.
 */
import type { Notification } from '../../../../types/domain';
import type { Services } from '../../ports';
import { RandomIdGen } from '../local/ids';
import { WxCaseRepo } from './cases';
import { CloudStorageFileStore } from './files';
import { CloudPayGateway, type CloudPayConfig } from './gateway';
import { MINIPROGRAM_STATES, SubscribeMessageNotifier, type MiniprogramState, type TemplateResolver } from './notifier';
import { ShopRoutedPaymentGateway } from './payments';
import { CachedMerchantRepo, WxOrderSyncRepo, WxPeopleRepo } from './people';
import { WxMerchantRepo, WxOrderRepo, WxRiskRepo, WxShopRepo } from './repos';
import type { WxCloud } from './sdk';
import { wechatpayEnvFrom, type WechatpayEnv } from '../wechatpay/env';
import { WechatPayV3Gateway } from '../wechatpay/gateway';
import { ProviderRoutedGateway } from '../wechatpay/router';

export type { WxCloud } from './sdk';
export { COLLECTIONS } from './sdk';

export type WxConfig = CloudPayConfig & {
  /** WeChat Pay v3 merchants' secrets and URLs (SPEC §7), read from the same environment (wechatpay/env.ts). */
  wechatpay?: WechatpayEnv;
  /** SPEC §7 demo checkout: the function cloudPay.unifiedOrder sends payment results to (default payNotify). */
  payNotifyFunction?: string;
  /** Which version a subscribe message's tap opens: developer | trial | formal (default formal). */
  miniprogramState?: MiniprogramState;
};

/**
 * MINIPROGRAM_STATE as subscribeMessage.send takes it. Anything else is a deployment mistake: it is
 * logged once, when the function builds its services, and messages open the released version.
 */
export function miniprogramStateFrom(value: string | undefined): MiniprogramState {
  if (value === undefined || value.trim() === '') return 'formal';
  const v = value.trim();
  if ((MINIPROGRAM_STATES as readonly string[]).includes(v)) return v as MiniprogramState;
  console.error(`MINIPROGRAM_STATE "${value}" is not one of ${MINIPROGRAM_STATES.join(' | ')}; subscribe messages will open the formal (released) version`);
  return 'formal';
}

/**
 * The function's settings from its environment variables (cloud console → 云函数 → 版本与配置 →
 * 环境变量). The environment id is the one the function runs in (TCB_ENV, set by the platform)
 * unless REFUND_NOTIFY_ENV names another.
 */
export function wxConfigFromEnv(env: NodeJS.ProcessEnv): WxConfig {
  return {
    subMchId: env.SUB_MCH_ID ?? '',
    envId: env.REFUND_NOTIFY_ENV || env.TCB_ENV || env.SCF_NAMESPACE || '',
    notifyFunction: env.REFUND_NOTIFY_FUNCTION || 'refundNotify',
    payNotifyFunction: env.PAY_NOTIFY_FUNCTION || 'payNotify',
    miniprogramState: miniprogramStateFrom(env.MINIPROGRAM_STATE),
    wechatpay: wechatpayEnvFrom(env),
  };
}

export function createWxServices(cloud: WxCloud, config: WxConfig): Services {
  // A document that does not exist reads as null instead of throwing.
  const db = cloud.database({ throwOnNotFound: false });
  const cases = new WxCaseRepo(db);
  const shops = new WxShopRepo(db);
  const orders = new WxOrderRepo(db);
  const templateFor: TemplateResolver = async (n: Notification) => {
    if ((n.templateKey !== 'decision' && n.templateKey !== 'refund') || !n.caseId) return undefined;
    const c = await cases.get(n.caseId);
    const shop = c ? await shops.get(c.shopId) : null;
    const templateId = shop?.settings.subscribeTemplateIds[n.templateKey];
    return templateId ? { templateId, fields: shop?.settings.subscribeTemplateFields[n.templateKey] } : undefined;
  };
  const clock = { now: () => Date.now() };
  const merchants = new CachedMerchantRepo(new WxMerchantRepo(db), clock);
  return {
    clock,
    ids: new RandomIdGen(),
    cases,
    orders,
    shops,
    merchants,
    risk: new WxRiskRepo(db),
    // Each shop's money goes out its own way (SPEC §7): v3 through its merchant account, else cloudPay.
    gateway: new ProviderRoutedGateway({
      fallback: new CloudPayGateway(cloud, config),
      cloudPay: (subMchId) => new CloudPayGateway(cloud, { ...config, subMchId }),
      v3: (s) => {
        const wp = config.wechatpay ?? wechatpayEnvFrom({} as NodeJS.ProcessEnv);
        return new WechatPayV3Gateway({ merchant: wp.merchant(s), baseUrl: wp.baseUrl, notifyUrl: () => wp.notifyUrl });
      },
      shops,
      orders,
      cases,
    }),
    // Payments too go to the shop's own sub-merchant, so its refunds find them (cloudPay refunds only what it took).
    payments: new ShopRoutedPaymentGateway(cloud, config, { shops, orders }),
    notifier: new SubscribeMessageNotifier(cloud, templateFor, config.miniprogramState),
    files: new CloudStorageFileStore(cloud),
    people: new WxPeopleRepo(db, merchants),
    orderSync: new WxOrderSyncRepo(db),
  };
}
