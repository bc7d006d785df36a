import { useDidHide, useDidShow } from '@tarojs/taro';
import { useEffect, useRef } from 'react';

/** How often the buyer's order and case lists ask again while left open (issue 17 item 4). */
export const BUYER_LIST_POLL_MS = 20_000;

/**
 * Runs `tick` every `everyMs` while the page is in view (stopped when it is hidden or unmounted), so a
 * page left open keeps up with what others do: a buyer applies while staff look at the panel.
 */
export function usePollWhileShown(tick: () => void, everyMs: number): void {
  const run = useRef(tick);
  run.current = tick;
  const timer = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const start = () => {
    if (timer.current === undefined) timer.current = setInterval(() => run.current(), everyMs);
  };
  const stop = () => {
    if (timer.current !== undefined) clearInterval(timer.current);
    timer.current = undefined;
  };
  useEffect(() => {
    start();
    return stop;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [everyMs]);
  useDidShow(start);
  useDidHide(stop);
}
