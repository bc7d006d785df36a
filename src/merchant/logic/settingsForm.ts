/**
 * The settings page's form: the shop's settings as text fields, and back into a `merchant.settings.set`
 * patch. Error keys are the cloud's field paths (`hotline`, `windowDaysByReason.QUALITY`,
 * `returnAddress.phone`), so a field the cloud refuses lands next to the same input.
 */
import type { SettingsPatch, SettingsView } from '../../../types/api';
import { REASONS, SUBSCRIBE_VALUES, type Reason, type SubscribeTemplateFields, type SubscribeValue, type TemplateFieldMap } from '../../../types/domain';
import { formatYuan, parseYuan } from '../../core/money';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { checkTemplateFields } from '../../core/subscribeFields';
import type { Checked, FieldErrors } from './actions';

export interface SettingsForm {
  autoReplyText: string;
  quickRefundThreshold: string;
  quickRefundSkuIds: string;
  windowDays: string;
  windowDaysByReason: Record<Reason, string>;
  platformFeeRate: string;
  policyText: string;
  hotline: string;
  officialAccount: string;
  subscribeDecision: string;
  subscribeRefund: string;
  /** Each template's data key per value (`thing1` …); empty = the template has no such keyword. */
  subscribeFields: Record<keyof SubscribeTemplateFields, Record<SubscribeValue, string>>;
  returnName: string;
  returnPhone: string;
  returnAddress: string;
  approveTemplates: string;
  rejectTemplates: string;
  offerTemplates: string;
}

const MAX_WINDOW_DAYS = 365;
const TEMPLATE_MAX_CHARS = 200;
const MAX_TEMPLATES = 20;

export const SUBSCRIBE_TEMPLATES = ['decision', 'refund'] as const satisfies readonly (keyof SubscribeTemplateFields)[];

function fieldTexts(map: TemplateFieldMap): Record<SubscribeValue, string> {
  const out = {} as Record<SubscribeValue, string>;
  for (const v of SUBSCRIBE_VALUES) out[v] = map[v] ?? '';
  return out;
}

function yuanText(fen: number): string {
  return formatYuan(fen).replace('¥', '');
}

/** 60 bp → `0.6` */
function percentText(bp: number): string {
  return String(bp / 100);
}

export function toForm(view: SettingsView): SettingsForm {
  const s = view.settings;
  const byReason = {} as Record<Reason, string>;
  for (const r of REASONS) byReason[r] = s.windowDaysByReason[r] === undefined ? '' : String(s.windowDaysByReason[r]);
  return {
    autoReplyText: s.autoReplyText,
    quickRefundThreshold: s.quickRefundThresholdFen === 0 ? '' : yuanText(s.quickRefundThresholdFen),
    quickRefundSkuIds: s.quickRefundSkuIds.join('\n'),
    windowDays: String(s.windowDays),
    windowDaysByReason: byReason,
    platformFeeRate: percentText(s.platformFeeRateBp),
    policyText: s.policyText,
    hotline: s.hotline,
    officialAccount: s.officialAccount,
    subscribeDecision: s.subscribeTemplateIds.decision,
    subscribeRefund: s.subscribeTemplateIds.refund,
    subscribeFields: {
      decision: fieldTexts(s.subscribeTemplateFields.decision),
      refund: fieldTexts(s.subscribeTemplateFields.refund),
    },
    returnName: view.shop.returnAddress?.name ?? '',
    returnPhone: view.shop.returnAddress?.phone ?? '',
    returnAddress: view.shop.returnAddress?.address ?? '',
    approveTemplates: s.noteTemplates.approve.join('\n'),
    rejectTemplates: s.noteTemplates.reject.join('\n'),
    offerTemplates: s.noteTemplates.offer.join('\n'),
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function days(errors: FieldErrors, field: string, text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t) || Number(t) < DEFAULT_SETTINGS.windowDays || Number(t) > MAX_WINDOW_DAYS) {
    errors[field] = `售后时限须为${DEFAULT_SETTINGS.windowDays}到${MAX_WINDOW_DAYS}之间的整数天（只能比平台规定的${DEFAULT_SETTINGS.windowDays}天更长）`;
    return undefined;
  }
  return Number(t);
}

