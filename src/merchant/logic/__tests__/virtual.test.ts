import { visibleRange } from '../virtual';

const base = { viewportHeight: 812, listTop: 150, rowHeight: 124, count: 1000, overscan: 3 };

describe('virtual window over the panel list', () => {
  it('renders only the rows near the screen at the top of a long list', () => {
    const r = visibleRange({ ...base, scrollTop: 0 });
    expect(r.start).toBe(0);
    expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(812 / 124) + 1 + 3);
  });

  it('follows the scroll, with the overscan either side, counting from where the list starts', () => {
    const r = visibleRange({ ...base, scrollTop: 150 + 500 * 124 });
    expect(r.start).toBe(497);
    expect(r.end).toBe(500 + 8 + 3);
  });

  it('stays bounded at the very end, and is empty for an empty list', () => {
    const r = visibleRange({ ...base, scrollTop: 10_000_000 });
    expect(r.end).toBe(1000);
    expect(r.start).toBeLessThan(1000);
    expect(r.end - r.start).toBeLessThanOrEqual(20);
    expect(visibleRange({ ...base, count: 0, scrollTop: 0 })).toEqual({ start: 0, end: 0 });
  });
});
