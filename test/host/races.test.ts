/**
 * Races over HTTP (SPEC §2 "Every transition is a compare-and-set"): many callers at one case at
 * the same moment; exactly one wins, the others get CASE_STATE_CHANGED, and money moves once.
 */
import { randomBytes } from 'crypto';
import type { ActionRequest } from '../../types/api';
import type { AfterSaleCase, Order } from '../../types/domain';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { MERCHANTS, order as makeOrder, OWNER, SHOPS, STAFF, T0 } from '../../src/server/usecases/__tests__/support/world';
import { startHostProcess, type HostProcess } from '../support/host';
import { HostClient, ok, type HttpReply } from '../support/http';
import { SAMPLE_FILES } from '../support/media';

jest.setTimeout(60_000);

let host: HostProcess;
let api: HostClient;

beforeAll(async () => {
  // Refund callbacks only when a test delivers them: a real-time one landing mid-round would be a third writer.
  host = await startHostProcess({ env: { REFUND_NOTIFY_INTERVAL_MS: '0' } });
  api = new HostClient(host.url);
  ok(await api.dev.seed({ shops: SHOPS, merchants: MERCHANTS }));
  ok(await api.dev.clock(T0));
});
afterAll(async () => {
  await host.stop();
});

let n = 0;
async function pendingCase(): Promise<{ buyer: string; c: AfterSaleCase; o: Order }> {
  n += 1;
  const buyer = `race_buyer_${n}`;
  const t = await api.dev.now();
  const o = makeOrder({ buyerOpenid: buyer, paidAt: t - 5 * DAY_MS, deliveredAt: t - 2 * DAY_MS });
  ok(await api.dev.seed({ orders: [o] }));
  const c = ok(await api.call(buyer, 'apply', applyReq(o, `race-${n}`)));
  return { buyer, c, o };
}

function applyReq(o: Order, key: string): ActionRequest<'apply'> {
  return {
    orderId: o._id,
    type: 'REFUND_ONLY',
    reason: 'NOT_AS_DESCRIBED',
    items: [{ skuId: o.items[0].skuId, qty: 1 }],
    amountFen: 5_000,
    description: '颜色和商品页差别很大',
    evidence: [],
    idempotencyKey: key,
  };
}

function outcome(r: HttpReply): string {
  return r.body.ok ? 'OK' : `${r.status} ${r.body.error.code}`;
}

function tally(replies: HttpReply[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of replies) t[outcome(r)] = (t[outcome(r)] ?? 0) + 1;
  return t;
}

async function stored(buyer: string, c: AfterSaleCase): Promise<AfterSaleCase> {
  return ok(await api.call(buyer, 'get', { caseId: c._id }));
}

describe('20 parallel calls on one case', () => {
  test.each([1, 2, 3, 4, 5])('round %i: 10 approves and 10 cancels — one wins, 19 get 409 CASE_STATE_CHANGED', async () => {
    const { buyer, c } = await pendingCase();
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? api.call(i % 4 === 0 ? OWNER : STAFF, 'merchant.approve', { caseId: c._id }) : api.call(buyer, 'cancel', { caseId: c._id }),
    );
    const replies = await Promise.all(calls);
    expect(tally(replies)).toEqual({ OK: 1, '409 CASE_STATE_CHANGED': 19 });
    const s = await stored(buyer, c);
    expect(s.version).toBe(2);
    expect(s.history).toHaveLength(2);
    expect(['REFUNDING', 'CANCELLED']).toContain(s.status);
    expect(s.refunds).toHaveLength(s.status === 'REFUNDING' ? 1 : 0);
    expect(await api.call(buyer, 'verify', { caseId: c._id }).then(ok)).toEqual({ ok: true });
  });

  test('20 approves: one refund attempt, one decision message', async () => {
    const { buyer, c } = await pendingCase();
    const replies = await Promise.all(Array.from({ length: 20 }, () => api.call(OWNER, 'merchant.approve', { caseId: c._id })));
    expect(tally(replies)).toEqual({ OK: 1, '409 CASE_STATE_CHANGED': 19 });
    expect((await stored(buyer, c)).refunds).toHaveLength(1);
    const outbox = ok(await api.dev.outbox({ caseId: c._id }));
    expect(outbox.filter((m) => m.templateKey === 'decision')).toHaveLength(1);
  });
});

