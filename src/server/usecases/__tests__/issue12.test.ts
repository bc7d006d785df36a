/**
 * Issue 12 item 5, end to end through the handlers on SQLite: verify with historyHead / historyCount
 * and the money check; R22 per party; R24 DISPUTE_DECIDED and the platform's amount; R20's fee rate
 * not the shop's to set; preview's 400 for a body that fails the schema.
 */
import type { AfterSaleCase } from '../../../../types/domain';
import { makeWorld, line, OWNER, refundOnly, REVIEWER, ALICE, STAFF, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

/** Edits the stored document behind the API, as someone with database access would. */
function tamper(caseId: string, edit: (c: AfterSaleCase) => AfterSaleCase): void {
  const row = w.local.db.prepare('SELECT doc FROM cases WHERE id = ?').get(caseId) as { doc: string };
  const next = edit(JSON.parse(row.doc) as AfterSaleCase);
  w.local.db.prepare('UPDATE cases SET doc = ? WHERE id = ?').run(JSON.stringify(next), caseId);
}

async function refundedCase(): Promise<AfterSaleCase> {
  const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
  await w.ok(STAFF, 'merchant.approve', { caseId: c._id, compensationFen: 200 });
  await w.settle();
  const done = await w.ok(ALICE, 'get', { caseId: c._id });
  expect(done.status).toBe('REFUNDED');
  return done;
}

async function escalated(o = w.seedOrder(), amountFen = 5_000): Promise<AfterSaleCase> {
  const c = await w.ok(ALICE, 'apply', refundOnly(w, o, { amountFen }));
  await w.ok(OWNER, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '请补充照片' });
  return w.ok(ALICE, 'escalate', { caseId: c._id, note: '照片已经很清楚了' });
}

describe('verify: a removed newest event and edited amounts are caught (they verified before)', () => {
  test('every case action returns historyHead and historyCount in step with the history', async () => {
    const o = w.seedOrder();
    const applied = await w.ok(ALICE, 'apply', refundOnly(w, o));
    const approved = await w.ok(STAFF, 'merchant.approve', { caseId: applied._id });
    const got = await w.ok(ALICE, 'get', { caseId: applied._id });
    const listed = (await w.ok(ALICE, 'listMine', {})).items[0];
    const shop = (await w.ok(OWNER, 'merchant.list', {})).items[0];
    for (const c of [applied, approved, got, listed, shop]) {
      expect(c.historyCount).toBe(c.history.length);
      expect(c.historyHead).toBe(c.history.at(-1)?.hash);
    }
    expect(await w.ok(ALICE, 'verify', { caseId: applied._id })).toEqual({ ok: true });
  });

  test('deleting the stored case’s newest event: brokenAt = history.length', async () => {
    const c = await refundedCase();
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: true });
    tamper(c._id, (d) => ({ ...d, history: d.history.slice(0, -1) }));
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: false, brokenAt: c.history.length - 1 });
  });

  test('an edited approvedFen or refund amount is caught', async () => {
    const c = await refundedCase();
    tamper(c._id, (d) => ({ ...d, approvedFen: 10_500 }));
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: false, brokenAt: c.history.length });
    tamper(c._id, (d) => ({ ...d, approvedFen: c.approvedFen, refunds: d.refunds.map((r) => ({ ...r, amountFen: 10_500 })) }));
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: false, brokenAt: c.history.length });
    tamper(c._id, (d) => ({ ...d, refunds: c.refunds }));
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: true });
  });

  test('a row stored before the anchor existed verifies on chain and money, and its next event anchors it', async () => {
    const c = await w.ok(ALICE, 'apply', refundOnly(w, w.seedOrder()));
    // The shape older code stored: no seq on events, no historyHead / historyCount. Re-link the chain without seq.
    const { sha256 } = await import('js-sha256');
    const { canonicalJson, GENESIS_HASH } = await import('../../../core/chain');
    tamper(c._id, (d) => {
      const { historyHead: _h, historyCount: _n, ...rest } = d;
      let prev = GENESIS_HASH;
      const history = d.history.map(({ seq: _s, hash: _x, ...ev }) => {
        const linked = { ...ev, prevHash: prev };
        const hash = sha256(prev + canonicalJson(linked));
        prev = hash;
        return { ...linked, hash };
      });
      return { ...rest, history };
    });
    const legacy = await w.ok(ALICE, 'get', { caseId: c._id });
    expect(legacy.historyHead).toBeUndefined();
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: true });
    const next = await w.ok(STAFF, 'merchant.approve', { caseId: c._id });
    expect(next).toMatchObject({ historyCount: 2, historyHead: next.history[1].hash });
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: true });
    tamper(c._id, (d) => ({ ...d, history: d.history.slice(0, -1) }));
    expect(await w.ok(ALICE, 'verify', { caseId: c._id })).toEqual({ ok: false, brokenAt: 1 });
  });
});

