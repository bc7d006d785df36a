/**
 * Issue 8 item 2: every action × every kind of caller, over HTTP, with the answer the one access
 * table (src/server/authz.ts ACCESS) says it must get — allowed, FORBIDDEN or NOT_FOUND. The expected
 * cell is derived here from the row's audience and ownership, not by calling the server's own checks;
 * the list of actions comes from the table and must match the schemas, the use cases and the samples,
 * so an action added anywhere without a row (or a row without an action) fails.
 *
 * Beyond the code: a refusal changes no row and names nothing of the target; a foreign id reads
 * exactly like an id that does not exist; an allowed list shows nobody else's case or order.
 */
import type { ActionName } from '../../types/api';
import type { ApiError } from '../../types/errors';
import { ACCESS, type Audience } from '../../src/server/authz';
import { schemas } from '../../src/server/schemas';
import { USE_CASES } from '../../src/server/usecases';
import { SAMPLES } from '../../src/server/usecases/__tests__/support/samples';
import type { HttpReply } from '../support/http';
import { ACTION_STATUS, OTHER_OWNER, OWNER, REVIEWER, Stage, STAFF, totalChanges, type Staged } from './support';

jest.setTimeout(120_000);

const ACTIONS = Object.keys(ACCESS) as ActionName[];

const CALLERS = ['owner buyer', 'other buyer', 'no identity', 'own-shop staff', 'own-shop owner', 'other-shop owner', 'platform'] as const;
type Caller = (typeof CALLERS)[number];
type Role = 'BUYER' | 'STAFF' | 'OWNER' | 'PLATFORM';

const ROLE: Record<Exclude<Caller, 'no identity'>, Role> = {
  'owner buyer': 'BUYER',
  'other buyer': 'BUYER',
  'own-shop staff': 'STAFF',
  'own-shop owner': 'OWNER',
  'other-shop owner': 'OWNER',
  platform: 'PLATFORM',
};

type Expected = 'allow' | 'FORBIDDEN' | 'NOT_FOUND';

function audienceAdmits(who: Audience, role: Role): boolean {
  switch (who) {
    case 'ANYONE':
      return true;
    case 'BUYER':
      // SPEC §7: one WeChat user is a buyer everywhere; merchants and reviewers keep every buyer action.
      return role === 'BUYER' || role === 'STAFF' || role === 'OWNER' || role === 'PLATFORM';
    case 'MERCHANT':
      return role === 'STAFF' || role === 'OWNER';
    case 'OWNER':
      return role === 'OWNER';
    case 'PLATFORM':
      return role === 'PLATFORM';
    case 'PARTY':
      return true;
  }
}

/** Whose the target is: its buyer's; its shop's; the platform's once escalated. A buyer action reaches the buyer's alone. */
function owns(caller: Caller, escalated: boolean, who?: Audience): boolean {
  if (who === 'BUYER') return caller === 'owner buyer';
  return caller === 'owner buyer' || caller === 'own-shop staff' || caller === 'own-shop owner' || (caller === 'platform' && escalated);
}

function expected(action: ActionName, caller: Caller, escalated: boolean): Expected {
  if (caller === 'no identity') return 'FORBIDDEN';
  const rule = ACCESS[action];
  if (!audienceAdmits(rule.who, ROLE[caller])) return 'FORBIDDEN';
  switch (rule.owns) {
    case 'NONE':
      return 'allow';
    case 'ORDER':
      return caller === 'owner buyer' ? 'allow' : 'NOT_FOUND';
    case 'CASE':
      return owns(caller, escalated, rule.who) ? 'allow' : 'NOT_FOUND';
    case 'CASE_OR_SHOP_ORDER': // the sample names a case
      return owns(caller, escalated, rule.who) ? 'allow' : 'NOT_FOUND';
    case 'SHOP_ORDER':
      return caller === 'own-shop staff' || caller === 'own-shop owner' ? 'allow' : 'NOT_FOUND';
  }
}

let stage: Stage;
let otherBuyer: string;
const cells: { action: ActionName; target: string; caller: Caller; expected: Expected; got: string }[] = [];

beforeAll(async () => {
  stage = await Stage.inProcess();
  // The other buyer has a case of their own, so that their lists are not trivially empty.
  otherBuyer = (await stage.caseIn('PENDING')).buyer;
});
afterAll(async () => {
  await stage?.stop();
  const allowed = cells.filter((c) => c.expected === 'allow').length;
  console.log(`authorization matrix: ${cells.length} cells over ${ACTIONS.length} actions × ${CALLERS.length} callers (${allowed} allowed, ${cells.length - allowed} refused)`);
});

function openidOf(caller: Caller, t: Staged): string | undefined {
  switch (caller) {
    case 'owner buyer':
      return t.buyer;
    case 'other buyer':
      return otherBuyer;
    case 'no identity':
      return undefined;
    case 'own-shop staff':
      return STAFF;
    case 'own-shop owner':
      return OWNER;
    case 'other-shop owner':
      return OTHER_OWNER;
    case 'platform':
      return REVIEWER;
  }
}

function aimed(action: ActionName, t: Staged, id?: { caseId?: string; orderId?: string }): Record<string, unknown> {
  const input: Record<string, unknown> = { ...SAMPLES[action] };
  if ('caseId' in input) input.caseId = id?.caseId ?? t.c._id;
  if ('orderId' in input) input.orderId = id?.orderId ?? t.order._id;
  if (Array.isArray(input.items)) input.items = [{ skuId: t.order.items[0].skuId, qty: 1 }];
  return input;
}

function codeOf(r: HttpReply): string {
  return r.body.ok ? 'allow' : r.body.error.code;
}

