/**
 * Who may call what, in one table (R30, SPEC §4 "Identity"). The caller comes only from the function
 * context (cloud: getWXContext().OPENID; local host: the x-wx-openid header). A role calling another
 * role's action gets FORBIDDEN; a resource outside the caller's own orders, cases or shop answers
 * NOT_FOUND, so that nobody learns which ids exist.
 */
import type { ActionName } from '../../types/api';
import type { AfterSaleCase, MerchantRole, Order } from '../../types/domain';
import { DomainError } from '../core/errors';
import type { Services } from './ports';
import { OPENID_PATTERN } from './schemas';

export type CallerRole = 'BUYER' | MerchantRole;

export interface Caller {
  openid: string;
  role: CallerRole;
  /** The merchant's shop (STAFF / OWNER). */
  shopId?: string;
}

/**
 * MERCHANT is STAFF or OWNER; OWNER alone is the shop's owner. PARTY is any party of a case (SPEC §6):
 * the buyer, the shop's merchants, the platform (ownership then narrows it to the caller's own case).
 */
export type Audience = 'ANYONE' | 'BUYER' | 'MERCHANT' | 'OWNER' | 'PLATFORM' | 'PARTY';

/**
 * What the action's input points at and must belong to the caller:
 * ORDER → `orderId` is the buyer's order; CASE → `caseId` is the buyer's case, the merchant's shop's
 * case, or (platform) a case that was escalated; NONE → the action reads only the caller's own scope.
 * SHOP_ORDER (SPEC §7) → `orderId` is an order of the merchant's shop; CASE_OR_SHOP_ORDER → `caseId`
 * as CASE when the input names one, else `orderId` as SHOP_ORDER (merchant.retryRefund).
 */
export type Ownership = 'NONE' | 'ORDER' | 'CASE' | 'SHOP_ORDER' | 'CASE_OR_SHOP_ORDER';

export interface AccessRule {
  who: Audience;
  owns: Ownership;
}

export const ACCESS: Record<ActionName, AccessRule> = {
  whoami: { who: 'ANYONE', owns: 'NONE' },
  'order.list': { who: 'BUYER', owns: 'NONE' },
  'order.get': { who: 'BUYER', owns: 'ORDER' },
  preview: { who: 'BUYER', owns: 'ORDER' },
  apply: { who: 'BUYER', owns: 'ORDER' },
  get: { who: 'BUYER', owns: 'CASE' },
  listMine: { who: 'BUYER', owns: 'NONE' },
  cancel: { who: 'BUYER', owns: 'CASE' },
  shipReturn: { who: 'BUYER', owns: 'CASE' },
  acceptOffer: { who: 'BUYER', owns: 'CASE' },
  declineOffer: { who: 'BUYER', owns: 'CASE' },
  addEvidence: { who: 'BUYER', owns: 'CASE' },
  escalate: { who: 'BUYER', owns: 'CASE' },
  reportNotReceived: { who: 'BUYER', owns: 'CASE' },
  verify: { who: 'BUYER', owns: 'CASE' },
  confirmReceipt: { who: 'BUYER', owns: 'CASE' },
  // SPEC §6: talking, proof and changing the application.
  message: { who: 'PARTY', owns: 'CASE' },
  modify: { who: 'BUYER', owns: 'CASE' },
  'merchant.requestEvidence': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.list': { who: 'MERCHANT', owns: 'NONE' },
  'merchant.get': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.approve': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.reject': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.offer': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.confirmReturn': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.addEvidence': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.retryRefund': { who: 'MERCHANT', owns: 'CASE_OR_SHOP_ORDER' },
  'merchant.reship': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.convertToRefund': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.stats': { who: 'MERCHANT', owns: 'NONE' },
  'merchant.settings.get': { who: 'MERCHANT', owns: 'NONE' },
  'merchant.settings.set': { who: 'OWNER', owns: 'NONE' },
  'platform.list': { who: 'PLATFORM', owns: 'NONE' },
  'platform.get': { who: 'PLATFORM', owns: 'CASE' },
  'platform.decide': { who: 'PLATFORM', owns: 'CASE' },
  'platform.liftRisk': { who: 'PLATFORM', owns: 'NONE' },
  // ── SPEC §7 demo checkout ──
  'shop.get': { who: 'BUYER', owns: 'NONE' },
  'order.create': { who: 'BUYER', owns: 'NONE' },
  'order.pay': { who: 'BUYER', owns: 'ORDER' },
  'order.confirmReceipt': { who: 'BUYER', owns: 'ORDER' },
  'order.cancel': { who: 'BUYER', owns: 'ORDER' },
  'merchant.ship': { who: 'MERCHANT', owns: 'SHOP_ORDER' },
  'merchant.orders': { who: 'MERCHANT', owns: 'NONE' },
  // ── SPEC §7 people (redeeming a code: anyone identified; the use case refuses other shops' merchants) ──
  'shop.claim': { who: 'ANYONE', owns: 'NONE' },
  'merchant.join': { who: 'ANYONE', owns: 'NONE' },
  'merchant.invite': { who: 'OWNER', owns: 'NONE' },
  'merchant.invites': { who: 'OWNER', owns: 'NONE' },
  'merchant.revokeInvite': { who: 'OWNER', owns: 'NONE' },
  'merchant.removeStaff': { who: 'OWNER', owns: 'NONE' },
  'merchant.staff.list': { who: 'OWNER', owns: 'NONE' },
  'merchant.syncKey.rotate': { who: 'OWNER', owns: 'NONE' },
};

