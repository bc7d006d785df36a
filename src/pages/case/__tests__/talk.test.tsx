/** The buyer's case page, SPEC §6 and issue 17: the progress bar, the conversation, proof after a rejection, 修改申请. */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerOrder } from '../../../../test/taro/buyerFixtures';
import type { AfterSaleCase } from '../../../../types/domain';
import { appendHistory } from '../../../core/chain';
import { caseSteps, refundNote } from '../../../components/CaseSteps/steps';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import { callAfterSale } from '../../../services/cloud';
import { useCasesStore } from '../../../stores/cases';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import CasePage from '../index';
import { modifyRequest } from '../parts/ModifyForm';

jest.mock('../../../services/cloud', () => {
  const actual = jest.requireActual('../../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

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
  setRouterParams({ id: c._id });
  render(<CasePage />);
  await screen.findByText('申请信息');
  await settle();
}

const stepTexts = (state: string) => Array.from(document.querySelectorAll(`.steps__item--${state} .steps__label`)).map((e) => e.textContent);

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
});

describe('the progress bar', () => {
  it('a refund only: four steps, ending where the money went and when WeChat Pay says it arrives', () => {
    const paid = buyerCase({ status: 'REFUNDED', refunds: [{ outRefundNo: 'r1', amountFen: 5_000, status: 'SUCCESS', at: 1, settledAt: 2, method: 'ORIGINAL' }], approvedAt: 1 });
    const steps = caseSteps(paid, 'WECHAT');
    expect(steps?.map((s) => [s.label, s.state])).toEqual([
      ['提交申请', 'done'],
      ['商家处理', 'done'],
      ['退款中', 'done'],
      ['退款成功', 'done'],
    ]);
    expect(steps?.[2].sub).toBe('退回微信零钱');
    expect(steps?.[3].sub).toMatch(/^\d\d-\d\d \d\d:\d\d$/);
    // A step has room for the short arrival; the whole sentence is the note under the bar.
    const pending = buyerCase({ status: 'PENDING' });
    expect(caseSteps(pending, 'BANK_CARD')?.[3]).toMatchObject({ state: 'todo', sub: '1-3个工作日' });
    expect(refundNote(pending, 'BANK_CARD')).toBe('退款将原路退回原支付银行卡，一般1-3个工作日到账，以银行入账为准');
    expect(refundNote(paid, 'WECHAT')).toBeUndefined();
  });

  it('a return: six steps, the current one where the buyer is; a rejection is marked; a cancelled case has none', () => {
    const ship = caseSteps(buyerCase({ type: 'RETURN_REFUND', status: 'AWAITING_RETURN', approvedAt: 1 }), 'WECHAT');
    expect(ship?.map((s) => s.label)).toEqual(['提交申请', '商家处理', '寄回商品', '商家收货', '退款中', '退款成功']);
    expect(ship?.find((s) => s.state === 'now')?.label).toBe('寄回商品');
    const rejected = caseSteps(buyerCase({ status: 'REJECTED' }), 'WECHAT');
    expect(rejected?.[1]).toMatchObject({ label: '商家拒绝', state: 'fail' });
    expect(caseSteps(buyerCase({ status: 'CANCELLED' }), 'WECHAT')).toBeNull();
  });

  it('is on the page, with the destination under 退款中', async () => {
    const c = chained({ status: 'REFUNDING', approvedAt: Date.now() - HOUR_MS, refunds: [{ outRefundNo: 'r1', amountFen: 5_000, status: 'PROCESSING', at: Date.now(), method: 'ORIGINAL' }] });
    serve(c);
    await openCase(c);
    expect(screen.getByText('售后进度')).toBeTruthy();
    expect(stepTexts('done')).toEqual(['提交申请', '商家处理']);
    expect(stepTexts('now')).toEqual(['退款中']);
    expect(screen.getByText('退回微信零钱')).toBeTruthy();
  });
});