/** What a refusal may not carry: anything that identifies the target to someone it does not belong to. */
function secretsOf(t: Staged): string[] {
  return [t.c._id, t.order._id, t.buyer];
}

describe('the access table is the one list of actions', () => {
  test('every action the server parses or runs, and every sample, has a row; every row an action', () => {
    const rows = ACTIONS.slice().sort();
    expect(Object.keys(schemas).sort()).toEqual(rows);
    expect(Object.keys(USE_CASES).sort()).toEqual(rows);
    expect(Object.keys(SAMPLES).sort()).toEqual(rows);
  });
});

describe.each(ACTIONS)('%s', (action) => {
  const rule = ACCESS[action];
  const targets: ('as it stands' | 'escalated')[] = rule.owns === 'CASE' || rule.owns === 'CASE_OR_SHOP_ORDER' ? ['as it stands', 'escalated'] : ['as it stands'];

  test.each(targets)(`each caller gets what the row {who: ${rule.who}, owns: ${rule.owns}} says, on a case %s`, async (which) => {
    const escalated = which === 'escalated';
    const t = await stage.caseIn(escalated ? 'ESCALATED' : (ACTION_STATUS[action] ?? 'PENDING'));
    const wrong: string[] = [];
    // Refusals first, so that a caller allowed to change the case cannot hide a refusal's side effect.
    const order = CALLERS.slice().sort((a, b) => Number(expected(action, a, escalated) === 'allow') - Number(expected(action, b, escalated) === 'allow'));
    for (const caller of order) {
      const want = expected(action, caller, escalated);
      const before = totalChanges(stage.db);
      const r = await stage.api.post('/api/afterSale', { ...aimed(action, t), action }, openidOf(caller, t));
      const got = codeOf(r);
      cells.push({ action, target: which, caller, expected: want, got });
      const text = JSON.stringify(r.body);
      if (r.status >= 500) wrong.push(`${caller}: HTTP ${r.status}`);
      if (want === 'allow') {
        if (got === 'FORBIDDEN' || got === 'NOT_FOUND') wrong.push(`${caller}: expected to pass the table, got ${got}`);
        if (!owns(caller, escalated, rule.who)) {
          for (const s of secretsOf(t)) if (text.includes(s)) wrong.push(`${caller}: an allowed reply shows ${s}, which is not theirs`);
        }
        continue;
      }
      if (got !== want) wrong.push(`${caller}: expected ${want}, got ${got}`);
      if (totalChanges(stage.db) !== before) wrong.push(`${caller}: a refused call changed rows`);
      for (const s of secretsOf(t)) if (text.includes(s)) wrong.push(`${caller}: the refusal names ${s}`);
      if (want === 'NOT_FOUND' && rule.owns !== 'NONE') {
        // The same call on an id that does not exist must read the same: nobody learns which ids are real.
        const ghost = rule.owns === 'CASE' || rule.owns === 'CASE_OR_SHOP_ORDER' ? { caseId: 'AS20261120ZZZZZZZZ' } : { orderId: 'order_does_not_exist' };
        const g = await stage.api.post('/api/afterSale', { ...aimed(action, t, ghost), action }, openidOf(caller, t));
        const e = (r.body as { error: ApiError }).error;
        const ge = g.body.ok ? null : g.body.error;
        if (!ge || g.status !== r.status || ge.code !== e.code || ge.message !== e.message || ge.solution !== e.solution) {
          wrong.push(`${caller}: a foreign id reads differently from a missing one (${JSON.stringify(e)} vs ${JSON.stringify(g.body)})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('identities no WeChat context could produce are nobody', () => {
  test.each(['', ' ', 'has space', 'x'.repeat(129), '../oBuyer', 'o\tBuyer', '%00'])('x-wx-openid %j → FORBIDDEN on every action', async (header) => {
    const t = await stage.caseIn('PENDING');
    const before = totalChanges(stage.db);
    for (const action of ACTIONS) {
      const r = await stage.api.raw('/api/afterSale', {
        method: 'POST',
        body: JSON.stringify({ ...aimed(action, t), action }),
        headers: { 'content-type': 'application/json', 'x-wx-openid': header },
      });
      expect([action, r.status, codeOf(r)]).toEqual([action, 403, 'FORBIDDEN']);
    }
    expect(totalChanges(stage.db)).toBe(before);
  });

  test('the caller is the header alone: an openid, role or shop in the body is refused, not believed', async () => {
    const t = await stage.caseIn('PENDING');
    for (const [key, value] of [['openid', t.buyer], ['role', 'PLATFORM'], ['shopId', 'shop_main'], ['buyerOpenid', t.buyer]] as const) {
      const r = await stage.api.post('/api/afterSale', { action: 'merchant.approve', caseId: t.c._id, [key]: value }, otherBuyer);
      expect([key, r.status, codeOf(r), r.body.ok ? null : r.body.error.field]).toEqual([key, 400, 'INVALID_INPUT', key]);
    }
    expect((await stage.get(t.buyer, t.c._id)).version).toBe(t.c.version);
  });
});

describe('the matrix as a whole', () => {
  test('every action met every caller, and both outcomes occurred for every caller', () => {
    for (const action of ACTIONS) expect(new Set(cells.filter((c) => c.action === action).map((c) => c.caller)).size).toBe(CALLERS.length);
    for (const caller of CALLERS.filter((c) => c !== 'no identity')) {
      const mine = cells.filter((c) => c.caller === caller);
      expect([caller, mine.some((c) => c.expected === 'allow'), mine.some((c) => c.expected !== 'allow')]).toEqual([caller, true, true]);
    }
    expect(cells.filter((c) => c.expected === 'allow' && c.got === 'allow').length).toBeGreaterThan(ACTIONS.length);
  });
});
