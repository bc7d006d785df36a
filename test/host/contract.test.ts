/**
 * SPEC §4 over HTTP, against `npm run serve:cloud` in a child process on a free port with an empty
 * DATA_DIR: every action, every error code with its status, identity and ownership, bad bodies,
 * apply's order of checks and idempotency, the lifecycle paths of SPEC §2 and the timer.
 */
import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { ActionName, ActionRequest, ActionResponse, EvidenceInput } from '../../types/api';
import type { AfterSaleCase, EvidenceTag, Order } from '../../types/domain';
import { ERROR_CODES, HTTP_STATUS, type ApiError, type ErrorCode } from '../../types/errors';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { ACCESS } from '../../src/server/authz';
import { ACTION_NAMES, SAMPLES } from '../../src/server/usecases/__tests__/support/samples';
import {
  line,
  MERCHANTS,
  NEW_OWNER,
  order as makeOrder,
  OTHER_OWNER,
  OWNER,
  REVIEWER,
  SHOP,
  SHOPS,
  STAFF,
  T0,
  UNVERIFIED_SHOP,
} from '../../src/server/usecases/__tests__/support/world';
import { startHostProcess, TEST_BACKEND, type HostProcess } from '../support/host';
import { HostClient, ok as okData } from '../support/http';
import { SAMPLE_FILES } from '../support/media';

jest.setTimeout(60_000);

let host: HostProcess;
let api: HostClient;

/** Actions that answered ok:true at least once, and codes met as replies or as a case's lastError. */
const answered = new Set<ActionName>();
const replied = new Map<ErrorCode, number>();
const asLastError = new Set<string>();

beforeAll(async () => {
  host = await startHostProcess();
  api = new HostClient(host.url);
  okData(await api.dev.seed({ shops: SHOPS, merchants: MERCHANTS }));
  okData(await api.dev.clock(T0));
});
afterAll(async () => {
  await host.stop();
});

let buyers = 0;
/** A fresh buyer per test: R7 counts each buyer's cases. */
function newBuyer(): string {
  buyers += 1;
  return `http_buyer_${buyers}`;
}

async function now(): Promise<number> {
  return api.dev.now();
}

async function advance(ms: number): Promise<number> {
  const to = (await now()) + ms;
  okData(await api.dev.clock(to));
  return to;
}

/** An order delivered two days ago (by the host's clock), seeded over /__dev/seed. */
async function seedOrder(buyerOpenid: string, over: Partial<Order> = {}): Promise<Order> {
  const t = await now();
  const o = makeOrder({ buyerOpenid, paidAt: t - 5 * DAY_MS, shippedAt: t - 4 * DAY_MS, deliveredAt: t - 2 * DAY_MS, ...over });
  okData(await api.dev.seed({ orders: [o] }));
  return o;
}

async function upload(openid: string, tag?: EvidenceTag): Promise<EvidenceInput> {
  const bytes = Buffer.concat([SAMPLE_FILES.jpeg.bytes, randomBytes(16)]);
  const stored = okData(await api.upload(openid, bytes, 'photo.jpg', 'image/jpeg'));
  return { fileId: stored.fileId, kind: stored.kind, sha256: stored.sha256, ...(tag ? { tag } : {}) };
}

async function ok<A extends ActionName>(openid: string, action: A, req: ActionRequest<A>): Promise<ActionResponse<A>> {
  const r = await api.call(openid, action, req);
  if (!r.body.ok) throw new Error(`${action}: HTTP ${r.status} ${JSON.stringify(r.body.error)}`);
  expect(r.status).toBe(200);
  answered.add(action);
  return r.body.data;
}

type Failure = ApiError & { status: number };

function failure(status: number, body: { ok: boolean; error?: ApiError }): Failure {
  if (body.ok || !body.error) throw new Error(`expected a failure, got HTTP ${status} ok`);
  expect(status).toBe(HTTP_STATUS[body.error.code]);
  expect(body.error.message).toMatch(/\p{Script=Han}/u);
  expect(body.error.solution).toMatch(/\p{Script=Han}/u);
  replied.set(body.error.code, status);
  return { ...body.error, status };
}

async function fail<A extends ActionName>(openid: string | undefined, action: A, req: ActionRequest<A>): Promise<Failure> {
  const r = await api.call(openid, action, req);
  return failure(r.status, r.body);
}

let keys = 0;
async function applyReq(buyer: string, o: Order, over: Partial<ActionRequest<'apply'>> = {}): Promise<ActionRequest<'apply'>> {
  keys += 1;
  return {
    orderId: o._id,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId: o.items[0].skuId, qty: 1 }],
    amountFen: 5_000,
    description: '收到的T恤领口开线，洗一次就变形了',
    evidence: over.evidence ?? [await upload(buyer)],
    idempotencyKey: `http-key-${keys}`,
    ...over,
  };
}

