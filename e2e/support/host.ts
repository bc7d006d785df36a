/**
 * A local cloud host for one E2E run: the real handlers in this process, a free port, a fresh temp
 * DATA_DIR, the demo shop seeded at the host's clock, and no background sweep (a test runs one with
 * `/__dev/run/autoApprove` when it wants it).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { handleAfterSale, handleRefundNotify, runSweep } from '../../src/server/handler';
import { startHost, type RunningHost } from '../../src/server/host/host';
import { backendFromEnv } from '../../src/server/host/serve';
import { H5_DIST } from './h5Build';

export interface TestHost {
  url: string;
  dataDir: string;
  host: RunningHost;
  close(): Promise<void>;
}

export async function startTestHost(opts: { seedDemo?: boolean } = {}): Promise<TestHost> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-e2e-'));
  const host = await startHost({
    // AFTERSALE_BACKEND=cloud-sim runs the journeys against the cloud functions' own code (SPEC §8).
    backend: backendFromEnv(),
    port: 0,
    dataDir,
    sweepIntervalMs: 0,
    distDir: H5_DIST,
    seedDemo: opts.seedDemo ?? true,
    handlers: { afterSale: handleAfterSale, refundNotify: handleRefundNotify, sweep: runSweep },
  });
  return {
    url: host.url,
    dataDir,
    host,
    async close() {
      await host.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POST to a host route, for test set-up (`/__dev/clock`, `/__dev/run/autoApprove`…). */
export async function hostPost<T = unknown>(url: string, route: string, body: unknown = {}, openid?: string): Promise<T> {
  const res = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify(body),
  });
  const reply = (await res.json()) as { ok: boolean; data?: T; error?: { code: string; message: string } };
  if (!reply.ok) throw new Error(`${route}: ${reply.error?.code} ${reply.error?.message}`);
  return reply.data as T;
}

/** GET a dev route (`/__dev/clock`, `/__dev/outbox`…) and unwrap its envelope. */
export async function hostGet<T = unknown>(url: string, route: string): Promise<T> {
  const reply = (await (await fetch(`${url}${route}`)).json()) as { ok: boolean; data?: T; error?: { code: string; message: string } };
  if (!reply.ok) throw new Error(`${route}: ${reply.error?.code} ${reply.error?.message}`);
  return reply.data as T;
}
