import { Text, View } from '@tarojs/components';
import { memo } from 'react';
import type { AfterSaleCase, EpochMs } from '../../../../types/domain';
import { REASON_LABELS } from '../../../core/classifier-data';
import { formatYuan } from '../../../core/money';
import { formatShort } from '../../../core/time';
import { CASE_STATUS_LABELS, CASE_TYPE_LABELS } from '../../../components/labels';
import ProductThumb from '../../../components/ProductThumb';
import { caseBadges } from '../../logic/badges';
import { deadlineView } from '../../logic/countdown';
import { Badge } from '../Badge';
import { Tick } from '../Tick';
import './index.scss';

/** Design height of one row, its gap included; the virtual list lays rows out by it. */
export const CASE_ROW_DESIGN_PX = 124;

interface Props {
  c: AfterSaleCase;
  now: EpochMs;
  /** Offered on 待审核 only: batch approval applies to PENDING cases. */
  selectable: boolean;
  selected: boolean;
  showStatus: boolean;
  onToggle(caseId: string): void;
  onOpen(caseId: string): void;
}

export function goodsOf(c: AfterSaleCase): string {
  if (c.type === 'SHIPPING_FEE_ONLY') return '运费';
  return c.items.map((it, i) => `${c.itemTitles?.[i] ?? '商品'} ×${it.qty}`).join('，');
}

/** One case in the panel: amount, reason, goods, badges and the deadline, red when under 6 hours. */
export const CaseRow = memo(function CaseRow({ c, now, selectable, selected, showStatus, onToggle, onOpen }: Props) {
  const deadline = deadlineView(c.status, c.deadlineAt, now);
  const badges = caseBadges(c).slice(0, 3);
  return (
    <View className={`case-row${selected ? ' case-row--selected' : ''}`} data-case-id={c._id} onClick={() => onOpen(c._id)}>
      {selectable && <Tick checked={selected} label="选择此售后单" onChange={() => onToggle(c._id)} />}
      {c.type !== 'SHIPPING_FEE_ONLY' && <ProductThumb image={c.itemImage} size="sm" className="case-row__thumb" />}
      <View className="case-row__main">
        <View className="case-row__top">
          <Text className="case-row__amount">{formatYuan(c.amountFen)}</Text>
          <Text className="case-row__kind">
            {CASE_TYPE_LABELS[c.type]} · {REASON_LABELS[c.reason]}
          </Text>
          {showStatus && <Text className="case-row__status">{CASE_STATUS_LABELS[c.status]}</Text>}
        </View>
        <Text className="case-row__goods">{goodsOf(c)}</Text>
        <View className="case-row__bottom">
          {badges.map((b) => (
            <Badge key={b.text} tone={b.tone}>
              {b.text}
            </Badge>
          ))}
          {deadline ? (
            <Text className={`case-row__deadline${deadline.urgent ? ' case-row__deadline--urgent' : ''}`}>{deadline.text}</Text>
          ) : (
            <Text className="case-row__deadline">{formatShort(c.updatedAt)} 更新</Text>
          )}
        </View>
      </View>
    </View>
  );
});
