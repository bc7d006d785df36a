/**
 * One strict zod schema per action of SPEC §4 (R30): no coercion, unknown keys rejected, every
 * string bounded, every amount an integer within safe bounds. Shapes and bounds live here; the
 * rules that depend on the order, the shop or the case (R10, R21, R22's counts, …) stay in the core.
 */
import { z } from 'zod';
import type { ActionName, ActionRequest } from '../../types/api';
import {
  CASE_STATUSES,
  CASE_TYPES,
  EVIDENCE_KINDS,
  EVIDENCE_TAGS,
  ORDER_STATUSES,
  REASONS,
  REFUND_METHODS,
  REJECT_REASON_CODES,
} from '../../types/domain';
import { DomainError } from '../core/errors';
import { DEFAULT_SETTINGS, LIMITS, TRACKING_NO_PATTERN } from '../core/settings';
import { checkTemplateFields, SUBSCRIBE_VALUE_LABELS } from '../core/subscribeFields';

/** Large enough for any real order, small enough that fen × 10,500 stays an exact double (money.ts). */
export const MAX_FEN = 10_000_000_000;
const MAX_QTY = 100_000;
const MAX_PAGE = 50;
/** Far above R22's 500 characters, so the core (not the schema) answers for that rule. */
const MAX_TEXT = 2_000;
const MAX_NOTE = 500;
/** The params of a custom issue whose message is the answer itself, not the generic 「字段」填写有误. */
const SHOWN = { shown: true } as const;

/** Ids (orders, cases, SKUs, openids, idempotency keys): a safe charset, never an object. */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
/** WeChat openids are base64url-like; the same pattern guards the identity header (authz.ts). */
export const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const openid = z.string().regex(OPENID_PATTERN);
/**
 * A product picture (order lines' `image`, a shop's products' `imageUrl`): an `https://` URL, a cloud
 * storage file id (`cloud://<env>/<path>`), or a picture this host serves (`/files/products/<name>`).
 * Nothing that could leave the tag or the URL (spaces, quotes, angle brackets, backslashes).
 */
export const PRODUCT_IMAGE_PATTERN =
  /^(?:https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?\/[^\s"'<>\\]*|cloud:\/\/[A-Za-z0-9._-]+\/[^\s"'<>\\]+|\/files\/products\/[A-Za-z0-9_-]{1,64}\.(?:png|jpe?g|webp))$/;
export const productImage = z.string().max(500).regex(PRODUCT_IMAGE_PATTERN);
const cursor = z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:=+/-]+$/);
const limit = z.number().int().min(1).max(MAX_PAGE);
const fen = z.number().int().min(0).max(MAX_FEN);
const positiveFen = z.number().int().min(1).max(MAX_FEN);
const text = (max: number) => z.string().max(max);
const note = text(MAX_NOTE);

/** `local://evidence/<openid>/<name>` or `cloud://<env>/evidence/<openid>/<name>`; the prefix owner is R22's (core). */
const fileId = z
  .string()
  .min(1)
  .max(512)
  .regex(/^(local|cloud):\/\/[A-Za-z0-9_.\-/]+$/)
  .refine((s) => !s.split('/').includes('..'), { message: 'fileId 不能包含 ..' });

const evidence = z.strictObject({
  fileId,
  kind: z.enum(EVIDENCE_KINDS),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tag: z.enum(EVIDENCE_TAGS).optional(),
});
const evidenceList = z.array(evidence).max(20);

const caseItem = z.strictObject({ skuId: id, qty: z.number().int().min(1).max(MAX_QTY) });
/**
 * preview (SPEC §4): only a body that fails the schema (a missing or mistyped field, an unknown one, an
 * oversized one) is INVALID_INPUT; a well-formed draft, however ineligible, is answered with its
 * violations. So a quantity or amount that is a JSON integer but not a positive one (0, -1) reaches the
 * core, which reports it as an R30 violation, as it does for an skuId not on the order.
 */
