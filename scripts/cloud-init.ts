/**
 * `npm run cloud:init` (docs/DEPLOY.md §2): prepares a new cloud environment's database.
 *
 *   CLOUD_ENV=<环境ID> TENCENTCLOUD_SECRETID=… TENCENTCLOUD_SECRETKEY=… \
 *   [WX_APPID=… WX_APPSECRET=…] npm run cloud:init [-- --dry-run]
 *
 * 1. Creates every collection the functions use with wx-server-sdk's `db.createCollection` (a
 *    Tencent Cloud API key of the account that owns the environment). Existing ones are left alone.
 * 2. With WX_APPID and WX_APPSECRET: creates every index of src/server/adapters/wx/indexes.ts through
 *    WeChat's HTTP API `tcb/updateindex` (the SDK has no index call). Without them: prints the list to
 *    create in the console (数据库 → 集合 → 索引管理).
 * `--dry-run` prints what would be done and touches nothing. Exit code 1 when anything failed.
 * TCB_SERVICE_URL and WX_API_BASE point both at other servers (the tests use cloud-sim and a fake).
 */
import {
  accessToken,
  collectionNames,
  createCollections,
  createIndexes,
  formatResults,
  indexRequests,
  indexTable,
  type FetchLike,
} from '../src/server/adapters/wx/cloudInit';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  for (const a of args) if (a !== '--dry-run') fail(`未知参数：${a}\n用法：npm run cloud:init [-- --dry-run]`);
  const dryRun = args.includes('--dry-run');
  const env = process.env.CLOUD_ENV ?? process.env.TCB_ENV ?? '';
  if (env === '') fail('缺少 CLOUD_ENV：云开发环境 ID（云开发控制台 → 设置 → 环境 ID）');
  const appid = process.env.WX_APPID ?? '';
  const appSecret = process.env.WX_APPSECRET ?? '';
  if ((appid === '') !== (appSecret === '')) fail('WX_APPID 与 WX_APPSECRET 要一起给（建索引用）；都不给则只打印索引清单');
  const apiBase = (process.env.WX_API_BASE ?? 'https://api.weixin.qq.com').replace(/\/$/, '');

  if (dryRun) {
    console.log(`环境 ${env}（演练，不做任何改动）\n将创建集合：${collectionNames().join(', ')}`);
    console.log(`将创建索引（${indexRequests(env).length} 个）：\n${indexTable()}`);
    return;
  }

  const secretId = process.env.TENCENTCLOUD_SECRETID ?? '';
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY ?? '';
  if (secretId === '' || secretKey === '') fail('缺少 TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY：腾讯云 API 密钥（拥有该云环境的账号）');

  // Credentials first: a wrong AppSecret stops the run before anything is created.
  const fetchFn = fetch as unknown as FetchLike;
  const token = appid === '' ? null : await accessToken(fetchFn, apiBase, appid, appSecret);

  // The composition root: the only place wx-server-sdk is loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as {
    init(c: Record<string, unknown>): void;
    database(): { createCollection(name: string): Promise<unknown> };
  };
  const serviceUrl = process.env.TCB_SERVICE_URL;
  cloud.init({ env, secretId, secretKey, ...(serviceUrl ? { serviceUrl } : {}) });
  const collections = await createCollections(cloud.database());
  console.log(formatResults(`环境 ${env} 的集合：`, collections));
  let failed = collections.some((r) => r.status === 'failed');

  if (token === null) {
    console.log(`\n未给 WX_APPID / WX_APPSECRET，索引请在控制台（数据库 → 集合 → 索引管理）逐个创建：\n${indexTable()}`);
  } else {
    const indexes = await createIndexes(fetchFn, apiBase, token, indexRequests(env));
    console.log(formatResults('\n索引：', indexes));
    failed ||= indexes.some((r) => r.status === 'failed');
  }
  if (failed) fail('\n有步骤失败（见上），修好后可再运行：已存在的集合和索引会跳过。');
  console.log('\n完成。下一步：docs/DEPLOY.md §3 隐私保护指引。');
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
