import Taro from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { REASONS, SUBSCRIBE_VALUES, type SubscribeTemplateFields } from '../../../../types/domain';
import Alert from '../../../components/Alert';
import BottomBar from '../../../components/BottomBar';
import PageState from '../../../components/PageState';
import Section from '../../../components/Section';
import { REASON_LABELS } from '../../../core/classifier-data';
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { FITTING_TYPES, SUBSCRIBE_VALUE_LABELS } from '../../../core/subscribeFields';
import { Field, TextInput } from '../../components/Field';
import { MerchantNav } from '../../components/MerchantNav';
import { RoleGate } from '../../components/RoleGate';
import { VerifyBanner } from '../../components/VerifyBanner';
import type { FieldErrors } from '../../logic/actions';
import { paymentChannel } from '../../logic/paymentChannel';
import { checkSettings, SUBSCRIBE_TEMPLATES, toForm, type SettingsForm } from '../../logic/settingsForm';
import { ROUTES } from '../../routes';
import type { Problem } from '../../stores/problem';
import { useIdentityStore } from '../../../stores/identity';
import { useShopStore } from '../../stores/shop';
import './index.scss';

const TEMPLATE_LABELS: Record<keyof SubscribeTemplateFields, string> = {
  decision: '审核结果通知模板 ID',
  refund: '退款到账通知模板 ID',
};

/** `windowDaysByReason.QUALITY` → an id the page can scroll to. */
function anchor(field: string): string {
  return `f-${field.replace(/\./g, '-')}`;
}

/**
 * A multi-line setting. Staff see it as text: Taro's h5 Textarea, when disabled, measures its lines in a
 * loop that never ends (its `calculateContentHeight`), which froze the page for a staff member.
 */
function Area({ value, onChange, disabled, name, maxlength }: { value: string; onChange(v: string): void; disabled: boolean; name: string; maxlength: number }) {
  if (disabled) {
    return (
      <View className="m-field__textarea m-field__textarea--readonly" data-name={name}>
        <Text className={value ? '' : 'm-field__empty'}>{value || '未填写'}</Text>
      </View>
    );
  }
  return (
    <Textarea
      className="m-field__textarea"
      value={value}
      disabled={disabled || undefined}
      maxlength={maxlength}
      data-name={name}
      onInput={(e) => onChange(e.detail.value)}
    />
  );
}

