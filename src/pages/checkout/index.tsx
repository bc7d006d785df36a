import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import Alert from '../../components/Alert';
import AmountText from '../../components/AmountText';
import BottomBar from '../../components/BottomBar';
import PageState from '../../components/PageState';
import PolicyCard from '../../components/PolicyCard';
import Section from '../../components/Section';
import { PAY_CHANNEL_LABELS } from '../../components/labels';
import { purchaseNotices } from '../../hooks/purchaseNotices';
import { useCachedOrder } from '../../hooks/useCachedOrder';
import './index.scss';

/** Checkout summary of the demo shop: what is paid, the notices owed before paying, the policy (R27). */
export default function CheckoutPage() {
  const { params } = useRouter();
  const orderId = params.orderId ?? '';
  const { order, error, retry } = useCachedOrder(orderId);

  if (!order) return <PageState loading={!error} error={error} onRetry={retry} />;
  const notices = order.items.flatMap((i) => purchaseNotices(i, order.shop.settings).map((n) => ({ ...n, key: `${i.skuId}-${n.rule}`, item: i.title })));
  const goodsFen = order.paidFen - order.shippingFen;

  return (
    <View className="checkout-page">
      <Section title={order.shop.name}>
        {order.items.map((it) => (
          <View key={it.skuId} className="kv">
            <Text className="checkout-page__item">
              {it.title} ×{it.qty}
            </Text>
            <AmountText fen={it.paidFen} size="sm" muted />
          </View>
        ))}
        <View className="kv">
          <Text className="kv__k">商品金额</Text>
          <AmountText fen={goodsFen} size="sm" muted />
        </View>
        <View className="kv">
          <Text className="kv__k">运费</Text>
          <AmountText fen={order.shippingFen} size="sm" muted />
        </View>
        <View className="kv">
          <Text className="kv__k">退货运费险</Text>
          <Text className="kv__v">{order.insured ? '已投保，退货运费由保险承担' : '未投保'}</Text>
        </View>
        <View className="kv">
          <Text className="kv__k">支付方式</Text>
          <Text className="kv__v">{PAY_CHANNEL_LABELS[order.payChannel]}</Text>
        </View>
      </Section>
      {notices.length > 0 && (
        <Section title="下单前请确认">
          {notices.map((n) => (
            <Alert key={n.key} tone="warn" title={`「${n.item}」${n.title}`}>
              {n.text}
            </Alert>
          ))}
        </Section>
      )}
      <PolicyCard policyText={order.shop.settings.policyText} />
      <BottomBar
        aside={
          <View className="checkout-page__total">
            <Text className="muted">合计 </Text>
            <AmountText fen={order.paidFen} size="lg" />
          </View>
        }
      >
        <Button className="btn btn--primary" onClick={() => void Taro.showToast({ title: '演示店铺：此订单已支付', icon: 'none' })}>
          提交订单
        </Button>
      </BottomBar>
    </View>
  );
}
