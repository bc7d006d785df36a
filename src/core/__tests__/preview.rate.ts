/**
 * How many previews per second the core does on a large order: 50 lines, 20 earlier cases.
 * The apply page re-runs preview on every keystroke; the target is ≥ 50,000/s.
 *
 *   npx tsx src/core/__tests__/preview.rate.ts
 *
 * Run it with plain Node: under jest every global lookup (Math, Number) crosses the test sandbox
 * and the same code measures about five times slower, which says nothing about the device or the host.
 */
import type { DraftApplication } from '../../../types/api';
import type { AfterSaleCase, OrderItem } from '../../../types/domain';
import type { RuleContext } from '../context';
import { preview } from '../preview';
import { DAY_MS } from '../time';
import { makeCase, makeCtx, makeDraft, makeOrder, makeRefundedCase, T0 } from './fixtures';

/** 50 lines of 10 units (some fresh, some cross-border), paid by credit card, insured; 20 earlier cases. */
export function largeOrderContext(): RuleContext {
  const items: OrderItem[] = [];
  for (let i = 0; i < 50; i += 1) {
    items.push({
      skuId: `sku_${i}`,
      title: `商品${i}`,
      unitFen: 1_000 + i,
      qty: 10,
      paidFen: 9_000 + i * 7,
      kind: i % 10 === 3 ? 'FRESH' : i % 10 === 7 ? 'CROSS_BORDER' : 'NORMAL',
    });
  }
  const shippingFen = 1_200;
  const paidFen = items.reduce((s, it) => s + it.paidFen, 0) + shippingFen;
  const order = makeOrder({ items, paidFen, shippingFen, payChannel: 'CREDIT_CARD', insured: true });
  const cases: AfterSaleCase[] = [];
  for (let k = 0; k < 20; k += 1) {
    const caseItems = [0, 1, 2].map((j) => ({ skuId: `sku_${(k * 3 + j) % 50}`, qty: 1 }));
    const base = { items: caseItems, amountFen: 2_000, createdAt: T0 - (k + 1) * DAY_MS };
    cases.push(k % 4 === 0 ? makeRefundedCase(base) : makeCase({ ...base, status: k % 4 === 1 ? 'CANCELLED' : 'CLOSED' }));
  }
  return makeCtx({ order, orderCases: cases, buyerCaseTimes: [T0 - 40 * DAY_MS, T0 - 2 * DAY_MS] });
}

export function largeOrderDrafts(ctx: RuleContext): Record<string, DraftApplication> {
  return {
    '3 items, amount left out': makeDraft({
      items: [
        { skuId: 'sku_40', qty: 2 },
        { skuId: 'sku_43', qty: 1 },
        { skuId: 'sku_47', qty: 3 },
      ],
      amountFen: undefined,
    }),
    'all 50 lines, return': makeDraft({
      type: 'RETURN_REFUND',
      reason: 'NO_REASON',
      items: ctx.order.items.map((it) => ({ skuId: it.skuId, qty: 1 })),
      amountFen: 100_000,
    }),
  };
}

/** Previews per second of one draft over `n` timed runs (after a warm-up of n/5). */
export function previewRate(ctx: RuleContext, draft: DraftApplication, n: number): number {
  let sink = 0;
  for (let i = 0; i < n / 5; i += 1) sink += preview(ctx, draft).maxRefundableFen;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) sink += preview(ctx, draft).maxRefundableFen;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) throw new Error('unreachable: amounts are never negative');
  return n / seconds;
}

if (require.main === module) {
  const ctx = largeOrderContext();
  for (const [name, draft] of Object.entries(largeOrderDrafts(ctx))) {
    const rate = previewRate(ctx, draft, 200_000);
    console.log(`preview, ${name}: ${Math.round(rate).toLocaleString('en')} evaluations/s`);
  }
}
