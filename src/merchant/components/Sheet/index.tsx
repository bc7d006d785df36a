import Popup from '@nutui/nutui-react-taro/dist/es/packages/popup';
import '@nutui/nutui-react-taro/dist/es/packages/popup/style/css';
import { View } from '@tarojs/components';
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
    <Popup visible={visible} position="bottom" round closeable title={title} destroyOnClose onClose={onClose} className="m-sheet">
      <View className="m-sheet__body">{children}</View>
      {footer && <View className="m-sheet__footer">{footer}</View>}
    </Popup>
  );
}
