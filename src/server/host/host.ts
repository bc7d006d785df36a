/**
 * A running local cloud host: a backend over DATA_DIR (SQLite, or the cloud path on one machine:
 * backend.ts), the HTTP app on 127.0.0.1, and the two timers WeChat cloud would run — the
 * autoApprove sweep and the gateway's refund callbacks.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'net';
import path from 'path';
import type { Server } from 'http';
import { createLocalServices, type LocalServices } from '../adapters/local/services';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from '../adapters/local/gateway';
import { attachLocalWechatpay } from '../adapters/wechatpay/local';
import type { Synchronous } from '../adapters/sqlite/open';
import { demoData } from '../seed/demo';
import { productImageDir, writeDemoProductImages } from '../seed/productImages';
import { createApp } from './app';
import { createCloudSimBackend, productCloudFileIds, type CloudSimBackend } from './cloudSimBackend';
import { sqliteBackend, type BackendName, type HostBackend, type HostHandlers } from './backend';
import { randomBytes } from 'crypto';
import { removeHostRecord, writeHostRecord } from './record';

export interface HostOptions {
  /** Default sqlite; cloud-sim runs the cloud functions' own code against the cloud-sim service (SPEC §8). */
  backend?: BackendName;
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
  /** The handlers of the sqlite backend (cloud-sim runs the cloud functions' entries instead). */
  handlers: HostHandlers;
  gatewayOptions?: Partial<GatewayOptions>;
  synchronous?: Synchronous;
  /** cloud-sim: the injected round trip of every service request (CLOUD_SIM_RTT_MS). */
  cloudSimRttMs?: number;
  /** cloud-sim: the most instances of `afterSale` at once (CLOUD_SIM_INSTANCES). */
  cloudSimInstances?: number;
  /** SPEC §7: the `setup` function's secret (SETUP_SECRET; default: a random one, written to DATA_DIR/host.json for shop:create). */
  setupSecret?: string;
}

export interface RunningHost {
  url: string;
  port: number;
  backend: HostBackend;
  /** The SQLite backend's services and database (throws on cloud-sim). */
  readonly local: LocalServices;
  /** The cloud-sim backend's service, functions and books (throws on sqlite). */
  readonly cloudSim: CloudSimBackend;
  /** True when this start seeded the demo data. */
  seeded: boolean;
  /** Stops the timers, lets in-flight requests finish, closes the database. */
  close(): Promise<void>;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * The host's V8 heap limit in MB (`--max-old-space-size`, given by `npm start`, `npm run serve:cloud` and
 * the tests' host processes). Without it V8 grows its heap under load simply because memory is free: the
 * bench's load peaked at 416 MB RSS, and 187 MB with a 160 MB heap at the same work (2026-12-06). 192 MB
 * leaves room for the largest thing the host holds (a page of `merchant.stats`, the sweep's batch of
 * 1,000 cases); a WeChat cloud function has 256 MB by default.
 */
export const HOST_HEAP_MB = 192;
/** A dev-triggered or timer sweep processes everything due; the cloud's own budget is for its time limit. */
const LOCAL_SWEEP_BUDGET_MS = 120_000;

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DEFAULT_DIST_DIR = path.join(REPO_ROOT, 'dist-h5');

async function openBackend(opts: HostOptions & { setupSecret: string }, notifyInterval: number): Promise<{ backend: HostBackend; local?: LocalServices; cloudSim?: CloudSimBackend }> {
  const gatewayOptions = { ...opts.gatewayOptions, ...(notifyInterval > 0 ? { tickMs: notifyInterval } : {}) };
  if ((opts.backend ?? 'sqlite') === 'cloud-sim') {
    const cloudSim = await createCloudSimBackend({
      dataDir: opts.dataDir,
      repoRoot: REPO_ROOT,
      gatewayOptions,
      rttMs: opts.cloudSimRttMs ?? 0,
      afterSaleInstances: opts.cloudSimInstances,
      setupSecret: opts.setupSecret,
    });
    return { backend: cloudSim, cloudSim };
  }
  const local = createLocalServices({ dataDir: opts.dataDir, gatewayOptions, synchronous: opts.synchronous });
  let wechatpay;
  try {
    wechatpay = await attachLocalWechatpay(local);
  } catch (e) {
    await local.close();
    throw e;
  }
  return { backend: sqliteBackend(local, opts.handlers, wechatpay, opts.setupSecret), local };
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const notifyInterval = opts.refundNotifyIntervalMs ?? DEFAULT_GATEWAY_OPTIONS.tickMs;
  const setupSecret = opts.setupSecret ?? randomBytes(24).toString('base64url');
  const { backend, local, cloudSim } = await openBackend({ ...opts, setupSecret }, notifyInterval);
  let seeded = false;
  if (opts.seedDemo) {
    // The demo's product pictures, drawn here (never fetched); rewritten only when missing.
    writeDemoProductImages(opts.dataDir);
    if ((await backend.dev.shopCount()) === 0) {
      const data = demoData(backend.now());
      // On the cloud path, pictures are cloud storage ids, as a shop's own would be.
      await backend.dev.seed(backend.name === 'cloud-sim' ? productCloudFileIds(data) : data);
      seeded = true;
    }
  }

  let sweeps: Promise<unknown> = Promise.resolve();
  let sweeping = 0;
  const sweepNow = (): Promise<unknown> => {
    sweeping += 1;
    const run = sweeps.then(
      () => backend.sweep(LOCAL_SWEEP_BUDGET_MS),
      () => backend.sweep(LOCAL_SWEEP_BUDGET_MS),
    );
    sweeps = run.catch(() => undefined).finally(() => {
      sweeping -= 1;
    });
    return run;
  };

  let port = 0;
  const app = createApp({ backend, distDir: opts.distDir ?? DEFAULT_DIST_DIR, sweepNow, port: () => port, productDir: productImageDir(opts.dataDir) });
  if (notifyInterval > 0) backend.startRefundCallbacks();

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
    await backend.close();
    throw e;
  }
  server.on('error', (e) => console.error('[host] server error', e));
  port = (server.address() as AddressInfo).port;
  const url = `http://${hostname}:${port}`;
  backend.listening(url);
  writeHostRecord(opts.dataDir, { pid: process.pid, url, backend: backend.name, setupSecret });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    backend,
    get local(): LocalServices {
      if (!local) throw new Error(`this host runs on ${backend.name}: it has no SQLite services`);
      return local;
    },
    get cloudSim(): CloudSimBackend {
      if (!cloudSim) throw new Error(`this host runs on ${backend.name}, not cloud-sim`);
      return cloudSim;
    },
    seeded,
    close() {
      closing ??= (async () => {
        if (sweepTimer) clearInterval(sweepTimer);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await sweeps;
        removeHostRecord(opts.dataDir, url);
        await backend.close();
      })();
      return closing;
    },
  };
}
