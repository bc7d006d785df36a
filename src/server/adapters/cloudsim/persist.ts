/**
 * The cloud-sim database's disk: every committed write of the document store goes to one SQLite
 * table before the commit is visible or answered, so whatever a request was told survives `kill -9`
 * (WAL; a killed process loses nothing the OS already has). Rows keep the rowid of their first
 * insert, so documents reload in insertion (natural) order, as the cloud database lists them.
 */
import type { Db } from '../sqlite/open';
import type { Doc } from './mongo';

export interface DocWrite {
  coll: string;
  id: string;
  doc: Doc | null;
}

export class DocJournal {
  private readonly upsert;
  private readonly remove;

  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS cloudsim_docs (
      coll TEXT NOT NULL,
      id TEXT NOT NULL,
      doc TEXT NOT NULL,
      UNIQUE (coll, id)
    )`);
    this.upsert = db.prepare('INSERT INTO cloudsim_docs (coll, id, doc) VALUES (?, ?, ?) ON CONFLICT (coll, id) DO UPDATE SET doc = excluded.doc');
    this.remove = db.prepare('DELETE FROM cloudsim_docs WHERE coll = ? AND id = ?');
  }

  /** One commit's writes, atomically. */
  record(writes: readonly DocWrite[]): void {
    this.db.transaction(() => {
      for (const w of writes) {
        if (w.doc === null) this.remove.run(w.coll, w.id);
        else this.upsert.run(w.coll, w.id, JSON.stringify(w.doc));
      }
    })();
  }

  *load(): Generator<{ coll: string; id: string; doc: Doc }> {
    const rows = this.db.prepare('SELECT coll, id, doc FROM cloudsim_docs ORDER BY rowid').iterate() as Iterable<{ coll: string; id: string; doc: string }>;
    for (const r of rows) yield { coll: r.coll, id: r.id, doc: JSON.parse(r.doc) as Doc };
  }

  clear(): void {
    this.db.exec('DELETE FROM cloudsim_docs');
  }
}