async function applied(buyer: string, over: Partial<Order> = {}, req: Partial<ActionRequest<'apply'>> = {}): Promise<AfterSaleCase> {
  const o = await seedOrder(buyer, over);
  return ok(buyer, 'apply', await applyReq(buyer, o, req));
}

async function caseOf(buyer: string, c: AfterSaleCase): Promise<AfterSaleCase> {
  const got = await ok(buyer, 'get', { caseId: c._id });
  if (got.lastError) asLastError.add(got.lastError.code);
  return got;
}

/** Lets the simulated gateway settle what is in flight, and delivers its callbacks now. */
async function settle(): Promise<void> {
  await advance(5_000);
  okData(await api.dev.run('refundNotify'));
}

describe('bad bodies get the INVALID_INPUT envelope (R30, SPEC §4 Replies)', () => {
  const buyer = 'http_bodies';
  test.each([
    ['not JSON', '{"action":'],
    ['an array', '[{"action":"whoami"}]'],
    ['null', 'null'],
    ['a string', '"whoami"'],
    ['a number', '12'],
    ['empty', ''],
    ['2 MB of JSON', JSON.stringify({ action: 'whoami', pad: 'x'.repeat(2 * 1024 * 1024) })],
  ])('%s', async (_what, body) => {
    const r = await api.raw('/api/afterSale', { method: 'POST', body, openid: buyer, headers: { 'content-type': 'application/json' } });
    const e = failure(r.status, r.body);
    expect([e.status, e.code]).toEqual([400, 'INVALID_INPUT']);
  });

  test('the field is named: an operator object in an id, an unknown action, a float quantity', async () => {
    const r1 = await api.post('/api/afterSale', { action: 'get', caseId: { $ne: null } }, buyer);
    expect(failure(r1.status, r1.body).field).toBe('caseId');
    const r2 = await api.post('/api/afterSale', { action: 'dropDatabase' }, buyer);
    expect(failure(r2.status, r2.body).field).toBe('action');
    const o = await seedOrder(buyer);
    const req = await applyReq(buyer, o);
    const r3 = await api.post('/api/afterSale', { ...req, action: 'apply', items: [{ skuId: o.items[0].skuId, qty: 1.5 }] }, buyer);
    expect(failure(r3.status, r3.body).field).toBe('items.0.qty');
    expect((await ok(buyer, 'listMine', {})).items).toEqual([]);
  });
});

describe('identity and ownership (SPEC §4 Identity)', () => {
  let alice: string;
  let mine: AfterSaleCase;

  beforeAll(async () => {
    alice = newBuyer();
    mine = await applied(alice);
  });

  function aimed(action: ActionName): never {
    const input: Record<string, unknown> = { ...SAMPLES[action] };
    if ('caseId' in input) input.caseId = mine._id;
    if ('orderId' in input) input.orderId = mine.orderId;
    return input as never;
  }

  test.each(ACTION_NAMES)('%s without x-wx-openid is 403', async (action) => {
    expect((await fail(undefined, action, aimed(action))).code).toBe('FORBIDDEN');
  });

  test.each(ACTION_NAMES)('%s from a role it is not for is 403', async (action) => {
    const who = ACCESS[action].who;
    const callers: Record<string, boolean> = {
      // SPEC §7: a merchant or reviewer is a buyer too, so buyer actions are open to every role.
      // PARTY (SPEC §6 message): any party of the case, so no role is refused outright.
      [alice]: who === 'BUYER' || who === 'ANYONE' || who === 'PARTY',
      [STAFF]: who === 'MERCHANT' || who === 'ANYONE' || who === 'BUYER' || who === 'PARTY',
      [OWNER]: who === 'MERCHANT' || who === 'OWNER' || who === 'ANYONE' || who === 'BUYER' || who === 'PARTY',
      [REVIEWER]: who === 'PLATFORM' || who === 'ANYONE' || who === 'BUYER' || who === 'PARTY',
    };
    for (const [openid, allowed] of Object.entries(callers)) {
      if (!allowed) expect([openid, (await fail(openid, action, aimed(action))).code]).toEqual([openid, 'FORBIDDEN']);
    }
  });

  const buyerOwned = ACTION_NAMES.filter((a) => ACCESS[a].who === 'BUYER' && ACCESS[a].owns !== 'NONE');
  test.each(buyerOwned)('%s on another buyer’s order or case is 404', async (action) => {
    expect((await fail(newBuyer(), action, aimed(action))).code).toBe('NOT_FOUND');
  });

  const shopOwned = ACTION_NAMES.filter((a) => ACCESS[a].who === 'MERCHANT' && ACCESS[a].owns === 'CASE');
  test.each(shopOwned)('%s on another shop’s case is 404', async (action) => {
    expect((await fail(OTHER_OWNER, action, aimed(action))).code).toBe('NOT_FOUND');
  });

  test('the platform reaches only escalated cases; nothing above changed the case', async () => {
    expect((await fail(REVIEWER, 'platform.get', { caseId: mine._id })).code).toBe('NOT_FOUND');
    expect((await ok(alice, 'get', { caseId: mine._id })).version).toBe(mine.version);
  });

  test('whoami, for the h5 sign-in', async () => {
    expect(await ok(STAFF, 'whoami', {})).toEqual({ openid: STAFF, role: 'STAFF', shopId: SHOP, shopName: SHOPS[0].name });
    expect(await ok(alice, 'whoami', {})).toEqual({ openid: alice, role: 'BUYER' });
  });
});

