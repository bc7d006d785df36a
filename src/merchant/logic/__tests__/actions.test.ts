import { mcase, NOW } from '../../__fixtures__/cases';
import { checkApprove, checkDecide, checkLiftRisk, checkOffer, checkReject, checkRetry } from '../actions';
import { reviewButtons } from '../reviewActions';

const c = mcase({ amountFen: 4900 });

describe('review actions validation', () => {
  describe('reject (R21: reason code + note)', () => {
    it('is stopped without a note, with a message that says what to write', () => {
      const r = checkReject(c, { reasonCode: 'NO_EVIDENCE', note: '' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.note).toBe('请填写拒绝说明（至少2个字），买家会看到这段说明');
    });

    it('is stopped by a blank or one-character note, and without a reason code', () => {
      expect(checkReject(c, { reasonCode: 'NO_EVIDENCE', note: '   ' }).ok).toBe(false);
      expect(checkReject(c, { reasonCode: 'NO_EVIDENCE', note: '不' }).ok).toBe(false);
      const r = checkReject(c, { reasonCode: '', note: '凭证不足，请补充照片' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.reasonCode).toBe('请选择拒绝原因');
    });

    it('passes with both, the note trimmed', () => {
      expect(checkReject(c, { reasonCode: 'OUTSIDE_POLICY', note: '  超过无理由期限  ' })).toEqual({
        ok: true,
        request: { caseId: 'AS1', reasonCode: 'OUTSIDE_POLICY', note: '超过无理由期限' },
      });
    });
  });

  describe('offer (R6: a partial amount)', () => {
    it('is stopped above the amount the buyer asked for', () => {
      const r = checkOffer(c, { amount: '49.01', note: '已拆封，折价退款' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.amount).toBe('协商金额不能高于买家申请的 ¥49.00');
    });

    it('accepts exactly the asked amount and anything between, in fen', () => {
      expect(checkOffer(c, { amount: '49', note: '全额' })).toMatchObject({ ok: true, request: { amountFen: 4900 } });
      expect(checkOffer(c, { amount: '¥25.5', note: '折价退款' })).toMatchObject({ ok: true, request: { amountFen: 2550 } });
    });

    it('is stopped at zero, for text that is not an amount, and without a note', () => {
      const zero = checkOffer(c, { amount: '0', note: '折价' });
      const text = checkOffer(c, { amount: '二十', note: '折价' });
      const noNote = checkOffer(c, { amount: '20', note: '' });
      expect(zero.ok || text.ok || noNote.ok).toBe(false);
      if (!zero.ok) expect(zero.errors.amount).toBe('协商金额须大于 0');
      if (!text.ok) expect(text.errors.amount).toBe('请输入协商退款金额，如 25.00');
      if (!noNote.ok) expect(noNote.errors.note).toMatch(/请填写协商说明/);
    });
  });

  describe('approve (R19: designated account only with an account)', () => {
    it('needs an account when refunding to a designated account', () => {
      const r = checkApprove(c, 5900, { refundMethod: 'DESIGNATED_ACCOUNT', account: ' ', compensation: '', note: '' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.account).toBe('指定账户退款需填写买家同意的收款账户');
    });

    it('sends the original way with nothing else by default', () => {
      expect(checkApprove(c, 5900, { refundMethod: 'ORIGINAL', account: '', compensation: '', note: '' })).toEqual({
        ok: true,
        request: { caseId: 'AS1', refundMethod: 'ORIGINAL' },
      });
    });

    it('carries the account, compensation and note when given', () => {
      expect(
        checkApprove(c, 5900, { refundMethod: 'DESIGNATED_ACCOUNT', account: '6222 0000 1234', compensation: '5', note: ' 抱歉 ' }),
      ).toEqual({
        ok: true,
        request: { caseId: 'AS1', refundMethod: 'DESIGNATED_ACCOUNT', account: '6222 0000 1234', compensationFen: 500, note: '抱歉' },
      });
    });

    it('stops compensation that takes the refund over 105% of what was paid (R3)', () => {
      // 105% of ¥59.00 is ¥61.95: ¥49.00 + ¥12.95 fits, ¥12.96 does not.
      expect(checkApprove(c, 5900, { refundMethod: 'ORIGINAL', account: '', compensation: '12.95', note: '' }).ok).toBe(true);
      const r = checkApprove(c, 5900, { refundMethod: 'ORIGINAL', account: '', compensation: '12.96', note: '' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.compensation).toBe('退款加补偿不能超过订单实付的105%（¥61.95）');
    });
  });

  it('retry to a designated account needs an account too', () => {
    expect(checkRetry(c, { refundMethod: 'DESIGNATED_ACCOUNT', account: '' }).ok).toBe(false);
    expect(checkRetry(c, { refundMethod: 'ORIGINAL', account: '' })).toEqual({ ok: true, request: { caseId: 'AS1', refundMethod: 'ORIGINAL' } });
  });

  it('a platform decision always needs a note, and an amount it gives stays within the ask', () => {
    expect(checkDecide(c, { decision: 'REJECT', amount: '', note: '' }).ok).toBe(false);
    const over = checkDecide(c, { decision: 'APPROVE', amount: '50', note: '凭证充分' });
    expect(over.ok).toBe(false);
    expect(checkDecide(c, { decision: 'APPROVE', amount: '', note: '凭证充分' })).toEqual({
      ok: true,
      request: { caseId: 'AS1', decision: 'APPROVE', note: '凭证充分' },
    });
    expect(checkDecide(c, { decision: 'REJECT', amount: '20', note: '理由成立' })).toEqual({
      ok: true,
      request: { caseId: 'AS1', decision: 'REJECT', note: '理由成立' },
    });
  });

  it('lifting risk control needs the buyer and a reason', () => {
    expect(checkLiftRisk({ openid: '', note: '已申诉' }).ok).toBe(false);
    expect(checkLiftRisk({ openid: 'buyer_1', note: '' }).ok).toBe(false);
    expect(checkLiftRisk({ openid: ' buyer_1 ', note: '已提交申诉材料' })).toEqual({ ok: true, request: { openid: 'buyer_1', note: '已提交申诉材料' } });
  });
});

describe('review buttons (R5)', () => {
  const blocked = mcase({
    status: 'REFUND_FAILED',
    approvedFen: 4900,
    lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL', message: '商家账户异常，退款暂未打款', solution: '立即补全企业资质，完成微信支付商户号实名认证' },
  });

  it('offers no retry while the unverified account would refuse it again', () => {
    expect(reviewButtons(blocked, 'merchant', NOW, false).map((b) => b.sheet)).not.toContain('retryRefund');
  });

  it('offers the retry once the shop is verified, and for failures of other causes', () => {
    expect(reviewButtons(blocked, 'merchant', NOW, true).map((b) => b.sheet)).toContain('retryRefund');
    const abnormal = { ...blocked, lastError: { code: 'REFUND_ABNORMAL', message: '退款异常', solution: '改为指定账户' } };
    expect(reviewButtons(abnormal, 'merchant', NOW, false).map((b) => b.sheet)).toContain('retryRefund');
  });
});
