import fc from 'fast-check';
import type { ApplyRequest } from '../../../types/api';
import type { Actor, AfterSaleCase, CaseStatus, Reason } from '../../../types/domain';
import { ACTORS, CASE_STATUSES, REJECT_REASON_CODES } from '../../../types/domain';
import { appendHistory, verifyChain } from '../chain';
import type { CaseEvent, CaseEventType, TransitionContext } from '../context';
import { DomainError } from '../errors';
import { allowedEvents, openCase, transition, TRANSITIONS } from '../lifecycle';
import { maxRefundableFen } from '../preview';
import { percentOf } from '../money';
import { LIMITS } from '../settings';
import { DAY_MS, HOUR_MS } from '../time';
import { BUYER, makeAttempt, makeCase, makeCtx, makeDraft, makeEvidence, makeOrder, makeShop, T0 } from './fixtures';

const MERCHANT = 'o_merchant_1';
const EVENT_TYPES: readonly CaseEventType[] = [
  'APPROVE',
  'REJECT',
  'OFFER',
  'CANCEL',
  'ACCEPT_OFFER',
  'DECLINE_OFFER',
  'OFFER_TIMEOUT',
  'ADD_EVIDENCE',
  'SHIP_RETURN',
  'SHIP_TIMEOUT',
  'CONFIRM_RETURN',
  'ESCALATE',
  'ESCALATE_TIMEOUT',
  'PLATFORM_DECIDE',
  'PLATFORM_OVERDUE',
  'REFUND_REFUSED',
  'REFUND_RESULT',
  'RETRY_REFUND',
  'REPORT_NOT_RECEIVED',
  'RESHIP',
  'CONVERT_TO_REFUND',
  'CONFIRM_RECEIPT',
  'MESSAGE',
  'REQUEST_EVIDENCE',
  'MODIFY',
];

function openidOf(actor: Actor): string {
  return actor === 'BUYER' ? BUYER : actor === 'MERCHANT' ? MERCHANT : `o_${actor.toLowerCase()}`;
}

function ctxFor(actor: Actor, now: number, over: Partial<TransitionContext> = {}): TransitionContext {
  return { ...makeCtx({ now, callerOpenid: openidOf(actor) }), actor, ...over };
}

/** A well-formed event of `type`, naming `actor` inside it (by / via) when the actor can be named. */
function eventOf(type: CaseEventType, actor: Actor, c: AfterSaleCase, n: number): CaseEvent {
  const latest = c.refunds[c.refunds.length - 1]?.outRefundNo ?? `${c._id}-1`;
  const party = actor === 'MERCHANT' ? 'MERCHANT' : 'BUYER';
  switch (type) {
    case 'APPROVE':
      return actor === 'SYSTEM' ? { type, via: n % 2 === 0 ? 'TIMEOUT' : 'QUICK_REFUND' } : { type, via: 'MERCHANT' };
    case 'REJECT':
      return { type, reasonCode: REJECT_REASON_CODES[n % REJECT_REASON_CODES.length], note: '凭证不足，无法判断问题' };
    case 'OFFER':
      return { type, amountFen: 1 + (n % c.amountFen), note: '协商部分退款' };
    case 'ADD_EVIDENCE':
      return { type, by: party, evidence: makeEvidence(1, 'image', 'proof', openidOf(party)).map((e) => ({ ...e, fileId: `${e.fileId}.${n}` })) };
    case 'SHIP_RETURN':
      return { type, company: '圆通速递', trackingNo: `YT${n}` };
    case 'CONFIRM_RETURN':
      return { type, by: actor === 'SYSTEM' ? 'SYSTEM' : 'MERCHANT', unsealed: n % 3 === 0 };
    case 'ESCALATE':
      return { type, note: '商家处理不合理，申请平台介入' };
    case 'PLATFORM_DECIDE':
      return { type, decision: n % 2 === 0 ? 'APPROVE' : 'REJECT', amountFen: n % 4 === 0 ? undefined : 1 + (n % c.amountFen), note: '平台处理意见' };
    case 'REFUND_REFUSED':
      return { type, outRefundNo: latest, error: { code: 'PAYMENT_CHANNEL_RESTRICTED', message: '支付渠道限制', solution: '改为指定账户退款' } };
    case 'REFUND_RESULT':
      return { type, outRefundNo: latest, status: (['SUCCESS', 'ABNORMAL', 'CLOSED'] as const)[n % 3], settledAt: T0 };
    case 'RETRY_REFUND':
      return { type, by: actor === 'SYSTEM' ? 'SYSTEM' : 'MERCHANT' };
    case 'RESHIP':
      return { type, company: '顺丰速运', trackingNo: `SF${n}` };
    case 'CONVERT_TO_REFUND':
      return { type, by: actor === 'SYSTEM' ? 'SYSTEM' : 'MERCHANT', note: '该尺码已无货' };
    case 'CONFIRM_RECEIPT':
      return { type, by: actor === 'SYSTEM' ? 'SYSTEM' : 'BUYER' };
    case 'MESSAGE':
      return { type, text: `请问进度如何？${n}` };
    case 'REQUEST_EVIDENCE':
      return { type, note: '请补充商品问题处的照片' };
    case 'MODIFY':
      return { type, changes: { description: `补充说明${n}` } };
    default:
      return { type } as CaseEvent;
  }
}

