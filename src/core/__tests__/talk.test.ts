/** SPEC §6: message, proof after a rejection and during the platform's review, requestEvidence, modify. */
import type { ApplyRequest } from '../../../types/api';
import type { Actor, AfterSaleCase } from '../../../types/domain';
import { verifyCase } from '../chain';
import type { CaseEvent, Effect, TransitionContext, TransitionResult } from '../context';
import { allowedEvents, openCase, transition } from '../lifecycle';
import { checkApplication } from '../rules';
import { LIMITS } from '../settings';
import { DAY_MS, HOUR_MS } from '../time';
import { BUYER, caught, makeCase, makeCtx, makeDraft, makeEvidence, makeOrder, T0 } from './fixtures';

const MERCHANT = 'o_merchant_1';
const PLATFORM = 'o_platform_1';

function tctx(actor: Actor, over: Partial<TransitionContext> = {}): TransitionContext {
  const callerOpenid = actor === 'BUYER' ? BUYER : actor === 'MERCHANT' ? MERCHANT : actor === 'PLATFORM' ? PLATFORM : 'system';
  return { ...makeCtx({ callerOpenid }), actor, ...over };
}

function run(c: AfterSaleCase, ev: CaseEvent, actor: Actor, over: Partial<TransitionContext> = {}): TransitionResult {
  return transition(c, ev, tctx(actor, { orderCases: [c], buyerCaseTimes: [c.createdAt], ...over }));
}

function request(over: Partial<ApplyRequest> = {}): ApplyRequest {
  return { ...makeDraft(), amountFen: 5_000, description: '衣服领口有破洞', evidence: [], idempotencyKey: 'k1', ...over } as ApplyRequest;
}

/** A case opened at T0 through openCase (R17's auto-reply is its first message). */
function opened(over: Partial<ApplyRequest> = {}): AfterSaleCase {
  return openCase(makeCtx(), request(over), { caseId: 'AS1' }).case;
}

