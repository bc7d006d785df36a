/**
 * Phase 2: the core's `preview` on a 50-line order with 20 earlier cases (the core engineer's fixture
 * and rate loop, src/core/__tests__/preview.rate.ts), beside a JSON round-trip of the same order and
 * draft: what merely copying the input once costs on this machine, in the same process and run.
 *
 * Run as its own process (`tsx bench/phases/core.ts`, printing one JSON line) so that nothing else the
 * bench loaded shares its heap or its JIT.
 */
import type { DraftApplication } from '../../types/api';
import type { RuleContext } from '../../src/core/context';
import { largeOrderContext, largeOrderDrafts, previewRate } from '../../src/core/__tests__/preview.rate';

export interface CoreRun {
  draft: string;
  previewPerS: number;
  roundTripPerS: number;
}

/** Round-trips per second of the order and the draft through JSON, timed like previewRate. */
function roundTripRate(ctx: RuleContext, draft: DraftApplication, n: number): number {
  const input = { order: ctx.order, draft };
  let sink = 0;
  for (let i = 0; i < n / 5; i += 1) sink += (JSON.parse(JSON.stringify(input)) as typeof input).order.paidFen;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) sink += (JSON.parse(JSON.stringify(input)) as typeof input).order.paidFen;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) throw new Error('unreachable: amounts are never negative');
  return n / seconds;
}

/** `runs` interleaved pairs per draft, each pair timed back to back. */
export function coreRuns(runs: number, n: number): CoreRun[] {
  const ctx = largeOrderContext();
  const out: CoreRun[] = [];
  for (let r = 0; r < runs; r += 1) {
    for (const [name, draft] of Object.entries(largeOrderDrafts(ctx))) {
      // A round-trip costs about ten previews: a tenth of the count keeps both timings near the same length.
      out.push({ draft: name, previewPerS: previewRate(ctx, draft, n), roundTripPerS: roundTripRate(ctx, draft, Math.ceil(n / 10)) });
    }
  }
  return out;
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 5);
  const n = Number(process.argv[3] ?? 50_000);
  process.stdout.write(`${JSON.stringify(coreRuns(runs, n))}\n`);
}