describe('R22 per party: a buyer’s 9 photos never block the shop’s QC report', () => {
  test('buyer full at 9 images + 1 video; the merchant still adds its QC report; each record says who added it', async () => {
    const o = w.seedOrder();
    const evidence = [...Array.from({ length: 9 }, () => w.upload(ALICE)), w.upload(ALICE, 'video')];
    const c = await w.ok(ALICE, 'apply', refundOnly(w, o, { evidence }));
    const more = await w.fail(ALICE, 'addEvidence', { caseId: c._id, evidence: [w.upload(ALICE)] });
    expect([more.code, more.status, more.field]).toEqual(['INVALID_INPUT', 400, 'evidence']);
    const withQc = await w.ok(OWNER, 'merchant.addEvidence', { caseId: c._id, evidence: [w.upload(OWNER, 'image', 'qc_report')], note: '发货质检报告' });
    expect(withQc.evidence).toHaveLength(11);
    expect(withQc.evidence.map((e) => e.by)).toEqual([...Array(10).fill('BUYER'), 'MERCHANT']);
    const shopFull = await w.ok(OWNER, 'merchant.addEvidence', {
      caseId: c._id,
      evidence: Array.from({ length: 8 }, () => w.upload(OWNER, 'image', 'qc_report')),
    });
    expect(shopFull.evidence).toHaveLength(19);
    expect((await w.fail(OWNER, 'merchant.addEvidence', { caseId: c._id, evidence: [w.upload(OWNER)] })).field).toBe('evidence');
  });
});

describe('R24: the platform’s decision is final, and pays at most what was asked', () => {
  test('after a platform REJECT, apply on that order line gets DISPUTE_DECIDED 422; another line may still apply', async () => {
    const o = w.seedOrder({ paidFen: 21_000, items: [line('tshirt', { title: '纯棉T恤' }), line('mug', { title: '马克杯' })] });
    const c = await escalated(o);
    const closed = await w.ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'REJECT', note: '凭证不足' });
    expect(closed.status).toBe('CLOSED');
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o));
    expect([e.code, e.status, e.rule, e.field]).toEqual(['DISPUTE_DECIDED', 422, 'R24', 'items.0.skuId']);
    expect(e.solution).toBeTruthy();
    const p = await w.ok(ALICE, 'preview', { orderId: o._id, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'tshirt', qty: 1 }] });
    expect(p.violations.map((v) => v.code)).toEqual(['DISPUTE_DECIDED']);
    expect((await w.ok(ALICE, 'apply', refundOnly(w, o, { items: [{ skuId: 'mug', qty: 1 }] }))).status).toBe('PENDING');
  });

  test('DISPUTE_DECIDED comes after R2 and before R32 (SPEC §3’s order)', async () => {
    const o = w.seedOrder({ paidFen: 21_000, items: [line('tshirt'), line('mug')] });
    const c = await escalated(o);
    await w.ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'REJECT', note: '凭证不足' });
    await w.ok(ALICE, 'apply', refundOnly(w, o, { items: [{ skuId: 'mug', qty: 1 }] }));
    const both = refundOnly(w, o, { items: [{ skuId: 'mug', qty: 1 }, { skuId: 'tshirt', qty: 1 }] });
    expect((await w.fail(ALICE, 'apply', both)).code).toBe('DISPUTE_DECIDED');
    w.clock.advance(20 * 24 * 3_600_000);
    expect((await w.fail(ALICE, 'apply', refundOnly(w, o))).code).toBe('AFTER_SALE_WINDOW_EXPIRED');
  });

  test('platform.decide APPROVE on a ¥1 claim pays ¥1, not ¥105; a larger amountFen is AMOUNT_EXCEEDS_LIMIT on amountFen', async () => {
    const c = await escalated(w.seedOrder(), 100);
    const e = await w.fail(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', amountFen: 10_500, note: '支持退款' });
    expect([e.code, e.status, e.field]).toEqual(['AMOUNT_EXCEEDS_LIMIT', 422, 'amountFen']);
    expect((await w.ok(ALICE, 'get', { caseId: c._id })).status).toBe('ESCALATED');
    const paid = await w.ok(REVIEWER, 'platform.decide', { caseId: c._id, decision: 'APPROVE', note: '支持退款' });
    expect(paid).toMatchObject({ status: 'REFUNDING', approvedFen: 100 });
    expect(paid.compensationFen).toBeUndefined();
    expect(paid.refunds.map((r) => r.amountFen)).toEqual([100]);
  });
});

