import Taro from '@tarojs/taro';
import { create } from 'zustand';
import type { ApplyRequest, EvidenceInput } from '../../types/api';
import type { AfterSaleCase, CaseType, EvidenceKind, EvidenceTag, OrderItem, Reason } from '../../types/domain';
import { LIMITS } from '../core/settings';
import { callAfterSale } from '../services/cloud';
import { getDevOpenid } from '../services/identity';
import { prepareMedia, tooLarge, uploadEvidence, type PickedMedia } from '../services/upload';
import { useIdentityStore } from './identity';

/** One photo or video of the draft, from the moment it is picked until it is stored in the cloud. */
export interface EvidenceDraft {
  localId: string;
  kind: EvidenceKind;
  /** What to display: the local temp file while uploading, the cloud id once done. */
  path: string;
  thumb?: string;
  size: number;
  tag?: EvidenceTag;
  /** The buyer chose what the file shows; with no tag that was 「商品照片」. */
  tagged?: boolean;
  status: 'preparing' | 'uploading' | 'done' | 'failed';
  /** 0–100 */
  progress: number;
  sha256?: string;
  fileId?: string;
  error?: string;
  /** h5: the picked File; kept in memory only, so a retry can re-send it. */
  file?: Blob;
}

export interface ApplyDraft {
  orderId: string;
  type: CaseType;
  reason?: Reason;
  /** The buyer chose the reason; the classifier's suggestion no longer replaces it. */
  reasonPicked: boolean;
  /** skuId → units chosen; a line not chosen is absent. */
  lines: Record<string, number>;
  /** What the buyer typed in 退款金额; empty until edited (the most refundable is used meanwhile). */
  amountText: string;
  amountEdited: boolean;
  description: string;
  /** 换货 (SPEC §5): the size or colour wanted. */
  exchangeNote?: string;
  evidence: EvidenceDraft[];
  /** One key per draft: every submit of this draft, however often tapped or retried, is one case. */
  idempotencyKey: string;
  updatedAt: number;
}

const STORAGE_PREFIX = 'aftersale.draft.';