const draftQty = z.number().int().min(-MAX_QTY).max(MAX_QTY);
const draftFen = z.number().int().min(-MAX_FEN).max(MAX_FEN);

const draftFields = {
  orderId: id,
  type: z.enum(CASE_TYPES),
  reason: z.enum(REASONS),
  items: z.array(caseItem).max(100),
};

const listQuery = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  cursor: cursor.optional(),
  limit: limit.optional(),
});

const caseRef = z.strictObject({ caseId: id });
const shipCompany = z.string().trim().min(2).max(30);
const shipTrackingNo = z.string().regex(TRACKING_NO_PATTERN);
/** SPEC §5: the wanted size or colour; the core counts its 1–100 characters after trimming (INVALID_INPUT on exchangeNote). */
const exchangeNote = z.string().max(400);
const none = z.strictObject({});
/** SPEC §7 one-time codes as people type them: letters and digits, dashes or spaces between groups. */
const accessCode = z.string().regex(/^[A-Za-z0-9 -]{8,40}$/, { message: '请输入完整的开店码或邀请码' });

const phone = z.string().regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/);
const returnAddress = z.strictObject({
  name: z.string().trim().min(1).max(30),
  phone,
  address: z.string().trim().min(5).max(200),
});

const dayCount = (min: number, max: number) => z.number().int().min(min).max(max);
const templates = z.array(z.string().trim().min(1).max(200)).max(20);

const reasonWindows = Object.fromEntries(REASONS.map((r) => [r, dayCount(DEFAULT_SETTINGS.windowDays, 365).optional()])) as Record<
  (typeof REASONS)[number],
  z.ZodOptional<z.ZodNumber>
>;

/** One template's key map: the shape here; the keys' types and their fit to each value in the core. */
const templateFieldMap = z.strictObject({
  progress: z.string().max(40),
  caseNo: z.string().max(40).optional(),
  time: z.string().max(40).optional(),
  amount: z.string().max(40).optional(),
  result: z.string().max(40).optional(),
});

/**
 * Which data key of each subscribe-message template carries which value. A key that is not
 * `<type><number>` of a WeChat keyword type, or of a type its value cannot fill, is refused naming the
 * field (`subscribeTemplateFields.decision.progress`) with the reason (`SHOWN` issues keep their message).
 */
export const subscribeTemplateFieldsSchema = z
  .strictObject({ decision: templateFieldMap, refund: templateFieldMap })
  .superRefine((fields, ctx) => {
    for (const template of ['decision', 'refund'] as const) {
      for (const [field, message] of Object.entries(checkTemplateFields(template, fields[template]))) {
        ctx.addIssue({ code: 'custom', message, path: field.split('.'), params: SHOWN });
      }
    }
  });

/**
 * Windows that protect the buyer may only be lengthened; deadlines on the merchant or the platform
 * may only be shortened (a shop can be kinder than the platform, never harsher). The refund fee rate
 * (R20, `platformFeeRateBp`) is the platform's: shown to the shop, never in its patch (INVALID_INPUT
 * naming the field, `FIXED_FIELDS`).
 */