describe('R20: the refund fee rate is the platform’s, shown to the shop, not editable by it', () => {
  test('merchant.settings.set with platformFeeRateBp: INVALID_INPUT 400 naming the field, and nothing changes', async () => {
    const before = await w.ok(OWNER, 'merchant.settings.get', {});
    expect(before.settings.platformFeeRateBp).toBe(60);
    const e = await w.fail(OWNER, 'merchant.settings.set', { hotline: '13912345678', platformFeeRateBp: 0 } as never);
    expect([e.code, e.status, e.field]).toEqual(['INVALID_INPUT', 400, 'platformFeeRateBp']);
    expect(await w.ok(OWNER, 'merchant.settings.get', {})).toEqual(before);
  });
});

describe('preview: a body that fails the schema is INVALID_INPUT 400; a well-formed ineligible draft is ok:true', () => {
  test('missing, mistyped or unknown fields get 400 with the field named', async () => {
    const o = w.seedOrder();
    const good = { orderId: o._id, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'tshirt', qty: 1 }] };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, type: undefined }, 'type'],
      [{ ...good, items: undefined }, 'items'],
      [{ ...good, items: [{ skuId: 'tshirt', qty: '1' }] }, 'items.0.qty'],
      [{ ...good, amountFen: 50.5 }, 'amountFen'],
      [{ ...good, reason: 'BORED' }, 'reason'],
      [{ ...good, idempotencyKey: 'k1' }, 'idempotencyKey'],
      [{ ...good, items: [{ skuId: 'tshirt', qty: 1, price: 1 }] }, 'items.0.price'],
    ];
    for (const [body, field] of cases) {
      const r = await w.call(ALICE, { ...body, action: 'preview' });
      expect(r.ok ? ['ok'] : [r.status, r.error.code, r.error.field]).toEqual([400, 'INVALID_INPUT', field]);
    }
  });

  test('a well-formed draft with a quantity or amount that is not positive is ok:true with R30 violations, not a 400', async () => {
    const o = w.seedOrder();
    const base = { orderId: o._id, type: 'REFUND_ONLY' as const, reason: 'QUALITY' as const };
    const zeroQty = await w.ok(ALICE, 'preview', { ...base, items: [{ skuId: 'tshirt', qty: 0 }] });
    expect(zeroQty.violations.map((v) => [v.rule, v.field])).toEqual([['R30', 'items.0.qty']]);
    const zeroAmount = await w.ok(ALICE, 'preview', { ...base, items: [{ skuId: 'tshirt', qty: 1 }], amountFen: 0 });
    expect(zeroAmount.violations.map((v) => [v.rule, v.field])).toEqual([['R30', 'amountFen']]);
    // apply keeps its strict schema: the same body is refused before any rule (400 either way).
    const e = await w.fail(ALICE, 'apply', refundOnly(w, o, { amountFen: 0 }));
    expect([e.code, e.status, e.field]).toEqual(['INVALID_INPUT', 400, 'amountFen']);
  });

  test('an skuId not on the order stays a violation; an ineligible draft is ok:true with its violations', async () => {
    const o = w.seedOrder({ deliveredAt: w.clock.now() - 20 * 24 * 3_600_000 });
    const p = await w.ok(ALICE, 'preview', { orderId: o._id, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'nope', qty: 1 }] });
    expect(p.eligible).toBe(false);
    expect(p.violations.map((v) => [v.rule, v.code, v.field])).toEqual([
      ['R30', 'INVALID_INPUT', 'items.0.skuId'],
      ['R2', 'AFTER_SALE_WINDOW_EXPIRED', undefined],
    ]);
  });
});
