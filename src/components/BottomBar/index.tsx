import { View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.scss';

interface Props {
  children: ReactNode;
  /** Left side of the bar, e.g. the amount being asked for. */
  aside?: ReactNode;
}

/**
 * The page's main actions, fixed at the bottom above the home indicator. Pages that use it leave
 * room with `bottom-bar-spacer` so the last content is never hidden behind it.
 */
export default function BottomBar({ children, aside }: Props) {
  return (
    <>
      <View className="bottom-bar-spacer" />
      <View className="bottom-bar">
        {aside && <View className="bottom-bar__aside">{aside}</View>}
        <View className="bottom-bar__actions">{children}</View>
      </View>
    </>
  );
}
