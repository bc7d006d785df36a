import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { ActionName } from '../../../../types/api';
import type { AfterSaleCase } from '../../../../types/domain';
import { resetTaroMock, triggerPageScroll, triggerPullDownRefresh, triggerReachBottom } from '../../../../test/taro/taro';
import { CASE_STATUS_LABELS } from '../../../components/labels';
import { CATALOGUE } from '../../../core/errors';
import { HOUR_MS } from '../../../core/time';
import { CloudError, callAfterSale } from '../../../services/cloud';
import { useIdentityStore } from '../../../stores/identity';
import { MERCHANT_OPENID, NOW, mcase, pendingCases, settingsView } from '../../__fixtures__/cases';
import { usePanelStore } from '../../stores/panel';
import { useShopStore } from '../../stores/shop';
import PanelPage, { PANEL_POLL_MS } from '../panel/index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../../components/StatusTabs', () => jest.requireActual('../../__fixtures__/standins').statusTabsModule);
jest.mock('../../components/Sheet', () => jest.requireActual('../../__fixtures__/standins').sheetModule);

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
type Handler = (req: Record<string, unknown>) => unknown;

function serve(handlers: Partial<Record<ActionName, Handler>>) {
  call.mockImplementation(((action: ActionName, req: Record<string, unknown>) => {
    const h = handlers[action] ?? (action === 'merchant.settings.get' ? () => settingsView() : undefined);
    if (!h) return Promise.reject(new Error(`unexpected ${action}`));
    try {
      return Promise.resolve(h(req));
    } catch (e) {
      return Promise.reject(e);
    }
  }) as typeof callAfterSale);
}

