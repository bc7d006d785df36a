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
 */
export type Ownership = 'NONE' | 'ORDER' | 'CASE';

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
  'merchant.retryRefund': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.reship': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.convertToRefund': { who: 'MERCHANT', owns: 'CASE' },
  'merchant.stats': { who: 'MERCHANT', owns: 'NONE' },
  'merchant.settings.get': { who: 'MERCHANT', owns: 'NONE' },
  'merchant.settings.set': { who: 'OWNER', owns: 'NONE' },
  'platform.list': { who: 'PLATFORM', owns: 'NONE' },
  'platform.get': { who: 'PLATFORM', owns: 'CASE' },
  'platform.decide': { who: 'PLATFORM', owns: 'CASE' },
  'platform.liftRisk': { who: 'PLATFORM', owns: 'NONE' },
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
      return role === 'BUYER';
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

export function ownsOrder(caller: Caller, order: Order): boolean {
  return caller.role === 'BUYER' && order.buyerOpenid === caller.openid;
}

export function ownsCase(caller: Caller, c: AfterSaleCase): boolean {
  switch (caller.role) {
    case 'BUYER':
      return c.buyerOpenid === caller.openid;
    case 'STAFF':
    case 'OWNER':
      return c.shopId === caller.shopId;
    case 'PLATFORM':
      return c.escalatedAt !== undefined;
  }
}

/** What the table let through: the caller and the resource it was checked against (loaded once). */
export interface Access {
  caller: Caller;
  order?: Order;
  case?: AfterSaleCase;
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
  if (rule.owns === 'ORDER') read = svc.orders.get((input as { orderId: string }).orderId);
  else if (rule.owns === 'CASE') read = svc.cases.get((input as { caseId: string }).caseId);
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
    return { caller, order };
  }
  if (rule.owns === 'CASE') {
    const caseId = (input as { caseId: string }).caseId;
    const c = (await (resource ?? svc.cases.get(caseId))) as AfterSaleCase | null;
    if (!c || !ownsCase(caller, c)) throw new DomainError('NOT_FOUND', { message: '没有找到这个售后单' });
    return { caller, case: c };
  }
  return { caller };
}

function forbiddenMessage(who: Audience): string {
  switch (who) {
    case 'BUYER':
      return '此操作仅限买家本人';
    case 'MERCHANT':
      return '此操作仅限店铺客服或店主';
    case 'OWNER':
      return '只有店主可以修改店铺设置';
    case 'PLATFORM':
      return '此操作仅限平台审核人员';
    case 'ANYONE':
    case 'PARTY':
      return '无权进行此操作';
  }
}
