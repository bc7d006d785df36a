import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useMemo } from 'react';
import type { OrderItem } from '../../../types/domain';
import Alert from '../../components/Alert';
import AmountText from '../../components/AmountText';
import BottomBar from '../../components/BottomBar';
import ContactShop from '../../components/ContactShop';
import PageState from '../../components/PageState';
import PolicyCard from '../../components/PolicyCard';
import Section from '../../components/Section';
import StatusTag from '../../components/StatusTag';
import Timeline from '../../components/Timeline';
import { CASE_STATUS_LABELS, CASE_STATUS_TONES, CASE_TYPE_LABELS, ORDER_STATUS_LABELS, ORDER_STATUS_TONES, PAY_CHANNEL_LABELS } from '../../components/labels';
import { formatTime } from '../../core/time';
import { afterSaleAvailability, type Availability } from '../../hooks/availability';
import { afterSaleWindows } from '../../hooks/windows';
import { getDevOpenid } from '../../services/identity';
import { useIdentityStore } from '../../stores/identity';
import { useOrdersStore } from '../../stores/orders';
import { go, routes } from '../routes';
import './index.scss';

const KIND_BADGES: Partial<Record<OrderItem['kind'], string>> = {
  FRESH: '生鲜',
  CUSTOM: '定制',
  VIRTUAL: '虚拟商品',
  CROSS_BORDER: '跨境',
};

function LineAction({ orderId, item, availability }: { orderId: string; item: OrderItem; availability: Availability }) {
  if (availability.possible) {
    return (
      <Button className="btn btn--small" onClick={() => go(routes.apply(orderId, item.skuId))}>
        申请售后
      </Button>
    );
  }
  if (availability.openCaseId) {
    const id = availability.openCaseId;
    return (
      <Button className="btn btn--small" onClick={() => go(routes.case(id))}>
        查看售后
      </Button>
    );
  }
  return null;
}

export default function OrderPage() {
  const { params } = useRouter();
  const orderId = params.id ?? '';
  const order = useOrdersStore((s) => s.byId[orderId]);
  const error = useOrdersStore((s) => s.detailError[orderId]);
  const fetchOrder = useOrdersStore((s) => s.fetchOrder);
  const identity = useIdentityStore((s) => s.identity);
  const openid = identity?.openid ?? getDevOpenid();

  useDidShow(() => {
    void fetchOrder(orderId);
  });

  const now = Date.now();
  const availability = useMemo(() => {
    if (!order) return undefined;
    return {
      whole: afterSaleAvailability(order, openid, now),
      lines: Object.fromEntries(order.items.map((i) => [i.skuId, afterSaleAvailability(order, openid, now, i.skuId)])),
    };
    // `now` is read once per render; the order changing is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order, openid]);

  if (!order || !availability) {
    return <PageState loading={!error} error={error} onRetry={() => void fetchOrder(orderId)} />;
  }
  const s = order.shop.settings;
  const blocked = !availability.whole.possible ? availability.whole : undefined;

  return (
    <View className="order-page">
      <View className="order-page__status">
        <StatusTag text={ORDER_STATUS_LABELS[order.status]} tone={ORDER_STATUS_TONES[order.status]} />
        <Text className="order-page__status-text">
          {order.deliveredAt ? `已于 ${formatTime(order.deliveredAt)} 签收` : order.shippedAt ? `已于 ${formatTime(order.shippedAt)} 发货` : `付款时间 ${formatTime(order.paidAt)}`}
        </Text>
      </View>

      {order.logistics && (
        <Section title="物流信息" extra={<Text>{`${order.logistics.company} ${order.logistics.trackingNo}`}</Text>}>
          {order.logistics.events.length > 0 ? (
            <Timeline
              entries={[...order.logistics.events]
                .sort((a, b) => b.at - a.at)
                .map((e, i) => ({ key: `${e.at}-${i}`, title: e.text, time: formatTime(e.at) }))}
            />
          ) : (
            <Text className="muted">暂无物流轨迹</Text>
          )}
        </Section>
      )}

      <Section title={order.shop.name}>
        {order.items.map((it) => (
          <View key={it.skuId} className="line">
            <View className="line__main" onClick={() => go(routes.product(order._id, it.skuId))}>
              <View className="line__title">
                {KIND_BADGES[it.kind] && <Text className="badge">{KIND_BADGES[it.kind]}</Text>}
                <Text>{it.title}</Text>
              </View>
              <View className="line__meta">
                <AmountText fen={it.unitFen} size="sm" muted />
                <Text className="muted"> ×{it.qty}　实付 </Text>
                <AmountText fen={it.paidFen} size="sm" />
              </View>
              {!availability.lines[it.skuId].possible && (
                <Text className="line__why">{(availability.lines[it.skuId] as { message: string }).message}</Text>
              )}
            </View>
            <LineAction orderId={order._id} item={it} availability={availability.lines[it.skuId]} />
          </View>
        ))}
        <View className="kv">
          <Text className="kv__k">运费</Text>
          <AmountText fen={order.shippingFen} size="sm" muted />
        </View>
        <View className="kv">
          <Text className="kv__k">实付款</Text>
          <AmountText fen={order.paidFen} />
        </View>
        <View className="kv">
          <Text className="kv__k">支付方式</Text>
          <Text className="kv__v">{PAY_CHANNEL_LABELS[order.payChannel]}</Text>
        </View>
        <View className="kv">
          <Text className="kv__k">订单编号</Text>
          <Text className="kv__v">{order._id}</Text>
        </View>
        {order.insured && (
          <View className="insured">
            <Text className="insured__tag">运费险</Text>
            <Text className="insured__text">本单已投保退货运费险，退货寄回的运费由保险承担</Text>
          </View>
        )}
      </Section>

      {order.cases.length > 0 && (
        <Section title="本单售后">
          {order.cases.map((c) => (
            <View key={c._id} className="case-row" onClick={() => go(routes.case(c._id))}>
              <Text className="case-row__type">{CASE_TYPE_LABELS[c.type]}</Text>
              <AmountText fen={c.approvedFen ?? c.amountFen} size="sm" />
              <StatusTag text={CASE_STATUS_LABELS[c.status]} tone={CASE_STATUS_TONES[c.status]} />
            </View>
          ))}
        </Section>
      )}

      {blocked && (
        <View className="order-page__blocked">
          <Alert tone="warn" title={`暂不能申请售后：${blocked.message}`} solution={blocked.solution} />
        </View>
      )}

      <Section title="联系商家">
        <ContactShop hotline={s.hotline} officialAccount={s.officialAccount} />
      </Section>

      <PolicyCard policyText={s.policyText} windows={afterSaleWindows(order)} />

      <BottomBar>
        <Button className="btn" onClick={() => go(routes.help(order._id))}>
          售后帮助
        </Button>
        {availability.whole.possible ? (
          <Button className="btn btn--primary" onClick={() => go(routes.apply(order._id))}>
            申请售后
          </Button>
        ) : availability.whole.openCaseId ? (
          <Button className="btn btn--primary" onClick={() => go(routes.case((availability.whole as { openCaseId: string }).openCaseId))}>
            查看售后
          </Button>
        ) : (
          <Button className="btn btn--primary btn--disabled" onClick={() => void Taro.showToast({ title: blocked?.message ?? '', icon: 'none' })}>
            申请售后
          </Button>
        )}
      </BottomBar>
    </View>
  );
}
