import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ROUTES } from '../../routes';
import './index.scss';

const LINKS = [
  { url: ROUTES.panel, title: '待处理' },
  { url: ROUTES.orders, title: '订单发货' },
  { url: ROUTES.stats, title: '数据分析' },
  { url: ROUTES.settings, title: '店铺设置' },
] as const;

/** The subpackage has no tab bar of its own: links between the shop's pages. */
export function MerchantNav({ current }: { current: (typeof LINKS)[number]['url'] }) {
  return (
    <View className="m-nav">
      {LINKS.map((l) => (
        <View
          key={l.url}
          className={`m-nav__item${l.url === current ? ' m-nav__item--on' : ''}`}
          onClick={() => l.url !== current && void Taro.redirectTo({ url: l.url })}
        >
          <Text>{l.title}</Text>
        </View>
      ))}
    </View>
  );
}
