import { Button, Text, View } from '@tarojs/components';
import type { BatchSummary } from '../../logic/batch';
import { Sheet } from '../Sheet';
import './index.scss';

interface Props {
  summary?: BatchSummary;
  onClose(): void;
  onOpen(caseId: string): void;
}

/** After a batch approval: one line per case, what happened and, for those that did not go through, what to do. */
export function BatchResult({ summary, onClose, onOpen }: Props) {
  return (
    <Sheet
      visible={summary !== undefined}
      title={summary?.title ?? ''}
      onClose={onClose}
      footer={
        <Button className="m-batch__ok" onClick={onClose}>
          知道了
        </Button>
      }
    >
      {summary?.rows.map((r) => (
        <View key={r.caseId} className={`m-batch__row m-batch__row--${r.ok ? 'ok' : 'bad'}`} onClick={() => onOpen(r.caseId)}>
          <Text className="m-batch__mark">{r.ok ? '✓' : '!'}</Text>
          <View className="m-batch__text">
            <Text className="m-batch__id">售后单 {r.caseId}</Text>
            <Text className="m-batch__what">{r.text}</Text>
            {r.solution && <Text className="m-batch__fix">{r.solution}</Text>}
          </View>
        </View>
      ))}
    </Sheet>
  );
}