function Settings() {
  const identity = useIdentityStore((s) => s.identity);
  const { view, viewStatus, viewError, loadShop, save, saving } = useShopStore();
  const [form, setForm] = useState<SettingsForm>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const readOnly = identity?.role !== 'OWNER';

  useEffect(() => {
    void loadShop(true);
  }, [loadShop]);
  useEffect(() => {
    if (view) setForm(toForm(view));
  }, [view]);

  const set = (patch: Partial<SettingsForm>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const input = (key: keyof SettingsForm) => ({
    name: key,
    value: (form?.[key] as string) ?? '',
    disabled: readOnly,
    onChange: (v: string) => set({ [key]: v } as Partial<SettingsForm>),
  });

  const showFirst = (errs: FieldErrors) => {
    const first = Object.keys(errs)[0];
    if (first) void Taro.pageScrollTo({ selector: `#${anchor(first)}`, duration: 200 }).catch(() => undefined);
  };

  const submit = async () => {
    if (!form || readOnly) return;
    setProblem(undefined);
    const checked = checkSettings(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      showFirst(checked.errors);
      return;
    }
    setErrors({});
    const r = await save(checked.request);
    if (r.ok) {
      void Taro.showToast({ title: '设置已保存', icon: 'success' });
      return;
    }
    if (r.problem.field) {
      const errs = { [r.problem.field]: r.problem.message };
      setErrors(errs);
      showFirst(errs);
    } else {
      setProblem(r.problem);
    }
  };

  return (
    <View className="settings">
      <MerchantNav current={ROUTES.settings} />
      <VerifyBanner verified={view?.shop.verified} />
      <PageState loading={viewStatus === 'loading' || viewStatus === 'idle' || !form} error={viewError} onRetry={() => void loadShop(true)}>
        {form && (
          <>
            {readOnly && (
              <View className="settings__note">
                <Alert tone="info" title="仅店主可以修改店铺设置">
                  你当前是店铺客服，可以查看设置；需要调整时请联系店主修改。
                </Alert>
              </View>
            )}
            {problem && (
              <View className="settings__note">
                <Alert tone="danger" title={problem.message} solution={problem.solution} />
              </View>
            )}
            <Section title="自动回复">
              <Field id={anchor('autoReplyText')} label="买家提交申请后自动发送" error={errors.autoReplyText}>
                <Area {...input('autoReplyText')} maxlength={200} />
              </Field>
            </Section>
            <Section title="一键退款">
              <Field
                id={anchor('quickRefundThresholdFen')}
                label="小额自动退款门槛（元）"
                hint="低于该金额的申请自动同意并立即退款；留空表示关闭"
                error={errors.quickRefundThresholdFen}
              >
                <TextInput {...input('quickRefundThreshold')} type="digit" placeholder="例如 20" />
              </Field>
              <Field id={anchor('quickRefundSkuIds')} label="一键退款商品编码" hint="高频问题商品，每行一个编码" error={errors.quickRefundSkuIds}>
                <Area {...input('quickRefundSkuIds')} maxlength={4000} />
              </Field>
            </Section>
            <Section title="售后时限">
              <Field
                id={anchor('windowDays')}
                label="签收后可申请售后（天）"
                hint={`平台规定至少 ${DEFAULT_SETTINGS.windowDays} 天，店铺只能延长`}
                error={errors.windowDays}
              >
                <TextInput {...input('windowDays')} type="number" />
              </Field>
              <Text className="settings__sub">按原因单独设置（留空则按上面的天数）</Text>
              <View className="settings__grid">
                {REASONS.map((r) => (
                  <Field key={r} id={anchor(`windowDaysByReason.${r}`)} label={REASON_LABELS[r]} error={errors[`windowDaysByReason.${r}`]}>
                    <TextInput
                      name={`windowDaysByReason.${r}`}
                      type="number"
                      disabled={readOnly || undefined}
                      value={form.windowDaysByReason[r]}
                      placeholder={form.windowDays}
                      onChange={(v) => set({ windowDaysByReason: { ...form.windowDaysByReason, [r]: v } })}
                    />
                  </Field>
                ))}
              </View>
            </Section>
            <Section title="退款手续费">
              <Field
                id={anchor('platformFeeRateBp')}
                label="平台费率（%）"
                hint="由平台统一设置，店铺不能修改。卖家责任的退款按此费率收取手续费，由商家承担；非卖家责任免收"
                error={errors.platformFeeRateBp}
              >
                <TextInput name="platformFeeRate" value={form.platformFeeRate} disabled onChange={() => undefined} />
              </Field>
            </Section>
            {view && (
              <Section title="退款渠道">
                <View className="settings__channel">
                  <Text className="settings__channel-title">{paymentChannel(view.settings.payment).title}</Text>
                  {paymentChannel(view.settings.payment).lines.map((l) => (
                    <View key={l.label} className="kv">
                      <Text className="kv__k">{l.label}</Text>
                      <Text className="kv__v">{l.value}</Text>
                    </View>
                  ))}
                  <Text className="settings__sub">退款渠道在开店时设定，这里不能修改；如需更换商户号请联系平台</Text>
                </View>
              </Section>
            )}
            <Section title="退款政策">
              <Field id={anchor('policyText')} label="展示在商品详情页底部和结算页" error={errors.policyText}>
                <Area {...input('policyText')} maxlength={1000} />
              </Field>
            </Section>
            <Section title="联系方式">
              <Field id={anchor('hotline')} label="客服电话" hint="11位专属客服电话，买家可一键拨打" error={errors.hotline}>
                <TextInput {...input('hotline')} type="number" maxlength={11} placeholder="例如 13800138000" />
              </Field>
              <Field id={anchor('officialAccount')} label="公众号名称" hint="买家可搜索公众号留言" error={errors.officialAccount}>
                <TextInput {...input('officialAccount')} placeholder="例如 小店售后服务" />
              </Field>
            </Section>
            <Section title="订阅消息模板">
              <Text className="settings__sub">
                在公众平台「订阅消息 → 我的模板」选用模板后复制模板 ID；再按模板详情里每个关键词的字段名（如 thing1、amount3）填写下面各项，模板里没有的项留空
              </Text>
              {SUBSCRIBE_TEMPLATES.map((t) => (
                <View key={t}>
                  <Field
                    id={anchor(`subscribeTemplateIds.${t}`)}
                    label={TEMPLATE_LABELS[t]}
                    error={errors[`subscribeTemplateIds.${t}`]}
                  >
                    <TextInput {...input(t === 'decision' ? 'subscribeDecision' : 'subscribeRefund')} />
                  </Field>
                  <View className="settings__grid">
                    {SUBSCRIBE_VALUES.map((v) => {
                      const path = `subscribeTemplateFields.${t}.${v}`;
                      return (
                        <Field key={v} id={anchor(path)} label={SUBSCRIBE_VALUE_LABELS[v]} hint={`可用类型：${FITTING_TYPES[v].join('、')}`} error={errors[path]}>
                          <TextInput
                            name={path}
                            disabled={readOnly || undefined}
                            value={form.subscribeFields[t][v]}
                            placeholder={v === 'progress' ? '必填，如 thing1' : '没有则留空'}
                            onChange={(value) => set({ subscribeFields: { ...form.subscribeFields, [t]: { ...form.subscribeFields[t], [v]: value } } })}
                          />
                        </Field>
                      );
                    })}
                  </View>
                </View>
              ))}
            </Section>
            <Section title="退货地址">
              <Text className="settings__sub">同意退货退款时会发给买家；未设置时无法同意退货退款</Text>
              <Field id={anchor('returnAddress.name')} label="收件人" error={errors['returnAddress.name']}>
                <TextInput {...input('returnName')} maxlength={30} />
              </Field>
              <Field id={anchor('returnAddress.phone')} label="联系电话" error={errors['returnAddress.phone']}>
                <TextInput {...input('returnPhone')} maxlength={13} placeholder="手机号或带区号的座机" />
              </Field>
              <Field id={anchor('returnAddress.address')} label="详细地址" error={errors['returnAddress.address'] ?? errors.returnAddress}>
                <Area {...input('returnAddress')} maxlength={200} />
              </Field>
            </Section>
            <Section title="处理话术">
              <Text className="settings__sub">每行一条，审核时一键填入（定期培训客服：平台规则、退款政策、话术规范）</Text>
              <Field id={anchor('noteTemplates.approve')} label="同意时" error={errors['noteTemplates.approve']}>
                <Area {...input('approveTemplates')} maxlength={4000} />
              </Field>
              <Field id={anchor('noteTemplates.reject')} label="拒绝时" error={errors['noteTemplates.reject']}>
                <Area {...input('rejectTemplates')} maxlength={4000} />
              </Field>
              <Field id={anchor('noteTemplates.offer')} label="协商时" error={errors['noteTemplates.offer']}>
                <Area {...input('offerTemplates')} maxlength={4000} />
              </Field>
            </Section>
            {!readOnly && (
              <BottomBar aside={Object.keys(errors).length > 0 && <Text className="settings__bad">有 {Object.keys(errors).length} 项需要修改</Text>}>
                <Button className="settings__save" loading={saving || undefined} disabled={saving || undefined} onClick={() => void submit()}>
                  保存设置
                </Button>
              </BottomBar>
            )}
          </>
        )}
      </PageState>
    </View>
  );
}

export default function SettingsPage() {
  return (
    <RoleGate allow={['OWNER', 'STAFF']} what="店铺设置">
      <Settings />
    </RoleGate>
  );
}
