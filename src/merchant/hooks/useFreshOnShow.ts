import { useDidHide, useDidShow } from '@tarojs/taro';
import { useEffect, useRef } from 'react';

/**
 * Loads when the component mounts and again each time its page comes back into view. The mount load
 * matters because a page's first onShow may fire before the role check lets the component mount;
 * the show right after a mount is skipped so one arrival makes one request.
 */
export function useFreshOnShow(load: () => void): void {
  const lastLoad = useRef(0);
  const run = useRef(load);
  run.current = load;
  useEffect(() => {
    lastLoad.current = Date.now();
    run.current();
  }, []);
  useDidShow(() => {
    if (Date.now() - lastLoad.current < 1000) return;
    lastLoad.current = Date.now();
    run.current();
  });
}

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