function newKey(): string {
  return `ap-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

let localSeq = 0;
function newLocalId(): string {
  localSeq += 1;
  return `ev${Date.now().toString(36)}${localSeq}`;
}

/** A fresh draft for an order: the given line (or every line) with all of its units, 仅退款. */
export function newDraft(orderId: string, items: Pick<OrderItem, 'skuId' | 'qty'>[], skuId?: string): ApplyDraft {
  const chosen = skuId ? items.filter((i) => i.skuId === skuId) : items;
  const lines: Record<string, number> = {};
  for (const it of chosen.length > 0 ? chosen : items) lines[it.skuId] = it.qty;
  return {
    orderId,
    type: 'REFUND_ONLY',
    reasonPicked: false,
    lines,
    amountText: '',
    amountEdited: false,
    description: '',
    evidence: [],
    idempotencyKey: newKey(),
    updatedAt: Date.now(),
  };
}

/**
 * What survives a restart: everything typed, and the evidence already in the cloud. Files still
 * uploading are device-local and are picked again if the mini-program was closed meanwhile.
 */
function persist(d: ApplyDraft): void {
  const evidence = d.evidence
    .filter((e) => e.status === 'done')
    .map(({ file: _file, ...rest }) => rest);
  Taro.setStorageSync(STORAGE_PREFIX + d.orderId, { ...d, evidence });
}

function restore(orderId: string): ApplyDraft | undefined {
  const raw = Taro.getStorageSync(STORAGE_PREFIX + orderId) as ApplyDraft | '' | undefined;
  if (!raw || typeof raw !== 'object' || raw.orderId !== orderId || typeof raw.idempotencyKey !== 'string') return undefined;
  return raw;
}

export interface AdmitResult {
  accepted: PickedMedia[];
  /** Why some picked files were left out, in the buyer's words. */
  refused: string[];
}

/** R22's counts on the device: at most 9 photos and 1 video per application, each under the size limit. */
export function admitMedia(existing: Pick<EvidenceDraft, 'kind'>[], picked: PickedMedia[]): AdmitResult {
  let images = existing.filter((e) => e.kind === 'image').length;
  let videos = existing.filter((e) => e.kind === 'video').length;
  const accepted: PickedMedia[] = [];
  const refused = new Set<string>();
  for (const m of picked) {
    if (tooLarge(m)) {
      refused.add(m.kind === 'video' ? '视频不能超过50MB，请剪短后再传' : '照片不能超过10MB');
    } else if (m.kind === 'image' && images >= LIMITS.maxImages) {
      refused.add(`最多上传${LIMITS.maxImages}张照片`);
    } else if (m.kind === 'video' && videos >= LIMITS.maxVideos) {
      refused.add(`最多上传${LIMITS.maxVideos}个视频`);
    } else {
      accepted.push(m);
      if (m.kind === 'image') images += 1;
      else videos += 1;
    }
  }
  return { accepted, refused: [...refused] };
}

/** The uploaded evidence as the apply request carries it. */
export function evidenceInputs(d: Pick<ApplyDraft, 'evidence'>): EvidenceInput[] {
  return d.evidence
    .filter((e) => e.status === 'done' && e.fileId && e.sha256)
    .map((e) => ({ fileId: e.fileId as string, kind: e.kind, sha256: e.sha256 as string, ...(e.tag ? { tag: e.tag } : {}) }));
}

interface DraftState {
  drafts: Record<string, ApplyDraft>;
  submitting: Record<string, boolean>;
  /** The draft of an order: in memory, else from storage, else a new one. */
  open: (orderId: string, items: Pick<OrderItem, 'skuId' | 'qty'>[], skuId?: string) => ApplyDraft;
  update: (orderId: string, patch: Partial<Omit<ApplyDraft, 'orderId' | 'idempotencyKey'>>) => void;
  /** Admits picked files within the limits and starts uploading them; returns what was refused. */
  addMedia: (orderId: string, picked: PickedMedia[], tag?: EvidenceTag) => string[];
  retryEvidence: (orderId: string, localId: string) => void;
  removeEvidence: (orderId: string, localId: string) => void;
  tagEvidence: (orderId: string, localId: string, tag: EvidenceTag | undefined) => void;
  /**
   * Sends the application once: a second call while the first is on its way gets the same promise,
   * and a retry after a failure reuses the draft's idempotency key, so the server creates one case.
   */
  submit: (orderId: string, req: Omit<ApplyRequest, 'idempotencyKey'>) => Promise<AfterSaleCase>;
  discard: (orderId: string) => void;
}

const inflight = new Map<string, Promise<AfterSaleCase>>();

function callerOpenid(): string {
  return useIdentityStore.getState().identity?.openid ?? getDevOpenid();
}

export const useDraftStore = create<DraftState>((set, get) => {
  function write(orderId: string, change: (d: ApplyDraft) => ApplyDraft, save = true): void {
    const cur = get().drafts[orderId];
    if (!cur) return;
    const next = { ...change(cur), updatedAt: Date.now() };
    set({ drafts: { ...get().drafts, [orderId]: next } });
    if (save) persist(next);
  }

  function patchEvidence(orderId: string, localId: string, patch: Partial<EvidenceDraft>): void {
    write(orderId, (d) => ({ ...d, evidence: d.evidence.map((e) => (e.localId === localId ? { ...e, ...patch } : e)) }), patch.status === 'done');
  }

  async function upload(orderId: string, item: EvidenceDraft): Promise<void> {
    const still = () => get().drafts[orderId]?.evidence.some((e) => e.localId === item.localId);
    try {
      patchEvidence(orderId, item.localId, { status: 'preparing', progress: 0, error: undefined });
      const prepared = await prepareMedia({ path: item.path, kind: item.kind, size: item.size, thumb: item.thumb, file: item.file });
      if (!still()) return;
      patchEvidence(orderId, item.localId, { status: 'uploading', sha256: prepared.sha256, size: prepared.size });
      // A photo picked before `whoami` has answered (a launch straight into the order page, a quick
      // finger) waits for it: without the caller's openid the upload has no prefix to go under (R22).
      let openid = callerOpenid();
      if (!openid && process.env.TARO_ENV === 'weapp') openid = (await useIdentityStore.getState().load())?.openid ?? '';
      const done = await uploadEvidence(prepared, openid, (progress) => {
        if (still()) patchEvidence(orderId, item.localId, { progress });
      });
      if (!still()) return;
      patchEvidence(orderId, item.localId, { status: 'done', progress: 100, fileId: done.fileId, sha256: done.sha256 });
    } catch (e) {
      if (!still()) return;
      patchEvidence(orderId, item.localId, { status: 'failed', error: e instanceof Error ? e.message : '上传失败' });
    }
  }

  return {
    drafts: {},
    submitting: {},
    open: (orderId, items, skuId) => {
      const existing = get().drafts[orderId] ?? restore(orderId);
      const draft = existing ?? newDraft(orderId, items, skuId);
      set({ drafts: { ...get().drafts, [orderId]: draft } });
      if (!existing) persist(draft);
      return draft;
    },
    update: (orderId, patch) => write(orderId, (d) => ({ ...d, ...patch })),
    addMedia: (orderId, picked, tag) => {
      const d = get().drafts[orderId];
      if (!d) return [];
      const { accepted, refused } = admitMedia(d.evidence, picked);
      const items: EvidenceDraft[] = accepted.map((m) => ({
        localId: newLocalId(),
        kind: m.kind,
        path: m.path,
        thumb: m.thumb,
        size: m.size,
        file: m.file,
        tag: tag ?? (m.kind === 'video' ? 'unboxing' : undefined),
        status: 'preparing',
        progress: 0,
      }));
      write(orderId, (cur) => ({ ...cur, evidence: [...cur.evidence, ...items] }), false);
      for (const it of items) void upload(orderId, it);
      return refused;
    },
    retryEvidence: (orderId, localId) => {
      const item = get().drafts[orderId]?.evidence.find((e) => e.localId === localId);
      if (item && item.status === 'failed') void upload(orderId, item);
    },
    removeEvidence: (orderId, localId) => write(orderId, (d) => ({ ...d, evidence: d.evidence.filter((e) => e.localId !== localId) })),
    tagEvidence: (orderId, localId, tag) => write(orderId, (d) => ({ ...d, evidence: d.evidence.map((e) => (e.localId === localId ? { ...e, tag, tagged: true } : e)) })),
    submit: (orderId, req) => {
      const running = inflight.get(orderId);
      if (running) return running;
      const d = get().drafts[orderId];
      if (!d) return Promise.reject(new Error('draft not opened'));
      set({ submitting: { ...get().submitting, [orderId]: true } });
      const p = callAfterSale('apply', { ...req, idempotencyKey: d.idempotencyKey })
        .then((c) => {
          get().discard(orderId);
          return c;
        })
        .finally(() => {
          inflight.delete(orderId);
          set({ submitting: { ...get().submitting, [orderId]: false } });
        });
      inflight.set(orderId, p);
      return p;
    },
    discard: (orderId) => {
      Taro.removeStorageSync(STORAGE_PREFIX + orderId);
      const drafts = { ...get().drafts };
      delete drafts[orderId];
      set({ drafts });
    },
  };
});
