import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import PageState from '../../../components/PageState';
import { useIdentityStore } from '../../../stores/identity';
import StatusTabs from '../../../components/StatusTabs';
import { formatYuan } from '../../../core/money';
import { useNow } from '../../../hooks/useNow';
import { BatchResult } from '../../components/BatchResult';
import { CASE_ROW_DESIGN_PX, CaseRow } from '../../components/CaseRow';
import { MerchantNav } from '../../components/MerchantNav';
import { RoleGate } from '../../components/RoleGate';
import { Tick } from '../../components/Tick';
import { VerifyBanner } from '../../components/VerifyBanner';
import { useFreshOnShow, usePollWhileShown } from '../../hooks/useFreshOnShow';
import { useVirtualRows } from '../../hooks/useVirtualRows';
import { PANEL_TABS, type PanelTabKey } from '../../logic/tabs';
import { ROUTES, reviewUrl } from '../../routes';
import { PAGE_SIZE, usePanelStore } from '../../stores/panel';
import { useShopStore } from '../../stores/shop';
import './index.scss';

const LIST_ID = 'panel-list';
/** How often an open panel asks for its list again. */
export const PANEL_POLL_MS = 20_000;

function Panel() {
  const { tab, lists, selected, batch, setTab, load, loadMore, toggle, selectAll, clearSelection, approveSelected, dismissSummary } =
    usePanelStore();
  const { view, loadShop } = useShopStore();
  const list = lists[tab];
  const now = useNow(30_000);
  const rows = useVirtualRows(LIST_ID, list.items.length, CASE_ROW_DESIGN_PX);
  const [confirming, setConfirming] = useState(false);
  const pending = tab === 'PENDING';

  useEffect(() => {
    void loadShop();
  }, [loadShop]);

  // Every return to the panel asks again: new applications arrive while staff review one case.
  useFreshOnShow(() => void load());
  // Left open, it asks again by itself; not once more pages are loaded, which a refresh would fold away.
  usePollWhileShown(() => {
    const shown = usePanelStore.getState().lists[usePanelStore.getState().tab];
    if (shown.status === 'ready' && !shown.loadingMore && shown.items.length <= PAGE_SIZE) void load();
  }, PANEL_POLL_MS);

  usePullDownRefresh(() => {
    void Promise.all([load(), loadShop(true)]).finally(() => Taro.stopPullDownRefresh());
  });

  useReachBottom(() => {
    void loadMore();
  });

  const { measure } = rows;
  useEffect(() => {
    measure();
  }, [measure, view?.shop.verified]);

  const open = useCallback((caseId: string) => void Taro.navigateTo({ url: reviewUrl(caseId) }), []);

  const approve = async () => {
    // On h5 a disabled Button still delivers the tap: nothing chosen, nothing to confirm.
    if (confirming || batch.running || selected.length === 0) return;
    const chosen = list.items.filter((c) => selected.includes(c._id));
    const total = chosen.reduce((s, c) => s + c.amountFen, 0);
    setConfirming(true);
    const res = await Taro.showModal({
      title: `批量同意 ${chosen.length} 单退款`,
      content: `共 ${formatYuan(total)}，按原路退回买家；退货退款的单会把退货地址发给买家。`,
      confirmText: '确认同意',
      cancelText: '再看看',
    });
    setConfirming(false);
    if (res.confirm) await approveSelected();
  };

  const allPendingSelected =
    pending && list.items.length > 0 && list.items.every((c) => c.status !== 'PENDING' || selected.includes(c._id));

  return (
    <View className={`panel${pending ? ' panel--with-bar' : ''}`}>
      <MerchantNav current={ROUTES.panel} />
      <VerifyBanner verified={view?.shop.verified} />
      <StatusTabs tabs={PANEL_TABS.map((t) => ({ key: t.key, title: t.title }))} value={tab} onChange={(k) => setTab(k as PanelTabKey)} />
      {list.refreshing && <Text className="panel__refreshing">正在刷新…</Text>}
      <PageState
        loading={list.status === 'loading' || list.status === 'idle'}
        error={list.error}
        onRetry={() => void load()}
        empty={list.status === 'ready' && list.items.length === 0}
        emptyText={pending ? '没有待审核的售后申请，新申请会出现在这里' : '这个分类下暂时没有售后单'}
      >
        <View id={LIST_ID} className="panel__list" style={{ height: `${rows.totalPx}px` }}>
          {list.items.slice(rows.start, rows.end).map((c, i) => (
            <View key={c._id} className="panel__slot" style={{ top: `${(rows.start + i) * rows.rowPx}px`, height: `${rows.rowPx}px` }}>
              <CaseRow
                c={c}
                now={now}
                selectable={pending && c.status === 'PENDING'}
                selected={selected.includes(c._id)}
                showStatus={tab === 'ALL'}
                onToggle={toggle}
                onOpen={open}
              />
            </View>
          ))}
        </View>
        <View className="panel__footer">
          {list.moreError ? (
            <View className="panel__more-error" onClick={() => void (list.nextCursor ? loadMore() : load())}>
              <Text>{list.moreError.message}，点此重试</Text>
            </View>
          ) : list.loadingMore ? (
            <Text>正在加载更多…</Text>
          ) : list.nextCursor === null ? (
            <Text>已显示全部 {list.items.length} 单</Text>
          ) : (
            <Text onClick={() => void loadMore()}>上拉加载更多</Text>
          )}
        </View>
      </PageState>

      {pending && list.items.length > 0 && (
        <View className="panel__bar">
          {/* The tick and its words are one control: tapping 「全选」 selects as the circle does. */}
          <View className="panel__bar-all" onClick={() => (allPendingSelected ? clearSelection() : selectAll())}>
            <Tick checked={allPendingSelected} label="全选" onChange={(on) => (on ? selectAll() : clearSelection())} />
            <Text className="panel__bar-count">{selected.length > 0 ? `已选 ${selected.length} 单` : '全选'}</Text>
          </View>
          <Button
            className="panel__bar-btn"
            disabled={selected.length === 0 || batch.running || undefined}
            loading={batch.running || undefined}
            onClick={() => void approve()}
          >
            <Text>{batch.running ? `处理中 ${batch.done}/${batch.total}` : `批量同意${selected.length > 0 ? `（${selected.length}）` : ''}`}</Text>
          </Button>
        </View>
      )}

      <BatchResult summary={batch.summary} onClose={dismissSummary} onOpen={open} />
    </View>
  );
}

export default function PanelPage() {
  // Until whoami answers (the first visit: no role kept yet) the gate holds the panel back; its list and
  // the shop's settings are asked alongside whoami rather than after it. A caller who is no shop staff
  // never sees them: the gate shows its message instead, and the cloud answers them FORBIDDEN anyway.
  useState(() => {
    if (useIdentityStore.getState().identity) return;
    usePanelStore.getState().prefetch();
    if (useShopStore.getState().viewStatus === 'idle') void useShopStore.getState().loadShop();
  });
  return (
    <RoleGate allow={['OWNER', 'STAFF']} what="售后处理台">
      <Panel />
    </RoleGate>
  );
}
