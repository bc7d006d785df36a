import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ActionName, PendingInvite } from '../../../../types/api';
import { resetTaroMock } from '../../../../test/taro/taro';
import { callAfterSale } from '../../../services/cloud';
import { MERCHANT_OPENID, NOW } from '../../__fixtures__/cases';
import TeamPage from '../team/index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const modal = Taro.showModal as unknown as jest.Mock;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const calls = (action: ActionName) => call.mock.calls.filter(([a]) => a === action);

const HOUR = 60 * 60 * 1000;
const older: PendingInvite = { id: 'inv_older', hint: 'K7Q', createdAt: NOW - 3 * HOUR, expiresAt: NOW + 21 * HOUR };
const newer: PendingInvite = { id: 'inv_newer', hint: 'M2P', createdAt: NOW - HOUR, expiresAt: NOW + 23 * HOUR };
let pending: PendingInvite[];

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  pending = [newer, older];
  call.mockImplementation((async (action: ActionName, req: unknown) => {
    if (action === 'merchant.staff.list') return { members: [{ openid: MERCHANT_OPENID, role: 'OWNER' }] };
    if (action === 'merchant.invites') return { invites: pending };
    if (action === 'merchant.revokeInvite') {
      pending = pending.filter((i) => i.id !== (req as { id: string }).id);
      return { invites: pending };
    }
    if (action === 'merchant.invite') {
      const fresh: PendingInvite = { id: 'inv_fresh', hint: 'XYZ', createdAt: NOW, expiresAt: NOW + 24 * HOUR };
      pending = [fresh, ...pending];
      return { code: 'ABCD-EFGH-JKXYZ', expiresAt: fresh.expiresAt };
    }
    throw new Error(`unexpected ${action}`);
  }) as typeof callAfterSale);
});
afterEach(() => jest.restoreAllMocks());

describe('team: pending invites', () => {
  it('lists the invites not yet accepted, newest first, by the code’s last characters', async () => {
    render(<TeamPage />);
    await settle();
    expect(screen.getByText('待接受的邀请')).toBeTruthy();
    const rows = screen.getAllByText(/^邀请码尾号 /).map((n) => n.textContent);
    expect(rows).toEqual(['邀请码尾号 M2P', '邀请码尾号 K7Q']);
    expect(screen.getAllByRole('button', { name: '撤销' })).toHaveLength(2);
  });

  it('revokes one after the owner confirms, and keeps it when the owner cancels', async () => {
    render(<TeamPage />);
    await settle();
    modal.mockResolvedValueOnce({ confirm: false, cancel: true, content: '' });
    fireEvent.click(screen.getAllByRole('button', { name: '撤销' })[1]);
    await settle();
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '撤销这个邀请码？', content: expect.stringContaining('尾号 K7Q') }));
    expect(calls('merchant.revokeInvite')).toHaveLength(0);
    expect(screen.getByText('邀请码尾号 K7Q')).toBeTruthy();

    fireEvent.click(screen.getAllByRole('button', { name: '撤销' })[1]);
    await settle();
    expect(calls('merchant.revokeInvite')).toEqual([['merchant.revokeInvite', { id: 'inv_older' }]]);
    expect(screen.queryByText('邀请码尾号 K7Q')).toBeNull();
    expect(screen.getByText('邀请码尾号 M2P')).toBeTruthy();
  });

  it('shows the empty state when nothing waits, and a new invite joins the list at once', async () => {
    pending = [];
    render(<TeamPage />);
    await settle();
    expect(screen.getByText('没有待接受的邀请码')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '生成邀请码' }));
    await settle();
    expect(screen.getByText('ABCD-EFGH-JKXYZ')).toBeTruthy();
    expect(screen.getByText('邀请码尾号 XYZ')).toBeTruthy();
    expect(screen.queryByText('没有待接受的邀请码')).toBeNull();
  });
});
