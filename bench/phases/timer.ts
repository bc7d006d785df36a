/**
 * Phase 4: the autoApprove timer. On a fresh copy of the 100,000-case database the host's clock is
 * moved past every PENDING deadline (20,000 cases), then one sweep is run through
 * `POST /__dev/run/autoApprove`, which replies once the whole sweep has committed. Beside it, on
 * another fresh copy, the raw SQLite conditional update of the same rows: one statement that makes
 * the same row changes (status, version, timer, deadline, approval columns and the stored document),
 * without rules, history, refunds or notifications. That is the floor any sweep stands on. And a
 * second baseline between the two: the same row changes made one case at a time, each read, parsed,
 * rewritten and committed in its own compare-and-set transaction, as any sweep that commits per case
 * must at least do.
 */
import Database from 'better-sqlite3';
import path from 'path';
import { startHostProcess } from '../../test/support/host';
import { HostClient, ok } from '../../test/support/http';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../../src/server/host/host';
import { LIMITS } from '../../src/core/settings';
import { DB_FILE_NAME } from '../../src/server/adapters/sqlite/open';
import { copyDataDir } from '../lib/copyDb';
import type { Manifest } from '../lib/dataset';
import { DbPeek } from '../lib/dbPeek';
import { PeakRss } from '../lib/memory';
import { processCpuMs, writtenBytes } from '../lib/proc';

export interface TimerRound {
  sweepMs: number;
  approved: number;
  batches: number;
  /** The sweep said it left due cases for a later run. */
  remaining: boolean;
  /** PENDING cases due at the sweep's start and still PENDING after it: must be 0. */
  leftPending: number;
  /** PENDING cases past deadline + one sweep interval at the end: must be 0. */
  latePending: number;
  /** The host's CPU time (user + system) over the sweep: unlike sweepMs, not stretched by other jobs' load. */
  sweepCpuMs: number;
  /** Bytes the host wrote over the sweep (WAL frames, checkpoints, temporary files). */
  sweepWrittenBytes: number;
  rawMs: number;
  rawRows: number;
  /** The raw update's CPU time and bytes written (its WAL frames), as for the sweep. */
  rawCpuMs: number;
  rawWrittenBytes: number;
  /** The same changes one row per transaction: measured in the first round only (a reference, not a target's baseline). */
  perRowMs?: number;
  peakRssBytes: number;
}

const RAW_UPDATE = `
  UPDATE cases SET
    status = 'REFUNDING', version = version + 1, updated_at = @now, approved_at = @now, timer_at = @queryAt,
    deadline_at = NULL, deadline_key = ${Number.MAX_SAFE_INTEGER}, committed_fen = json_extract(doc, '$.amountFen'),
    doc = json_set(doc, '$.status', 'REFUNDING', '$.version', version + 1, '$.approvedAt', @now,
                   '$.approvedFen', json_extract(doc, '$.amountFen'), '$.updatedAt', @now, '$.timerAt', @queryAt)
  WHERE timer_at <= @now AND status = 'PENDING'`;

/** The raw conditional update on a copy, as the host opens its file (WAL, synchronous NORMAL). */
function rawUpdate(dataDir: string, now: number): { ms: number; rows: number; cpuMs: number; writtenBytes: number } {
  const db = new Database(path.join(dataDir, DB_FILE_NAME));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const stmt = db.prepare(RAW_UPDATE);
    const written = writtenBytes(process.pid);
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const r = stmt.run({ now, queryAt: now + LIMITS.refundQueryDelayMs });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const used = process.cpuUsage(cpu);
    return { ms, rows: r.changes, cpuMs: (used.user + used.system) / 1000, writtenBytes: writtenBytes(process.pid) - written };
  } finally {
    db.close();
  }
}

/** The same row changes one case at a time: read, parse, rewrite, compare-and-set, commit. */
function perRowUpdate(dataDir: string, now: number): { ms: number; rows: number } {
  const db = new Database(path.join(dataDir, DB_FILE_NAME));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // The sweep's own query (adapters/sqlite/cases.ts due): every due case, by timer, from the index.
    const due = db.prepare('SELECT id, version, doc FROM cases WHERE timer_at IS NOT NULL AND timer_at <= ? ORDER BY timer_at, id LIMIT 100');
    const write = db.prepare(
      `UPDATE cases SET status = 'REFUNDING', version = ?, updated_at = ?, approved_at = ?, timer_at = ?, deadline_at = NULL,
         deadline_key = ${Number.MAX_SAFE_INTEGER}, committed_fen = ?, doc = ? WHERE id = ? AND version = ?`,
    );
    const queryAt = now + LIMITS.refundQueryDelayMs;
    const t = process.hrtime.bigint();
    let rows = 0;
    for (;;) {
      // Re-queried in batches of 100, as the sweep does: changed rows leave the filter.
      const batch = due.all(now) as { id: string; version: number; doc: string }[];
      if (batch.length === 0) break;
      for (const r of batch) {
        const c = JSON.parse(r.doc) as { amountFen: number } & Record<string, unknown>;
        const next = { ...c, status: 'REFUNDING', version: r.version + 1, approvedAt: now, approvedFen: c.amountFen, updatedAt: now, timerAt: queryAt };
        rows += db.transaction(() => write.run(r.version + 1, now, now, queryAt, c.amountFen, JSON.stringify(next), r.id, r.version).changes).immediate();
      }
    }
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, rows };
  } finally {
    db.close();
  }
}

