/**
 * Issue 12's reproductions, over HTTP, on whichever backend runs (the jest projects `server` and
 * `cloud-sim`): each was tried as an attacker would and did harm on one backend or the other; each
 * must now do none on both. The unit-level tests of each fix live beside the code; these prove the
 * whole path, cloud functions and all.
 */
import type { Order } from '../../types/domain';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/core/time';
import { LIMITS } from '../../src/core/settings';
import { TEST_BACKEND } from '../support/host';
import { ok } from '../support/http';
import { gatewayRows, moneyProblems, OWNER, REVIEWER, SHOPS, Stage, watchErrors } from './support';

// On cloud-sim its setup took longer than jest's 5 s default on a busy machine.
jest.setTimeout(120_000);

let stage: Stage;
const errors = watchErrors([/did not complete; the sweep will query it/, /refundNotify: /]);

beforeAll(async () => {
  stage = await Stage.inProcess();
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
  expect(errors.unexpected).toEqual([]);
});

const fen = (yuan: number) => yuan * 100;

/** A ¥100 order of two lines of ¥50, delivered two days ago, for a new buyer. */
async function twoLineOrder(over: Partial<Order> = {}): Promise<{ buyer: string; o: Order }> {
  const buyer = stage.newBuyer('mh');
  const base = await stage.seedOrder(buyer);
  const line = { title: '纯棉T恤', unitFen: fen(50), qty: 1, paidFen: fen(50), kind: 'NORMAL' as const };
  const o = { ...base, paidFen: fen(100), shippingFen: 0, items: [{ ...line, skuId: 'a' }, { ...line, skuId: 'b' }], ...over };
  ok(await stage.api.dev.seed({ orders: [o] }));
  return { buyer, o };
}

async function applyFor(buyer: string, o: Order, skuId: string, amountFen: number, key: string) {
  return stage.ok(buyer, 'apply', {
    orderId: o._id,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId, qty: 1 }],
    amountFen,
    description: '收到就是坏的，领口开线',
    evidence: [],
    idempotencyKey: key,
  });
}

describe('caps under concurrency (R3)', () => {
  test(`two ¥50 cases on one ¥100 order, approved at the same moment with ¥5 compensation each, never send more than ¥105 (${TEST_BACKEND})`, async () => {
    for (let round = 0; round < 5; round += 1) {
      const { buyer, o } = await twoLineOrder();
      const a = await applyFor(buyer, o, 'a', fen(50), `cap-a-${round}`);
      const b = await applyFor(buyer, o, 'b', fen(50), `cap-b-${round}`);
      const replies = await Promise.all(
        [a, b].map((c) => stage.call(OWNER, 'merchant.approve', { caseId: c._id, compensationFen: fen(5), note: '补偿运费' })),
      );
      expect(replies.filter((r) => r.body.ok).length).toBeGreaterThanOrEqual(1);
      const sent = gatewayRows(stage.db).filter((r) => r.case_id === a._id || r.case_id === b._id);
      expect(sent.reduce((s, r) => s + r.amount_fen, 0)).toBeLessThanOrEqual(fen(105));
      const approved = await Promise.all([a, b].map((c) => stage.get(buyer, c._id)));
      expect(approved.reduce((s, c) => s + (c.approvedFen ?? 0), 0)).toBeLessThanOrEqual(fen(105));
    }
  });

  test(`three ¥200,000 cases approved at once never pass the shop's ¥500,000 yearly cap (${TEST_BACKEND})`, async () => {
    const shopId = `shop_yearcap_${process.pid}`;
    const owner = `owner_yearcap_${process.pid}`;
    ok(await stage.api.dev.seed({ shops: [{ ...SHOPS[0], _id: shopId, name: '年度上限小店' }], merchants: [{ openid: owner, shopId, role: 'OWNER' }] }));
    const cases = [];
    for (let i = 0; i < 3; i += 1) {
      const { buyer, o } = await twoLineOrder({ shopId, paidFen: fen(400_000), items: [{ skuId: 'sofa', title: '真皮沙发', unitFen: fen(400_000), qty: 1, paidFen: fen(400_000), kind: 'NORMAL' }] });
      cases.push({ buyer, c: await applyFor(buyer, o, 'sofa', fen(200_000), `year-${i}`) });
    }
    await Promise.all(cases.map(({ c }) => stage.call(owner, 'merchant.approve', { caseId: c._id })));
    const after = await Promise.all(cases.map(({ buyer, c }) => stage.get(buyer, c._id)));
    const committed = after.reduce((s, c) => s + (c.approvedFen ?? 0), 0);
    expect(committed).toBeLessThanOrEqual(LIMITS.yearlyRefundCapFen);
    expect(after.filter((c) => c.status === 'PENDING')).toHaveLength(1);
  });
});