const settingsPatch = z.strictObject({
  autoReplyText: z.string().trim().min(1).max(200).optional(),
  autoApproveHours: dayCount(1, DEFAULT_SETTINGS.autoApproveHours).optional(),
  windowDays: dayCount(DEFAULT_SETTINGS.windowDays, 365).optional(),
  // An object of the reasons, not a record: zod's record drops a `__proto__` key silently instead of refusing it.
  windowDaysByReason: z.strictObject(reasonWindows).optional(),
  quickRefundThresholdFen: fen.optional(),
  quickRefundSkuIds: z.array(id).max(200).optional(),
  customsFeeFen: fen.optional(),
  returnShipDays: dayCount(DEFAULT_SETTINGS.returnShipDays, 30).optional(),
  receiptConfirmDays: dayCount(1, DEFAULT_SETTINGS.receiptConfirmDays).optional(),
  escalateDays: dayCount(DEFAULT_SETTINGS.escalateDays, 30).optional(),
  platformBusinessDays: dayCount(1, DEFAULT_SETTINGS.platformBusinessDays).optional(),
  holidays: z
    .array(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/))
    .max(100)
    .optional(),
  offerAnswerHours: dayCount(DEFAULT_SETTINGS.offerAnswerHours, 168).optional(),
  policyText: text(1_000).optional(),
  hotline: z
    .string()
    .regex(/^(\d{11})?$/, { message: '客服电话须为11位数字' })
    .optional(),
  officialAccount: text(50).optional(),
  noteTemplates: z.strictObject({ approve: templates, reject: templates, offer: templates }).optional(),
  subscribeTemplateIds: z
    .strictObject({ decision: z.string().max(64).regex(/^[A-Za-z0-9_-]*$/), refund: z.string().max(64).regex(/^[A-Za-z0-9_-]*$/) })
    .optional(),
  subscribeTemplateFields: subscribeTemplateFieldsSchema.optional(),
  valuableItemFen: fen.optional(),
  returnAddress: returnAddress.optional(),
});

