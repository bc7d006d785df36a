import { Text, View } from '@tarojs/components';
import { formatRemaining, formatTime, MINUTE_MS } from '../../core/time';
import { useNow } from '../../hooks/useNow';
import './index.scss';

interface Props {
  deadlineAt: number;
  /** What happens at the deadline, e.g. 「后商家未处理将自动同意」. */
  suffix: string;
  /** Shown once the deadline has passed (the timer acts within minutes). */
  expiredText?: string;
}

/** A live countdown to a deadline, with the exact time under it; ticks each second in the last hour. */
export default function Countdown({ deadlineAt, suffix, expiredText = '已到期，系统处理中' }: Props) {
  const now = useNow(1000);
  const left = deadlineAt - now;
  const urgent = left > 0 && left < 60 * MINUTE_MS;
  const seconds = urgent ? `${Math.floor((left % MINUTE_MS) / 1000)}秒` : '';
  return (
    <View className={`countdown ${urgent ? 'countdown--urgent' : ''}`}>
      {left > 0 ? (
        <Text className="countdown__main">
          还剩 <Text className="countdown__left">{formatRemaining(left)}{seconds}</Text> {suffix}
        </Text>
      ) : (
        <Text className="countdown__main">{expiredText}</Text>
      )}
      <Text className="countdown__at">截止 {formatTime(deadlineAt)}</Text>
    </View>
  );
}
