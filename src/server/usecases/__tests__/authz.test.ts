import type { ActionName } from '../../../../types/api';
import type { AfterSaleCase } from '../../../../types/domain';
import { ACCESS, type Audience } from '../../authz';
import { ACTION_NAMES, SAMPLES } from './support/samples';
import { ALICE, BOB, makeWorld, order, OTHER_OWNER, OWNER, refundOnly, REVIEWER, STAFF, type World } from './support/world';

const ROLES = { BUYER: ALICE, STAFF, OWNER, PLATFORM: REVIEWER } as const;
type Role = keyof typeof ROLES;

const MAY: Record<Audience, Role[]> = {
  ANYONE: ['BUYER', 'STAFF', 'OWNER', 'PLATFORM'],
  // SPEC §7: merchants and reviewers are buyers too.
  BUYER: ['BUYER', 'STAFF', 'OWNER', 'PLATFORM'],
  MERCHANT: ['STAFF', 'OWNER'],
  OWNER: ['OWNER'],
  PLATFORM: ['PLATFORM'],
  PARTY: ['BUYER', 'STAFF', 'OWNER', 'PLATFORM'],
};

let w: World;
let mine: AfterSaleCase;

beforeAll(async () => {
  w = makeWorld();
  const o = order();
  w.seedOrders(o);
  mine = await w.ok(ALICE, 'apply', refundOnly(w, o));
});
afterAll(() => w.close());

/** The sample aimed at Alice's real order and case, so that only the role decides. */
function aimed(action: ActionName): Record<string, unknown> {
  const input: Record<string, unknown> = { ...SAMPLES[action] };
  if ('caseId' in input) input.caseId = mine._id;
  if ('orderId' in input) input.orderId = mine.orderId;
  return input;
}

describe('the access table (SPEC §4 Identity, R30)', () => {
  test('it names the spec’s audience for each action', () => {
    const byAudience = (who: Audience) => ACTION_NAMES.filter((a) => ACCESS[a].who === who).sort();
    expect(byAudience('ANYONE')).toEqual(['merchant.join', 'shop.claim', 'whoami']);
    expect(byAudience('PARTY')).toEqual(['message']);
    expect(byAudience('OWNER')).toEqual(['merchant.invite', 'merchant.invites', 'merchant.removeStaff', 'merchant.revokeInvite', 'merchant.settings.set', 'merchant.staff.list', 'merchant.syncKey.rotate']);
    expect(byAudience('PLATFORM')).toEqual(['platform.decide', 'platform.get', 'platform.liftRisk', 'platform.list']);
    expect(byAudience('MERCHANT').every((a) => a.startsWith('merchant.'))).toBe(true);
    expect(byAudience('BUYER').some((a) => a.startsWith('merchant.') || a.startsWith('platform.'))).toBe(false);
  });

  test.each(ACTION_NAMES)('%s without an openid is FORBIDDEN (403)', async (action) => {
    for (const openid of [undefined, '', 'has space', 'x'.repeat(129)]) {
      const e = await w.fail(openid, action, aimed(action) as never);
      expect([e.code, e.status]).toEqual(['FORBIDDEN', 403]);
    }
  });

  test.each(ACTION_NAMES)('%s called by a role it is not for is FORBIDDEN (403), changing nothing', async (action) => {
    const allowed = MAY[ACCESS[action].who];
    for (const role of Object.keys(ROLES) as Role[]) {
      if (allowed.includes(role)) continue;
      const e = await w.fail(ROLES[role], action, aimed(action) as never);
      expect([role, e.code, e.status]).toEqual([role, 'FORBIDDEN', 403]);
    }
    expect((await w.svc.cases.get(mine._id))?.version).toBe(mine.version);
  });

  const buyerOwned = ACTION_NAMES.filter((a) => ACCESS[a].who === 'BUYER' && ACCESS[a].owns !== 'NONE');
  test.each(buyerOwned)('%s on another buyer’s order or case is NOT_FOUND (404)', async (action) => {
    const e = await w.fail(BOB, action, aimed(action) as never);
    expect([e.code, e.status]).toEqual(['NOT_FOUND', 404]);
    expect((await w.svc.cases.get(mine._id))?.version).toBe(mine.version);
  });

  const merchantOwned = ACTION_NAMES.filter((a) => ACCESS[a].who === 'MERCHANT' && ACCESS[a].owns === 'CASE');
  test.each(merchantOwned)('%s on another shop’s case is NOT_FOUND (404)', async (action) => {
    const e = await w.fail(OTHER_OWNER, action, aimed(action) as never);
    expect([e.code, e.status]).toEqual(['NOT_FOUND', 404]);
    expect((await w.svc.cases.get(mine._id))?.version).toBe(mine.version);
  });

  test.each(['platform.get', 'platform.decide'] as const)('%s on a case never escalated is NOT_FOUND', async (action) => {
    const e = await w.fail(REVIEWER, action, aimed(action) as never);
    expect(e.code).toBe('NOT_FOUND');
  });

  test('an id that does not exist reads the same as someone else’s', async () => {
    const e = await w.fail(ALICE, 'get', { caseId: 'AS-none' });
    expect(e.code).toBe('NOT_FOUND');
    expect((await w.fail(ALICE, 'order.get', { orderId: 'order_none' })).code).toBe('NOT_FOUND');
  });

  test('lists hold only the caller’s own: Bob sees none of Alice’s cases, the other shop none of this shop’s', async () => {
    expect((await w.ok(BOB, 'listMine', {})).items).toEqual([]);
    expect((await w.ok(BOB, 'order.list', {})).items).toEqual([]);
    expect((await w.ok(OTHER_OWNER, 'merchant.list', {})).items).toEqual([]);
    expect((await w.ok(ALICE, 'listMine', {})).items.map((c) => c._id)).toEqual([mine._id]);
    expect((await w.ok(STAFF, 'merchant.list', {})).items.map((c) => c._id)).toEqual([mine._id]);
  });

  test('whoami answers each role with its shop', async () => {
    expect(await w.ok(ALICE, 'whoami', {})).toEqual({ openid: ALICE, role: 'BUYER' });
    expect(await w.ok(STAFF, 'whoami', {})).toEqual({ openid: STAFF, role: 'STAFF', shopId: mine.shopId, shopName: '小林家居' });
    expect(await w.ok(REVIEWER, 'whoami', {})).toEqual({ openid: REVIEWER, role: 'PLATFORM' });
  });

  test('the schema is checked before the identity (SPEC §3 order)', async () => {
    const r = await w.call(undefined, { action: 'get', caseId: { $ne: null } });
    expect(r.ok ? null : [r.error.code, r.error.field]).toEqual(['INVALID_INPUT', 'caseId']);
  });
});
