import { useRouter } from '@tarojs/taro';
import { Button, Image, Text, View } from '@tarojs/components';
import Alert from '../../components/Alert';
import { productImageUrl } from '../../services/productImage';
import AmountText from '../../components/AmountText';
import BottomBar from '../../components/BottomBar';
import PageState from '../../components/PageState';
import PolicyCard from '../../components/PolicyCard';
import Section from '../../components/Section';
import { purchaseNotices } from '../../hooks/purchaseNotices';
import { useCachedOrder } from '../../hooks/useCachedOrder';
import { go, routes } from '../routes';
import './index.scss';

/** The demo shop's product page: what is sold, the notices owed before purchase and the policy at the bottom (R27). */
export default function ProductPage() {
  const { params } = useRouter();
  const orderId = params.orderId ?? '';
  const { order, error, retry } = useCachedOrder(orderId);

  const item = order?.items.find((i) => i.skuId === params.skuId) ?? order?.items[0];
  if (!order || !item) return <PageState loading={!error} error={error} onRetry={retry} />;
  const notices = purchaseNotices(item, order.shop.settings);

  return (
    <View className="product-page">
      {productImageUrl(item.image) ? (
        <Image className="product-page__img" src={productImageUrl(item.image)!} mode="aspectFill" />
      ) : (
        <View className="product-page__img product-page__img--blank">{item.title}</View>
      )}
      <View className="product-page__head">
        <AmountText fen={item.unitFen} size="lg" />
        <Text className="product-page__title">{item.title}</Text>
        <Text className="muted">{order.shop.name}</Text>
      </View>
      {notices.length > 0 && (
        <Section title="购买须知">
          {notices.map((n) => (
            <Alert key={n.rule} tone="warn" title={n.title}>
              {n.text}
            </Alert>
          ))}
        </Section>
      )}
      {order.insured && (
        <Section title="服务">
          <Text className="product-page__service">退货运费险：退货寄回的运费由保险承担</Text>
        </Section>
      )}
      <PolicyCard policyText={order.shop.settings.policyText} windows={[`签收后${order.shop.settings.windowDays}天内可申请售后`, '退款默认原路返回']} />
      <BottomBar aside={<AmountText fen={item.unitFen} size="lg" />}>
        <Button className="btn btn--primary" onClick={() => go(routes.checkout(order.shopId, item.skuId))}>
          立即购买
        </Button>
      </BottomBar>
    </View>
  );
}
