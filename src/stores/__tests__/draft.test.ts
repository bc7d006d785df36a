import Taro from '@tarojs/taro';
import { resetTaroMock } from '../../../test/taro/taro';
import { buyerCase, buyerItems } from '../../../test/taro/buyerFixtures';
import { callAfterSale, CloudError } from '../../services/cloud';
import type { PickedMedia } from '../../services/upload';
import { prepareMedia, uploadEvidence } from '../../services/upload';
import { admitMedia, useDraftStore } from '../draft';

jest.mock('../../services/cloud', () => {
  const actual = jest.requireActual('../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
jest.mock('../../services/upload', () => {
  const actual = jest.requireActual('../../services/upload');
  return { ...actual, prepareMedia: jest.fn(), uploadEvidence: jest.fn() };
});

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const prepare = prepareMedia as jest.MockedFunction<typeof prepareMedia>;
const upload = uploadEvidence as jest.MockedFunction<typeof uploadEvidence>;
const ORDER = 'order_t1';

function photo(n: number): PickedMedia {
  return { path: `blob:photo-${n}`, kind: 'image', size: 1000 };
}
function video(n: number): PickedMedia {
  return { path: `blob:video-${n}`, kind: 'video', size: 5000 };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

/** Simulates the mini-program being closed and opened again: memory gone, storage kept. */
function restart() {
  useDraftStore.setState({ drafts: {}, submitting: {} });
}

beforeEach(() => {
  resetTaroMock();
  restart();
  call.mockReset();
  prepare.mockReset();
  upload.mockReset();
  prepare.mockImplementation(async (m) => ({ ...m, sha256: 'a'.repeat(64) }));
  upload.mockImplementation(async (m) => ({ fileId: `local://evidence/o_buyer_test/${m.path.slice(5)}.jpg`, sha256: m.sha256 }));
});

describe('draft persistence', () => {
  it('keeps what was typed and the uploaded evidence across a restart, with the same idempotency key', async () => {
    const first = useDraftStore.getState().open(ORDER, buyerItems(), 'sku_cup');
    expect(first.lines).toEqual({ sku_cup: 2 });
    useDraftStore.getState().update(ORDER, { description: '杯子底部有裂缝', reason: 'QUALITY', reasonPicked: true, amountText: '49', amountEdited: true });
    useDraftStore.getState().addMedia(ORDER, [photo(1)]);
    await flush();
    await flush();
    expect(useDraftStore.getState().drafts[ORDER].evidence[0].status).toBe('done');

    restart();
    const again = useDraftStore.getState().open(ORDER, buyerItems());
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    expect(again.description).toBe('杯子底部有裂缝');
    expect(again.reason).toBe('QUALITY');
    expect(again.amountText).toBe('49');
    expect(again.lines).toEqual({ sku_cup: 2 });
    expect(again.evidence).toHaveLength(1);
    expect(again.evidence[0]).toMatchObject({ status: 'done', fileId: 'local://evidence/o_buyer_test/photo-1.jpg', sha256: 'a'.repeat(64) });
  });

  it('does not persist a file that is still uploading (its temp path would not survive)', async () => {
    upload.mockImplementation(() => new Promise(() => undefined));
    useDraftStore.getState().open(ORDER, buyerItems());
    useDraftStore.getState().addMedia(ORDER, [photo(1)]);
    useDraftStore.getState().update(ORDER, { description: '还在传' });
    await flush();
    restart();
    const again = useDraftStore.getState().open(ORDER, buyerItems());
    expect(again.description).toBe('还在传');
    expect(again.evidence).toEqual([]);
  });

  it('starts a new draft with a new key for another order, and after a successful submit', async () => {
    const a = useDraftStore.getState().open(ORDER, buyerItems());
    const b = useDraftStore.getState().open('order_t2', buyerItems());
    expect(b.idempotencyKey).not.toBe(a.idempotencyKey);
    call.mockResolvedValueOnce(buyerCase());
    await useDraftStore.getState().submit(ORDER, { orderId: ORDER, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'sku_cup', qty: 2 }], amountFen: 9800, description: 'x', evidence: [] });
    expect(Taro.getStorageSync('aftersale.draft.order_t1')).toBe('');
    restart();
    const c = useDraftStore.getState().open(ORDER, buyerItems());
    expect(c.idempotencyKey).not.toBe(a.idempotencyKey);
    expect(c.description).toBe('');
  });
});

describe('evidence limits (R22 on the device)', () => {
  it('accepts 9 photos and refuses the 10th', () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({ kind: 'image' as const, localId: String(i) }));
    expect(admitMedia(nine.slice(0, 8), [photo(9), photo(10)])).toEqual({ accepted: [photo(9)], refused: ['最多上传9张照片'] });
    expect(admitMedia(nine, [photo(10)]).accepted).toEqual([]);
  });

  it('accepts one video and refuses the second, even picked together', () => {
    const r = admitMedia([], [video(1), video(2), photo(1)]);
    expect(r.accepted).toEqual([video(1), photo(1)]);
    expect(r.refused).toEqual(['最多上传1个视频']);
  });

  it('refuses files over the upload size limit', () => {
    const big: PickedMedia = { path: 'blob:big', kind: 'image', size: 11 * 1024 * 1024 };
    expect(admitMedia([], [big])).toEqual({ accepted: [], refused: ['照片不能超过10MB'] });
  });

  it('marks a failed upload, retries it on demand, and removes an item', async () => {
    upload.mockRejectedValueOnce(new CloudError({ code: 'INTERNAL_ERROR', message: '凭证上传失败', solution: '重试' }));
    useDraftStore.getState().open(ORDER, buyerItems());
    useDraftStore.getState().addMedia(ORDER, [photo(1), photo(2)]);
    await flush();
    await flush();
    const [a, b] = useDraftStore.getState().drafts[ORDER].evidence;
    expect(a.status).toBe('failed');
    expect(a.error).toBe('凭证上传失败');
    expect(b.status).toBe('done');
    useDraftStore.getState().retryEvidence(ORDER, a.localId);
    await flush();
    await flush();
    expect(useDraftStore.getState().drafts[ORDER].evidence[0].status).toBe('done');
    useDraftStore.getState().removeEvidence(ORDER, b.localId);
    expect(useDraftStore.getState().drafts[ORDER].evidence.map((e) => e.localId)).toEqual([a.localId]);
  });
});

