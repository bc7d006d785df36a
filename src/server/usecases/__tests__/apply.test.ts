import type { AfterSaleCase } from '../../../../types/domain';
import { DEFAULT_AUTO_REPLY } from '../../../core/settings';
import { DAY_MS, HOUR_MS } from '../../../core/time';
import { ALICE, BOB, line, makeWorld, refundOnly, REVIEWER, SHOP, T0, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

async function countCases(openid = ALICE): Promise<number> {
  return (await w.ok(openid, 'listMine', { limit: 50 })).items.length;
}

/** Alice has three cases in the last 30 days, on three other orders (R7's threshold). */
async function threeRecentCases(): Promise<AfterSaleCase[]> {
  const out: AfterSaleCase[] = [];
  for (let i = 0; i < 3; i += 1) out.push(await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder())));
  return out;
}

describe('apply: the new case', () => {
  test('is PENDING with a 48 h deadline, the auto-reply from SYSTEM (R17), fee and suggestion, history APPLY', async () => {
    const o = w.seedOrder();
    const c = await w.ok(ALICE, 'apply', refundOnly(w, o));
    expect(c).toMatchObject({
      orderId: o._id,
      shopId: SHOP,
      buyerOpenid: ALICE,
      status: 'PENDING',
      tier: 'NORMAL',
      amountFen: 5_000,
      feeFen: 30,
      feeBearer: 'MERCHANT',
      deadlineAt: T0 + 48 * HOUR_MS,
      version: 1,
      messages: [{ at: T0, from: 'SYSTEM', text: DEFAULT_AUTO_REPLY }],
      refunds: [],
    });
    expect(c.suggestion?.reason).toBeDefined();
    expect(c.itemTitles).toEqual(['纯棉T恤']);
    expect(c.shopName).toBe('小林家居');
    expect(c.history.map((h) => h.action)).toEqual(['APPLY']);
    expect(c.evidence[0]).toMatchObject({ by: 'BUYER', at: T0 });
    expect(await w.svc.cases.get(c._id)).toEqual(c);
  });

  test('the auto-reply is committed to the outbox for the buyer', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const out = w.local.dev.outbox({ caseId: c._id });
    expect(out.map((n) => [n.toOpenid, n.templateKey, n.text])).toEqual([[ALICE, 'autoReply', DEFAULT_AUTO_REPLY]]);
  });

  test('R18 quick refund: under the shop’s threshold the case is approved and the refund requested in the same call', async () => {
    const shop = await w.svc.shops.get(SHOP);
    await w.svc.shops.save({ ...shop!, settings: { ...shop!.settings, quickRefundThresholdFen: 6_000 } });
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    expect(c.status).toBe('REFUNDING');
    expect(c.approvedBy).toBe('QUICK_REFUND');
    expect(c.refunds).toEqual([expect.objectContaining({ outRefundNo: `${c._id}-1`, amountFen: 5_000, status: 'PROCESSING' })]);
    expect(await w.svc.gateway.query(`${c._id}-1`)).toEqual({ status: 'PROCESSING' });
  });
});

describe('apply: evidence files (R22, R30)', () => {
  test('a file never uploaded is INVALID_INPUT on evidence.<i>.fileId, and nothing is created', async () => {
    const o = w.seedOrder();
    const real = w.upload(ALICE);
    const ghost = { ...real, fileId: 'local://evidence/buyer_alice/ffffffffffffffffffffffffffffffff.jpg' };
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o, { evidence: [real, ghost] }));
    expect([e.code, e.field, e.status]).toEqual(['INVALID_INPUT', 'evidence.1.fileId', 400]);
    expect(await countCases()).toBe(0);
  });

  test('a hash that does not match the stored file is INVALID_INPUT on evidence.<i>.sha256', async () => {
    const ev = { ...w.upload(ALICE), sha256: 'b'.repeat(64) };
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { evidence: [ev] }));
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'evidence.0.sha256']);
  });

  test('a video declared as an image is INVALID_INPUT on evidence.<i>.kind', async () => {
    const ev = { ...w.upload(ALICE, 'video'), kind: 'image' as const };
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { evidence: [ev] }));
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'evidence.0.kind']);
  });

  test('another buyer’s upload cannot be used as one’s own evidence', async () => {
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { evidence: [w.upload(BOB)] }));
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'evidence.0.fileId']);
  });
});

