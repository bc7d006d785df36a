/**
 * Throwaway WeChat Pay v3 keys for the local host, tests and cloud-sim: a merchant key pair, a
 * "WeChat Pay" key pair the simulator signs with, and an APIv3 key. Generated, never committed: the
 * local host writes them under DATA_DIR (mode 0600) on its first start and reads them back after.
 */
import { generateKeyPairSync, randomInt } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { PaymentSettings } from '../../../../types/domain';

/** The local v3 merchant the demo seed and the tests use; only identifiers (the keys are generated). */
export const LOCAL_V3_PAYMENT: Extract<PaymentSettings, { provider: 'WECHATPAY_V3' }> = {
  provider: 'WECHATPAY_V3',
  mchId: '1900009191',
  certSerial: '3775B6A45ACD588826D15E583A95F5DD00000001',
  platformPublicKeyId: 'PUB_KEY_ID_0119000091912026000000000001',
};

export interface WechatpayTestKeys {
  merchantPrivateKey: string;
  merchantPublicKey: string;
  platformPrivateKey: string;
  platformPublicKey: string;
  apiV3Key: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function generateWechatpayKeys(): WechatpayTestKeys {
  const pair = () =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  const merchant = pair();
  const platform = pair();
  let apiV3Key = '';
  for (let i = 0; i < 32; i += 1) apiV3Key += ALNUM[randomInt(ALNUM.length)];
  return {
    merchantPrivateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    platformPrivateKey: platform.privateKey,
    platformPublicKey: platform.publicKey,
    apiV3Key,
  };
}

/** DATA_DIR/wechatpay/local-keys.json: created on first use, read back afterwards. */
export function localWechatpayKeys(dataDir: string): WechatpayTestKeys {
  const dir = path.join(dataDir, 'wechatpay');
  const file = path.join(dir, 'local-keys.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WechatpayTestKeys;
  } catch {
    // first start (or an unreadable file): a new throwaway set
  }
  const keys = generateWechatpayKeys();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(keys), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return keys;
}

/** The function environment (env.ts names) that gives `payment`'s merchant these keys. */
export function wechatpayEnvVars(
  payment: Extract<PaymentSettings, { provider: 'WECHATPAY_V3' }>,
  keys: WechatpayTestKeys,
  urls: { baseUrl: string; notifyUrl?: string },
): Record<string, string> {
  return {
    [`WECHATPAY_PRIVATE_KEY_${payment.mchId}`]: keys.merchantPrivateKey,
    [`WECHATPAY_APIV3_KEY_${payment.mchId}`]: keys.apiV3Key,
    [`WECHATPAY_PLATFORM_KEY_${payment.mchId}`]: keys.platformPublicKey,
    WECHATPAY_BASE_URL: urls.baseUrl,
    ...(urls.notifyUrl ? { WECHATPAY_NOTIFY_URL: urls.notifyUrl } : {}),
  };
}
