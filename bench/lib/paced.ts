/**
 * Open-loop load at an even rate (the host phase's applyPaced). Request i is due at start + i/rate s and
 * is sent then, whatever became of the earlier ones, over at most CONNECTIONS keep-alive sockets (one
 * due while every socket is busy waits for a socket, and that wait counts). Each latency runs from the
 * request's due time to its reply's last byte, so a stall of the server shows in every request due
 * during it, and nothing else is added.
 *
 * autocannon's `overallRate` is not this (autocannon 8, lib/httpClient.js and lib/run.js): each
 * connection sends its per-second quota back to back when its own 1 s timer fires, so the requests
 * reach the server in the first 400–600 ms of each second and none in the rest; and each reply is recorded
 * with an "expected interval" of ceil(1 / rate) = 1 ms, which adds a synthetic sample for every
 * millisecond of every reply's latency. bench/probe-apply-tail.ts shows both.
 */
import http from 'http';
import { CONNECTIONS, type CannonRequest, type LoadFigures } from './cannon';
import { percentile } from './stats';

export interface PacedRun {
  /** Sent in this order, one each. */
  requests: readonly CannonRequest[];
  /** Requests per second offered, over all sockets together. */
  rate: number;
  /** A reply slower than this counts as failed (default 30 s, as cannon()). */
  timeoutMs?: number;
}

export async function paced(url: string, run: PacedRun): Promise<LoadFigures & { latenciesMs: number[] }> {
  if (!Number.isFinite(run.rate) || run.rate <= 0) throw new Error(`paced: rate must be a positive number of requests per second, got ${run.rate}`);
  if (run.requests.length === 0) throw new Error('paced: requests must hold at least one request');
  const timeoutMs = run.timeoutMs ?? 30_000;
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latenciesMs: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  const start = performance.now() + 10;

  const send = (r: CannonRequest, due: number) =>
    new Promise<void>((resolve) => {
      const fail = () => {
        failed += 1;
        resolve();
      };
      const req = http.request({ agent, host: target.hostname, port: target.port, method: r.method, path: r.path, headers: r.headers }, (res) => {
        res.resume();
        res.on('error', fail);
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          statusCodes[code] = (statusCodes[code] ?? 0) + 1;
          if (code >= 200 && code < 300) {
            ok += 1;
            latenciesMs.push(performance.now() - due);
          } else {
            failed += 1;
          }
          resolve();
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no reply within ${timeoutMs} ms`)));
      req.on('error', fail);
      req.end(r.body);
    });

  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < run.requests.length && start + (next * 1000) / run.rate <= now) {
        inFlight.push(send(run.requests[next], start + (next * 1000) / run.rate));
        next += 1;
      }
      if (next < run.requests.length) setTimeout(tick, Math.max(0, Math.min(1, start + (next * 1000) / run.rate - now)));
      else resolve();
    };
    setTimeout(tick, 10);
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    rps: ok / seconds,
    p50Ms: round1(percentile(latenciesMs, 50)),
    p99Ms: round1(percentile(latenciesMs, 99)),
    ok,
    failed,
    statusCodes,
    seconds,
    latenciesMs,
  };
}
