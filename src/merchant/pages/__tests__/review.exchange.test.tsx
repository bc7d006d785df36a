/** The review page on an exchange (SPEC §5): 同意换货 without money, 发出换货 and 无货转退款. */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { ActionName } from '../../../../types/api';
import type { AfterSaleCase } from '../../../../types/domain';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { callAfterSale } from '../../../services/cloud';
import { useIdentityStore } from '../../../stores/identity';
import { MERCHANT_OPENID, NOW, mcase, morder, settingsView } from '../../__fixtures__/cases';
import { usePanelStore } from '../../stores/panel';
import { useReviewStore } from '../../stores/review';
import { useShopStore } from '../../stores/shop';
import ReviewPage from '../review/index';
import { HOUR_MS } from '../../../core/time';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../components/Sheet', () => jest.requireActual('../../__fixtures__/standins').sheetModule);

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
type Handler = (req: Record<string, unknown>) => unknown;
let current: AfterSaleCase;

function serve(handlers: Partial<Record<ActionName, Handler>> = {}) {
  call.mockImplementation(((action: ActionName, req: Record<string, unknown>) => {
    const defaults: Partial<Record<ActionName, Handler>> = {
      'merchant.get': () => ({ ...current, order: morder() }),
      'merchant.settings.get': () => settingsView(),
    };
    const h = handlers[action] ?? defaults[action];
    if (!h) return Promise.reject(new Error(`unexpected ${action}`));
    return Promise.resolve(h(req));
  }) as typeof callAfterSale);
}

const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const bar = () => Array.from(document.querySelectorAll('.review__btn')).map((b) => b.textContent);
const sheet = (name: string) => within(screen.getByRole('dialog', { name }));
const input = (name: string) => document.querySelector(`[data-name="${name}"]`) as HTMLInputElement;

function exchange(over: Partial<AfterSaleCase> = {}): AfterSaleCase {
  return mcase({ type: 'EXCHANGE', reason: 'NO_REASON', amountFen: 0, feeFen: 0, feeBearer: 'NONE', exchangeNote: '换成蓝色', ...over });
}

