/**
 * The v3 merchant's secrets come from the function's environment only (SPEC §7): named per merchant
 * number or once for a single-merchant deployment, PEM on lines or on one line with `\n`, and a clear
 * error naming what is missing.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { wechatpayEnvFrom } from '../env';
import { generateWechatpayKeys, LOCAL_V3_PAYMENT, wechatpayEnvVars } from '../keys';

const keys = generateWechatpayKeys();
const env = (vars: Record<string, string>) => wechatpayEnvFrom(vars as unknown as NodeJS.ProcessEnv);

test('per merchant number, with the base and notify URLs', () => {
  const e = env(wechatpayEnvVars(LOCAL_V3_PAYMENT, keys, { baseUrl: 'http://127.0.0.1:1/', notifyUrl: 'https://x.example/wechatpayNotify' }));
  const m = e.merchant(LOCAL_V3_PAYMENT);
  expect([m.mchId, m.certSerial, m.platformKeyId, m.apiV3Key]).toEqual([LOCAL_V3_PAYMENT.mchId, LOCAL_V3_PAYMENT.certSerial, LOCAL_V3_PAYMENT.platformPublicKeyId, keys.apiV3Key]);
  expect([e.baseUrl, e.notifyUrl]).toEqual(['http://127.0.0.1:1/', 'https://x.example/wechatpayNotify']);
  expect(e.notifyKeys().map((k) => k.mchId)).toEqual([LOCAL_V3_PAYMENT.mchId]);
});

test('unsuffixed names serve a one-merchant deployment; a PEM on one line with \\n is read', () => {
  const oneLine = (pem: string) => pem.trim().split('\n').join('\\n');
  const e = env({
    WECHATPAY_PRIVATE_KEY: oneLine(keys.merchantPrivateKey),
    WECHATPAY_APIV3_KEY: keys.apiV3Key,
    WECHATPAY_PLATFORM_KEY: oneLine(keys.platformPublicKey),
  });
  expect(e.merchant(LOCAL_V3_PAYMENT).privateKey).toBe(keys.merchantPrivateKey.trim());
  expect(e.baseUrl).toBe('https://api.mch.weixin.qq.com/');
  expect(e.notifyKeys()).toHaveLength(1);
});

test('what is missing is named; a malformed APIv3 key is refused; no key id at all is refused', () => {
  expect(() => env({ WECHATPAY_APIV3_KEY: keys.apiV3Key }).merchant(LOCAL_V3_PAYMENT)).toThrow(
    new RegExp(`WECHATPAY_PRIVATE_KEY_${LOCAL_V3_PAYMENT.mchId}.*WECHATPAY_PLATFORM_KEY_${LOCAL_V3_PAYMENT.mchId}`),
  );
  const vars = wechatpayEnvVars(LOCAL_V3_PAYMENT, keys, { baseUrl: 'http://127.0.0.1:1/' });
  expect(() => env({ ...vars, [`WECHATPAY_APIV3_KEY_${LOCAL_V3_PAYMENT.mchId}`]: 'short' }).merchant(LOCAL_V3_PAYMENT)).toThrow(/32/);
  expect(() => env(vars).merchant({ provider: 'WECHATPAY_V3', mchId: LOCAL_V3_PAYMENT.mchId, certSerial: LOCAL_V3_PAYMENT.certSerial })).toThrow(
    /platformPublicKeyId|platformCertSerial/,
  );
});

test('a platform certificate gives its serial as the key id, which a callback must name', () => {
  let cert: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxpay-cert-'));
  try {
    fs.writeFileSync(path.join(dir, 'key.pem'), keys.platformPrivateKey);
    execFileSync('openssl', ['req', '-new', '-x509', '-key', 'key.pem', '-subj', '/CN=Tenpay.com Root CA', '-days', '1', '-set_serial', '0x5157F09EFDC096DE', '-out', 'cert.pem'], { cwd: dir, stdio: 'ignore' });
    cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const e = env({ WECHATPAY_PRIVATE_KEY: keys.merchantPrivateKey, WECHATPAY_APIV3_KEY: keys.apiV3Key, WECHATPAY_PLATFORM_KEY: cert });
  const m = e.merchant({ provider: 'WECHATPAY_V3', mchId: LOCAL_V3_PAYMENT.mchId, certSerial: LOCAL_V3_PAYMENT.certSerial });
  expect(m.platformKeyId).toBe('5157F09EFDC096DE');
  expect(e.notifyKeys()[0].certSerial).toBe('5157F09EFDC096DE');
});
