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

describe('review page: SPEC §6 (issue 17)', () => {
  it('shows the conversation and sends the shop’s reply', async () => {
    const c = mcase({ messages: [{ at: NOW - 60_000, from: 'BUYER', text: '杯口裂纹的照片发您了' }] });
    const sent: Record<string, unknown>[] = [];
    serve({
      message: (req) => {
        sent.push(req);
        return { ...current, version: current.version + 1, messages: [...current.messages, { at: NOW, from: 'MERCHANT', text: String(req.text) }] };
      },
    });
    await open(c);
    expect(screen.getByText('协商记录')).toBeTruthy();
    expect(screen.getByText('杯口裂纹的照片发您了')).toBeTruthy();
    fireEvent.input(document.querySelector('textarea.talk__input') as HTMLTextAreaElement, { target: { value: '收到，马上处理' } });
    fireEvent.click(screen.getByRole('button', { name: '发送' }));
    await settle();
    await settle();
    expect(sent).toEqual([{ caseId: c._id, text: '收到，马上处理' }]);
    expect(Array.from(document.querySelectorAll('.talk__row--mine')).map((r) => r.textContent).at(-1)).toMatch(/收到，马上处理$/);
  });

  it('请买家补充凭证 sends the note and shows that the shop is waiting for it', async () => {
    const c = mcase();
    const sent: Record<string, unknown>[] = [];
    serve({
      'merchant.requestEvidence': (req) => {
        sent.push(req);
        return { ...current, version: current.version + 1, evidenceRequest: { at: NOW, note: String(req.note) } };
      },
    });
    await open(c);
    fireEvent.click(screen.getAllByText('请买家补充凭证')[0]);
    await settle();
    fireEvent.click(screen.getByText('请补充开箱视频'));
    fireEvent.click(sheet('请买家补充凭证').getByRole('button', { name: '发送给买家' }));
    await settle();
    await settle();
    expect(sent).toEqual([{ caseId: c._id, note: '请补充开箱视频' }]);
    expect(screen.getByText('已请买家补充凭证，等待买家上传')).toBeTruthy();
  });

  it('lists the buyer’s earlier cases with this shop', async () => {
    const c = mcase();
    serve({
      'merchant.get': () => ({
        ...current,
        order: morder(),
        buyerCases: [{ _id: 'AS0', orderId: 'order_0', type: 'REFUND_ONLY', reason: 'NO_REASON', status: 'REFUNDED', amountFen: 1_200, approvedFen: 1_200, itemTitles: ['茶杯'], createdAt: NOW - 10 * 86_400_000 }],
      }),
    });
    await open(c);
    expect(screen.getByText('该买家在本店的其他售后（1）')).toBeTruthy();
    expect(screen.getByText(/茶杯 · ¥12.00/)).toBeTruthy();
  });

  it('the platform sees what both sides added and talks on an escalated case', async () => {
    const c = mcase({ status: 'ESCALATED', escalatedAt: NOW - 1_000, deadlineAt: NOW + 86_400_000, messages: [{ at: NOW - 5_000, from: 'MERCHANT', text: '发货前已质检' }] });
    useIdentityStore.setState({ identity: { openid: 'o_platform', role: 'PLATFORM' } });
    await open(c, 'platform');
    expect(screen.getByText('发货前已质检')).toBeTruthy();
    expect(screen.getByRole('button', { name: '发送' })).toBeTruthy();
    expect(screen.queryByText('请买家补充凭证')).toBeNull();
  });
});
