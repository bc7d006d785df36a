import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useMemo, useState } from 'react';
import type { Order } from '../../../types/domain';
import { callAfterSale, describeError } from '../../services/cloud';
import type { OrderItem } from '../../../types/domain';
import Alert from '../../components/Alert';
import ProductThumb from '../../components/ProductThumb';
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

const REFUND_STATUS_LABELS = { PROCESSING: '退款中', SUCCESS: '已退回', ABNORMAL: '退款异常，等待商家处理', CLOSED: '退款单已关闭，系统将重新退款' } as const;

/** SPEC §7: what the buyer can do with the order itself: pay, cancel before shipment, confirm receipt. */
function useOrderActions(orderId: string, refetch: () => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const run = async (title: string, content: string, call: () => Promise<Order | unknown>, done: string) => {
    if (busy) return;
    const { confirm } = await Taro.showModal({ title, content, confirmText: '确定', cancelText: '再想想' });
    if (!confirm) return;
    setBusy(true);
    try {
      await call();
      await refetch();
      void Taro.showToast({ title: done, icon: 'success' });
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setBusy(false);
    }
  };
  return {
    busy,
    cancel: (paid: boolean) =>
      run('确定取消订单？', paid ? '商家尚未发货，取消后货款将原路退回微信支付' : '订单尚未付款，取消后不能再支付', () => callAfterSale('order.cancel', { orderId }), '订单已取消'),
    confirmReceipt: () => run('确认已收到商品？', '确认收货后如有问题仍可在售后时限内申请售后', () => callAfterSale('order.confirmReceipt', { orderId }), '已确认收货'),
    pay: () => run('去支付', '使用微信支付付款', () => callAfterSale('order.pay', { orderId }), '支付成功'),
  };
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
  const actions = useOrderActions(orderId, () => fetchOrder(orderId));

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
  // Before shipment there is no after-sale: one line of why, and the order's own buttons (issue 17 item 4).
  const preShipment = order.status === 'PAID' || order.status === 'UNPAID';
  const refunds = order.refunds ?? [];

  return (
    <View className="order-page">
      <View className="order-page__status">
        <StatusTag text={ORDER_STATUS_LABELS[order.status]} tone={ORDER_STATUS_TONES[order.status]} />
        <Text className="order-page__status-text">
          {order.cancelledAt
            ? `已于 ${formatTime(order.cancelledAt)} 取消`
            : order.deliveredAt
              ? `已于 ${formatTime(order.deliveredAt)} 签收`
              : order.shippedAt
                ? `已于 ${formatTime(order.shippedAt)} 发货`
                : order.status === 'UNPAID'
                  ? '等待付款'
                  : `付款时间 ${formatTime(order.paidAt)}`}
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
            <ProductThumb image={it.image} className="line__thumb" />
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
              {!preShipment && order.status !== 'CANCELLED' && !availability.lines[it.skuId].possible && (
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

      {refunds.length > 0 && (
        <Section title="取消订单退款">
          {refunds.map((r) => (
            <View key={r.outRefundNo} className="kv">
              <Text className="kv__k">
                <AmountText fen={r.amountFen} size="sm" /> {REFUND_STATUS_LABELS[r.status]}
              </Text>
              <Text className="kv__v muted">{r.settledAt ? formatTime(r.settledAt) : formatTime(r.at)}</Text>
            </View>
          ))}
          <Text className="muted">退款原路退回微信支付（零钱即时到账，银行卡1–3个工作日）</Text>
        </Section>
      )}

      {preShipment ? (
        order.status === 'PAID' && (
          <View className="order-page__blocked">
            <Alert tone="info" title="商家尚未发货" solution="不想要了可以点下方「取消订单」，货款将原路退回" />
          </View>
        )
      ) : (
        blocked && (
          <View className="order-page__blocked">
            <Alert tone="warn" title={`暂不能申请售后：${blocked.message}`} solution={blocked.solution} />
          </View>
        )
      )}

      <Section title="联系商家">
        <ContactShop hotline={s.hotline} officialAccount={s.officialAccount} />
      </Section>

      <PolicyCard policyText={s.policyText} windows={afterSaleWindows(order)} />

      <BottomBar>
        <Button className="btn" onClick={() => go(routes.help(order._id))}>
          售后帮助
        </Button>
        {order.status === 'UNPAID' || order.status === 'PAID' ? (
          <Button className="btn" onClick={() => void actions.cancel(order.status === 'PAID')}>
            取消订单
          </Button>
        ) : null}
        {order.status === 'UNPAID' ? (
          <Button className="btn btn--primary" onClick={() => void actions.pay()}>
            去支付
          </Button>
        ) : null}
        {order.status === 'SHIPPED' ? (
          <Button className="btn" onClick={() => void actions.confirmReceipt()}>
            确认收货
          </Button>
        ) : null}
        {preShipment || order.status === 'CANCELLED' ? null : availability.whole.possible ? (
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
