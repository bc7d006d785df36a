/**
 * Subscribe messages (订阅消息): which of our values goes into which keyword of a shop's template.
 *
 * A library template fixes its keywords' data keys (`thing1`, `character_string2`, `time3`, `amount4`,
 * `phrase5` …): the key names the keyword's type, and WeChat refuses a message whose values do not fit
 * their types. So a shop maps our values onto its template's keys in its settings, and each value is
 * formatted by the type of the key it lands in. Pure: the settings form checks the same map the cloud does.
 */
import { SUBSCRIBE_VALUES, type CaseStatus, type EpochMs, type Fen, type SubscribeTemplateFields, type SubscribeValue, type TemplateFieldMap } from '../../types/domain';
import { formatYuan } from './money';
import { formatShanghai } from './time';

/** WeChat's keyword types (订阅消息参数值内容限制). */
export const SUBSCRIBE_KEY_TYPES = [
  'thing',
  'short_thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;
export type SubscribeKeyType = (typeof SUBSCRIBE_KEY_TYPES)[number];


/** The merchant's words for each value (settings page, error messages). */
export const SUBSCRIBE_VALUE_LABELS: Record<SubscribeValue, string> = {
  progress: '处理进度',
  caseNo: '售后单号',
  time: '更新时间',
  amount: '退款金额',
  result: '处理结果',
};

/** Which keyword types can carry each value; WeChat would refuse the others (a case number in a `time`). */
export const FITTING_TYPES: Record<SubscribeValue, readonly SubscribeKeyType[]> = {
  progress: ['thing', 'short_thing', 'phrase'],
  caseNo: ['character_string', 'thing'],
  time: ['time', 'date'],
  amount: ['amount', 'number', 'thing'],
  result: ['phrase', 'short_thing', 'thing'],
};

const KEY_PATTERN = new RegExp(`^(${[...SUBSCRIBE_KEY_TYPES].sort((a, b) => b.length - a.length).join('|')})([1-9]\\d{0,2})$`);

/** `amount4` → `amount`; undefined for anything that is not `<type><number>` of a known type. */
export function keyType(key: string): SubscribeKeyType | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? (m[1] as SubscribeKeyType) : undefined;
}

/** Field path (`decision.progress`) → what is wrong with it, in the merchant's words. */
export type TemplateFieldErrors = Record<string, string>;

/**
 * Checks one template's map: every key a `<type><number>` of a known type, of a type its value fits,
 * and no key used twice. Errors are keyed by `<template>.<value>`.
 */
export function checkTemplateFields(template: keyof SubscribeTemplateFields, map: Partial<Record<SubscribeValue, string>>): TemplateFieldErrors {
  const errors: TemplateFieldErrors = {};
  const seen = new Map<string, SubscribeValue>();
  for (const value of SUBSCRIBE_VALUES) {
    const key = map[value];
    const field = `${template}.${value}`;
    const label = SUBSCRIBE_VALUE_LABELS[value];
    if (key === undefined) {
      if (value === 'progress') errors[field] = `请填写「${label}」在模板中的字段名，如 thing1`;
      continue;
    }
    const type = keyType(key);
    if (!type) {
      errors[field] = `「${label}」的字段名「${key}」不是订阅消息的字段，应为类型加序号，如 thing1、character_string2、time3`;
    } else if (!FITTING_TYPES[value].includes(type)) {
      errors[field] = `「${label}」不能放进 ${type} 类型的字段「${key}」，可用的类型：${FITTING_TYPES[value].join('、')}`;
    } else if (seen.has(key)) {
      errors[field] = `字段「${key}」已用于「${SUBSCRIBE_VALUE_LABELS[seen.get(key) as SubscribeValue]}」，一个字段只能填一项`;
    } else {
      seen.set(key, value);
    }
  }
  return errors;
}

/** A case's status in at most five Chinese characters, for a `phrase` keyword such as 审核结果. */
export const STATUS_PHRASES: Record<CaseStatus, string> = {
  PENDING: '待处理',
  NEGOTIATING: '协商中',
  APPROVED: '已同意',
  AWAITING_RETURN: '待退货',
  RETURN_SHIPPED: '已寄回',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
  REFUND_FAILED: '退款失败',
  REJECTED: '已驳回',
  ESCALATED: '平台处理中',
  CANCELLED: '已撤销',
  CLOSED: '已关闭',
  AWAITING_RESHIP: '待发换货',
  RESHIPPED: '已发换货',
  EXCHANGED: '换货完成',
};

/** What one notice says, before it is fitted to a template. */
export interface SubscribeValues {
  progress: string;
  caseNo: string;
  at: EpochMs;
  /** Absent when the notice concerns no amount (then an amount keyword reads ¥0.00). */
  amountFen?: Fen;
  result: string;
}

function chars(text: string): string[] {
  return Array.from(text.trim());
}

/** At most `max` characters; a longer text ends in … so the reader sees it was cut. */
function clipped(text: string, max: number): string {
  const c = chars(text);
  return c.length <= max ? c.join('') : `${c.slice(0, max - 1).join('')}…`;
}

/**
 * One value in the form WeChat accepts for a keyword of `type` (thing ≤ 20 characters, short_thing
 * and phrase ≤ 5 (phrase: Chinese only), character_string ≤ 32 letters, digits and symbols, amount
 * `¥12.34`, time `2026年11月1日 10:00`, date `2026年11月1日`).
 */
export function formatForKey(type: SubscribeKeyType, value: SubscribeValue, v: SubscribeValues): string {
  switch (value) {
    case 'time':
      return type === 'date' ? formatShanghai(v.at, 'YYYY年M月D日') : formatShanghai(v.at, 'YYYY年M月D日 HH:mm');
    case 'amount': {
      const yuan = formatYuan(v.amountFen ?? 0);
      return type === 'number' ? yuan.replace('¥', '') : yuan;
    }
    case 'caseNo':
      return type === 'character_string' ? Array.from(v.caseNo.replace(/[^\x21-\x7e]/g, '')).slice(0, 32).join('') : clipped(v.caseNo, 20);
    case 'progress':
    case 'result': {
      const text = v[value];
      if (type === 'phrase') return chars(text.replace(/[^\p{Script=Han}]/gu, '')).slice(0, 5).join('');
      if (type === 'short_thing') return chars(text).slice(0, 5).join('');
      return clipped(text, 20);
    }
  }
}

/** The `data` of `subscribeMessage.send` for a template mapped by `map`. */
export function subscribeData(map: TemplateFieldMap, v: SubscribeValues): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {};
  for (const value of SUBSCRIBE_VALUES) {
    const key = map[value];
    const type = key === undefined ? undefined : keyType(key);
    if (key !== undefined && type) data[key] = { value: formatForKey(type, value, v) };
  }
  return data;
}
