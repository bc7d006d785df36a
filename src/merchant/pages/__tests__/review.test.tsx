import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ActionName } from '../../../../types/api';
import type { AfterSaleCase } from '../../../../types/domain';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { CASE_STATUS_LABELS } from '../../../components/labels';
import { CATALOGUE } from '../../../core/errors';
import { CloudError, callAfterSale } from '../../../services/cloud';
import { pickMedia, prepareMedia, uploadEvidence } from '../../../services/upload';
import { useIdentityStore } from '../../../stores/identity';
import { BUYER_OPENID, MERCHANT_OPENID, NOW, mcase, morder, settingsView } from '../../__fixtures__/cases';
import { usePanelStore } from '../../stores/panel';
import { useReviewStore } from '../../stores/review';
import { useShopStore } from '../../stores/shop';
import ReviewPage from '../review/index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../components/Sheet', () => jest.requireActual('../../__fixtures__/standins').sheetModule);
jest.mock('../../../services/upload', () => ({
  ...jest.requireActual('../../../services/upload'),
  pickMedia: jest.fn(),
  prepareMedia: jest.fn(),
  uploadEvidence: jest.fn(),
}));

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
type Handler = (req: Record<string, unknown>) => unknown;

let current: AfterSaleCase;

function serve(handlers: Partial<Record<ActionName, Handler>> = {}) {
  call.mockImplementation(((action: ActionName, req: Record<string, unknown>) => {
    const defaults: Partial<Record<ActionName, Handler>> = {
      'merchant.get': () => ({ ...current, order: morder() }),
      'platform.get': () => ({ ...current, order: morder() }),
      'merchant.settings.get': () => settingsView(),
    };
    const h = handlers[action] ?? defaults[action];
    if (!h) return Promise.reject(new Error(`unexpected ${action}`));
    try {
      return Promise.resolve(h(req));
    } catch (e) {
      return Promise.reject(e);
    }
  }) as typeof callAfterSale);
}

const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const calls = (action: ActionName) => call.mock.calls.filter(([a]) => a === action);
const bar = () => Array.from(document.querySelectorAll('.review__btn')).map((b) => b.textContent);

async function open(c: AfterSaleCase, as?: 'platform') {
  current = c;
  setRouterParams(as ? { id: c._id, as } : { id: c._id });
  render(<ReviewPage />);
  await settle();
  await settle();
}

function sheet(name: string) {
  return within(screen.getByRole('dialog', { name }));
}

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  usePanelStore.getState().reset();
  useShopStore.getState().reset();
  useReviewStore.setState({ caseId: undefined, data: undefined, status: 'idle', outcome: undefined, busy: false });
  useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
  serve();
});
afterEach(() => jest.restoreAllMocks());

describe('review page: what it shows', () => {
  it('shows the order snapshot, the buyer description, the fee and who bears it, the rules and a sound hash chain', async () => {
    await open(mcase());
    expect(screen.getByText('杯子收到时杯口有裂纹')).toBeTruthy();
    expect(screen.getByText('正山小种 100g')).toBeTruthy();
    expect(screen.getByText('申请 1 件')).toBeTruthy();
    expect(screen.getByText('¥0.29，由商家承担（卖家责任，按平台费率）')).toBeTruthy();
    expect(screen.getByText('商家需在48小时内处理，超时系统自动同意退款')).toBeTruthy();
    expect(screen.getByText('✓ 1 条处理记录环环相扣，未被改动')).toBeTruthy();
  });

  it('flags a history whose hash chain was edited, naming the first broken record', async () => {
    const c = mcase();
    const tampered = { ...c, history: [{ ...c.history[0], note: '改过' }] };
    await open(tampered);
    expect(screen.getByText(/第 1 条记录与存证不符/)).toBeTruthy();
  });

  it('offers exactly the actions the lifecycle allows: a PENDING case can be rejected, negotiated or approved', async () => {
    await open(mcase());
    expect(bar()).toEqual(['拒绝', '协商退款', '同意退款']);
  });

  it('offers no action on a case that is refunding, and retry with the fix on a failed refund (R4)', async () => {
    await open(mcase({ status: 'REFUNDING', deadlineAt: undefined }));
    expect(bar()).toEqual([]);
    expect(screen.getByText('当前状态无需商家操作')).toBeTruthy();
  });

  it('shows the failed refund’s fix and retries it to a designated account only with an account', async () => {
    const failed = mcase({
      status: 'REFUND_FAILED',
      deadlineAt: undefined,
      lastError: { code: 'PAYMENT_CHANNEL_RESTRICTED', ...CATALOGUE.PAYMENT_CHANNEL_RESTRICTED },
    });
    serve({ 'merchant.retryRefund': () => ({ ...failed, status: 'REFUNDING', lastError: undefined, version: 3 }) });
    await open(failed);
    expect(screen.getAllByText(`怎么办：${CATALOGUE.PAYMENT_CHANNEL_RESTRICTED.solution}`).length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: '重新退款' }));
    const s = sheet('重新退款');
    fireEvent.click(s.getByRole('button', { name: '重新发起退款' }));
    await settle();
    expect(s.getByText('指定账户退款需填写买家同意的收款账户')).toBeTruthy();
    expect(calls('merchant.retryRefund')).toHaveLength(0);
    fireEvent.change(document.querySelector('input[data-name="account"]') as HTMLInputElement, { target: { value: '6222000012345678' } });
    fireEvent.click(s.getByRole('button', { name: '重新发起退款' }));
    await settle();
    expect(calls('merchant.retryRefund')[0][1]).toEqual({ caseId: 'AS1', refundMethod: 'DESIGNATED_ACCOUNT', account: '6222000012345678' });
  });
});