const AFTER_APPROVAL: readonly CaseStatus[] = ['AWAITING_RETURN', 'RETURN_SHIPPED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED'];
/** Statuses only an exchange reaches (SPEC §5). */
const EXCHANGE_ONLY: readonly CaseStatus[] = ['AWAITING_RESHIP', 'RESHIPPED', 'EXCHANGED'];

/** A case in `status` carrying the facts that let every table row out of it pass its guard. */
function caseIn(status: CaseStatus, event: CaseEventType, now: number): AfterSaleCase {
  const c = makeCase({
    _id: 'P1',
    status,
    type: status === 'AWAITING_RETURN' || status === 'RETURN_SHIPPED' ? 'RETURN_REFUND' : 'REFUND_ONLY',
    version: 4,
    // ESCALATE (and, on a rejected case, SPEC §6's proof and modification) must come before the deadline, the timers after.
    deadlineAt: event === 'ESCALATE' || event === 'ADD_EVIDENCE' || event === 'MODIFY' ? now + HOUR_MS : now - 1,
  });
  if (AFTER_APPROVAL.includes(status)) Object.assign(c, { approvedFen: c.amountFen, approvedAt: now - 5 * DAY_MS });
  if (EXCHANGE_ONLY.includes(status)) {
    Object.assign(c, { type: 'EXCHANGE', reason: 'NO_REASON', amountFen: 0, feeFen: 0, feeBearer: 'NONE', exchangeNote: '换L码', approvedAt: now - 5 * DAY_MS, returnReceivedAt: now - 4 * DAY_MS });
    if (status !== 'AWAITING_RESHIP') c.reship = { company: '顺丰速运', trackingNo: 'SF1', at: now - 3 * DAY_MS };
  }
  if (status === 'NEGOTIATING') c.offer = { amountFen: 3_000, note: '七折', at: now - HOUR_MS };
  if (status === 'REJECTED' || status === 'ESCALATED') c.rejection = { reasonCode: 'NO_EVIDENCE', note: '请补充照片', at: now - DAY_MS };
  if (status === 'REFUNDING') c.refunds = [makeAttempt({ outRefundNo: 'P1-1', status: 'PROCESSING', settledAt: undefined })];
  if (status === 'REFUNDED') c.refunds = [makeAttempt({ outRefundNo: 'P1-1', status: 'SUCCESS', settledAt: now - 3 * DAY_MS })];
  if (status === 'REFUND_FAILED') {
    c.refunds = [makeAttempt({ outRefundNo: 'P1-1', status: 'CLOSED' })];
    c.lastError = { code: 'REFUND_CLOSED', message: '退款单已关闭', solution: '系统会自动重新退款' };
  }
  return appendHistory(c, { at: now - 6 * DAY_MS, actor: 'BUYER', action: 'APPLY', to: 'PENDING' });
}

function rowFor(status: CaseStatus, event: CaseEventType, actor: Actor) {
  return TRANSITIONS.find((r) => r.from === status && r.event === event && r.actors.includes(actor));
}