/** `0.6` (%) → 60 basis points; at most two decimals, 0–100%. */
export function parsePercentBp(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

function templates(errors: FieldErrors, field: string, text: string): string[] {
  const list = lines(text);
  if (list.length > MAX_TEMPLATES) errors[field] = `最多保存${MAX_TEMPLATES}条话术`;
  else if (list.some((l) => l.length > TEMPLATE_MAX_CHARS)) errors[field] = `每条话术不超过${TEMPLATE_MAX_CHARS}个字`;
  return list;
}

export function checkSettings(form: SettingsForm): Checked<SettingsPatch> {
  const errors: FieldErrors = {};
  const patch: SettingsPatch = {};

  const autoReply = form.autoReplyText.trim();
  if (autoReply.length === 0) errors.autoReplyText = '请填写自动回复内容，买家提交申请后会立即收到';
  else if (autoReply.length > 200) errors.autoReplyText = '自动回复不超过200个字';
  patch.autoReplyText = autoReply;

  if (form.quickRefundThreshold.trim() === '') {
    patch.quickRefundThresholdFen = 0;
  } else {
    const fen = parseYuan(form.quickRefundThreshold);
    if (fen === null) errors.quickRefundThresholdFen = '请输入正确的金额，如 20 或 19.90；留空表示关闭';
    else patch.quickRefundThresholdFen = fen;
  }

  const skuIds = form.quickRefundSkuIds
    .split(/[\s,，]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const badSku = skuIds.find((s) => !/^[A-Za-z0-9_.:-]{1,64}$/.test(s));
  if (badSku !== undefined) errors.quickRefundSkuIds = `商品编码「${badSku}」格式不对，只能包含字母、数字和 - _ . :`;
  patch.quickRefundSkuIds = Array.from(new Set(skuIds));

  const windowDays = days(errors, 'windowDays', form.windowDays);
  if (windowDays !== undefined) patch.windowDays = windowDays;
  const byReason: Partial<Record<Reason, number>> = {};
  for (const r of REASONS) {
    const t = form.windowDaysByReason[r].trim();
    if (t === '') continue;
    const d = days(errors, `windowDaysByReason.${r}`, t);
    if (d !== undefined) byReason[r] = d;
  }
  patch.windowDaysByReason = byReason;

  // R20: the fee rate is the platform's; the form shows it and never sends it (the cloud refuses it).

  const policy = form.policyText.trim();
  if (policy.length > 1000) errors.policyText = '退款政策不超过1000个字';
  patch.policyText = policy;

  const hotline = form.hotline.trim();
  if (hotline !== '' && !/^\d{11}$/.test(hotline)) errors.hotline = `客服电话须为11位数字，现在是${hotline.length}位`;
  patch.hotline = hotline;

  const account = form.officialAccount.trim();
  if (account.length > 50) errors.officialAccount = '公众号名称不超过50个字';
  patch.officialAccount = account;

  const decision = form.subscribeDecision.trim();
  const refund = form.subscribeRefund.trim();
  const templateId = /^[A-Za-z0-9_-]{0,64}$/;
  if (!templateId.test(decision)) errors['subscribeTemplateIds.decision'] = '模板 ID 只包含字母、数字、- 和 _，从公众平台「订阅消息」复制';
  if (!templateId.test(refund)) errors['subscribeTemplateIds.refund'] = '模板 ID 只包含字母、数字、- 和 _，从公众平台「订阅消息」复制';
  patch.subscribeTemplateIds = { decision, refund };

  // The same check as the cloud's (core/subscribeFields), so a key WeChat would refuse is named here.
  const fields = {} as SubscribeTemplateFields;
  for (const template of SUBSCRIBE_TEMPLATES) {
    const map: Partial<Record<SubscribeValue, string>> = {};
    for (const v of SUBSCRIBE_VALUES) {
      const key = form.subscribeFields[template][v].trim();
      if (key !== '') map[v] = key;
    }
    for (const [field, message] of Object.entries(checkTemplateFields(template, map))) errors[`subscribeTemplateFields.${field}`] = message;
    fields[template] = map as TemplateFieldMap;
  }
  patch.subscribeTemplateFields = fields;

  const name = form.returnName.trim();
  const phone = form.returnPhone.trim();
  const address = form.returnAddress.trim();
  if (name !== '' || phone !== '' || address !== '') {
    if (name.length === 0 || name.length > 30) errors['returnAddress.name'] = '请填写收件人（30字以内）';
    if (!/^(1\d{10}|0\d{2,3}-?\d{7,8})$/.test(phone)) errors['returnAddress.phone'] = '请填写11位手机号或带区号的固定电话';
    if (address.length < 5 || address.length > 200) errors['returnAddress.address'] = '请填写完整退货地址（省市区+详细地址）';
    patch.returnAddress = { name, phone, address };
  }

  patch.noteTemplates = {
    approve: templates(errors, 'noteTemplates.approve', form.approveTemplates),
    reject: templates(errors, 'noteTemplates.reject', form.rejectTemplates),
    offer: templates(errors, 'noteTemplates.offer', form.offerTemplates),
  };

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, request: patch };
}
