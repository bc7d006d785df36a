import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.scss';

interface Props {
  title?: string;
  extra?: ReactNode;
  children: ReactNode;
  /** A field's validation message, shown in red under the title. */
  error?: string;
  id?: string;
}

/** A white card with a title: the building block of every detail page and form. */
export default function Section({ title, extra, children, error, id }: Props) {
  return (
    <View className={`section ${error ? 'section--error' : ''}`} id={id}>
      {(title || extra) && (
        <View className="section__head">
          {title && <Text className="section__title">{title}</Text>}
          {extra && <View className="section__extra">{extra}</View>}
        </View>
      )}
      {error && (
        <View className="section__error" role="alert">
          {error}
        </View>
      )}
      <View className="section__body">{children}</View>
    </View>
  );
}