describe('people (SPEC §7): setup → claim → invite → join → staff list → remove; the sync key', () => {
  test('a new shop gets its first owner and staff through one-time codes', async () => {
    const { setupSecret } = JSON.parse(fs.readFileSync(path.join(host.dataDir, 'host.json'), 'utf8')) as { setupSecret: string };
    expect((await api.post('/api/setup', { secret: 'wrong-secret-0123456789', name: '新店' })).status).toBe(403);
    const created = okData(await api.post<{ shopId: string; setupCode: string; line: string }>('/api/setup', { secret: setupSecret, name: '新店' }));
    expect(created.line).toBe(`shopId=${created.shopId} setupCode=${created.setupCode}`);
    const owner = newBuyer();
    expect(await ok(owner, 'shop.claim', { setupCode: created.setupCode })).toEqual({ openid: owner, role: 'OWNER', shopId: created.shopId, shopName: '新店' });
    const invite = await ok(owner, 'merchant.invite', { role: 'STAFF' });
    const spare = await ok(owner, 'merchant.invite', { role: 'STAFF' });
    const pending = (await ok(owner, 'merchant.invites', {})).invites;
    expect(pending.map((i) => i.hint)).toEqual(expect.arrayContaining([invite.code.slice(-3), spare.code.slice(-3)]));
    const spareId = pending.find((i) => i.hint === spare.code.slice(-3) && i.expiresAt === spare.expiresAt)?.id as string;
    expect((await ok(owner, 'merchant.revokeInvite', { id: spareId })).invites.map((i) => i.id)).not.toContain(spareId);
    expect((await fail(newBuyer(), 'merchant.join', { code: spare.code })).field).toBe('code');
    const staff = newBuyer();
    expect((await ok(staff, 'merchant.join', { code: invite.code })).role).toBe('STAFF');
    expect((await fail(newBuyer(), 'merchant.join', { code: invite.code })).field).toBe('code');
    expect((await ok(owner, 'merchant.staff.list', {})).members.map((m) => [m.openid, m.role])).toEqual([
      [owner, 'OWNER'],
      [staff, 'STAFF'],
    ]);
    expect((await ok(owner, 'merchant.removeStaff', { openid: staff })).members.map((m) => m.openid)).toEqual([owner]);
    expect((await ok(owner, 'merchant.syncKey.rotate', {})).key).toMatch(/^sk_/);
  });
});

describe('message (SPEC §6)', () => {
  test('the buyer writes on their own case', async () => {
    const buyer = newBuyer();
    const c = await applied(buyer);
    expect((await ok(buyer, 'message', { caseId: c._id, text: '请尽快处理，谢谢' })).messages.map((m) => m.text)).toContain('请尽快处理，谢谢');
    expect((await ok(STAFF, 'merchant.requestEvidence', { caseId: c._id, note: '请补充领口细节照片' })).evidenceRequest?.note).toBe('请补充领口细节照片');
    expect((await ok(buyer, 'modify', { caseId: c._id, amountFen: c.amountFen - 100 })).amountFen).toBe(c.amountFen - 100);
  });
});

