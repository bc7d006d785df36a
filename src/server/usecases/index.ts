/** Every action of SPEC §4 and the use case that answers it. */
import { apply, previewDraft } from './apply';
import * as buyer from './buyer';
import * as checkout from './checkout';
import * as merchant from './merchant';
import { getOrder, listOrders, whoami } from './orders';
import * as people from './people';
import * as platform from './platform';
import { stats } from './stats';
import * as talk from './talk';
import type { UseCaseTable } from './types';

export const USE_CASES: UseCaseTable = {
  whoami,
  'order.list': listOrders,
  'order.get': getOrder,
  preview: previewDraft,
  apply,
  get: buyer.getCase,
  listMine: buyer.listMine,
  cancel: buyer.cancel,
  shipReturn: buyer.shipReturn,
  acceptOffer: buyer.acceptOffer,
  declineOffer: buyer.declineOffer,
  addEvidence: buyer.addEvidence,
  escalate: buyer.escalate,
  reportNotReceived: buyer.reportNotReceived,
  verify: buyer.verify,
  confirmReceipt: buyer.confirmReceipt,
  message: talk.message,
  modify: talk.modify,
  'merchant.requestEvidence': talk.requestEvidence,
  'merchant.list': merchant.listForShop,
  'merchant.get': merchant.getWithOrder,
  'merchant.approve': merchant.approve,
  'merchant.reject': merchant.reject,
  'merchant.offer': merchant.offer,
  'merchant.confirmReturn': merchant.confirmReturn,
  'merchant.addEvidence': merchant.addEvidence,
  'merchant.retryRefund': (svc, access, input) =>
    'orderId' in input ? checkout.retryOrderRefundUseCase(svc, access) : merchant.retryRefund(svc, access, input),
  'merchant.reship': merchant.reship,
  'merchant.convertToRefund': merchant.convertToRefund,
  'merchant.stats': stats,
  'merchant.settings.get': merchant.getSettings,
  'merchant.settings.set': merchant.setSettings,
  'platform.list': platform.listEscalated,
  'platform.get': platform.getWithOrder,
  'platform.decide': platform.decide,
  'platform.liftRisk': platform.liftRisk,
  // SPEC §7 demo checkout
  'shop.get': checkout.getShop,
  'order.create': checkout.createOrderUseCase,
  'order.pay': checkout.payOrder,
  'order.confirmReceipt': checkout.confirmOrder,
  'order.cancel': checkout.cancelOrderUseCase,
  'merchant.ship': checkout.shipOrderUseCase,
  'merchant.orders': checkout.listShopOrders,
  // ── SPEC §7 people ──
  'shop.claim': people.claimShop,
  'merchant.join': people.join,
  'merchant.invite': people.invite,
  'merchant.invites': people.listInvites,
  'merchant.revokeInvite': people.revokeInvite,
  'merchant.removeStaff': people.removeStaff,
  'merchant.staff.list': people.listStaff,
  'merchant.syncKey.rotate': people.rotateSyncKey,
};
