/**
 * bench/lib/paced.ts offers the host phase's applyPaced load: evenly spread over the run (which
 * autocannon's overallRate is not), with each latency counted from the request's due time.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { paced } from '../../bench/lib/paced';
import { percentile } from '../../bench/lib/stats';
import type { CannonRequest } from '../../bench/lib/cannon';

interface Server {
  url: string;
  /** performance.now() of each request's arrival, in order. */
  arrivals: number[];
  close(): Promise<void>;
}

/** A server that answers 200 (or `status`) after `holdMs(i)` for the i-th request. */
async function server(holdMs: (i: number) => number = () => 0, status = 200): Promise<Server> {
  const arrivals: number[] = [];
  const s = http.createServer((req, res) => {
    const i = arrivals.length;
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}'), holdMs(i)));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => s.close(() => resolve())),
  };
}

const requests = (n: number): CannonRequest[] =>
  Array.from({ length: n }, (_, i) => ({ method: 'POST' as const, path: '/x', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) }));

describe('paced', () => {
  let srv: Server | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('spreads the requests evenly over the run: 100 at 100/s arrive over about a second, never 20 in 100 ms', async () => {
    srv = await server();
    const f = await paced(srv.url, { requests: requests(100), rate: 100 });
    expect(f.ok).toBe(100);
    expect(f.failed).toBe(0);
    const a = srv.arrivals;
    expect(a[a.length - 1] - a[0]).toBeGreaterThan(800);
    expect(a[a.length - 1] - a[0]).toBeLessThan(1_500);
    // autocannon's overallRate would send each second's quota at once: here any 100 ms holds about 10.
    const most = Math.max(...a.map((t) => a.filter((u) => u >= t && u < t + 100).length));
    expect(most).toBeLessThan(20);
    expect(f.rps).toBeGreaterThan(60);
    expect(f.rps).toBeLessThan(110);
  });

  it('counts a stall from each request’s due time, including the requests that waited for a socket meanwhile', async () => {
    // 60 requests at 1,000/s; the server holds the first 50 (one per socket) for 300 ms. The last 10 are
    // due at 50–59 ms but find every socket busy until ~300 ms: measured from their due time they took
    // ~240 ms, though each was answered at once once sent.
    srv = await server((i) => (i < 50 ? 300 : 0));
    const f = await paced(srv.url, { requests: requests(60), rate: 1_000 });
    expect(f.ok).toBe(60);
    expect(f.latenciesMs.filter((ms) => ms >= 200)).toHaveLength(60);
    expect(f.p50Ms).toBeGreaterThanOrEqual(200);
  });

  it('reports a quick server as quick: 50 at 100/s, p50 under 50 ms', async () => {
    srv = await server();
    const f = await paced(srv.url, { requests: requests(50), rate: 100 });
    expect(f.p50Ms).toBeLessThan(50);
  });

  it('counts replies that are not 2xx as failed, by status', async () => {
    srv = await server(() => 0, 409);
    const f = await paced(srv.url, { requests: requests(5), rate: 200 });
    expect(f.ok).toBe(0);
    expect(f.failed).toBe(5);
    expect(f.statusCodes).toEqual({ 409: 5 });
  });

  it('refuses a rate that is not a positive number, and an empty list, naming the field', async () => {
    await expect(paced('http://127.0.0.1:1', { requests: requests(1), rate: 0 })).rejects.toThrow(/rate/);
    await expect(paced('http://127.0.0.1:1', { requests: requests(1), rate: Number.NaN })).rejects.toThrow(/rate/);
    await expect(paced('http://127.0.0.1:1', { requests: [], rate: 10 })).rejects.toThrow(/requests/);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});
