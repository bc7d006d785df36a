import Taro from '@tarojs/taro';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { resetTaroMock, setRouterParams } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerOrder } from '../../../../test/taro/buyerFixtures';
import { callAfterSale } from '../../../services/cloud';
import { prepareMedia, uploadEvidence } from '../../../services/upload';
import { useDraftStore } from '../../../stores/draft';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import ApplyPage from '../index';

jest.mock('../../../services/cloud', () => {
  const actual = jest.requireActual('../../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
jest.mock('../../../services/upload', () => {
  const actual = jest.requireActual('../../../services/upload');
  return { ...actual, prepareMedia: jest.fn(), uploadEvidence: jest.fn() };
});

const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const chooseMedia = Taro.chooseMedia as unknown as jest.Mock;

function serve(apply: () => Promise<unknown> = async () => buyerCase()) {
  call.mockImplementation(((action: string) => {
    if (action === 'order.get') return Promise.resolve(buyerOrder());
    if (action === 'apply') return apply();
    return Promise.reject(new Error(`unexpected ${action}`));
  }) as typeof callAfterSale);
}

async function openApply(params: Record<string, string>) {
  setRouterParams({ orderId: 'order_t1', ...params });
  render(<ApplyPage />);
  return screen.findByText('售后类型');
}

const amountInput = () => screen.getByLabelText('退款金额') as HTMLInputElement;
const submitButton = () => screen.getByRole('button', { name: /提交/ });
const media = (kind: 'image' | 'video', n: number) =>
  Array.from({ length: n }, (_, i) => ({ tempFilePath: `blob:${kind}-${i}`, size: 2048, fileType: kind === 'image' ? 'image/jpeg' : 'video/mp4' }));
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  chooseMedia.mockReset();
  (prepareMedia as jest.Mock).mockImplementation(async (m) => ({ ...m, sha256: 'b'.repeat(64) }));
  (uploadEvidence as jest.Mock).mockImplementation(async (m) => ({ fileId: `local://evidence/${BUYER_OPENID}/${m.path.slice(5)}.jpg`, sha256: m.sha256 }));
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useDraftStore.setState({ drafts: {}, submitting: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
  serve();
});

describe('live preview from the shared core', () => {
  it('prefills the most refundable amount and follows the chosen quantity and type', async () => {
    await openApply({ skuId: 'sku_cup' });
    expect(amountInput().value).toBe('98.00');
    expect(screen.getByText(/最多可退 ¥98\.00/)).toBeTruthy();

    fireEvent.click(screen.getByLabelText('减少'));
    expect(amountInput().value).toBe('49.00');
    expect(screen.getByText(/最多可退 ¥49\.00/)).toBeTruthy();

    fireEvent.click(screen.getByText('仅退运费'));
    expect(amountInput().value).toBe('10.00');
    expect(screen.queryByText('退款商品')).toBeNull();
  });

  it('shows a blocking rule with the seed solution before submit (custom goods, 不想要了, R13)', async () => {
    await openApply({ skuId: 'sku_name' });
    expect(screen.queryByText('暂不能提交')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: '不想要了' }));
    const block = screen.getByText('暂不能提交').closest('.section') as HTMLElement;
    expect(within(block).getByText(/该商品不支持此类售后|不可退换/)).toBeTruthy();
    expect(within(block).getByText(/怎么办：/)).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: '质量问题' }));
    expect(screen.queryByText('暂不能提交')).toBeNull();
  });

  it('tells who bears the fee as the reason changes (R20)', async () => {
    await openApply({ skuId: 'sku_cup' });
    fireEvent.click(screen.getByRole('radio', { name: '质量问题' }));
    expect(screen.getByText(/手续费¥0\.59由商家承担/)).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: '不想要了' }));
    expect(screen.getByText(/最多可退 ¥98\.00，免手续费/)).toBeTruthy();
  });

  it('pre-selects the reason from the description until the buyer picks one', async () => {
    await openApply({ skuId: 'sku_cup' });
    const text = screen.getByPlaceholderText(/请具体描述/);
    fireEvent.change(text, { target: { value: '收到的杯子底部有裂缝，一倒水就漏' } });
    expect(screen.getByRole('radio', { name: '质量问题' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText('已根据描述推荐')).toBeTruthy();
    expect(screen.getByText('16/500')).toBeTruthy();

    fireEvent.click(screen.getByRole('radio', { name: '其他' }));
    fireEvent.change(text, { target: { value: '快递一直没有送到，物流三天没更新' } });
    expect(screen.getByRole('radio', { name: '其他' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.queryByText('已根据描述推荐')).toBeNull();
  });

  it('asks for an unboxing video when a valuable item is chosen (四.1)', async () => {
    await openApply({ skuId: 'sku_watch' });
    expect(screen.getByText('贵重商品建议上传开箱视频')).toBeTruthy();
    chooseMedia.mockResolvedValueOnce({ tempFiles: media('video', 1) });
    fireEvent.click(screen.getByRole('button', { name: '上传开箱视频' }));
    await settle();
    await settle();
    expect(chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ mediaType: ['video'], count: 1 }));
    expect(screen.queryByText('贵重商品建议上传开箱视频')).toBeNull();
    expect(screen.getByText('开箱视频')).toBeTruthy();
  });
});

