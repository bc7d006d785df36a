import type { CaseStatus } from '../../../types/domain';

export type PanelTabKey =
  | 'PENDING'
  | 'AWAITING_RETURN'
  | 'RETURN_SHIPPED'
  | 'AWAITING_RESHIP'
  | 'REFUNDING'
  | 'REFUND_FAILED'
  | 'ESCALATED'
  | 'ALL';

export interface PanelTab {
  key: PanelTabKey;
  title: string;
  /** The `merchant.list` filter; undefined lists every status. */
  status?: CaseStatus;
}

/** The panel's tabs, in the order staff work through them. */
export const PANEL_TABS: readonly PanelTab[] = [
  { key: 'PENDING', title: '待审核', status: 'PENDING' },
  { key: 'AWAITING_RETURN', title: '待退货', status: 'AWAITING_RETURN' },
  { key: 'RETURN_SHIPPED', title: '待收货', status: 'RETURN_SHIPPED' },
  // 换货 (SPEC §5): goods back, the replacement to ship within 72 h.
  { key: 'AWAITING_RESHIP', title: '待发换货', status: 'AWAITING_RESHIP' },
  { key: 'REFUNDING', title: '退款中', status: 'REFUNDING' },
  { key: 'REFUND_FAILED', title: '退款失败', status: 'REFUND_FAILED' },
  { key: 'ESCALATED', title: '平台介入', status: 'ESCALATED' },
  { key: 'ALL', title: '全部' },
];

export function tabByKey(key: string | undefined): PanelTab {
  return PANEL_TABS.find((t) => t.key === key) ?? PANEL_TABS[0];
}

/** Whether a case with this status still belongs in the tab (a case that moved on leaves its tab). */
export function belongsToTab(tab: PanelTab, status: CaseStatus): boolean {
  return tab.status === undefined || tab.status === status;
}
