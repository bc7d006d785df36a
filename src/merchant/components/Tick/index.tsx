import { View } from '@tarojs/components';
import './index.scss';

interface Props {
  checked: boolean;
  onChange(next: boolean): void;
  label: string;
  disabled?: boolean;
}

/**
 * A round tick with a 44 px tap area. Rows of the virtual list each carry one, so it is two nodes
 * rather than a full checkbox widget: the panel's node budget is per row.
 */
export function Tick({ checked, onChange, label, disabled }: Props) {
  return (
    <View
      className={`m-tick${checked ? ' m-tick--on' : ''}${disabled ? ' m-tick--disabled' : ''}`}
      role="checkbox"
      aria-checked={checked}
      aria-label={label}
      onClick={(e) => {
        e.stopPropagation();
        if (!disabled) onChange(!checked);
      }}
    >
      <View className="m-tick__dot">{checked ? '✓' : ''}</View>
    </View>
  );
}
