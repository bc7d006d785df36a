/**
 * Issue 8 item 7: no AppSecret, WeChat Pay key, sub-merchant number, Tencent Cloud key or private key
 * in what ships — the mini-program's sources and its weapp build (dist/, built here once if missing),
 * the cloud functions' sources and bundles — and the cloud functions take theirs from the environment.
 * The scanner (scripts/check-secrets.ts) is shown to catch each kind of secret planted in a temporary
 * copy of real shipped files, and its command line to fail the build on one.
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ROOT, scanForSecrets, scanText, SHIPPED, textFiles, type Finding } from '../../scripts/check-secrets';
import { wxConfigFromEnv } from '../../src/server/adapters/wx';
import { CloudPayGateway } from '../../src/server/adapters/wx/gateway';
import { CLOUD_FUNCTIONS } from '../../scripts/build-cloud';

const DIST = path.join(ROOT, 'dist');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 15 * 60_000, env: process.env });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

beforeAll(() => {
  // dist/ and the cloud bundles are build outputs (gitignored): a fresh checkout builds them once here.
  if (!fs.existsSync(path.join(DIST, 'app.json'))) {
    const b = run(NPM, ['run', 'build:weapp']);
    if (b.status !== 0) throw new Error(`npm run build:weapp failed:\n${b.out.slice(-3000)}`);
  }
  if (CLOUD_FUNCTIONS.some((fn) => !fs.existsSync(path.join(ROOT, 'cloudfunctions', fn, 'index.js')))) {
    const b = run(NPM, ['run', 'build:cloud']);
    if (b.status !== 0) throw new Error(`npm run build:cloud failed:\n${b.out.slice(-3000)}`);
  }
}, 15 * 60_000);

const hex = (n: number) => randomBytes(n).toString('hex').slice(0, n);
const alnum = (n: number) =>
  Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62]).join('');

function rel(f: Finding): string {
  return `${path.relative(ROOT, f.file)}:${f.line} ${f.rule} ${f.excerpt}`;
}

describe('what ships holds no secret', () => {
  test('src/, cloudfunctions/ (sources and bundles), dist/, config/ and project.config.json scan clean', () => {
    const files = textFiles(SHIPPED);
    for (const must of ['dist/app.js', 'dist/app.json', 'dist/vendors.js', 'cloudfunctions/afterSale/index.js', 'src/services/cloud.ts']) {
      expect(files).toContain(path.join(ROOT, must));
    }
    expect(scanForSecrets(SHIPPED).map(rel)).toEqual([]);
  });

  test('the weapp build carries none of the server’s payment machinery', () => {
    const leaks: string[] = [];
    for (const file of textFiles([DIST])) {
      const text = fs.readFileSync(file, 'utf8');
      for (const word of ['SUB_MCH_ID', 'sub_mch_id', 'subMchId', 'wx-server-sdk', 'cloudPay', 'TENCENTCLOUD_SECRET', 'better-sqlite3']) {
        if (text.includes(word)) leaks.push(`${path.relative(ROOT, file)}: ${word}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('the cloud functions read their secrets from the environment', () => {
  test('each entry initialises the SDK with the current environment only, and its config from process.env', () => {
    for (const fn of CLOUD_FUNCTIONS) {
      const src = fs.readFileSync(path.join(ROOT, 'cloudfunctions', fn, 'src', 'index.ts'), 'utf8');
      expect([fn, /cloud\.init\(\{ env: cloud\.DYNAMIC_CURRENT_ENV \}\)/.test(src), /wxConfigFromEnv\(process\.env\)/.test(src)]).toEqual([fn, true, true]);
      expect([fn, /secretId|secretKey|SecretId|SecretKey|sub_mch_id|subMchId:/.test(src)]).toEqual([fn, false]);
    }
  });

  test('the sub-merchant number comes from SUB_MCH_ID, with no default; without it no refund is sent', async () => {
    const value = `1${hex(9).replace(/\D/g, '7').slice(0, 9)}`;
    expect(wxConfigFromEnv(Object.assign({} as NodeJS.ProcessEnv, { SUB_MCH_ID: value })).subMchId).toBe(value);
    expect(wxConfigFromEnv({} as NodeJS.ProcessEnv).subMchId).toBe('');
    const refund = jest.fn();
    const gateway = new CloudPayGateway({ cloudPay: { refund, queryRefund: jest.fn() } }, wxConfigFromEnv({} as NodeJS.ProcessEnv));
    await expect(
      gateway.request({ outRefundNo: 'AS1-1', caseId: 'AS1', orderId: 'order_1', amountFen: 100, totalFen: 100, payChannel: 'WECHAT', method: 'ORIGINAL' }),
    ).rejects.toThrow('SUB_MCH_ID');
    expect(refund).not.toHaveBeenCalled();
  });
});

describe('the scanner catches a planted secret', () => {
  let dir: string;
  const copies: Record<string, string> = {
    'dist/app.js': 'dist/app.js',
    'dist/app.json': 'dist/app.json',
    'src/services/cloud.ts': 'src/services/cloud.ts',
    'cloudfunctions/afterSale/index.js': 'cloudfunctions/afterSale/index.js',
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-secrets-'));
    for (const [from, to] of Object.entries(copies)) {
      fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, from), path.join(dir, to));
    }
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function plant(file: string, text: string): void {
    fs.appendFileSync(path.join(dir, file), `\n${text}\n`);
  }

  test('the unplanted copy is clean', () => {
    expect(scanForSecrets([dir])).toEqual([]);
  });

  const secrets: [string, string, () => string, string][] = [
    ['an AppSecret in the minified weapp', 'dist/app.js', () => `var o={appid:"wx1234567890abcdef",appSecret:"${hex(32)}"};`, 'named-secret'],
    ['a bare 32-hex literal in the weapp', 'dist/app.js', () => `var k="${hex(32)}";`, 'appsecret-hex'],
    ['a WeChat Pay API key in JSON', 'dist/app.json', () => `{"mchKey": "${alnum(32)}"}`, 'named-secret'],
    ['an API v3 key in a source file', 'src/services/cloud.ts', () => `const apiV3Key = '${alnum(32)}';`, 'named-secret'],
    ['a sub-merchant number in a cloud bundle', 'cloudfunctions/afterSale/index.js', () => `var p={sub_mch_id:"1${String(Date.now()).slice(-9)}"};`, 'merchant-number'],
    ['a Tencent Cloud SecretId', 'cloudfunctions/afterSale/index.js', () => `cloud.init({ SecretId: "AKID${alnum(32)}" });`, 'tencent-secret-id'],
    ['a Tencent Cloud SecretKey from a pasted .env', 'src/services/cloud.ts', () => `// TENCENTCLOUD_SECRETKEY="${alnum(32)}"`, 'named-secret'],
    ['a private key', 'dist/app.js', () => `/*\n-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----\n*/`, 'private-key'],
    [
      'a WeChat Pay merchant private key pasted on one line (`\\n` escapes, as in an environment variable)',
      'src/services/cloud.ts',
      () => `const k = "-----BEGIN PRIVATE KEY-----\\n${randomBytes(48).toString('base64')}\\n-----END PRIVATE KEY-----";`,
      'private-key',
    ],
    ['an RSA private key in a cloud bundle', 'cloudfunctions/afterSale/index.js', () => `var pem=\`-----BEGIN RSA PRIVATE KEY-----\n${randomBytes(64).toString('base64')}\`;`, 'private-key'],
    ['an APIv3 key from a pasted .env line', 'src/services/cloud.ts', () => `// WECHATPAY_APIV3_KEY=${alnum(32)}`, 'apiv3-key'],
    ['an APIv3 key per merchant in JSON', 'dist/app.json', () => `{"WECHATPAY_APIV3_KEY_1230000109": "${alnum(32)}"}`, 'apiv3-key'],
  ];

  test.each(secrets)('%s', (_what, file, make, rule) => {
    const secret = make();
    plant(file, secret);
    const found = scanForSecrets([dir]);
    expect(found.filter((f) => f.rule === rule && f.file === path.join(dir, file)).length).toBeGreaterThan(0);
  });

  test('placeholders and environment reads are not secrets', () => {
    const text = [
      // A PEM header without key material (the WeChat Pay SDK's comments carry such lines).
      '/** -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY----- */',
      "const apiV3Key = process.env.WECHATPAY_APIV3_KEY;",
      'WECHATPAY_APIV3_KEY=<32 letters or digits>',
      "const appSecret = process.env.APP_SECRET;",
      "const cfg = { secretKey: 'your-secret-key', apiKey: '<API_KEY>', mchKey: '${MCH_KEY}' };",
      "subMchId: env.SUB_MCH_ID ?? ''",
      "mchId: '1900000109'",
      "var sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';",
    ].join('\n');
    expect(scanText('example.ts', text)).toEqual([]);
  });

  test('the command line fails the build on a planted secret, without printing it, and passes a clean tree', () => {
    const secret = hex(32);
    plant('dist/app.js', `var o={appSecret:"${secret}"};`);
    const dirty = run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'check-secrets.ts'), dir]);
    expect(dirty.status).toBe(1);
    expect(dirty.out).toContain('named-secret');
    expect(dirty.out).not.toContain(secret);
    fs.copyFileSync(path.join(ROOT, 'dist/app.js'), path.join(dir, 'dist/app.js'));
    expect(run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'check-secrets.ts'), dir]).status).toBe(0);
  }, 60_000);
});

describe('no WeChat Pay key material is committed anywhere (issue 15)', () => {
  test('no tracked file holds a PEM private key or an APIv3 key; the local throwaway keys live only under DATA_DIR', () => {
    const r = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const tracked = r.stdout.split('\0').filter(Boolean).map((f) => path.join(ROOT, f));
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked.filter((f) => /local-keys\.json$|\.pem$|\.p12$|apiclient_key/.test(f)).map((f) => path.relative(ROOT, f))).toEqual([]);
    const found = scanForSecrets(tracked.filter((f) => fs.existsSync(f))).filter((f) => f.rule === 'private-key' || f.rule === 'apiv3-key');
    expect(found.map(rel)).toEqual([]);
    // The local host writes its throwaway keys under DATA_DIR, which git ignores.
    const ignored = spawnSync('git', ['check-ignore', '-q', '.data/wechatpay/local-keys.json'], { cwd: ROOT });
    expect(ignored.status).toBe(0);
  });
});
