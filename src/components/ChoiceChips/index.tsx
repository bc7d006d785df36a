import { Text, View } from '@tarojs/components';
import './index.scss';

export interface Choice<K extends string> {
  key: K;
  label: string;
  hint?: string;
  disabled?: boolean;
}

interface Props<K extends string> {
  choices: Choice<K>[];
  value?: K;
  onChange: (key: K) => void;
  /** Two per row with a hint line under each label (售后类型); otherwise compact pills. */
  layout?: 'pills' | 'cards';
}

/** Pick one of a few options, each a 44 px tap target. */
export default function ChoiceChips<K extends string>({ choices, value, onChange, layout = 'pills' }: Props<K>) {
  return (
    <View className={`chips chips--${layout}`} role="radiogroup">
      {choices.map((c) => (
        <View
          key={c.key}
          role="radio"
          aria-checked={c.key === value}
          aria-disabled={c.disabled}
          className={`chips__item ${c.key === value ? 'chips__item--on' : ''} ${c.disabled ? 'chips__item--disabled' : ''}`}
          onClick={() => !c.disabled && onChange(c.key)}
        >
          <Text className="chips__label">{c.label}</Text>
          {layout === 'cards' && c.hint && <Text className="chips__hint">{c.hint}</Text>}
        </View>
      ))}
    </View>
  );
}
