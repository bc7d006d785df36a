import Popup from '@nutui/nutui-react-taro/dist/es/packages/popup';
import '@nutui/nutui-react-taro/dist/es/packages/popup/style/css';
import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.scss';

interface Props {
  visible: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  /** The sheet's own action row, pinned under the content. */
  footer?: ReactNode;
}

/**
 * A bottom sheet for one decision: the form, what will happen, and the one button that confirms it.
 * Content is unmounted on close so a reopened sheet starts from a clean form.
 */
export function Sheet({ visible, title, onClose, children, footer }: Props) {
  return (
    // The close mark is a Text: NutUI's default icon is an <i>, which the weapp build has no template
    // for, so WeChat showed no × at all (found by the component-runtime journeys, issue 13).
    <Popup
      visible={visible}
      position="bottom"
      round
      closeable
      closeIcon={<Text className="m-sheet__close">×</Text>}
      title={title}
      destroyOnClose
      onClose={onClose}
      className="m-sheet"
    >
      <View className="m-sheet__body">{children}</View>
      {footer && <View className="m-sheet__footer">{footer}</View>}
    </Popup>
  );
}
