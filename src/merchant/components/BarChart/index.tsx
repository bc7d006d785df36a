import { Text, View } from '@tarojs/components';
import type { StatsBucket } from '../../../../types/api';
import { formatYuan } from '../../../core/money';
import { toBars, type BarMeasure } from '../../logic/stats';
import './index.scss';

interface Props {
  buckets: readonly StatsBucket[];
  measure: BarMeasure;
  emptyText: string;
}

/**
 * Horizontal bars drawn with plain views: the same markup renders in weapp and h5, with no canvas
 * and no chart library in the subpackage.
 */
export function BarChart({ buckets, measure, emptyText }: Props) {
  if (buckets.length === 0) return <Text className="m-bars__empty">{emptyText}</Text>;
  return (
    <View className="m-bars">
      {toBars(buckets, measure).map((b) => (
        <View key={b.key} className="m-bars__row" data-key={b.key}>
          <Text className="m-bars__label">{b.label}</Text>
          <View className="m-bars__track">
            <View className="m-bars__fill" style={{ width: `${b.widthPct}%` }} />
          </View>
          <Text className="m-bars__value">{measure === 'count' ? `${b.count} 单` : formatYuan(b.amountFen)}</Text>
        </View>
      ))}
    </View>
  );
}