async function open(c: AfterSaleCase) {
  current = c;
  setRouterParams({ id: c._id });
  render(<ReviewPage />);
  await settle();
  await settle();
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

describe('review page: an exchange', () => {
  it('a pending exchange offers 拒绝 and 同意换货, no 协商退款; approval sends no refund method nor compensation', async () => {
    serve({ 'merchant.approve': () => ({ ...current, status: 'AWAITING_RETURN', version: 2, deadlineAt: NOW + 7 * 24 * HOUR_MS }) });
    await open(exchange());
    expect(screen.getByText('换成：换成蓝色')).toBeTruthy();
    expect(bar()).toEqual(['拒绝', '同意换货']);
    fireEvent.click(screen.getByRole('button', { name: '同意换货' }));
    const s = sheet('同意换货');
    expect(s.queryByText('退款方式')).toBeNull();
    expect(s.queryByText('补偿金额（可选）')).toBeNull();
    fireEvent.click(s.getByRole('button', { name: '确认同意' }));
    await settle();
    const approve = call.mock.calls.find(([a]) => a === 'merchant.approve');
    expect(approve?.[1]).toEqual({ caseId: 'AS1' });
    expect(screen.getByText('已同意换货，等待买家退货')).toBeTruthy();
  });

  it('at AWAITING_RESHIP: 发出换货 sends the carrier and tracking number; a short one stays in the sheet', async () => {
    const waiting = exchange({ status: 'AWAITING_RESHIP', returnReceivedAt: NOW - HOUR_MS, deadlineAt: NOW + 70 * HOUR_MS });
    serve({ 'merchant.reship': (req) => ({ ...waiting, status: 'RESHIPPED', version: 5, reship: { company: req.company as string, trackingNo: req.trackingNo as string, at: NOW }, deadlineAt: NOW + 240 * HOUR_MS }) });
    await open(waiting);
    expect(bar()).toEqual(['无货转退款', '发出换货']);
    expect(screen.getByText(/内未发出换货将自动转退款/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '发出换货' }));
    const s = sheet('发出换货');
    expect(s.getByText('买家要换：换成蓝色')).toBeTruthy();
    fireEvent.change(input('company'), { target: { value: '顺丰速运' } });
    fireEvent.change(input('trackingNo'), { target: { value: 'SF1' } });
    fireEvent.click(s.getByRole('button', { name: '确认发出' }));
    await settle();
    expect(call.mock.calls.filter(([a]) => a === 'merchant.reship')).toHaveLength(0);
    expect(s.getByText(/请填写完整的快递单号/)).toBeTruthy();
    fireEvent.change(input('trackingNo'), { target: { value: 'SF1234567890' } });
    fireEvent.click(s.getByRole('button', { name: '确认发出' }));
    await settle();
    expect(call.mock.calls.find(([a]) => a === 'merchant.reship')?.[1]).toEqual({ caseId: 'AS1', company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(screen.getByText('已发出换货')).toBeTruthy();
  });

  it('无货转退款 needs a reason and says the refund that follows', async () => {
    const waiting = exchange({ status: 'AWAITING_RESHIP', returnReceivedAt: NOW - HOUR_MS, deadlineAt: NOW + 70 * HOUR_MS });
    serve({
      'merchant.convertToRefund': () => ({
        ...waiting,
        status: 'REFUNDING',
        version: 5,
        approvedFen: 4900,
        convertedAt: NOW,
        deadlineAt: undefined,
        refunds: [{ outRefundNo: 'AS1-1', amountFen: 4900, status: 'PROCESSING', at: NOW, method: 'ORIGINAL' }],
      }),
    });
    await open(waiting);
    fireEvent.click(screen.getByRole('button', { name: '无货转退款' }));
    const s = sheet('无货转退款');
    fireEvent.click(s.getByRole('button', { name: '确认转为退款' }));
    await settle();
    expect(call.mock.calls.filter(([a]) => a === 'merchant.convertToRefund')).toHaveLength(0);
    fireEvent.input(input('note'), { target: { value: '蓝色已售罄' } });
    fireEvent.change(input('note'), { target: { value: '蓝色已售罄' } });
    fireEvent.click(s.getByRole('button', { name: '确认转为退款' }));
    await settle();
    expect(call.mock.calls.find(([a]) => a === 'merchant.convertToRefund')?.[1]).toEqual({ caseId: 'AS1', note: '蓝色已售罄' });
    expect(screen.getByText('已转为退款，退款 ¥49.00 处理中')).toBeTruthy();
  });

  it('the platform\'s 判定换货 sends no amount', async () => {
    const escalated = exchange({ status: 'ESCALATED', escalatedAt: NOW - HOUR_MS, rejection: { reasonCode: 'OTHER', note: '不支持', at: NOW - 2 * HOUR_MS } });
    serve({ 'platform.get': () => ({ ...current, order: morder() }), 'platform.decide': () => ({ ...escalated, status: 'AWAITING_RETURN', version: 4, overturned: true }) });
    useIdentityStore.setState({ identity: { openid: 'platform_1', role: 'PLATFORM' } });
    current = escalated;
    setRouterParams({ id: escalated._id, as: 'platform' });
    render(<ReviewPage />);
    await settle();
    await settle();
    fireEvent.click(screen.getByRole('button', { name: '判定换货' }));
    const s = sheet('平台处理方案');
    expect(s.queryByText('退款金额（可选）')).toBeNull();
    fireEvent.change(input('note'), { target: { value: '吊牌完好，支持换货' } });
    fireEvent.click(s.getAllByRole('button').at(-1) as HTMLElement);
    await settle();
    expect(call.mock.calls.find(([a]) => a === 'platform.decide')?.[1]).toEqual({ caseId: 'AS1', decision: 'APPROVE', note: '吊牌完好，支持换货' });
    expect(screen.getByText('已裁定支持换货，等待买家退货')).toBeTruthy();
  });
});
