import { useDidShow } from '@tarojs/taro';
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

/** Shared with the buyer's lists (src/hooks): the main package cannot import from this subpackage. */
export { usePollWhileShown } from '../../hooks/usePollWhileShown';