function attempt(fn: () => AfterSaleCase): AfterSaleCase | DomainError {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}

describe('property: only the table\'s rows are transitions', () => {
  const now = T0 + 30 * DAY_MS;

  it('with the facts a row needs, every (status, event, actor) in the table succeeds and every other one is CASE_STATE_CHANGED', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), fc.constantFrom(...EVENT_TYPES), fc.constantFrom(...ACTORS), fc.nat(), (status, type, actor, n) => {
        const c = caseIn(status, type, now);
        const out = attempt(() => transition(c, eventOf(type, actor, c, n), ctxFor(actor, now)).case);
        const row = rowFor(status, type, actor);
        if (row === undefined) {
          expect(out).toBeInstanceOf(DomainError);
          expect((out as DomainError).code).toBe('CASE_STATE_CHANGED');
          return;
        }
        if (out instanceof DomainError) throw new Error(`${status} ${type} by ${actor} failed: ${out.code} ${out.message}`);
        expect(row.to).toContain(out.status);
        expect(out.version).toBe(c.version + 1);
        expect(out.history).toHaveLength(c.history.length + 1);
        expect(out.history.at(-1)).toMatchObject({ actor, from: status, to: out.status, at: now });
        expect(verifyChain(out.history)).toEqual({ ok: true });
      }),
      { numRuns: 2_000 },
    );
  });

  it('exhaustively: all 15 × 22 × 4 combinations', () => {
    let succeeded = 0;
    for (const status of CASE_STATUSES) {
      for (const type of EVENT_TYPES) {
        for (const actor of ACTORS) {
          const c = caseIn(status, type, now);
          const out = attempt(() => transition(c, eventOf(type, actor, c, 0), ctxFor(actor, now)).case);
          const row = rowFor(status, type, actor);
          expect([status, type, actor, out instanceof DomainError ? out.code : 'OK']).toEqual([
            status,
            type,
            actor,
            row === undefined ? 'CASE_STATE_CHANGED' : 'OK',
          ]);
          if (!(out instanceof DomainError)) succeeded += 1;
        }
      }
    }
    // One success per (row, actor): the table's rows name 33 actor slots.
    expect(succeeded).toBe(TRANSITIONS.reduce((n, r) => n + r.actors.length, 0));
  });

  it('whatever the facts, a combination outside the table is CASE_STATE_CHANGED, and a row ends in one of its statuses or a rule error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CASE_STATUSES),
        fc.constantFrom(...EVENT_TYPES),
        fc.constantFrom(...ACTORS),
        fc.nat(),
        fc.record({
          deadline: fc.option(fc.integer({ min: -10 * DAY_MS, max: 10 * DAY_MS })),
          offer: fc.boolean(),
          attempts: fc.array(fc.constantFrom('PROCESSING', 'SUCCESS', 'ABNORMAL', 'CLOSED' as const), { maxLength: 3 }),
          cause: fc.constantFrom('REFUND_CLOSED', 'MERCHANT_ACCOUNT_ABNORMAL', 'REFUND_ABNORMAL', 'PAYMENT_CHANNEL_RESTRICTED'),
          verified: fc.boolean(),
          hasAddress: fc.boolean(),
          overdue: fc.boolean(),
        }),
        (status, type, actor, n, f) => {
          const c = caseIn(status, type, now);
          c.deadlineAt = f.deadline === null ? undefined : now + f.deadline;
          if (!f.offer) delete c.offer;
          c.refunds = f.attempts.map((s, i) => makeAttempt({ outRefundNo: `P1-${i + 1}`, status: s }));
          c.lastError = { code: f.cause, message: '原因', solution: '处理' };
          c.platformOverdue = f.overdue;
          const shop = makeShop({ verified: f.verified, returnAddress: f.hasAddress ? makeShop().returnAddress : undefined });
          const out = attempt(() => transition(c, eventOf(type, actor, c, n), ctxFor(actor, now, { shop })).case);
          const row = rowFor(status, type, actor);
          if (row === undefined) {
            expect(out).toBeInstanceOf(DomainError);
            expect((out as DomainError).code).toBe('CASE_STATE_CHANGED');
          } else if (!(out instanceof DomainError)) {
            expect(row.to).toContain(out.status);
            expect(verifyChain(out.history)).toEqual({ ok: true });
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

type Step = { kind: number; advance: number; n: number; flipVerified: boolean };

const STEP_KINDS: readonly [Actor, CaseEventType][] = [
  ['MERCHANT', 'APPROVE'],
  ['SYSTEM', 'APPROVE'],
  ['MERCHANT', 'REJECT'],
  ['MERCHANT', 'OFFER'],
  ['BUYER', 'CANCEL'],
  ['BUYER', 'ACCEPT_OFFER'],
  ['BUYER', 'DECLINE_OFFER'],
  ['SYSTEM', 'OFFER_TIMEOUT'],
  ['BUYER', 'ADD_EVIDENCE'],
  ['MERCHANT', 'ADD_EVIDENCE'],
  ['BUYER', 'SHIP_RETURN'],
  ['SYSTEM', 'SHIP_TIMEOUT'],
  ['MERCHANT', 'CONFIRM_RETURN'],
  ['SYSTEM', 'CONFIRM_RETURN'],
  ['BUYER', 'ESCALATE'],
  ['SYSTEM', 'ESCALATE_TIMEOUT'],
  ['PLATFORM', 'PLATFORM_DECIDE'],
  ['SYSTEM', 'PLATFORM_OVERDUE'],
  ['SYSTEM', 'REFUND_RESULT'],
  ['SYSTEM', 'REFUND_RESULT'],
  ['SYSTEM', 'REFUND_REFUSED'],
  ['MERCHANT', 'RETRY_REFUND'],
  ['SYSTEM', 'RETRY_REFUND'],
  ['BUYER', 'REPORT_NOT_RECEIVED'],
];

/** Events as they come in life: a merchant's approval may carry compensation and a designated account; results may be stale. */
function lifeEvent(actor: Actor, type: CaseEventType, c: AfterSaleCase, n: number): CaseEvent {
  if (type === 'APPROVE' && actor === 'MERCHANT') {
    return n % 3 === 0
      ? { type, via: 'MERCHANT', compensationFen: n % 12_000, refundMethod: 'DESIGNATED_ACCOUNT', account: '6222021001125678' }
      : { type, via: 'MERCHANT', compensationFen: n % 7 === 0 ? n % 2_000 : undefined };
  }
  if (type === 'APPROVE') return { type, via: 'TIMEOUT' };
  if (type === 'REFUND_RESULT' && c.refunds.length > 0) {
    const k = n % (c.refunds.length + 1);
    const outRefundNo = k < c.refunds.length ? c.refunds[k].outRefundNo : c.refunds[c.refunds.length - 1].outRefundNo;
    return { type, outRefundNo, status: (['SUCCESS', 'ABNORMAL', 'CLOSED'] as const)[n % 3], settledAt: T0 + n };
  }
  if (type === 'OFFER') return { type, amountFen: 1 + (n % (c.amountFen + 500)), note: '协商' };
  return eventOf(type, actor, c, n);
}

describe('property: money never exceeds what was approved', () => {
  it('random event sequences from a new case pay at most approvedFen (≤ 105% of the order), never with two attempts in flight', () => {
    const order = makeOrder();
    const cap = percentOf(order.paidFen, LIMITS.refundCapPercent);
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom('REFUND_ONLY', 'RETURN_REFUND' as const),
          reason: fc.constantFrom<Reason>('QUALITY', 'NO_REASON', 'LOGISTICS', 'NOT_AS_DESCRIBED', 'MISSING_ITEM', 'OTHER'),
          amountFen: fc.integer({ min: 1, max: 5_000 }),
          quickThreshold: fc.constantFrom(0, 0, 3_000),
          verified: fc.boolean(),
        }),
        fc.array(
          fc.record({ kind: fc.nat(), advance: fc.constantFrom(0, HOUR_MS, 2 * DAY_MS, 8 * DAY_MS, 11 * DAY_MS), n: fc.nat(), flipVerified: fc.boolean() }),
          { maxLength: 40 },
        ),
        (start, steps: Step[]) => {
          let verified = start.verified;
          let now = T0;
          const shopOf = () => makeShop({ verified }, { quickRefundThresholdFen: start.quickThreshold });
          const req = { ...makeDraft(), type: start.type, reason: start.reason, amountFen: start.amountFen, description: '商品有问题', evidence: [], idempotencyKey: 'k' } as ApplyRequest;
          let c = openCase(makeCtx({ shop: shopOf() }), req, { caseId: 'SEQ' }).case;
          let applied = c.history.length;

          for (const step of steps) {
            now += step.advance;
            if (step.flipVerified && step.n % 5 === 0) verified = !verified;
            const before = c;
            // Mostly what the table offers now, so sequences get deep; every fourth step anything at all.
            const offered = STEP_KINDS.filter(([a, t]) => allowedEvents(before, a).includes(t));
            const pool = step.n % 4 === 0 || offered.length === 0 ? STEP_KINDS : offered;
            const [actor, type] = pool[step.kind % pool.length];
            const out = attempt(() => transition(before, lifeEvent(actor, type, before, step.n), ctxFor(actor, now, { shop: shopOf(), orderCases: [before] })).case);
            if (!(out instanceof DomainError)) {
              c = out;
              applied += 1;
              expect(c.version).toBe(before.version + 1);
            }

            const processing = c.refunds.filter((r) => r.status === 'PROCESSING');
            const succeeded = c.refunds.filter((r) => r.status === 'SUCCESS');
            const paid = succeeded.reduce((s, r) => s + r.amountFen, 0);
            expect(processing.length).toBeLessThanOrEqual(1);
            expect(succeeded.length).toBeLessThanOrEqual(1);
            if (c.refunds.length > 0) {
              expect(c.approvedFen).toBeDefined();
              expect(paid).toBeLessThanOrEqual(c.approvedFen as number);
              for (const r of c.refunds) expect(r.amountFen).toBe(c.approvedFen);
            }
            if (c.approvedFen !== undefined) expect(c.approvedFen).toBeLessThanOrEqual(cap);
            const successAt = c.refunds.findIndex((r) => r.status === 'SUCCESS');
            if (successAt >= 0) expect(successAt).toBe(c.refunds.length - 1);
            expect(new Set(c.refunds.map((r) => r.outRefundNo)).size).toBe(c.refunds.length);
            expect(c.status).not.toBe('APPROVED');
            expect(c.status === 'REFUNDED').toBe(succeeded.length === 1);
            expect(c.history).toHaveLength(applied);
          }
          expect(verifyChain(c.history)).toEqual({ ok: true });
        },
      ),
      { numRuns: 600 },
    );
  });
});

