/**
 * The `autoApprove` cloud function: the timer of config.json (every 5 minutes) runs one sweep of every
 * deadline that has passed, in batches, within a budget well inside the function's time limit.
 */
import { createWxServices, wxConfigFromEnv } from '../../../src/server/adapters/wx';
import { autoApproveMain } from '../../../src/server/adapters/wx/autoApprove';
import type { FunctionContext } from '../../../src/server/adapters/wx/wxContext';
import type { WxSdk } from '../../../src/server/adapters/wx/sdk';
import type { Services } from '../../../src/server/ports';

// Required here and only here: the SDK is the function's own dependency (package.json), left out of
// the bundle, and must be the very CommonJS object the platform initialises.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxSdk;
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

/** Built on the first call and kept while the container lives. */
let services: Services | undefined;

export async function main(event: unknown, context?: FunctionContext): Promise<unknown> {
  services ??= createWxServices(cloud, wxConfigFromEnv(process.env));
  return autoApproveMain(cloud, services, event, context);
}
