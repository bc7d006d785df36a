/**
 * Properties of the money rules over random orders and random sequences of applications: whatever the
 * buyer asks, what the order's cases hold stays within R3's 105% and within what was paid, no line
 * is claimed twice over, and a line split any way across cases adds up to exactly its paid amount.
 */
import fc from 'fast-check';
import type { DraftApplication } from '../../../types/api';
import type { AfterSaleCase, CaseItem, CaseType, ItemKind, Order, Reason } from '../../../types/domain';
import { CASE_TYPES, REASONS } from '../../../types/domain';
import { percentOf } from '../money';
import { preview } from '../preview';
import { checkApplication, checkApprovedAmount, coversShipping, isOpen, maxRefundableFen } from '../rules';
import { makeAttempt, makeCase, makeCtx, makeDraft, makeEvidence, makeItem, makeOrder, makeShop } from './fixtures';

const lineArb = fc.record({
  qty: fc.integer({ min: 1, max: 6 }),
  paidFen: fc.integer({ min: 0, max: 60_000 }),
  kind: fc.constantFrom<ItemKind>('NORMAL', 'NORMAL', 'FRESH', 'CROSS_BORDER'),
});

const orderArb = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
    shippingFen: fc.integer({ min: 0, max: 2_000 }),
    customsFeeFen: fc.constantFrom(0, 0, 500, 3_000),
  })
  .map(({ lines, shippingFen, customsFeeFen }) => {
    const items = lines.map((l, i) => makeItem({ skuId: `sku_${i}`, title: `商品${i}`, ...l }));
    const order: Order = makeOrder({ items, shippingFen, paidFen: items.reduce((s, it) => s + it.paidFen, 0) + shippingFen });
    return { order, shop: makeShop({}, { customsFeeFen }) };
  });

