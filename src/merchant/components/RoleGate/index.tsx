import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useEffect, type ReactNode } from 'react';
import type { Identity } from '../../../../types/api';
import PageState from '../../../components/PageState';
import { useIdentityStore } from '../../../stores/identity';
import { usePanelStore } from '../../stores/panel';
import { usePlatformStore } from '../../stores/platform';
import { useShopStore } from '../../stores/shop';
import { useStatsStore } from '../../stores/stats';
import './index.scss';

type Role = Identity['role'];

interface Props {
  allow: readonly Role[];
  /** What this page is, for the message shown to someone who may not use it. */
  what: string;
  children: ReactNode;
}

const ROLE_NAME: Record<Role, string> = { BUYER: '买家', STAFF: '店铺客服', OWNER: '店主', PLATFORM: '平台审核员' };

/** Whose data the merchant stores hold; another identity (h5 demo switch) starts them afresh. */
let storesBelongTo: string | undefined;

function forgetOtherIdentity(openid: string) {
  if (storesBelongTo === openid) return;
  if (storesBelongTo !== undefined) {
    usePanelStore.getState().reset();
    useShopStore.getState().reset();
    usePlatformStore.getState().reset();
    useStatsStore.getState().reset();
  }
  storesBelongTo = openid;
}

/**
 * The merchant subpackage answers only shop staff and the platform; anyone else is told whose page
 * this is (the cloud refuses them anyway: FORBIDDEN).
 */
export function RoleGate({ allow, what, children }: Props) {
  const { identity, loading, error, load } = useIdentityStore();
  useEffect(() => {
    void load();
  }, [load]);

  if (!identity) {
    return <PageState loading={loading || !error} error={error} onRetry={() => void load(true)} />;
  }
  forgetOtherIdentity(identity.openid);
  if (!allow.includes(identity.role)) {
    return (
      <View className="m-gate">
        <Text className="m-gate__title">
          {what}仅对{allow.map((r) => ROLE_NAME[r]).join('、')}开放
        </Text>
        <Text className="m-gate__text">当前账号是{ROLE_NAME[identity.role]}，请切换到对应的微信账号后再打开。</Text>
        <Button className="m-gate__btn" onClick={() => void Taro.reLaunch({ url: '/pages/index/index' })}>
          返回首页
        </Button>
      </View>
    );
  }
  return <>{children}</>;
}
