/**
 * Issue 8 item 1: 10,000 generated bodies over the HTTP contract, spread over every action of the
 * access table (bodies.ts reads each action's fields from its schema). For each reply: never a 5xx,
 * always the envelope with the status of its code; a body that breaks the contract for certain is
 * INVALID_INPUT naming a field it touched; a refusal changes nothing (SQLite total_changes() on the
 * host's own connection around every call, a full content digest every 200 calls and at the end);
 * and no body pollutes Object.prototype of the process that parsed it.
 *
 * FUZZ_SEED=<n> replays a run; FUZZ_BODIES=<n> changes the count.
 */
import fc from 'fast-check';
import type { ActionName } from '../../types/api';
import { ERROR_CODES, HTTP_STATUS, type ApiError } from '../../types/errors';
import { ACCESS } from '../../src/server/authz';
import { schemas } from '../../src/server/schemas';
import { SAMPLES } from '../../src/server/usecases/__tests__/support/samples';
import { z } from 'zod';
import { fuzzAction, fuzzPlainBody, related, type FuzzBody } from './bodies';
import { ok } from '../support/http';
import { ACTION_STATUS, contentDigest, gatewayRows, moneyProblems, OWNER, REVIEWER, SHOPS, Stage, T0, totalChanges, type Staged } from './support';

jest.setTimeout(600_000);

const ACTIONS = Object.keys(ACCESS) as ActionName[];
const TOTAL = Number(process.env.FUZZ_BODIES ?? 10_000);
const PER_ACTION = Math.ceil(TOTAL / ACTIONS.length);
const SEED = Number(process.env.FUZZ_SEED ?? (Date.now() % 2 ** 31));
const DIGEST_EVERY = 200;

/** Actions that only read: whatever they answer, the database does not move. */
const READ_ONLY = new Set<ActionName>([
  'whoami',
  'order.list',
  'order.get',
  'preview',
  'get',
  'listMine',
  'verify',
  'merchant.list',
  'merchant.get',
  'merchant.stats',
  'merchant.settings.get',
  'platform.list',
  'platform.get',
]);

/** Samples that leave optional fields out are filled in, so that every declared place exists to be broken. */
const FULLER: Partial<Record<ActionName, Record<string, unknown>>> = {
  'merchant.settings.set': {
    autoReplyText: '您的退款申请已收到，我们会尽快处理',
    autoApproveHours: 24,
    windowDays: 30,
    windowDaysByReason: { QUALITY: 60 },
    quickRefundThresholdFen: 0,
    quickRefundSkuIds: ['mug-350ml'],
    customsFeeFen: 0,
    returnShipDays: 7,
    receiptConfirmDays: 10,
    escalateDays: 7,
    platformBusinessDays: 3,
    holidays: ['2026-10-01'],
    offerAnswerHours: 48,
    policyText: '签收后15天内可申请售后',
    hotline: '13800138000',
    officialAccount: '小林家居',
    noteTemplates: { approve: ['已同意退款'], reject: ['请补充商品照片'], offer: ['协商部分退款'] },
    subscribeTemplateIds: { decision: 'tmplDecision01', refund: 'tmplRefund01' },
    subscribeTemplateFields: {
      decision: { progress: 'thing1', caseNo: 'character_string2', time: 'time3', amount: 'amount4', result: 'phrase5' },
      refund: { progress: 'thing1', amount: 'amount2' },
    },
    valuableItemFen: 100_000,
    returnAddress: { name: '王店长', phone: '13800138000', address: '浙江省杭州市余杭区文一西路100号' },
  },
};

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

let stage: Stage;
let baseline: string;
let sent = 0;
let sinceDigest = 0;
const replies: Record<string, number> = {};
const perAction: Partial<Record<ActionName, number>> = {};
let invalidSent = 0;
let callbacksSent = 0;