export const schemas = {
  whoami: none,
  'order.list': z.strictObject({ status: z.enum(ORDER_STATUSES).optional(), cursor: cursor.optional(), limit: limit.optional() }),
  'order.get': z.strictObject({ orderId: id }),
  preview: z.strictObject({
    ...draftFields,
    items: z.array(z.strictObject({ skuId: id, qty: draftQty })).max(100),
    amountFen: draftFen.optional(),
    description: text(MAX_TEXT).optional(),
    evidence: evidenceList.optional(),
    exchangeNote: exchangeNote.optional(),
  }),
  // amountFen 0 is an exchange's and only an exchange's (SPEC §5); a non-zero one on an exchange is the core's INVALID_INPUT.
  apply: z
    .strictObject({
      ...draftFields,
      amountFen: fen,
      description: text(MAX_TEXT),
      evidence: evidenceList,
      exchangeNote: exchangeNote.optional(),
      idempotencyKey: id,
    })
    .refine((a) => a.amountFen > 0 || a.type === 'EXCHANGE', { message: '退款金额须大于0', path: ['amountFen'] }),
  get: caseRef,
  listMine: listQuery,
  cancel: caseRef,
  shipReturn: z.strictObject({ caseId: id, company: shipCompany, trackingNo: shipTrackingNo }),
  acceptOffer: caseRef,
  declineOffer: caseRef,
  addEvidence: z.strictObject({ caseId: id, evidence: evidenceList.min(1), note: note.optional() }),
  escalate: z.strictObject({ caseId: id, note }),
  reportNotReceived: caseRef,
  verify: caseRef,
  confirmReceipt: caseRef,
  // SPEC §6: lengths are counted in characters (code points) after trimming by the core, which names the field.
  message: z.strictObject({ caseId: id, text: text(MAX_TEXT), evidence: evidenceList.optional() }),
  modify: z.strictObject({
    caseId: id,
    type: z.enum(CASE_TYPES).optional(),
    reason: z.enum(REASONS).optional(),
    items: z.array(caseItem).max(100).optional(),
    amountFen: fen.optional(),
    description: text(MAX_TEXT).optional(),
    evidence: evidenceList.optional(),
    exchangeNote: exchangeNote.optional(),
  }),
  'merchant.requestEvidence': z.strictObject({ caseId: id, note: text(MAX_TEXT) }),
  'merchant.list': listQuery,
  'merchant.get': caseRef,
  'merchant.approve': z.strictObject({
    caseId: id,
    refundMethod: z.enum(REFUND_METHODS).optional(),
    account: z.string().trim().min(4).max(64).optional(),
    compensationFen: fen.optional(),
    note: note.optional(),
  }),
  'merchant.reject': z.strictObject({ caseId: id, reasonCode: z.enum(REJECT_REASON_CODES), note }),
  'merchant.offer': z.strictObject({ caseId: id, amountFen: positiveFen, note }),
  'merchant.confirmReturn': z.strictObject({ caseId: id, unsealed: z.boolean().optional() }),
  'merchant.addEvidence': z.strictObject({ caseId: id, evidence: evidenceList.min(1), note: note.optional() }),
  // A case's refund, or (SPEC §7) an order cancellation's: `orderId` alone.
  'merchant.retryRefund': z.union([
    z.strictObject({
      caseId: id,
      refundMethod: z.enum(REFUND_METHODS).optional(),
      account: z.string().trim().min(4).max(64).optional(),
    }),
    z.strictObject({ orderId: id }),
  ]),
  'merchant.reship': z.strictObject({ caseId: id, company: shipCompany, trackingNo: shipTrackingNo }),
  'merchant.convertToRefund': z.strictObject({ caseId: id, note }),
  'merchant.stats': z
    .strictObject({ from: z.number().int().min(0).max(8.64e15), to: z.number().int().min(0).max(8.64e15) })
    .refine((q) => q.to > q.from, { message: '结束时间须晚于开始时间', path: ['to'] }),
  'merchant.settings.get': none,
  'merchant.settings.set': settingsPatch,
  'platform.list': z.strictObject({ cursor: cursor.optional(), limit: limit.optional() }),
  'platform.get': caseRef,
  'platform.decide': z.strictObject({
    caseId: id,
    decision: z.enum(['APPROVE', 'REJECT']),
    amountFen: positiveFen.optional(),
    note: z.string().trim().min(LIMITS.rejectNoteMinChars).max(MAX_NOTE),
  }),
  'platform.liftRisk': z.strictObject({ openid, note: z.string().trim().min(2).max(MAX_NOTE) }),
  // ── SPEC §7 demo checkout ──
  'shop.get': z.strictObject({ shopId: id }),
  'order.create': z.strictObject({
    shopId: id,
    // 1–99 of a line is the core's rule (INVALID_INPUT naming items.<i>.qty); here only the shape.
    items: z.array(z.strictObject({ skuId: id, qty: z.number().int().min(-MAX_QTY).max(MAX_QTY) })).min(1).max(20),
  }),
  'order.pay': z.strictObject({ orderId: id }),
  'order.confirmReceipt': z.strictObject({ orderId: id }),
  'order.cancel': z.strictObject({ orderId: id }),
  'merchant.ship': z.strictObject({ orderId: id, company: shipCompany, trackingNo: shipTrackingNo }),
  'merchant.orders': z.strictObject({ status: z.enum(ORDER_STATUSES).optional(), cursor: cursor.optional(), limit: limit.optional() }),
  // ── SPEC §7 people ──
  'shop.claim': z.strictObject({ setupCode: accessCode }),
  'merchant.join': z.strictObject({ code: accessCode }),
  'merchant.invite': z.strictObject({ role: z.literal('STAFF') }),
  'merchant.invites': none,
  'merchant.revokeInvite': z.strictObject({ id }),
  'merchant.removeStaff': z.strictObject({ openid }),
  'merchant.staff.list': none,
  'merchant.syncKey.rotate': none,
} satisfies Record<ActionName, z.ZodType>;