describe('apply: the order of checks (SPEC §3)', () => {
  test('no identity → FORBIDDEN before the order is even looked up', async () => {
    const e = await w.fail(undefined, 'apply', refundOnly(w, w.seedOrder()));
    expect(e.code).toBe('FORBIDDEN');
  });

  test('another buyer’s order → NOT_FOUND before any rule', async () => {
    const bobs = w.seedOrder({ buyerOpenid: BOB, status: 'PAID', deliveredAt: undefined });
    const e = await w.fail(ALICE, 'apply', refundOnly(w, bobs));
    expect(e.code).toBe('NOT_FOUND');
  });

  test('a replay returns the original case even when the rules would now refuse it (R7)', async () => {
    const first = refundOnly(w, w.seedOrder());
    const original = await w.ok(ALICE, 'apply', first);
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    expect((await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder()))).code).toBe('RISK_CONTROL_TRIGGERED');
    expect(await w.ok(ALICE, 'apply', first)).toEqual(original);
    expect(await countCases()).toBe(3);
  });

  test('R1 comes first: a PAID order is refused with ORDER_STATUS_INVALID (422), telling the buyer to cancel', async () => {
    const o = w.seedOrder({ status: 'PAID', shippedAt: undefined, deliveredAt: undefined, paidAt: T0 - 400 * DAY_MS });
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o, { reason: 'LOGISTICS', evidence: [] }));
    expect([e.code, e.status, e.rule]).toEqual(['ORDER_STATUS_INVALID', 422, 'R1']);
    expect(e.message).toContain('取消');
  });

  test('R2 before R13: a custom item 20 days after delivery is out of the window first', async () => {
    const o = w.seedOrder({ deliveredAt: T0 - 20 * DAY_MS, items: [line('cup', { kind: 'CUSTOM', customNoticeShown: true })] });
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o, { reason: 'NO_REASON' }));
    expect([e.code, e.rule]).toEqual(['AFTER_SALE_WINDOW_EXPIRED', 'R2']);
  });

  test('R13 before R32: a custom item already under a case is NOT_RETURNABLE for NO_REASON', async () => {
    const o = w.seedOrder({ items: [line('cup', { kind: 'CUSTOM', customNoticeShown: true })] });
    await w.ok(ALICE, 'apply', refundOnly(w, o));
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o, { reason: 'NO_REASON' }));
    expect([e.code, e.rule]).toEqual(['NOT_RETURNABLE', 'R13']);
  });

  test('R32 before R7: an open case on the line is CASE_ALREADY_OPEN (409) even at the risk threshold', async () => {
    const [first] = await threeRecentCases();
    const o = (await w.svc.orders.get(first.orderId))!;
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o));
    expect([e.code, e.status, e.rule]).toEqual(['CASE_ALREADY_OPEN', 409, 'R32']);
  });

  test('R7 before R9: at 3 cases in 30 days a LOGISTICS claim without tracking is RISK_CONTROL_TRIGGERED', async () => {
    await threeRecentCases();
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { reason: 'LOGISTICS', evidence: [] }));
    expect([e.code, e.rule]).toEqual(['RISK_CONTROL_TRIGGERED', 'R7']);
  });

  test('R9 before R11/R3: LOGISTICS without tracking is LOGISTICS_EVIDENCE_MISSING before an excessive amount', async () => {
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { reason: 'LOGISTICS', evidence: [], amountFen: 999_999 }));
    expect([e.code, e.rule]).toEqual(['LOGISTICS_EVIDENCE_MISSING', 'R9']);
  });

  test('R11: more than the units were paid is AMOUNT_EXCEEDS_LIMIT on amountFen', async () => {
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { amountFen: 5_001 }));
    expect([e.code, e.field, e.status]).toEqual(['AMOUNT_EXCEEDS_LIMIT', 'amountFen', 422]);
  });

  test('R30: a skuId not on the order is INVALID_INPUT on items.<i>.skuId', async () => {
    const e = await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder(), { items: [{ skuId: 'not-on-order', qty: 1 }] }));
    expect([e.code, e.field]).toEqual(['INVALID_INPUT', 'items.0.skuId']);
  });
});