describe('apply (SPEC §3 order, idempotency)', () => {
  test('schema before identity, identity before ownership, ownership before the rules', async () => {
    const alice = newBuyer();
    const paid = await seedOrder(alice, { status: 'PAID', shippedAt: undefined, deliveredAt: undefined });
    const req = await applyReq(alice, paid);
    expect((await api.post('/api/afterSale', { ...req, action: 'apply', amountFen: '5000' })).status).toBe(400);
    expect((await fail(undefined, 'apply', req)).code).toBe('FORBIDDEN');
    expect((await fail(newBuyer(), 'apply', req)).code).toBe('NOT_FOUND');
    const e = await fail(alice, 'apply', req);
    expect([e.code, e.rule]).toEqual(['ORDER_STATUS_INVALID', 'R1']);
  });

  test('a replayed key returns the original case before R7 could refuse it', async () => {
    const alice = newBuyer();
    const firstOrder = await seedOrder(alice);
    const first = await applyReq(alice, firstOrder);
    const original = await ok(alice, 'apply', first);
    await applied(alice);
    await applied(alice);
    const o = await seedOrder(alice);
    const e = await fail(alice, 'apply', await applyReq(alice, o));
    expect([e.code, e.rule]).toEqual(['RISK_CONTROL_TRIGGERED', 'R7']);
    expect((await ok(alice, 'apply', first))._id).toBe(original._id);
    expect((await ok(alice, 'listMine', {})).items).toHaveLength(3);
  });

  test('the same key sequentially and 10 times at once: one case, everyone gets it', async () => {
    const alice = newBuyer();
    const o = await seedOrder(alice);
    const req = await applyReq(alice, o);
    const replies = await Promise.all(Array.from({ length: 10 }, () => api.call(alice, 'apply', req)));
    const ids = replies.map((r) => (r.body.ok ? r.body.data._id : `HTTP ${r.status}`));
    expect(new Set(ids).size).toBe(1);
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect((await ok(alice, 'apply', req))._id).toBe(ids[0]);
    expect((await ok(alice, 'listMine', {})).items).toHaveLength(1);
    const outbox = okData(await api.dev.outbox({ caseId: ids[0] }));
    expect(outbox.filter((n) => n.templateKey === 'autoReply')).toHaveLength(1);
  });

  test('preview: a body failing the schema is INVALID_INPUT 400; an skuId not on the order is a violation', async () => {
    const alice = newBuyer();
    const o = await seedOrder(alice);
    const draft = { orderId: o._id, type: 'REFUND_ONLY' as const, reason: 'QUALITY' as const, items: [{ skuId: o.items[0].skuId, qty: 1 }] };
    for (const [body, field] of [
      [{ ...draft, type: undefined }, 'type'],
      [{ ...draft, items: [{ skuId: o.items[0].skuId, qty: '1' }] }, 'items.0.qty'],
      [{ ...draft, unknown: true }, 'unknown'],
    ] as const) {
      const e = await fail(alice, 'preview', body as never);
      expect([e.code, e.status, e.field]).toEqual(['INVALID_INPUT', 400, field]);
    }
    const p = await ok(alice, 'preview', { ...draft, items: [{ skuId: 'not-on-order', qty: 1 }] });
    expect(p.violations.map((v) => [v.rule, v.code, v.field])).toEqual([['R30', 'INVALID_INPUT', 'items.0.skuId']]);
  });

  test('verify: every case action returns historyHead / historyCount, and verify holds the case to them', async () => {
    const alice = newBuyer();
    const c = await applied(alice);
    expect(c).toMatchObject({ historyCount: 1, historyHead: c.history[0].hash });
    const approved = await ok(OWNER, 'merchant.approve', { caseId: c._id });
    expect(approved).toMatchObject({ historyCount: 2, historyHead: approved.history[1].hash });
    expect(await ok(alice, 'verify', { caseId: c._id })).toEqual({ ok: true });
  });

  test('preview answers ok with the violations and creates nothing', async () => {
    const alice = newBuyer();
    const t = await now();
    const o = await seedOrder(alice, { deliveredAt: t - 16 * DAY_MS });
    const p = await ok(alice, 'preview', { orderId: o._id, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: o.items[0].skuId, qty: 1 }] });
    expect(p.eligible).toBe(false);
    expect(p.violations.map((v) => [v.rule, v.code])).toEqual([['R2', 'AFTER_SALE_WINDOW_EXPIRED']]);
    expect((await ok(alice, 'listMine', {})).items).toEqual([]);
    expect((await ok(alice, 'order.list', {})).items.map((x) => x._id)).toEqual([o._id]);
    expect((await ok(alice, 'order.get', { orderId: o._id })).shop._id).toBe(SHOP);
  });
});

