import { settingsView } from '../../__fixtures__/cases';
import { checkSettings, parsePercentBp, toForm } from '../settingsForm';

const form = () => toForm(settingsView());

describe('settings form', () => {
  it('round-trips the saved settings unchanged', () => {
    const view = settingsView();
    const r = checkSettings(toForm(view));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = view.settings;
    expect(r.request).toEqual({
      autoReplyText: s.autoReplyText,
      quickRefundThresholdFen: 0,
      quickRefundSkuIds: [],
      windowDays: 15,
      windowDaysByReason: { QUALITY: 30 },
      policyText: s.policyText,
      hotline: '13800138000',
      officialAccount: '',
      subscribeTemplateIds: { decision: '', refund: '' },
      subscribeTemplateFields: s.subscribeTemplateFields,
      returnAddress: view.shop.returnAddress,
      noteTemplates: s.noteTemplates,
    });
  });

  it('names the hotline when it is not 11 digits (R28), and accepts an empty one', () => {
    const r = checkSettings({ ...form(), hotline: '1380013800' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual({ hotline: '客服电话须为11位数字，现在是10位' });
    expect(checkSettings({ ...form(), hotline: '138-0013-800' }).ok).toBe(false);
    expect(checkSettings({ ...form(), hotline: '' }).ok).toBe(true);
  });

  it('lets windows only lengthen (R2), per reason too, naming the reason field', () => {
    const r = checkSettings({ ...form(), windowDays: '14', windowDaysByReason: { ...form().windowDaysByReason, NO_REASON: '7' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['windowDays', 'windowDaysByReason.NO_REASON']);
    const ok = checkSettings({ ...form(), windowDays: '20', windowDaysByReason: { ...form().windowDaysByReason, NO_REASON: '' } });
    expect(ok.ok && ok.request.windowDays).toBe(20);
  });

  it('reads the fee rate as a percentage (R20) and the quick-refund threshold in yuan (R18)', () => {
    expect(parsePercentBp('0.6')).toBe(60);
    expect(parsePercentBp('1')).toBe(100);
    expect(parsePercentBp('0.65%')).toBe(65);
    expect(parsePercentBp('0.655')).toBeNull();
    expect(parsePercentBp('101')).toBeNull();
    const r = checkSettings({ ...form(), quickRefundThreshold: '19.9', quickRefundSkuIds: 'sku_a, sku_b\nsku_a' });
    expect(r.ok && [r.request.quickRefundThresholdFen, r.request.quickRefundSkuIds]).toEqual([1990, ['sku_a', 'sku_b']]);
    const bad = checkSettings({ ...form(), quickRefundThreshold: '二十' });
    expect(!bad.ok && bad.errors.quickRefundThresholdFen).toMatch(/正确的金额/);
  });

  it('checks a return address as a whole once any part is filled (R33)', () => {
    const r = checkSettings({ ...form(), returnName: '王', returnPhone: '123', returnAddress: '上海' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['returnAddress.address', 'returnAddress.phone']);
    const none = checkSettings({ ...form(), returnName: '', returnPhone: '', returnAddress: '' });
    expect(none.ok && none.request.returnAddress).toBeUndefined();
    expect(checkSettings({ ...form(), returnPhone: '021-62345678' }).ok).toBe(true);
  });

  it('requires an auto-reply (R17) and keeps template ids to WeChat’s charset', () => {
    expect(checkSettings({ ...form(), autoReplyText: ' ' }).ok).toBe(false);
    const r = checkSettings({ ...form(), subscribeDecision: 'abc def' });
    expect(!r.ok && Object.keys(r.errors)).toEqual(['subscribeTemplateIds.decision']);
  });

  it("maps each value to its template's data key: blanks left out, keys WeChat would refuse named by field", () => {
    const f = form();
    expect(f.subscribeFields.decision).toEqual({ progress: 'thing1', caseNo: 'character_string2', time: 'time3', amount: '', result: '' });
    const fields = { decision: { progress: ' thing2 ', caseNo: '', time: 'date4', amount: 'amount3', result: 'phrase1' }, refund: { ...f.subscribeFields.refund, caseNo: '' } };
    const r = checkSettings({ ...f, subscribeFields: fields });
    expect(r.ok && r.request.subscribeTemplateFields).toEqual({
      decision: { progress: 'thing2', time: 'date4', amount: 'amount3', result: 'phrase1' },
      refund: { progress: 'thing1', time: 'time3' },
    });
    const bad = checkSettings({
      ...f,
      subscribeFields: { decision: { ...fields.decision, progress: 'title1' }, refund: { ...fields.refund, progress: '', amount: 'time9' } },
    });
    expect(!bad.ok && bad.errors).toEqual({
      'subscribeTemplateFields.decision.progress': expect.stringContaining('「title1」不是订阅消息的字段'),
      'subscribeTemplateFields.refund.progress': expect.stringContaining('请填写「处理进度」'),
      'subscribeTemplateFields.refund.amount': expect.stringContaining('不能放进 time 类型的字段'),
    });
  });
});
