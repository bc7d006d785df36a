import { create } from 'zustand';
import type {
  AddEvidenceRequest,
  ApproveRequest,
  ConfirmReturnRequest,
  ConvertToRefundRequest,
  BuyerCaseSummary,
  DecideRequest,
  MessageRequest,
  OfferRequest,
  RequestEvidenceRequest,
  RejectRequest,
  ReshipRequest,
  RetryRefundRequest,
} from '../../../types/api';
import type { AfterSaleCase, Order } from '../../../types/domain';
import { callAfterSale } from '../../services/cloud';
import { outcomeOf, type Outcome } from '../logic/outcome';
import { usePanelStore } from './panel';
import { usePlatformStore } from './platform';
import { toProblem, type LoadStatus, type Problem } from './problem';

export type ReviewMode = 'merchant' | 'platform';
export type CaseWithOrder = AfterSaleCase & { order: Order; buyerCases?: BuyerCaseSummary[] };

/** Every action the review page can take, with its request. */
export type ReviewAction =
  | { kind: 'approve'; request: ApproveRequest }
  | { kind: 'reject'; request: RejectRequest }
  | { kind: 'offer'; request: OfferRequest }
  | { kind: 'confirmReturn'; request: ConfirmReturnRequest }
  | { kind: 'addEvidence'; request: AddEvidenceRequest }
  | { kind: 'retryRefund'; request: RetryRefundRequest }
  | { kind: 'decide'; request: DecideRequest }
  | { kind: 'reship'; request: ReshipRequest }
  | { kind: 'convertToRefund'; request: ConvertToRefundRequest }
  // SPEC §6
  | { kind: 'message'; request: MessageRequest }
  | { kind: 'requestEvidence'; request: RequestEvidenceRequest };

export type RunResult = { ok: true; outcome: Outcome } | { ok: false; problem: Problem; reloaded: boolean };

interface ReviewState {
  caseId?: string;
  mode: ReviewMode;
  data?: CaseWithOrder;
  status: LoadStatus;
  error?: Problem;
  busy: boolean;
  /** What the last action did, shown at the top of the page until the next one. */
  outcome?: Outcome;
  load(caseId: string, mode: ReviewMode): Promise<void>;
  reload(): Promise<void>;
  run(action: ReviewAction): Promise<RunResult>;
  dismissOutcome(): void;
}

async function fetchCase(caseId: string, mode: ReviewMode): Promise<CaseWithOrder> {
  return mode === 'platform' ? callAfterSale('platform.get', { caseId }) : callAfterSale('merchant.get', { caseId });
}

async function send(action: ReviewAction): Promise<AfterSaleCase> {
  switch (action.kind) {
    case 'approve':
      return callAfterSale('merchant.approve', action.request);
    case 'reject':
      return callAfterSale('merchant.reject', action.request);
    case 'offer':
      return callAfterSale('merchant.offer', action.request);
    case 'confirmReturn':
      return callAfterSale('merchant.confirmReturn', action.request);
    case 'addEvidence':
      return callAfterSale('merchant.addEvidence', action.request);
    case 'retryRefund':
      // A case's retry answers with the case (an order's, SPEC §7, is the order list's).
      return (await callAfterSale('merchant.retryRefund', action.request)) as AfterSaleCase;
    case 'decide':
      return callAfterSale('platform.decide', action.request);
    case 'reship':
      return callAfterSale('merchant.reship', action.request);
    case 'convertToRefund':
      return callAfterSale('merchant.convertToRefund', action.request);
    case 'message':
      return callAfterSale('message', action.request);
    case 'requestEvidence':
      return callAfterSale('merchant.requestEvidence', action.request);
  }
}

export const useReviewStore = create<ReviewState>()((set, get) => ({
  mode: 'merchant',
  status: 'idle',
  busy: false,

  async load(caseId, mode) {
    const same = get().caseId === caseId && get().mode === mode && get().data !== undefined;
    // What the last action did is news only on the visit it was done in: the case may have moved on since.
    set({ caseId, mode, status: same ? 'ready' : 'loading', error: undefined, outcome: undefined, ...(same ? {} : { data: undefined }) });
    try {
      const data = await fetchCase(caseId, mode);
      if (get().caseId !== caseId) return;
      set({ data, status: 'ready' });
    } catch (e) {
      if (get().caseId !== caseId) return;
      set({ status: 'error', error: toProblem(e) });
    }
  },

  async reload() {
    const { caseId, mode } = get();
    if (caseId !== undefined) await get().load(caseId, mode);
  },

  async run(action) {
    const before = get().data;
    if (!before || get().busy) return { ok: false, problem: toProblem(new Error('busy')), reloaded: false };
    set({ busy: true, outcome: undefined });
    try {
      const reply = await send(action);
      const data: CaseWithOrder = { ...reply, order: before.order, ...(before.buyerCases ? { buyerCases: before.buyerCases } : {}) };
      const outcome = outcomeOf(action.kind, data);
      // A message shows in the conversation itself; every other action says what it did at the top.
      set({ data, busy: false, outcome: action.kind === 'message' ? undefined : outcome });
      usePanelStore.getState().applyCase(reply);
      usePlatformStore.getState().applyCase(reply);
      return { ok: true, outcome };
    } catch (e) {
      const problem = toProblem(e);
      // Someone else moved the case (the buyer cancelled, the timer approved): show what it is now.
      const reloaded = problem.code === 'CASE_STATE_CHANGED';
      set({ busy: false });
      if (reloaded) {
        await get().reload();
        const now = get().data;
        if (now) {
          usePanelStore.getState().applyCase(now);
          usePlatformStore.getState().applyCase(now);
        }
        set({ outcome: { tone: 'warn', title: '售后单状态已变化，本次操作未生效', detail: '已为你刷新到最新状态，请查看后再操作' } });
      }
      return { ok: false, problem, reloaded };
    }
  },

  dismissOutcome() {
    set({ outcome: undefined });
  },
}));
