import type { PaymentSettings } from '../../../types/domain';

export interface PaymentChannelLine {
  label: string;
  value: string;
}

/** The last characters of a long identifier, enough for the owner to recognise it. */
function tail(s: string, n = 8): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

/**
 * What the settings page says about where the shop's refunds go out (SPEC §7 "Money out, per shop"):
 * set when the shop was created, never from this page, so it is shown read-only.
 */
export function paymentChannel(payment: PaymentSettings | undefined): { title: string; lines: PaymentChannelLine[] } {
  if (payment?.provider === 'WECHATPAY_V3') {
    const verify = payment.platformPublicKeyId
      ? { label: '验签方式', value: `微信支付公钥 ${tail(payment.platformPublicKeyId)}` }
      : payment.platformCertSerial
        ? { label: '验签方式', value: `平台证书 ${tail(payment.platformCertSerial)}` }
        : { label: '验签方式', value: '未配置，退款结果以主动查询为准' };
    return {
      title: '店铺自己的微信支付商户号（API v3）',
      lines: [
        { label: '商户号', value: payment.mchId },
        { label: '商户证书序列号', value: tail(payment.certSerial) },
        verify,
      ],
    };
  }
  // The sub-merchant number stays on the server (test/hardening/secrets.test.ts keeps it out of the weapp build).
  return {
    title: '微信支付（云开发 云支付）',
    lines: [{ label: '子商户号', value: '由平台在开店时配置' }],
  };
}
