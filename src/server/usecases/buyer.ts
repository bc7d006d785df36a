/** The buyer's case actions (SPEC §4): each one event on the buyer's own case. */
import { verifyCase } from '../../core/chain';
import { act, checkEvidenceFiles, currentCase } from './act';
import { listView } from './expiry';
import { DEFAULT_PAGE, type UseCase } from './types';

export const getCase: UseCase<'get'> = (svc, access) => currentCase(svc, access);

/** Each case as the sweep will leave it; a status filter leaves out cases past due for that status (SPEC §3). */
export const listMine: UseCase<'listMine'> = (svc, { caller }, input) =>
  listView(
    svc,
    input.status,
    (cursor, limit) => svc.cases.listForBuyer(caller.openid, { status: input.status, cursor, limit: limit ?? DEFAULT_PAGE }),
    input.cursor,
    input.limit,
  );

export const cancel: UseCase<'cancel'> = (svc, access) => act(svc, access, { type: 'CANCEL' });

export const shipReturn: UseCase<'shipReturn'> = (svc, access, input) =>
  act(svc, access, { type: 'SHIP_RETURN', company: input.company.trim(), trackingNo: input.trackingNo });

export const acceptOffer: UseCase<'acceptOffer'> = (svc, access) => act(svc, access, { type: 'ACCEPT_OFFER' });

export const declineOffer: UseCase<'declineOffer'> = (svc, access) => act(svc, access, { type: 'DECLINE_OFFER' });

export const addEvidence: UseCase<'addEvidence'> = (svc, access, input) =>
  act(
    svc,
    access,
    { type: 'ADD_EVIDENCE', by: 'BUYER', evidence: input.evidence, note: input.note },
    () => checkEvidenceFiles(svc, input.evidence),
  );

export const escalate: UseCase<'escalate'> = (svc, access, input) => act(svc, access, { type: 'ESCALATE', note: input.note });

/** SPEC §5: the buyer received the exchange's replacement. */
export const confirmReceipt: UseCase<'confirmReceipt'> = (svc, access) => act(svc, access, { type: 'CONFIRM_RECEIPT', by: 'BUYER' });

export const reportNotReceived: UseCase<'reportNotReceived'> = (svc, access) => act(svc, access, { type: 'REPORT_NOT_RECEIVED' });

/**
 * R22 存证: the chain, its anchor (historyHead / historyCount) and the case's money against what the
 * chain recorded, on the case as stored (after its past-due timeouts are committed).
 */
export const verify: UseCase<'verify'> = async (svc, access) => verifyCase(await currentCase(svc, access));