/** No openid (or one no WeChat context could produce) → FORBIDDEN; a merchant's openid → its role; else a buyer. */
export async function identify(svc: Services, openid: string | undefined): Promise<Caller> {
  if (openid === undefined || !OPENID_PATTERN.test(openid)) {
    throw new DomainError('FORBIDDEN', { message: '未识别到微信身份，请在微信中打开小程序' });
  }
  const merchant = await svc.merchants.get(openid);
  if (!merchant) return { openid, role: 'BUYER' };
  return merchant.role === 'PLATFORM'
    ? { openid, role: 'PLATFORM' }
    : { openid, role: merchant.role, shopId: merchant.shopId };
}

export function mayCall(role: CallerRole, who: Audience): boolean {
  switch (who) {
    case 'ANYONE':
      return true;
    case 'BUYER':
      // SPEC §7: one WeChat user is a buyer everywhere, merchants and reviewers included.
      return true;
    case 'MERCHANT':
      return role === 'STAFF' || role === 'OWNER';
    case 'OWNER':
      return role === 'OWNER';
    case 'PLATFORM':
      return role === 'PLATFORM';
    case 'PARTY':
      return true;
  }
}

/** The buyer's own order (whatever else the caller is). */
export function ownsOrder(caller: Caller, order: Order): boolean {
  return order.buyerOpenid === caller.openid;
}

/**
 * Whether the case is in the caller's reach for an action of audience `who`: a buyer action reaches
 * the caller's own purchases; a merchant action the shop's cases; a platform action escalated ones.
 */
export function ownsCase(caller: Caller, c: AfterSaleCase, who: Audience = caller.role === 'BUYER' ? 'BUYER' : caller.role === 'PLATFORM' ? 'PLATFORM' : 'MERCHANT'): boolean {
  switch (who) {
    case 'BUYER':
      return c.buyerOpenid === caller.openid;
    case 'MERCHANT':
    case 'OWNER':
      return (caller.role === 'STAFF' || caller.role === 'OWNER') && c.shopId === caller.shopId;
    case 'PLATFORM':
      return caller.role === 'PLATFORM' && c.escalatedAt !== undefined;
    case 'ANYONE':
    case 'PARTY':
      return c.buyerOpenid === caller.openid || (caller.role !== 'BUYER' && ownsCase(caller, c, caller.role === 'PLATFORM' ? 'PLATFORM' : 'MERCHANT'));
  }
}

/**
 * Who the caller is on this case (its history's actor): a buyer action, or a party action on a case
 * they bought, is the BUYER's, whatever else the caller is (SPEC §7); otherwise their role's.
 */
function actsAs(caller: Caller, who: Audience, c?: AfterSaleCase): Access['actsAs'] {
  if (who === 'BUYER' || (c !== undefined && c.buyerOpenid === caller.openid)) return 'BUYER';
  if (caller.role === 'PLATFORM') return 'PLATFORM';
  return caller.role === 'BUYER' ? 'BUYER' : 'MERCHANT';
}