describe('callbacks are hints (SPEC §4)', () => {
  test(`a forged CLOSED callback and the timer never pay attempt -2 while -1 also succeeds (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('PENDING');
    const approved = await stage.ok(OWNER, 'merchant.approve', { caseId: t.c._id });
    const forged = await stage.api.post<{ applied: boolean }>('/api/refundNotify', { outRefundNo: `${t.c._id}-1`, status: 'CLOSED' });
    expect(forged.status).toBe(200);
    await stage.sweep();
    await stage.settle();
    await stage.sweep();
    const c = await stage.get(t.buyer, t.c._id);
    const rows = gatewayRows(stage.db, c._id);
    expect(c.status).toBe('REFUNDED');
    expect(rows.filter((r) => r.outcome === 'SUCCESS')).toHaveLength(1);
    expect(rows.reduce((s, r) => s + (r.outcome === 'SUCCESS' ? r.amount_fen : 0), 0)).toBe(approved.approvedFen);
    expect(moneyProblems(c, rows)).toEqual([]);
  });

  test(`a forged SUCCESS callback on a refund that really fails marks nothing REFUNDED (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn({ status: 'PENDING', order: { refundScenario: 'ABNORMAL' } });
    await stage.ok(OWNER, 'merchant.approve', { caseId: t.c._id });
    await stage.api.post('/api/refundNotify', { outRefundNo: `${t.c._id}-1`, status: 'SUCCESS' });
    expect((await stage.get(t.buyer, t.c._id)).status).toBe('REFUNDING');
    await stage.settle();
    const c = await stage.get(t.buyer, t.c._id);
    expect([c.status, c.lastError?.code]).toEqual(['REFUND_FAILED', 'REFUND_ABNORMAL']);
    expect(c.refunds.filter((r) => r.status === 'SUCCESS')).toHaveLength(0);
  });
});

describe('deadlines bind at their moment (SPEC §3)', () => {
  test(`at 48 h + 1 min a merchant can no longer reject or offer: the case was approved for the buyer (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('PENDING');
    await stage.advance(48 * HOUR_MS + MINUTE_MS);
    const late = await stage.call(OWNER, 'merchant.reject', { caseId: t.c._id, reasonCode: 'NO_EVIDENCE', note: '请补充照片' });
    expect(late.status).toBe(409);
    const offer = await stage.call(OWNER, 'merchant.offer', { caseId: t.c._id, amountFen: 100, note: '退一块钱' });
    expect(offer.status).toBe(409);
    const c = await stage.get(t.buyer, t.c._id);
    expect(c.status).toBe('REFUNDING');
    expect(c.history.map((e) => e.action)).toContain('AUTO_APPROVE');
  });

  test(`48 h + 1 min after an offer the buyer can no longer accept it and be paid (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('NEGOTIATING');
    await stage.advance(48 * HOUR_MS + MINUTE_MS);
    expect((await stage.call(t.buyer, 'acceptOffer', { caseId: t.c._id })).status).toBe(409);
    const c = await stage.get(t.buyer, t.c._id);
    expect(c.status).toBe('ESCALATED');
    expect(c.refunds).toHaveLength(0);
  });

  test(`7 d + 1 min after approval a return can no longer be shipped (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('AWAITING_RETURN');
    await stage.advance(7 * DAY_MS + MINUTE_MS);
    expect((await stage.call(t.buyer, 'shipReturn', { caseId: t.c._id, company: '顺丰速运', trackingNo: 'SF1234567890' })).status).toBe(409);
    expect((await stage.get(t.buyer, t.c._id)).status).toBe('CLOSED');
  });
});

describe('the platform award (R24)', () => {
  test(`platform.decide APPROVE pays at most the claim: ¥105 on a ¥1 claim is refused (${TEST_BACKEND})`, async () => {
    const buyer = stage.newBuyer('award');
    const o = await stage.seedOrder(buyer);
    const c = await stage.ok(buyer, 'apply', { ...stage.applyRequest(o), amountFen: 100, idempotencyKey: `award-${o._id}` });
    await stage.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '请补充照片' });
    await stage.ok(buyer, 'escalate', { caseId: c._id, note: '商家拒绝没有道理' });
    const over = await stage.call(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', amountFen: fen(105), note: '判退' });
    expect(over.body.ok ? 'OK' : over.body.error.code).toBe('AMOUNT_EXCEEDS_LIMIT');
    const decided = await stage.ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', note: '判退' });
    expect(decided.approvedFen).toBe(100);
  });
});
