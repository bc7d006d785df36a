/** The merchant's actions (SPEC §4), on the merchant's own shop's cases. */
import type { RetryRefundRequest, SettingsView } from '../../../types/api';
import type { AfterSaleCase, Shop } from '../../../types/domain';
import type { Access } from '../authz';
import type { Services } from '../ports';
import { withDefaults } from '../../core/settings';
import { act, checkEvidenceFiles, currentCase } from './act';
import { loadOrder, loadShop } from './context';
import { listView } from './expiry';
import { buyerCasesWithShop } from './talk';
import { DEFAULT_PAGE, merchantShopId, type UseCase } from './types';

/** Each case as the sweep will leave it; a status filter leaves out cases past due for that status (SPEC §3). */
export const listForShop: UseCase<'merchant.list'> = (svc, access, input) => {
  const shopId = merchantShopId(access);
  return listView(
    svc,
    input.status,
    (cursor, limit) => svc.cases.listForShop(shopId, { status: input.status, cursor, limit: limit ?? DEFAULT_PAGE }),
    input.cursor,
    input.limit,
  );
};

export const getWithOrder: UseCase<'merchant.get'> = async (svc, access) => {
  const c = await currentCase(svc, access);
  // SPEC §6 pages: the buyer's earlier cases with this shop, beside the review.
  const [order, buyerCases] = await Promise.all([loadOrder(svc, c.orderId), buyerCasesWithShop(svc, c)]);
  return { ...c, order, buyerCases };
};

export const approve: UseCase<'merchant.approve'> = (svc, access, input) =>
  act(svc, access, {
    type: 'APPROVE',
    via: 'MERCHANT',
    refundMethod: input.refundMethod,
    account: input.account,
    compensationFen: input.compensationFen,
    note: input.note,
  });

export const reject: UseCase<'merchant.reject'> = (svc, access, input) =>
  act(svc, access, { type: 'REJECT', reasonCode: input.reasonCode, note: input.note });

export const offer: UseCase<'merchant.offer'> = (svc, access, input) =>
  act(svc, access, { type: 'OFFER', amountFen: input.amountFen, note: input.note });

export const confirmReturn: UseCase<'merchant.confirmReturn'> = (svc, access, input) =>
  act(svc, access, { type: 'CONFIRM_RETURN', by: 'MERCHANT', unsealed: input.unsealed });

export const addEvidence: UseCase<'merchant.addEvidence'> = (svc, access, input) =>
  act(
    svc,
    access,
    { type: 'ADD_EVIDENCE', by: 'MERCHANT', evidence: input.evidence, note: input.note },
    () => checkEvidenceFiles(svc, input.evidence),
  );

export const retryRefund = (svc: Services, access: Access, input: RetryRefundRequest): Promise<AfterSaleCase> =>
  act(svc, access, { type: 'RETRY_REFUND', by: 'MERCHANT', refundMethod: input.refundMethod, account: input.account });

/** SPEC §5: the exchange's replacement is on its way. */
export const reship: UseCase<'merchant.reship'> = (svc, access, input) =>
  act(svc, access, { type: 'RESHIP', company: input.company.trim(), trackingNo: input.trackingNo });

/** SPEC §5: out of stock: the exchange becomes a refund of its units. */
export const convertToRefund: UseCase<'merchant.convertToRefund'> = (svc, access, input) =>
  act(svc, access, { type: 'CONVERT_TO_REFUND', by: 'MERCHANT', note: input.note.trim() });

function settingsView(shop: Shop): SettingsView {
  const view: SettingsView = { shop: { _id: shop._id, name: shop.name, verified: shop.verified }, settings: shop.settings };
  if (shop.returnAddress) view.shop.returnAddress = shop.returnAddress;
  return view;
}

export const getSettings: UseCase<'merchant.settings.get'> = async (svc, access) =>
  settingsView(await loadShop(svc, merchantShopId(access)));

/** The patch was bounded by its schema (windows only lengthened for the buyer, hotline 11 digits, …). */
export const setSettings: UseCase<'merchant.settings.set'> = async (svc, access, input) => {
  const shop = await loadShop(svc, merchantShopId(access));
  const { returnAddress, ...patch } = input;
  const next: Shop = { ...shop, settings: withDefaults({ ...shop.settings, ...patch }) };
  if (returnAddress) next.returnAddress = returnAddress;
  await svc.shops.save(next);
  return settingsView(next);
};

