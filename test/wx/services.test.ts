/**
 * The cloudPay gateway, the subscribe-message notifier and the storage file store, through the real
 * wx-server-sdk against the loopback service. cloudPay cannot be exercised against WeChat Pay itself
 * (it needs a merchant account and WeChat's signed channel): the loopback's simulated account answers
 * in WeChat Pay's documented shapes, so these tests pin how requests are formed and replies are read.
 */
import type { Notification, Shop } from '../../types/domain';
import { makeCase, T0 } from '../../src/core/__tests__/fixtures';
import { shopWithDefaults } from '../../src/core/settings';
import { createWxServices, wxConfigFromEnv } from '../../src/server/adapters/wx';
import { CloudPayGateway, payTime } from '../../src/server/adapters/wx/gateway';
import { SubscribeMessageNotifier, templateData } from '../../src/server/adapters/wx/notifier';
import { COLLECTIONS, type CloudPayResult } from '../../src/server/adapters/wx/sdk';
import type { RefundRequest, Services } from '../../src/server/ports';
import { startLoopback, type Loopback } from './fake/loopback';

let lb: Loopback;
let svc: Services;
const CONFIG = { subMchId: '1900000109', envId: 'prod-7g3h', notifyFunction: 'refundNotify' };

beforeAll(async () => {
  lb = await startLoopback();
  svc = createWxServices(lb.cloud, CONFIG);
});

afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

beforeEach(() => lb.fake.reset());

const REQUEST: RefundRequest = {
  outRefundNo: 'AS20261101AAAA0001-1',
  caseId: 'AS20261101AAAA0001',
  orderId: 'order_1',
  amountFen: 5_000,
  totalFen: 16_000,
  payChannel: 'WECHAT',
  method: 'ORIGINAL',
};

function payCalls() {
  return lb.fake.callsOf('wx.wxPayApi').map((c) => c.data as Record<string, unknown>);
}