async function sweepOnce(
  baseDir: string,
  runDir: string,
  m: Manifest,
  sweepAt: number,
): Promise<Omit<TimerRound, 'rawMs' | 'rawRows' | 'rawCpuMs' | 'rawWrittenBytes' | 'perRowMs'>> {
  copyDataDir(baseDir, runDir);
  const host = await startHostProcess({ dataDir: runDir, env: { SWEEP_INTERVAL_MS: '0' }, timeoutMs: 120_000 });
  const pid = host.child.pid;
  if (pid === undefined) throw new Error('timer: host has no pid');
  const rss = new PeakRss(pid);
  const peek = new DbPeek(runDir);
  try {
    const api = new HostClient(host.url);
    ok(await api.dev.clock(sweepAt));
    const cpu = processCpuMs(pid);
    const written = writtenBytes(pid);
    const t = process.hrtime.bigint();
    const report = ok(await api.dev.run('autoApprove')) as { approved: number; batches: number; remaining: boolean };
    const sweepMs = Number(process.hrtime.bigint() - t) / 1e6;
    const sweepCpuMs = processCpuMs(pid) - cpu;
    const sweepWrittenBytes = writtenBytes(pid) - written;
    const endNow = await api.dev.now();
    if (report.approved !== m.pendingCount) throw new Error(`timer: the sweep approved ${report.approved} of ${m.pendingCount} overdue cases`);
    return {
      sweepMs,
      sweepCpuMs,
      sweepWrittenBytes,
      approved: report.approved,
      batches: report.batches,
      remaining: report.remaining,
      leftPending: peek.pendingDueBy(sweepAt),
      latePending: peek.pendingDueBy(endNow - DEFAULT_SWEEP_INTERVAL_MS),
      peakRssBytes: rss.stop(),
    };
  } finally {
    rss.stop();
    peek.close();
    await host.stop();
  }
}

export async function timerPhase(baseDir: string, tmpDir: string, m: Manifest, rounds: number, log: (s: string) => void): Promise<TimerRound[]> {
  // A minute past the last deadline: every PENDING case is overdue, and nothing else is due.
  const sweepAt = m.lastPendingDeadline + 60_000;
  const out: TimerRound[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const sweep = await sweepOnce(baseDir, path.join(tmpDir, 'run-timer'), m, sweepAt);
    const raw = rawUpdate(copyDataDir(baseDir, path.join(tmpDir, 'run-raw')), sweepAt);
    if (raw.rows !== m.pendingCount) throw new Error(`timer: the raw update changed ${raw.rows} rows, expected ${m.pendingCount}`);
    // The per-row reference costs 5–10× the raw update; once is enough to place the sweep between the two.
    const perRow = r === 0 ? perRowUpdate(copyDataDir(baseDir, path.join(tmpDir, 'run-raw')), sweepAt) : undefined;
    if (perRow && perRow.rows !== m.pendingCount) throw new Error(`timer: the per-row update changed ${perRow.rows} rows, expected ${m.pendingCount}`);
    out.push({
      ...sweep,
      rawMs: raw.ms,
      rawRows: raw.rows,
      rawCpuMs: raw.cpuMs,
      rawWrittenBytes: raw.writtenBytes,
      ...(perRow ? { perRowMs: perRow.ms } : {}),
    });
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    log(
      `  round ${r + 1}: sweep ${Math.round(sweep.sweepMs)} ms for ${sweep.approved} cases, raw update ${Math.round(raw.ms)} ms` +
        (perRow ? `, one transaction per row ${Math.round(perRow.ms)} ms` : '') +
        `; CPU sweep ${Math.round(sweep.sweepCpuMs)} ms, raw ${Math.round(raw.cpuMs)} ms (${(sweep.sweepCpuMs / raw.cpuMs).toFixed(1)}×)` +
        `; written sweep ${mb(sweep.sweepWrittenBytes)}, raw ${mb(raw.writtenBytes)}`,
    );
  }
  return out;
}
