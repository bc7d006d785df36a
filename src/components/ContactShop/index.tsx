import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { dial } from '../../services/phone';
import './index.scss';

interface Props {
  hotline: string;
  officialAccount: string;
}

/** R28: WeChat customer service, the shop's 11-digit hotline and its official account. */
export default function ContactShop({ hotline, officialAccount }: Props) {
  const validHotline = /^\d{11}$/.test(hotline);
  const copyAccount = () => {
    void Taro.setClipboardData({ data: officialAccount }).then(() =>
      Taro.showToast({ title: '公众号名称已复制，可在微信搜索后留言', icon: 'none', duration: 2500 }),
    );
  };
  return (
    <View className="contact">
      {process.env.TARO_ENV === 'weapp' ? (
        <Button className="contact__item" openType="contact">
          <Text className="contact__label">在线客服</Text>
          <Text className="contact__hint">微信客服会话</Text>
        </Button>
      ) : (
        <View className="contact__item contact__item--off">
          <Text className="contact__label">在线客服</Text>
          <Text className="contact__hint">微信内可用</Text>
        </View>
      )}
      {validHotline && (
        <View className="contact__item" onClick={() => dial(hotline)}>
          <Text className="contact__label">客服电话</Text>
          <Text className="contact__hint">{hotline}</Text>
        </View>
      )}
      {officialAccount && (
        <View className="contact__item" onClick={copyAccount}>
          <Text className="contact__label">公众号留言</Text>
          <Text className="contact__hint">{officialAccount}</Text>
        </View>
      )}
    </View>
  );
}
