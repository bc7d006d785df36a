import { Text, View } from '@tarojs/components';
import type { Step } from './steps';
import './index.scss';

/** A horizontal progress bar: a dot and a label per step, what is done in green, the current step bold; a note under it. */
export default function CaseSteps({ steps, note }: { steps: Step[]; note?: string }) {
  return (
    <View className="steps-wrap">
      <View className="steps" aria-label="售后进度">
        {steps.map((s, i) => (
          <View key={`${s.label}-${i}`} className={`steps__item steps__item--${s.state}`} aria-current={s.state === 'now' || s.state === 'fail' ? 'step' : undefined}>
            <View className="steps__track">
              <View className={`steps__line${i === 0 ? ' steps__line--none' : ''}`} />
              <View className="steps__dot">{s.state === 'done' ? '✓' : s.state === 'fail' ? '!' : ''}</View>
              <View className={`steps__line${i === steps.length - 1 ? ' steps__line--none' : ''}`} />
            </View>
            <Text className="steps__label">{s.label}</Text>
            {s.sub && <Text className="steps__sub">{s.sub}</Text>}
          </View>
        ))}
      </View>
      {note && <Text className="steps__note">{note}</Text>}
    </View>
  );
}
