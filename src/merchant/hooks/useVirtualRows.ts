import Taro, { usePageScroll } from '@tarojs/taro';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { visibleRange } from '../logic/virtual';

/** The design is drawn for a 375 px wide phone; both builds scale design px by the window's width. */
const DESIGN_WIDTH = 375;

function windowSize(): { width: number; height: number } {
  try {
    // getSystemInfoSync is deprecated in the weapp base library; getWindowInfo is all this needs.
    const info = typeof Taro.getWindowInfo === 'function' ? Taro.getWindowInfo() : Taro.getSystemInfoSync();
    return { width: info.windowWidth || DESIGN_WIDTH, height: info.windowHeight || 812 };
  } catch {
    return { width: DESIGN_WIDTH, height: 812 };
  }
}

export interface VirtualRows {
  start: number;
  end: number;
  /** Height of one row in real px (design px scaled to this phone). */
  rowPx: number;
  /** Height of the whole list in real px, so the page scrolls as if every row were there. */
  totalPx: number;
  /** Re-measure where the list starts (after the banner above it appears or goes). */
  measure(): void;
}

/**
 * A window over a long list that scrolls with the page (so the page's own pull-to-refresh and
 * reach-bottom work in both weapp and h5): only the rows near the screen exist, so a thousand cases
 * cost the same nodes as a dozen.
 */
export function useVirtualRows(listId: string, count: number, rowDesignPx: number, overscan = 3): VirtualRows {
  const size = useMemo(windowSize, []);
  const rowPx = Math.round((rowDesignPx * size.width) / DESIGN_WIDTH);
  const [scrollTop, setScrollTop] = useState(0);
  const [listTop, setListTop] = useState(0);
  const scrollRef = useRef(0);

  usePageScroll(({ scrollTop: top }) => {
    scrollRef.current = top;
    setScrollTop(top);
  });

  const measure = useCallback(() => {
    if (typeof Taro.createSelectorQuery !== 'function') return;
    Taro.createSelectorQuery()
      .select(`#${listId}`)
      .boundingClientRect((rect) => {
        const r = Array.isArray(rect) ? rect[0] : rect;
        if (r && typeof r.top === 'number') setListTop(r.top + scrollRef.current);
      })
      .exec();
  }, [listId]);

  const hasRows = count > 0;
  useEffect(() => {
    if (!hasRows) return undefined;
    const id = setTimeout(measure, 0);
    return () => clearTimeout(id);
  }, [measure, hasRows]);

  const { start, end } = visibleRange({ scrollTop, viewportHeight: size.height, listTop, rowHeight: rowPx, count, overscan });
  return { start, end, rowPx, totalPx: rowPx * count, measure };
}
