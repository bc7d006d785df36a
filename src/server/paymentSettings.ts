/**
 * `settings.payment` (SPEC §7 "Money out, per shop"): its one schema, for every place that may set it —
 * `setup` / `shop:create` and the dev seed. `merchant.settings.set` refuses the field (schemas.ts
 * FIXED_FIELDS). Only identifiers: keys never pass through here (they live in the function's
 * environment, src/server/adapters/wechatpay/env.ts).
 */
import { z } from 'zod';
import type { PaymentProvider, PaymentSettings, ShopSettings } from '../../types/domain';

/** WeChat Pay merchant numbers (商户号 / 子商户号): digits. */
const merchantNo = z.string().regex(/^\d{8,16}$/, { message: '商户号须为8–16位数字' });
/** Certificate serial numbers: hex, as WeChat Pay prints them (40 characters today). */
const serial = z.string().regex(/^[0-9A-Fa-f]{8,64}$/, { message: '证书序列号须为十六进制字符' });
const publicKeyId = z.string().regex(/^PUB_KEY_ID_[A-Za-z0-9]{1,64}$/, { message: '微信支付公钥ID形如 PUB_KEY_ID_…' });

export const paymentSettingsSchema: z.ZodType<PaymentSettings> = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('CLOUDPAY'), subMchId: merchantNo }),
  z.strictObject({
    provider: z.literal('WECHATPAY_V3'),
    mchId: merchantNo,
    certSerial: serial.transform((s) => s.toUpperCase()),
    platformPublicKeyId: publicKeyId.optional(),
    platformCertSerial: serial.transform((s) => s.toUpperCase()).optional(),
  }),
]);

/** The provider a shop's refunds go through: cloudPay unless its settings say otherwise. */
export function paymentProviderOf(settings: Pick<ShopSettings, 'payment'> | undefined): PaymentProvider {
  return settings?.payment?.provider ?? 'CLOUDPAY';
}
