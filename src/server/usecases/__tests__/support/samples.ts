/** One well-formed request per action, typed against types/api.ts: the table tests iterate. */
import type { ActionName, ActionRequest } from '../../../../../types/api';

const SHA = 'a'.repeat(64);
const FILE = 'local://evidence/buyer_alice/0123456789abcdef0123456789abcdef.jpg';

export const SAMPLES: { [A in ActionName]: ActionRequest<A> } = {
  whoami: {},
  'order.list': { limit: 10 },
  'order.get': { orderId: 'order_1' },
  preview: { orderId: 'order_1', type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'tshirt', qty: 1 }] },
  apply: {
    orderId: 'order_1',
    type: 'REFUND_ONLY',
    reason: 'QUALITY',
    items: [{ skuId: 'tshirt', qty: 1 }],
    amountFen: 5_000,
    description: '领口开线',
    evidence: [{ fileId: FILE, kind: 'image', sha256: SHA, tag: 'unboxing' }],
    idempotencyKey: 'k-1',
  },
  get: { caseId: 'AS1' },
  listMine: { status: 'PENDING', limit: 5 },
  cancel: { caseId: 'AS1' },
  shipReturn: { caseId: 'AS1', company: '顺丰速运', trackingNo: 'SF1234567890' },
  acceptOffer: { caseId: 'AS1' },
  declineOffer: { caseId: 'AS1' },
  addEvidence: { caseId: 'AS1', evidence: [{ fileId: FILE, kind: 'image', sha256: SHA }], note: '补充照片' },
  escalate: { caseId: 'AS1', note: '商家拒绝理由不成立' },
  reportNotReceived: { caseId: 'AS1' },
  verify: { caseId: 'AS1' },
  confirmReceipt: { caseId: 'AS1' },
  message: { caseId: 'AS1', text: '请问什么时候处理？', evidence: [{ fileId: FILE, kind: 'image', sha256: SHA, tag: 'proof' }] },
  modify: { caseId: 'AS1', amountFen: 4_000, description: '领口开线，袖口也有脱线' },
  'merchant.requestEvidence': { caseId: 'AS1', note: '请补充领口开线处的近照' },
  'merchant.list': { status: 'PENDING' },
  'merchant.get': { caseId: 'AS1' },
  'merchant.approve': { caseId: 'AS1', refundMethod: 'ORIGINAL', compensationFen: 0, note: '已同意' },
  'merchant.reject': { caseId: 'AS1', reasonCode: 'NO_EVIDENCE', note: '请补充照片' },
  'merchant.offer': { caseId: 'AS1', amountFen: 3_000, note: '拆封折价' },
  'merchant.confirmReturn': { caseId: 'AS1', unsealed: false },
  'merchant.addEvidence': { caseId: 'AS1', evidence: [{ fileId: FILE, kind: 'image', sha256: SHA, tag: 'qc_report' }] },
  'merchant.retryRefund': { caseId: 'AS1', refundMethod: 'DESIGNATED_ACCOUNT', account: '6222020200112233' },
  'merchant.reship': { caseId: 'AS1', company: '顺丰速运', trackingNo: 'SF1234567890' },
  'merchant.convertToRefund': { caseId: 'AS1', note: '该尺码已无货' },
  'merchant.stats': { from: 0, to: 1 },
  'merchant.settings.get': {},
  'merchant.settings.set': { hotline: '13800138000', windowDays: 30 },
  'platform.list': {},
  'platform.get': { caseId: 'AS1' },
  'platform.decide': { caseId: 'AS1', decision: 'APPROVE', note: '证据充分，支持退款' },
  'platform.liftRisk': { openid: 'buyer_alice', note: '已核实申诉材料' },
  // SPEC §7 demo checkout
  'shop.get': { shopId: 'shop_main' },
  'order.create': { shopId: 'shop_main', items: [{ skuId: 'tshirt', qty: 2 }] },
  'order.pay': { orderId: 'order_1' },
  'order.confirmReceipt': { orderId: 'order_1' },
  'order.cancel': { orderId: 'order_1' },
  'merchant.ship': { orderId: 'order_1', company: '顺丰速运', trackingNo: 'SF1234567890' },
  'merchant.orders': { status: 'PAID', limit: 10 },
};

export const ACTION_NAMES = Object.keys(SAMPLES) as ActionName[];
