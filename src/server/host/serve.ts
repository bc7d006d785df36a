/**
 * `npm run serve:cloud`: the local cloud host alone.
 *   PORT (default 8787; 0 = any free port), DATA_DIR (default .data/), SWEEP_INTERVAL_MS (default
 *   60000; 0 = no timer), REFUND_NOTIFY_INTERVAL_MS (default 250; 0 = refund callbacks only through
 *   /__dev/run/refundNotify and the sweep), SQLITE_SYNCHRONOUS (NORMAL | FULL, see adapters/sqlite/open.ts).
 *   AFTERSALE_BACKEND (sqlite | cloud-sim, default sqlite: SPEC §8, backend.ts), and for cloud-sim
 *   CLOUD_SIM_RTT_MS (default 0: the injected round trip of each database/storage/pay request) and
 *   CLOUD_SIM_INSTANCES (default 4: the most afterSale instances at once).
 *   --seed-demo: seed the demo shop if the database has no shop yet (npm start passes it).
 * Prints `wechat-aftersale cloud host ready: <url> (backend: <name>)` once it accepts requests.
 */
import path from 'path';
import { handleAfterSale, handlePayNotify, handleRefundNotify, runSweep } from '../handler';
import { BACKENDS, type BackendName } from './backend';
import { DEFAULT_GATEWAY_OPTIONS } from '../adapters/local/gateway';
import { DEFAULT_SWEEP_INTERVAL_MS, startHost, type RunningHost } from './host';

export const READY_PREFIX = 'wechat-aftersale cloud host ready: ';

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return n;
}

/** AFTERSALE_BACKEND, checked: a typo must not quietly run the other backend. */
export function backendFromEnv(): BackendName {
  const raw = process.env.AFTERSALE_BACKEND || 'sqlite';
  if (!(BACKENDS as readonly string[]).includes(raw)) throw new Error(`AFTERSALE_BACKEND must be one of ${BACKENDS.join(', ')}, got "${raw}"`);
  return raw as BackendName;
}

export function readyLine(host: RunningHost): string {
  return `${READY_PREFIX}${host.url} (backend: ${host.backend.name})`;
}

export async function serveFromEnv(opts: { seedDemo: boolean }): Promise<RunningHost> {
  const backend = backendFromEnv();
  const sync = process.env.SQLITE_SYNCHRONOUS?.toUpperCase();
  if (sync !== undefined && sync !== 'NORMAL' && sync !== 'FULL') throw new Error('SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  const host = await startHost({
    backend,
    cloudSimRttMs: intFromEnv('CLOUD_SIM_RTT_MS', 0, 0, 60_000),
    cloudSimInstances: intFromEnv('CLOUD_SIM_INSTANCES', 4, 1, 64),
    port: intFromEnv('PORT', 8787, 0, 65_535),
    dataDir: path.resolve(process.env.DATA_DIR || '.data'),
    sweepIntervalMs: intFromEnv('SWEEP_INTERVAL_MS', DEFAULT_SWEEP_INTERVAL_MS, 0, 86_400_000),
    refundNotifyIntervalMs: intFromEnv('REFUND_NOTIFY_INTERVAL_MS', DEFAULT_GATEWAY_OPTIONS.tickMs, 0, 86_400_000),
    seedDemo: opts.seedDemo,
    synchronous: sync,
    handlers: { afterSale: handleAfterSale, refundNotify: handleRefundNotify, payNotify: handlePayNotify, sweep: runSweep },
  });
  if (host.seeded) console.log('已写入演示数据：好物小铺、海淘精选、4位买家和15个订单');

  const shutdown = (signal: string) => {
    console.log(`${signal} received, closing the cloud host`);
    host.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // A bug in a background task is logged; the host keeps serving.
  process.on('unhandledRejection', (e) => console.error('[host] unhandled rejection', e));
  return host;
}

if (require.main === module) {
  serveFromEnv({ seedDemo: process.argv.includes('--seed-demo') }).then(
    (host) => console.log(readyLine(host)),
    (e: unknown) => {
      console.error('wechat-aftersale cloud host failed to start:', e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
