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
  return (
    <View className="m-verify" role="alert">
      <Text className="m-verify__title">商户号未完成实名认证，同意后的退款暂时无法打款</Text>
      <Text className="m-verify__fix">{e.solution}</Text>
    </View>
  );
}
