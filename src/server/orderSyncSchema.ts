/**
 * The shape of `orderSync` (SPEC §7 "Orders in"), as strict as R30: no coercion (fen, quantities and
 * times are JSON integers), unknown fields refused, every string bounded. The envelope is checked as a
 * whole (a bad one changes nothing); each order on its own, so one bad order does not stop the rest.
 * Whether an order is coherent and may replace the stored one is the core's (src/core/orderSync.ts).
 */
import { z } from 'zod';
import { ITEM_KINDS, ORDER_STATUSES, PAY_CHANNELS } from '../../types/domain';
import type { SyncedOrder } from '../core/orderSync';
import { DomainError } from '../core/errors';
import { MAX_FEN, OPENID_PATTERN, productImage } from './schemas';

/** SPEC §7: at most 100 orders a call. */
export const MAX_SYNC_ORDERS = 100;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const fen = z.number().int().min(0).max(MAX_FEN);
/** Epoch milliseconds from 2000-01-01 (anything earlier is a unit mistake: seconds, not ms). */
const epoch = z.number().int().min(946_684_800_000).max(8.64e15);
const text = (min: number, max: number) => z.string().trim().min(min).max(max);

const item = z.strictObject({
  skuId: id,
  title: text(1, 200),
  unitFen: fen,
  qty: z.number().int().min(1).max(100_000),
  paidFen: fen,
  kind: z.enum(ITEM_KINDS),
  customNoticeShown: z.boolean().optional(),
  activated: z.boolean().optional(),
  localAfterSale: z.boolean().optional(),
  image: productImage.optional(),
});

export const syncedOrderSchema: z.ZodType<SyncedOrder> = z.strictObject({
  _id: id,
  shopId: id,
  buyerOpenid: z.string().regex(OPENID_PATTERN),
  status: z.enum(ORDER_STATUSES),
  paidFen: fen,
  shippingFen: fen,
  payChannel: z.enum(PAY_CHANNELS),
  paidAt: epoch.optional(),
  shippedAt: epoch.optional(),
  deliveredAt: epoch.optional(),
  logistics: z
    .strictObject({
      company: text(1, 50),
      trackingNo: z.string().regex(/^[A-Za-z0-9-]{1,50}$/),
      events: z.array(z.strictObject({ at: epoch, text: text(1, 200) })).max(200),
    })
    .optional(),
  insured: z.boolean().optional(),
  items: z.array(item).min(1).max(200),
  createdAt: epoch.optional(),
});

export interface SyncEnvelope {
  shopId: string;
  orders: unknown[];
}

/**
 * The call itself: a JSON object with `shopId` and `orders` (the key travels beside it: header or
 * `shopKey`, checked before `orders` is looked at). INVALID_INPUT naming the field otherwise.
 */
export function parseSyncShopId(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('INVALID_INPUT', { field: 'body', message: '请求内容须为JSON对象' });
  }
  const r = id.safeParse((body as { shopId?: unknown }).shopId);
  if (!r.success) throw new DomainError('INVALID_INPUT', { field: 'shopId', message: '须提供店铺编号 shopId' });
  return r.data;
}

export function parseSyncEnvelope(body: object): SyncEnvelope {
  const { shopId, orders, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new DomainError('INVALID_INPUT', { field: extra, message: `不支持的字段：${extra}` });
  if (!Array.isArray(orders) || orders.length === 0) {
    throw new DomainError('INVALID_INPUT', { field: 'orders', message: 'orders 须为包含1–100个订单的数组' });
  }
  if (orders.length > MAX_SYNC_ORDERS) {
    throw new DomainError('INVALID_INPUT', { field: 'orders', message: `一次最多同步${MAX_SYNC_ORDERS}个订单，请分批发送` });
  }
  return { shopId: shopId as string, orders };
}

/** One entry of `orders`: the order, or the refusal naming the field as `orders.<i>.<path>`. */
export function parseSyncedOrder(entry: unknown, index: number): { ok: true; order: SyncedOrder } | { ok: false; error: DomainError } {
  const r = syncedOrderSchema.safeParse(entry);
  if (r.success) return { ok: true, order: r.data };
  const issue = r.error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]);
  const field = ['orders', String(index), ...path].join('.');
  const message = issue.code === 'unrecognized_keys' ? `不支持的字段：${issue.keys[0]}` : `订单字段 ${path.join('.') || '(整体)'} 填写有误`;
  return { ok: false, error: new DomainError('INVALID_INPUT', { field, message }) };
}