/** SPEC §5: an exchange in any status, as the table meets it. */
function exchangeIn(status: CaseStatus, event: CaseEventType, now: number): AfterSaleCase {
  const c = caseIn(status, event, now);
  Object.assign(c, { type: 'EXCHANGE', reason: 'NO_REASON', amountFen: 0, feeFen: 0, feeBearer: 'NONE', exchangeNote: '换L码' });
  delete c.offer;
  if (c.approvedFen !== undefined && !['REFUNDING', 'REFUNDED', 'REFUND_FAILED'].includes(status)) delete c.approvedFen;
  if (['AWAITING_RESHIP', 'RESHIPPED', 'EXCHANGED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED'].includes(status)) c.returnReceivedAt = now - 4 * DAY_MS;
  return c;
}

describe('property: an exchange moves only along the table', () => {
  const now = T0 + 30 * DAY_MS;

  it('every (status, event, actor) outside the table is CASE_STATE_CHANGED; a row ends in one of its statuses, or OFFER (no money to negotiate) is CASE_STATE_CHANGED', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), fc.constantFrom(...EVENT_TYPES), fc.constantFrom(...ACTORS), fc.nat(), (status, type, actor, n) => {
        const c = exchangeIn(status, type, now);
        const out = attempt(() => transition(c, eventOf(type, actor, c, n), ctxFor(actor, now)).case);
        const row = rowFor(status, type, actor);
        if (row === undefined || type === 'OFFER' || (type === 'APPROVE' && actor === 'SYSTEM' && n % 2 === 1)) {
          expect(out).toBeInstanceOf(DomainError);
          if (row === undefined || type === 'OFFER' || type === 'APPROVE') expect((out as DomainError).code).toBe('CASE_STATE_CHANGED');
          return;
        }
        if (out instanceof DomainError) {
          // The platform's amountFen on an exchange is INVALID_INPUT (SPEC §5); an offer to accept never exists on one.
          if (out.code === 'CASE_STATE_CHANGED') expect(type).toBe('ACCEPT_OFFER');
          else expect([type, out.code, out.field]).toEqual(['PLATFORM_DECIDE', 'INVALID_INPUT', 'amountFen']);
          return;
        }
        expect(row.to).toContain(out.status);
        expect(verifyChain(out.history)).toEqual({ ok: true });
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('property: an exchange never pays more than a refund of the same units would', () => {
  it('random event sequences from a new exchange pay at most R11\'s most refundable amount of its units', () => {
    const order = makeOrder();
    fc.assert(
      fc.property(
        fc.record({
          reason: fc.constantFrom<Reason>('QUALITY', 'NO_REASON', 'NOT_AS_DESCRIBED', 'OTHER'),
          sku: fc.constantFrom('sku_a', 'sku_b'),
          qty: fc.constantFrom(1, 2),
          verified: fc.boolean(),
        }),
        fc.array(
          fc.record({ kind: fc.nat(), advance: fc.constantFrom(0, HOUR_MS, 2 * DAY_MS, 4 * DAY_MS, 11 * DAY_MS), n: fc.nat(), flipVerified: fc.boolean() }),
          { maxLength: 40 },
        ),
        (start, steps: Step[]) => {
          const qty = start.sku === 'sku_b' ? 1 : start.qty;
          const items = [{ skuId: start.sku, qty }];
          const refundOfSameUnits = maxRefundableFen(makeCtx(), { orderId: order._id, type: 'RETURN_REFUND', reason: start.reason, items });
          let verified = start.verified;
          let now = T0;
          const shopOf = () => makeShop({ verified });
          const req = { ...makeDraft(), type: 'EXCHANGE', reason: start.reason, items, amountFen: 0, description: '尺码不合适', exchangeNote: '换L码', evidence: [], idempotencyKey: 'k' } as ApplyRequest;
          let c = openCase(makeCtx({ shop: shopOf() }), req, { caseId: 'EXC' }).case;
          expect(c.feeFen).toBe(0);
          for (const step of steps) {
            now += step.advance;
            if (step.flipVerified && step.n % 5 === 0) verified = !verified;
            const before = c;
            const kinds: readonly [Actor, CaseEventType][] = [
              ...STEP_KINDS,
              ['MERCHANT', 'RESHIP'],
              ['MERCHANT', 'CONVERT_TO_REFUND'],
              ['SYSTEM', 'CONVERT_TO_REFUND'],
              ['BUYER', 'CONFIRM_RECEIPT'],
              ['SYSTEM', 'CONFIRM_RECEIPT'],
            ];
            const offered = kinds.filter(([a, t]) => allowedEvents(before, a).includes(t));
            const pool = step.n % 4 === 0 || offered.length === 0 ? kinds : offered;
            const [actor, type] = pool[step.kind % pool.length];
            const event = type === 'APPROVE' && actor === 'MERCHANT' ? ({ type, via: 'MERCHANT' } as CaseEvent) : lifeEvent(actor, type, before, step.n);
            const out = attempt(() => transition(before, event, ctxFor(actor, now, { shop: shopOf(), orderCases: [before] })).case);
            if (!(out instanceof DomainError)) c = out;
            expect(rowFor(before.status, type, actor) !== undefined || c === before).toBe(true);
            const paid = c.refunds.filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amountFen, 0);
            expect(paid).toBeLessThanOrEqual(refundOfSameUnits);
            for (const r of c.refunds) expect(r.amountFen).toBeLessThanOrEqual(refundOfSameUnits);
            if (c.refunds.length > 0) expect(c.convertedAt).toBeDefined();
            expect(c.status).not.toBe('NEGOTIATING');
            if (c.status === 'EXCHANGED') expect(c.refunds).toEqual([]);
          }
          expect(verifyChain(c.history)).toEqual({ ok: true });
        },
      ),
      { numRuns: 400 },
    );
  });
});
