import type { AfterSaleCase } from '../../../types/domain';

/**
 * Adds the next page after what is already shown. The server orders the pages (PENDING by soonest
 * auto-approval); a case that reappears because the list shifted between two requests keeps its first
 * place and takes the newer data, so rows never jump or repeat while staff scroll.
 */
export function appendPage(shown: readonly AfterSaleCase[], page: readonly AfterSaleCase[]): AfterSaleCase[] {
  const at = new Map<string, number>();
  const out = shown.slice();
  out.forEach((c, i) => at.set(c._id, i));
  for (const c of page) {
    const i = at.get(c._id);
    if (i === undefined) {
      at.set(c._id, out.length);
      out.push(c);
    } else if (c.version >= out[i].version) {
      out[i] = c;
    }
  }
  return out;
}

/** Puts a case's new state into a list, dropping it when it no longer belongs there. */
export function replaceCase(
  list: readonly AfterSaleCase[],
  updated: AfterSaleCase,
  keep: (c: AfterSaleCase) => boolean,
): AfterSaleCase[] {
  if (!keep(updated)) return list.filter((c) => c._id !== updated._id);
  return list.map((c) => (c._id === updated._id && updated.version >= c.version ? updated : c));
}
