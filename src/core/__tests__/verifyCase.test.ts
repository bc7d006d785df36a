/**
 * Issue 12: deleting a case's newest history event still verified, and verify never compared the
 * case's money with what the chain recorded. historyHead / historyCount anchor the chain on the case
 * and verifyCase holds amountFen, approvedFen and refunds to the events (docs/DESIGN.md "History head
 * and money check").
 */
import type { ApplyRequest } from '../../../types/api';
import type { Actor, AfterSaleCase, HistoryEvent } from '../../../types/domain';
import { appendHistory, GENESIS_HASH, hashEvent, headOf, recordedMoney, verifyCase, verifyChain } from '../chain';
import type { CaseEvent, TransitionContext } from '../context';
import { openCase, transition } from '../lifecycle';
import { HOUR_MS } from '../time';
import { BUYER, makeCase, makeCtx, makeDraft, T0 } from './fixtures';

const MERCHANT = 'o_merchant_1';

function tctx(actor: Actor, now: number): TransitionContext {
  return { ...makeCtx({ callerOpenid: actor === 'BUYER' ? BUYER : MERCHANT }), actor, now };
}

function run(c: AfterSaleCase, ev: CaseEvent, actor: Actor, now = T0 + HOUR_MS): AfterSaleCase {
  return transition(c, ev, tctx(actor, now)).case;
}

function opened(over: Partial<ApplyRequest> = {}): AfterSaleCase {
  const req = { ...makeDraft(), amountFen: 5_000, description: '衣服领口有破洞', evidence: [], idempotencyKey: 'k1', ...over } as ApplyRequest;
  return openCase(makeCtx(), req, { caseId: 'AS1' }).case;
}

/** APPLY → APPROVE (+¥3 compensation) → REFUND_RESULT CLOSED → RETRY → SUCCESS: every kind of money event. */
function refunded(): AfterSaleCase {
  const approved = run(opened(), { type: 'APPROVE', via: 'MERCHANT', compensationFen: 300 }, 'MERCHANT');
  const closed = run(approved, { type: 'REFUND_RESULT', outRefundNo: 'AS1-1', status: 'CLOSED', settledAt: T0 + 2 * HOUR_MS }, 'SYSTEM', T0 + 2 * HOUR_MS);
  const retried = run(closed, { type: 'RETRY_REFUND', by: 'SYSTEM' }, 'SYSTEM', T0 + 3 * HOUR_MS);
  return run(retried, { type: 'REFUND_RESULT', outRefundNo: 'AS1-2', status: 'SUCCESS', settledAt: T0 + 4 * HOUR_MS }, 'SYSTEM', T0 + 4 * HOUR_MS);
}

describe('historyHead and historyCount are kept in step by every append', () => {
  it('a new case, and every transition after it, carries the newest hash and the count', () => {
    const c = opened();
    expect(c).toMatchObject({ historyHead: c.history[0].hash, historyCount: 1 });
    const done = refunded();
    expect(done.historyCount).toBe(done.history.length);
    expect(done.historyHead).toBe(done.history.at(-1)?.hash);
    expect(done.history.map((e) => e.seq)).toEqual(done.history.map((_, i) => i));
    expect(verifyCase(done)).toEqual({ ok: true });
  });

  it('appendHistory on an empty history starts at 64 zeros, count 1', () => {
    const c = appendHistory(makeCase({ history: [] }), { at: T0, actor: 'BUYER', action: 'APPLY', to: 'PENDING' });
    expect(c.history[0]).toMatchObject({ seq: 0, prevHash: GENESIS_HASH });
    expect(headOf([])).toBe(GENESIS_HASH);
    expect(c).toMatchObject({ historyHead: c.history[0].hash, historyCount: 1 });
  });
});

