import { CASE_STATUSES } from '../../../types/domain';
import { DEFAULT_SETTINGS, DEFAULT_TEMPLATE_FIELDS, withDefaults } from '../settings';
import {
  checkTemplateFields,
  formatForKey,
  keyType,
  STATUS_PHRASES,
  subscribeData,
  type SubscribeValues,
} from '../subscribeFields';

// 2026-11-01 02:05 UTC is 10:05 in Shanghai.
const AT = Date.UTC(2026, 10, 1, 2, 5);
const V: SubscribeValues = {
  progress: '商家已同意您的退款，¥50.00将原路退回',
  caseNo: 'AS20261101AAAA0001',
  at: AT,
  amountFen: 1_234,
  result: '已同意',
};

describe('keyType: a data key is <type><number> of a WeChat keyword type', () => {
  it.each([
    ['thing1', 'thing'],
    ['short_thing12', 'short_thing'],
    ['character_string2', 'character_string'],
    ['time3', 'time'],
    ['date7', 'date'],
    ['amount4', 'amount'],
    ['phrase5', 'phrase'],
    ['number10', 'number'],
    ['phone_number6', 'phone_number'],
  ])('%s → %s', (key, type) => {
    expect(keyType(key)).toBe(type);
  });

  it.each(['thing', 'thing0', '1thing', 'Thing1', 'things1', 'thing1 ', 'amount_4', 'money4', '', 'thing1234', '__proto__'])('refuses %j', (key) => {
    expect(keyType(key)).toBeUndefined();
  });
});

describe('formatForKey: each value as its keyword type takes it', () => {
  it('thing: at most 20 characters, a longer text cut to 19 and …', () => {
    expect(formatForKey('thing', 'progress', { ...V, progress: '  退款已到账  ' })).toBe('退款已到账');
    const long = formatForKey('thing', 'progress', V);
    expect(Array.from(long)).toHaveLength(20);
    expect(long).toBe('商家已同意您的退款，¥50.00将原路…');
    const twenty = '一二三四五六七八九十一二三四五六七八九十';
    expect(formatForKey('thing', 'progress', { ...V, progress: twenty })).toBe(twenty);
    // Characters, not UTF-16 units: an emoji counts once.
    expect(Array.from(formatForKey('thing', 'progress', { ...V, progress: '😀'.repeat(25) }))).toHaveLength(20);
  });

  it('phrase: at most 5 Chinese characters, nothing else', () => {
    expect(formatForKey('phrase', 'result', V)).toBe('已同意');
    expect(formatForKey('phrase', 'progress', { ...V, progress: '退款¥12.34已到账了哦' })).toBe('退款已到账');
    expect(formatForKey('phrase', 'result', { ...V, result: '平台处理中' })).toBe('平台处理中');
  });

  it('short_thing: at most 5 characters', () => {
    expect(formatForKey('short_thing', 'progress', V)).toBe('商家已同意');
  });

  it('character_string: at most 32 letters, digits and symbols', () => {
    expect(formatForKey('character_string', 'caseNo', V)).toBe('AS20261101AAAA0001');
    expect(formatForKey('character_string', 'caseNo', { ...V, caseNo: `单号 ${'A1-'.repeat(20)}` })).toBe('A1-'.repeat(20).slice(0, 32));
  });

  it('a case number in a thing keyword is cut at 20 characters', () => {
    expect(formatForKey('thing', 'caseNo', { ...V, caseNo: 'X'.repeat(30) })).toBe(`${'X'.repeat(19)}…`);
  });

  it('amount: ¥ and yuan with two decimals from integer fen; number: the same without ¥', () => {
    expect(formatForKey('amount', 'amount', V)).toBe('¥12.34');
    expect(formatForKey('amount', 'amount', { ...V, amountFen: 50_000_000 })).toBe('¥500000.00');
    expect(formatForKey('amount', 'amount', { ...V, amountFen: 5 })).toBe('¥0.05');
    expect(formatForKey('number', 'amount', V)).toBe('12.34');
    expect(formatForKey('thing', 'amount', V)).toBe('¥12.34');
    expect(formatForKey('amount', 'amount', { ...V, amountFen: undefined })).toBe('¥0.00');
  });

  it('time: YYYY年M月D日 HH:mm in Shanghai; date: YYYY年M月D日', () => {
    expect(formatForKey('time', 'time', V)).toBe('2026年11月1日 10:05');
    expect(formatForKey('date', 'time', V)).toBe('2026年11月1日');
    // 16:30 UTC is already the next day in Shanghai.
    expect(formatForKey('date', 'time', { ...V, at: Date.UTC(2026, 11, 31, 16, 30) })).toBe('2027年1月1日');
  });
});

