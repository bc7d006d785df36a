import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import PageState from '../../../components/PageState';
import { REASON_LABELS } from '../../../core/classifier-data';
import { formatYuan } from '../../../core/money';
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { formatTime } from '../../../core/time';
import { useNow } from '../../../hooks/useNow';
import { Badge } from '../../components/Badge';
import { RoleGate } from '../../components/RoleGate';
import { useFreshOnShow } from '../../hooks/useFreshOnShow';
import { LiftRiskSheet } from '../../components/sheets/LiftRiskSheet';
import { caseBadges } from '../../logic/badges';
import { deadlineView } from '../../logic/countdown';
import { reviewUrl } from '../../routes';
import { usePlatformStore } from '../../stores/platform';
import './index.scss';

function Queue() {
  const { items, nextCursor, status, loadingMore, error, moreError, load, loadMore } = usePlatformStore();
  const [lifting, setLifting] = useState(false);
  const now = useNow(30_000);

  useFreshOnShow(() => void load());
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });
  useReachBottom(() => {
    void loadMore();
  });

  const overdue = items.filter((c) => c.platformOverdue || (c.deadlineAt !== undefined && c.deadlineAt <= now)).length;

  return (
    <View className="platform">
      <View className="platform__head">
        <Text className="platform__title">待平台处理 {items.length}{nextCursor ? '+' : ''} 单</Text>
        <Text className="platform__rule">
          平台介入后{DEFAULT_SETTINGS.platformBusinessDays}个工作日内出具处理方案（周末和节假日顺延），处理结果为最终结果
        </Text>
        {overdue > 0 && <Text className="platform__overdue">其中 {overdue} 单已超过处理时限，请优先处理</Text>}
        <Text className="platform__lift" onClick={() => setLifting(true)}>
          解除买家风控 ›
        </Text>
      </View>
      <PageState
        loading={status === 'loading' || status === 'idle'}
        error={error}
        onRetry={() => void load()}
        empty={status === 'ready' && items.length === 0}
        emptyText="没有待处理的平台介入申请"
      >
        {items.map((c) => {
          const d = deadlineView(c.status, c.deadlineAt, now);
          const late = c.platformOverdue === true || (d?.overdue ?? false);
          return (
            <View
              key={c._id}
              className={`platform__row${late ? ' platform__row--late' : ''}`}
              data-case-id={c._id}
              onClick={() => void Taro.navigateTo({ url: reviewUrl(c._id, 'platform') })}
            >
              <View className="platform__row-top">
                <Text className="platform__amount">{formatYuan(c.amountFen)}</Text>
                <Text className="platform__reason">{REASON_LABELS[c.reason]}</Text>
                <Text className="platform__shop">{c.shopName ?? `店铺 ${c.shopId}`}</Text>
              </View>
              <Text className="platform__goods">{c.rejection ? `商家拒绝：${c.rejection.note}` : (c.offer ? `协商未达成：${c.offer.note}` : c.description)}</Text>
              <View className="platform__row-bottom">
                {caseBadges(c).map((b) => (
                  <Badge key={b.text} tone={b.tone}>
                    {b.text}
                  </Badge>
                ))}
                {late ? (
                  <Text className="platform__due platform__due--late">已超时 · 截止 {c.deadlineAt ? formatTime(c.deadlineAt) : ''}</Text>
                ) : (
                  d && <Text className={`platform__due${d.urgent ? ' platform__due--urgent' : ''}`}>{d.text}</Text>
                )}
              </View>
            </View>
          );
        })}
        <View className="platform__footer">
          {moreError ? (
            <Text className="platform__more-error" onClick={() => void loadMore()}>
              {moreError.message}，点此重试
            </Text>
          ) : loadingMore ? (
            <Text>正在加载更多…</Text>
          ) : (
            nextCursor === null && items.length > 0 && <Text>已显示全部</Text>
          )}
        </View>
      </PageState>
      <LiftRiskSheet visible={lifting} onClose={() => setLifting(false)} />
    </View>
  );
}

export default function PlatformPage() {
  return (
    <RoleGate allow={['PLATFORM']} what="平台介入审核">
      <Queue />
    </RoleGate>
  );
}
