import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import type { AfterSaleCase } from '../../../types/domain';
import AmountText from '../../components/AmountText';
import PageState from '../../components/PageState';
import ProductThumb from '../../components/ProductThumb';
import StatusTabs from '../../components/StatusTabs';
import StatusTag from '../../components/StatusTag';
import { CASE_STATUS_LABELS, CASE_STATUS_TONES, CASE_TYPE_LABELS } from '../../components/labels';
import { REASON_LABELS } from '../../core/classifier-data';
import { formatRemaining, formatTime } from '../../core/time';
import { BUYER_LIST_POLL_MS, usePollWhileShown } from '../../hooks/usePollWhileShown';
import { CASE_FILTERS, CASE_PAGE_SIZE, useCasesStore } from '../../stores/cases';
import { emptyList } from '../../stores/paged';
import { go, routes } from '../routes';
import './index.scss';

function CaseCard({ c, now }: { c: AfterSaleCase; now: number }) {
  const waiting = c.status === 'PENDING' && c.deadlineAt !== undefined;
  return (
    <View className="case-card" onClick={() => go(routes.case(c._id))}>
      <View className="case-card__head">
        <Text className="case-card__type">
          {CASE_TYPE_LABELS[c.type]} · {REASON_LABELS[c.reason]}
        </Text>
        <StatusTag text={CASE_STATUS_LABELS[c.status]} tone={CASE_STATUS_TONES[c.status]} />
      </View>
      <View className="case-card__goods">
        {c.type !== 'SHIPPING_FEE_ONLY' && <ProductThumb image={c.itemImage} size="sm" />}
        <Text className="case-card__items">{c.itemTitles?.length ? c.itemTitles.join('、') : c.type === 'SHIPPING_FEE_ONLY' ? '订单运费' : `订单 ${c.orderId}`}</Text>
      </View>
      <View className="case-card__foot">
        <Text className="muted">{waiting && c.deadlineAt ? `${formatRemaining(c.deadlineAt - now)}后自动同意` : formatTime(c.updatedAt)}</Text>
        <AmountText fen={c.approvedFen ?? c.amountFen} />
      </View>
    </View>
  );
}

export default function CasesPage() {
  const [filter, setFilter] = useState('ALL');
  const list = useCasesStore((s) => s.lists[filter]) ?? emptyList<AfterSaleCase>();
  const loadList = useCasesStore((s) => s.loadList);

  useDidShow(() => void loadList(filter, 'refresh'));
  // Left open, the list keeps up with the shop's answers (not once more pages are loaded: a refresh would fold them away).
  usePollWhileShown(() => {
    const shown = useCasesStore.getState().lists[filter];
    if (shown?.loaded && !shown.loading && shown.items.length <= CASE_PAGE_SIZE) void loadList(filter, 'refresh');
  }, BUYER_LIST_POLL_MS);
  useEffect(() => {
    if (!useCasesStore.getState().lists[filter]?.loaded) void loadList(filter, 'refresh');
  }, [filter, loadList]);
  usePullDownRefresh(() => {
    void loadList(filter, 'refresh').finally(() => Taro.stopPullDownRefresh());
  });
  useReachBottom(() => void loadList(filter, 'more'));

  const now = Date.now();
  return (
    <View className="cases-page">
      <StatusTabs tabs={CASE_FILTERS} value={filter} onChange={setFilter} />
      <PageState
        loading={!list.loaded && list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.loaded && list.items.length === 0}
        emptyText={filter === 'ALL' ? '您还没有申请过售后' : '没有这个状态的售后'}
        emptyAction={
          <Button className="btn cases-page__empty-btn" onClick={() => void Taro.reLaunch({ url: routes.home })}>
            去我的订单
          </Button>
        }
        onRetry={() => void loadList(filter, 'refresh')}
      >
        {list.items.map((c) => (
          <CaseCard key={c._id} c={c} now={now} />
        ))}
        <Text className="cases-page__foot">
          {list.loading ? '正在加载…' : list.error ? `${list.error.message}，上拉重试` : list.nextCursor ? '上拉加载更多' : '下拉可刷新'}
        </Text>
      </PageState>
    </View>
  );
}
