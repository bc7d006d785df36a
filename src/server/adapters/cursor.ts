/**
 * Keyset pagination. A cursor is the (sort value, id) of the last row of a page, tagged with the
 * ordering it belongs to, as base64url JSON: opaque to callers, short, and refused when forged or
 * used with another list. Keyset (not offset) pages neither skip nor repeat rows when cases are added
 * or leave the filter between two pages.
 */
import { DomainError } from '../../core/errors';

export const MAX_PAGE_LIMIT = 100;
const DEFAULT_LIMIT = 20;

export interface CursorKey {
  value: number;
  id: string;
}

export function encodeCursor(tag: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([tag, key.value, key.id]), 'utf8').toString('base64url');
}

function badCursor(): DomainError {
  return new DomainError('INVALID_INPUT', { field: 'cursor', message: '翻页参数无效，请刷新列表后重试' });
}

/** The key a cursor carries; INVALID_INPUT (field `cursor`) when it is not one of this list's cursors. */
export function decodeCursor(tag: string, cursor: string): CursorKey {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== tag ||
    !Number.isSafeInteger(parsed[1]) ||
    typeof parsed[2] !== 'string'
  ) {
    throw badCursor();
  }
  return { value: parsed[1] as number, id: parsed[2] as string };
}

/** The page size actually used: 1…100, 20 when the caller gave nothing usable. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit)));
}
