/**
 * SPEC §7 "Orders in": a shop's own order system upserts its orders by `_id`. The call is opened by the
 * shop's sync key (or, in the cloud, by being called from another cloud function of the environment);
 * then each order is judged on its own (src/core/orderSync.ts) and written with a compare-and-set on
 * the stored order, so a checkout or timer write in between is re-read, never overwritten.
 */
import type { OrderSyncRejection, OrderSyncResult } from '../../../types/api';
import { DomainError } from '../../core/errors';
import { judgeSyncedOrder } from '../../core/orderSync';
import { parseSyncedOrder, parseSyncEnvelope, parseSyncShopId } from '../orderSyncSchema';
import { sameHash, syncKeyHash } from '../people/secrets';
import type { Services } from '../ports';

/** How the call proved it speaks for the shop. */
export type SyncAuth = { kind: 'KEY'; key: string | undefined } | { kind: 'SAME_ENVIRONMENT' };

const PUT_ATTEMPTS = 5;

function forbidden(): DomainError {
  return new DomainError('FORBIDDEN', {
    message: '同步密钥缺失或不正确',
    solution: '请店主在小程序「商家后台 → 订单同步密钥」重新生成密钥，并更新到订单系统的配置中',
  });
}

/** Missing key, wrong key, unknown shop, shop without a key: one answer, so nothing is learnt from it. */
async function authenticate(svc: Services, shopId: string, auth: SyncAuth): Promise<void> {
  if (auth.kind === 'SAME_ENVIRONMENT') {
    if (!(await svc.shops.get(shopId))) throw new DomainError('NOT_FOUND', { field: 'shopId', message: '没有找到这个店铺' });
    return;
  }
  const key = auth.key;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) throw forbidden();
  const record = await svc.people.syncKey(shopId);
  if (!record || !sameHash(record.hash, syncKeyHash(key))) throw forbidden();
}

function rejection(id: string | null, index: number, e: DomainError, prefix: boolean): OrderSyncRejection {
  const error = e.toApiError();
  if (prefix && error.field !== undefined) error.field = `orders.${index}.${error.field}`;
  return { _id: id, index, error };
}

function entryId(entry: unknown): string | null {
  const id = typeof entry === 'object' && entry !== null ? (entry as { _id?: unknown })._id : undefined;
  return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : null;
}

export async function syncOrders(svc: Services, body: unknown, auth: SyncAuth): Promise<OrderSyncResult> {
  const shopId = parseSyncShopId(body);
  await authenticate(svc, shopId, auth);
  const { orders } = parseSyncEnvelope(body as object);
  const result: OrderSyncResult = { upserted: [], unchanged: [], rejected: [] };
  for (let index = 0; index < orders.length; index += 1) {
    const entry = orders[index];
    const parsed = parseSyncedOrder(entry, index);
    if (!parsed.ok) {
      result.rejected.push(rejection(entryId(entry), index, parsed.error, false));
      continue;
    }
    const incoming = parsed.order;
    let done = false;
    for (let attempt = 1; attempt <= PUT_ATTEMPTS && !done; attempt += 1) {
      const stored = await svc.orders.get(incoming._id);
      const verdict = judgeSyncedOrder(incoming, stored, shopId, svc.clock.now());
      if (verdict.kind === 'REJECT') {
        result.rejected.push(rejection(incoming._id, index, verdict.error, true));
        done = true;
      } else if (verdict.kind === 'UNCHANGED') {
        result.unchanged.push(incoming._id);
        done = true;
      } else if (await svc.orderSync.put(verdict.order, stored)) {
        result.upserted.push(incoming._id);
        done = true;
      }
    }
    if (!done) {
      result.rejected.push(
        rejection(incoming._id, index, new DomainError('ORDER_STATUS_INVALID', { message: '该订单正被其他操作修改，请稍后重新同步' }), false),
      );
    }
  }
  return result;
}

/**
 * The cloud event `{shopId, orders, shopKey?}` (plus `userInfo` when a mini-program called): the key,
 * and the call without it. The local host builds the same event from its header x-shop-key.
 */
export function syncEventParts(event: unknown): { body: unknown; key: unknown } {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return { body: event, key: undefined };
  const { shopKey, userInfo: _platform, ...body } = event as Record<string, unknown>;
  return { body, key: shopKey };
}
