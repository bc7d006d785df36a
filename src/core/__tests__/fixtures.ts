import { DomainError } from '../errors';
/**
 * Test builders shared by the core's tests (rules, preview, lifecycle). Each returns a fresh object;
 * overrides are shallow. Keep additions backwards-compatible: other test files import these.
 */
import type { DraftApplication, EvidenceInput } from '../../../types/api';
import type {
  AfterSaleCase,
  EpochMs,
  EvidenceKind,
  EvidenceTag,
  Order,
  OrderItem,
  RefundAttempt,
  Shop,
  ShopSettings,
} from '../../../types/domain';
import type { RuleContext } from '../context';
import { withDefaults } from '../settings';
import { DAY_MS } from '../time';

/** 2026-11-01 10:00 in Shanghai: "now" in every test unless a test moves it. */
export const T0: EpochMs = Date.UTC(2026, 10, 1, 2, 0, 0);
export const BUYER = 'o_buyer_1';
export const OTHER_BUYER = 'o_buyer_2';
export const SHOP_ID = 'shop_1';
export const ORDER_ID = 'order_1';

export function makeItem(overrides: Partial<OrderItem> = {}): OrderItem {
  return { skuId: 'sku_a', title: '纯棉T恤', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL', ...overrides };
}

/**
 * A delivered order, paid 5 days and delivered 2 days before T0: two T-shirts (¥100 for both), one
 * mug (¥50), shipping ¥10, ¥160 paid in all, with a tracking record.
 */
export function makeOrder(overrides: Partial<Order> = {}): Order {
  return {
    _id: ORDER_ID,
    shopId: SHOP_ID,
    buyerOpenid: BUYER,
    status: 'DELIVERED',
    paidFen: 16_000,
    shippingFen: 1_000,
    payChannel: 'WECHAT',
    paidAt: T0 - 5 * DAY_MS,
    shippedAt: T0 - 4 * DAY_MS,
    deliveredAt: T0 - 2 * DAY_MS,
    logistics: {
      company: '顺丰速运',
      trackingNo: 'SF1234567890',
      events: [
        { at: T0 - 4 * DAY_MS, text: '已揽收' },
        { at: T0 - 2 * DAY_MS, text: '已签收' },
      ],
    },
    items: [
      makeItem(),
      makeItem({ skuId: 'sku_b', title: '陶瓷马克杯', unitFen: 5_000, qty: 1, paidFen: 5_000 }),
    ],
    ...overrides,
  };
}

export function makeShop(overrides: Partial<Omit<Shop, 'settings'>> = {}, settings: Partial<ShopSettings> = {}): Shop {
  return {
    _id: SHOP_ID,
    name: '小满杂货铺',
    verified: true,
    returnAddress: { name: '王店长', phone: '13800138000', address: '浙江省杭州市西湖区文三路100号' },
    ...overrides,
    settings: withDefaults(settings),
  };
}

let caseSeq = 0;

/** A PENDING refund-only case on sku_a ×1 for ¥50, created an hour before T0. */
export function makeCase(overrides: Partial<AfterSaleCase> = {}): AfterSaleCase {
  caseSeq += 1;
  return {
    _id: `case_${caseSeq}`,
    orderId: ORDER_ID,
    shopId: SHOP_ID,
    buyerOpenid: BUYER,
    idempotencyKey: `key_${caseSeq}`,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    status: 'PENDING',
    tier: 'NORMAL',
    items: [{ skuId: 'sku_a', qty: 1 }],
    amountFen: 5_000,
    feeFen: 30,
    feeBearer: 'MERCHANT',
    description: '衣服有破洞',
    evidence: [],
    version: 1,
    messages: [],
    refunds: [],
    history: [],
    createdAt: T0 - 3_600_000,
    updatedAt: T0 - 3_600_000,
    ...overrides,
  };
}

export function makeAttempt(overrides: Partial<RefundAttempt> = {}): RefundAttempt {
  return {
    outRefundNo: `r_${caseSeq}_1`,
    amountFen: 5_000,
    status: 'SUCCESS',
    at: T0 - 3_000_000,
    settledAt: T0 - 2_000_000,
    method: 'ORIGINAL',
    ...overrides,
  };
}

/** A REFUNDED case whose one SUCCESS attempt paid `amountFen`. */
export function makeRefundedCase(overrides: Partial<AfterSaleCase> = {}): AfterSaleCase {
  const c = makeCase({ status: 'REFUNDED', ...overrides });
  const amount = c.approvedFen ?? c.amountFen;
  if (overrides.refunds === undefined) c.refunds = [makeAttempt({ outRefundNo: `${c._id}-1`, amountFen: amount })];
  return c;
}

export function makeCtx(overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    now: T0,
    order: makeOrder(),
    shop: makeShop(),
    orderCases: [],
    buyerCaseTimes: [],
    shopYearRefundedFen: 0,
    callerOpenid: BUYER,
    ...overrides,
  };
}

/** A valid refund-only draft: one T-shirt, quality problem, ¥50. */
export function makeDraft(overrides: Partial<DraftApplication> = {}): DraftApplication {
  return {
    orderId: ORDER_ID,
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId: 'sku_a', qty: 1 }],
    amountFen: 5_000,
    description: '衣服领口有破洞',
    evidence: [],
    ...overrides,
  };
}

export function makeEvidence(
  count: number,
  kind: EvidenceKind = 'image',
  tag?: EvidenceTag,
  openid: string = BUYER,
): EvidenceInput[] {
  const list: EvidenceInput[] = [];
  for (let i = 0; i < count; i += 1) {
    const e: EvidenceInput = {
      fileId: `local://evidence/${openid}/${kind}_${tag ?? 'none'}_${i}.${kind === 'image' ? 'jpg' : 'mp4'}`,
      kind,
      sha256: 'a'.repeat(64),
    };
    if (tag !== undefined) e.tag = tag;
    list.push(e);
  }
  return list;
}

/** The DomainError `fn` throws (any other outcome fails the test). */
export function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}