beforeAll(async () => {
  stage = await Stage.inProcess();
  console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${PER_ACTION} bodies for each of ${ACTIONS.length} actions`);
});

afterAll(async () => {
  await stage?.stop();
  console.log(
    `fuzzed ${sent} bodies (${invalidSent} invalid by construction) over ${ACTIONS.length} actions, and ${callbacksSent} refund callbacks, seed ${SEED}; replies: ${JSON.stringify(replies)}`,
  );
});

function callerFor(action: ActionName, buyer: string): string {
  switch (ACCESS[action].who) {
    case 'ANYONE':
    case 'BUYER':
    case 'PARTY':
      return buyer;
    case 'MERCHANT':
    case 'OWNER':
      return OWNER;
    case 'PLATFORM':
      return REVIEWER;
  }
}

/** The action's well-formed sample, pointed at records that exist and belong to the caller. */
async function validBase(action: ActionName): Promise<{ base: Record<string, unknown>; caller: string }> {
  // A settings patch the fuzzer got accepted (a quick-refund threshold, say) must not shape the next action's records.
  ok(await stage.api.dev.seed({ shops: SHOPS }));
  const rule = ACCESS[action];
  const status = rule.who === 'PLATFORM' ? 'ESCALATED' : (ACTION_STATUS[action] ?? 'PENDING');
  let target: Staged;
  if (rule.owns === 'ORDER') {
    const buyer = stage.newBuyer('fz');
    target = { buyer, order: await stage.seedOrder(buyer), c: undefined as never };
  } else {
    target = await stage.caseIn(status);
  }
  const caller = callerFor(action, target.buyer);
  const base = JSON.parse(JSON.stringify({ ...SAMPLES[action], ...FULLER[action] })) as Record<string, unknown>;
  if ('caseId' in base) base.caseId = target.c._id;
  if ('orderId' in base) base.orderId = target.order._id;
  if ('openid' in base) base.openid = target.buyer;
  if (Array.isArray(base.items)) base.items = [{ skuId: target.order.items[0].skuId, qty: 1 }];
  if (Array.isArray(base.evidence)) base.evidence = [{ ...(await stage.upload(caller)), tag: 'unboxing' }];
  const parsed = schemas[action].safeParse(Object.fromEntries(Object.entries(base)));
  if (!parsed.success) throw new Error(`the base body of ${action} is not valid: ${parsed.error.message}`);
  return { base, caller };
}

function envelopeProblem(status: number, body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return 'not an object';
  const b = body as { ok?: unknown; data?: unknown; error?: ApiError };
  if (b.ok === true) return status === 200 ? null : `ok:true with HTTP ${status}`;
  if (b.ok !== false || !b.error) return 'neither ok:true nor ok:false with an error';
  const e = b.error;
  if (!(ERROR_CODES as readonly string[]).includes(e.code)) return `unknown code ${String(e.code)}`;
  if (status !== HTTP_STATUS[e.code]) return `${e.code} with HTTP ${status}`;
  if (typeof e.message !== 'string' || !/\p{Script=Han}/u.test(e.message)) return 'message is not Chinese';
  if (typeof e.solution !== 'string' || e.solution.trim() === '') return 'no solution';
  if (e.code === 'INVALID_INPUT' && !(typeof e.field === 'string' && e.field !== '') && !(typeof e.rule === 'string' && e.rule !== '')) {
    return 'INVALID_INPUT naming neither a field nor a rule';
  }
  return null;
}

async function send(action: ActionName, caller: string, b: FuzzBody): Promise<void> {
  const db = stage.db;
  const before = totalChanges(db);
  const r = await stage.api.raw('/api/afterSale', { method: 'POST', body: b.text, openid: caller, headers: { 'content-type': 'application/json' } });
  const after = totalChanges(db);
  sent += 1;
  sinceDigest += 1;
  perAction[action] = (perAction[action] ?? 0) + 1;
  if (b.invalid) invalidSent += 1;
  const key = r.body.ok ? 'ok' : r.body.error.code;
  replies[key] = (replies[key] ?? 0) + 1;

  const where = `${action} [${b.label}] → HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
  if (r.status >= 500) throw new Error(`5xx: ${where}`);
  const problem = envelopeProblem(r.status, r.body);
  if (problem) throw new Error(`${problem}: ${where}`);
  if (b.invalid) {
    if (r.body.ok || r.body.error.code !== 'INVALID_INPUT') throw new Error(`a body breaking the contract was not refused as INVALID_INPUT: ${where}`);
    const field = r.body.error.field ?? '';
    if (!related(field, b.touched)) throw new Error(`the refusal names "${field}", not one of ${JSON.stringify(b.touched)}: ${where}`);
  }
  if ((!r.body.ok || READ_ONLY.has(action)) && after !== before) {
    throw new Error(`${after - before} row(s) changed by a call that ${r.body.ok ? 'only reads' : 'was refused'}: ${where}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== PROTO_NAMES || ({} as Record<string, unknown>).polluted !== undefined) {
    throw new Error(`Object.prototype was polluted: ${where}`);
  }
  if (r.body.ok && after !== before) baseline = contentDigest(db);
  if (sinceDigest >= DIGEST_EVERY) {
    sinceDigest = 0;
    if (contentDigest(db) !== baseline) throw new Error(`the database changed outside any accepted call (noticed after ${where})`);
  }
}

describe('fuzzing the afterSale function over HTTP (R30)', () => {
  test('every action of the access table has a schema, and every schema a row', () => {
    expect(ACTIONS.slice().sort()).toEqual(Object.keys(schemas).sort());
    expect(ACTIONS.slice().sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  test.each(ACTIONS.map((a, i) => [a, i] as const))(`%s: ${PER_ACTION} hostile bodies`, async (action, index) => {
    const { base, caller } = await validBase(action);
    baseline = contentDigest(stage.db);
    sinceDigest = 0;
    const { arbitrary } = fuzzAction(action, schemas[action], base, ACTIONS);
    await fc.assert(
      fc.asyncProperty(arbitrary, (b) => send(action, caller, b)),
      { numRuns: PER_ACTION, seed: SEED + index, endOnFailure: true },
    );
    expect(contentDigest(stage.db)).toBe(baseline);
    expect(perAction[action]).toBe(PER_ACTION);
  });

  test(`at least ${TOTAL} bodies were sent, over every action`, () => {
    expect(sent).toBeGreaterThanOrEqual(TOTAL);
    expect(Object.keys(perAction).sort()).toEqual(ACTIONS.slice().sort());
    expect(invalidSent).toBeGreaterThan(sent / 2);
  });
});

describe('fuzzing the refund callback (refundNotify), which moves money', () => {
  /** The callback's plain form as the gateway port documents it (ports.ts, refundNotify.ts): what is generated around. */
  const callbackShape = z.strictObject({
    outRefundNo: z.string(),
    status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
    settledAt: z.number().optional(),
    failure: z.string().optional(),
  });
  const CALLBACKS = Math.ceil(TOTAL / 10);

  test(`${CALLBACKS} hostile callbacks: never a 5xx; a refusal changes nothing; only a processing attempt ever moves`, async () => {
    const targets = await Promise.all([stage.caseIn('REFUNDING'), stage.caseIn('REFUNDING'), stage.caseIn('REFUNDED'), stage.caseIn('REFUND_FAILED')]);
    const numbers = targets.flatMap((t) => t.c.refunds.map((r) => r.outRefundNo));
    baseline = contentDigest(stage.db);
    let moved = 0;
    const arbitrary = fc
      .tuple(fc.constantFrom(...numbers), fc.constantFrom('SUCCESS', 'ABNORMAL', 'CLOSED'))
      .chain(([outRefundNo, status]) => fuzzPlainBody(callbackShape, { outRefundNo, status, settledAt: T0, failure: '银行退票' }));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (b) => {
        const before = totalChanges(stage.db);
        const r = await stage.api.raw('/api/refundNotify', { method: 'POST', body: b.text, headers: { 'content-type': 'application/json' } });
        const after = totalChanges(stage.db);
        callbacksSent += 1;
        const where = `[${b.label}] → HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
        if (r.status >= 500) throw new Error(`5xx: ${where}`);
        const problem = envelopeProblem(r.status, r.body);
        if (problem) throw new Error(`${problem}: ${where}`);
        if (b.invalid && (r.body.ok || r.body.error.code !== 'INVALID_INPUT' || !related(r.body.error.field ?? '', b.touched))) {
          throw new Error(`a callback breaking the contract was not refused on a touched field: ${where}`);
        }
        const appliedNow = r.body.ok && (r.body.data as { applied: boolean }).applied;
        if (!appliedNow && after !== before) throw new Error(`${after - before} row(s) changed by a callback that changed nothing: ${where}`);
        if (appliedNow) {
          moved += 1;
          baseline = contentDigest(stage.db);
        }
      }),
      { numRuns: CALLBACKS, seed: SEED, endOnFailure: true },
    );
    expect(contentDigest(stage.db)).toBe(baseline);
    // Only the two attempts still processing could be settled, and each at most once.
    expect(moved).toBeLessThanOrEqual(2);
    for (const t of targets) {
      const c = await stage.get(t.buyer, t.c._id);
      expect(await stage.ok(t.buyer, 'verify', { caseId: c._id })).toEqual({ ok: true });
      expect(moneyProblems(c, gatewayRows(stage.db, c._id))).toEqual([]);
    }
  });
});