describe('cloudPay gateway', () => {
  it('asks for the refund with the order as out_trade_no and the callback function, and is accepted', async () => {
    expect(await svc.gateway.request(REQUEST)).toEqual({ accepted: true });
    expect(payCalls()).toEqual([
      expect.objectContaining({
        sub_mch_id: '1900000109',
        out_trade_no: 'order_1',
        out_refund_no: 'AS20261101AAAA0001-1',
        total_fee: 16_000,
        refund_fee: 5_000,
        function_name: 'refundNotify',
        env_id: 'prod-7g3h',
      }),
    ]);
    expect(String(payCalls()[0].nonce_str)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('re-sends the same refund number without creating a second refund', async () => {
    await svc.gateway.request(REQUEST);
    expect(await svc.gateway.request(REQUEST)).toEqual({ accepted: true });
    expect(lb.fake.refunds.size).toBe(1);
  });

  it.each([
    ['CREDIT_CARD', 'NOTENOUGH', '基本账户余额不足', 'PAYMENT_CHANNEL_RESTRICTED'],
    ['WECHAT', 'TRADE_OVERDUE', '订单已经超过退款期限', 'AFTER_SALE_WINDOW_EXPIRED'],
    ['WECHAT', 'USER_ACCOUNT_ABNORMAL', '退款请求失败', 'REFUND_ABNORMAL'],
  ] as const)('reads a %s refusal (%s %s) as %s, with WeChat Pay’s words in the message', async (payChannel, errCode, des, code) => {
    lb.fake.refundFailure = { err_code: errCode, err_code_des: des };
    const r = await svc.gateway.request({ ...REQUEST, payChannel });
    expect(r).toEqual({ accepted: false, error: expect.objectContaining({ code }) });
    if (!r.accepted) expect(r.error.message).toContain(des);
  });

  it('throws on a passing failure so the attempt stays PROCESSING and is re-sent later', async () => {
    lb.fake.refundFailure = { err_code: 'SYSTEMERROR', err_code_des: '系统超时' };
    await expect(svc.gateway.request(REQUEST)).rejects.toThrow(/系统超时/);
  });

  it('does not call cloudPay for a designated account, which the merchant pays', async () => {
    const r = await svc.gateway.request({ ...REQUEST, method: 'DESIGNATED_ACCOUNT', account: '6222****1234' });
    expect(r).toEqual({ accepted: false, error: expect.objectContaining({ code: 'REFUND_ABNORMAL' }) });
    expect(payCalls()).toEqual([]);
  });

  it('refuses to send anything without SUB_MCH_ID', async () => {
    const bare = createWxServices(lb.cloud, { ...CONFIG, subMchId: '' });
    await expect(bare.gateway.request(REQUEST)).rejects.toThrow(/SUB_MCH_ID/);
    await expect(bare.gateway.query(REQUEST.outRefundNo)).rejects.toThrow(/SUB_MCH_ID/);
    expect(payCalls()).toEqual([]);
  });

  it('queries: unknown before the request, then processing, then each final state', async () => {
    expect(await svc.gateway.query(REQUEST.outRefundNo)).toEqual({ status: 'UNKNOWN' });
    await svc.gateway.request(REQUEST);
    expect(await svc.gateway.query(REQUEST.outRefundNo)).toEqual({ status: 'PROCESSING' });
    lb.fake.settleRefund(REQUEST.outRefundNo, 'SUCCESS', '2026-11-01 10:05:07');
    expect(await svc.gateway.query(REQUEST.outRefundNo)).toEqual({ status: 'SUCCESS', settledAt: Date.UTC(2026, 10, 1, 2, 5, 7) });
    lb.fake.settleRefund(REQUEST.outRefundNo, 'CHANGE');
    expect(await svc.gateway.query(REQUEST.outRefundNo)).toMatchObject({ status: 'ABNORMAL' });
    lb.fake.settleRefund(REQUEST.outRefundNo, 'REFUNDCLOSE');
    expect(await svc.gateway.query(REQUEST.outRefundNo)).toMatchObject({ status: 'CLOSED' });
  });

  it('reads the list-shaped answer some accounts get, and an empty one as still processing', async () => {
    const answer = (r: CloudPayResult) => new CloudPayGateway({ cloudPay: { refund: jest.fn(), queryRefund: async () => r } }, CONFIG);
    const lists = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outRefundNoList: ['x-1', 'x-2'], refundStatusList: ['REFUNDCLOSE', 'SUCCESS'], refundSuccessTimeList: ['', '2026-11-01 10:00:00'] };
    expect(await answer(lists).query('x-2')).toEqual({ status: 'SUCCESS', settledAt: T0 });
    expect(await answer(lists).query('x-1')).toMatchObject({ status: 'CLOSED' });
    expect(await answer({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundStatusList: [], outRefundNoList: [] }).query('x-1')).toEqual({ status: 'PROCESSING' });
    await expect(answer({ returnCode: 'FAIL', returnMsg: '签名错误' }).query('x-1')).rejects.toThrow(/签名错误/);
  });

  it('parses WeChat Pay times as Shanghai time', () => {
    expect(payTime('2026-11-01 10:00:00')).toBe(T0);
    expect(payTime('20261101100000')).toBeUndefined();
  });
});

describe('subscribe-message notifier', () => {
  const shop: Shop = shopWithDefaults({ _id: 'shop_1', name: '小林家居', verified: true, settings: { subscribeTemplateIds: { decision: 'TPL_D', refund: 'TPL_R' } } });
  const c = makeCase({ _id: 'AS20261101AAAA0002' });
  const n = (o: Partial<Notification>): Notification => ({ _id: 'ntf_x', at: T0, toOpenid: c.buyerOpenid, caseId: c._id, templateKey: 'decision', text: '商家已同意退款，款项将原路退回', ...o });

  beforeEach(async () => {
    lb.fake.seed(COLLECTIONS.shops, [{ ...shop } as never]);
    lb.fake.seed(COLLECTIONS.cases, [{ ...c } as never]);
  });

  it("sends decisions and refunds with the shop's template ids to the case page, to the released version by default", async () => {
    await svc.notifier.send([n({}), n({ _id: 'ntf_y', templateKey: 'refund', text: '退款已到账' })]);
    expect(lb.fake.messages).toEqual([
      {
        touser: c.buyerOpenid,
        template_id: 'TPL_D',
        page: `pages/case/index?id=${c._id}`,
        data: { thing1: { value: '商家已同意退款，款项将原路退回' }, character_string2: { value: c._id }, time3: { value: '2026年11月1日 10:00' } },
        miniprogram_state: 'formal',
        lang: 'zh_CN',
      },
      expect.objectContaining({ template_id: 'TPL_R', data: expect.objectContaining({ thing1: { value: '退款已到账' } }) }),
    ]);
  });

  it('keeps a thing field within 20 characters', () => {
    expect(Array.from(templateData(n({ text: '一二三四五六七八九十一二三四五六七八九十一' })).thing1.value)).toHaveLength(20);
  });

  it("fills the keys of the shop's own template, each value formatted by its key's type", async () => {
    const fields = { progress: 'thing4', caseNo: 'character_string1', time: 'date2', amount: 'amount3', result: 'phrase5' };
    lb.fake.seed(COLLECTIONS.shops, [{ ...shop, settings: { ...shop.settings, subscribeTemplateFields: { decision: fields, refund: { progress: 'thing1' } } } } as never]);
    const long = '商家已同意您的退货申请，请在7天内寄回商品并填写快递单号';
    await svc.notifier.send([n({ text: long, data: { status: 'AWAITING_RETURN', amountFen: 12_345 } }), n({ _id: 'ntf_r', templateKey: 'refund', text: '退款已到账' })]);
    expect(lb.fake.messages.map((m) => m.data)).toEqual([
      {
        thing4: { value: `${Array.from(long).slice(0, 19).join('')}…` },
        character_string1: { value: c._id },
        date2: { value: '2026年11月1日' },
        amount3: { value: '¥123.45' },
        phrase5: { value: '待退货' },
      },
      { thing1: { value: '退款已到账' } },
    ]);
  });

  it('uses the key map a notice carries (snapshotted with its template id) without reading the shop', async () => {
    await svc.notifier.send([n({ templateId: 'TPL_SNAP', templateFields: { progress: 'thing2', amount: 'number1' }, data: { amountFen: 500 } })]);
    expect(lb.fake.messages).toEqual([expect.objectContaining({ template_id: 'TPL_SNAP', data: { thing2: { value: '商家已同意退款，款项将原路退回' }, number1: { value: '5.00' } } })]);
    expect(lb.fake.callsOf('database.getDocument')).toEqual([]);
  });

  it('sends miniprogram_state from MINIPROGRAM_STATE; a bad value is logged at start and sends formal', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const send = jest.fn(async () => ({}));
    const openapi = { subscribeMessage: { send } };
    const resolve = async () => ({ templateId: 'TPL_D' });
    const env = (MINIPROGRAM_STATE: string) => Object.assign({} as NodeJS.ProcessEnv, { MINIPROGRAM_STATE });
    for (const state of ['developer', 'trial', 'formal'] as const) {
      expect(wxConfigFromEnv(env(state)).miniprogramState).toBe(state);
    }
    expect(wxConfigFromEnv({} as NodeJS.ProcessEnv).miniprogramState).toBe('formal');
    expect(error).not.toHaveBeenCalled();
    const bad = wxConfigFromEnv(env('develop'));
    expect(bad.miniprogramState).toBe('formal');
    expect(error.mock.calls.map((args) => String(args[0]))).toEqual([expect.stringMatching(/MINIPROGRAM_STATE "develop" is not one of developer \| trial \| formal/)]);

    await new SubscribeMessageNotifier({ openapi }, resolve, wxConfigFromEnv(env('trial')).miniprogramState).send([n({})]);
    await new SubscribeMessageNotifier({ openapi }, resolve, bad.miniprogramState).send([n({})]);
    expect(send.mock.calls.map((args: unknown[]) => (args[0] as { miniprogramState: string }).miniprogramState)).toEqual(['trial', 'formal']);

    // Through the real SDK: the developer state reaches WeChat as miniprogram_state.
    const dev = createWxServices(lb.cloud, { ...CONFIG, miniprogramState: 'developer' });
    await dev.notifier.send([n({})]);
    expect(lb.fake.messages).toEqual([expect.objectContaining({ template_id: 'TPL_D', miniprogram_state: 'developer' })]);
    error.mockRestore();
  });

  it('skips and logs messages without a template (auto-reply, tickets, a shop that set none); logs a refusal, never throws', async () => {
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await svc.notifier.send([n({ templateKey: 'autoReply' }), n({ templateKey: 'ticket' })]);
    lb.fake.seed(COLLECTIONS.shops, [{ ...shop, settings: { ...shop.settings, subscribeTemplateIds: { decision: '', refund: '' } } } as never]);
    await svc.notifier.send([n({})]);
    expect(lb.fake.callsOf('wx.openApi')).toEqual([]);

    lb.fake.seed(COLLECTIONS.shops, [{ ...shop } as never]);
    lb.fake.subscribeErrcode = 43101;
    await expect(svc.notifier.send([n({})])).resolves.toBeUndefined();
    expect(lb.fake.callsOf('wx.openApi')).toHaveLength(1);
    expect(lb.fake.messages).toEqual([]);
    expect(info.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('(autoReply) not sent'),
      expect.stringContaining('(ticket) not sent'),
      expect.stringContaining('(decision) not sent'),
    ]);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/refused: 43101/)]);
    info.mockRestore();
    warn.mockRestore();
  });
});

describe('cloud storage file store', () => {
  const photo = 'cloud://prod-7g3h.7072-prod/evidence/o_buyer_1/1793494800000-0123456789abcdef.jpg';
  const video = 'cloud://prod-7g3h.7072-prod/evidence/o_buyer_1/1793494800000-fedcba9876543210.mp4';

  it('knows an uploaded file exists, and its kind, but not its hash', async () => {
    lb.fake.files.set(photo, Buffer.from('jpeg'));
    lb.fake.files.set(video, Buffer.from('mp4'));
    expect(await svc.files.stat(photo)).toEqual({ sha256: '', size: 0, kind: 'image' });
    expect(await svc.files.stat(video)).toEqual({ sha256: '', size: 0, kind: 'video' });
  });

  it('answers null for a missing file, a foreign scheme or an unknown kind', async () => {
    expect(await svc.files.stat(photo)).toBeNull();
    expect(await svc.files.stat('local://evidence/o_buyer_1/a.jpg')).toBeNull();
    lb.fake.files.set(`${photo}.exe`, Buffer.from('x'));
    expect(await svc.files.stat(`${photo}.exe`)).toBeNull();
    expect(lb.fake.callsOf('storage.batchGetDownloadUrl')).toHaveLength(1);
  });
});
