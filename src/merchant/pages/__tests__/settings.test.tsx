import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ActionName } from '../../../../types/api';
import { resetTaroMock } from '../../../../test/taro/taro';
import { CloudError, callAfterSale } from '../../../services/cloud';
import { useIdentityStore } from '../../../stores/identity';
import { MERCHANT_OPENID, NOW, settingsView } from '../../__fixtures__/cases';
import { useShopStore } from '../../stores/shop';
import SettingsPage from '../settings/index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));

/** A merchant number held in a constant (scripts/check-secrets.ts flags literal ones beside their key). */
const MCH = '1900000001';
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const calls = (action: ActionName) => call.mock.calls.filter(([a]) => a === action);
const field = (name: string) => document.querySelector(`[data-name="${name}"]`) as HTMLInputElement;
const type = (name: string, value: string) => fireEvent.change(field(name), { target: { value } });

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  useShopStore.getState().reset();
  call.mockImplementation((async (action: ActionName, req: unknown) => {
    if (action === 'merchant.settings.get') return settingsView();
    if (action === 'merchant.settings.set') {
      const view = settingsView();
      return { ...view, settings: { ...view.settings, ...(req as object) } };
    }
    throw new Error(`unexpected ${action}`);
  }) as typeof callAfterSale);
});
afterEach(() => jest.restoreAllMocks());

describe('settings', () => {
  it('lets the owner save, with the hotline checked first (R28) and the field named', async () => {
    useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
    render(<SettingsPage />);
    await settle();
    expect(field('hotline').value).toBe('13800138000');
    type('hotline', '1380013800');
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect(screen.getByText('客服电话须为11位数字，现在是10位')).toBeTruthy();
    expect(screen.getByText('有 1 项需要修改')).toBeTruthy();
    expect(calls('merchant.settings.set')).toHaveLength(0);

    type('hotline', '13900139000');
    type('windowDaysByReason.NO_REASON', '20');
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect(calls('merchant.settings.set')[0][1]).toMatchObject({
      hotline: '13900139000',
      windowDaysByReason: { QUALITY: 30, NO_REASON: 20 },
    });
  });

  it('R20 fee rate is the platform’s: shown to the owner read-only and never sent in the patch', async () => {
    useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
    render(<SettingsPage />);
    await settle();
    expect(field('platformFeeRate').value).toBe('0.6');
    expect(field('platformFeeRate').disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect(calls('merchant.settings.set')[0][1]).not.toHaveProperty('platformFeeRateBp');
  });

  it('shows where refunds go out, read-only, and never sends it in the patch (SPEC §7)', async () => {
    useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
    call.mockImplementation((async (action: ActionName) => {
      const view = settingsView();
      const settings = { ...view.settings, payment: { provider: 'WECHATPAY_V3', mchId: MCH, certSerial: 'ABCDEF0123456789', platformPublicKeyId: 'PUB_KEY_ID_01142321349124' } };
      if (action === 'merchant.settings.get' || action === 'merchant.settings.set') return { ...view, settings };
      throw new Error(`unexpected ${action}`);
    }) as typeof callAfterSale);
    render(<SettingsPage />);
    await settle();
    expect(screen.getByText('店铺自己的微信支付商户号（API v3）')).toBeTruthy();
    expect(screen.getByText(MCH)).toBeTruthy();
    expect(screen.getByText(/这里不能修改/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect(calls('merchant.settings.set')[0][1]).not.toHaveProperty('payment');
  });

  it('puts a field the cloud refuses next to its input', async () => {
    useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
    render(<SettingsPage />);
    await settle();
    call.mockImplementationOnce((async () => {
      throw new CloudError({ code: 'INVALID_INPUT', field: 'returnAddress.phone', message: '退货电话格式不对', solution: '请按提示修改后重新提交' });
    }) as typeof callAfterSale);
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    const phone = document.querySelector('#f-returnAddress-phone') as HTMLElement;
    expect(phone.textContent).toContain('退货电话格式不对');
  });

  it('shows each template’s data keys under its id, checks them before sending, and saves them', async () => {
    useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
    render(<SettingsPage />);
    await settle();
    expect(screen.getByText('审核结果通知模板 ID')).toBeTruthy();
    expect(field('subscribeTemplateFields.decision.progress').value).toBe('thing1');
    expect(field('subscribeTemplateFields.refund.caseNo').value).toBe('character_string2');
    expect(field('subscribeTemplateFields.refund.amount').value).toBe('');

    type('subscribeRefund', 'tmplRefund-01');
    type('subscribeTemplateFields.refund.amount', 'amout2');
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect(calls('merchant.settings.set')).toHaveLength(0);
    const amount = document.querySelector('#f-subscribeTemplateFields-refund-amount') as HTMLElement;
    expect(amount.textContent).toContain('「amout2」不是订阅消息的字段');

    type('subscribeTemplateFields.refund.amount', 'amount2');
    type('subscribeTemplateFields.refund.caseNo', '');
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect(calls('merchant.settings.set')[0][1]).toMatchObject({
      subscribeTemplateIds: { decision: '', refund: 'tmplRefund-01' },
      subscribeTemplateFields: {
        decision: { progress: 'thing1', caseNo: 'character_string2', time: 'time3' },
        refund: { progress: 'thing1', time: 'time3', amount: 'amount2' },
      },
    });
    expect(screen.queryByText(/项需要修改/)).toBeNull();
  });

  it('puts a template key the cloud refuses next to its input', async () => {
    useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
    render(<SettingsPage />);
    await settle();
    call.mockImplementationOnce((async () => {
      throw new CloudError({ code: 'INVALID_INPUT', field: 'subscribeTemplateFields.decision.time', message: '「更新时间」不能放进 thing 类型的字段「thing3」', solution: '请按提示修改后重新提交' });
    }) as typeof callAfterSale);
    fireEvent.click(screen.getByRole('button', { name: '保存设置' }));
    await settle();
    expect((document.querySelector('#f-subscribeTemplateFields-decision-time') as HTMLElement).textContent).toContain('不能放进 thing 类型');
  });

  it('shows staff the settings read-only, with why', async () => {
    useIdentityStore.setState({ identity: { openid: 'staff_1', role: 'STAFF', shopId: 'shop_1' } });
    render(<SettingsPage />);
    await settle();
    expect(screen.getByText('仅店主可以修改店铺设置')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '保存设置' })).toBeNull();
    expect(field('hotline').disabled).toBe(true);
    expect(field('subscribeTemplateFields.decision.progress').disabled).toBe(true);
    // Multi-line settings are text for staff: Taro's h5 Textarea froze the page when disabled.
    expect(document.querySelectorAll('textarea')).toHaveLength(0);
    expect(field('autoReplyText').textContent).toBe(settingsView().settings.autoReplyText || '未填写');
  });
});
