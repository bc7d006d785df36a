import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerOrder } from '../../../../test/taro/buyerFixtures';
import type { AfterSaleCase } from '../../../../types/domain';
import { appendHistory } from '../../../core/chain';
import { CATALOGUE } from '../../../core/errors';
import { formatTime, HOUR_MS } from '../../../core/time';
import { callAfterSale, CloudError } from '../../../services/cloud';
import { useCasesStore } from '../../../stores/cases';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import CasePage from '../index';

jest.mock('../../../services/cloud', () => {
  const actual = jest.requireActual('../../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

/** A case with a real hash-chained history of one APPLY event. */
function chained(over: Partial<AfterSaleCase>): AfterSaleCase {
  const base = buyerCase(over);
  return appendHistory({ ...base, history: [] }, { at: base.createdAt, actor: 'BUYER', action: 'APPLY', to: 'PENDING' });
}

function serve(c: AfterSaleCase, handlers: Record<string, (req: Record<string, unknown>) => Promise<unknown>> = {}) {
  call.mockImplementation(((action: string, req: Record<string, unknown>) => {
    if (handlers[action]) return handlers[action](req);
    if (action === 'get') return Promise.resolve(c);
    if (action === 'order.get') return Promise.resolve(buyerOrder());
    return Promise.reject(new Error(`unexpected ${action}`));
  }) as typeof callAfterSale);
}

async function openCase(c: AfterSaleCase) {
  if (!call.getMockImplementation()) serve(c);
  setRouterParams({ id: c._id });
  render(<CasePage />);
  await screen.findByText('申请信息');
  await settle();
}

const actions = () => call.mock.calls.map(([a]) => a).filter((a) => a !== 'get' && a !== 'order.get');

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
});

describe('case detail', () => {
  it('counts down to auto-approval (R16) and shows the auto-reply (R17) of a pending case', async () => {
    await openCase(chained({ deadlineAt: Date.now() + 47 * HOUR_MS + 30 * 60_000 }));
    expect(screen.getByText('待商家处理')).toBeTruthy();
    expect(screen.getByText('1天23小时')).toBeTruthy();
    expect(screen.getByText(/商家未处理将自动同意/)).toBeTruthy();
    expect(screen.getByText('您的退款申请已收到,预计48小时内处理完毕')).toBeTruthy();
    expect(screen.getByRole('button', { name: '撤销申请' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '申请平台介入' })).toBeNull();
  });

  it('cancels only after the buyer confirms, with one request', async () => {
    const c = chained({});
    serve(c, { cancel: async () => ({ ...c, status: 'CANCELLED' }) });
    await openCase(c);
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(screen.getByRole('button', { name: '撤销申请' }));
    await settle();
    expect(actions()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: '撤销申请' }));
    await settle();
    await settle();
    expect(actions()).toEqual(['cancel']);
    expect(screen.getByText('已撤销')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '撤销申请' })).toBeNull();
  });

  it('offers escalation with the 微信小法庭 entry for a rejected case of ¥500 or more (R24), and needs a reason', async () => {
    const c = chained({
      status: 'REJECTED',
      amountFen: 68_800,
      deadlineAt: Date.now() + 6 * 24 * HOUR_MS,
      rejection: { reasonCode: 'NO_EVIDENCE', note: '未看到商品问题的照片', at: Date.now() },
    });
    serve(c, { escalate: async (req) => ({ ...c, status: 'ESCALATED', tier: 'LEGAL', legalEntry: true, escalatedAt: Date.now(), history: c.history, note: req.note }) });
    await openCase(c);
    expect(screen.getByText('凭证不足：未看到商品问题的照片')).toBeTruthy();
    expect(screen.getByText(/可以通过「微信小法庭」在线调解/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '申请平台介入' }));
    await settle();
    expect(actions()).toEqual([]);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请写明申请平台介入的理由' }));
    fireEvent.change(screen.getByPlaceholderText(/说说您为什么不认同/), { target: { value: '照片已经上传了' } });
    fireEvent.click(screen.getByRole('button', { name: '申请平台介入' }));
    await settle();
    await settle();
    expect(call).toHaveBeenCalledWith('escalate', { caseId: c._id, note: '照片已经上传了' });
    expect(screen.getByText('平台介入中')).toBeTruthy();
  });

  it('hides the 小法庭 entry below ¥500', async () => {
    await openCase(chained({ status: 'REJECTED', amountFen: 49_999, deadlineAt: Date.now() + HOUR_MS, rejection: { reasonCode: 'OTHER', note: '不符合', at: Date.now() } }));
    expect(screen.queryByText('微信小法庭')).toBeNull();
  });

  const awaitingReturn = () =>
    chained({
      type: 'RETURN_REFUND',
      status: 'AWAITING_RETURN',
      deadlineAt: Date.now() + 7 * 24 * HOUR_MS,
      returnAddress: { name: '小满', phone: '13800000000', address: '上海市浦东新区张江路1号' },
    });
  const shipped = (c: AfterSaleCase) => async (req: Record<string, unknown>) =>
    ({ ...c, status: 'RETURN_SHIPPED', returnShipment: { company: req.company as string, trackingNo: req.trackingNo as string, at: Date.now() } }) as AfterSaleCase;
  const courierChip = (name: string) => screen.getByRole('radio', { name });

  it('asks for the return shipment (R23): a courier chip and the tracking number, sent once', async () => {
    const c = awaitingReturn();
    serve(c, { shipReturn: shipped(c) });
    await openCase(c);
    expect(screen.getByText('上海市浦东新区张江路1号')).toBeTruthy();
    expect(screen.getAllByRole('radio').map((r) => r.textContent)).toEqual(['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '极兔速递', '京东快递', '邮政EMS', '其他']);
    fireEvent.click(courierChip('中通快递'));
    fireEvent.click(courierChip('顺丰速运'));
    expect(courierChip('顺丰速运').getAttribute('aria-checked')).toBe('true');
    expect(courierChip('中通快递').getAttribute('aria-checked')).toBe('false');
    fireEvent.change(screen.getByPlaceholderText('请填写完整单号'), { target: { value: ' SF123456789 ' } });
    fireEvent.click(screen.getByRole('button', { name: '提交退货物流' }));
    await settle();
    await settle();
    expect(actions()).toEqual(['shipReturn']);
    expect(call).toHaveBeenCalledWith('shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: 'SF123456789' });
    expect(screen.getByText('SF123456789')).toBeTruthy();
  });

  it('types a courier that is not a chip under 其他', async () => {
    const c = awaitingReturn();
    serve(c, { shipReturn: shipped(c) });
    await openCase(c);
    expect(screen.queryByPlaceholderText('请输入快递公司名称')).toBeNull();
    fireEvent.click(courierChip('韵达快递'));
    fireEvent.click(courierChip('其他'));
    expect(courierChip('其他').getAttribute('aria-checked')).toBe('true');
    expect(courierChip('韵达快递').getAttribute('aria-checked')).toBe('false');
    fireEvent.change(screen.getByPlaceholderText('请输入快递公司名称'), { target: { value: '德邦快递' } });
    fireEvent.change(screen.getByPlaceholderText('请填写完整单号'), { target: { value: 'DPK300012345678' } });
    fireEvent.click(screen.getByRole('button', { name: '提交退货物流' }));
    await settle();
    await settle();
    expect(call).toHaveBeenCalledWith('shipReturn', { caseId: c._id, company: '德邦快递', trackingNo: 'DPK300012345678' });
  });

  it.each([
    ['no courier', undefined, 'SF123456789', '请选择快递公司'],
    ['a one-character courier under 其他', '顺', 'SF123456789', '快递公司名称应为2到30个字'],
    ['no tracking number', '顺丰速运', '', '请填写快递单号'],
    ['a short tracking number', '顺丰速运', 'SF123', '快递单号应为6到40位字母或数字，请核对'],
    ['a tracking number with Chinese in it', '顺丰速运', 'SF单号123456', '快递单号应为6到40位字母或数字，请核对'],
  ])('sends nothing and names the field for %s', async (_what, courier, no, message) => {
    const c = awaitingReturn();
    serve(c, { shipReturn: shipped(c) });
    await openCase(c);
    if (courier === '顺') {
      fireEvent.click(courierChip('其他'));
      fireEvent.change(screen.getByPlaceholderText('请输入快递公司名称'), { target: { value: courier } });
    } else if (courier) fireEvent.click(courierChip(courier));
    fireEvent.change(screen.getByPlaceholderText('请填写完整单号'), { target: { value: no } });
    fireEvent.click(screen.getByRole('button', { name: '提交退货物流' }));
    await settle();
    expect(actions()).toEqual([]);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: message }));
    expect(screen.getByText('待买家退货')).toBeTruthy();
  });

  it('hides 扫一扫 in the browser, where scanCode does not exist', async () => {
    const env = process.env.TARO_ENV;
    process.env.TARO_ENV = 'h5';
    try {
      await openCase(awaitingReturn());
      expect(screen.getByPlaceholderText('请填写完整单号')).toBeTruthy();
      expect(screen.queryByRole('button', { name: '扫一扫' })).toBeNull();
    } finally {
      process.env.TARO_ENV = env;
    }
  });

  describe('in WeChat', () => {
    const env = process.env.TARO_ENV;
    beforeEach(() => {
      process.env.TARO_ENV = 'weapp';
    });
    afterEach(() => {
      process.env.TARO_ENV = env;
    });
    const scanCode = () => Taro.scanCode as jest.Mock;

    it('scans the waybill barcode into the tracking number and picks the courier its prefix names', async () => {
      const c = awaitingReturn();
      serve(c, { shipReturn: shipped(c) });
      await openCase(c);
      scanCode().mockResolvedValueOnce({ result: 'SF1402839471234\n', scanType: 'CODE_128', charSet: 'UTF-8' });
      fireEvent.click(screen.getByRole('button', { name: '扫一扫' }));
      await settle();
      expect(scanCode()).toHaveBeenCalledWith(expect.objectContaining({ scanType: ['barCode', 'qrCode'] }));
      expect((screen.getByPlaceholderText('请填写完整单号') as HTMLInputElement).value).toBe('SF1402839471234');
      expect(courierChip('顺丰速运').getAttribute('aria-checked')).toBe('true');
      fireEvent.click(screen.getByRole('button', { name: '提交退货物流' }));
      await settle();
      await settle();
      expect(call).toHaveBeenCalledWith('shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: 'SF1402839471234' });
    });

    it('keeps the courier the buyer chose when the scanned number starts otherwise', async () => {
      await openCase(awaitingReturn());
      fireEvent.click(courierChip('中通快递'));
      scanCode().mockResolvedValueOnce({ result: 'JT3012345678901', scanType: 'CODE_128', charSet: 'UTF-8' });
      fireEvent.click(screen.getByRole('button', { name: '扫一扫' }));
      await settle();
      expect((screen.getByPlaceholderText('请填写完整单号') as HTMLInputElement).value).toBe('JT3012345678901');
      expect(courierChip('中通快递').getAttribute('aria-checked')).toBe('true');
      expect(courierChip('极兔速递').getAttribute('aria-checked')).toBe('false');
    });

    it('says so when the code scanned is not a tracking number, and leaves the form as it was', async () => {
      await openCase(awaitingReturn());
      fireEvent.change(screen.getByPlaceholderText('请填写完整单号'), { target: { value: '75318264930127' } });
      scanCode().mockResolvedValueOnce({ result: 'https://mp.weixin.qq.com/a/xyz', scanType: 'QR_CODE', charSet: 'UTF-8' });
      fireEvent.click(screen.getByRole('button', { name: '扫一扫' }));
      await settle();
      expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '没有识别到快递单号，请对准面单上的条形码' }));
      expect((screen.getByPlaceholderText('请填写完整单号') as HTMLInputElement).value).toBe('75318264930127');
      expect(screen.getAllByRole('radio').filter((r) => r.getAttribute('aria-checked') === 'true')).toEqual([]);
    });

    it('stays quiet when the buyer backs out of the scanner, and offers typing when the camera fails', async () => {
      await openCase(awaitingReturn());
      scanCode().mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' });
      fireEvent.click(screen.getByRole('button', { name: '扫一扫' }));
      await settle();
      expect(Taro.showToast).not.toHaveBeenCalled();
      scanCode().mockRejectedValueOnce({ errMsg: 'scanCode:fail camera permission denied' });
      fireEvent.click(screen.getByRole('button', { name: '扫一扫' }));
      await settle();
      expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '扫码失败，请手动填写快递单号' }));
      expect((screen.getByPlaceholderText('请填写完整单号') as HTMLInputElement).value).toBe('');
    });
  });

  it('says where a WeChat Pay refund went (零钱) and when it arrives when 退款未到账 is reported too early (R8)', async () => {
    const settledAt = Date.now();
    const c = chained({ status: 'REFUNDED', deadlineAt: undefined, refunds: [{ outRefundNo: 'case_t1-1', amountFen: 9_800, status: 'SUCCESS', at: settledAt, settledAt, method: 'ORIGINAL' }] });
    serve(c, {
      reportNotReceived: () =>
        Promise.reject(new CloudError({ code: 'REFUND_SYNC_DELAYED', message: '退款已发起，银行到账可能有延迟', solution: '48小时未到账可提交工单查询交易流水号，请耐心等待' })),
    });
    await openCase(c);
    fireEvent.click(screen.getByRole('button', { name: '退款未到账' }));
    await settle();
    await settle();
    const shown = (Taro.showModal as jest.Mock).mock.calls.at(-1)?.[0] as { title: string; content: string };
    expect(shown.title).toBe(`退款已于${formatTime(settledAt)}退回微信零钱`);
    expect(shown.content).toMatch(/^一般20分钟内到账/);
    expect(`${shown.title}${shown.content}`).not.toMatch(/退出|银行/);
    expect(screen.getByText('退款已退回微信零钱，一般20分钟内到账')).toBeTruthy();
  });

  it('says a bank-card refund arrives in 1-3 working days at that card', async () => {
    const c = chained({ status: 'REFUNDING', deadlineAt: undefined, refunds: [{ outRefundNo: 'case_t1-1', amountFen: 9_800, status: 'PROCESSING', at: Date.now(), method: 'ORIGINAL' }] });
    serve(c, { 'order.get': async () => buyerOrder({ payChannel: 'BANK_CARD' }) });
    await openCase(c);
    expect(screen.getByText('退款处理中，将退回原支付银行卡，一般1-3个工作日到账，以银行入账为准')).toBeTruthy();
  });

  it('tells the buyer what an unverified shop account means for her, not the shop’s fix, and offers to contact the shop (R5)', async () => {
    const c = chained({
      status: 'REFUND_FAILED',
      deadlineAt: undefined,
      approvedFen: 9_800,
      lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL', ...CATALOGUE.MERCHANT_ACCOUNT_ABNORMAL },
    });
    await openCase(c);
    const text = document.body.textContent ?? '';
    expect(text).not.toContain('企业资质');
    expect(text).not.toContain('怎么办');
    expect(screen.getByText('商家收款账户待完善，退款暂未打出', { selector: '.alert__title' })).toBeTruthy();
    expect(screen.getByText(/系统会自动重新退款，无需您操作/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '联系商家' }));
    expect(Taro.pageScrollTo).toHaveBeenCalledWith(expect.objectContaining({ selector: '#case-contact' }));
    expect(document.querySelector('#case-contact')?.textContent).toContain('客服电话');
  });

  it('names no tier, rule id or hash on the buyer’s page; the record fingerprints wait behind 「详情」', async () => {
    const c = chained({ status: 'ESCALATED', tier: 'DIFFICULT', deadlineAt: Date.now() + 3 * 24 * HOUR_MS });
    await openCase(c);
    const text = () => document.body.textContent ?? '';
    expect(text()).not.toContain('疑难问题');
    expect(text()).not.toMatch(/\bR\d+\b/);
    expect(text()).not.toContain(c.history[0].hash.slice(0, 8));
    expect(text()).not.toContain('存证 ');
    fireEvent.click(screen.getByText('详情'));
    expect(text()).toContain(`存证编号 ${c.history[0].hash.slice(0, 8)}`);
  });

  it('shows the conversation with who said what: the platform’s decision is the platform’s, not the shop’s', async () => {
    const now = Date.now();
    const c = chained({
      status: 'REFUNDING',
      deadlineAt: undefined,
      messages: [
        { at: now - 2_000, from: 'MERCHANT', text: '请补充照片' },
        { at: now - 1_000, from: 'PLATFORM', text: '平台判定：商家全额退款' },
      ],
    });
    await openCase(c);
    const section = (title: string) => screen.getByText(title, { selector: '.section__title' }).closest('.section') as HTMLElement;
    const rows = Array.from(section('协商记录').querySelectorAll('.talk__row')).map((r) => r.textContent ?? '');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^商家 · .*请补充照片$/);
    expect(rows[1]).toMatch(/^平台 · .*平台判定：商家全额退款$/);
    expect(screen.queryByText('商家回复')).toBeNull();
  });

  it('h5: a deep link opened before choosing an identity offers the identity picker, and comes back after', async () => {
    const env = process.env.TARO_ENV;
    process.env.TARO_ENV = 'h5';
    window.location.hash = '#/pages/case/index?id=case_t1';
    try {
      call.mockImplementation((() => Promise.reject(new CloudError({ code: 'FORBIDDEN', message: '未识别到微信身份，请在微信中打开小程序', solution: '' }))) as typeof callAfterSale);
      setRouterParams({ id: 'case_t1' });
      render(<CasePage />);
      fireEvent.click(await screen.findByRole('button', { name: '选择演示身份' }));
      // A browser has no WeChat to open the page in: the page says what to do here instead.
      expect(screen.getByText('还没有选择演示身份')).toBeTruthy();
      expect(screen.queryByText(/请在微信中打开/)).toBeNull();
      expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/dev-login/index?back=${encodeURIComponent('/pages/case/index?id=case_t1')}` });
    } finally {
      if (env === undefined) Reflect.deleteProperty(process.env, 'TARO_ENV');
      else process.env.TARO_ENV = env;
      window.location.hash = '';
    }
  });

  it('shows how many of each item the case is for', async () => {
    await openCase(chained({ items: [{ skuId: 'sku_cup', qty: 2 }, { skuId: 'sku_watch', qty: 1 }], itemTitles: ['手绘陶瓷马克杯', '机械手表'] }));
    expect(screen.getByText('手绘陶瓷马克杯 ×2、机械手表 ×1')).toBeTruthy();
  });

  it('verifies the hash chain on the device and in the cloud, and reports a broken link', async () => {
    const c = chained({});
    serve(c, { verify: async () => ({ ok: true }) });
    await openCase(c);
    fireEvent.click(screen.getByText('校验存证'));
    await settle();
    expect(screen.getByText('存证校验通过：1条记录环环相扣，未被改动')).toBeTruthy();
    expect(screen.getByText('本机与云端各校验了一次')).toBeTruthy();

    const tampered = { ...c, history: [{ ...c.history[0], note: '改过的记录' }] };
    act(() => useCasesStore.getState().remember(tampered));
    serve(tampered, { verify: async () => ({ ok: false, brokenAt: 0 }) });
    await settle();
    fireEvent.click(screen.getByText('校验存证'));
    await settle();
    expect(screen.getByText('存证校验未通过：第1条记录与前一条不一致')).toBeTruthy();
  });

  it('says newest records are missing or amounts changed when the cloud finds the case past its last record (brokenAt = history.length)', async () => {
    const c = chained({});
    serve(c, { verify: async () => ({ ok: false, brokenAt: c.history.length }) });
    await openCase(c);
    fireEvent.click(screen.getByText('校验存证'));
    await settle();
    expect(screen.getByText('存证校验未通过：售后单与处理记录不符，可能有记录被删除或金额被改动')).toBeTruthy();
  });
});