describe('the timer racing people', () => {
  test('a due case: the sweep, 5 approves and 5 cancels at once — the case moves exactly once', async () => {
    const { buyer, c } = await pendingCase();
    ok(await api.dev.clock((await api.dev.now()) + 48 * HOUR_MS + 1_000));
    const people = Array.from({ length: 10 }, (_, i) =>
      i < 5 ? api.call(OWNER, 'merchant.approve', { caseId: c._id }) : api.call(buyer, 'cancel', { caseId: c._id }),
    );
    const [sweep, ...replies] = await Promise.all([api.dev.run('autoApprove'), ...people]);
    expect(sweep.status).toBe(200);
    const s = await stored(buyer, c);
    expect(s.history).toHaveLength(2);
    const peopleWon = replies.filter((r) => r.body.ok).length;
    expect(peopleWon + (s.history[1].action === 'AUTO_APPROVE' ? 1 : 0)).toBe(1);
    expect(replies.filter((r) => !r.body.ok).every((r) => outcome(r) === '409 CASE_STATE_CHANGED')).toBe(true);
    expect(s.refunds.length).toBeLessThanOrEqual(1);
  });

  test('10 identical refund callbacks at once settle the refund once', async () => {
    const { buyer, c } = await pendingCase();
    ok(await api.call(OWNER, 'merchant.approve', { caseId: c._id }));
    // Callbacks are hints (SPEC §4): the gateway must have settled the refund for any of them to apply.
    ok(await api.dev.clock((await api.dev.now()) + 5_000));
    const body = { outRefundNo: `${c._id}-1`, status: 'SUCCESS', settledAt: await api.dev.now() };
    const replies = await Promise.all(Array.from({ length: 10 }, () => api.post<{ applied: boolean }>('/api/refundNotify', body)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(replies.filter((r) => r.body.ok && r.body.data.applied)).toHaveLength(1);
    const s = await stored(buyer, c);
    expect(s.status).toBe('REFUNDED');
    expect(s.history.filter((h) => h.action === 'REFUND_SUCCESS')).toHaveLength(1);
  });
});

describe('racing applies', () => {
  test('8 different keys on one order line at once: one case, the others CASE_ALREADY_OPEN', async () => {
    n += 1;
    const buyer = `race_buyer_${n}`;
    const t = await api.dev.now();
    const o = makeOrder({ buyerOpenid: buyer, paidAt: t - 5 * DAY_MS, deliveredAt: t - 2 * DAY_MS });
    ok(await api.dev.seed({ orders: [o] }));
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => api.call(buyer, 'apply', applyReq(o, `line-${n}-${i}`))));
    expect(tally(replies)).toEqual({ OK: 1, '409 CASE_ALREADY_OPEN': 7 });
    expect(ok(await api.call(buyer, 'listMine', {})).items).toHaveLength(1);
  });

  test('5 uploads at once, then an apply citing all of them', async () => {
    const { buyer, o } = await (async () => {
      n += 1;
      const b = `race_buyer_${n}`;
      const t = await api.dev.now();
      const ord = makeOrder({ buyerOpenid: b, paidAt: t - 5 * DAY_MS, deliveredAt: t - 2 * DAY_MS });
      ok(await api.dev.seed({ orders: [ord] }));
      return { buyer: b, o: ord };
    })();
    const files = await Promise.all(
      Array.from({ length: 5 }, () => api.upload(buyer, Buffer.concat([SAMPLE_FILES.jpeg.bytes, randomBytes(8)]), 'a.jpg').then(ok)),
    );
    const c = ok(
      await api.call(buyer, 'apply', {
        ...applyReq(o, `files-${n}`),
        evidence: files.map((f) => ({ fileId: f.fileId, kind: f.kind, sha256: f.sha256 })),
      }),
    );
    expect(c.evidence).toHaveLength(5);
  });
});