describe('verify catches a removed newest event (it used to pass)', () => {
  it('deleting the newest event: the chain alone still verifies, the case does not (brokenAt = history.length)', () => {
    const c = refunded();
    const cut = { ...c, history: c.history.slice(0, -1) };
    expect(verifyChain(cut.history)).toEqual({ ok: true });
    expect(verifyCase(cut)).toEqual({ ok: false, brokenAt: cut.history.length });
  });

  it('deleting the newest two events, or all of them', () => {
    const c = refunded();
    expect(verifyCase({ ...c, history: c.history.slice(0, -2) })).toEqual({ ok: false, brokenAt: c.history.length - 2 });
    expect(verifyCase({ ...c, history: [] })).toEqual({ ok: false, brokenAt: 0 });
  });

  it('deleting the newest event and stripping historyHead / historyCount too: the numbered events still demand them', () => {
    const c = refunded();
    const { historyHead: _h, historyCount: _n, ...stripped } = c;
    expect(verifyCase(stripped)).toEqual({ ok: false, brokenAt: c.history.length });
    expect(verifyCase({ ...stripped, history: c.history.slice(0, -1) })).toEqual({ ok: false, brokenAt: c.history.length - 1 });
  });

  it('a forged event appended past the anchor is named at its index; a replaced newest event at its own', () => {
    const c = opened();
    const forged = appendHistory(c, { at: T0 + 1, actor: 'MERCHANT', action: 'APPROVE', from: 'PENDING', to: 'REFUNDING' });
    expect(verifyCase({ ...forged, historyHead: c.historyHead, historyCount: c.historyCount })).toEqual({ ok: false, brokenAt: 1 });
    const prev = c.history[0];
    const replacement: Omit<HistoryEvent, 'hash'> = { ...prev, note: '改过' };
    const swapped = [{ ...replacement, hash: hashEvent(replacement.prevHash, replacement) }];
    expect(verifyCase({ ...c, history: swapped })).toEqual({ ok: false, brokenAt: 0 });
  });

  it('an edited historyCount or historyHead is caught', () => {
    const c = refunded();
    expect(verifyCase({ ...c, historyCount: c.history.length + 1 }).ok).toBe(false);
    expect(verifyCase({ ...c, historyHead: GENESIS_HASH }).ok).toBe(false);
  });

  it('an edit inside the chain is still reported at that event first', () => {
    const c = refunded();
    const history = [...c.history];
    history[1] = { ...history[1], note: '改过' };
    expect(verifyCase({ ...c, history })).toEqual({ ok: false, brokenAt: 1 });
  });
});

describe('verify compares the case’s money with what the chain recorded (it never did)', () => {
  it('the events carry the money: APPLY amountFen, approval approvedFen, each attempt with its status', () => {
    const c = refunded();
    expect(recordedMoney(c.history)).toEqual({
      amountFen: 5_000,
      approval: { approvedFen: 5_300, compensationFen: 300 },
      refunds: [
        { outRefundNo: 'AS1-1', amountFen: 5_300, status: 'CLOSED', settledAt: T0 + 2 * HOUR_MS },
        { outRefundNo: 'AS1-2', amountFen: 5_300, status: 'SUCCESS', settledAt: T0 + 4 * HOUR_MS },
      ],
    });
  });

  it('an edited approvedFen, compensation or amountFen is caught (brokenAt = history.length)', () => {
    const c = refunded();
    const n = c.history.length;
    expect(verifyCase({ ...c, approvedFen: 530_000 })).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase({ ...c, compensationFen: 30_000 })).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase({ ...c, amountFen: 500_000 })).toEqual({ ok: false, brokenAt: n });
    const { approvedFen: _a, ...noApproval } = c;
    expect(verifyCase(noApproval)).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase({ ...opened(), approvedFen: 5_000 })).toEqual({ ok: false, brokenAt: 1 });
  });

  it('an edited refund amount, status, number or settlement time, or an attempt added or removed, is caught', () => {
    const c = refunded();
    const n = c.history.length;
    const edit = (i: number, patch: Partial<AfterSaleCase['refunds'][number]>) => ({
      ...c,
      refunds: c.refunds.map((a, k) => (k === i ? { ...a, ...patch } : a)),
    });
    expect(verifyCase(edit(1, { amountFen: 99_999 }))).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase(edit(0, { status: 'SUCCESS' }))).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase(edit(1, { outRefundNo: 'AS1-9' }))).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase(edit(1, { settledAt: T0 }))).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase({ ...c, refunds: c.refunds.slice(1) })).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase({ ...c, refunds: [...c.refunds, { ...c.refunds[1], outRefundNo: 'AS1-3' }] })).toEqual({ ok: false, brokenAt: n });
    expect(verifyCase(edit(0, { failure: '不比较的说明文字' }))).toEqual({ ok: true });
  });

  it('a refused refund (R4) is recorded CLOSED and verifies', () => {
    const approved = run(opened(), { type: 'APPROVE', via: 'MERCHANT' }, 'MERCHANT');
    const refused = run(
      approved,
      { type: 'REFUND_REFUSED', outRefundNo: 'AS1-1', error: { code: 'PAYMENT_CHANNEL_RESTRICTED', message: 'x', solution: 'y' } },
      'SYSTEM',
    );
    expect(recordedMoney(refused.history).refunds).toEqual([{ outRefundNo: 'AS1-1', amountFen: 5_000, status: 'CLOSED' }]);
    expect(verifyCase(refused)).toEqual({ ok: true });
  });
});

