/**
 * `npm run serve:cloud` as a newcomer runs it: a separate process on a fresh DATA_DIR. These tests
 * spawn the real entry point (node + tsx), so they also prove the host loads without wx-server-sdk.
 */
import Database from 'better-sqlite3';
import path from 'path';
import { DB_FILE_NAME } from '../../adapters/sqlite/open';
import { HOST_HEAP_MB, REPO_ROOT } from '../host';
import { HostClient, ok } from '../../../../test/support/http';
import { startHostProcess, tempDataDir, type HostProcess } from '../../../../test/support/host';

jest.setTimeout(120_000);

describe('the host’s heap limit', () => {
  it('is the same in `npm start`, `npm run serve:cloud` and the tests’ host processes', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const scripts = (require(path.join(REPO_ROOT, 'package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'serve:cloud']) expect(scripts[name]).toContain(`--max-old-space-size=${HOST_HEAP_MB} `);
    const host = await startHostProcess();
    try {
      const cmdline = (await import('fs')).readFileSync(`/proc/${host.child.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain(`--max-old-space-size=${HOST_HEAP_MB}`);
    } finally {
      await host.stop();
    }
  });
});

describe('serve.ts', () => {
  let host: HostProcess | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('prints its URL on 127.0.0.1 once ready (well within 60 s), serves the API on an empty DATA_DIR, seeds nothing', async () => {
    const started = Date.now();
    host = await startHostProcess();
    const readyMs = Date.now() - started;
    expect(host.output()).toMatch(/^wechat-aftersale cloud host ready: http:\/\/127\.0\.0\.1:\d+ \(backend: sqlite\)$/m);
    expect(readyMs).toBeLessThan(60_000);
    const api = new HostClient(host.url);
    expect(ok(await api.get<{ status: string }>('/healthz')).status).toBe('ok');
    expect(ok(await api.dev.identities())).toEqual([]);
    expect(ok(await api.call('oBuyerZhangWei', 'order.list', {})).items).toEqual([]);
    console.log(`serve.ts ready in ${readyMs} ms`);
  });

  it('--seed-demo seeds the demo shop into an empty database only, never over existing data', async () => {
    const dataDir = tempDataDir('seed');
    host = await startHostProcess({ dataDir, args: ['--seed-demo'] });
    const api = new HostClient(host.url);
    const ids = ok(await api.dev.identities());
    expect(ids.filter((i) => i.role === 'BUYER').map((i) => i.name)).toEqual(['张伟', '李娜', '王磊', '刘洋']);
    expect(ids.filter((i) => i.role !== 'BUYER').map((i) => i.role)).toEqual(['OWNER', 'STAFF', 'OWNER', 'PLATFORM']);
    const orders = ok(await api.call('oBuyerZhangWei', 'order.list', {})).items;
    expect(orders.length).toBeGreaterThan(0);
    ok(await api.dev.seed({ shops: [{ _id: 'shop_haowu', name: '改过名的小铺', verified: true }] }));
    await host.restart();
    const again = new HostClient(host.url);
    const view = ok(await again.call('oMerchantOwnerHaowu', 'merchant.settings.get', {}));
    expect(view.shop.name).toBe('改过名的小铺');
  });

  it('stops on SIGTERM with exit code 0, leaving a consistent database', async () => {
    const dataDir = tempDataDir('sigterm');
    const h = await startHostProcess({ dataDir, args: ['--seed-demo'] });
    expect(await h.stop()).toBe(0);
    const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n).toBe(15);
    db.close();
  });

  it('refuses a malformed PORT with a clear message instead of listening somewhere else', async () => {
    await expect(startHostProcess({ env: { PORT: 'eighty' }, timeoutMs: 30_000 })).rejects.toThrow(/PORT must be an integer/);
  });
});
