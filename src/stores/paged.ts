import type { Page } from '../../types/api';
import { describeError } from '../services/cloud';

/** One filtered list (a status tab): what is loaded, whether more exists, and what went wrong. */
export interface PagedList<T> {
  items: T[];
  nextCursor: string | null;
  /** Nothing loaded yet for this filter. */
  loaded: boolean;
  loading: boolean;
  refreshing: boolean;
  error?: { message: string; solution: string };
}

export function emptyList<T>(): PagedList<T> {
  return { items: [], nextCursor: null, loaded: false, loading: false, refreshing: false };
}

export type PageFetcher<T> = (cursor: string | undefined) => Promise<Page<T>>;

/**
 * Loads the first page (`refresh`) or the next one into `list`, through `set`. A call while a load of the
 * same list is running returns without a second request, so a scroll that fires twice loads one page.
 */
export async function loadPage<T extends { _id: string }>(
  get: () => PagedList<T>,
  set: (next: PagedList<T>) => void,
  fetchPage: PageFetcher<T>,
  mode: 'refresh' | 'more',
): Promise<void> {
  const list = get();
  if (list.loading) return;
  if (mode === 'more' && list.loaded && list.nextCursor === null) return;
  const cursor = mode === 'more' && list.loaded ? (list.nextCursor ?? undefined) : undefined;
  set({ ...list, loading: true, refreshing: mode === 'refresh' && list.loaded, error: undefined });
  try {
    const page = await fetchPage(cursor);
    const before = cursor === undefined ? [] : get().items;
    const seen = new Set(before.map((x) => x._id));
    const items = [...before, ...page.items.filter((x) => !seen.has(x._id))];
    set({ items, nextCursor: page.nextCursor, loaded: true, loading: false, refreshing: false });
  } catch (e) {
    const { message, solution } = describeError(e);
    set({ ...get(), loading: false, refreshing: false, error: { message, solution } });
  }
}
