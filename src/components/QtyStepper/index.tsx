import { Text, View } from '@tarojs/components';
import './index.scss';

interface Props {
  value: number;
  min?: number;
  max: number;
  onChange: (n: number) => void;
  label?: string;
}

/** − n + with 44 px buttons; never goes outside [min, max]. */
export default function QtyStepper({ value, min = 1, max, onChange, label = '数量' }: Props) {
  const dec = value > min;
  const inc = value < max;
  return (
    <View className="stepper" aria-label={label}>
      <View className={`stepper__btn ${dec ? '' : 'stepper__btn--off'}`} aria-label="减少" onClick={() => dec && onChange(value - 1)}>
        −
      </View>
      <Text className="stepper__value">{value}</Text>
      <View className={`stepper__btn ${inc ? '' : 'stepper__btn--off'}`} aria-label="增加" onClick={() => inc && onChange(value + 1)}>
        ＋
      </View>
    </View>
  );
}
