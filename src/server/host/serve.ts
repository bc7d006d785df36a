/**
 * `npm run serve:cloud`: the local cloud host alone.
 *   PORT (default 8787; 0 = any free port), DATA_DIR (default .data/), SWEEP_INTERVAL_MS (default
 *   60000; 0 = no timer), REFUND_NOTIFY_INTERVAL_MS (default 250; 0 = refund callbacks only through
 *   /__dev/run/refundNotify and the sweep), SQLITE_SYNCHRONOUS (NORMAL | FULL, see adapters/sqlite/open.ts).
 *   --seed-demo: seed the demo shop if the database has no shop yet (npm start passes it).
 * Prints `wechat-aftersale cloud host ready: <url>` once it accepts requests.
 */
import path from 'path';
import { handleAfterSale, handleRefundNotify, runSweep } from '../handler';
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

export async function serveFromEnv(opts: { seedDemo: boolean }): Promise<RunningHost> {
  const sync = process.env.SQLITE_SYNCHRONOUS?.toUpperCase();
  if (sync !== undefined && sync !== 'NORMAL' && sync !== 'FULL') throw new Error('SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  const host = await startHost({
    port: intFromEnv('PORT', 8787, 0, 65_535),
    dataDir: path.resolve(process.env.DATA_DIR || '.data'),
    sweepIntervalMs: intFromEnv('SWEEP_INTERVAL_MS', DEFAULT_SWEEP_INTERVAL_MS, 0, 86_400_000),
    refundNotifyIntervalMs: intFromEnv('REFUND_NOTIFY_INTERVAL_MS', DEFAULT_GATEWAY_OPTIONS.tickMs, 0, 86_400_000),
    seedDemo: opts.seedDemo,
    synchronous: sync,
    handlers: { afterSale: handleAfterSale, refundNotify: handleRefundNotify, sweep: runSweep },
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
    (host) => console.log(`${READY_PREFIX}${host.url}`),
    (e: unknown) => {
      console.error('wechat-aftersale cloud host failed to start:', e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