/** SPEC §7: nobody decides, as the shop or as the platform, a case they bought themselves. */
function selfDealing(): DomainError {
  return new DomainError('FORBIDDEN', {
    message: '这是你本人作为买家申请的售后，不能由你以商家或平台身份处理',
    solution: '请由店铺的其他客服或店主处理；平台案件由其他审核人员处理',
  });
}

/** What the table let through: the caller and the resource it was checked against (loaded once). */
export interface Access {
  caller: Caller;
  order?: Order;
  case?: AfterSaleCase;
  /** The part the caller plays in this call (SPEC §7: a merchant buying is a BUYER here). */
  actsAs: 'BUYER' | 'MERCHANT' | 'PLATFORM';
}

/** The order or case an action names, as `authorize` will read it. */
export type Resource = Order | AfterSaleCase | null;

/**
 * Starts reading the resource the action names, before the caller is known: `handleAfterSale` runs it
 * beside `identify`, so that a caller whose role is not cached waits one round trip for both, not two.
 * Nothing read is shown to anyone before `authorize` has checked the caller.
 */
export function readResource(svc: Services, action: ActionName, input: object): Promise<Resource> | undefined {
  const rule = ACCESS[action];
  let read: Promise<Resource> | undefined;
  const byCase = rule.owns === 'CASE' || (rule.owns === 'CASE_OR_SHOP_ORDER' && 'caseId' in input);
  const byOrder = rule.owns === 'ORDER' || rule.owns === 'SHOP_ORDER' || (rule.owns === 'CASE_OR_SHOP_ORDER' && !byCase);
  if (byCase) read = svc.cases.get((input as { caseId: string }).caseId);
  else if (byOrder) read = svc.orders.get((input as { orderId: string }).orderId);
  read?.catch(() => undefined);
  return read;
}

/**
 * Applies the table to one call: role first (FORBIDDEN), then ownership of the input's resource
 * (NOT_FOUND). `resource` is `readResource`'s read of it, when already started.
 */
export async function authorize(svc: Services, caller: Caller, action: ActionName, input: object, resource?: Promise<Resource>): Promise<Access> {
  const rule = ACCESS[action];
  if (!mayCall(caller.role, rule.who)) {
    throw new DomainError('FORBIDDEN', { message: forbiddenMessage(rule.who) });
  }
  if (rule.owns === 'ORDER') {
    const orderId = (input as { orderId: string }).orderId;
    const order = (await (resource ?? svc.orders.get(orderId))) as Order | null;
    if (!order || !ownsOrder(caller, order)) throw new DomainError('NOT_FOUND', { message: '没有找到这个订单' });
    return { caller, order, actsAs: actsAs(caller, rule.who) };
  }
  const byOrder = rule.owns === 'SHOP_ORDER' || (rule.owns === 'CASE_OR_SHOP_ORDER' && !('caseId' in input));
  if (byOrder) {
    const orderId = (input as { orderId: string }).orderId;
    const order = (await (resource ?? svc.orders.get(orderId))) as Order | null;
    if (!order || caller.shopId === undefined || order.shopId !== caller.shopId) throw new DomainError('NOT_FOUND', { message: '没有找到这个订单' });
    if (order.buyerOpenid === caller.openid) throw selfDealing();
    return { caller, order, actsAs: actsAs(caller, rule.who) };
  }
  if (rule.owns === 'CASE' || rule.owns === 'CASE_OR_SHOP_ORDER') {
    const caseId = (input as { caseId: string }).caseId;
    const c = (await (resource ?? svc.cases.get(caseId))) as AfterSaleCase | null;
    if (!c || !ownsCase(caller, c, rule.who)) throw new DomainError('NOT_FOUND', { message: '没有找到这个售后单' });
    if ((rule.who === 'MERCHANT' || rule.who === 'OWNER' || rule.who === 'PLATFORM') && c.buyerOpenid === caller.openid) throw selfDealing();
    return { caller, case: c, actsAs: actsAs(caller, rule.who, c) };
  }
  return { caller, actsAs: actsAs(caller, rule.who) };
}

function forbiddenMessage(who: Audience): string {
  switch (who) {
    case 'BUYER':
      return '此操作仅限买家本人';
    case 'MERCHANT':
      return '此操作仅限店铺客服或店主';
    case 'OWNER':
      return '此操作仅限店主';
    case 'PLATFORM':
      return '此操作仅限平台审核人员';
    case 'ANYONE':
    case 'PARTY':
      return '无权进行此操作';
  }
}
