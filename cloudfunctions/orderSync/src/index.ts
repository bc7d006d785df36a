/**
 * The `orderSync` cloud function (SPEC §7 "Orders in"): a shop's order system upserts its orders,
 * with the shop's sync key as `event.shopKey` (over WeChat's HTTP API invokecloudfunction), or from
 * another cloud function of this environment. docs/ORDER-SYNC.md shows how.
 */
import { createWxServices, wxConfigFromEnv } from '../../../src/server/adapters/wx';
import { orderSyncMain } from '../../../src/server/adapters/wx/entries';
import type { WxSdk } from '../../../src/server/adapters/wx/sdk';
import type { Services } from '../../../src/server/ports';

// Required here and only here: the SDK is the function's own dependency (package.json), left out of
// the bundle, and must be the very CommonJS object the platform initialises.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxSdk;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

/** Built on the first call and kept while the container lives. */
let services: Services | undefined;

export async function main(event: unknown): Promise<unknown> {
  services ??= createWxServices(cloud, wxConfigFromEnv(process.env));
  return orderSyncMain(cloud, services, event);
}
