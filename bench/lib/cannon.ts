/**
 * autocannon, typed for what the bench uses. It runs in the bench's own process; the host under load
 * is a child process, so the two never share an event loop.
 */
// autocannon ships no types, and the bench needs only this corner of its API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: CannonOptions) => Promise<CannonResult>;

export interface CannonRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Called for every request sent: returns it with its own body and headers (keep the fields it was given: host, port). */
  setupRequest?: (req: CannonRequest) => CannonRequest;
}

interface CannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  sampleInt?: number;
  /** Requests per second offered over all connections together (open loop); unset = as fast as answered. */
  overallRate?: number;
  requests: CannonRequest[];
}

interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; mean: number; max: number };
  requests: { total: number; sent: number };
}

export interface LoadFigures {
  /** Completed 2xx replies per second over the whole run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Replies that were not 2xx, and transport errors/timeouts: any of these makes the run invalid. */
  failed: number;
  statusCodes: Record<string, number>;
  seconds: number;
  /** The host's main thread during the run (applyPaced only): ms on a CPU, ms waiting for one. */
  hostThread?: { cpuMs: number; waitMs: number };
}

export const CONNECTIONS = 50;

export async function cannon(
  url: string,
  run: { requests: CannonRequest[]; durationS?: number; amount?: number; overallRate?: number },
): Promise<LoadFigures> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    timeout: 30,
    // autocannon ends a run on its next sample tick: at the default 1 s, a fixed-amount run's length
    // (and so its rate) is rounded up to whole seconds.
    sampleInt: 50,
    requests: run.requests,
    ...(run.overallRate !== undefined ? { overallRate: run.overallRate } : {}),
    ...(run.amount !== undefined ? { amount: run.amount } : { duration: run.durationS ?? 5 }),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats)) statusCodes[code] = s.count;
  return {
    rps: r['2xx'] / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok: r['2xx'],
    failed: r.non2xx + r.errors + r.timeouts,
    statusCodes,
    seconds: r.duration,
  };
}
