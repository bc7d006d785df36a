/**
 * The `setup` cloud function (SPEC §7 "People"): the platform creates a shop and gets its one-time
 * setup code (24 h), `shopId=<id> setupCode=<code>`. Guarded by SETUP_SECRET in the function's
 * environment variables: the event must carry it as `secret`. docs/DEPLOY.md step 7.
 */
import { createWxServices, wxConfigFromEnv } from '../../../src/server/adapters/wx';
import { setupMain } from '../../../src/server/adapters/wx/entries';
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
  return setupMain(cloud, services, event, process.env.SETUP_SECRET);
}
