/**
 * Bodies of the dev routes. Seeds are trusted less than they look: a bad one would sit in the database
 * and fail later far from its cause, so shapes are checked strictly here. Values are not held to the
 * shop-settings policy of `merchant.settings.set` (a test may want a 1-hour auto-approval).
 */
import { z } from 'zod';
import {
  ITEM_KINDS,
  MERCHANT_ROLES,
  ORDER_STATUSES,
  PAY_CHANNELS,
  REASONS,
  REFUND_SCENARIOS,
  type Merchant,
  type Order,
} from '../../../types/domain';
import type { ShopSeed } from '../adapters/sqlite/devStore';
import { paymentSettingsSchema } from '../paymentSettings';
import { productImage, subscribeTemplateFieldsSchema } from '../schemas';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const openid = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const fen = z.number().int().min(0).max(10_000_000_000);
const epoch = z.number().int().min(0).max(8.64e15);
const count = z.number().int().min(0).max(100_000);
const text = (max: number) => z.string().max(max);

const returnAddress = z.strictObject({ name: text(50), phone: text(20), address: text(200) });
const templates = z.array(text(200)).max(20);

const settings = z
  .strictObject({
    autoReplyText: text(200),
    autoApproveHours: count,
    windowDays: count,
    windowDaysByReason: z.partialRecord(z.enum(REASONS), count),
    quickRefundThresholdFen: fen,
    quickRefundSkuIds: z.array(id).max(1_000),
    platformFeeRateBp: z.number().int().min(0).max(10_000),
    customsFeeFen: fen,
    returnShipDays: count,
    receiptConfirmDays: count,
    escalateDays: count,
    platformBusinessDays: count,
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(400),
    offerAnswerHours: count,
    policyText: text(2_000),
    hotline: text(20),
    officialAccount: text(50),
    noteTemplates: z.strictObject({ approve: templates, reject: templates, offer: templates }),
    subscribeTemplateIds: z.strictObject({ decision: text(64), refund: text(64) }),
    // A key WeChat would refuse would only show when the first message fails; refused at the seed instead.
    subscribeTemplateFields: subscribeTemplateFieldsSchema,
    valuableItemFen: fen,
    payment: paymentSettingsSchema,
  })
  .partial();

const shop: z.ZodType<ShopSeed> = z.strictObject({
  _id: id,
  name: text(100).min(1),
  verified: z.boolean(),
  returnAddress: returnAddress.optional(),
  settings: settings.optional(),
  // SPEC §7: what the demo checkout sells.
  products: z
    .array(z.strictObject({ skuId: id, title: text(200).min(1), unitFen: fen.min(1), kind: z.enum(ITEM_KINDS), imageUrl: productImage.optional() }))
    .max(200)
    .optional(),
});

const merchant: z.ZodType<Merchant> = z.strictObject({
  openid,
  shopId: id,
  role: z.enum(MERCHANT_ROLES),
  name: text(50).optional(),
});

const item = z.strictObject({
  skuId: id,
  title: text(200).min(1),
  unitFen: fen,
  qty: z.number().int().min(1).max(100_000),
  paidFen: fen,
  kind: z.enum(ITEM_KINDS),
  customNoticeShown: z.boolean().optional(),
  activated: z.boolean().optional(),
  localAfterSale: z.boolean().optional(),
  image: productImage.optional(),
});

const order: z.ZodType<Order> = z.strictObject({
  _id: id,
  shopId: id,
  buyerOpenid: openid,
  status: z.enum(ORDER_STATUSES),
  paidFen: fen,
  shippingFen: fen,
  payChannel: z.enum(PAY_CHANNELS),
  paidAt: epoch,
  shippedAt: epoch.optional(),
  deliveredAt: epoch.optional(),
  logistics: z
    .strictObject({
      company: text(50),
      trackingNo: text(50),
      events: z.array(z.strictObject({ at: epoch, text: text(200) })).max(200),
    })
    .optional(),
  insured: z.boolean().optional(),
  items: z.array(item).min(1).max(200),
  refundScenario: z.enum(REFUND_SCENARIOS).optional(),
  createdAt: epoch.optional(),
});

export const seedBody = z.strictObject({
  shops: z.array(shop).max(1_000).optional(),
  merchants: z.array(merchant).max(1_000).optional(),
  orders: z.array(order).max(100_000).optional(),
});

export const clockBody = z.strictObject({ now: epoch });