describe('subscribeData: the data of subscribeMessage.send', () => {
  it('default keys: thing1, character_string2, time3 (what shops had before the keys were configurable)', () => {
    expect(subscribeData(DEFAULT_TEMPLATE_FIELDS, V)).toEqual({
      thing1: { value: '商家已同意您的退款，¥50.00将原路…' },
      character_string2: { value: 'AS20261101AAAA0001' },
      time3: { value: '2026年11月1日 10:05' },
    });
  });

  it('a template with other keys gets exactly those, each formatted by its own type', () => {
    expect(subscribeData({ progress: 'thing7', amount: 'amount2', result: 'phrase1', time: 'date4' }, V)).toEqual({
      thing7: { value: '商家已同意您的退款，¥50.00将原路…' },
      amount2: { value: '¥12.34' },
      phrase1: { value: '已同意' },
      date4: { value: '2026年11月1日' },
    });
  });

  it('every status reads as a phrase of at most 5 Chinese characters', () => {
    for (const s of CASE_STATUSES) expect(STATUS_PHRASES[s]).toMatch(/^\p{Script=Han}{1,5}$/u);
  });
});

describe('checkTemplateFields: what merchant.settings.set and the settings form refuse', () => {
  it('accepts the defaults and any fitting keys', () => {
    expect(checkTemplateFields('decision', DEFAULT_TEMPLATE_FIELDS)).toEqual({});
    expect(checkTemplateFields('refund', { progress: 'thing1', caseNo: 'thing2', time: 'date3', amount: 'number4', result: 'short_thing5' })).toEqual({});
  });

  it('names the field of a key that is not <type><number> of a known type', () => {
    expect(checkTemplateFields('decision', { progress: 'money1' })).toEqual({
      'decision.progress': expect.stringContaining('「money1」不是订阅消息的字段'),
    });
    expect(checkTemplateFields('refund', { progress: 'thing1', amount: 'amount' })).toEqual({ 'refund.amount': expect.stringContaining('类型加序号') });
  });

  it('refuses a key whose type cannot carry the value, naming the types that can', () => {
    expect(checkTemplateFields('refund', { progress: 'thing1', amount: 'time2' })).toEqual({
      'refund.amount': '「退款金额」不能放进 time 类型的字段「time2」，可用的类型：amount、number、thing',
    });
    expect(checkTemplateFields('decision', { progress: 'name1' })).toEqual({ 'decision.progress': expect.stringContaining('thing、short_thing、phrase') });
  });

  it('refuses one key for two values and a map without progress', () => {
    expect(checkTemplateFields('decision', { progress: 'thing1', caseNo: 'thing1' })).toEqual({
      'decision.caseNo': '字段「thing1」已用于「处理进度」，一个字段只能填一项',
    });
    expect(checkTemplateFields('decision', {})).toEqual({ 'decision.progress': expect.stringContaining('请填写「处理进度」') });
  });
});

describe('settings: the key maps default to today’s keys and are replaced whole', () => {
  it('a shop without the setting gets the default keys for both templates', () => {
    expect(withDefaults({}).subscribeTemplateFields).toEqual({ decision: DEFAULT_TEMPLATE_FIELDS, refund: DEFAULT_TEMPLATE_FIELDS });
    expect(DEFAULT_SETTINGS.subscribeTemplateFields.decision).toEqual({ progress: 'thing1', caseNo: 'character_string2', time: 'time3' });
  });

  it('a template map that leaves a value out keeps it out (a template without 售后单号 stays without it)', () => {
    const s = withDefaults({ subscribeTemplateFields: { decision: { progress: 'thing2', amount: 'amount1' }, refund: DEFAULT_TEMPLATE_FIELDS } });
    expect(s.subscribeTemplateFields.decision).toEqual({ progress: 'thing2', amount: 'amount1' });
    expect(s.subscribeTemplateFields.refund).toEqual(DEFAULT_TEMPLATE_FIELDS);
  });
});