const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const rowIds = () => Array.from(document.querySelectorAll('[data-case-id]')).map((el) => el.getAttribute('data-case-id'));
const calls = (action: ActionName) => call.mock.calls.filter(([a]) => a === action);

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  usePanelStore.getState().reset();
  useShopStore.getState().reset();
  useIdentityStore.setState({ identity: { openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' } });
});
afterEach(() => jest.restoreAllMocks());

describe('panel: 待审核 in the server order, pages appended after it', () => {
  it('opens on 待审核, soonest auto-approval first, and appends the next page after the rows shown', async () => {
    serve({
      'merchant.list': (req) => (req.cursor ? { items: pendingCases(3, 20), nextCursor: null } : { items: pendingCases(20), nextCursor: 'p2' }),
    });
    render(<PanelPage />);
    await settle();
    expect(screen.getByRole('tab', { name: '待审核' }).getAttribute('aria-selected')).toBe('true');
    expect(calls('merchant.list')[0][1]).toEqual({ status: 'PENDING', limit: 20 });
    expect(rowIds().slice(0, 3)).toEqual(['AS0000', 'AS0001', 'AS0002']);

    act(() => triggerReachBottom());
    await settle();
    expect(calls('merchant.list')[1][1]).toEqual({ status: 'PENDING', cursor: 'p2', limit: 20 });
    const items = usePanelStore.getState().lists.PENDING.items.map((c) => c._id);
    expect(items).toEqual(pendingCases(23).map((c) => c._id));
    act(() => triggerPageScroll(23 * 124));
    expect(rowIds()).toContain('AS0022');
    expect(screen.getByText('已显示全部 23 单')).toBeTruthy();
  });

  it('shows a new case at the top of 待审核 when the server puts it there, after pull to refresh', async () => {
    let first = pendingCases(2);
    serve({ 'merchant.list': () => ({ items: first, nextCursor: null }) });
    render(<PanelPage />);
    await settle();
    expect(rowIds()).toEqual(['AS0000', 'AS0001']);
    first = [mcase({ _id: 'AS_NEW', deadlineAt: NOW + 60_000 - 1 }), ...first];
    act(() => triggerPullDownRefresh());
    await settle();
    expect(rowIds()).toEqual(['AS_NEW', 'AS0000', 'AS0001']);
    expect(Taro.stopPullDownRefresh).toHaveBeenCalled();
  });

  it('switches tabs to their own status filter; 全部 lists every status and names each', async () => {
    serve({ 'merchant.list': (req) => ({ items: [mcase({ _id: `X_${String(req.status)}`, status: (req.status as AfterSaleCase['status']) ?? 'REFUNDED' })], nextCursor: null }) });
    render(<PanelPage />);
    await settle();
    fireEvent.click(screen.getByRole('tab', { name: '退款失败' }));
    await settle();
    expect(calls('merchant.list').at(-1)?.[1]).toEqual({ status: 'REFUND_FAILED', limit: 20 });
    fireEvent.click(screen.getByRole('tab', { name: '全部' }));
    await settle();
    expect(calls('merchant.list').at(-1)?.[1]).toEqual({ status: undefined, limit: 20 });
    expect(screen.getByText(CASE_STATUS_LABELS.REFUNDED)).toBeTruthy();
  });
});

describe('lists that stay fresh (issue 17 item 2)', () => {
  /** 待审核 answers with whatever `pending` holds when asked; every other tab with nothing. */
  function servePending(pending: AfterSaleCase[]) {
    serve({ 'merchant.list': (req) => ({ items: req.status === 'PENDING' ? [...pending] : [], nextCursor: null }) });
  }

  it('shows a case that arrived while another tab was open on returning to 待审核, without a reload', async () => {
    const pending = [mcase({ _id: 'OLD_1' })];
    servePending(pending);
    render(<PanelPage />);
    await settle();
    fireEvent.click(screen.getByRole('tab', { name: '退款失败' }));
    await settle();
    pending.unshift(mcase({ _id: 'NEW_1' }));
    fireEvent.click(screen.getByRole('tab', { name: '待审核' }));
    await settle();
    expect(rowIds()).toEqual(['NEW_1', 'OLD_1']);
  });

  it('asks again by itself while left open, and shows the new case', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    try {
      const pending = [mcase({ _id: 'OLD_2' })];
      servePending(pending);
      render(<PanelPage />);
      await act(() => jest.advanceTimersByTimeAsync(0));
      expect(rowIds()).toEqual(['OLD_2']);
      const asked = calls('merchant.list').length;
      pending.unshift(mcase({ _id: 'NEW_2' }));
      await act(() => jest.advanceTimersByTimeAsync(PANEL_POLL_MS - 1));
      expect(calls('merchant.list')).toHaveLength(asked);
      await act(() => jest.advanceTimersByTimeAsync(1));
      expect(calls('merchant.list')).toHaveLength(asked + 1);
      expect(rowIds()).toEqual(['NEW_2', 'OLD_2']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('panel countdown', () => {
  it('is red under 6 hours and not at exactly 6 hours', async () => {
    serve({
      'merchant.list': () => ({
        items: [
          mcase({ _id: 'SOON', deadlineAt: NOW + 6 * HOUR_MS - 60_000 }),
          mcase({ _id: 'EXACT', deadlineAt: NOW + 6 * HOUR_MS }),
          mcase({ _id: 'LATER', deadlineAt: NOW + 30 * HOUR_MS }),
        ],
        nextCursor: null,
      }),
    });
    const { container } = render(<PanelPage />);
    await settle();
    const deadline = (id: string) => container.querySelector(`[data-case-id="${id}"] .case-row__deadline`) as HTMLElement;
    expect(deadline('SOON').textContent).toBe('5小时59分后自动同意');
    expect(deadline('SOON').className).toContain('case-row__deadline--urgent');
    expect(deadline('EXACT').textContent).toBe('6小时0分后自动同意');
    expect(deadline('EXACT').className).not.toContain('urgent');
    expect(deadline('LATER').className).not.toContain('urgent');
  });

  it('shows amount, reason, goods and the risk and tier badges on each row', async () => {
    serve({
      'merchant.list': () => ({
        items: [mcase({ _id: 'R1', amountFen: 52_000, tier: 'LEGAL', evidence: [], suggestion: { reason: 'QUALITY', confidence: 0.4, decision: 'ASK_EVIDENCE', why: [] } })],
        nextCursor: null,
      }),
    });
    const { container } = render(<PanelPage />);
    await settle();
    const row = within(container.querySelector('[data-case-id="R1"]') as HTMLElement);
    expect(row.getByText('¥520.00')).toBeTruthy();
    expect(row.getByText('仅退款 · 质量问题')).toBeTruthy();
    expect(row.getByText('陶瓷马克杯 ×1')).toBeTruthy();
    expect(['法律纠纷', '大额', '建议补凭证'].every((t) => row.queryByText(t))).toBe(true);
  });
});

describe('panel virtual list', () => {
  it('keeps 1,000 pending cases to a bounded number of rows and nodes, following the scroll', async () => {
    serve({ 'merchant.list': () => ({ items: pendingCases(1000), nextCursor: null }) });
    const { container } = render(<PanelPage />);
    await settle();
    expect(usePanelStore.getState().lists.PENDING.items).toHaveLength(1000);
    expect(rowIds().length).toBeLessThanOrEqual(14);
    expect(container.querySelectorAll('*').length).toBeLessThan(300);
    const list = container.querySelector('#panel-list') as HTMLElement;
    expect(list.style.height).toBe(`${1000 * 124}px`);

    act(() => triggerPageScroll(600 * 124));
    expect(rowIds()[0]).toBe('AS0597');
    expect(rowIds()).toContain('AS0605');
    expect(rowIds().length).toBeLessThanOrEqual(14);
    expect(container.querySelectorAll('*').length).toBeLessThan(300);
  });
});

describe('batch approve', () => {
  it('approves the ticked rows after one confirmation and sums up each row', async () => {
    // AS0001 was cancelled by its buyer a moment ago: the server no longer lists it as pending.
    let pending = pendingCases(3);
    serve({
      'merchant.list': () => ({ items: pending, nextCursor: null }),
      'merchant.approve': (req) => {
        pending = pending.filter((c) => c._id !== req.caseId);
        if (req.caseId === 'AS0001') throw new CloudError({ code: 'CASE_STATE_CHANGED', ...CATALOGUE.CASE_STATE_CHANGED });
        return mcase({ _id: String(req.caseId), status: 'REFUNDING', version: 2 });
      },
    });
    render(<PanelPage />);
    await settle();
    const ticks = screen.getAllByRole('checkbox', { name: '选择此售后单' });
    fireEvent.click(ticks[0]);
    fireEvent.click(ticks[1]);
    fireEvent.click(screen.getByRole('button', { name: '批量同意（2）' }));
    await settle();
    await settle();

    expect(Taro.showModal).toHaveBeenCalledTimes(1);
    expect((Taro.showModal as jest.Mock).mock.calls[0][0]).toMatchObject({ title: '批量同意 2 单退款', content: expect.stringContaining('¥20.01') });
    expect(calls('merchant.approve').map(([, r]) => r)).toEqual([
      { caseId: 'AS0000', refundMethod: 'ORIGINAL' },
      { caseId: 'AS0001', refundMethod: 'ORIGINAL' },
    ]);
    const sheet = within(screen.getByRole('dialog'));
    expect(sheet.getByText('已同意 1 单，1 单未处理')).toBeTruthy();
    expect(sheet.getByText('已同意，退款处理中')).toBeTruthy();
    expect(sheet.getByText(CATALOGUE.CASE_STATE_CHANGED.message)).toBeTruthy();
    expect(sheet.getByText(CATALOGUE.CASE_STATE_CHANGED.solution)).toBeTruthy();
    expect(rowIds()).toEqual(['AS0002']);
    expect(usePanelStore.getState().selected).toEqual([]);
  });

  it('selects every pending case by tapping the words 「全选」, not only the circle, and clears them the same way', async () => {
    serve({ 'merchant.list': () => ({ items: pendingCases(3), nextCursor: null }) });
    render(<PanelPage />);
    await settle();
    fireEvent.click(screen.getByText('全选', { selector: '.panel__bar-count' }));
    expect(usePanelStore.getState().selected).toEqual(['AS0000', 'AS0001', 'AS0002']);
    expect(screen.getByText('已选 3 单')).toBeTruthy();
    expect(screen.getByRole('button', { name: '批量同意（3）' })).toBeTruthy();
    fireEvent.click(screen.getByText('已选 3 单'));
    expect(usePanelStore.getState().selected).toEqual([]);
    // The circle still works on its own, once per tap.
    fireEvent.click(screen.getByRole('checkbox', { name: '全选' }));
    expect(usePanelStore.getState().selected).toHaveLength(3);
  });

  it('does nothing when the confirmation is cancelled', async () => {
    serve({ 'merchant.list': () => ({ items: pendingCases(2), nextCursor: null }) });
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    render(<PanelPage />);
    await settle();
    fireEvent.click(screen.getAllByRole('checkbox', { name: '选择此售后单' })[0]);
    fireEvent.click(screen.getByRole('button', { name: '批量同意（1）' }));
    await settle();
    expect(calls('merchant.approve')).toHaveLength(0);
  });
});

describe('panel states', () => {
  it('shows the error with its solution and retries', async () => {
    let fail = true;
    serve({
      'merchant.list': () => {
        if (fail) throw new CloudError({ code: 'FORBIDDEN', ...CATALOGUE.FORBIDDEN });
        return { items: [], nextCursor: null };
      },
    });
    render(<PanelPage />);
    await settle();
    expect(screen.getByText(CATALOGUE.FORBIDDEN.message)).toBeTruthy();
    expect(screen.getByText(CATALOGUE.FORBIDDEN.solution)).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: '重新加载' }));
    await settle();
    expect(screen.getByText('没有待审核的售后申请，新申请会出现在这里')).toBeTruthy();
  });

  it('shows the R5 banner with the seed fix while the merchant account is not verified', async () => {
    serve({ 'merchant.list': () => ({ items: [], nextCursor: null }), 'merchant.settings.get': () => settingsView({ verified: false }) });
    render(<PanelPage />);
    await settle();
    expect(screen.getByText('商户号未完成实名认证，同意后的退款暂时无法打款')).toBeTruthy();
    expect(screen.getByText(/立即补全企业资质，完成微信支付商户号实名认证/)).toBeTruthy();
  });

  it('explains the R5 fix when its banner is tapped', async () => {
    serve({ 'merchant.list': () => ({ items: [], nextCursor: null }), 'merchant.settings.get': () => settingsView({ verified: false }) });
    render(<PanelPage />);
    await settle();
    fireEvent.click(screen.getByText('商户号未完成实名认证，同意后的退款暂时无法打款'));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '如何完成商户号实名认证', content: expect.stringContaining('自动重新发起') }));
  });

  it('asks for its list and the shop alongside whoami on a first visit, and only once', async () => {
    useIdentityStore.setState({ identity: undefined, error: undefined });
    let answerWhoami: (v: unknown) => void = () => undefined;
    serve({
      whoami: () => new Promise((r) => (answerWhoami = r)),
      'merchant.list': () => ({ items: pendingCases(2), nextCursor: null }),
    });
    render(<PanelPage />);
    await settle();
    // whoami has not answered: the gate still waits, yet the list and the settings are on their way.
    expect(calls('whoami')).toHaveLength(1);
    expect(calls('merchant.list')).toEqual([['merchant.list', { status: 'PENDING', limit: 20 }]]);
    expect(calls('merchant.settings.get')).toHaveLength(1);
    expect(rowIds()).toEqual([]);
    await act(async () => answerWhoami({ openid: MERCHANT_OPENID, role: 'OWNER', shopId: 'shop_1' }));
    await settle();
    expect(rowIds()).toEqual(['AS0000', 'AS0001']);
    expect(calls('merchant.list')).toHaveLength(1);
    expect(calls('merchant.settings.get')).toHaveLength(1);
    expect(screen.queryByText('正在刷新…')).toBeNull();
    // Later loads ask again as before.
    act(() => triggerPullDownRefresh());
    await settle();
    expect(calls('merchant.list')).toHaveLength(2);
  });

  it('shows a buyer on a first visit the gate, not the FORBIDDEN of the list asked alongside whoami', async () => {
    useIdentityStore.setState({ identity: undefined, error: undefined });
    serve({
      whoami: () => ({ openid: 'buyer_1', role: 'BUYER' }),
      'merchant.list': () => {
        throw new CloudError({ code: 'FORBIDDEN', ...CATALOGUE.FORBIDDEN });
      },
      'merchant.settings.get': () => {
        throw new CloudError({ code: 'FORBIDDEN', ...CATALOGUE.FORBIDDEN });
      },
    });
    render(<PanelPage />);
    await settle();
    expect(screen.getByText('售后处理台仅对店主、店铺客服开放')).toBeTruthy();
    expect(screen.queryByText(CATALOGUE.FORBIDDEN.message)).toBeNull();
  });

  it('tells a buyer this page is for shop staff', async () => {
    useIdentityStore.setState({ identity: { openid: 'buyer_1', role: 'BUYER' } });
    serve({});
    render(<PanelPage />);
    await settle();
    expect(screen.getByText('售后处理台仅对店主、店铺客服开放')).toBeTruthy();
    expect(calls('merchant.list')).toHaveLength(0);
  });
});