describe('submit', () => {
  const req = { orderId: ORDER, type: 'REFUND_ONLY' as const, reason: 'QUALITY' as const, items: [{ skuId: 'sku_cup', qty: 2 }], amountFen: 9800, description: '杯子裂了', evidence: [] };

  it('sends one request for two taps, and both taps get the same case', async () => {
    const draft = useDraftStore.getState().open(ORDER, buyerItems());
    let resolve!: (v: ReturnType<typeof buyerCase>) => void;
    call.mockImplementation(() => new Promise((r) => (resolve = r)));
    const p1 = useDraftStore.getState().submit(ORDER, req);
    const p2 = useDraftStore.getState().submit(ORDER, req);
    expect(useDraftStore.getState().submitting[ORDER]).toBe(true);
    resolve(buyerCase());
    const [c1, c2] = await Promise.all([p1, p2]);
    expect(call).toHaveBeenCalledTimes(1);
    expect(call).toHaveBeenCalledWith('apply', { ...req, idempotencyKey: draft.idempotencyKey });
    expect(c1).toBe(c2);
    expect(useDraftStore.getState().submitting[ORDER]).toBe(false);
  });

  it('keeps the draft and its key after a failure, so the retry cannot create a second case', async () => {
    const draft = useDraftStore.getState().open(ORDER, buyerItems());
    call.mockRejectedValueOnce(new CloudError({ code: 'INTERNAL_ERROR', message: '网络异常，请求没有发出', solution: '请检查网络后重试' }));
    await expect(useDraftStore.getState().submit(ORDER, req)).rejects.toThrow('网络异常');
    expect(useDraftStore.getState().drafts[ORDER]).toBeDefined();
    call.mockResolvedValueOnce(buyerCase());
    await useDraftStore.getState().submit(ORDER, req);
    expect(call).toHaveBeenCalledTimes(2);
    expect(call.mock.calls.map((c) => (c[1] as { idempotencyKey: string }).idempotencyKey)).toEqual([draft.idempotencyKey, draft.idempotencyKey]);
  });
});