describe('apply: R7 risk control and its lift', () => {
  test('refused attempts and previews do not count; the platform’s lift lets the buyer apply again', async () => {
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    for (let i = 0; i < 3; i += 1) {
      await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder({ status: 'PAID', deliveredAt: undefined })));
      const { idempotencyKey: _key, ...draft } = refundOnly(w, w.seedOrder());
      await w.ok(ALICE, 'preview', draft);
    }
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    expect((await w.fail(ALICE, 'apply', refundOnly(w, w.seedOrder()))).code).toBe('RISK_CONTROL_TRIGGERED');

    w.clock.advance(1);
    const lifted = await w.ok(REVIEWER, 'platform.liftRisk', { openid: ALICE, note: '已核实申诉材料' });
    expect(lifted).toEqual({ openid: ALICE, liftedAt: w.clock.now() });
    w.clock.advance(1);
    expect((await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()))).status).toBe('PENDING');
  });

  test('cases older than 30 days stop counting', async () => {
    await threeRecentCases();
    w.clock.advance(30 * DAY_MS + 1);
    const o = w.seedOrder({ deliveredAt: w.clock.now() - DAY_MS, paidAt: w.clock.now() - 3 * DAY_MS });
    expect((await w.ok(ALICE, 'apply', refundOnly(w, o))).status).toBe('PENDING');
  });
});

describe('apply: idempotency', () => {
  test('the same key twice, one after the other, returns the same case and creates one', async () => {
    const req = refundOnly(w, w.seedOrder());
    const a = await w.ok(ALICE, 'apply', req);
    const b = await w.ok(ALICE, 'apply', req);
    expect(b).toEqual(a);
    expect(await countCases()).toBe(1);
    expect(w.local.dev.outbox({ caseId: a._id })).toHaveLength(1);
  });

  test('10 identical requests at the same moment create one case and all get it', async () => {
    const req = refundOnly(w, w.seedOrder());
    const insert = w.svc.cases.insert.bind(w.svc.cases);
    const outcomes: string[] = [];
    w.svc.cases.insert = async (...args) => {
      const r = await insert(...args);
      outcomes.push(r.inserted ? 'inserted' : r.reason);
      return r;
    };
    const replies = await Promise.all(Array.from({ length: 10 }, () => w.call(ALICE, { ...req, action: 'apply' })));
    const ids = new Set(replies.map((r) => (r.ok ? (r.data as AfterSaleCase)._id : r.error.code)));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await countCases()).toBe(1);
    // They really raced: past the replay check together, the insert told all but one about the first.
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
    expect(outcomes.length).toBeGreaterThan(1);
  });

  test('keys are per buyer: Bob’s same key on his own order is his own case', async () => {
    const req = refundOnly(w, w.seedOrder());
    const bobs = w.seedOrder({ buyerOpenid: BOB });
    const a = await w.ok(ALICE, 'apply', req);
    const b = await w.ok(BOB, 'apply', { ...refundOnly(w, bobs, { evidence: [w.upload(BOB)] }), idempotencyKey: req.idempotencyKey });
    expect(b._id).not.toBe(a._id);
  });

  test('racing applies with different keys on one line: one case, the others CASE_ALREADY_OPEN (R32 holds under the race)', async () => {
    const o = w.seedOrder();
    const replies = await Promise.all(Array.from({ length: 6 }, () => w.call(ALICE, { ...refundOnly(w, o), action: 'apply' })));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code))).toEqual(Array(5).fill('CASE_ALREADY_OPEN'));
    expect(await countCases()).toBe(1);
  });

  test('racing applies on different orders cannot pass R7 together', async () => {
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    const replies = await Promise.all(Array.from({ length: 5 }, () => w.call(ALICE, { ...refundOnly(w, w.seedOrder()), action: 'apply' })));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(await countCases()).toBe(3);
  });
});

describe('preview', () => {
  test('answers ok with every violation and changes nothing', async () => {
    const o = w.seedOrder({ deliveredAt: T0 - 20 * DAY_MS });
    const p = await w.ok(ALICE, 'preview', { orderId: o._id, type: 'REFUND_ONLY', reason: 'LOGISTICS', items: [{ skuId: 'tshirt', qty: 1 }] });
    expect(p.eligible).toBe(false);
    expect(p.violations.map((v) => v.rule)).toEqual(['R2', 'R9']);
    expect(p.maxRefundableFen).toBe(5_000);
    expect(await countCases()).toBe(0);
    expect(w.local.dev.outbox()).toEqual([]);
  });

  test('an eligible draft shows the fee, who bears it and the deadlines', async () => {
    const o = w.seedOrder();
    const p = await w.ok(ALICE, 'preview', { orderId: o._id, type: 'RETURN_REFUND', reason: 'NO_REASON', items: [{ skuId: 'tshirt', qty: 2 }] });
    expect(p).toMatchObject({ eligible: true, violations: [], maxRefundableFen: 10_000, feeFen: 0, feeBearer: 'NONE' });
    expect(p.deadlines.autoApproveAt).toBe(T0 + 48 * HOUR_MS);
    expect(p.deadlines.applyBy).toBe(o.deliveredAt! + 15 * DAY_MS);
  });
});