describe('weapp preview', () => {
  const env = process.env.TARO_ENV;
  afterEach(() => {
    process.env.TARO_ENV = env;
    delete (Taro as unknown as { cloud?: unknown }).cloud;
  });

  it('opens an uploaded video by its temporary URL: previewMedia takes no cloud:// id (issue 13)', async () => {
    process.env.TARO_ENV = 'weapp';
    const fileId = `cloud://prod-7g3h.7072-prod/evidence/${BUYER_OPENID}/video-0.mp4`;
    const getTempFileURL = jest.fn(async () => ({ fileList: [{ fileID: fileId, tempFileURL: 'https://7072-prod.tcb.qcloud.la/evidence/v.mp4?sign=x' }] }));
    (Taro as unknown as { cloud?: unknown }).cloud = { getTempFileURL };
    (uploadEvidence as jest.Mock).mockImplementation(async (m) => ({ fileId, sha256: m.sha256 }));
    await openApply({ skuId: 'sku_cup' });
    chooseMedia.mockResolvedValueOnce({ tempFiles: media('video', 1) });
    fireEvent.click(screen.getByText('照片/视频'));
    await settle();
    await settle();
    fireEvent.click(screen.getByTestId('evidence-cell').querySelector('.uploader__media') as HTMLElement);
    await settle();
    expect(getTempFileURL).toHaveBeenCalledWith({ fileList: [fileId] });
    expect(Taro.previewMedia).toHaveBeenCalledWith({ sources: [{ url: 'https://7072-prod.tcb.qcloud.la/evidence/v.mp4?sign=x', type: 'video' }] });
  });
});

describe('the album refused', () => {
  it('names the privacy guide when WeChat refuses chooseMedia until the buyer agrees (errno 104), and says nothing for a cancel', async () => {
    await openApply({ skuId: 'sku_cup' });
    chooseMedia.mockRejectedValueOnce({ errno: 104, errMsg: 'chooseMedia:fail privacy permission is not authorized' });
    fireEvent.click(screen.getByText('照片/视频'));
    await settle();
    expect(Taro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '需要同意隐私保护指引后才能选择照片或视频' }));
    (Taro.showModal as jest.Mock).mockClear();
    chooseMedia.mockRejectedValueOnce({ errMsg: 'chooseMedia:fail cancel' });
    fireEvent.click(screen.getByText('照片/视频'));
    await settle();
    expect(Taro.showModal).not.toHaveBeenCalled();
    expect(Taro.showToast).not.toHaveBeenCalled();
  });
});

describe('limits', () => {
  it('counts an emoji as one character, as the server does (R22: 500), and lets the buyer type up to 500', async () => {
    await openApply({ skuId: 'sku_cup' });
    const box = () => screen.getByPlaceholderText(/请具体描述/) as HTMLTextAreaElement;
    // 65 emoji (130 UTF-16 units) + 370 characters: 435 characters, 500 units.
    const start = '😡'.repeat(65) + '杯'.repeat(370);
    fireEvent.change(box(), { target: { value: start } });
    expect(screen.getByText('435/500')).toBeTruthy();
    fireEvent.change(box(), { target: { value: `${start}还能继续写` } });
    expect(screen.getByText('440/500')).toBeTruthy();
    expect(box().value.endsWith('还能继续写')).toBe(true);
    // Past 500 characters the text is cut at 500, never in the middle of an emoji.
    fireEvent.change(box(), { target: { value: `${start}${'裂'.repeat(64)}😡😡` } });
    expect(screen.getByText('500/500')).toBeTruthy();
    expect(Array.from(box().value)).toHaveLength(500);
    expect(box().value.endsWith('裂😡')).toBe(true);
  });

  it('reads 「商品照片」 under a photo the buyer tagged as a product photo', async () => {
    await openApply({ skuId: 'sku_cup' });
    chooseMedia.mockResolvedValueOnce({ tempFiles: media('image', 1) });
    fireEvent.click(screen.getByText('照片/视频'));
    await settle();
    await settle();
    expect(screen.getByText('标注类型')).toBeTruthy();
    (Taro.showActionSheet as jest.Mock).mockResolvedValueOnce({ tapIndex: 0 });
    fireEvent.click(screen.getByText('标注类型'));
    await settle();
    expect((Taro.showActionSheet as jest.Mock).mock.calls[0][0].itemList[0]).toBe('商品照片');
    expect(screen.queryByText('标注类型')).toBeNull();
    expect(screen.getByText('商品照片')).toBeTruthy();
  });

  it('takes 9 photos, refuses the 10th, then takes 1 video and refuses the 2nd', async () => {
    await openApply({ skuId: 'sku_cup' });
    chooseMedia.mockResolvedValueOnce({ tempFiles: media('image', 10) });
    fireEvent.click(screen.getByText('照片/视频'));
    await settle();
    await settle();
    expect(chooseMedia).toHaveBeenLastCalledWith(expect.objectContaining({ count: 10, mediaType: ['image', 'video'] }));
    expect(screen.getAllByTestId('evidence-cell')).toHaveLength(9);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '最多上传9张照片' }));

    chooseMedia.mockResolvedValueOnce({ tempFiles: media('video', 2) });
    fireEvent.click(screen.getByText('照片/视频'));
    await settle();
    await settle();
    expect(chooseMedia).toHaveBeenLastCalledWith(expect.objectContaining({ count: 1, mediaType: ['video'] }));
    expect(screen.getAllByTestId('evidence-cell')).toHaveLength(10);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '最多上传1个视频' }));
    expect(screen.queryByText('照片/视频')).toBeNull();
  });

  it('refuses an amount above the most refundable with the message, and does not send it', async () => {
    await openApply({ skuId: 'sku_cup' });
    fireEvent.click(screen.getByRole('radio', { name: '质量问题' }));
    fireEvent.change(amountInput(), { target: { value: '1000' } });
    expect(screen.getByText('退款金额：最多可退 ¥98.00，请调低金额')).toBeTruthy();
    fireEvent.click(submitButton());
    await settle();
    expect(call).not.toHaveBeenCalledWith('apply', expect.anything());
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '退款金额：最多可退 ¥98.00，请调低金额' }));

    fireEvent.change(amountInput(), { target: { value: '45.5' } });
    expect(screen.queryByText(/退款金额：/)).toBeNull();
    expect(screen.getByText('¥45.50')).toBeTruthy();
  });
});

