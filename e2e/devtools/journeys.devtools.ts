/**
 * The weapp journeys shared with the component-runtime suite (test/weapp/journeys.ts), plus the
 * 48-hour timer and the failure reasons, on the weapp build in WeChat DevTools (miniprogram-automator),
 * against a local host (see driver.ts for the cloud bridge and the mocked prompts). Run with
 * `WECHAT_DEVTOOLS_CLI=<cli path> npm run test:devtools`; without DevTools the suite is skipped.
 * Screenshots: e2e/screenshots/devtools-*.png; a failed step leaves e2e/artifacts/devtools-<step>.*.
 */
import type { AfterSaleCase } from '../../types/domain';
import { hostGet, hostPost, startTestHost } from '../support/host';
import { JOURNEYS, prepare } from '../../test/weapp/journeys';
import { DevtoolsJourneys, DevtoolsSession, SKIP_LINE, devtoolsCli, find, seeText, tap, typeInto, until, type MpPage, type Photo } from './driver';

jest.setTimeout(40 * 60_000);

const cli = devtoolsCli();
if (!cli) console.log(SKIP_LINE);
const describeWithDevtools = cli ? describe : describe.skip;

const DAY = 86_400_000;
const ZHANG = 'oBuyerZhangWei';
const LI = 'oBuyerLiNa';
const WANG = 'oBuyerWangLei';
const LIU = 'oBuyerLiuYang';
const OWNER = 'oMerchantOwnerHaowu';
const HAITAO_OWNER = 'oMerchantOwnerHaitao';

let s: DevtoolsSession;

function api<T>(action: string, body: object, openid: string): Promise<T> {
  return hostPost<T>(s.host.url, '/api/afterSale', { action, ...body }, openid);
}

interface ApplyPlan {
  buyer: string;
  orderId: string;
  line?: string;
  type?: '仅退款' | '退货退款';
  reason: '质量问题' | '快递问题' | '不想要了';
  description: string;
  photos: Photo[];
  shot: string;
}

