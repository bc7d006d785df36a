/**
 * The weapp journeys, written once and driven two ways (issue 13):
 *
 * - test/weapp/journeys.weapp.ts: WeChat's component runtime in jsdom (miniprogram-simulate, wcc),
 *   `wx.cloud` running the cloud functions' own code on the cloud-sim backend — `npm run test:weapp`;
 * - e2e/devtools/journeys.devtools.ts: WeChat DevTools through miniprogram-automator, against a local
 *   host — `WECHAT_DEVTOOLS_CLI=… npm run test:devtools`.
 *
 * A journey only taps, types and reads what the page shows, through `Phone`; set-up and the checks of
 * what the cloud kept go through `JourneyDriver.api` (the `afterSale` function as a given caller).
 * Selectors are classes (WeChat renders no ids in the component runtime) and the built-in components'
 * tag names (`button`, `input`, `textarea`).
 */
import type { AfterSaleCase } from '../../types/domain';

export type Photo = 'cup-crack' | 'sheet-pilling' | 'tracking';

export interface Recorded {
  modals: { title: string; content: string }[];
  toasts: string[];
  /** The template ids of each requestSubscribeMessage. */
  subscribed: string[][];
}

/** The mini-program open on one phone as one person. */
export interface Phone {
  /** Taps the first element under `selector` whose text is `want` (exactly) or matches it. */
  tap(selector: string, want: string | RegExp): Promise<void>;
  /** Taps the `inner` element inside the first `selector` whose text matches `want`. */
  tapWithin(selector: string, want: string | RegExp, inner: string): Promise<void>;
  /** Types into the index-th input or textarea under `selector`. */
  typeInto(selector: string, value: string, index?: number): Promise<void>;
  /** Waits until the text under `rootSelector` contains `want`. */
  seeText(rootSelector: string, want: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The text of the first element under `selector` ('' when there is none). */
  textOf(selector: string): Promise<string>;
  count(selector: string): Promise<number>;
  /** The class attribute of the first element under `selector` ('' when there is none). */
  classOf(selector: string): Promise<string>;
  /** Waits until `route` is the page on top; its query. */
  pageAt(route: string): Promise<{ query: Record<string, string> }>;
  /** reLaunch: opens `url` afresh (its onShow reloads what it shows). */
  open(url: string): Promise<void>;
  /** The next chooseMedia returns this photo. */
  nextPhoto(photo: Photo): Promise<void>;
  recorded(): Promise<Recorded>;
  screenshot(name: string): Promise<void>;
}

export interface JourneyDriver {
  /** The mini-program launched afresh as `openid` (a new person, a new phone), on `route`. */
  as(openid: string, route: string): Promise<Phone>;
  /** One `afterSale` action as `openid`; resolves with its data, throws on an error reply. */
  api<T>(action: string, body: object, openid: string): Promise<T>;
  /** Runs one named step; a driver may keep what the page showed when it throws. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const ZHANG = 'oBuyerZhangWei';
export const LIU = 'oBuyerLiuYang';
export const OWNER = 'oMerchantOwnerHaowu';
export const PLATFORM = 'oPlatformReviewer';
/** Subscribe-message templates of the demo shop (without them the weapp has nothing to ask for). */
export const TEMPLATES = { decision: 'e2e-tpl-decision', refund: 'e2e-tpl-refund' };

/** What every run needs before its journeys: the shop's subscribe templates. */
export async function prepare(d: JourneyDriver): Promise<void> {
  await d.api('merchant.settings.set', { subscribeTemplateIds: TEMPLATES }, OWNER);
}

function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  const poll = async (): Promise<T> => {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
    return poll();
  };
  return poll();
}

interface ApplyPlan {
  buyer: string;
  orderId: string;
  /** The order line whose own 申请售后 starts the application (default: the order's bottom button). */
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

/** A buyer applies from the order page, photos and all; the case id the case page opened with. */
async function applyInApp(d: JourneyDriver, plan: ApplyPlan): Promise<{ phone: Phone; caseId: string }> {
  const phone = await d.as(plan.buyer, `/pages/order/index?id=${plan.orderId}`);
  await phone.seeText('.order-page', '售后政策');
  if (plan.line) await phone.tapWithin('.line', escaped(plan.line), 'button');
  else await phone.tap('.bottom-bar button', '申请售后');
  await phone.pageAt('pages/apply/index');
  await phone.seeText('.apply-page', '售后类型');
  if (plan.type) await phone.tap('.chips__item', new RegExp(`^${plan.type}`));
  await phone.typeInto('.apply-page__textarea', plan.description);
  await phone.tap('.chips__item', plan.reason);
  for (const [i, photo] of plan.photos.entries()) {
    await phone.nextPhoto(photo);
    await phone.tap('.uploader__add', /照片\/视频/);
    await until(`${i + 1} photo(s) uploaded`, async () => (await phone.count('.uploader__cell')) === i + 1 && (await phone.count('.uploader__mask')) === 0, 30_000);
  }
  await phone.screenshot(plan.shot);
  await phone.tap('.bottom-bar button', '提交申请');
  const { query } = await phone.pageAt('pages/case/index');
  await phone.seeText('.case-page', '待商家处理');
  return { phone, caseId: String(query.id) };
}

/** Reopens the case until its head shows `status` (refunds settle asynchronously). */
async function caseShows(phone: Phone, caseId: string, status: string, timeoutMs = 20_000): Promise<void> {
  await until(
    `case ${caseId} showing ${status}`,
    async () => {
      await phone.open(`/pages/case/index?id=${caseId}`);
      await phone.seeText('.case-page', '申请信息');
      return (await phone.textOf('.case-head__title')) === status;
    },
    timeoutMs,
  );
}

/** The review page of the `merchant` subpackage, as a merchant or the platform. */
async function review(d: JourneyDriver, openid: string, caseId: string, as: 'merchant' | 'platform' = 'merchant'): Promise<Phone> {
  const phone = await d.as(openid, `/merchant/pages/review/index?id=${caseId}${as === 'platform' ? '&as=platform' : ''}`);
  await phone.seeText('.review', '订单快照');
  return phone;
}

/**
 * Waits for the review sheet to finish sliding up: a tap during NutUI's enter transition is lost
 * (the content is rendered again when it ends), and no finger is that quick.
 */
async function sheetOpen(phone: Phone, confirm: string): Promise<void> {
  await phone.seeText('.m-sheet', confirm);
  await until('the sheet to finish opening', async () => /-enter-done/.test(await phone.classOf('.m-sheet')));
}

/** One review action: its button, its sheet filled in, confirmed once. */
async function act(phone: Phone, button: string, confirm: string, fill: () => Promise<void>, shot: string): Promise<void> {
  // A tap while the previous sheet is still sliding away can be lost, as under a finger: tap again.
  await until(`the ${button} sheet`, async () => {
    if (/-enter-done/.test(await phone.classOf('.m-sheet')) && (await phone.textOf('.m-sheet')).includes(confirm)) return true;
    await phone.tap('.review__btn', button);
    await new Promise((r) => setTimeout(r, 1000));
    return false;
  });
  await sheetOpen(phone, confirm);
  await fill();
  await phone.screenshot(shot);
  await phone.tap('.m-sheet button', confirm);
}

const noFill = async () => undefined;

export interface Journey {
  title: string;
  run(d: JourneyDriver): Promise<void>;
}

export const JOURNEYS: readonly Journey[] = [
  {
    title: '1. 仅退款 with two photos, asked to subscribe first: approved in the merchant subpackage, refunded, 已退款; too early to report it missing (R8)',
    async run(d) {
      let caseId = '';
      await d.step('1-apply', async () => {
        const applied = await applyInApp(d, {
          buyer: ZHANG,
          orderId: 'OD1001',
          line: '新疆长绒棉四件套 1.8m床 奶咖色',
          reason: '质量问题',
          description: '四件套洗了一次就严重起球，床单还有一处开线，照片里能看清',
          photos: ['sheet-pilling', 'cup-crack'],
          shot: '1-apply',
        });
        caseId = applied.caseId;
        expect((await applied.phone.recorded()).subscribed).toEqual([[TEMPLATES.decision, TEMPLATES.refund]]);
        const c = await d.api<AfterSaleCase>('get', { caseId }, ZHANG);
        expect(c.type).toBe('REFUND_ONLY');
        expect(c.evidence).toHaveLength(2);
        await applied.phone.screenshot('1-case-pending');
      });
      await d.step('1-approve', async () => {
        const phone = await review(d, OWNER, caseId);
        await act(phone, '同意退款', '确认同意', () => phone.typeInto('.m-sheet .m-field__textarea', '照片里起球和开线都很明显，已同意退款，给您添麻烦了'), '1-approve-sheet');
        await phone.seeText('.review', /已同意，(退款 ¥272\.16 处理中|¥272\.16 已退款到账)/);
      });
      await d.step('1-refunded', async () => {
        const phone = await d.as(ZHANG, `/pages/case/index?id=${caseId}`);
        await caseShows(phone, caseId, '已退款');
        await phone.seeText('.case-page', '照片里起球和开线都很明显，已同意退款，给您添麻烦了');
        await phone.screenshot('1-refunded');
        await phone.tap('.bottom-bar button', '退款未到账');
        const modal = await until('the R8 modal', async () => (await phone.recorded()).modals.at(-1));
        expect(modal.title).toMatch(/^退款已于.+退回微信零钱$/);
        expect(modal.content).toMatch(/^一般20分钟内到账，.+提交工单查询（退款单号.+）$/);
        const c = await d.api<AfterSaleCase>('get', { caseId }, ZHANG);
        expect(c.refunds.map((r) => [r.status, r.amountFen])).toEqual([['SUCCESS', 27_216]]);
      });
    },
  },
  {
    title: '2. 退货退款: approved, shipped back, received as unsealed (R6), a partial offer accepted, refunded',
    async run(d) {
      let caseId = '';
      await d.step('2-apply', async () => {
        ({ caseId } = await applyInApp(d, {
          buyer: ZHANG,
          orderId: 'OD1015',
          type: '退货退款',
          reason: '不想要了',
          description: '香薰蜡烛味道太浓，不想要了，想退货',
          photos: [],
          shot: '2-apply',
        }));
      });
      await d.step('2-approve', async () => {
        const phone = await review(d, OWNER, caseId);
        await act(phone, '同意退货', '确认同意', noFill, '2-approve-sheet');
        await phone.seeText('.review', '已同意，等待买家退货');
      });
      await d.step('2-ship', async () => {
        const phone = await d.as(ZHANG, `/pages/case/index?id=${caseId}`);
        await caseShows(phone, caseId, '待买家退货');
        await phone.tap('.courier .chips__item', '中通快递');
        await phone.seeText('.courier .chips__item--on', '中通快递', 3000);
        await phone.typeInto('.courier__no .field__input', '75318264930127');
        await phone.screenshot('2-ship-form');
        await phone.tap('.bottom-bar button', '提交退货物流');
        await caseShows(phone, caseId, '待商家收货');
        const c = await d.api<AfterSaleCase>('get', { caseId }, ZHANG);
        expect(c.returnShipment).toMatchObject({ company: '中通快递', trackingNo: '75318264930127' });
      });
      await d.step('2-received-unsealed-and-offer', async () => {
        const phone = await review(d, OWNER, caseId);
        await phone.tap('.review__btn', '确认收货');
        await sheetOpen(phone, '确认收货并退款');
        await phone.tap('.m-act__check-text', /^已拆封影响二次销售/);
        await phone.seeText('.m-sheet', '确认后进入协商，暂不退款。');
        await phone.screenshot('2-confirm-unsealed-sheet');
        await phone.tap('.m-sheet button', '确认收货并协商');
        await phone.seeText('.review', '商品已拆封，影响二次销售，暂不能全额退款');
        await act(
          phone,
          '修改协商金额',
          '发给买家',
          async () => {
            await phone.typeInto('.m-sheet .m-field__input', '150');
            await phone.typeInto('.m-sheet .m-field__textarea', '蜡烛外包装已拆、塑封已撕，影响二次销售，协商按150元退款');
          },
          '2-offer-sheet',
        );
        await phone.seeText('.review', '已向买家提出协商退款 ¥150.00');
      });
      await d.step('2-accept', async () => {
        const phone = await d.as(ZHANG, `/pages/case/index?id=${caseId}`);
        await caseShows(phone, caseId, '协商中');
        await phone.seeText('.case-page', '怎么办：提供未经使用证明，或协商折价退款');
        await phone.screenshot('2-offer');
        await phone.tap('.bottom-bar button', '同意协商');
        await caseShows(phone, caseId, '已退款');
        expect((await phone.recorded()).modals.map((m) => m.title)).toContain('同意协商金额？');
        const c = await d.api<AfterSaleCase>('get', { caseId }, ZHANG);
        expect(c.refunds.map((r) => [r.status, r.amountFen])).toEqual([['SUCCESS', 15_000]]);
        await phone.screenshot('2-refunded');
      });
    },
  },
  {
    title: '3. rejected, escalated by the buyer, decided by the platform before its deadline',
    async run(d) {
      let caseId = '';
      await d.step('3-apply', async () => {
        ({ caseId } = await applyInApp(d, {
          buyer: LIU,
          orderId: 'OD1010',
          reason: '质量问题',
          description: '台灯用了一周调光旋钮就失灵了，只能开最亮一档',
          photos: ['cup-crack'],
          shot: '3-apply',
        }));
      });
      await d.step('3-reject', async () => {
        const phone = await review(d, OWNER, caseId);
        await act(
          phone,
          '拒绝',
          '确认拒绝',
          async () => {
            // The reason chips settle once the sheet's content has rendered again after sliding up: the
            // reason must show as chosen before the note is written.
            await until('the reason 非商家责任 chosen', async () => {
              if ((await phone.textOf('.m-sheet .chips__item--on')) === '非商家责任') return true;
              await phone.tap('.m-sheet .chips__item', '非商家责任');
              return false;
            });
            await phone.typeInto('.m-sheet .m-field__textarea', '经检测旋钮无故障，属于使用不当，请提供故障视频后再申请');
          },
          '3-reject-sheet',
        );
        await phone.seeText('.review', '已拒绝该申请');
      });
      await d.step('3-escalate', async () => {
        const phone = await d.as(LIU, `/pages/case/index?id=${caseId}`);
        await caseShows(phone, caseId, '商家已拒绝');
        await phone.typeInto('.case-page__textarea', '旋钮确实坏了，照片和视频都可以提供，不是使用不当');
        await phone.tap('.bottom-bar button', '申请平台介入');
        await caseShows(phone, caseId, '平台介入中');
        await phone.screenshot('3-escalated');
      });
      await d.step('3-decide', async () => {
        const escalated = await d.api<AfterSaleCase>('get', { caseId }, LIU);
        const phone = await review(d, PLATFORM, caseId, 'platform');
        await act(phone, '判定退款', '确认退款', () => phone.typeInto('.m-sheet .m-field__textarea', '台灯使用一周即出现调光故障，属于质量问题，商家拒绝理由不成立'), '3-decide-sheet');
        await phone.seeText('.review', '已裁定同意退款');
        const decided = await d.api<AfterSaleCase>('platform.get', { caseId }, PLATFORM);
        expect(decided.history.find((h) => h.action === 'PLATFORM_APPROVE')?.at).toBeLessThan(escalated.deadlineAt as number);
      });
      await d.step('3-buyer-sees-refund', async () => {
        const phone = await d.as(LIU, `/pages/case/index?id=${caseId}`);
        await caseShows(phone, caseId, '已退款');
        await phone.screenshot('3-refunded');
      });
    },
  },
];