describe('every rule code over HTTP, with its status', () => {
  test('CASE_ALREADY_OPEN 409 (R32), AMOUNT_EXCEEDS_LIMIT 422 (R11), AFTER_SALE_WINDOW_EXPIRED 422 (R2)', async () => {
    const alice = newBuyer();
    const o = await seedOrder(alice);
    await ok(alice, 'apply', await applyReq(alice, o));
    expect((await fail(alice, 'apply', await applyReq(alice, o))).status).toBe(409);
    const o2 = await seedOrder(alice);
    expect((await fail(alice, 'apply', await applyReq(alice, o2, { amountFen: 50_000 }))).code).toBe('AMOUNT_EXCEEDS_LIMIT');
    const late = await seedOrder(alice, { deliveredAt: (await now()) - 16 * DAY_MS });
    expect((await fail(alice, 'apply', await applyReq(alice, late))).code).toBe('AFTER_SALE_WINDOW_EXPIRED');
  });

  test('NOT_RETURNABLE (R14), LOGISTICS_EVIDENCE_MISSING (R9), EVIDENCE_REQUIRED (R15)', async () => {
    const alice = newBuyer();
    const card = await seedOrder(alice, { items: [line('card', { title: '视频会员月卡', kind: 'VIRTUAL', activated: true })] });
    expect((await fail(alice, 'apply', await applyReq(alice, card))).code).toBe('NOT_RETURNABLE');
    const o = await seedOrder(alice);
    expect((await fail(alice, 'apply', await applyReq(alice, o, { reason: 'LOGISTICS', evidence: [] }))).code).toBe(
      'LOGISTICS_EVIDENCE_MISSING',
    );
    const fresh = await seedOrder(alice, { items: [line('crab', { title: '阳澄湖大闸蟹', kind: 'FRESH' })] });
    expect((await fail(alice, 'apply', await applyReq(alice, fresh))).code).toBe('EVIDENCE_REQUIRED');
  });

  test('DISPUTE_DECIDED 422 (R24): no new case on a line the platform rejected; the platform pays at most the claim', async () => {
    const alice = newBuyer();
    const o = await seedOrder(alice, { paidFen: 21_000, items: [line('tshirt', { title: '纯棉T恤' }), line('mug', { title: '马克杯' })] });
    const c = await ok(alice, 'apply', await applyReq(alice, o, { amountFen: 100 }));
    await ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '照片看不出问题' });
    await ok(alice, 'escalate', { caseId: c._id, note: '照片里能看到开线' });
    const tooMuch = await fail(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', amountFen: 10_500, note: '支持退款' });
    expect([tooMuch.code, tooMuch.status, tooMuch.field]).toEqual(['AMOUNT_EXCEEDS_LIMIT', 422, 'amountFen']);
    expect((await ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'REJECT', note: '凭证不足以证明质量问题' })).status).toBe('CLOSED');
    const e = await fail(alice, 'apply', await applyReq(alice, o));
    expect([e.code, e.status, e.rule, e.field]).toEqual(['DISPUTE_DECIDED', 422, 'R24', 'items.0.skuId']);
    expect((await ok(alice, 'apply', await applyReq(alice, o, { items: [{ skuId: 'mug', qty: 1 }] }))).status).toBe('PENDING');
  });
});