function escaped(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

async function applyInApp(plan: ApplyPlan): Promise<string> {
  let page = await s.as(plan.buyer, `/pages/order/index?id=${plan.orderId}`);
  await seeText(page, '.order-page', '售后政策');
  if (plan.line) {
    const line = await until(`order line ${plan.line}`, () => find(page, '.line', escaped(plan.line as string)));
    const button = await until('its 申请售后 button', () => line.$('button'));
    await button.tap();
  } else {
    await tap(page, '.bottom-bar button', '申请售后');
  }
  page = await s.pageAt('pages/apply/index');
  await seeText(page, '.apply-page', '售后类型');
  if (plan.type) await tap(page, '.chips__item', new RegExp(`^${plan.type}`));
  await typeInto(page, '.apply-page__textarea', plan.description);
  await tap(page, '.chips__item', plan.reason);
  for (const [i, photo] of plan.photos.entries()) {
    await s.nextPhoto(photo);
    await tap(page, '.uploader__add', /照片\/视频/);
    await until(`${i + 1} photo(s) uploaded`, async () => (await page.$$('.uploader__cell')).length === i + 1 && (await page.$$('.uploader__mask')).length === 0, 30_000);
  }
  await s.screenshot(plan.shot);
  await tap(page, '.bottom-bar button', '提交申请');
  page = await s.pageAt('pages/case/index');
  await seeText(page, '.case-page', '待商家处理');
  return String(page.query.id);
}

/** Reopens the case until its head shows `status` (refunds settle asynchronously). */
async function caseShows(caseId: string, status: string, timeoutMs = 20_000): Promise<MpPage> {
  return until(
    `case ${caseId} showing ${status}`,
    async () => {
      const page = await s.open(`/pages/case/index?id=${caseId}`);
      await seeText(page, '.case-page', '申请信息');
      const head = await page.$('.case-head__title');
      return head && (await head.text()).trim() === status ? page : undefined;
    },
    timeoutMs,
  );
}

async function review(openid: string, caseId: string, as: 'merchant' | 'platform' = 'merchant'): Promise<MpPage> {
  const page = await s.as(openid, `/merchant/pages/review/index?id=${caseId}${as === 'platform' ? '&as=platform' : ''}`);
  await seeText(page, '.review', '订单快照');
  return page;
}

/** One review action: its button, its sheet filled in, confirmed once. */
async function act(page: MpPage, button: string, confirm: string, fill: () => Promise<void>, shot: string): Promise<void> {
  await tap(page, '.review__btn', button);
  await seeText(page, '.m-sheet', confirm);
  await fill();
  await s.screenshot(shot);
  await tap(page, '.m-sheet button', confirm);
}

const noFill = async () => undefined;

beforeAll(async () => {
  if (!cli) return;
  s = await DevtoolsSession.start(cli);
  // Without template ids the weapp has nothing to ask the buyer to subscribe to.
  await prepare(new DevtoolsJourneys(s));
});

afterAll(async () => {
  await s?.close();
});

describeWithDevtools('newcomer journeys in WeChat DevTools', () => {
  // The journeys shared with the component-runtime suite (test/weapp/journeys.ts): what runs in
  // `npm run test:weapp` is what a tester runs here.
  for (const j of JOURNEYS) {
    it(j.title, async () => {
      await j.run(new DevtoolsJourneys(s));
    });
  }

  // DevTools only: the 48-hour timer and the failure reasons.
  it('2. nobody answers for 48 h: the timer approves and the buyer sees the refund', async () => {
    const clockHost = await startTestHost();
    const base = await s.useHost(clockHost);
    try {
      let caseId = '';
      await s.step('2-apply', async () => {
        caseId = await applyInApp({
          buyer: LIU,
          orderId: 'OD1010',
          reason: '质量问题',
          description: '台灯用了一周调光旋钮就失灵了，只能开最亮一档',
          photos: ['cup-crack'],
          shot: '2-apply',
        });
      });
      await s.step('2-timer', async () => {
        const c = await api<AfterSaleCase>('get', { caseId }, LIU);
        await hostPost(s.host.url, '/__dev/clock', { now: (c.deadlineAt as number) + 60_000 });
        await hostPost(s.host.url, '/__dev/run/autoApprove');
        const page = await caseShows(caseId, '已退款');
        await seeText(page, '.case-page', '超时自动同意');
        await s.screenshot('2-auto-approved');
      });
    } finally {
      await s.useHost(base);
      await clockHost.close();
    }
  });


  describe('5. failure reasons with their message and what to do', () => {
    it('R2 window expired', async () => {
      await s.step('5-r2', async () => {
        const page = await s.as(WANG, '/pages/order/index?id=OD1007');
        await seeText(page, '.order-page', '暂不能申请售后：已超过签收后15天的售后时限');
        await seeText(page, '.order-page', '怎么办：普通商品7天无理由需在签收后15天内申请；如有质量问题请联系商家客服协商');
        await s.screenshot('5-r2');
      });
    });

    it('R9 logistics evidence missing, cleared by a tracking screenshot; R11 amount over the most refundable', async () => {
      await s.step('5-r9-r11', async () => {
        await s.as(ZHANG, '/pages/order/index?id=OD1003');
        let page = await s.pageAt('pages/order/index');
        await seeText(page, '.order-page', '售后政策');
        await tap(page, '.bottom-bar button', '申请售后');
        page = await s.pageAt('pages/apply/index');
        await typeInto(page, '.apply-page__textarea', '快递外箱压扁了，杯子盖子摔裂');
        await tap(page, '.chips__item', '快递问题');
        await seeText(page, '.apply-page', '订单没有物流追踪记录，快递问题需上传物流凭证');
        await s.screenshot('5-r9');
        await s.nextPhoto('tracking');
        await tap(page, '.uploader__add', /照片\/视频/);
        await until('the R9 block to clear', async () => {
          const root = await page.$('.apply-page');
          return root && !(await root.text()).includes('订单没有物流追踪记录');
        });
        await typeInto(page, '.amount-row__input', '100');
        await seeText(page, '.apply-page', '退款金额：最多可退 ¥89.00，请调低金额');
        await s.screenshot('5-r11');
      });
    });

    it('R4 credit card refused, retried to a designated account', async () => {
      let caseId = '';
      await s.step('5-r4', async () => {
        caseId = await applyInApp({
          buyer: WANG,
          orderId: 'OD1006',
          reason: '质量问题',
          description: '吹风机用了三天就有焦糊味，出风忽冷忽热',
          photos: ['cup-crack'],
          shot: '5-r4-apply',
        });
        let page = await review(OWNER, caseId);
        await act(page, '同意退款', '确认同意', noFill, '5-r4-approve-sheet');
        await seeText(page, '.review', '信用卡支付的订单需发卡行确认，暂不能原路退款');
        await s.as(WANG, `/pages/case/index?id=${caseId}`);
        page = await caseShows(caseId, '退款失败');
        await seeText(page, '.case-page', '怎么办：信用卡支付需联系发卡行确认退款路径，第三方支付需平台审批；商家可与买家协商改为指定账户退款');
        await s.screenshot('5-r4-buyer');
        page = await review(OWNER, caseId);
        await act(page, '重新退款', '重新发起退款', () => typeInto(page, '.m-sheet .m-field__input', '6222 0210 0123 4567 890'), '5-r4-retry-sheet');
        await s.as(WANG, `/pages/case/index?id=${caseId}`);
        await caseShows(caseId, '已退款');
      });
    });

    it('R5 merchant account not verified', async () => {
      await s.step('5-r5', async () => {
        const caseId = await applyInApp({
          buyer: LI,
          orderId: 'OD1005',
          line: '日本进口 保湿面霜 50g（国内售后）',
          reason: '质量问题',
          description: '面霜打开后有明显酸味，质地分层',
          photos: ['cup-crack'],
          shot: '5-r5-apply',
        });
        const page = await review(HAITAO_OWNER, caseId);
        await seeText(page, '.review', '商户号未完成实名认证，同意后的退款暂时无法打款');
        await act(page, '同意退款', '确认同意', noFill, '5-r5-approve-sheet');
        await seeText(page, '.review', '商家账户异常，退款暂未打款');
        await s.screenshot('5-r5-merchant');
        expect((await api<AfterSaleCase>('get', { caseId }, LI)).refunds).toEqual([]);
      });
    });

    it('R7 risk control', async () => {
      const buyer = 'oBuyerFrequent';
      const now = (await hostGet<{ now: number }>(s.host.url, '/__dev/clock')).now;
      const orders = [1, 2, 3, 4].map((n) => ({
        _id: `OD-DT-RISK-${n}`,
        shopId: 'shop_haowu',
        buyerOpenid: buyer,
        status: 'DELIVERED',
        paidFen: 3_900,
        shippingFen: 0,
        payChannel: 'WECHAT',
        paidAt: now - 5 * DAY,
        shippedAt: now - 4 * DAY,
        deliveredAt: now - 2 * DAY,
        items: [{ skuId: `SKU-SOCKS-${n}`, title: `纯棉中筒袜 5双装 第${n}单`, unitFen: 3_900, qty: 1, paidFen: 3_900, kind: 'NORMAL' }],
      }));
      await hostPost(s.host.url, '/__dev/seed', { orders });
      for (const n of [1, 2, 3]) {
        await api(
          'apply',
          { orderId: `OD-DT-RISK-${n}`, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: `SKU-SOCKS-${n}`, qty: 1 }], amountFen: 3_900, description: '袜子有破洞', evidence: [], idempotencyKey: `dt-risk-${n}` },
          buyer,
        );
      }
      await s.step('5-r7', async () => {
        const page = await s.as(buyer, '/pages/order/index?id=OD-DT-RISK-4');
        await seeText(page, '.order-page', '暂不能申请售后：您近30天已申请3次售后，已触发风控');
        await s.screenshot('5-r7');
      });
    });

    it('R3 yearly cap, refused by the cloud and explained in a modal', async () => {
      const buyer = 'oBuyerWholesale';
      const now = (await hostGet<{ now: number }>(s.host.url, '/__dev/clock')).now;
      const order = (id: string, sku: string, title: string, fen: number) => ({
        _id: id,
        shopId: 'shop_dt_wholesale',
        buyerOpenid: buyer,
        status: 'DELIVERED',
        paidFen: fen,
        shippingFen: 0,
        payChannel: 'WECHAT',
        paidAt: now - 5 * DAY,
        shippedAt: now - 4 * DAY,
        deliveredAt: now - 2 * DAY,
        items: [{ skuId: sku, title, unitFen: fen, qty: 1, paidFen: fen, kind: 'NORMAL' }],
      });
      await hostPost(s.host.url, '/__dev/seed', {
        shops: [{ _id: 'shop_dt_wholesale', name: '批发旗舰店', verified: true }],
        merchants: [{ openid: 'oMerchantOwnerDtWholesale', shopId: 'shop_dt_wholesale', role: 'OWNER', name: '批发店主' }],
        orders: [order('OD-DT-BULK', 'SKU-FREEZER', '商用冷柜 整批采购', 49_990_000), order('OD-DT-KETTLE', 'SKU-KETTLE', '电热水壶 1.7L 304不锈钢', 20_000)],
      });
      const big = await api<AfterSaleCase>(
        'apply',
        { orderId: 'OD-DT-BULK', type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'SKU-FREEZER', qty: 1 }], amountFen: 49_990_000, description: '整批冷柜不制冷', evidence: [], idempotencyKey: 'dt-bulk-1' },
        buyer,
      );
      await api('merchant.approve', { caseId: big._id }, 'oMerchantOwnerDtWholesale');
      await s.step('5-r3', async () => {
        let page = await s.as(buyer, '/pages/order/index?id=OD-DT-KETTLE');
        await seeText(page, '.order-page', '售后政策');
        await tap(page, '.bottom-bar button', '申请售后');
        page = await s.pageAt('pages/apply/index');
        await typeInto(page, '.apply-page__textarea', '水壶烧水时底座漏电跳闸');
        await tap(page, '.chips__item', '质量问题');
        await tap(page, '.bottom-bar button', '提交申请');
        const modal = await until('the R3 modal', async () => (await s.recorded()).modals.at(-1));
        expect(modal).toEqual({ title: '本店今年的退款累计将超过¥500000.00的年度上限', content: '单笔退款不超过订单实付金额105%，全年累计不超过50万元；请调整退款金额' });
        await s.screenshot('5-r3');
      });
    });
  });
});
