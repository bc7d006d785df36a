/**
 * `npm run shop:create -- --name NAME [--sub-mch-id 1900000109] [--unverified]` (SPEC §7 "People"), or
 * for a shop refunding through its own WeChat Pay merchant account (API v3):
 * `--mch-id 1900000001 --cert-serial <商户API证书序列号> (--platform-public-key-id PUB_KEY_ID_… | --platform-cert-serial <平台证书序列号>)`.
 * The private key and APIv3 key never go here: they are environment variables of the cloud functions
 * (docs/DEPLOY-wechatpay-v3.md). Creates a shop under DATA_DIR (default .data/) with a one-time setup code valid 24 h by the host's
 * clock, and prints exactly one line: `shopId=<id> setupCode=<code>`.
 *
 * Beside a running host on the same DATA_DIR (DATA_DIR/host.json names it) it goes through that
 * host's `setup` (on cloud-sim the host alone holds the simulated cloud's database); otherwise it opens
 * the DATA_DIR itself, on the backend AFTERSALE_BACKEND names. Errors go to stderr with exit code 1.
 */
import path from 'path';
import { randomBytes } from 'crypto';
import type { ShopCreated } from '../types/api';
import type { PaymentSettings } from '../types/domain';
import { handleAfterSale, handleRefundNotify, runSweep } from '../src/server/handler';
import { createLocalServices } from '../src/server/adapters/local/services';
import { sqliteBackend, type HostBackend } from '../src/server/host/backend';
import { createCloudSimBackend } from '../src/server/host/cloudSimBackend';
import { readHostRecord } from '../src/server/host/record';
import { backendFromEnv } from '../src/server/host/serve';

const REPO_ROOT = path.resolve(__dirname, '..');

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run shop:create -- --name 店铺名 [--sub-mch-id 子商户号] [--unverified]\n` +
      '   or: npm run shop:create -- --name 店铺名 --mch-id 商户号 --cert-serial 商户API证书序列号 (--platform-public-key-id PUB_KEY_ID_… | --platform-cert-serial 平台证书序列号) [--unverified]',
  );
  process.exit(1);
}

const VALUE_FLAGS = ['--name', '--sub-mch-id', '--mch-id', '--cert-serial', '--platform-public-key-id', '--platform-cert-serial'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function parseArgs(argv: string[]): { name: string; payment?: PaymentSettings; verified: boolean } {
  const v: Partial<Record<ValueFlag, string>> = {};
  let verified = true;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--unverified') {
      verified = false;
      continue;
    }
    const eq = a.indexOf('=');
    const flag = (eq > 0 ? a.slice(0, eq) : a) as ValueFlag;
    if (!VALUE_FLAGS.includes(flag)) usage(`unknown argument: ${a}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    v[flag] = value;
  }
  const name = v['--name'];
  if (name === undefined || name.trim() === '') usage('--name is required');
  const v3 = v['--mch-id'] !== undefined || v['--cert-serial'] !== undefined || v['--platform-public-key-id'] !== undefined || v['--platform-cert-serial'] !== undefined;
  if (v3 && v['--sub-mch-id'] !== undefined) usage('--sub-mch-id (cloudPay) and --mch-id (WeChat Pay API v3) exclude each other: a shop refunds one way');
  let payment: PaymentSettings | undefined;
  if (v3) {
    // Checked in full by setup (src/server/paymentSettings.ts), which names the field that is wrong.
    payment = {
      provider: 'WECHATPAY_V3',
      mchId: v['--mch-id'] ?? '',
      certSerial: v['--cert-serial'] ?? '',
      ...(v['--platform-public-key-id'] !== undefined ? { platformPublicKeyId: v['--platform-public-key-id'] } : {}),
      ...(v['--platform-cert-serial'] !== undefined ? { platformCertSerial: v['--platform-cert-serial'] } : {}),
    };
  } else if (v['--sub-mch-id'] !== undefined) {
    payment = { provider: 'CLOUDPAY', subMchId: v['--sub-mch-id'] };
  }
  return { name, verified, ...(payment ? { payment } : {}) };
}

async function viaHost(url: string, event: object): Promise<ShopCreated> {
  const res = await fetch(`${url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
  const body = (await res.json()) as { ok: boolean; data?: ShopCreated; error?: { code: string; message: string; field?: string } };
  if (!body.ok || !body.data) throw new Error(`${body.error?.code}${body.error?.field ? ` (${body.error.field})` : ''}: ${body.error?.message}`);
  return body.data;
}

async function inProcess(dataDir: string, event: Record<string, unknown>): Promise<ShopCreated> {
  const secret = randomBytes(24).toString('base64url');
  let backend: HostBackend;
  if (backendFromEnv() === 'cloud-sim') {
    process.env.CLOUD_SIM_QUIET = '1';
    backend = await createCloudSimBackend({ dataDir, repoRoot: REPO_ROOT, setupSecret: secret });
  } else {
    const local = createLocalServices({ dataDir });
    backend = sqliteBackend(local, { afterSale: handleAfterSale, refundNotify: handleRefundNotify, sweep: runSweep }, undefined, secret);
  }
  try {
    const reply = await backend.setup({ ...event, secret });
    if (!reply.body.ok) throw new Error(`${reply.body.error.code}${reply.body.error.field ? ` (${reply.body.error.field})` : ''}: ${reply.body.error.message}`);
    return reply.body.data as ShopCreated;
  } finally {
    await backend.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(process.env.DATA_DIR || '.data');
  const event = { name: args.name, verified: args.verified, ...(args.payment ? { payment: args.payment } : {}) };
  const host = readHostRecord(dataDir);
  const created = host ? await viaHost(host.url, { ...event, secret: host.setupSecret }) : await inProcess(dataDir, event);
  console.log(`shopId=${created.shopId} setupCode=${created.setupCode}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`shop:create failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
