/**
 * Read-only looks into a running host's database from the bench process (WAL lets a reader in beside
 * the host's writer): which cases to approve next, whether the gateway's callbacks have landed.
 */
import Database from 'better-sqlite3';
import path from 'path';
import { DB_FILE_NAME } from '../../src/server/adapters/sqlite/open';

export class DbPeek {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    this.db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  /** The shop's PENDING cases the merchant sees first (soonest auto-approval), as many as asked. */
  pendingOfShop(shopId: string, limit: number): string[] {
    return (
      this.db
        .prepare("SELECT id FROM cases WHERE shop_id = ? AND status = 'PENDING' ORDER BY deadline_key, id LIMIT ?")
        .all(shopId, limit) as { id: string }[]
    ).map((r) => r.id);
  }

  /** Refund callbacks the simulated gateway still owes the host. */
  undeliveredRefunds(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM gateway_refunds WHERE notified < notify_target').get() as { n: number }).n;
  }

  countByStatus(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM cases GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** PENDING cases whose deadline is at or before `at`: the timer should have approved every one. */
  pendingDueBy(at: number): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM cases WHERE status = 'PENDING' AND deadline_at <= ?").get(at) as { n: number }
    ).n;
  }

  close(): void {
    this.db.close();
  }
}

/** Waits until the gateway has delivered every refund callback (or `capMs` passed); returns the wait. */
export async function quiesce(peek: DbPeek, capMs = 20_000): Promise<number> {
  const started = Date.now();
  while (peek.undeliveredRefunds() > 0 && Date.now() - started < capMs) await new Promise((r) => setTimeout(r, 200));
  return Date.now() - started;
}