function rejected(): AfterSaleCase {
  return run(opened(), { type: 'REJECT', reasonCode: 'NO_EVIDENCE', note: '请补充领口破洞的照片' }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
}

function escalated(): AfterSaleCase {
  return run(rejected(), { type: 'ESCALATE', note: '照片已在聊天里发过' }, 'BUYER', { now: T0 + 2 * HOUR_MS }).case;
}

function effectsOf<T extends Effect['type']>(r: TransitionResult, type: T): Extract<Effect, { type: T }>[] {
  return r.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}

const say = (text: string, evidence?: Extract<CaseEvent, { type: 'MESSAGE' }>['evidence']): CaseEvent => ({
  type: 'MESSAGE',
  text,
  evidence,
});

describe('message (SPEC §6)', () => {
  it('appends the trimmed text with its sender, chains it, and tells the other party; no deadline or timer moves', () => {
    const c = opened();
    const r = run(c, say('  领口这里是线头松了吗？  '), 'BUYER', { now: T0 + 10 });
    expect(r.case.status).toBe('PENDING');
    expect(r.case.messages.at(-1)).toEqual({ at: T0 + 10, from: 'BUYER', text: '领口这里是线头松了吗？' });
    expect(r.case.deadlineAt).toBe(c.deadlineAt);
    expect(r.case.timerAt).toBe(c.timerAt);
    expect(r.case.history.at(-1)).toMatchObject({ action: 'MESSAGE', actor: 'BUYER', from: 'PENDING', to: 'PENDING', data: { text: '领口这里是线头松了吗？' } });
    expect(verifyCase(r.case)).toEqual({ ok: true });
    expect(effectsOf(r, 'NOTIFY_SHOP')[0].notification.text).toContain('领口这里是线头松了吗？');
    expect(effectsOf(r, 'NOTIFY')).toEqual([]);
    const reply = run(r.case, say('是的，给您补发一件'), 'MERCHANT', { now: T0 + 20 });
    expect(reply.case.messages.at(-1)).toMatchObject({ from: 'MERCHANT', text: '是的，给您补发一件' });
    expect(effectsOf(reply, 'NOTIFY')[0].notification).toMatchObject({ toOpenid: BUYER, templateKey: 'message' });
    expect(effectsOf(reply, 'NOTIFY_SHOP')).toEqual([]);
  });

  it('takes 1–500 characters after trimming, an emoji counting as one', () => {
    const c = opened();
    expect(caught(() => run(c, say('   '), 'BUYER')).field).toBe('text');
    expect(run(c, say('好'.repeat(500)), 'BUYER').case.messages.at(-1)?.text).toHaveLength(500);
    expect(run(c, say('😀'.repeat(500)), 'BUYER').case.messages).toHaveLength(c.messages.length + 1);
    expect(caught(() => run(c, say('好'.repeat(501)), 'BUYER'))).toMatchObject({ code: 'INVALID_INPUT', field: 'text' });
  });

  it('allows 50 message calls per party per case; the 51st is INVALID_INPUT; SYSTEM messages and action notes do not count', () => {
    let c = opened();
    for (let i = 0; i < LIMITS.maxMessagesPerParty; i += 1) c = run(c, say(`第${i + 1}条`), 'BUYER', { now: T0 + i }).case;
    const before = c.messages.length;
    expect(caught(() => run(c, say('第51条'), 'BUYER'))).toMatchObject({ code: 'INVALID_INPUT', field: 'text' });
    // The shop still has all of its 50, and a request for proof is an action note.
    c = run(c, { type: 'REQUEST_EVIDENCE', note: '请拍一下领口' }, 'MERCHANT', { now: T0 + 100 }).case;
    expect(run(c, say('收到'), 'MERCHANT').case.messages).toHaveLength(before + 2);
  });

  it('sends evidence that counts toward R22 for the sender’s party only', () => {
    const c = opened({ evidence: makeEvidence(8) });
    const two = makeEvidence(2).map((e, i) => ({ ...e, fileId: `local://evidence/${BUYER}/m${i}.jpg` }));
    expect(caught(() => run(c, say('再发两张', two), 'BUYER'))).toMatchObject({ code: 'INVALID_INPUT', field: 'evidence', rule: 'R22' });
    const one = run(c, say('再发一张', two.slice(0, 1)), 'BUYER', { now: T0 + 5 });
    expect(one.case.messages.at(-1)?.evidence).toEqual([expect.objectContaining({ fileId: two[0].fileId, by: 'BUYER', at: T0 + 5 })]);
    expect(one.case.evidence).toHaveLength(9);
    // The shop's photos are its own nine.
    const shopPhotos = makeEvidence(9, 'image', 'qc_report', MERCHANT);
    expect(run(one.case, say('质检照片', shopPhotos), 'MERCHANT').case.evidence).toHaveLength(18);
    // Another buyer's files are not the sender's.
    expect(caught(() => run(c, say('别人的图', makeEvidence(1, 'image', undefined, 'o_other')), 'BUYER')).field).toBe('evidence.0.fileId');
  });

  it('the platform talks only on an escalated case, and both sides hear it', () => {
    expect(caught(() => run(opened(), say('平台提醒'), 'PLATFORM')).code).toBe('CASE_STATE_CHANGED');
    const e = escalated();
    const r = run(e, say('请双方补充聊天记录'), 'PLATFORM', { now: T0 + 3 * HOUR_MS });
    expect(r.case.messages.at(-1)).toMatchObject({ from: 'PLATFORM', text: '请双方补充聊天记录' });
    expect(effectsOf(r, 'NOTIFY')).toHaveLength(1);
    expect(effectsOf(r, 'NOTIFY_SHOP')).toHaveLength(1);
  });

  it('on a case that is not open: CASE_STATE_CHANGED', () => {
    const cancelled = run(opened(), { type: 'CANCEL' }, 'BUYER').case;
    expect(caught(() => run(cancelled, say('还在吗'), 'BUYER')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(cancelled, say('在的'), 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
    expect(allowedEvents(cancelled, 'BUYER')).toEqual([]);
  });

  it('a message on a refund in flight does not put off the gateway query', () => {
    const paying = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
    expect(paying.status).toBe('REFUNDING');
    const r = run(paying, say('大概多久到账？'), 'BUYER', { now: T0 + 2 * HOUR_MS });
    expect(r.case.timerAt).toBe(paying.timerAt);
  });
});

describe('buyer addEvidence after a rejection and during the platform’s review (SPEC §6)', () => {
  it('REJECTED inside the 7-day window: added, status and deadline unchanged, the shop told', () => {
    const c = rejected();
    const r = run(c, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: makeEvidence(2, 'image', 'proof'), note: '补拍了破洞' }, 'BUYER', { now: c.deadlineAt as number });
    expect(r.case).toMatchObject({ status: 'REJECTED', deadlineAt: c.deadlineAt, timerAt: c.timerAt, rejection: c.rejection });
    expect(r.case.evidence).toHaveLength(2);
    expect(effectsOf(r, 'NOTIFY_SHOP')).toHaveLength(1);
  });

  it('REJECTED after its window: CASE_STATE_CHANGED', () => {
    const c = rejected();
    const late = (c.deadlineAt as number) + 1;
    expect(caught(() => run(c, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: makeEvidence(1) }, 'BUYER', { now: late })).code).toBe('CASE_STATE_CHANGED');
    expect(allowedEvents(c, 'BUYER', late)).not.toContain('ADD_EVIDENCE');
  });

  it('ESCALATED: added for the platform to see, the platform’s deadline unchanged', () => {
    const c = escalated();
    const r = run(c, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: makeEvidence(1, 'video', 'unboxing') }, 'BUYER', { now: T0 + 5 * HOUR_MS });
    expect(r.case).toMatchObject({ status: 'ESCALATED', deadlineAt: c.deadlineAt, tier: c.tier });
    expect(r.case.evidence.at(-1)).toMatchObject({ kind: 'video', by: 'BUYER' });
    // The shop adds nothing here through addEvidence (its word goes in a message).
    expect(caught(() => run(c, { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: makeEvidence(1, 'image', 'qc_report', MERCHANT) }, 'MERCHANT')).code).toBe(
      'CASE_STATE_CHANGED',
    );
  });

  it('NEGOTIATING on an offer: added without moving the case (R6’s unsealed goods still go back to the merchant)', () => {
    const offered = run(opened(), { type: 'OFFER', amountFen: 3_000, note: '按六折退' }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
    const r = run(offered, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: makeEvidence(1) }, 'BUYER', { now: T0 + 2 * HOUR_MS });
    expect(r.case).toMatchObject({ status: 'NEGOTIATING', deadlineAt: offered.deadlineAt, offer: offered.offer });
  });
});

describe('merchant.requestEvidence (SPEC §6)', () => {
  it('a MERCHANT message and evidenceRequest until the buyer next adds evidence; the buyer is told; no deadline moves', () => {
    const c = opened();
    const r = run(c, { type: 'REQUEST_EVIDENCE', note: '  请拍一张领口破洞的近照  ' }, 'MERCHANT', { now: T0 + HOUR_MS });
    expect(r.case).toMatchObject({ status: 'PENDING', deadlineAt: c.deadlineAt, timerAt: c.timerAt, evidenceRequest: { at: T0 + HOUR_MS, note: '请拍一张领口破洞的近照' } });
    expect(r.case.messages.at(-1)).toMatchObject({ from: 'MERCHANT', text: '请拍一张领口破洞的近照' });
    expect(effectsOf(r, 'NOTIFY')[0].notification).toMatchObject({ toOpenid: BUYER, templateKey: 'message' });
    expect(effectsOf(r, 'NOTIFY')[0].notification.text).toContain('请拍一张领口破洞的近照');
    // A message without photos leaves the request open; photos (by message or addEvidence) answer it.
    const talk = run(r.case, say('好的稍等'), 'BUYER', { now: T0 + 2 * HOUR_MS }).case;
    expect(talk.evidenceRequest).toBeDefined();
    const answered = run(talk, { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: makeEvidence(1) }, 'BUYER', { now: T0 + 3 * HOUR_MS }).case;
    expect(answered.evidenceRequest).toBeUndefined();
    const viaMessage = run(talk, say('照片', makeEvidence(1)), 'BUYER', { now: T0 + 3 * HOUR_MS }).case;
    expect(viaMessage.evidenceRequest).toBeUndefined();
  });

  it('only on PENDING or NEGOTIATING, with a note', () => {
    expect(caught(() => run(opened(), { type: 'REQUEST_EVIDENCE', note: '  ' }, 'MERCHANT')).field).toBe('note');
    expect(caught(() => run(rejected(), { type: 'REQUEST_EVIDENCE', note: '请补充照片' }, 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(opened(), { type: 'REQUEST_EVIDENCE', note: '请补充照片' }, 'BUYER')).code).toBe('CASE_STATE_CHANGED');
    const offered = run(opened(), { type: 'OFFER', amountFen: 3_000, note: '六折' }, 'MERCHANT', { now: T0 + HOUR_MS }).case;
    expect(run(offered, { type: 'REQUEST_EVIDENCE', note: '请补充照片' }, 'MERCHANT').case.status).toBe('NEGOTIATING');
  });
});

describe('modify (SPEC §6)', () => {
  const modify = (changes: Extract<CaseEvent, { type: 'MODIFY' }>['changes']): CaseEvent => ({ type: 'MODIFY', changes });

  it('PENDING: checked, changed, a new 48 h, history names what changed, the shop is told, verify still holds', () => {
    const c = opened();
    const now = T0 + 10 * HOUR_MS;
    const r = run(c, modify({ amountFen: 4_000, description: '领口破洞，袖口也开线', evidence: makeEvidence(1, 'image', 'proof') }), 'BUYER', { now });
    expect(r.case).toMatchObject({ status: 'PENDING', amountFen: 4_000, description: '领口破洞，袖口也开线', deadlineAt: now + 48 * HOUR_MS, timerAt: now + 48 * HOUR_MS });
    expect(r.case.evidence).toEqual([expect.objectContaining({ by: 'BUYER', at: now, tag: 'proof' })]);
    expect(r.case.history.at(-1)).toMatchObject({ action: 'MODIFY', actor: 'BUYER', from: 'PENDING', to: 'PENDING' });
    expect(r.case.history.at(-1)?.data?.changed).toEqual(['amountFen', 'description', 'evidence']);
    expect(effectsOf(r, 'NOTIFY_SHOP')[0].notification.text).toContain('退款金额');
    expect(verifyCase(r.case)).toEqual({ ok: true });
    // R20's fee follows the new amount.
    expect(r.case.feeFen).toBe(24);
  });

  it('REJECTED inside the window: back to PENDING without the rejection; after it: CASE_STATE_CHANGED', () => {
    const c = rejected();
    const r = run(c, modify({ evidence: makeEvidence(2, 'image', 'proof') }), 'BUYER', { now: c.deadlineAt as number });
    expect(r.case.status).toBe('PENDING');
    expect(r.case.rejection).toBeUndefined();
    expect(r.case.history.at(-1)).toMatchObject({ from: 'REJECTED', to: 'PENDING', data: expect.objectContaining({ changed: ['evidence'] }) });
    expect(caught(() => run(c, modify({ amountFen: 4_000 }), 'BUYER', { now: (c.deadlineAt as number) + 1 })).code).toBe('CASE_STATE_CHANGED');
    expect(caught(() => run(escalated(), modify({ amountFen: 4_000 }), 'BUYER')).code).toBe('CASE_STATE_CHANGED');
  });

  it('at most 3 modifications; the 4th is RISK_CONTROL_TRIGGERED, and a refused one does not count', () => {
    let c = opened();
    expect(caught(() => run(c, modify({ amountFen: 999_999 }), 'BUYER')).code).toBe('AMOUNT_EXCEEDS_LIMIT');
    for (const amountFen of [4_000, 3_000, 2_000]) c = run(c, modify({ amountFen }), 'BUYER').case;
    expect(caught(() => run(c, modify({ amountFen: 1_000 }), 'BUYER'))).toMatchObject({ code: 'RISK_CONTROL_TRIGGERED' });
  });

  it('a modification that changes nothing is INVALID_INPUT', () => {
    const c = opened();
    expect(caught(() => run(c, modify({ amountFen: c.amountFen, description: c.description }), 'BUYER')).code).toBe('INVALID_INPUT');
  });

  it('is checked as a new application: R11 on the new items, R9 on a new reason, R30 on a foreign SKU', () => {
    const c = opened();
    expect(caught(() => run(c, modify({ items: [{ skuId: 'sku_a', qty: 3 }] }), 'BUYER'))).toMatchObject({ code: 'AMOUNT_EXCEEDS_LIMIT', field: 'items.0.qty' });
    const noTracking = { order: makeOrder({ logistics: undefined }) };
    expect(caught(() => run(c, modify({ reason: 'LOGISTICS' }), 'BUYER', noTracking)).code).toBe('LOGISTICS_EVIDENCE_MISSING');
    expect(run(c, modify({ reason: 'LOGISTICS', evidence: makeEvidence(1, 'image', 'logistics') }), 'BUYER', noTracking).case.reason).toBe('LOGISTICS');
    expect(caught(() => run(c, modify({ items: [{ skuId: 'nope', qty: 1 }] }), 'BUYER')).field).toBe('items.0.skuId');
    const both = run(c, modify({ items: [{ skuId: 'sku_a', qty: 2 }, { skuId: 'sku_b', qty: 1 }], amountFen: 16_000 }), 'BUYER').case;
    expect(both).toMatchObject({ amountFen: 16_000, coversShipping: true, itemTitles: ['纯棉T恤', '陶瓷马克杯'] });
  });

  it('judges R2 and R31 at the case’s createdAt', () => {
    const c = opened();
    // 14 days after T0 the 15-day window (delivered T0 − 2 d) has closed for a new application, not for this case.
    const later = T0 + 14 * DAY_MS;
    expect(checkApplication(makeCtx({ now: later }), makeDraft()).map((v) => v.rule)).toContain('R2');
    expect(run(c, modify({ amountFen: 4_500 }), 'BUYER', { now: later }).case.amountFen).toBe(4_500);
  });

  it('the case itself does not count toward R7 or R32', () => {
    const c = opened();
    // Two other cases in 30 days plus this one: a new application would be refused (R7), the modification is not.
    const times = [T0 - DAY_MS, T0 - 2 * DAY_MS, c.createdAt];
    expect(run(c, modify({ amountFen: 4_000 }), 'BUYER', { buyerCaseTimes: times }).case.amountFen).toBe(4_000);
    expect(caught(() => run(c, modify({ amountFen: 4_000 }), 'BUYER', { buyerCaseTimes: [T0 - DAY_MS, ...times] })).code).toBe('RISK_CONTROL_TRIGGERED');
    // Its own open claim on sku_a is not "another open case" (R32).
    expect(run(c, modify({ items: [{ skuId: 'sku_a', qty: 2 }], amountFen: 10_000 }), 'BUYER').case.items).toEqual([{ skuId: 'sku_a', qty: 2 }]);
    // Another open case on sku_b is.
    const other = makeCase({ _id: 'other', items: [{ skuId: 'sku_b', qty: 1 }] });
    expect(caught(() => run(c, modify({ items: [{ skuId: 'sku_b', qty: 1 }] }), 'BUYER', { orderCases: [c, other] })).code).toBe('CASE_ALREADY_OPEN');
  });

  it('R32’s 5 per line counts every line the case ever named', () => {
    const c = opened();
    const moved = run(c, modify({ items: [{ skuId: 'sku_b', qty: 1 }] }), 'BUYER').case;
    expect(moved.linesEver?.sort()).toEqual(['sku_a', 'sku_b']);
    // Four closed cases on sku_a + this one that named it once: sku_a has had 5.
    const closed = [1, 2, 3, 4].map((i) => makeCase({ _id: `closed_${i}`, status: 'CLOSED' }));
    const cancelled = run(moved, { type: 'CANCEL' }, 'BUYER').case;
    const v = checkApplication(makeCtx({ orderCases: [...closed, cancelled] }), makeDraft());
    expect(v.map((x) => [x.rule, x.code])).toContainEqual(['R32', 'RISK_CONTROL_TRIGGERED']);
    expect(checkApplication(makeCtx({ orderCases: closed }), makeDraft()).map((x) => x.rule)).not.toContain('R32');
  });

  it('changing to an exchange takes the note and no money; evidence given is named by its own index', () => {
    const c = opened({ reason: 'NO_REASON', description: '尺码偏小' });
    const ex = run(c, modify({ type: 'EXCHANGE', exchangeNote: '换L码' }), 'BUYER').case;
    expect(ex).toMatchObject({ type: 'EXCHANGE', amountFen: 0, feeFen: 0, exchangeNote: '换L码' });
    expect(ex.history.at(-1)?.data?.changed).toEqual(['type', 'amountFen', 'exchangeNote']);
    const withOwn = opened({ evidence: makeEvidence(2) });
    expect(caught(() => run(withOwn, modify({ evidence: makeEvidence(1, 'image', 'proof', 'o_other') }), 'BUYER')).field).toBe('evidence.0.fileId');
  });

  it('only the buyer modifies', () => {
    expect(caught(() => run(opened(), modify({ amountFen: 4_000 }), 'MERCHANT')).code).toBe('CASE_STATE_CHANGED');
  });
});
