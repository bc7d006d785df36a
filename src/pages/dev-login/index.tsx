import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { describeError } from '../../services/cloud';
import { fetchDevIdentities, type DevIdentity } from '../../services/devIdentities';
import { getDevOpenid } from '../../services/identity';
import { switchIdentity } from '../../stores/session';
import { homeFor, markLanded } from '../routes';
import './index.scss';

const GROUPS: { title: string; hint: string; roles: DevIdentity['role'][] }[] = [
  { title: '买家', hint: '查看订单、申请售后、跟进进度', roles: ['BUYER'] },
  { title: '商家', hint: '审核售后、确认退货、查看数据', roles: ['OWNER', 'STAFF'] },
  { title: '平台', hint: '处理买家申请的平台介入', roles: ['PLATFORM'] },
];

const ROLE_NAMES: Record<DevIdentity['role'], string> = { BUYER: '买家', STAFF: '客服', OWNER: '店主', PLATFORM: '平台审核' };

/** Taro's h5 router hands query values over still encoded; the weapp decodes them. */
function decodedParam(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return value.startsWith('%') ? decodeURIComponent(value) : value;
  } catch {
    return undefined;
  }
}

/** h5 only: the local host stands in for WeChat, so the tester picks who they are. */
export default function DevLoginPage() {
  const [list, setList] = useState<DevIdentity[] | undefined>();
  const [error, setError] = useState<{ message: string; solution: string } | undefined>();
  const current = getDevOpenid();
  // Opened from a deep link that needed an identity: go back there once one is chosen.
  const back = decodedParam(useRouter().params.back);
  const deepLink = back && /^\/(pages|merchant)\//.test(back) ? back : undefined;

  const load = useCallback(() => {
    setError(undefined);
    fetchDevIdentities()
      .then(setList)
      .catch((e: unknown) => setError(describeError(e)));
  }, []);
  useEffect(load, [load]);

  const choose = async (it: DevIdentity) => {
    const who = await switchIdentity(it.openid, it.name);
    if (!who) {
      void Taro.showToast({ title: '登录失败，请确认本地云服务已启动', icon: 'none' });
      return;
    }
    // Back to the deep link, or to where this role starts: a merchant on the panel, not on 我的订单.
    markLanded();
    void Taro.reLaunch({ url: deepLink ?? homeFor(who.role) });
  };

  return (
    <View className="dev-login">
      <Text className="dev-login__intro">本地演示环境没有微信登录，请选择一个演示身份。之后可在「我的订单」顶部随时切换。</Text>
      <PageState loading={!list && !error} error={error} empty={list?.length === 0} emptyText="本地云服务还没有演示账号，请用 npm start 启动（会写入演示数据）" onRetry={load}>
        {GROUPS.map((g) => {
          const members = (list ?? []).filter((i) => g.roles.includes(i.role));
          if (members.length === 0) return null;
          return (
            <Section key={g.title} title={g.title} extra={<Text>{g.hint}</Text>}>
              {members.map((it) => (
                <View key={it.openid} className={`who ${it.openid === current ? 'who--current' : ''}`} onClick={() => void choose(it)}>
                  <View className="who__avatar">{(it.name ?? ROLE_NAMES[it.role]).slice(0, 1)}</View>
                  <View className="who__info">
                    <Text className="who__name">{it.name ?? it.openid}</Text>
                    <Text className="muted">
                      {ROLE_NAMES[it.role]}
                      {it.openid === current ? ' · 当前身份' : ''}
                    </Text>
                  </View>
                  <Text className="who__go">›</Text>
                </View>
              ))}
            </Section>
          );
        })}
      </PageState>
    </View>
  );
}