describe('review page: words a shop uses (issue 17)', () => {
  it('names no rule id, SKU code, hash or confidence until 「详情」 is tapped', async () => {
    await open(mcase({ suggestion: { reason: 'QUALITY', decision: 'APPROVE', confidence: 1, why: ['描述具体，有照片'] } }));
    const text = () => document.body.textContent ?? '';
    expect(screen.getByText('商家需在48小时内处理，超时系统自动同意退款')).toBeTruthy();
    expect(text()).not.toMatch(/\bR\d+\b/);
    expect(text()).not.toContain('sku_cup');
    expect(text()).not.toContain('sku_tea');
    expect(text()).not.toContain('哈希');
    expect(text()).not.toContain('置信度');
    expect(text()).not.toContain(current.history[0].hash.slice(0, 16));
    expect(text()).not.toContain('100%');
    for (const toggle of screen.getAllByText('详情')) fireEvent.click(toggle);
    expect(screen.getByText('R16')).toBeTruthy();
    expect(text()).toContain(current.history[0].hash.slice(0, 16));
    expect(text()).toContain('识别把握 100%');
  });

  it('says 同意退货 on a 退货退款 case, and its sheet sends the return address', async () => {
    await open(mcase({ type: 'RETURN_REFUND' }));
    expect(bar()).toEqual(['拒绝', '协商退款', '同意退货']);
    fireEvent.click(screen.getByRole('button', { name: '同意退货' }));
    expect(sheet('同意退货').getByText(/同意后退货地址会发给买家/)).toBeTruthy();
  });

  it('offers no 「寄回商品」 note on a 仅退款 case, and does on a 退货退款 one', async () => {
    const sendBack = '已同意，请按退货地址寄回商品，收到后立即退款。';
    await open(mcase());
    fireEvent.click(screen.getByRole('button', { name: '同意退款' }));
    const s = sheet('同意退款');
    expect(s.getByText('已同意退款，给您带来不便非常抱歉，我们会加强品控。')).toBeTruthy();
    expect(s.queryByText(sendBack)).toBeNull();
    cleanup();
    await open(mcase({ type: 'RETURN_REFUND' }));
    fireEvent.click(screen.getByRole('button', { name: '同意退货' }));
    expect(sheet('同意退货').getByText(sendBack)).toBeTruthy();
  });

  it('after a retry to a designated account says where the money goes, not 「已提交微信支付」', async () => {
    const failed = mcase({
      status: 'REFUND_FAILED',
      deadlineAt: undefined,
      approvedFen: 4900,
      lastError: { code: 'PAYMENT_CHANNEL_RESTRICTED', ...CATALOGUE.PAYMENT_CHANNEL_RESTRICTED },
    });
    serve({
      'merchant.retryRefund': () => ({
        ...failed,
        status: 'REFUNDING',
        lastError: undefined,
        version: 3,
        refunds: [{ outRefundNo: 'AS1-2', amountFen: 4900, status: 'PROCESSING', at: NOW, method: 'DESIGNATED_ACCOUNT', account: '6222****5678' }],
      }),
    });
    await open(failed);
    fireEvent.click(screen.getByRole('button', { name: '重新退款' }));
    const s = sheet('重新退款');
    fireEvent.change(document.querySelector('input[data-name="account"]') as HTMLInputElement, { target: { value: '6222000012345678' } });
    fireEvent.click(s.getByRole('button', { name: '重新发起退款' }));
    await settle();
    expect(screen.getByText('已重新发起退款，退款 ¥49.00 处理中')).toBeTruthy();
    expect(document.body.textContent).not.toContain('已提交微信支付');
    expect(screen.getByText(/正在转入约定的收款账户 6222\*\*\*\*5678，一般1-3个工作日到账/)).toBeTruthy();
  });

  it('says a 零钱 refund goes back to 微信零钱 after approval', async () => {
    serve({ 'merchant.approve': () => ({ ...current, status: 'REFUNDING', approvedFen: 4900, deadlineAt: undefined, version: 2, refunds: [{ outRefundNo: 'AS1-1', amountFen: 4900, status: 'PROCESSING', at: NOW, method: 'ORIGINAL' }] }) });
    await open(mcase());
    fireEvent.click(screen.getByRole('button', { name: '同意退款' }));
    fireEvent.click(sheet('同意退款').getByRole('button', { name: '确认同意' }));
    await settle();
    expect(screen.getByText(/原路退回买家的微信零钱，一般20分钟内到账/)).toBeTruthy();
  });
});

