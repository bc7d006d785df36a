/**
 * The WeChat Pay SDK (wechatpay-axios-plugin), module by module and only when first used. Its index.js
 * assigns `default` on a class whose `default` is a getter, which throws in strict code — and the cloud
 * functions' bundle is strict (esbuild) — so the modules are loaded from lib/ directly; and loading
 * them (axios among them) waits for the first v3 shop, so a function serving cloudPay shops starts as
 * fast as before. The types stay the package's own.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Sdk from 'wechatpay-axios-plugin';

export type Wechatpay = Sdk.Wechatpay;

export interface WechatpaySdk {
  Wechatpay: typeof Sdk.Wechatpay;
  Rsa: typeof Sdk.Rsa;
  Aes: typeof Sdk.Aes;
  Formatter: typeof Sdk.Formatter;
}

let loaded: WechatpaySdk | undefined;

export function wechatpaySdk(): WechatpaySdk {
  loaded ??= {
    Wechatpay: require('wechatpay-axios-plugin/lib/wechatpay') as typeof Sdk.Wechatpay,
    Rsa: require('wechatpay-axios-plugin/lib/rsa') as typeof Sdk.Rsa,
    Aes: require('wechatpay-axios-plugin/lib/aes') as typeof Sdk.Aes,
    Formatter: require('wechatpay-axios-plugin/lib/formatter') as typeof Sdk.Formatter,
  };
  return loaded;
}