describe('the lifecycle paths of SPEC §2', () => {
  test('refund only → REFUNDED, the buyer told of the decision and the refund', async () => {
    const alice = newBuyer();
    const c = await applied(alice);
    expect((await ok(OWNER, 'merchant.list', { status: 'PENDING' })).items.map((x) => x._id)).toContain(c._id);
    expect((await ok(STAFF, 'merchant.get', { caseId: c._id })).order._id).toBe(c.orderId);
    const approved = await ok(STAFF, 'merchant.approve', { caseId: c._id, note: '已同意，抱歉' });
    expect(approved.status).toBe('REFUNDING');
    await settle();
    const done = await caseOf(alice, c);
    expect(done.status).toBe('REFUNDED');
    expect(done.refunds).toEqual([expect.objectContaining({ outRefundNo: `${c._id}-1`, status: 'SUCCESS', settledAt: expect.any(Number) })]);
    expect(await ok(alice, 'verify', { caseId: c._id })).toEqual({ ok: true });
    const outbox = okData(await api.dev.outbox({ caseId: c._id }));
    expect(outbox.map((n) => n.templateKey)).toEqual(['autoReply', 'decision', 'refund']);
  });

  test('return → ship → confirm → REFUNDED', async () => {
    const alice = newBuyer();
    const c = await applied(alice, {}, { type: 'RETURN_REFUND', reason: 'NO_REASON' });
    const approved = await ok(OWNER, 'merchant.approve', { caseId: c._id });
    expect(approved.status).toBe('AWAITING_RETURN');
    expect(approved.returnAddress).toBeDefined();
    await ok(alice, 'shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: 'SF1400123456789' });
    expect((await ok(OWNER, 'merchant.confirmReturn', { caseId: c._id })).status).toBe('REFUNDING');
    await settle();
    expect((await caseOf(alice, c)).status).toBe('REFUNDED');
  });

  test('unsealed (R6) → negotiate → the buyer adds proof, the merchant offers, the buyer accepts', async () => {
    const alice = newBuyer();
    const c = await applied(alice, {}, { type: 'RETURN_REFUND', reason: 'NO_REASON' });
    await ok(OWNER, 'merchant.approve', { caseId: c._id });
    await ok(alice, 'shipReturn', { caseId: c._id, company: '中通快递', trackingNo: 'ZT7788990011' });
    const n = await ok(OWNER, 'merchant.confirmReturn', { caseId: c._id, unsealed: true });
    expect(n.status).toBe('NEGOTIATING');
    expect((await caseOf(alice, c)).lastError?.code).toBe('GOODS_UNSEALED');
    expect((await ok(alice, 'addEvidence', { caseId: c._id, evidence: [await upload(alice, 'proof')], note: '吊牌未拆' })).status).toBe(
      'PENDING',
    );
    await ok(STAFF, 'merchant.addEvidence', { caseId: c._id, evidence: [await upload(STAFF, 'qc_report')] });
    await ok(OWNER, 'merchant.offer', { caseId: c._id, amountFen: 4_000, note: '包装已拆，按八折退款' });
    const accepted = await ok(alice, 'acceptOffer', { caseId: c._id });
    expect(accepted).toMatchObject({ status: 'REFUNDING', approvedFen: 4_000 });
    await settle();
    expect((await caseOf(alice, c)).status).toBe('REFUNDED');
  });

  test('reject → escalate → the platform decides; a declined offer escalates too', async () => {
    const alice = newBuyer();
    const c = await applied(alice);
    await ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '照片看不出问题' });
    expect((await ok(alice, 'escalate', { caseId: c._id, note: '照片里能看到开线' })).status).toBe('ESCALATED');
    expect((await ok(REVIEWER, 'platform.list', {})).items.map((x) => x._id)).toContain(c._id);
    expect((await ok(REVIEWER, 'platform.get', { caseId: c._id })).order._id).toBe(c.orderId);
    const decided = await ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', note: '凭证可见开线，支持退款' });
    expect(decided).toMatchObject({ status: 'REFUNDING', overturned: true });

    const bob = newBuyer();
    const d = await applied(bob);
    await ok(OWNER, 'merchant.offer', { caseId: d._id, amountFen: 1_000, note: '补偿10元' });
    expect((await ok(bob, 'declineOffer', { caseId: d._id })).status).toBe('ESCALATED');
    expect((await ok(REVIEWER, 'platform.decide', { caseId: d._id, decision: 'REJECT', note: '商家方案合理' })).status).toBe('CLOSED');
  });

  test('R5: an unverified shop → REFUND_FAILED; verified, the timer retries → REFUNDED', async () => {
    const alice = newBuyer();
    const c = await applied(alice, { shopId: UNVERIFIED_SHOP });
    const failed = await ok(NEW_OWNER, 'merchant.approve', { caseId: c._id });
    expect(failed).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL' }, refunds: [] });
    asLastError.add('MERCHANT_ACCOUNT_ABNORMAL');
    okData(await api.dev.seed({ shops: [{ ...SHOPS.find((s) => s._id === UNVERIFIED_SHOP)!, verified: true }] }));
    await advance(10 * 60_000);
    okData(await api.dev.run('autoApprove'));
    expect((await caseOf(alice, c)).status).toBe('REFUNDING');
    await settle();
    expect((await caseOf(alice, c)).status).toBe('REFUNDED');
  });

  test('R4: a credit-card refund is refused; the merchant retries to a designated account', async () => {
    const alice = newBuyer();
    const c = await applied(alice, { payChannel: 'CREDIT_CARD' });
    expect((await ok(OWNER, 'merchant.approve', { caseId: c._id })).lastError?.code).toBe('PAYMENT_CHANNEL_RESTRICTED');
    asLastError.add('PAYMENT_CHANNEL_RESTRICTED');
    await advance(2 * 60_000);
    const retried = (await ok(OWNER, 'merchant.retryRefund', { caseId: c._id, refundMethod: 'DESIGNATED_ACCOUNT', account: '6222020200112233' })) as AfterSaleCase;
    expect(retried.refunds[1]).toMatchObject({ outRefundNo: `${c._id}-2`, method: 'DESIGNATED_ACCOUNT' });
    await settle();
    const after = await caseOf(alice, c);
    if (TEST_BACKEND === 'cloud-sim') {
      // cloudPay pays back only along the original payment: on the cloud path the designated account is
      // the merchant's own transfer, and the case says so instead of pretending the money moved.
      expect(after).toMatchObject({ status: 'REFUND_FAILED', lastError: { code: 'REFUND_ABNORMAL' } });
      expect(after.lastError?.message).toContain('指定账户');
      expect(after.refunds.filter((r) => r.status === 'SUCCESS')).toHaveLength(0);
    } else {
      expect(after.status).toBe('REFUNDED');
    }
  });

  test('a gateway ABNORMAL waits for the merchant; a CLOSED one is retried by the timer', async () => {
    const alice = newBuyer();
    const abnormal = await applied(alice, { refundScenario: 'ABNORMAL' });
    const closed = await applied(alice, { refundScenario: 'CLOSED' });
    await ok(OWNER, 'merchant.approve', { caseId: abnormal._id });
    await ok(OWNER, 'merchant.approve', { caseId: closed._id });
    await settle();
    expect((await caseOf(alice, abnormal)).lastError?.code).toBe('REFUND_ABNORMAL');
    expect((await caseOf(alice, closed)).lastError?.code).toBe('REFUND_CLOSED');
    await advance(2 * 60_000);
    okData(await api.dev.run('autoApprove'));
    expect((await caseOf(alice, abnormal)).status).toBe('REFUND_FAILED');
    expect((await caseOf(alice, closed)).status).toBe('REFUNDING');
    await ok(OWNER, 'merchant.retryRefund', { caseId: abnormal._id });
    await advance(2 * 60_000);
    await settle();
    expect((await caseOf(alice, abnormal)).status).toBe('REFUNDED');
    expect((await caseOf(alice, closed)).status).toBe('REFUNDED');
  });

  test('R8: reported not received before 48 h → REFUND_SYNC_DELAYED; after → a ticket naming the outRefundNo', async () => {
    const alice = newBuyer();
    const c = await applied(alice);
    await ok(OWNER, 'merchant.approve', { caseId: c._id });
    await settle();
    const refunded = await caseOf(alice, c);
    const e = await fail(alice, 'reportNotReceived', { caseId: c._id });
    expect([e.code, e.status]).toEqual(['REFUND_SYNC_DELAYED', 422]);
    okData(await api.dev.clock(refunded.refunds[0].settledAt! + 48 * HOUR_MS));
    const reported = await ok(alice, 'reportNotReceived', { caseId: c._id });
    expect(reported.messages.at(-1)?.text).toContain(`${c._id}-1`);
    const tickets = okData(await api.get<{ outRefundNo: string }[]>(`/__dev/tickets?caseId=${c._id}`));
    expect(tickets.map((t) => t.outRefundNo)).toEqual([`${c._id}-1`]);
  });

  test('the buyer cancels; a second cancel and a late approve get CASE_STATE_CHANGED 409', async () => {
    const alice = newBuyer();
    const c = await applied(alice);
    expect((await ok(alice, 'cancel', { caseId: c._id })).status).toBe('CANCELLED');
    expect((await fail(alice, 'cancel', { caseId: c._id })).code).toBe('CASE_STATE_CHANGED');
    expect((await fail(OWNER, 'merchant.approve', { caseId: c._id })).status).toBe(409);
  });
});

