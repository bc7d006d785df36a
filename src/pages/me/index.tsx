import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Identity } from '../../../types/api';
import PageState from '../../components/PageState';
import { callAfterSale, describeError } from '../../services/cloud';
import { routes } from '../routes';
import './index.scss';

const ROLE_LABELS: Record<Identity['role'], string> = { BUYER: '买家', STAFF: '店铺客服', OWNER: '店主', PLATFORM: '平台审核' };

/**
 * 「我的身份」 (SPEC §7): who WeChat says you are (the openid a new owner reports to the platform), your
 * role and shop, and where a setup code (开店码) or an invite code (邀请码) is entered.
 */
export default function MePage() {
  const [me, setMe] = useState<Identity>();
  const [error, setError] = useState<{ message: string; solution: string }>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setError(undefined);
    try {
      setMe(await callAfterSale('whoami', {}));
    } catch (e) {
      setError(describeError(e));
    }
  };
  useDidShow(() => void load());

  const redeem = async () => {
    const entered = code.trim();
    if (entered.length < 8) {
      void Taro.showToast({ title: '请输入完整的开店码或邀请码', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      // A setup code makes its redeemer the owner; an invite code staff. Try the invite first, the more common one.
      let next: Identity;
      try {
        next = await callAfterSale('merchant.join', { code: entered });
      } catch (e) {
        if (describeError(e).code !== 'INVALID_INPUT') throw e;
        next = await callAfterSale('shop.claim', { setupCode: entered });
      }
      setMe(next);
      setCode('');
      void Taro.showToast({ title: `你已是${next.shopName ?? '店铺'}的${ROLE_LABELS[next.role]}`, icon: 'none' });
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="me">
      <PageState loading={!me && !error} error={error} onRetry={() => void load()}>
        {me && (
          <View className="me__card">
            <Text className="me__label">我的微信身份（openid）</Text>
            <Text className="me__openid" selectable>
              {me.openid}
            </Text>
            <Button className="btn btn--small" onClick={() => void Taro.setClipboardData({ data: me.openid })}>
              复制
            </Button>
            <Text className="me__label">角色</Text>
            <Text className="me__value">
              {ROLE_LABELS[me.role]}
              {me.shopName ? ` · ${me.shopName}` : ''}
            </Text>
            {me.role !== 'BUYER' && <Text className="muted">你仍可以作为买家购物和申请售后；自己购买的订单由店里其他人处理。</Text>}
          </View>
        )}
        {me && me.role !== 'PLATFORM' && (
          <View className="me__card">
            <Text className="me__label">输入开店码或邀请码</Text>
            <Input className="me__input" value={code} placeholder="例如 ACDE-FGHJ-KMNPQ" maxlength={40} onInput={(e) => setCode(e.detail.value)} />
            <Text className="muted">开店码由平台发给店主，邀请码由店主在「店员与密钥」生成，24小时内有效，只能用一次。</Text>
          </View>
        )}
      </PageState>
      <View className="me__actions">
        {me && (me.role === 'OWNER' || me.role === 'STAFF') && (
          <Button className="btn" onClick={() => void Taro.navigateTo({ url: me.role === 'OWNER' ? routes.merchantTeam : routes.merchantPanel })}>
            {me.role === 'OWNER' ? '店员与密钥' : '商家后台'}
          </Button>
        )}
        {me && me.role !== 'PLATFORM' && (
          <Button className="btn btn--primary" disabled={busy} loading={busy} onClick={() => void redeem()}>
            确认加入店铺
          </Button>
        )}
      </View>
    </View>
  );
}
