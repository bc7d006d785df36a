/**
 * A probe preloaded into a host process by bench/probe-apply-tail.ts (`node --require`); never loaded
 * otherwise. It records, in the host's own clock (epoch ms):
 *   - every HTTP request: when Node handed it to the server ('request': headers parsed) and when its
 *     reply was written out ('finish'), and its x-probe-id header if it has one;
 *   - the event loop's lag: a 2 ms timer's lateness, every tick, with the main thread's time on a CPU
 *     and waiting for one (its /proc schedstat) since the tick before;
 *   - the process's CPU time at the end;
 * and writes them as JSON to PROBE_OUT when the process exits.
 */
'use strict';
const fs = require('fs');
const http = require('http');
const { performance } = require('perf_hooks');

const out = process.env.PROBE_OUT;
if (!out) throw new Error('hostProbe: PROBE_OUT is not set');

const now = () => performance.timeOrigin + performance.now();
/** [accepted, finished, path, x-probe-id] */
const requests = [];
/** [at, lagMs, onCpuMs, runqueueWaitMs] (the last two: the main thread's, since the previous tick) */
const lags = [];
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const sched = () => {
  try {
    const [cpu, wait] = fs.readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number);
    return [cpu / 1e6, wait / 1e6];
  } catch {
    return [Number.NaN, Number.NaN];
  }
};
let last = sched();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function probedEmit(event, req, res) {
  if (event === 'request') {
    const accepted = now();
    const id = req.headers['x-probe-id'];
    res.once('finish', () => requests.push([accepted, now(), req.url, id === undefined ? null : Number(id)]));
  }
  return emit.apply(this, arguments);
};

const TICK_MS = 2;
let expected = now() + TICK_MS;
const ticker = setInterval(() => {
  const t = now();
  const s = sched();
  lags.push([t, Math.max(0, t - expected), s[0] - last[0], s[1] - last[1]]);
  last = s;
  expected = t + TICK_MS;
}, TICK_MS);
ticker.unref();

process.on('exit', () => {
  fs.writeFileSync(out, JSON.stringify({ requests, lags, cpu: process.cpuUsage() }));
});
