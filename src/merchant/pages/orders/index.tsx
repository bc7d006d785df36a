import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Order, OrderStatus } from '../../../../types/domain';
import AmountText from '../../../components/AmountText';
import PageState from '../../../components/PageState';
import { ORDER_STATUS_LABELS } from '../../../components/labels';
import { formatTime } from '../../../core/time';
import { callAfterSale, describeError } from '../../../services/cloud';
import { MerchantNav } from '../../components/MerchantNav';
import { ROUTES } from '../../routes';
import './index.scss';

const TABS: { status?: OrderStatus; title: string }[] = [
  { status: 'PAID', title: '待发货' },
  { status: 'SHIPPED', title: '已发货' },
  { status: 'CANCELLED', title: '已取消' },
  { title: '全部' },
];

/** One order: ship it (company + tracking number), or retry its cancellation's refund after an ABNORMAL one. */
function OrderCard({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [company, setCompany] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [busy, setBusy] = useState(false);
  const latest = order.refunds?.[order.refunds.length - 1];

  const act = async (call: () => Promise<unknown>, done: string) => {
    // A tap while the last one is in flight does nothing (a disabled Taro h5 button greys its text).
    if (busy) return;
    setBusy(true);
    try {
      await call();
      void Taro.showToast({ title: done, icon: 'success' });
      setOpen(false);
      onChanged();
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="m-orders__card">
      <View className="m-orders__head">
        <Text>订单 {order._id}</Text>
        <Text>{ORDER_STATUS_LABELS[order.status]}</Text>
      </View>
      {order.items.map((it) => (
        <Text key={it.skuId} className="m-orders__line">
          {it.title} ×{it.qty}
        </Text>
      ))}
      <View className="m-orders__foot">
        <View>
          <AmountText fen={order.paidFen} size="sm" />
          <Text className="muted"> · {order.status === 'UNPAID' ? '未付款' : `付款 ${formatTime(order.paidAt)}`}</Text>
        </View>
        {order.status === 'PAID' && !open && (
          <Button className="btn btn--small btn--primary" onClick={() => setOpen(true)}>
            发货
          </Button>
        )}
        {order.status === 'CANCELLED' && latest?.status === 'ABNORMAL' && (
          <Button className="btn btn--small" onClick={() => void act(() => callAfterSale('merchant.retryRefund', { orderId: order._id }), '已重新退款')}>
            重新退款
          </Button>
        )}
      </View>
      {order.status === 'SHIPPED' && order.logistics && (
        <Text className="muted">
          {order.logistics.company} {order.logistics.trackingNo}，发货10天后自动确认收货
        </Text>
      )}
      {order.status === 'CANCELLED' && latest && (
        <Text className={latest.status === 'ABNORMAL' ? 'm-orders__note' : 'muted'}>
          买家已取消，退款 {latest.status === 'SUCCESS' ? '已退回' : latest.status === 'PROCESSING' ? '处理中' : latest.status === 'ABNORMAL' ? '异常：请确认买家收款账户后重新退款' : '已关闭，系统将自动重新退款'}
        </Text>
      )}
      {open && (
        <View className="m-orders__form">
          <Input className="m-orders__input" placeholder="快递公司，如 顺丰速运" value={company} onInput={(e) => setCompany(e.detail.value)} />
          <Input className="m-orders__input" placeholder="快递单号" value={trackingNo} onInput={(e) => setTrackingNo(e.detail.value.trim())} />
          <Button
            className="btn btn--primary"
           
            onClick={() => void act(() => callAfterSale('merchant.ship', { orderId: order._id, company, trackingNo }), '已发货')}
          >
            确认发货
          </Button>
        </View>
      )}
    </View>
  );
}

/** SPEC §7: the shop's orders by status; 待发货 first, shipped from the card. */
export default function MerchantOrdersPage() {
  const [tab, setTab] = useState(0);
  const [items, setItems] = useState<Order[]>();
  const [error, setError] = useState<{ message: string; solution: string }>();

  const load = async (t = tab) => {
    setError(undefined);
    try {
      const status = TABS[t].status;
      const page = await callAfterSale('merchant.orders', status ? { status, limit: 50 } : { limit: 50 });
      setItems(page.items);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  return (
    <View className="m-orders">
      <MerchantNav current={ROUTES.orders} />
      <View className="m-orders__tabs">
        {TABS.map((t, i) => (
          <View
            key={t.title}
            className={`m-orders__tab${i === tab ? ' m-orders__tab--on' : ''}`}
            onClick={() => {
              setTab(i);
              setItems(undefined);
              void load(i);
            }}
          >
            <Text>{t.title}</Text>
          </View>
        ))}
      </View>
      <PageState loading={!items && !error} error={error} onRetry={() => void load()} empty={items?.length === 0} emptyText="这里还没有订单">
        {(items ?? []).map((o) => (
          <OrderCard key={o._id} order={o} onChanged={() => void load()} />
        ))}
      </PageState>
    </View>
  );
}
