/** The buyer's case actions (SPEC §4): each one event on the buyer's own case. */
import { verifyChain } from '../../core/chain';
import { act, checkEvidenceFiles } from './act';
import { checkedCase, DEFAULT_PAGE, type UseCase } from './types';

export const getCase: UseCase<'get'> = async (_svc, access) => checkedCase(access);

export const listMine: UseCase<'listMine'> = (svc, { caller }, input) =>
  svc.cases.listForBuyer(caller.openid, { status: input.status, cursor: input.cursor, limit: input.limit ?? DEFAULT_PAGE });

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

export const reportNotReceived: UseCase<'reportNotReceived'> = (svc, access) => act(svc, access, { type: 'REPORT_NOT_RECEIVED' });

export const verify: UseCase<'verify'> = async (_svc, access) => verifyChain(checkedCase(access).history);
