import { Text } from '@tarojs/components';
import type { BadgeTone } from '../../logic/badges';
import './index.scss';

export function Badge({ tone, children }: { tone: BadgeTone; children: string }) {
  return <Text className={`m-badge m-badge--${tone}`}>{children}</Text>;
}
