/**
 * The `wechatpayNotify` cloud function: WeChat Pay v3's refund callback for shops paying through their
 * own merchant account (SPEC §7). Reached over HTTP (云开发 → HTTP 访问服务, path /wechatpayNotify); its
 * URL is WECHATPAY_NOTIFY_URL in the functions' environment. The merchant's private key and APIv3
 * key come from this function's environment only (src/server/adapters/wechatpay/env.ts).
 */
import { createWxServices, wxConfigFromEnv } from '../../../src/server/adapters/wx';
import type { WxSdk } from '../../../src/server/adapters/wx/sdk';
import { wechatpayNotifyMain } from '../../../src/server/adapters/wechatpay/entry';
import { wechatpayEnvFrom } from '../../../src/server/adapters/wechatpay/env';
import { WxNonceStore } from '../../../src/server/adapters/wechatpay/nonces';
import type { Services } from '../../../src/server/ports';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxSdk;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

const config = wxConfigFromEnv(process.env);
const wechatpay = config.wechatpay ?? wechatpayEnvFrom(process.env);

/** Built on the first call and kept while the container lives. */
let services: Services | undefined;
let nonces: WxNonceStore | undefined;

export async function main(event: unknown): Promise<unknown> {
  services ??= createWxServices(cloud, config);
  nonces ??= new WxNonceStore(cloud.database({ throwOnNotFound: false }));
  return wechatpayNotifyMain(services, { env: wechatpay, nonces }, event);
}
