export interface WindowInput {
  /** How far the page is scrolled, in px. */
  scrollTop: number;
  /** The visible height of the page, in px. */
  viewportHeight: number;
  /** Where the list starts on the page (below the banner and tabs), in px. */
  listTop: number;
  rowHeight: number;
  count: number;
  /** Rows rendered beyond each edge, so a fast flick never shows a blank. */
  overscan: number;
}

/** Rows [start, end) to render: those on screen plus `overscan` either side, whatever the list's length. */
export function visibleRange(w: WindowInput): { start: number; end: number } {
  if (w.count === 0 || w.rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, w.scrollTop - w.listTop);
  const first = Math.floor(top / w.rowHeight);
  const onScreen = Math.ceil(w.viewportHeight / w.rowHeight) + 1;
  const start = Math.max(0, Math.min(first - w.overscan, w.count - 1));
  const end = Math.min(w.count, first + onScreen + w.overscan);
  return { start, end: Math.max(start, end) };
}