const stepArb = fc.record({
  type: fc.constantFrom<CaseType>(...CASE_TYPES),
  reason: fc.constantFrom<Reason>(...REASONS),
  picks: fc.array(fc.record({ line: fc.nat(4), qty: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
  /** undefined: ask for the most refundable. */
  amountFen: fc.option(fc.oneof(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 400_000 })), { nil: undefined, freq: 2 }),
  outcome: fc.constantFrom('PENDING', 'REFUNDED', 'REFUNDED'),
  compensationFen: fc.constantFrom(0, 0, 1_000, 50_000),
  cancelOpen: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function draftOf(order: Order, step: Step): DraftApplication {
  const items: CaseItem[] = [];
  if (step.type !== 'SHIPPING_FEE_ONLY') {
    for (const p of step.picks) {
      const skuId = order.items[p.line % order.items.length].skuId;
      if (!items.some((it) => it.skuId === skuId)) items.push({ skuId, qty: p.qty });
    }
  }
  return makeDraft({
    type: step.type,
    reason: step.reason,
    items,
    amountFen: step.amountFen,
    description: '商品少发一件，申请退款',
    evidence: makeEvidence(1, 'image', 'receipt'),
  });
}

interface Run {
  order: Order;
  cases: AfterSaleCase[];
  accepted: number;
}

/** Applies every step the rules accept; with `loose`, also compensation at approval and cancellations. */
function simulate(order: Order, shop: ReturnType<typeof makeShop>, steps: Step[], loose: boolean, after: (r: Run) => void): Run {
  const run: Run = { order, cases: [], accepted: 0 };
  for (const step of steps) {
    if (loose && step.cancelOpen) {
      const open = run.cases.find(isOpen);
      if (open) open.status = 'CANCELLED';
    }
    const ctx = makeCtx({ order, shop, orderCases: run.cases });
    const draft = draftOf(order, step);
    const verdict = preview(ctx, draft);
    expect(verdict.violations).toEqual(checkApplication(ctx, draft));
    if (!verdict.eligible) continue;
    const amountFen = draft.amountFen ?? verdict.maxRefundableFen;
    const c = makeCase({ type: draft.type, reason: draft.reason, items: draft.items, amountFen, coversShipping: coversShipping(ctx, draft) });
    if (loose && step.compensationFen > 0 && checkApprovedAmount({ ...ctx, orderCases: [...run.cases, c] }, c, amountFen + step.compensationFen) === null) {
      c.approvedFen = amountFen + step.compensationFen;
      c.compensationFen = step.compensationFen;
    }
    if (step.outcome === 'REFUNDED') {
      c.status = 'REFUNDED';
      c.refunds = [makeAttempt({ outRefundNo: `${c._id}-1`, amountFen: c.approvedFen ?? amountFen })];
    }
    run.cases.push(c);
    run.accepted += 1;
    after(run);
  }
  return run;
}

function held(cases: AfterSaleCase[]): AfterSaleCase[] {
  return cases.filter((c) => c.status !== 'CANCELLED' && c.status !== 'CLOSED');
}

function heldFen(cases: AfterSaleCase[]): number {
  return held(cases).reduce((s, c) => s + (c.approvedFen ?? c.amountFen), 0);
}

function expectNoLineOverClaimed(run: Run): void {
  for (const line of run.order.items) {
    const claimed = held(run.cases).reduce((s, c) => s + c.items.filter((it) => it.skuId === line.skuId).reduce((q, it) => q + it.qty, 0), 0);
    expect(claimed).toBeLessThanOrEqual(line.qty);
  }
  expect(held(run.cases).filter((c) => c.type === 'SHIPPING_FEE_ONLY' || c.coversShipping).length).toBeLessThanOrEqual(1);
}

describe('R3 R11 R10 properties over random orders and applications', () => {
  it('never commits more than what was paid (and so never more than 105%), nor over-claims a line', () => {
    let accepted = 0;
    fc.assert(
      fc.property(orderArb, fc.array(stepArb, { maxLength: 14 }), ({ order, shop }, steps) => {
        const run = simulate(order, shop, steps, false, (r) => {
          const paidLinesAndShipping = r.order.items.reduce((s, it) => s + it.paidFen, 0) + r.order.shippingFen;
          expect(heldFen(r.cases)).toBeLessThanOrEqual(paidLinesAndShipping);
          expect(heldFen(r.cases)).toBeLessThanOrEqual(percentOf(r.order.paidFen, 105));
          expectNoLineOverClaimed(r);
        });
        accepted += run.accepted;
      }),
      { numRuns: 300 },
    );
    // The generator must actually reach accepted applications, or the property says nothing.
    expect(accepted).toBeGreaterThan(300);
  });

  it('keeps the order within 105% with compensation at approval and cancellations in between', () => {
    let compensated = 0;
    fc.assert(
      fc.property(orderArb, fc.array(stepArb, { maxLength: 14 }), ({ order, shop }, steps) => {
        const run = simulate(order, shop, steps, true, (r) => {
          expect(heldFen(r.cases)).toBeLessThanOrEqual(percentOf(r.order.paidFen, 105));
          expectNoLineOverClaimed(r);
        });
        compensated += run.cases.filter((c) => c.compensationFen !== undefined).length;
      }),
      { numRuns: 300 },
    );
    expect(compensated).toBeGreaterThan(10);
  });

  it('counts every unit once: a line split any way sums to exactly its paid amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 40 }),
        (qty, paidFen, cuts) => {
          const order = makeOrder({ items: [makeItem({ qty, paidFen })], shippingFen: 0, paidFen });
          const cases: AfterSaleCase[] = [];
          let left = qty;
          let sum = 0;
          for (let k = 0; left > 0; k += 1) {
            const take = Math.min(left, cuts[k % cuts.length]);
            const draft = makeDraft({ reason: 'NO_REASON', items: [{ skuId: 'sku_a', qty: take }], amountFen: undefined });
            const part = maxRefundableFen(makeCtx({ order, orderCases: cases }), draft);
            cases.push(makeCase({ status: 'REFUNDED', items: draft.items, amountFen: part, refunds: [makeAttempt({ outRefundNo: `p-${k}`, amountFen: part })] }));
            sum += part;
            left -= take;
          }
          expect(sum).toBe(paidFen);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers any draft without throwing, never offering a negative amount', () => {
    const anyDraft = fc.record({
      type: fc.constantFrom<CaseType>(...CASE_TYPES),
      reason: fc.constantFrom<Reason>(...REASONS),
      items: fc.array(fc.record({ skuId: fc.constantFrom('sku_0', 'sku_1', 'ghost', ''), qty: fc.oneof(fc.integer(), fc.double()) }), { maxLength: 4 }),
      amountFen: fc.option(fc.oneof(fc.integer(), fc.double()), { nil: undefined }),
      description: fc.option(fc.string({ maxLength: 600 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(orderArb, anyDraft, ({ order, shop }, d) => {
        const r = preview(makeCtx({ order, shop }), { orderId: order._id, ...d });
        expect(r.maxRefundableFen).toBeGreaterThanOrEqual(0);
        expect(r.eligible).toBe(r.violations.length === 0);
      }),
      { numRuns: 500 },
    );
  });
});
