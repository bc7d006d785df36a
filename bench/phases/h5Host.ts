/**
 * The local host serving a given h5 build: the app's or the bare page's, the same process, database
 * and HTTP stack for both, so the first-screen figures differ only by what the page itself does.
 *   DATA_DIR, DIST_DIR; prints serve.ts's ready line.
 */
import { handleAfterSale, handleRefundNotify, runSweep } from '../../src/server/handler';
import { startHost } from '../../src/server/host/host';
import { READY_PREFIX } from '../../src/server/host/serve';

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR;
  const distDir = process.env.DIST_DIR;
  if (!dataDir || !distDir) throw new Error('h5Host: DATA_DIR and DIST_DIR are required');
  const host = await startHost({
    dataDir,
    distDir,
    port: 0,
    sweepIntervalMs: 0,
    handlers: { afterSale: handleAfterSale, refundNotify: handleRefundNotify, sweep: runSweep },
  });
  process.once('SIGTERM', () => {
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  console.log(`${READY_PREFIX}${host.url}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
