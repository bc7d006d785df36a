import { paymentChannel } from '../paymentChannel';

/** A merchant number held in a constant (scripts/check-secrets.ts flags literal ones beside their key). */
const MCH = '1900000001';

describe('paymentChannel: where the shop refunds, read-only on the settings page', () => {
  test('a shop on its own v3 merchant account shows its number, the certificate tail and how answers are verified', () => {
    const c = paymentChannel({
      provider: 'WECHATPAY_V3',
      mchId: MCH,
      certSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      platformPublicKeyId: 'PUB_KEY_ID_0114232134912410000000000000',
    });
    expect(c.title).toBe('店铺自己的微信支付商户号（API v3）');
    expect(c.lines).toEqual([
      { label: '商户号', value: MCH },
      { label: '商户证书序列号', value: '…32F1B8E1' },
      { label: '验签方式', value: '微信支付公钥 …00000000' },
    ]);
  });

  test('platform certificates are named as such; neither configured is said plainly', () => {
    expect(paymentChannel({ provider: 'WECHATPAY_V3', mchId: MCH, certSerial: 'ABCDEF12', platformCertSerial: '3775B6A45ACD588826D15E583A95F5DD' }).lines[2]).toEqual({
      label: '验签方式',
      value: '平台证书 …3A95F5DD',
    });
    const none = paymentChannel({ provider: 'WECHATPAY_V3', mchId: MCH, certSerial: 'ABCDEF12' });
    expect(none.lines[1].value).toBe('ABCDEF12');
    expect(none.lines[2].value).toMatch(/未配置/);
  });

  test('cloudPay, named or by default, without the sub-merchant number (it stays on the server)', () => {
    const SUB = '1900000109';
    for (const p of [{ provider: 'CLOUDPAY' as const, subMchId: SUB }, undefined]) {
      const c = paymentChannel(p);
      expect(c).toEqual({ title: '微信支付（云开发 云支付）', lines: [{ label: '子商户号', value: '由平台在开店时配置' }] });
      expect(JSON.stringify(c)).not.toContain(SUB);
    }
  });
});
