/**
 * `npm run cloud:init` run as a deployer runs it, against the cloud-sim service (collections through
 * the real wx-server-sdk) and a fake of WeChat's HTTP API (stable_token, tcb/updateindex).
 */
import { execFile } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import { promisify } from 'util';
import { CloudSimService } from '../../src/server/adapters/cloudsim/service';
import { instanceEnv } from '../../src/server/adapters/cloudsim/functions';
import { collectionNames, indexRequests, isAlreadyExists, type UpdateIndexBody } from '../../src/server/adapters/wx/cloudInit';
import { INDEXES } from '../../src/server/adapters/wx/indexes';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'cloud-init.ts');
const ENV_ID = 'prod-7g2k9x';
const run = promisify(execFile);

interface WxApiFake {
  url: string;
  updates: UpdateIndexBody[];
  tokens: string[];
  /** Index names answered "exists" / an error. */
  existing: Set<string>;
  broken: Set<string>;
  close(): Promise<void>;
}

async function startWxApi(): Promise<WxApiFake> {
  const fake: Omit<WxApiFake, 'url' | 'close'> = { updates: [], tokens: [], existing: new Set(), broken: new Set() };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      const url = new URL(req.url ?? '/', 'http://x');
      let reply: Record<string, unknown>;
      if (url.pathname === '/cgi-bin/stable_token') {
        reply = body.appid === 'wx1234567890abcdef' && body.secret === 's3cret' ? { access_token: 'TOKEN-1', expires_in: 7200 } : { errcode: 40125, errmsg: 'invalid appsecret' };
      } else if (url.pathname === '/tcb/updateindex') {
        fake.tokens.push(url.searchParams.get('access_token') ?? '');
        const u = body as unknown as UpdateIndexBody;
        fake.updates.push(u);
        const name = `${u.collection_name}.${u.create_indexes[0].name}`;
        reply = fake.broken.has(name) ? { errcode: 40097, errmsg: 'invalid args' } : fake.existing.has(name) ? { errcode: -501001, errmsg: 'index already exists' } : { errcode: 0, errmsg: 'ok' };
      } else reply = { errcode: 404, errmsg: 'no such api' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { ...fake, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

let cloud: CloudSimService;
let wxApi: WxApiFake;

beforeEach(async () => {
  cloud = new CloudSimService();
  await cloud.start();
  wxApi = await startWxApi();
});
afterEach(async () => {
  await cloud.stop();
  await wxApi.close();
});

function envFor(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of ['CLOUD_ENV', 'TCB_ENV', 'WX_APPID', 'WX_APPSECRET', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY']) delete base[k];
  return { ...base, ...instanceEnv(cloud.url, cloud.secretId, ENV_ID), CLOUD_ENV: ENV_ID, TCB_SERVICE_URL: cloud.url, WX_API_BASE: wxApi.url, ...extra };
}

async function cloudInit(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: REPO_ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const addedCollections = () => cloud.callsOf('database.addCollection').map((c) => (c as unknown as { collectionName: string }).collectionName);

test('creates every collection and every declared index; a second run skips them and still succeeds', async () => {
  const env = envFor({ WX_APPID: 'wx1234567890abcdef', WX_APPSECRET: 's3cret' });
  const first = await cloudInit(env);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(addedCollections()).toEqual(collectionNames());
  // Every index of indexes.ts, once, with its keys and directions, on this environment.
  expect(wxApi.updates).toEqual(indexRequests(ENV_ID));
  expect(wxApi.updates).toHaveLength(Object.values(INDEXES).flat().length);
  expect(wxApi.updates.find((u) => u.collection_name === 'as_cases' && u.create_indexes[0].name === 'buyer_status')?.create_indexes[0].keys).toEqual([
    { name: 'buyerOpenid', direction: '1' },
    { name: 'status', direction: '1' },
    { name: 'createdAt', direction: '-1' },
    { name: '_id', direction: '-1' },
  ]);
  expect(new Set(wxApi.tokens)).toEqual(new Set(['TOKEN-1']));
  expect(first.stdout).toContain('新建  as_cases');

  for (const u of wxApi.updates) wxApi.existing.add(`${u.collection_name}.${u.create_indexes[0].name}`);
  const again = await cloudInit(env);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('已存在  as_cases');
  expect(again.stdout).toContain('已存在  as_cases.timer');
  expect(again.stdout).not.toContain('新建');
}, 60_000);

test('without an AppSecret it creates the collections and prints the index list for the console', async () => {
  const r = await cloudInit(envFor());
  expect(r.code).toBe(0);
  expect(addedCollections()).toEqual(collectionNames());
  expect(wxApi.updates).toEqual([]);
  for (const [coll, specs] of Object.entries(INDEXES)) for (const s of specs) expect(r.stdout).toContain(`${coll}  ${s.name}  [`);
  expect(r.stdout).toContain('索引管理');
}, 60_000);

test('a failed index is named and fails the run; the others are still created', async () => {
  wxApi.broken.add('as_orders.timer');
  const r = await cloudInit(envFor({ WX_APPID: 'wx1234567890abcdef', WX_APPSECRET: 's3cret' }));
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/失败 {2}as_orders\.timer {2}\(40097 invalid args\)/);
  expect(wxApi.updates).toHaveLength(Object.values(INDEXES).flat().length);
  expect(r.stderr).toContain('有步骤失败');
}, 60_000);

test('bad settings name what is missing and touch nothing', async () => {
  const noEnv = envFor();
  delete noEnv.CLOUD_ENV;
  delete noEnv.TCB_ENV;
  const a = await cloudInit(noEnv);
  expect(a.code).toBe(1);
  expect(a.stderr).toContain('CLOUD_ENV');

  const half = await cloudInit(envFor({ WX_APPID: 'wx1234567890abcdef' }));
  expect(half.code).toBe(1);
  expect(half.stderr).toContain('WX_APPSECRET');

  const wrongSecret = await cloudInit(envFor({ WX_APPID: 'wx1234567890abcdef', WX_APPSECRET: 'nope' }));
  expect(wrongSecret.code).toBe(1);
  expect(wrongSecret.stderr).toContain('40125');
  expect(wxApi.updates).toEqual([]);

  const bad = await cloudInit(envFor(), ['--force']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('--force');
  expect(cloud.calls).toEqual([]);
}, 60_000);

test('--dry-run prints the plan and sends nothing', async () => {
  const r = await cloudInit(envFor({ WX_APPID: 'wx1234567890abcdef', WX_APPSECRET: 's3cret' }), ['--dry-run']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(collectionNames().join(', '));
  expect(cloud.calls).toEqual([]);
  expect(wxApi.updates).toEqual([]);
});

test('"already exists" is told apart from "does not exist"', () => {
  expect(isAlreadyExists('DATABASE_COLLECTION_ALREADY_EXIST [ResourceExist] Table exist.')).toBe(true);
  expect(isAlreadyExists('-501001 index already exists')).toBe(true);
  expect(isAlreadyExists('-502005 database collection not exists')).toBe(false);
  expect(isAlreadyExists('DATABASE_COLLECTION_NOT_EXIST')).toBe(false);
  expect(isAlreadyExists('40097 invalid args')).toBe(false);
});
