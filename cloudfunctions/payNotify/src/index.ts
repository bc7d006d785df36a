/**
 * The `payNotify` cloud function (SPEC §7): cloudPay calls it with WeChat Pay's payment result (the
 * `functionName` of cloudPay.unifiedOrder) and expects `{errcode: 0}` once it is handled. The event
 * only names the order: what is recorded is what cloudPay.queryOrder reports.
 */
import { createWxServices, wxConfigFromEnv } from '../../../src/server/adapters/wx';
import { payNotifyMain } from '../../../src/server/adapters/wx/entries';
import type { WxSdk } from '../../../src/server/adapters/wx/sdk';
import type { Services } from '../../../src/server/ports';

// Required here and only here: the SDK is the function's own dependency (package.json), left out of
// the bundle, and must be the very CommonJS object the platform initialises.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxSdk;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

const config = wxConfigFromEnv(process.env);

/** Built on the first call and kept while the container lives. */
let services: Services | undefined;

export async function main(event: unknown): Promise<unknown> {
  services ??= createWxServices(cloud, config);
  return payNotifyMain(cloud, services, event, config.subMchId);
}
