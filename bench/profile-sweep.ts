/**
 * Where the sweep's time goes (issue 18 item 3): `npx tsx bench/profile-sweep.ts [cases=20000]`.
 * Builds a dataset of its own (a fifth PENDING), runs one autoApprove sweep in a host process under
 * `--cpu-prof`, and prints the profile's self time grouped by function and by file, beside the raw
 * conditional UPDATE of the same rows (bench/phases/timer.ts). Not part of `npm run bench`: a profile
 * slows what it measures; this says what the time is, the bench says how much.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import Database from 'better-sqlite3';
import { buildDataset, FULL_DATASET } from './lib/dataset';
import { copyDataDir } from './lib/copyDb';
import { startHostProcess } from '../test/support/host';
import { HostClient, ok } from '../test/support/http';
import { DB_FILE_NAME } from '../src/server/adapters/sqlite/open';
import { LIMITS } from '../src/core/settings';
import { writtenBytes } from './lib/proc';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function short(url: string): string {
  const i = url.indexOf('/src/');
  if (i >= 0) return url.slice(i + 1);
  const n = url.lastIndexOf('node_modules/');
  if (n >= 0) return url.slice(n + 'node_modules/'.length).split('/').slice(0, 2).join('/');
  return url === '' ? '(native)' : url.replace(/^.*\//, '');
}

function summarise(p: Profile): { byFn: [string, number][]; byFile: [string, number][]; totalMs: number } {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  for (const n of p.nodes) {
    const ms = self.get(n.id) ?? 0;
    if (ms === 0) continue;
    totalMs += ms;
    const f = short(n.callFrame.url);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${f}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    byFile.set(f, (byFile.get(f) ?? 0) + ms);
  }
  const top = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  return { byFn: top(byFn), byFile: top(byFile), totalMs };
}

const RAW_UPDATE = `
  UPDATE cases SET
    status = 'REFUNDING', version = version + 1, updated_at = @now, approved_at = @now, timer_at = @queryAt,
    deadline_at = NULL, deadline_key = ${Number.MAX_SAFE_INTEGER}, committed_fen = json_extract(doc, '$.amountFen'),
    doc = json_set(doc, '$.status', 'REFUNDING', '$.version', version + 1, '$.approvedAt', @now,
                   '$.approvedFen', json_extract(doc, '$.amountFen'), '$.updatedAt', @now, '$.timerAt', @queryAt)
  WHERE timer_at <= @now AND status = 'PENDING'`;

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const cases = Number(process.argv[2] ?? 20_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-prof-'));
  const base = path.join(tmp, 'base');
  const m = await buildDataset(base, { ...FULL_DATASET, cases, applyOrders: 10 }, Date.now());
  const at = m.lastPendingDeadline + 60_000;

  const raw = copyDataDir(base, path.join(tmp, 'raw'));
  const db = new Database(path.join(raw, DB_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const t0 = process.hrtime.bigint();
  db.pragma('wal_autocheckpoint = 0');
  const walFrames = (dir: string) => Math.max(0, (fs.statSync(path.join(dir, `${DB_FILE_NAME}-wal`), { throwIfNoEntry: false })?.size ?? 32) - 32) / (4096 + 24);
  const rawBefore = walFrames(raw);
  const rawWritten = writtenBytes(process.pid);
  const rows = db.prepare(RAW_UPDATE).run({ now: at, queryAt: at + LIMITS.refundQueryDelayMs }).changes;
  const rawFrames = walFrames(raw) - rawBefore;
  const rawMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // Its one checkpoint too, as the host's writes include the checkpoints of the sweep's frames.
  db.pragma('wal_checkpoint(PASSIVE)');
  const rawBytes = writtenBytes(process.pid) - rawWritten;
  db.close();

  const profDir = path.join(tmp, 'prof');
  const run = copyDataDir(base, path.join(tmp, 'run'));
  const runBefore = walFrames(run);
  const host = await startHostProcess({ dataDir: run, env: { SWEEP_INTERVAL_MS: '0' }, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`], timeoutMs: 120_000 });
  let sweepMs = 0;
  let sweepFrames = 0;
  let sweepBytes = 0;
  let approved = 0;
  try {
    const api = new HostClient(host.url);
    ok(await api.dev.clock(at));
    const hostWritten = writtenBytes(host.child.pid ?? 0);
    const t = process.hrtime.bigint();
    approved = (ok(await api.dev.run('autoApprove')) as { approved: number }).approved;
    sweepMs = Number(process.hrtime.bigint() - t) / 1e6;
    sweepBytes = writtenBytes(host.child.pid ?? 0) - hostWritten;
    sweepFrames = walFrames(run) - runBefore;
  } finally {
    await host.stop();
    for (const line of host.output().split('\n')) if (line.startsWith('XP ')) console.log(line);
  }
  // tsx starts a loader process too: the host's profile is the largest.
  const files = fs.readdirSync(profDir).map((f) => path.join(profDir, f));
  const file = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const s = summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
  console.log(`sweep: ${approved} of ${m.pendingCount} approved in ${Math.round(sweepMs)} ms (under the profiler); raw UPDATE of ${rows} rows ${Math.round(rawMs)} ms`);
  console.log(`WAL file growth (frames; a checkpoint lets the WAL be written over, so a floor for the sweep): raw UPDATE ${rawFrames}; sweep ${sweepFrames} (${(sweepFrames / rawFrames).toFixed(1)}×)`);
  console.log(`bytes written (write(2): WAL frames and checkpoints): raw UPDATE and its checkpoint ${(rawBytes / MB).toFixed(1)} MB; sweep ${(sweepBytes / MB).toFixed(1)} MB (${(sweepBytes / rawBytes).toFixed(1)}×)`);
  console.log(`profile ${file}: ${Math.round(s.totalMs)} ms sampled over the host's life (start-up included)`);
  console.log('\nself time by file:');
  for (const [k, v] of s.byFile) console.log(`  ${String(Math.round(v)).padStart(7)} ms  ${k}`);
  console.log('\nself time by function:');
  for (const [k, v] of s.byFn) console.log(`  ${String(Math.round(v)).padStart(7)} ms  ${k}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
