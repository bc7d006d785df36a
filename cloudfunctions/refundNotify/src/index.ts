/**
 * The `refundNotify` cloud function: cloudPay calls it with WeChat Pay's refund result (the
 * `functionName` of cloudPay.refund) and expects `{errcode: 0}` once the result is recorded.
 */
import { createWxServices, wxConfigFromEnv } from '../../../src/server/adapters/wx';
import { refundNotifyMain } from '../../../src/server/adapters/wx/entries';
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
  return refundNotifyMain(cloud, services, event, config.subMchId);
}
