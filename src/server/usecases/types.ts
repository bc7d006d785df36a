import type { ActionName, ActionRequest, ActionResponse } from '../../../types/api';
import type { AfterSaleCase, Order } from '../../../types/domain';
import type { Access } from '../authz';
import type { Services } from '../ports';

/** One action: given the checked caller (and the resource the access table loaded), its answer. */
export type UseCase<A extends ActionName> = (svc: Services, access: Access, input: ActionRequest<A>) => Promise<ActionResponse<A>>;

export type UseCaseTable = { [A in ActionName]: UseCase<A> };

/** The case the access table checked; its absence is a wiring error, not the caller's. */
export function checkedCase(access: Access): AfterSaleCase {
  if (!access.case) throw new Error('use case needs a case the access table loaded');
  return access.case;
}

export function checkedOrder(access: Access): Order {
  if (!access.order) throw new Error('use case needs an order the access table loaded');
  return access.order;
}

export function merchantShopId(access: Access): string {
  if (!access.caller.shopId) throw new Error('merchant use case without a shop');
  return access.caller.shopId;
}

export const DEFAULT_PAGE = 20;
