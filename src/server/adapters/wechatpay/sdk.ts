/**
 * The WeChat Pay SDK (wechatpay-axios-plugin), module by module. Its index.js assigns `default` on a
 * class whose `default` is a getter, which throws in strict code — and the cloud functions' bundle is
 * strict (esbuild) — so the modules are loaded from lib/ directly; the types stay the package's own.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Sdk from 'wechatpay-axios-plugin';

export const Wechatpay = require('wechatpay-axios-plugin/lib/wechatpay') as typeof Sdk.Wechatpay;
export type Wechatpay = Sdk.Wechatpay;
export const Rsa = require('wechatpay-axios-plugin/lib/rsa') as typeof Sdk.Rsa;
export const Aes = require('wechatpay-axios-plugin/lib/aes') as typeof Sdk.Aes;
export const Formatter = require('wechatpay-axios-plugin/lib/formatter') as typeof Sdk.Formatter;
