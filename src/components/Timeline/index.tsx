import { Text, View } from '@tarojs/components';
import './index.scss';

export interface TimelineEntry {
  key: string;
  title: string;
  time?: string;
  detail?: string;
}

interface Props {
  entries: TimelineEntry[];
  /** The first entry is the newest and is highlighted. */
  newestFirst?: boolean;
}

/** A vertical timeline: logistics events, a case's history. */
export default function Timeline({ entries, newestFirst = true }: Props) {
  const list = newestFirst ? entries : [...entries].reverse();
  return (
    <View className="timeline">
      {list.map((e, i) => (
        <View key={e.key} className={`timeline__item ${i === 0 ? 'timeline__item--current' : ''}`}>
          <View className="timeline__rail">
            <View className="timeline__dot" />
            {i < list.length - 1 && <View className="timeline__line" />}
          </View>
          <View className="timeline__body">
            <Text className="timeline__title">{e.title}</Text>
            {e.detail && <Text className="timeline__detail">{e.detail}</Text>}
            {e.time && <Text className="timeline__time">{e.time}</Text>}
          </View>
        </View>
      ))}
    </View>
  );
}
