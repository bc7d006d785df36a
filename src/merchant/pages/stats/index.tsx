import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import BottomBar from '../../../components/BottomBar';
import ChoiceChips from '../../../components/ChoiceChips';
import PageState from '../../../components/PageState';
import Section from '../../../components/Section';
import { formatYuan } from '../../../core/money';
import { formatShort, shanghaiDate } from '../../../core/time';
import { BarChart } from '../../components/BarChart';
import { MerchantNav } from '../../components/MerchantNav';
import { RoleGate } from '../../components/RoleGate';
import { exportCsv } from '../../logic/export';
import { RANGES, csvFileName, csvForExcel, formatRate, type BarMeasure, type RangeKey } from '../../logic/stats';
import { ROUTES } from '../../routes';
import { useStatsStore } from '../../stores/stats';
import './index.scss';

const MEASURES = [
  { key: 'count' as BarMeasure, label: '按单数' },
  { key: 'amountFen' as BarMeasure, label: '按金额' },
];

const EXPORTED: Record<string, string> = {
  shared: '已打开分享，可发送到文件传输助手',
  downloaded: '已下载 CSV 文件',
  copied: '无法分享文件，数据已复制到剪贴板',
};

function Stats() {
  const { range, stats, status, error, load } = useStatsStore();
  const [measure, setMeasure] = useState<BarMeasure>('count');

  useEffect(() => {
    void load();
  }, [load]);

  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  const download = async () => {
    if (!stats) return;
    try {
      const outcome = await exportCsv(csvFileName(stats), csvForExcel(stats.csv));
      if (outcome !== 'cancelled') void Taro.showToast({ title: EXPORTED[outcome], icon: 'none' });
    } catch {
      void Taro.showToast({ title: '导出失败，请稍后重试', icon: 'none' });
    }
  };

  return (
    <View className="stats">
      <MerchantNav current={ROUTES.stats} />
      <View className="stats__ranges">
        <ChoiceChips<RangeKey> choices={RANGES.map((r) => ({ key: r.key, label: r.title }))} value={range} onChange={(k) => void load(k)} />
      </View>
      <PageState loading={status === 'loading' || status === 'idle'} error={error} onRetry={() => void load()}>
        {stats && (
          <>
            <Text className="stats__period">
              统计区间 {shanghaiDate(stats.from)} 至 {shanghaiDate(stats.to - 1)}（按申请时间）
            </Text>
            <View className="stats__cards">
              <View className="stats__card">
                <Text className="stats__num">{formatRate(stats.refundRate)}</Text>
                <Text className="stats__label">退款率</Text>
                <Text className="stats__hint">
                  {stats.refundedCases} 单退款 / {stats.deliveredOrders} 单签收
                </Text>
              </View>
              <View className="stats__card">
                <Text className="stats__num">{formatYuan(stats.refundedFen)}</Text>
                <Text className="stats__label">已退款金额</Text>
                <Text className="stats__hint">共 {stats.totalCases} 个售后申请</Text>
              </View>
              <View className="stats__card stats__card--warn">
                <Text className="stats__num">{stats.autoApprovedCases} 单</Text>
                <Text className="stats__label">超时自动同意</Text>
                <Text className="stats__hint">利润损失 {formatYuan(stats.autoApprovedFen)}</Text>
              </View>
              <View className="stats__card stats__card--danger">
                <Text className="stats__num">{stats.overturnedCases} 单</Text>
                <Text className="stats__label">拒绝后被平台改判</Text>
                <Text className="stats__hint">客诉风险，影响店铺评分</Text>
              </View>
              {stats.exchangeCases > 0 && (
                <View className="stats__card">
                  <Text className="stats__num">{stats.exchangeCases} 单</Text>
                  <Text className="stats__label">换货申请</Text>
                  <Text className="stats__hint">
                    已换货 {stats.exchangedCases} 单 · 无货转退款 {stats.convertedCases} 单
                  </Text>
                </View>
              )}
            </View>
            <View className="stats__measure">
              <ChoiceChips choices={MEASURES} value={measure} onChange={setMeasure} />
            </View>
            <Section title="退款原因">
              <BarChart buckets={stats.byReason} measure={measure} emptyText="这段时间没有售后申请" />
              <Text className="stats__tip">通过退款高频原因优化品控和售后服务</Text>
            </Section>
            <Section title="退款商品">
              <BarChart buckets={stats.bySku} measure={measure} emptyText="这段时间没有商品退款" />
            </Section>
            <Section title="每周趋势">
              <BarChart buckets={stats.byWeek} measure={measure} emptyText="这段时间没有售后申请" />
            </Section>
            <Text className="stats__foot">数据更新于 {formatShort(Date.now())}</Text>
          </>
        )}
      </PageState>
      <BottomBar aside={<Text className="stats__aside">导出明细给财务或品控</Text>}>
        <Button className="stats__export" disabled={!stats || undefined} onClick={() => void download()}>
          导出 CSV
        </Button>
      </BottomBar>
    </View>
  );
}

export default function StatsPage() {
  return (
    <RoleGate allow={['OWNER', 'STAFF']} what="退款数据分析">
      <Stats />
    </RoleGate>
  );
}