/** Each schema's output is exactly its types/api.ts request type: a field added on one side only fails to compile. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaMatches<A extends ActionName> = Same<z.infer<(typeof schemas)[A]>, ActionRequest<A>>;
type Mismatched = { [A in ActionName]: SchemaMatches<A> extends true ? never : A }[ActionName];
type AssertNever<T extends never> = T;
export type SchemasMatchTypes = AssertNever<Mismatched>;

export type ParsedAction = { [A in ActionName]: { action: A; input: ActionRequest<A> } }[ActionName];

/** The Chinese name of each field a buyer or merchant fills in, for the INVALID_INPUT message. */
const FIELD_LABELS: Record<string, string> = {
  action: '操作',
  body: '请求内容',
  orderId: '订单',
  caseId: '售后单',
  type: '售后类型',
  reason: '售后原因',
  items: '退款商品',
  skuId: '商品',
  qty: '数量',
  amountFen: '退款金额',
  compensationFen: '补偿金额',
  description: '问题描述',
  evidence: '凭证',
  fileId: '凭证文件',
  sha256: '凭证文件校验值',
  kind: '凭证类型',
  tag: '凭证标签',
  idempotencyKey: '请求编号',
  note: '备注',
  reasonCode: '拒绝原因',
  company: '快递公司',
  exchangeNote: '换货说明',
  trackingNo: '快递单号',
  refundMethod: '退款方式',
  account: '收款账户',
  decision: '处理结果',
  // subscribeTemplateFields.<template>.<value>: only that settings field has these names.
  ...SUBSCRIBE_VALUE_LABELS,
  subscribeTemplateFields: '订阅消息字段',
  from: '开始时间',
  to: '结束时间',
  status: '状态',
  cursor: '分页位置',
  limit: '每页条数',
  openid: '用户',
  hotline: '客服电话',
  returnAddress: '退货地址',
  phone: '联系电话',
  address: '详细地址',
  name: '收件人',
  shopId: '店铺',
  text: '留言内容',
  setupCode: '开店码',
  code: '邀请码',
  role: '角色',
};

/** Fields an action refuses because someone else sets them, with why (the generic 不支持的字段 otherwise). */
const FIXED_FIELDS: Partial<Record<ActionName, Record<string, string>>> = {
  'merchant.settings.set': {
    platformFeeRateBp: '退款手续费费率由平台统一设置（默认0.6%），店铺不能修改',
    payment: '收款与退款账户（微信支付商户号、证书）只能在开店时由平台设置（setup / shop:create），店铺设置中不能修改',
  },
};

function labelOf(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const label = FIELD_LABELS[String(path[i])];
    if (label) return label;
  }
  return String(path[path.length - 1] ?? '');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isActionName(name: unknown): name is ActionName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(schemas, name);
}

/**
 * Validates the cloud function's event `{action, ...fields}`. Throws INVALID_INPUT naming the first
 * bad field as a dotted path (`items.0.qty`; `action` for an unknown action; `body` for a non-object).
 */
export function parseAction(body: unknown): ParsedAction {
  if (!isPlainObject(body)) {
    throw new DomainError('INVALID_INPUT', { field: 'body', message: '请求内容须为JSON对象' });
  }
  const { action, ...fields } = body;
  if (!isActionName(action)) {
    throw new DomainError('INVALID_INPUT', { field: 'action', message: '不支持的操作' });
  }
  const result = schemas[action].safeParse(fields);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      // An empty key cannot be named as a path of its own: the object holding it is named instead.
      if (key === '') {
        throw new DomainError('INVALID_INPUT', { field: path.length > 0 ? path.join('.') : 'body', message: '不支持空的字段名' });
      }
      const fixedOfAction = path.length === 0 ? FIXED_FIELDS[action] : undefined;
      const fixed = fixedOfAction && Object.prototype.hasOwnProperty.call(fixedOfAction, key) ? fixedOfAction[key] : undefined;
      throw new DomainError('INVALID_INPUT', { field: [...path, key].join('.'), message: fixed ?? `不支持的字段：${key}` });
    }
    const field = path.length > 0 ? path.join('.') : 'body';
    const shown = issue.code === 'custom' && (issue.params as { shown?: boolean } | undefined)?.shown === true;
    throw new DomainError('INVALID_INPUT', { field, message: shown ? issue.message : `「${labelOf(path) || '请求内容'}」填写有误` });
  }
  return { action, input: result.data } as ParsedAction;
}