describe('cases stored before the anchor existed', () => {
  /** The shape older code wrote: no seq, no historyHead / historyCount, money read from the actions. */
  function legacy(): AfterSaleCase {
    const link = (history: HistoryEvent[], ev: Omit<HistoryEvent, 'prevHash' | 'hash'>): HistoryEvent[] => {
      const prevHash = history.length > 0 ? history[history.length - 1].hash : GENESIS_HASH;
      const linked = { ...ev, prevHash };
      return [...history, { ...linked, hash: hashEvent(prevHash, linked) }];
    };
    let h: HistoryEvent[] = [];
    h = link(h, { at: T0, actor: 'BUYER', action: 'APPLY', to: 'PENDING', data: { amountFen: 5_000 } });
    h = link(h, { at: T0 + 1, actor: 'MERCHANT', action: 'APPROVE', from: 'PENDING', to: 'REFUNDING', data: { approvedFen: 5_000, outRefundNo: 'AS1-1', refundFen: 5_000 } });
    h = link(h, { at: T0 + 2, actor: 'SYSTEM', action: 'REFUND_SUCCESS', from: 'REFUNDING', to: 'REFUNDED', data: { outRefundNo: 'AS1-1', status: 'SUCCESS', refundFen: 5_000 } });
    h = link(h, { at: T0 + 3, actor: 'BUYER', action: 'REPORT_NOT_RECEIVED', from: 'REFUNDED', to: 'REFUNDED', data: { outRefundNo: 'AS1-1' } });
    return makeCase({
      _id: 'AS1',
      status: 'REFUNDED',
      approvedFen: 5_000,
      refunds: [{ outRefundNo: 'AS1-1', amountFen: 5_000, status: 'SUCCESS', at: T0 + 1, settledAt: T0 + 2, method: 'ORIGINAL' }],
      history: h,
    });
  }

  it('verify on chain and money alone, and money edits are still caught', () => {
    const c = legacy();
    expect(verifyCase(c)).toEqual({ ok: true });
    expect(verifyCase({ ...c, approvedFen: 6_000 })).toEqual({ ok: false, brokenAt: 4 });
    expect(verifyCase({ ...c, refunds: [{ ...c.refunds[0], amountFen: 6_000 }] })).toEqual({ ok: false, brokenAt: 4 });
  });

  it('the next event anchors it: from then on a removed newest event is caught', () => {
    const c = legacy();
    const next = appendHistory(c, { at: T0 + 4, actor: 'BUYER', action: 'REPORT_NOT_RECEIVED', from: 'REFUNDED', to: 'REFUNDED' });
    expect(next).toMatchObject({ historyCount: 5, historyHead: next.history[4].hash });
    expect(next.history[4].seq).toBe(4);
    expect(verifyCase(next)).toEqual({ ok: true });
    expect(verifyCase({ ...next, history: next.history.slice(0, -1) })).toEqual({ ok: false, brokenAt: 4 });
  });
});