describe('the conversation', () => {
  it('sends a message and shows it as the buyer’s, the box emptied', async () => {
    const c = chained({ deadlineAt: Date.now() + 40 * HOUR_MS });
    const sent: Record<string, unknown>[] = [];
    serve(c, {
      message: async (req) => {
        sent.push(req);
        return { ...c, version: c.version + 1, messages: [...c.messages, { at: Date.now(), from: 'BUYER', text: String(req.text) }] };
      },
    });
    await openCase(c);
    const box = document.querySelector('textarea.talk__input') as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: '  请问什么时候处理？ ' } });
    fireEvent.click(screen.getByRole('button', { name: '发送' }));
    await settle();
    await settle();
    expect(sent).toEqual([{ caseId: c._id, text: '请问什么时候处理？' }]);
    const mine = Array.from(document.querySelectorAll('.talk__row--mine')).map((r) => r.textContent);
    expect(mine.at(-1)).toMatch(/^我 · .*请问什么时候处理？$/);
    expect((document.querySelector('textarea.talk__input') as HTMLTextAreaElement).value).toBe('');
  });

  it('a closed case shows the conversation without a box', async () => {
    const c = chained({ status: 'CLOSED', deadlineAt: undefined, messages: [{ at: Date.now(), from: 'MERCHANT', text: '已处理' }] });
    serve(c);
    await openCase(c);
    expect(screen.getByText('已处理')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '发送' })).toBeNull();
  });

  it('the shop’s request for proof is shown at the top with 补充凭证', async () => {
    const c = chained({ deadlineAt: Date.now() + 40 * HOUR_MS, evidenceRequest: { at: Date.now(), note: '请拍一张领口开线处的近照' } });
    serve(c);
    await openCase(c);
    expect(screen.getByText('商家请您补充凭证')).toBeTruthy();
    expect(screen.getAllByText('请拍一张领口开线处的近照').length).toBeGreaterThan(0);
    expect(screen.getAllByRole('button', { name: '补充凭证' }).length).toBeGreaterThan(0);
  });
});

describe('after a rejection: 补充凭证 and 修改申请', () => {
  const rejected = () =>
    chained({
      status: 'REJECTED',
      deadlineAt: Date.now() + 6 * DAY_MS,
      rejection: { reasonCode: 'NO_EVIDENCE', note: '请补充照片后重新申请', at: Date.now() - DAY_MS },
    });

  it('offers 补充凭证, 修改申请 and 申请平台介入 inside the window', async () => {
    const c = rejected();
    serve(c);
    await openCase(c);
    expect(screen.getAllByRole('button', { name: '补充凭证' }).length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: '修改申请' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '申请平台介入' })).toBeTruthy();
  });

  it('修改申请 sends only what changed and goes back to 待商家处理', async () => {
    const c = rejected();
    const sent: Record<string, unknown>[] = [];
    serve(c, {
      modify: async (req) => {
        sent.push(req);
        return { ...c, status: 'PENDING', amountFen: Number(req.amountFen), rejection: undefined, deadlineAt: Date.now() + 48 * HOUR_MS, version: c.version + 1 };
      },
    });
    await openCase(c);
    fireEvent.click(screen.getByRole('button', { name: '修改申请' }));
    await settle();
    const amount = document.querySelector('.modify input') as HTMLInputElement;
    expect(amount.value).toBe('98.00');
    fireEvent.input(amount, { target: { value: '40' } });
    fireEvent.click(screen.getByRole('button', { name: '提交修改' }));
    await settle();
    await settle();
    expect(sent).toEqual([{ caseId: c._id, amountFen: 4_000 }]);
    expect(screen.getByText('待商家处理')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '提交修改' })).toBeNull();
  });

  it('a form that changes nothing is not sent', () => {
    const c = buyerCase({});
    expect(modifyRequest(c, { reason: c.reason, amountText: '98.00', description: c.description, evidence: [] })).toEqual({ ok: false, message: '您还没有修改任何内容' });
    expect(modifyRequest(c, { reason: 'OTHER', amountText: '98', description: ` ${c.description} `, evidence: [] })).toEqual({ ok: true, req: { caseId: c._id, reason: 'OTHER' } });
    expect(modifyRequest(c, { reason: c.reason, amountText: 'abc', description: c.description, evidence: [] }).ok).toBe(false);
  });
});
