import type { Shop, ShopSettings, TemplateFieldMap } from '../../types/domain';

/**
 * Every number of the spec lives here once. Shop settings are what a merchant may change;
 * LIMITS are the platform's (WeChat Pay, WeChat shop rules) and are the same for every shop.
 */
/** A shipment's tracking number as the cloud takes it (return, reship): letters, digits and hyphens, 6 to 40. */
export const TRACKING_NO_PATTERN = /^[A-Za-z0-9-]{6,40}$/;

export const LIMITS = {
  /** R3: one refund, and all refunds of an order, ≤ 105% of what was paid. */
  refundCapPercent: 105,
  /** R3: one shop's refunds in a calendar year ≤ ¥500,000. */
  yearlyRefundCapFen: 50_000_000,
  /** R7: 3 cases in 30 days. */
  riskMaxCases: 3,
  riskWindowDays: 30,
  /** R8 */
  refundSyncDelayHours: 48,
  /**
   * A refund in flight is queried by the timer only after this long without a callback (WeChat Pay
   * usually calls back within seconds), and again this long after each answer of PROCESSING.
   */
  refundQueryDelayMs: 60_000,
  /** R24: ¥500 → tier LEGAL and 微信小法庭. */
  legalThresholdFen: 50_000,
  /** R31 */
  paymentRefundDays: 365,
  maxRefundsPerOrder: 50,
  refundSpacingMs: 60_000,
  /** R32 */
  maxCasesPerLine: 5,
  /** R22 */
  maxImages: 9,
  maxVideos: 1,
  descriptionMaxChars: 500,
  /** R10 */
  shippingFeeDescriptionMinChars: 5,
  /** R21 */
  rejectNoteMinChars: 2,
  /** SPEC §5 (换货): the wanted size or colour; the merchant reships within 72 h of entering AWAITING_RESHIP; the buyer's receipt is confirmed 10 d after the reship. */
  exchangeNoteMaxChars: 100,
  reshipHours: 72,
  exchangeReceiptDays: 10,
  /** SPEC §6: a message's text 1–500 characters; 50 `message` calls per party per case; 3 modifications per case. */
  messageMaxChars: 500,
  maxMessagesPerParty: 50,
  maxModifications: 3,
  /** Uploads (local host and the mini-program's own check). */
  uploadMaxBytes: { image: 10 * 1024 * 1024, video: 50 * 1024 * 1024 },
  /**
   * What one uploader may store in any 30 days by the host clock (local host and cloud-sim; SPEC §4
   * "Uploads"). Bytes the same uploader already stored count nothing.
   */
  uploadQuota: { maxFiles: 200, maxBytes: 524_288_000, windowDays: 30 },
} as const;

/**
 * Subscribe-message data keys of the templates the deployment guide has shops pick (处理进度, 售后单号,
 * 更新时间): what every shop sent before the keys were a setting. Key types and formats: subscribeFields.ts
 * (kept out of here so the buyer's main package does not carry the merchant-only checks).
 */
export const DEFAULT_TEMPLATE_FIELDS: TemplateFieldMap = { progress: 'thing1', caseNo: 'character_string2', time: 'time3' };

export const DEFAULT_AUTO_REPLY = '您的退款申请已收到,预计48小时内处理完毕';

export const DEFAULT_SETTINGS: ShopSettings = {
  autoReplyText: DEFAULT_AUTO_REPLY,
  autoApproveHours: 48,
  windowDays: 15,
  windowDaysByReason: {},
  quickRefundThresholdFen: 0,
  quickRefundSkuIds: [],
  platformFeeRateBp: 60,
  customsFeeFen: 0,
  returnShipDays: 7,
  receiptConfirmDays: 10,
  escalateDays: 7,
  platformBusinessDays: 3,
  holidays: [],
  offerAnswerHours: 48,
  policyText:
    '签收后15天内可申请售后；质量问题、快递问题运费由商家承担；定制商品下单前已告知不可退换；生鲜商品请在签收时拍照留证；退款默认原路返回。',
  hotline: '',
  officialAccount: '',
  noteTemplates: {
    approve: ['已同意退款，给您带来不便非常抱歉，我们会加强品控。', '已同意，请按退货地址寄回商品，收到后立即退款。'],
    reject: ['未收到有效凭证，请补充商品问题照片后重新申请。', '商品已超过无理由退货期限，如有质量问题请补充凭证。'],
    offer: ['商品已拆封影响二次销售，协商按折价退款，感谢理解。'],
  },
  subscribeTemplateIds: { decision: '', refund: '' },
  subscribeTemplateFields: { decision: DEFAULT_TEMPLATE_FIELDS, refund: DEFAULT_TEMPLATE_FIELDS },
  valuableItemFen: 100_000,
};

/** A shop's settings with every default filled in (a seeded shop may give none). */
export function withDefaults(settings?: Partial<ShopSettings>): ShopSettings {
  const s = { ...DEFAULT_SETTINGS, ...(settings ?? {}) };
  return {
    ...s,
    windowDaysByReason: { ...(settings?.windowDaysByReason ?? {}) },
    noteTemplates: { ...DEFAULT_SETTINGS.noteTemplates, ...(settings?.noteTemplates ?? {}) },
    subscribeTemplateIds: { ...DEFAULT_SETTINGS.subscribeTemplateIds, ...(settings?.subscribeTemplateIds ?? {}) },
    // Each template's map is whole or default: merging keys would bring back a keyword the shop's template lacks.
    subscribeTemplateFields: {
      decision: { ...(settings?.subscribeTemplateFields?.decision ?? DEFAULT_TEMPLATE_FIELDS) },
      refund: { ...(settings?.subscribeTemplateFields?.refund ?? DEFAULT_TEMPLATE_FIELDS) },
    },
  };
}

export function shopWithDefaults(shop: Omit<Shop, 'settings'> & { settings?: Partial<ShopSettings> }): Shop {
  return { ...shop, settings: withDefaults(shop.settings) };
}
