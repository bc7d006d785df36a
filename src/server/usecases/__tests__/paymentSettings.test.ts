/**
 * SPEC §7 "Money out, per shop": settings.payment is set only by setup / shop:create (and the dev seed);
 * merchant.settings.set refuses it naming the field and changes nothing; other settings changes keep it.
 */
import type { PaymentSettings } from '../../../../types/domain';
import { paymentProviderOf, paymentSettingsSchema } from '../../paymentSettings';
import { makeWorld, OWNER, SHOP, SHOPS, STAFF, type World } from './support/world';

const V3: PaymentSettings = {
  provider: 'WECHATPAY_V3',
  mchId: '1900000109',
  certSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  platformPublicKeyId: 'PUB_KEY_ID_0119000001092025000000000000',
};

let w: World;
beforeEach(() => {
  w = makeWorld();
  w.local.dev.seed({ shops: [{ ...SHOPS[0], settings: { payment: V3 } }] });
});
afterEach(() => w.close());

describe('merchant.settings.set never touches the payment account', () => {
  test('a patch with payment (any shape) is INVALID_INPUT 400 on field payment, with why, and nothing changes', async () => {
    const before = await w.ok(OWNER, 'merchant.settings.get', {});
    expect(before.settings.payment).toEqual(V3);
    const attempts: unknown[] = [
      { provider: 'CLOUDPAY', subMchId: '1230000109' },
      { ...V3, mchId: '1230000109' },
      null,
      'WECHATPAY_V3',
    ];
    for (const payment of attempts) {
      const e = await w.fail(OWNER, 'merchant.settings.set', { hotline: '13912345678', payment } as never);
      expect([e.code, e.status, e.field]).toEqual(['INVALID_INPUT', 400, 'payment']);
      expect(e.message).toMatch(/开店|setup/);
    }
    expect(await w.ok(OWNER, 'merchant.settings.get', {})).toEqual(before);
  });

  test('staff are refused too (the schema answers first, naming the field), and nothing changes', async () => {
    const before = await w.ok(OWNER, 'merchant.settings.get', {});
    const e = await w.fail(STAFF, 'merchant.settings.set', { payment: { provider: 'CLOUDPAY', subMchId: '1230000109' } } as never);
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'payment']);
    expect(await w.ok(OWNER, 'merchant.settings.get', {})).toEqual(before);
  });

  test('an allowed patch keeps the payment account as it was', async () => {
    const after = await w.ok(OWNER, 'merchant.settings.set', { hotline: '13912345678' });
    expect(after.settings.hotline).toBe('13912345678');
    expect(after.settings.payment).toEqual(V3);
    const shop = await w.svc.shops.get(SHOP);
    expect(shop?.settings.payment).toEqual(V3);
  });
});

describe('paymentSettingsSchema (what setup / shop:create / the seed accept)', () => {
  test('accepts both providers; upper-cases serials', () => {
    expect(paymentSettingsSchema.parse({ provider: 'CLOUDPAY', subMchId: '1230000109' })).toEqual({ provider: 'CLOUDPAY', subMchId: '1230000109' });
    expect(paymentSettingsSchema.parse({ ...V3, certSerial: V3.provider === 'WECHATPAY_V3' ? V3.certSerial.toLowerCase() : '' })).toEqual(V3);
  });

  test('refuses key material and unknown fields, bad numbers and unknown providers', () => {
    const bad: unknown[] = [
      { provider: 'ALIPAY', mchId: '1900000109' },
      { provider: 'CLOUDPAY' },
      { provider: 'CLOUDPAY', subMchId: 'abc' },
      { ...V3, privateKey: '-----BEGIN PRIVATE KEY-----' },
      { ...V3, apiV3Key: 'a'.repeat(32) },
      { ...V3, mchId: '19000001O9' },
      { ...V3, certSerial: 'not-hex' },
      { ...V3, platformPublicKeyId: 'KEY_1' },
    ];
    for (const b of bad) expect(paymentSettingsSchema.safeParse(b).success).toBe(false);
  });

  test('a shop without payment settings refunds through cloudPay', () => {
    expect(paymentProviderOf(undefined)).toBe('CLOUDPAY');
    expect(paymentProviderOf({})).toBe('CLOUDPAY');
    expect(paymentProviderOf({ payment: V3 })).toBe('WECHATPAY_V3');
  });
});
