/**
 * Issue 14: the owner sees and revokes pending staff invites (`merchant.invites`, `merchant.revokeInvite`),
 * over HTTP on either backend (jest projects `server` and `cloud-sim`). Only unused, unexpired codes are
 * listed, each by its id, its last characters and its times, never the code; a revoked code cannot be
 * redeemed; a code redeemed first cannot be revoked.
 */
import { HOUR_MS } from '../../src/core/time';
import { TEST_BACKEND } from '../support/host';
import { ok, type HttpReply } from '../support/http';
import { OTHER_OWNER, OWNER, SHOP, Stage, STAFF } from './support';

jest.setTimeout(120_000);

let stage: Stage;
beforeAll(async () => {
  stage = await Stage.inProcess();
});
afterAll(() => stage?.stop());

function outcome(r: HttpReply): string {
  return r.body.ok ? 'ok' : `${r.body.error.code}${r.body.error.field ? ` ${r.body.error.field}` : ''}`;
}

test(`the owner lists pending invites without their codes, and a revoked one cannot be redeemed (${TEST_BACKEND})`, async () => {
  expect(ok(await stage.api.call(OWNER, 'merchant.invites', {})).invites).toEqual([]);
  const t = await stage.now();
  const first = ok(await stage.api.call(OWNER, 'merchant.invite', { role: 'STAFF' }));
  ok(await stage.api.dev.clock(t + HOUR_MS));
  const second = ok(await stage.api.call(OWNER, 'merchant.invite', { role: 'STAFF' }));
  const listed = ok(await stage.api.call(OWNER, 'merchant.invites', {}));
  expect(listed.invites).toHaveLength(2);
  // Newest first; the hint is the code's end; nothing of the list is the code itself.
  const [b, a] = listed.invites;
  expect(b).toEqual({ id: expect.any(String), hint: second.code.replace(/-/g, '').slice(-3), createdAt: expect.any(Number), expiresAt: second.expiresAt });
  expect(a).toMatchObject({ hint: first.code.replace(/-/g, '').slice(-3), expiresAt: first.expiresAt });
  expect(JSON.stringify(listed)).not.toContain(first.code);
  expect(JSON.stringify(listed)).not.toContain(first.code.replace(/-/g, ''));

  // Other shops' owners and the shop's staff see nothing of it (the access table: OWNER of the caller's shop).
  expect(ok(await stage.api.call(OTHER_OWNER, 'merchant.invites', {})).invites).toEqual([]);
  expect(outcome(await stage.api.call(OTHER_OWNER, 'merchant.revokeInvite', { id: a.id }))).toBe('INVALID_INPUT id');
  expect(outcome(await stage.api.call(STAFF, 'merchant.revokeInvite', { id: a.id }))).toBe('FORBIDDEN');

  const after = ok(await stage.api.call(OWNER, 'merchant.revokeInvite', { id: a.id }));
  expect(after.invites.map((i) => i.id)).toEqual([b.id]);
  expect(outcome(await stage.api.call('oRevokedJoiner', 'merchant.join', { code: first.code }))).toBe('INVALID_INPUT code');
  expect(ok(await stage.api.call('oRevokedJoiner', 'whoami', {})).role).toBe('BUYER');
  expect(outcome(await stage.api.call(OWNER, 'merchant.revokeInvite', { id: a.id }))).toBe('INVALID_INPUT id');

  // Redeemed, it leaves the list and can no longer be revoked; an expired one is not listed.
  expect(ok(await stage.api.call('oJoinsFirst', 'merchant.join', { code: second.code })).shopId).toBe(SHOP);
  expect(ok(await stage.api.call(OWNER, 'merchant.invites', {})).invites).toEqual([]);
  expect(outcome(await stage.api.call(OWNER, 'merchant.revokeInvite', { id: b.id }))).toBe('INVALID_INPUT id');
  ok(await stage.api.call(OWNER, 'merchant.invite', { role: 'STAFF' }));
  ok(await stage.api.dev.clock((await stage.now()) + 25 * HOUR_MS));
  expect(ok(await stage.api.call(OWNER, 'merchant.invites', {})).invites).toEqual([]);
});