describe('review actions', () => {
  it('stops a rejection without a note, and sends it once the reason and note are given', async () => {
    serve({ 'merchant.reject': (req) => ({ ...current, status: 'REJECTED', deadlineAt: NOW + 7 * 86_400_000, rejection: { ...req, at: NOW }, version: 2 }) });
    await open(mcase());
    fireEvent.click(screen.getByRole('button', { name: '拒绝' }));
    const s = sheet('拒绝申请');
    fireEvent.click(s.getByRole('button', { name: '确认拒绝' }));
    await settle();
    expect(s.getByText('请选择拒绝原因')).toBeTruthy();
    expect(s.getByText('请填写拒绝说明（至少2个字），买家会看到这段说明')).toBeTruthy();
    expect(calls('merchant.reject')).toHaveLength(0);

    fireEvent.click(s.getByText('凭证不足'));
    fireEvent.click(s.getByText('未收到有效凭证，请补充商品问题照片后重新申请。'));
    fireEvent.click(s.getByRole('button', { name: '确认拒绝' }));
    await settle();
    expect(calls('merchant.reject')).toEqual([
      ['merchant.reject', { caseId: 'AS1', reasonCode: 'NO_EVIDENCE', note: '未收到有效凭证，请补充商品问题照片后重新申请。' }],
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('已拒绝该申请')).toBeTruthy();
    expect(bar()).toEqual([]);
  });

  it('stops an offer above what the buyer asked for', async () => {
    await open(mcase({ amountFen: 4900 }));
    fireEvent.click(screen.getByRole('button', { name: '协商退款' }));
    const s = sheet('协商退款');
    fireEvent.change(document.querySelector('input[data-name="amount"]') as HTMLInputElement, { target: { value: '60' } });
    fireEvent.change(document.querySelector('textarea[data-name="note"]') as HTMLTextAreaElement, { target: { value: '已拆封，折价' } });
    fireEvent.click(s.getByRole('button', { name: '发给买家' }));
    await settle();
    expect(s.getByText('协商金额不能高于买家申请的 ¥49.00')).toBeTruthy();
    expect(calls('merchant.offer')).toHaveLength(0);
  });

  it('approves with a note in two taps and says what happened', async () => {
    serve({ 'merchant.approve': () => ({ ...current, status: 'REFUNDING', approvedFen: 4900, deadlineAt: undefined, version: 2 }) });
    await open(mcase());
    fireEvent.click(screen.getByRole('button', { name: '同意退款' }));
    const s = sheet('同意退款');
    expect(s.getByText(/原路退回买家的微信零钱/)).toBeTruthy();
    fireEvent.change(document.querySelector('textarea[data-name="note"]') as HTMLTextAreaElement, { target: { value: '抱歉，已退款' } });
    fireEvent.click(s.getByRole('button', { name: '确认同意' }));
    await settle();
    expect(calls('merchant.approve')[0][1]).toEqual({ caseId: 'AS1', refundMethod: 'ORIGINAL', note: '抱歉，已退款' });
    expect(screen.getByText('已同意，退款 ¥49.00 处理中')).toBeTruthy();
  });

  it('forgets what the last action did when the case is opened again later', async () => {
    serve({ 'merchant.approve': () => ({ ...current, status: 'AWAITING_RETURN', approvedFen: 4900, version: 2 }) });
    await open(mcase({ type: 'RETURN_REFUND' }));
    fireEvent.click(screen.getByRole('button', { name: '同意退货' }));
    fireEvent.click(sheet('同意退货').getByRole('button', { name: '确认同意' }));
    await settle();
    expect(screen.getByText('已同意，等待买家退货')).toBeTruthy();
    cleanup();
    await open({ ...current, status: 'RETURN_SHIPPED', version: 3 });
    expect(screen.getByText(CASE_STATUS_LABELS.RETURN_SHIPPED)).toBeTruthy();
    expect(screen.queryByText('已同意，等待买家退货')).toBeNull();
  });

  it('needs an account to approve to a designated account (R19)', async () => {
    await open(mcase());
    fireEvent.click(screen.getByRole('button', { name: '同意退款' }));
    const s = sheet('同意退款');
    fireEvent.click(s.getByText('指定账户'));
    fireEvent.click(s.getByRole('button', { name: '确认同意' }));
    await settle();
    expect(s.getByText('指定账户退款需填写买家同意的收款账户')).toBeTruthy();
    expect(calls('merchant.approve')).toHaveLength(0);
  });

  it('reloads the case and says so when someone else moved it first (CASE_STATE_CHANGED)', async () => {
    const c = mcase();
    serve({
      'merchant.approve': () => {
        current = { ...c, status: 'CANCELLED', deadlineAt: undefined, version: 2 };
        throw new CloudError({ code: 'CASE_STATE_CHANGED', ...CATALOGUE.CASE_STATE_CHANGED });
      },
    });
    await open(c);
    fireEvent.click(screen.getByRole('button', { name: '同意退款' }));
    fireEvent.click(sheet('同意退款').getByRole('button', { name: '确认同意' }));
    await settle();
    await settle();
    expect(calls('merchant.get')).toHaveLength(2);
    expect(screen.getByText('售后单状态已变化，本次操作未生效')).toBeTruthy();
    expect(screen.getByText(CASE_STATUS_LABELS.CANCELLED)).toBeTruthy();
    expect(bar()).toEqual([]);
  });

  it('keeps the sheet open with the cloud’s message and solution when it refuses (R33 no return address)', async () => {
    serve({
      'merchant.approve': () => {
        throw new CloudError({ code: 'INVALID_INPUT', field: 'returnAddress', message: '请先设置退货地址', solution: '在店铺设置中填写退货地址后再同意退货' });
      },
    });
    await open(mcase({ type: 'RETURN_REFUND' }));
    fireEvent.click(screen.getByRole('button', { name: '同意退货' }));
    const s = sheet('同意退货');
    fireEvent.click(s.getByRole('button', { name: '确认同意' }));
    await settle();
    expect(s.getByText('请先设置退货地址')).toBeTruthy();
    expect(s.getByText('怎么办：在店铺设置中填写退货地址后再同意退货')).toBeTruthy();
  });

  it('confirms returned goods as unsealed (R6) on a no-reason return', async () => {
    const shipped = mcase({ type: 'RETURN_REFUND', reason: 'NO_REASON', status: 'RETURN_SHIPPED', returnShipment: { company: '顺丰', trackingNo: 'SF1234567', at: NOW } });
    serve({
      'merchant.confirmReturn': () => ({
        ...shipped,
        status: 'NEGOTIATING',
        unsealed: true,
        lastError: { code: 'GOODS_UNSEALED', ...CATALOGUE.GOODS_UNSEALED },
        version: 3,
      }),
    });
    await open(shipped);
    fireEvent.click(screen.getByRole('button', { name: '确认收货' }));
    const s = sheet('确认收到退货');
    fireEvent.click(s.getByRole('checkbox', { name: '已拆封影响二次销售' }));
    fireEvent.click(s.getByRole('button', { name: '确认收货并协商' }));
    await settle();
    expect(calls('merchant.confirmReturn')[0][1]).toEqual({ caseId: 'AS1', unsealed: true });
    expect(screen.getByText('已确认收货：商品已拆封')).toBeTruthy();
    expect(bar()).toEqual(['修改协商金额']);
  });

  it('lets the platform decide an escalated case, with a required note', async () => {
    const escalated = mcase({ status: 'ESCALATED', tier: 'DIFFICULT', deadlineAt: NOW + 3 * 86_400_000 });
    serve({ 'platform.decide': () => ({ ...escalated, status: 'CLOSED', deadlineAt: undefined, version: 4 }) });
    useIdentityStore.setState({ identity: { openid: 'platform_1', role: 'PLATFORM' } });
    await open(escalated, 'platform');
    expect(bar()).toEqual(['驳回申请', '判定退款']);
    fireEvent.click(screen.getByRole('button', { name: '驳回申请' }));
    const s = sheet('平台处理方案');
    fireEvent.click(s.getByRole('button', { name: '确认驳回' }));
    await settle();
    expect(s.getByText(/请填写处理方案说明/)).toBeTruthy();
    fireEvent.change(document.querySelector('textarea[data-name="note"]') as HTMLTextAreaElement, { target: { value: '商家拒绝理由成立' } });
    fireEvent.click(s.getByRole('button', { name: '确认驳回' }));
    await settle();
    expect(calls('platform.decide')[0][1]).toEqual({ caseId: 'AS1', decision: 'REJECT', note: '商家拒绝理由成立' });
    expect(screen.getByText('已驳回买家申请')).toBeTruthy();
  });
});

describe('QC report (R15)', () => {
  it('uploads the shipping QC report under the merchant’s own prefix and adds it as qc_report evidence', async () => {
    const fresh = mcase({ items: [{ skuId: 'sku_crab', qty: 1 }], itemTitles: ['大闸蟹礼盒'] });
    (pickMedia as jest.Mock).mockResolvedValue([{ path: 'blob:qc', kind: 'image', size: 2048 }]);
    (prepareMedia as jest.Mock).mockImplementation(async (m) => ({ ...m, sha256: 'c'.repeat(64) }));
    (uploadEvidence as jest.Mock).mockImplementation(async (_m, openid: string, progress: (p: number) => void) => {
      progress(100);
      return { fileId: `local://evidence/${openid}/qc.jpg`, sha256: 'c'.repeat(64) };
    });
    serve({ 'merchant.addEvidence': (req) => ({ ...fresh, evidence: [...fresh.evidence, ...(req.evidence as []).map((e: object) => ({ ...e, by: 'MERCHANT' }))], version: 2 }) });
    await open(fresh);
    fireEvent.click(screen.getByText('上传质检报告'));
    const s = sheet('上传质检报告');
    fireEvent.click(s.getByRole('button', { name: '提交质检报告' }));
    await settle();
    expect(s.getByText('请先选择质检报告照片')).toBeTruthy();
    fireEvent.click(s.getByRole('button', { name: '＋ 选择照片' }));
    await settle();
    expect(uploadEvidence).toHaveBeenCalledWith(expect.objectContaining({ sha256: 'c'.repeat(64) }), MERCHANT_OPENID, expect.any(Function));
    fireEvent.click(s.getByRole('button', { name: '提交质检报告' }));
    await settle();
    expect(calls('merchant.addEvidence')[0][1]).toEqual({
      caseId: 'AS1',
      evidence: [{ fileId: `local://evidence/${MERCHANT_OPENID}/qc.jpg`, kind: 'image', sha256: 'c'.repeat(64), tag: 'qc_report' }],
    });
    expect(screen.getByText('质检报告已上传')).toBeTruthy();
    expect(screen.getByText('商家提供')).toBeTruthy();
  });

  it('R22 per party: a buyer’s 9 photos never block the shop’s QC report (they used to leave it no room)', async () => {
    const photos = Array.from({ length: 9 }, (_, i) => ({
      fileId: `local://evidence/${BUYER_OPENID}/p${i}.jpg`,
      kind: 'image' as const,
      sha256: 'a'.repeat(64),
      by: 'BUYER' as const,
    }));
    (pickMedia as jest.Mock).mockResolvedValue([]);
    await open(mcase({ evidence: photos }));
    fireEvent.click(screen.getByText('上传质检报告'));
    const s = sheet('上传质检报告');
    expect(s.getByText('还可上传 9 张')).toBeTruthy();
    fireEvent.click(s.getByRole('button', { name: '＋ 选择照片' }));
    await settle();
    expect(pickMedia).toHaveBeenCalledWith(9, 0);
  });
});
