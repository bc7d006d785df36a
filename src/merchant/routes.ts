/** Paths of the merchant subpackage's pages (app.config.ts subPackages root `merchant`). */
export const ROUTES = {
  panel: '/merchant/pages/panel/index',
  review: '/merchant/pages/review/index',
  stats: '/merchant/pages/stats/index',
  settings: '/merchant/pages/settings/index',
  platform: '/merchant/pages/platform/index',
  /** SPEC §7: the shop's orders, shipped from here. */
  orders: '/merchant/pages/orders/index',
  /** SPEC §7: the owner's staff, invites and order-sync key. */
  team: '/merchant/pages/team/index',
} as const;

export function reviewUrl(caseId: string, as: 'merchant' | 'platform' = 'merchant'): string {
  return `${ROUTES.review}?id=${encodeURIComponent(caseId)}${as === 'platform' ? '&as=platform' : ''}`;
}
