import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { getDevOpenid } from '../../services/identity';
import type { ReactNode } from 'react';
import './index.scss';

interface Props {
  loading?: boolean;
  error?: { message: string; solution: string };
  empty?: boolean;
  emptyText?: string;
  emptyAction?: ReactNode;
  onRetry?: () => void;
  children?: ReactNode;
}

/**
 * Loading, error (the catalogue's message and what to do, with a retry) and empty states of a page
 * or list; renders `children` once there is something to show.
 */
/** The h5 sign-in page, told where to come back to (a deep link opened before choosing who you are). */
export const DEV_LOGIN_ROUTE = '/pages/dev-login/index';

function pickIdentity(): void {
  const here = window.location.hash.replace(/^#/, '');
  const back = here && !here.startsWith(DEV_LOGIN_ROUTE) ? `?back=${encodeURIComponent(here)}` : '';
  void Taro.navigateTo({ url: `${DEV_LOGIN_ROUTE}${back}` });
}

export default function PageState({ loading, error, empty, emptyText = '这里还没有内容', emptyAction, onRetry, children }: Props) {
  if (error) {
    // h5: a deep link opened before anyone was chosen cannot load; the way out is choosing who you are,
    // and 「请在微信中打开小程序」 is no help in a browser.
    const noIdentity = process.env.TARO_ENV === 'h5' && !getDevOpenid();
    return (
      <View className="page-state page-state--error" role="alert">
        <Text className="page-state__icon">!</Text>
        <Text className="page-state__title">{noIdentity ? '还没有选择演示身份' : error.message}</Text>
        <Text className="page-state__text">{noIdentity ? '本地演示环境没有微信登录。选择一个演示身份后，会回到这个页面。' : error.solution}</Text>
        {noIdentity ? (
          <Button className="page-state__btn page-state__btn--primary" onClick={pickIdentity}>
            选择演示身份
          </Button>
        ) : (
          onRetry && (
            <Button className="page-state__btn" onClick={onRetry}>
              重新加载
            </Button>
          )
        )}
      </View>
    );
  }
  if (loading) {
    return (
      <View className="page-state page-state--loading" aria-busy="true">
        <View className="page-state__skeleton" />
        <View className="page-state__skeleton page-state__skeleton--short" />
        <View className="page-state__skeleton" />
        <Text className="page-state__text">正在加载…</Text>
      </View>
    );
  }
  if (empty) {
    return (
      <View className="page-state page-state--empty">
        <Text className="page-state__icon page-state__icon--empty">○</Text>
        <Text className="page-state__text">{emptyText}</Text>
        {emptyAction}
      </View>
    );
  }
  return <>{children}</>;
}