describe('exchange (SPEC §5)', () => {
  const exchangeReq = { type: 'EXCHANGE' as const, reason: 'NO_REASON' as const, amountFen: 0, exchangeNote: '换L码' };

  test('exchange → ship back → receive → reship → confirmReceipt → EXCHANGED, no refund', async () => {
    const alice = newBuyer();
    const c = await applied(alice, {}, exchangeReq);
    expect(c).toMatchObject({ type: 'EXCHANGE', amountFen: 0, feeFen: 0, exchangeNote: '换L码' });
    await ok(OWNER, 'merchant.approve', { caseId: c._id });
    await ok(alice, 'shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect((await ok(STAFF, 'merchant.confirmReturn', { caseId: c._id })).status).toBe('AWAITING_RESHIP');
    expect((await ok(STAFF, 'merchant.reship', { caseId: c._id, company: '中通快递', trackingNo: 'ZT9876543210' })).status).toBe('RESHIPPED');
    const done = await ok(alice, 'confirmReceipt', { caseId: c._id });
    expect([done.status, done.refunds.length]).toEqual(['EXCHANGED', 0]);
    expect(await ok(alice, 'verify', { caseId: c._id })).toEqual({ ok: true });
  });

  test('out of stock: merchant.convertToRefund → REFUNDING → REFUNDED', async () => {
    const alice = newBuyer();
    const c = await applied(alice, {}, exchangeReq);
    await ok(OWNER, 'merchant.approve', { caseId: c._id });
    await ok(alice, 'shipReturn', { caseId: c._id, company: '顺丰速运', trackingNo: 'SF1234567891' });
    await ok(OWNER, 'merchant.confirmReturn', { caseId: c._id });
    const converted = await ok(OWNER, 'merchant.convertToRefund', { caseId: c._id, note: 'L码已无货' });
    expect(converted).toMatchObject({ status: 'REFUNDING', approvedFen: 5_000 });
    await settle();
    expect((await caseOf(alice, c)).status).toBe('REFUNDED');
  });
});

describe('the timer (POST /__dev/run/autoApprove)', () => {
  test('48 h after applying the case is approved; run twice, one refund', async () => {
    const alice = newBuyer();
    const c = await applied(alice);
    await advance(48 * HOUR_MS + 1_000);
    const [a, b] = await Promise.all([api.dev.run('autoApprove'), api.dev.run('autoApprove')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    okData(await api.dev.run('autoApprove'));
    const s = await caseOf(alice, c);
    expect(s).toMatchObject({ status: 'REFUNDING', approvedBy: 'TIMEOUT' });
    expect(s.refunds).toHaveLength(1);
    expect(s.history.filter((h) => h.action === 'AUTO_APPROVE')).toHaveLength(1);
    await settle();
    expect((await caseOf(alice, c)).status).toBe('REFUNDED');
  });

  test('the autoApprove function answers with its report', async () => {
    const r = await api.post<{ approved: number; batches: number; remaining: boolean }>('/api/autoApprove', {});
    expect(r.status).toBe(200);
    expect(okData(r)).toMatchObject({ approved: expect.any(Number), remaining: false });
  });
});

describe('merchant and platform extras', () => {
  test('stats, settings (OWNER only), risk lift', async () => {
    const t = await now();
    const stats = await ok(STAFF, 'merchant.stats', { from: t - 30 * DAY_MS, to: t + DAY_MS });
    expect(stats.totalCases).toBeGreaterThan(0);
    expect(stats.csv.split('\r\n').length).toBeGreaterThan(2);
    expect((await ok(STAFF, 'merchant.settings.get', {})).shop._id).toBe(SHOP);
    expect((await fail(STAFF, 'merchant.settings.set', { hotline: '13800138000' })).status).toBe(403);
    expect((await ok(OWNER, 'merchant.settings.set', { hotline: '13800138000' })).settings.hotline).toBe('13800138000');
    expect((await fail(OWNER, 'merchant.settings.set', { hotline: '800-820-8820' })).field).toBe('hotline');
    // Subscribe-message keys: each template's map is stored whole; a key WeChat does not know, or of a
    // type its value cannot fill, is refused naming the field, and nothing is stored.
    const fields = { decision: { progress: 'thing2', amount: 'amount4', result: 'phrase1', time: 'date3' }, refund: { progress: 'thing1', caseNo: 'character_string2' } };
    expect((await ok(OWNER, 'merchant.settings.set', { subscribeTemplateFields: fields })).settings.subscribeTemplateFields).toEqual(fields);
    const badKey = await fail(OWNER, 'merchant.settings.set', { subscribeTemplateFields: { ...fields, decision: { progress: 'title1' } } });
    expect(badKey).toMatchObject({ code: 'INVALID_INPUT', field: 'subscribeTemplateFields.decision.progress', message: expect.stringContaining('「title1」不是订阅消息的字段') });
    const misfit = await fail(OWNER, 'merchant.settings.set', { subscribeTemplateFields: { ...fields, refund: { progress: 'thing1', amount: 'time2' } } });
    expect(misfit).toMatchObject({ field: 'subscribeTemplateFields.refund.amount', message: expect.stringContaining('可用的类型：amount、number、thing') });
    expect((await fail(OWNER, 'merchant.settings.set', { subscribeTemplateFields: { decision: fields.decision } } as never)).field).toBe('subscribeTemplateFields.refund');
    expect((await ok(STAFF, 'merchant.settings.get', {})).settings.subscribeTemplateFields).toEqual(fields);
    const lifted = await ok(REVIEWER, 'platform.liftRisk', { openid: newBuyer(), note: '申诉材料已核实' });
    expect(lifted.liftedAt).toBeGreaterThanOrEqual(t);
  });
});

describe('SPEC §7 demo checkout', () => {
  test('shop.get, order.create, order.pay, merchant.orders, merchant.ship, order.confirmReceipt; order.cancel refunds in full', async () => {
    const buyer = newBuyer();
    const shop = await ok(buyer, 'shop.get', { shopId: SHOP });
    expect(shop.products.map((p) => p.skuId)).toEqual(['tshirt', 'pillow']);
    const created = await ok(buyer, 'order.create', { shopId: SHOP, items: [{ skuId: 'tshirt', qty: 1 }] });
    await ok(buyer, 'order.pay', { orderId: created._id });
    okData(await api.dev.run('refundNotify'));
    expect((await ok(buyer, 'order.get', { orderId: created._id })).status).toBe('PAID');
    expect((await ok(STAFF, 'merchant.orders', { status: 'PAID' })).items.map((o) => o._id)).toContain(created._id);
    expect((await ok(STAFF, 'merchant.ship', { orderId: created._id, company: '顺丰速运', trackingNo: 'SF1234567890' })).status).toBe('SHIPPED');
    expect((await ok(buyer, 'order.confirmReceipt', { orderId: created._id })).status).toBe('DELIVERED');

    const second = await ok(buyer, 'order.create', { shopId: SHOP, items: [{ skuId: 'pillow', qty: 2 }] });
    await ok(buyer, 'order.pay', { orderId: second._id });
    okData(await api.dev.run('refundNotify'));
    const cancelled = await ok(buyer, 'order.cancel', { orderId: second._id });
    expect(cancelled.refunds).toEqual([expect.objectContaining({ outRefundNo: `${second._id}-1`, amountFen: 39_800 })]);
    expect((await fail(buyer, 'order.cancel', { orderId: second._id })).status).toBe(422);
  });
});

// These two read what the tests above met, so they only mean something when the whole file runs.
describe('coverage of the contract', () => {
  test('every action answered ok:true over HTTP', () => {
    expect(ACTION_NAMES.filter((a) => !answered.has(a))).toEqual([]);
  });

  test('every error code met, as a reply with its HTTP status or as a case’s lastError', () => {
    const met = new Set<string>([...replied.keys(), ...asLastError]);
    // INTERNAL_ERROR is what an unexpected exception becomes; nothing in the contract may cause one.
    expect(ERROR_CODES.filter((c) => c !== 'INTERNAL_ERROR' && !met.has(c))).toEqual([]);
    for (const [code, status] of replied) expect([code, status]).toEqual([code, HTTP_STATUS[code]]);
  });
});
