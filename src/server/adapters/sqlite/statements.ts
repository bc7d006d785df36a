import type Database from 'better-sqlite3';
import type { Page } from '../../../../types/api';
import type { Db } from './open';
import { decodeCursor, encodeCursor, pageLimit } from '../cursor';

/** Prepared statements, compiled once per database and SQL text. */
export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Db) {}

  get(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

export interface KeysetQuery {
  table: string;
  /** SQL conditions joined with AND, using `?` placeholders. */
  where: string[];
  params: unknown[];
  /** An INTEGER column; ties are broken by `id`. */
  sortColumn: string;
  direction: 'ASC' | 'DESC';
  /** Names the ordering inside the cursor, so a cursor of one list is refused by another. */
  tag: string;
  cursor?: string;
  limit?: number;
}

/** One page of `doc`s in (sortColumn, id) order, reading one row past the page to know if more exist. */
/**
 * The filter of an owner's list (a buyer's cases or orders, a shop's cases): every row of the owner,
 * or those of one status; the tag keeps each filter's cursors apart.
 */
export function ownedBy(column: string, owner: string, status: string | undefined, tag: string): Pick<KeysetQuery, 'where' | 'params' | 'tag'> {
  return status === undefined
    ? { where: [`${column} = ?`], params: [owner], tag }
    : { where: [`${column} = ?`, 'status = ?'], params: [owner, status], tag: `${tag}:${status}` };
}

export function keysetPage<T>(st: Statements, q: KeysetQuery): Page<T> {
  const limit = pageLimit(q.limit);
  const where = [...q.where];
  const params = [...q.params];
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.tag, q.cursor);
    where.push(`(${q.sortColumn}, id) ${q.direction === 'ASC' ? '>' : '<'} (?, ?)`);
    params.push(key.value, key.id);
  }
  const sql =
    `SELECT ${q.sortColumn} AS k, id, doc FROM ${q.table}` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${q.sortColumn} ${q.direction}, id ${q.direction} LIMIT ?`;
  const rows = st.get(sql).all(...params, limit + 1) as { k: number; id: string; doc: string }[];
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map((r) => JSON.parse(r.doc) as T),
    nextCursor: more && last ? encodeCursor(q.tag, { value: last.k, id: last.id }) : null,
  };
}
