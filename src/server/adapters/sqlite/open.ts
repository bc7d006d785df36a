/**
 * The local host's embedded database: one better-sqlite3 file under DATA_DIR, in WAL mode.
 *
 * Durability choice — WAL with synchronous=NORMAL (FULL on request):
 * In WAL mode a commit appends the transaction's frames to the -wal file with write(2) before
 * `COMMIT` returns; NORMAL only skips the fsync of the WAL at each commit (it still syncs at
 * checkpoints). Once write(2) has returned the bytes are in the kernel's page cache, which belongs to
 * the OS, not to our process: `kill -9`, an uncaught exception or an OOM kill of Node cannot take them
 * back, and the next open replays the WAL. So every change a request acknowledged survives a process
 * crash with NORMAL. What NORMAL gives up is the last few commits on power loss or a kernel panic
 * (the database stays consistent: a lost WAL suffix is lost whole, transaction by transaction). This
 * host is the development and test stand-in for WeChat cloud, whose database owns durability in
 * production, and an fsync per commit would cost every write a disk flush; so NORMAL is the default
 * and `synchronous: 'FULL'` (env SQLITE_SYNCHRONOUS=FULL in serve.ts) is there for anyone who wants
 * power-loss durability too.
 */
import Database from 'better-sqlite3';
import fs from 'fs';
import path from 'path';
import { MIGRATIONS } from './schema';

export type Db = Database.Database;

export type Synchronous = 'NORMAL' | 'FULL';

export interface OpenOptions {
  synchronous?: Synchronous;
}

export const DB_FILE_NAME = 'aftersale.sqlite';

/**
 * Checkpoint when the WAL passes this many pages (SQLite's default is 1,000, about 4 MB). A sweep's
 * commits rewrite the same index pages again and again; a checkpoint copies each page once however
 * often it was rewritten since the last, so fewer, larger checkpoints copy fewer pages. About 40 MB
 * of WAL at most (the file is reused, not grown, after a checkpoint).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Opens (creating if needed) the database under `dataDir`, or a private in-memory one for ':memory:'. */
export function openSqlite(dataDir: string, opts: OpenOptions = {}): Db {
  const inMemory = dataDir === ':memory:';
  if (!inMemory) fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(inMemory ? ':memory:' : path.join(dataDir, DB_FILE_NAME));
  if (!inMemory) {
    db.pragma('journal_mode = WAL');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }
  db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  // Temporary files in memory, the savepoints' sub-journals above all: a write inside a savepoint
  // (each case of the sweep's batch, CaseRepo.updateMany) first copies every page it touches there,
  // ~26 pages a case, and past 64 KiB SQLite spills that to a temporary file: 108 MB written per batch
  // of 1,000 cases, 80% of the sweep's writes (bench/README.md, the sweep). Rolled back or released
  // with its savepoint, so it holds one case's pages at a time.
  db.pragma('temp_store = MEMORY');
  // Another process (a test reading the file, a second host by mistake) waits instead of failing.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the migrations this file has not seen yet, each in its own IMMEDIATE transaction. */
export function migrate(db: Db): void {
  for (let target = 1; target <= MIGRATIONS.length; target += 1) {
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= target) return;
      db.exec(MIGRATIONS[target - 1]);
      db.pragma(`user_version = ${target}`);
    }).immediate();
  }
}
