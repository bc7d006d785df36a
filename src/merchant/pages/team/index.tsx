import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Invite, PendingInvite, StaffList } from '../../../../types/api';
import PageState from '../../../components/PageState';
import { formatTime } from '../../../core/time';
import { callAfterSale, describeError } from '../../../services/cloud';
import './index.scss';

/**
 * The owner's 店员与密钥 (SPEC §7): the shop's people, an invite code to send in WeChat (one-time, 24 h),
 * the invites not yet accepted (revocable), removing staff, and the order-sync key (generated here, shown
 * once, only its hash kept).
 */
export default function TeamPage() {
  const [list, setList] = useState<StaffList>();
  const [invites, setInvites] = useState<PendingInvite[]>();
  const [error, setError] = useState<{ message: string; solution: string }>();
  const [invite, setInvite] = useState<Invite>();
  const [key, setKey] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setError(undefined);
    try {
      const [staff, pending] = await Promise.all([callAfterSale('merchant.staff.list', {}), callAfterSale('merchant.invites', {})]);
      setList(staff);
      setInvites(pending.invites);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useDidShow(() => void load());

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setBusy(false);
    }
  };

  const remove = (openid: string) =>
    void Taro.showModal({ title: '移除这位店员？', content: '移除后对方1分钟内失去商家权限，仍可作为买家购物。', confirmText: '移除' }).then((r) => {
      if (r.confirm) void run(async () => setList(await callAfterSale('merchant.removeStaff', { openid })));
    });

  const revoke = (i: PendingInvite) =>
    void Taro.showModal({
      title: '撤销这个邀请码？',
      content: `${i.hint ? `尾号 ${i.hint} 的` : ''}邀请码撤销后立即失效，对方将无法再用它加入本店。`,
      confirmText: '撤销',
    }).then((r) => {
      if (r.confirm)
        void run(async () => {
          setInvites((await callAfterSale('merchant.revokeInvite', { id: i.id })).invites);
          setInvite((shown) => (shown && i.hint !== undefined && shown.code.replace(/-/g, '').endsWith(i.hint) && shown.expiresAt === i.expiresAt ? undefined : shown));
        });
    });

  const createInvite = () =>
    void run(async () => {
      setInvite(await callAfterSale('merchant.invite', { role: 'STAFF' }));
      setInvites((await callAfterSale('merchant.invites', {})).invites);
    });

  const rotate = () =>
    void Taro.showModal({ title: '生成新的同步密钥？', content: '旧密钥立即失效，订单系统须换用新密钥。新密钥只显示这一次。', confirmText: '生成' }).then((r) => {
      if (r.confirm)
        void run(async () => {
          const { key: fresh } = await callAfterSale('merchant.syncKey.rotate', {});
          setKey(fresh);
          await load();
        });
    });

  return (
    <View className="team">
      <PageState loading={!list && !error} error={error} onRetry={() => void load()}>
        {list && (
          <View className="team__card">
            <Text className="team__title">店员（{list.members.length}人）</Text>
            {list.members.map((m) => (
              <View key={m.openid} className="team__row">
                <View className="team__who">
                  <Text className="team__name">{m.role === 'OWNER' ? '店主' : '客服'}{m.name ? ` · ${m.name}` : ''}</Text>
                  <Text className="team__openid">{m.openid}</Text>
                  {m.since !== undefined && <Text className="muted">加入于 {formatTime(m.since)}</Text>}
                </View>
                {m.role === 'STAFF' && (
                  <Button className="btn btn--small" {...(busy ? { disabled: true } : {})} onClick={() => remove(m.openid)}>
                    移除
                  </Button>
                )}
              </View>
            ))}
          </View>
        )}
        {invite && (
          <View className="team__card">
            <Text className="team__title">邀请码（发给新店员，24小时内有效，只能用一次）</Text>
            <Text className="team__code" selectable>
              {invite.code}
            </Text>
            <Text className="muted">有效至 {formatTime(invite.expiresAt)}；对方在「我的身份」输入即可加入。</Text>
            <Button className="btn btn--small" onClick={() => void Taro.setClipboardData({ data: invite.code })}>
              复制邀请码
            </Button>
          </View>
        )}
        {invites && (
          <View className="team__card">
            <Text className="team__title">待接受的邀请</Text>
            {invites.length === 0 && <Text className="muted">没有待接受的邀请码</Text>}
            {invites.map((i) => (
              <View key={i.id} className="team__row">
                <View className="team__who">
                  <Text className="team__name">{i.hint ? `邀请码尾号 ${i.hint}` : '邀请码'}</Text>
                  <Text className="muted">生成于 {formatTime(i.createdAt)}，有效至 {formatTime(i.expiresAt)}</Text>
                </View>
                <Button className="btn btn--small" {...(busy ? { disabled: true } : {})} onClick={() => revoke(i)}>
                  撤销
                </Button>
              </View>
            ))}
          </View>
        )}
        {list && (
          <View className="team__card">
            <Text className="team__title">订单同步密钥</Text>
            <Text className="muted">
              {list.syncKeyRotatedAt ? `当前密钥生成于 ${formatTime(list.syncKeyRotatedAt)}` : '尚未生成：订单系统还不能同步订单'}
            </Text>
            {key && (
              <View className="team__key">
                <Text className="team__code" selectable>
                  {key}
                </Text>
                <Text className="team__warn">只显示这一次，请立即复制到订单系统的配置中。</Text>
                <Button className="btn btn--small" onClick={() => void Taro.setClipboardData({ data: key })}>
                  复制密钥
                </Button>
              </View>
            )}
            <Button className="btn btn--small" {...(busy ? { disabled: true } : {})} onClick={rotate}>
              {list.syncKeyRotatedAt ? '重新生成密钥' : '生成同步密钥'}
            </Button>
          </View>
        )}
      </PageState>
      <View className="team__actions">
        <Button className="btn btn--primary" disabled={busy} loading={busy} onClick={createInvite}>
          生成邀请码
        </Button>
      </View>
    </View>
  );
}
