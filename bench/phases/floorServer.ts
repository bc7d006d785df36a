/**
 * A second baseline for phase 3: the host's HTTP stack with nothing behind it. The same hono and
 * @hono/node-server, the host's own body reader, and for `POST /floor` the reply a `get` sends (one
 * stored case from the bench database, about 2 KB of JSON), but no database, schema, identity or rule.
 * `get` against this floor says how much of its cost is ours; this floor against `/healthz` says how
 * much a POST with a real-sized reply costs the framework.
 *   DATA_DIR (the bench database, read once for the case); prints the host's ready line.
 */
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import type { AddressInfo } from 'net';
import path from 'path';
import type { Server } from 'http';
import { DB_FILE_NAME } from '../../src/server/adapters/sqlite/open';
import { readJsonObject } from '../../src/server/host/body';
import { READY_PREFIX } from '../../src/server/host/serve';

function storedCase(dataDir: string): unknown {
  const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT doc FROM cases WHERE status = 'REFUNDED' ORDER BY id LIMIT 1").get() as { doc: string } | undefined;
    if (!row) throw new Error('floorServer: the bench database has no REFUNDED case');
    return JSON.parse(row.doc);
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error('floorServer: DATA_DIR is required');
  const doc = storedCase(dataDir);
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true, data: { status: 'ok', now: Date.now() } }));
  app.post('/floor', async (c) => {
    await readJsonObject(c.req.raw);
    return c.json({ ok: true, data: doc });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  console.log(`${READY_PREFIX}http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