describe('validation and submit', () => {
  it('names the field of each problem once the buyer tries to submit', async () => {
    await openApply({ skuId: 'sku_cup' });
    fireEvent.click(screen.getByRole('checkbox', { checked: true }));
    expect(screen.queryByText(/退款商品：/)).toBeNull();
    fireEvent.click(submitButton());
    await settle();
    expect(screen.getByText('退款商品：请至少选择一件商品')).toBeTruthy();
    expect(screen.getByText('售后原因：请选择售后原因')).toBeTruthy();
    expect(call).not.toHaveBeenCalledWith('apply', expect.anything());
  });

  it('asks for a specific reason in the description for 仅退运费 (R10)', async () => {
    await openApply({});
    fireEvent.click(screen.getByText('仅退运费'));
    fireEvent.click(screen.getByRole('radio', { name: '快递问题' }));
    fireEvent.click(submitButton());
    await settle();
    expect(screen.getByText('问题描述：仅退运费请写明具体原因（至少5个字）')).toBeTruthy();
  });

  it('sends one apply for a double tap, with the draft idempotency key, then opens the case', async () => {
    let resolve!: (v: unknown) => void;
    serve(() => new Promise((r) => (resolve = r)));
    await openApply({ skuId: 'sku_cup' });
    fireEvent.click(screen.getByRole('radio', { name: '质量问题' }));
    fireEvent.change(screen.getByPlaceholderText(/请具体描述/), { target: { value: '杯子底部有裂缝，倒水会漏' } });
    const key = useDraftStore.getState().drafts.order_t1.idempotencyKey;
    fireEvent.click(submitButton());
    fireEvent.click(submitButton());
    await settle();
    const applies = call.mock.calls.filter(([a]) => a === 'apply');
    expect(applies).toHaveLength(1);
    expect(applies[0][1]).toEqual({
      orderId: 'order_t1',
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: 'sku_cup', qty: 2 }],
      amountFen: 9_800,
      description: '杯子底部有裂缝，倒水会漏',
      evidence: [],
      idempotencyKey: key,
    });
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);
    await act(async () => resolve(buyerCase({ _id: 'case_new' })));
    await settle();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/case/index?id=case_new' });
  });

  it('leaves no draft behind once the case is created, so the next application of the order starts fresh', async () => {
    serve(async () => buyerCase({ _id: 'case_new' }));
    await openApply({ skuId: 'sku_cup' });
    fireEvent.click(screen.getByRole('radio', { name: '质量问题' }));
    fireEvent.click(submitButton());
    await settle();
    await settle();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/case/index?id=case_new' });
    expect(useDraftStore.getState().drafts.order_t1).toBeUndefined();
    expect(Taro.getStorageSync('aftersale.draft.order_t1')).toBe('');
  });

  it('shows the catalogue message and solution when the cloud refuses, and keeps the draft', async () => {
    const { CloudError } = jest.requireActual('../../../services/cloud');
    serve(() => Promise.reject(new CloudError({ code: 'RISK_CONTROL_TRIGGERED', message: '近期退款次数较多，已触发风控', solution: '联系微信支付客服提交申诉材料解除限制' })));
    await openApply({ skuId: 'sku_cup' });
    fireEvent.click(screen.getByRole('radio', { name: '质量问题' }));
    fireEvent.click(submitButton());
    await settle();
    await settle();
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '近期退款次数较多，已触发风控', content: '联系微信支付客服提交申诉材料解除限制' }));
    expect(useDraftStore.getState().drafts.order_t1.reason).toBe('QUALITY');
  });
});