describe('refusals the fuzzer first found wanting, replayed as fixed bodies', () => {
  async function refusal(openid: string, text: string): Promise<ApiError> {
    const before = totalChanges(stage.db);
    const r = await stage.api.raw('/api/afterSale', { method: 'POST', body: text, openid, headers: { 'content-type': 'application/json' } });
    expect(totalChanges(stage.db)).toBe(before);
    if (r.body.ok) throw new Error(`accepted: ${text}`);
    expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    return r.body.error;
  }

  test('an empty key is named by the object that holds it, not by an empty field', async () => {
    const top = await refusal(OWNER, '{"action":"whoami","":1}');
    expect(top.field).toBe('body');
    expect(top.message).toContain('空');
    const nested = await refusal(OWNER, '{"action":"merchant.settings.set","returnAddress":{"name":"王店长","phone":"13800138000","address":"杭州市文一西路100号","":"x"}}');
    expect(nested.field).toBe('returnAddress');
  });

  test('the refund callback names the body for an empty key too', async () => {
    const before = totalChanges(stage.db);
    const r = await stage.api.raw('/api/refundNotify', { method: 'POST', body: '{"outRefundNo":"AS1-1","status":"SUCCESS","":1}', headers: { 'content-type': 'application/json' } });
    expect(r.body.ok ? null : [r.status, r.body.error.code, r.body.error.field]).toEqual([400, 'INVALID_INPUT', 'body']);
    expect(totalChanges(stage.db)).toBe(before);
  });

  test('a reason-keyed window takes no key but a reason: __proto__ is refused, not silently dropped', async () => {
    for (const key of ['__proto__', 'constructor', 'NOPE']) {
      const e = await refusal(OWNER, `{"action":"merchant.settings.set","windowDaysByReason":{"QUALITY":30,"${key}":30}}`);
      expect(e.field).toBe(`windowDaysByReason.${key}`);
    }
  });
});
