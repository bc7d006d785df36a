/**
 * The real wx-server-sdk, initialised the way a cloud function is, but talking to a FakeCloud on
 * 127.0.0.1. The environment variables are those the cloud function runtime sets (SCF), so the SDK
 * takes its in-cloud paths and looks nothing up on the network; the credentials are given explicitly,
 * because without them the SDK's first request rejects unhandled and takes the process down.
 */
import type { WxSdk } from '../../../src/server/adapters/wx/sdk';
import { instanceEnv } from '../../../src/server/adapters/cloudsim/functions';
import { CloudSimService as FakeCloud } from '../../../src/server/adapters/cloudsim/service';

export const TEST_ENV = 'loopback-1a2b3c';

/** The variables the cloud function runtime sets, pointing the SDK at `fake`. */
export function runtimeEnv(fake: FakeCloud): Record<string, string> {
  return instanceEnv(fake.url, fake.secretId, TEST_ENV);
}

export interface Loopback {
  fake: FakeCloud;
  cloud: WxSdk;
  /** Unhandled rejections seen while the SDK was loaded (each one would kill a plain Node process). */
  unhandled: unknown[];
  stop(): Promise<void>;
}

export async function startLoopback(): Promise<Loopback> {
  const fake = new FakeCloud();
  await fake.start();
  Object.assign(process.env, runtimeEnv(fake));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as WxSdk;
  cloud.init({ env: TEST_ENV, secretId: fake.secretId, secretKey: runtimeEnv(fake).TENCENTCLOUD_SECRETKEY, serviceUrl: fake.url } as { env: unknown });
  return {
    fake,
    cloud,
    unhandled,
    async stop() {
      process.off('unhandledRejection', onUnhandled);
      await fake.stop();
    },
  };
}
