/**
 * A running local cloud host: the services over DATA_DIR, the HTTP app on 127.0.0.1, and the two
 * timers WeChat cloud would run — the autoApprove sweep and the gateway's refund callbacks.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'net';
import path from 'path';
import type { Server } from 'http';
import type { Services } from '../ports';
import { createLocalServices, type LocalServices } from '../adapters/local/services';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from '../adapters/local/gateway';
import type { Synchronous } from '../adapters/sqlite/open';
import { demoData } from '../seed/demo';
import { createApp, type HostHandlers } from './app';

export interface HostOptions {
  dataDir: string;
  /** 0 picks a free port (tests); the URL printed says which. */
  port: number;
  hostname?: string;
  /** Period of the autoApprove sweep; 0 disables the timer (`/__dev/run/autoApprove` still works). */
  sweepIntervalMs?: number;
  /** Real-time period of the gateway's refund callbacks; 0 leaves them to `/__dev/run/refundNotify` and the sweep's query. */
  refundNotifyIntervalMs?: number;
  /** The H5 build served at `/`. */
  distDir?: string;
  /** Seed the demo shop, but only into a database that has no shop yet. */
  seedDemo?: boolean;
  handlers: HostHandlers & { sweep(svc: Services, opts?: { batchSize?: number; budgetMs?: number }): Promise<unknown> };
  gatewayOptions?: Partial<GatewayOptions>;
  synchronous?: Synchronous;
}

export interface RunningHost {
  url: string;
  port: number;
  local: LocalServices;
  /** True when this start seeded the demo data. */
  seeded: boolean;
  /** Stops the timers, lets in-flight requests finish, closes the database. */
  close(): Promise<void>;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/** A dev-triggered or timer sweep processes everything due; the cloud's own budget is for its time limit. */
const LOCAL_SWEEP_BUDGET_MS = 120_000;

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DEFAULT_DIST_DIR = path.join(REPO_ROOT, 'dist-h5');

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const notifyInterval = opts.refundNotifyIntervalMs ?? DEFAULT_GATEWAY_OPTIONS.tickMs;
  const local = createLocalServices({
    dataDir: opts.dataDir,
    gatewayOptions: { ...opts.gatewayOptions, ...(notifyInterval > 0 ? { tickMs: notifyInterval } : {}) },
    synchronous: opts.synchronous,
  });
  const { svc } = local;
  let seeded = false;
  if (opts.seedDemo && local.dev.store.shopCount() === 0) {
    local.dev.seed(demoData(svc.clock.now()));
    seeded = true;
  }

  let sweeps: Promise<unknown> = Promise.resolve();
  let sweeping = 0;
  const sweepNow = (): Promise<unknown> => {
    sweeping += 1;
    const run = sweeps.then(
      () => opts.handlers.sweep(svc, { budgetMs: LOCAL_SWEEP_BUDGET_MS }),
      () => opts.handlers.sweep(svc, { budgetMs: LOCAL_SWEEP_BUDGET_MS }),
    );
    sweeps = run.catch(() => undefined).finally(() => {
      sweeping -= 1;
    });
    return run;
  };

  const app = createApp({ local, handlers: opts.handlers, distDir: opts.distDir ?? DEFAULT_DIST_DIR, sweepNow });

  local.gateway.setCallback((event) => opts.handlers.refundNotify(svc, event));
  if (notifyInterval > 0) local.gateway.start();

  const interval = opts.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const sweepTimer =
    interval > 0
      ? setInterval(() => {
          if (sweeping > 0) return;
          sweepNow().catch((e: unknown) => console.error('[host] sweep failed', e));
        }, interval)
      : undefined;
  sweepTimer?.unref();

  const hostname = opts.hostname ?? '127.0.0.1';
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: opts.port, hostname }) as Server;
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (e) {
    if (sweepTimer) clearInterval(sweepTimer);
    await local.close();
    throw e;
  }
  server.on('error', (e) => console.error('[host] server error', e));
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostname}:${port}`,
    port,
    local,
    seeded,
    close() {
      closing ??= (async () => {
        if (sweepTimer) clearInterval(sweepTimer);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await sweeps;
        await local.close();
      })();
      return closing;
    },
  };
}
