import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import type { OrderView } from '../../../types/api';
import AmountText from '../../components/AmountText';
import PageState from '../../components/PageState';
import ProductThumb from '../../components/ProductThumb';
import StatusTabs from '../../components/StatusTabs';
import StatusTag from '../../components/StatusTag';
import { ORDER_STATUS_LABELS, ORDER_STATUS_TONES } from '../../components/labels';
import { isOpen } from '../../core/rules';
import { afterSaleAvailability } from '../../hooks/availability';
import { getDevOpenid } from '../../services/identity';
import { devName, needsDevSignIn, useIdentityStore } from '../../stores/identity';
import { ORDER_TABS, useOrdersStore } from '../../stores/orders';
import { emptyList } from '../../stores/paged';
import { firstLanding, go, homeFor, routes } from '../routes';
import { BUYER_LIST_POLL_MS, usePollWhileShown } from '../../hooks/usePollWhileShown';
import './index.scss';

const ROLE_NAMES = { BUYER: '买家', STAFF: '商家客服', OWNER: '店主', PLATFORM: '平台审核' } as const;

function OrderCard({ order, openid, now }: { order: OrderView; openid: string; now: number }) {
  const openCase = order.cases.find(isOpen);
  const canApply = ['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(order.status);
  // The shared core's own rules, as on the order page: an expired window or risk control greys the button and says why.
  const availability = canApply && !openCase ? afterSaleAvailability(order, openid, now) : undefined;
  const blocked = availability && !availability.possible && !availability.openCaseId ? availability : undefined;
  const units = order.items.reduce((n, i) => n + i.qty, 0);
  return (
    <View className="order-card" onClick={() => go(routes.order(order._id))}>
      <View className="order-card__head">
        <Text className="order-card__shop">{order.shop.name}</Text>
        <StatusTag text={ORDER_STATUS_LABELS[order.status]} tone={ORDER_STATUS_TONES[order.status]} />
      </View>
      {order.items.map((it) => (
        <View key={it.skuId} className="order-card__item">
          <ProductThumb image={it.image} />
          <View className="order-card__info">
            <Text className="order-card__title">{it.title}</Text>
            <Text className="muted">×{it.qty}</Text>
          </View>
          <AmountText fen={it.paidFen} size="sm" muted />
        </View>
      ))}
      <View className="order-card__sum">
        <Text className="muted">共{units}件 实付 </Text>
        <AmountText fen={order.paidFen} />
      </View>
      {blocked && (
        <Text className="order-card__why">{`暂不能申请售后：${blocked.message}`}</Text>
      )}
      <View className="order-card__actions">
        {openCase && (
          <Button
            className="btn"
            onClick={(e) => {
              e.stopPropagation();
              go(routes.case(openCase._id));
            }}
          >
            查看售后
          </Button>
        )}
        {canApply && !openCase && (
          <Button
            className={blocked ? 'btn btn--disabled' : 'btn btn--primary'}
            aria-disabled={blocked ? true : undefined}
            onClick={(e) => {
              e.stopPropagation();
              // A blocked order still opens: its page shows the reason with the guide's solution.
              go(routes.order(order._id));
            }}
          >
            申请售后
          </Button>
        )}
      </View>
    </View>
  );
}

export default function OrdersPage() {
  const [tab, setTab] = useState('ALL');
  const list = useOrdersStore((s) => s.lists[tab]) ?? emptyList<OrderView>();
  const loadList = useOrdersStore((s) => s.loadList);
  const identity = useIdentityStore((s) => s.identity);
  const loadIdentity = useIdentityStore((s) => s.load);
  const identityError = useIdentityStore((s) => s.error);

  // Orders are a buyer's: merchant and platform identities get the entry to their pages instead.
  const isBuyer = identity?.role === 'BUYER';
  useDidShow(() => {
    if (needsDevSignIn()) {
      void Taro.redirectTo({ url: routes.devLogin });
      return;
    }
    // Most callers are buyers: their orders are asked for alongside whoami rather than after it; for
    // anyone else the answer (FORBIDDEN) is never shown.
    const known = useIdentityStore.getState().identity;
    if (!known || known.role === 'BUYER') void loadList(tab, 'refresh');
    void loadIdentity();
  });
  useEffect(() => {
    if (isBuyer && !useOrdersStore.getState().lists[tab]?.loaded) void loadList(tab, 'refresh');
  }, [tab, loadList, isBuyer]);
  // The app opens here; a shop or platform identity has no orders and starts on its own page (issue 17),
  // once: coming back here later (切换身份, 我的身份) stays.
  const role = identity?.role;
  useEffect(() => {
    if (role && role !== 'BUYER' && firstLanding()) void Taro.redirectTo({ url: homeFor(role) });
  }, [role]);
  usePullDownRefresh(() => {
    void loadList(tab, 'refresh').finally(() => Taro.stopPullDownRefresh());
  });
  useReachBottom(() => void loadList(tab, 'more'));
  // Left open, the orders keep up (a case's progress shows on its order); not once more pages are loaded.
  usePollWhileShown(() => {
    const shown = useOrdersStore.getState().lists[tab];
    if (useIdentityStore.getState().identity?.role === 'BUYER' && shown?.loaded && !shown.loading && shown.items.length <= 10) void loadList(tab, 'refresh');
  }, BUYER_LIST_POLL_MS);

  const merchantEntry = identity && identity.role !== 'BUYER' ? homeFor(identity.role) : undefined;
  const firstItem = list.items[0]?.items[0];
  const openid = identity?.openid ?? getDevOpenid();
  const now = Date.now();

  return (
    <View className="orders-page">
      {process.env.TARO_ENV === 'h5' && (
        <View className="identity-bar" onClick={() => go(routes.devLogin)}>
          <Text>
            当前身份（演示）：{identity ? `${ROLE_NAMES[identity.role]} ${devName() || identity.openid}` : '读取中'}
          </Text>
          <Text className="identity-bar__switch">切换身份 ›</Text>
        </View>
      )}
      {merchantEntry && (
        <View className="merchant-entry" onClick={() => go(merchantEntry)}>
          <Text className="merchant-entry__title">{identity?.role === 'PLATFORM' ? '进入平台审核台' : '进入商家售后工作台'}</Text>
          <Text className="merchant-entry__arrow">›</Text>
        </View>
      )}
      <View className="merchant-entry" onClick={() => go(routes.me)}>
        <Text className="merchant-entry__title">我的身份 · 输入开店码或邀请码</Text>
        <Text className="merchant-entry__arrow">›</Text>
      </View>
      <View className="shortcuts">
        <View className="shortcuts__item" onClick={() => go(routes.cases)}>
          <Text className="shortcuts__icon">售</Text>
          <Text className="shortcuts__label">我的售后</Text>
        </View>
        <View className="shortcuts__item" onClick={() => go(routes.help())}>
          <Text className="shortcuts__icon">?</Text>
          <Text className="shortcuts__label">售后帮助</Text>
        </View>
        <View
          className="shortcuts__item"
          onClick={() => (firstItem ? go(routes.product(list.items[0]._id, firstItem.skuId)) : void Taro.showToast({ title: '订单加载后可查看商品', icon: 'none' }))}
        >
          <Text className="shortcuts__icon">店</Text>
          <Text className="shortcuts__label">店铺商品</Text>
        </View>
      </View>
      <StatusTabs tabs={ORDER_TABS} value={tab} onChange={setTab} />
      <PageState
        loading={(!list.loaded && list.loading) || (!identity && !identityError)}
        error={identityError ?? (isBuyer && list.items.length === 0 ? list.error : undefined)}
        empty={(list.loaded && list.items.length === 0) || (identity !== undefined && !isBuyer)}
        emptyText={identity && !isBuyer ? '当前是商家/平台身份，没有买家订单；请从上方入口进入工作台' : '这里还没有订单'}
        onRetry={() => {
          if (identity) void loadList(tab, 'refresh');
          else
            void loadIdentity(true).then((who) => {
              if (who?.role === 'BUYER') void loadList(tab, 'refresh');
            });
        }}
      >
        <View className="orders-page__list">
          {list.items.map((o) => (
            <OrderCard key={o._id} order={o} openid={openid} now={now} />
          ))}
          <Text className="orders-page__foot">
            {list.loading ? '正在加载…' : list.error ? `${list.error.message}，上拉重试` : list.nextCursor ? '上拉加载更多' : '没有更多订单了'}
          </Text>
        </View>
      </PageState>
    </View>
  );
}
