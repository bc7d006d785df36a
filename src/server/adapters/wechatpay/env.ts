/**
 * A WeChat Pay v3 merchant's secrets, from the function's environment and nowhere else (SPEC §7):
 * never the database, never the repository. Per merchant number, so one deployment can serve several
 * shops on their own accounts; the unsuffixed names serve a deployment with one merchant.
 *
 *   WECHATPAY_PRIVATE_KEY_<mchId> | WECHATPAY_PRIVATE_KEY   the merchant's API private key (apiclient_key.pem, PEM)
 *   WECHATPAY_APIV3_KEY_<mchId>   | WECHATPAY_APIV3_KEY     the APIv3 key (32 characters) that encrypts callbacks
 *   WECHATPAY_PLATFORM_KEY_<mchId>| WECHATPAY_PLATFORM_KEY  WeChat Pay's public key (PEM), or its platform certificate (PEM)
 *   WECHATPAY_NOTIFY_URL                                    the refund callback's URL (the wechatpayNotify HTTP trigger)
 *   WECHATPAY_BASE_URL                                      default https://api.mch.weixin.qq.com/ (the local simulator's URL in tests)
 *
 * A PEM put in an environment variable on one line, with `\n` for its line breaks, is accepted.
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'crypto';
import type { PaymentSettings } from '../../../../types/domain';

export type V3Settings = Extract<PaymentSettings, { provider: 'WECHATPAY_V3' }>;

export interface WechatpayMerchant {
  mchId: string;
  certSerial: string;
  privateKey: string;
  apiV3Key: string;
  /** WeChat Pay's verifying key, by the id its signatures name in `Wechatpay-Serial`. */
  platformKeyId: string;
  platformKey: KeyObject;
}

export interface WechatpayEnv {
  baseUrl: string;
  notifyUrl: string;
  /** The merchant's secrets; throws, naming what is missing, when the environment lacks them. */
  merchant(settings: V3Settings): WechatpayMerchant;
  /**
   * What a callback may be checked with before its merchant is known: each platform key the environment
   * holds, with the APIv3 key beside it (`mchId` when the names carry one). The merchant and the key id
   * are bound to the shop after decryption (notify.ts).
   */
  notifyKeys(): NotifyKey[];
}

export interface NotifyKey {
  mchId?: string;
  apiV3Key: string;
  platformKey: KeyObject;
  /** When the key came as a platform certificate: its serial, which `Wechatpay-Serial` must name. */
  certSerial?: string;
}

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/';
export const APIV3_KEY_PATTERN = /^[A-Za-z0-9]{32}$/;

function pem(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  return raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
}

function pick(env: NodeJS.ProcessEnv, name: string, mchId: string): string | undefined {
  return env[`${name}_${mchId}`] || env[name] || undefined;
}

/** A platform key given as a certificate or as a bare public key; the id a certificate carries is its serial. */
export function platformKeyFrom(text: string): { key: KeyObject; certSerial?: string } {
  if (text.includes('BEGIN CERTIFICATE')) {
    const cert = new X509Certificate(text);
    return { key: cert.publicKey, certSerial: cert.serialNumber.toUpperCase() };
  }
  return { key: createPublicKey(text) };
}

export function wechatpayEnvFrom(env: NodeJS.ProcessEnv): WechatpayEnv {
  const cache = new Map<string, WechatpayMerchant>();
  const merchant = (s: V3Settings): WechatpayMerchant => {
    const cacheKey = `${s.mchId}/${s.certSerial}/${s.platformPublicKeyId ?? ''}/${s.platformCertSerial ?? ''}`;
    const hit = cache.get(cacheKey);
    if (hit) return hit;
    const privateKey = pem(pick(env, 'WECHATPAY_PRIVATE_KEY', s.mchId));
    const apiV3Key = pick(env, 'WECHATPAY_APIV3_KEY', s.mchId);
    const platformText = pem(pick(env, 'WECHATPAY_PLATFORM_KEY', s.mchId));
    const missing = [
      !privateKey && `WECHATPAY_PRIVATE_KEY_${s.mchId}`,
      !apiV3Key && `WECHATPAY_APIV3_KEY_${s.mchId}`,
      !platformText && `WECHATPAY_PLATFORM_KEY_${s.mchId}`,
    ].filter(Boolean);
    if (missing.length > 0 || !privateKey || !apiV3Key || !platformText) {
      throw new Error(`WeChat Pay v3 merchant ${s.mchId}: ${missing.join(', ')} not set in the function environment`);
    }
    if (!APIV3_KEY_PATTERN.test(apiV3Key)) throw new Error(`WeChat Pay v3 merchant ${s.mchId}: the APIv3 key must be 32 letters or digits`);
    const platform = platformKeyFrom(platformText);
    const platformKeyId = s.platformPublicKeyId ?? s.platformCertSerial ?? platform.certSerial;
    if (!platformKeyId) {
      throw new Error(`WeChat Pay v3 merchant ${s.mchId}: settings.payment names neither platformPublicKeyId nor platformCertSerial`);
    }
    const m: WechatpayMerchant = { mchId: s.mchId, certSerial: s.certSerial, privateKey, apiV3Key, platformKeyId, platformKey: platform.key };
    cache.set(cacheKey, m);
    return m;
  };
  return {
    get baseUrl() {
      return env.WECHATPAY_BASE_URL || DEFAULT_BASE_URL;
    },
    get notifyUrl() {
      return env.WECHATPAY_NOTIFY_URL || '';
    },
    merchant,
    notifyKeys() {
      const keys: NotifyKey[] = [];
      const suffixes = new Set<string | undefined>([undefined]);
      for (const name of Object.keys(env)) {
        const m = /^WECHATPAY_PLATFORM_KEY_(\d{8,16})$/.exec(name);
        if (m) suffixes.add(m[1]);
      }
      for (const mchId of suffixes) {
        const platformText = pem(mchId ? env[`WECHATPAY_PLATFORM_KEY_${mchId}`] : env.WECHATPAY_PLATFORM_KEY);
        const apiV3Key = mchId ? pick(env, 'WECHATPAY_APIV3_KEY', mchId) : env.WECHATPAY_APIV3_KEY;
        if (!platformText || !apiV3Key || !APIV3_KEY_PATTERN.test(apiV3Key)) continue;
        try {
          const platform = platformKeyFrom(platformText);
          keys.push({ ...(mchId ? { mchId } : {}), apiV3Key, platformKey: platform.key, ...(platform.certSerial ? { certSerial: platform.certSerial } : {}) });
        } catch (e) {
          console.error(`wechatpayNotify: WECHATPAY_PLATFORM_KEY${mchId ? `_${mchId}` : ''} is no public key or certificate`, e);
        }
      }
      return keys;
    },
  };
}
