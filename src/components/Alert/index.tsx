import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.scss';

interface Props {
  tone?: 'info' | 'warn' | 'danger' | 'success';
  title?: string;
  children?: ReactNode;
  /** What to do about it (the seed's solution line). */
  solution?: string;
}

/** A coloured note: a rule that blocks, a notice before applying, a fix to make. */
export default function Alert({ tone = 'info', title, children, solution }: Props) {
  return (
    <View className={`alert alert--${tone}`} role={tone === 'danger' ? 'alert' : undefined}>
      {title && <Text className="alert__title">{title}</Text>}
      {children && <View className="alert__text">{children}</View>}
      {solution && <Text className="alert__solution">怎么办：{solution}</Text>}
    </View>
  );
}
