import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { CATALOGUE } from '../../../core/errors';
import './index.scss';

/**
 * R5: while the shop's WeChat Pay merchant account is not verified, approvals stand but no money
 * moves; the banner says so and gives the seed's fix.
 */
export function VerifyBanner({ verified }: { verified: boolean | undefined }) {
  if (verified !== false) return null;
  const e = CATALOGUE.MERCHANT_ACCOUNT_ABNORMAL;
  // Tapping it tells staff where the fix is made and what happens to the refunds waiting meanwhile.
  const explain = () =>
    void Taro.showModal({
      title: '如何完成商户号实名认证',
      content:
        '店主登录微信支付商户平台，在「账户中心 › 商户信息」补全企业资质（营业执照、法人身份证、对公账户），按页面提示完成实名认证。认证通过后，等待中的退款会由系统自动重新发起，无需逐单操作。',
      showCancel: false,
      confirmText: '知道了',
    });
  return (
    <View className="m-verify" role="alert" onClick={explain}>
      <Text className="m-verify__title">商户号未完成实名认证，同意后的退款暂时无法打款</Text>
      <Text className="m-verify__fix">{e.solution}</Text>
      <Text className="m-verify__more">查看认证步骤 ›</Text>
    </View>
  );
}
