/**
 * A newcomer's first ten minutes, start to finish through the h5 pages on a 375×812 phone, buyer and
 * shop taking turns on one browser against a real local host (issue 6):
 *   1. 仅退款 with two photos → the shop approves → the refund settles → the buyer sees 已退款 (and R8 before 48 h);
 *   2. nobody answers → the host clock moves 48 h → the timer approves → the buyer sees it (own host: the clock moves);
 *   3. 退货退款 → ship with a tracking number → confirmed as unsealed (R6) → a partial offer → accepted → refunded;
 *   4. rejected → escalated → the platform decides before its deadline;
 *   5. each failure reason of the seed the UI can reach shows its message and what to do.
 * Set-up that is not what a journey is about (an order of a special kind, earlier cases behind a rule)
 * goes through `/__dev/seed` and the API; every step a journey is about is a tap on the page.
 * Screenshots: e2e/screenshots/journey-*.png; a failed step leaves its HTML, screenshot and console log
 * in e2e/artifacts/<step>.*.
 */
import fs from 'fs';
import path from 'path';
import type { Locator, Page } from 'playwright-core';
import type { AfterSaleCase } from '../types/domain';
import {
  chromiumAvailable,
  domErrors,
  E2E_TEST_TIMEOUT_MS,
  drawPhoto,
  ensureH5Build,
  hostGet,
  hostPost,
  launchPhone,
  modal,
  open,
  screenshot,
  sheetOpen,
  signInAs,
  startTestHost,
  step,
  toastGone,
  top,
  type PhoneBrowser,
  type TestHost,
} from './support';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PLATFORM = 'oPlatformReviewer';

let host: TestHost;
let phone: PhoneBrowser;
const photos: Record<'crack' | 'pilling' | 'tracking', string> = { crack: '', pilling: '', tracking: '' };

interface ApplyPlan {
  orderId: string;
  /** Apply for this line only (its own 申请售后 button); without it, the whole order. */
  line?: string;
  type?: '仅退款' | '退货退款';
  reason: '质量问题' | '快递问题' | '不想要了';
  description: string;
  photos: string[];
  shot: string;
}

function caseIdIn(url: string): string {
  const id = /[?&]id=([^&]+)/.exec(url)?.[1];
  if (!id) throw new Error(`no case id in ${url}`);
  return decodeURIComponent(id);
}

/** Attaches one photo through the apply page's picker (Taro's chooseMedia opens a file input on h5). */
async function attachPhoto(page: Page, file: string, cellsBefore: number) {
  const chooser = page.waitForEvent('filechooser');
  await top(page).getByText('照片/视频').click();
  await (await chooser).setFiles(file);
  await top(page).locator('[data-testid="evidence-cell"]').nth(cellsBefore).waitFor();
}

/** The buyer's whole apply screen: from the order, through the form, to the new case page. */
async function applyThroughUi(page: Page, plan: ApplyPlan): Promise<string> {
  await open(page, host.url, `/pages/order/index?id=${plan.orderId}`, '售后政策');
  if (plan.line) await top(page).locator('.line').filter({ hasText: plan.line }).getByText('申请售后').click();
  else await top(page).locator('.bottom-bar').getByText('申请售后').click();
  await top(page).getByText('售后类型').waitFor();
  if (plan.type) await top(page).getByRole('radio').filter({ hasText: plan.type }).click();
  await top(page).locator('textarea').first().fill(plan.description);
  await top(page).getByRole('radio', { name: plan.reason }).click();
  for (const [i, file] of plan.photos.entries()) await attachPhoto(page, file, i);
  await top(page).locator('.uploader__mask').first().waitFor({ state: 'detached', timeout: 30_000 });
  await screenshot(page, plan.shot);
  await top(page).locator('.bottom-bar').getByText('提交申请').click();
  await top(page).getByText('待商家处理').first().waitFor({ timeout: 30_000 });
  return caseIdIn(page.url());
}

/** Opens a case as the buyer, reloading until the status the journey waits for shows (money settles asynchronously). */
async function buyerSeesStatus(page: Page, caseId: string, status: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  await open(page, host.url, `/pages/case/index?id=${caseId}`, '申请信息');
  while ((await top(page).locator('.case-head__title').getByText(status, { exact: true }).count()) === 0) {
    if (Date.now() > until) throw new Error(`case ${caseId} still shows ${await top(page).locator('.case-head__title').textContent()}, not ${status}`);
    await page.waitForTimeout(500);
    await page.reload();
    await top(page).getByText('申请信息').waitFor();
  }
}

async function openReview(page: Page, caseId: string, as: 'merchant' | 'platform' = 'merchant') {
  await open(page, host.url, `/merchant/pages/review/index?id=${caseId}${as === 'platform' ? '&as=platform' : ''}`, '订单快照');
}

/** The bottom sheet on screen now (closed sheets may linger in the DOM while they slide out). */
function openSheet(page: Page) {
  return page.locator('.m-sheet.nut-popup-slide-bottom-enter-done');
}

/** A review page action: its button, its sheet filled in, confirmed once. */
async function reviewAction(page: Page, button: string, confirm: string, fill: (sheet: Locator) => Promise<unknown>, shot: string) {
  await top(page).locator('.bottom-bar').getByText(button, { exact: true }).click();
  await sheetOpen(page, confirm);
  await fill(openSheet(page));
  await screenshot(page, shot);
  await openSheet(page).getByText(confirm, { exact: true }).click();
}

function api<T>(action: string, body: object, openid: string, url = host.url): Promise<T> {
  return hostPost<T>(url, '/api/afterSale', { action, ...body }, openid);
}

async function hostNow(url = host.url): Promise<number> {
  return (await hostGet<{ now: number }>(url, '/__dev/clock')).now;
}

beforeAll(async () => {
  if (!(await chromiumAvailable(10 * 60_000))) throw new Error('/usr/bin/chromium is missing: apt-get install chromium');
  ensureH5Build();
  host = await startTestHost();
  phone = await launchPhone();
  photos.crack = await drawPhoto(phone.page, { name: 'cup-crack', background: '#e8dccb', ink: '#5a3e2b', subject: 'crack' });
  photos.pilling = await drawPhoto(phone.page, { name: 'sheet-pilling', background: '#d9c7b0', ink: '#f4efe8', subject: 'pilling' });
  photos.tracking = await drawPhoto(phone.page, { name: 'tracking', background: '#ffffff', ink: '#333333', subject: 'tracking' });
});

afterAll(async () => {
  await phone?.close();
  await host?.close();
  for (const file of Object.values(photos)) if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

describe('newcomer journeys', () => {
  it('1. 仅退款 with two photos: the shop approves, the refund settles, the buyer sees 已退款 (and cannot report it missing before 48 h)', async () => {
    const { page } = phone;
    let caseId = '';

    await step(phone, 'journey-1-apply', async () => {
      await signInAs(page, host.url, '张伟');
      caseId = await applyThroughUi(page, {
        orderId: 'OD1001',
        line: '新疆长绒棉四件套 1.8m床 奶咖色',
        reason: '质量问题',
        description: '四件套洗了一次就严重起球，床单还有一处开线，照片里能看清',
        photos: [photos.pilling, photos.crack],
        shot: 'journey-1-apply',
      });
      await top(page).locator('.gallery__cell').nth(1).waitFor();
      await top(page).getByText(/商家未处理将自动同意/).waitFor();
      await screenshot(page, 'journey-1-case-pending');
    });

    await step(phone, 'journey-1-merchant-approves', async () => {
      await signInAs(page, host.url, '王芳');
      await open(page, host.url, '/merchant/pages/panel/index', '待审核');
      await top(page).locator(`[data-case-id="${caseId}"]`).click();
      await top(page).getByText('四件套洗了一次就严重起球，床单还有一处开线，照片里能看清').waitFor();
      await reviewAction(
        page,
        '同意退款',
        '确认同意',
        (sheet) => sheet.locator('textarea').fill('照片里起球和开线都很明显，已同意退款，给您添麻烦了'),
        'journey-1-approve-sheet',
      );
      await top(page).getByText(/^已同意，退款 ¥272\.16 处理中$|^已同意，¥272\.16 已退款到账$/).waitFor();
      await toastGone(page);
      await screenshot(page, 'journey-1-approved');
    });

    await step(phone, 'journey-1-buyer-refunded', async () => {
      await signInAs(page, host.url, '张伟');
      await buyerSeesStatus(page, caseId, '已退款');
      await top(page).getByText('退款已退回微信零钱，一般20分钟内到账').waitFor();
      await top(page).locator('.talk__text').getByText('照片里起球和开线都很明显，已同意退款，给您添麻烦了').waitFor();
      await top(page).getByText(/^已退回 /).waitFor();
      await screenshot(page, 'journey-1-refunded');
    });

    await step(phone, 'journey-1-r8-too-early', async () => {
      await top(page).locator('.bottom-bar').getByText('退款未到账').click();
      // A 零钱 refund: where it went and when it arrives, never 「退出」 nor the bank (issue 17).
      await modal(page).getByText(/^退款已于.+退回微信零钱$/).waitFor();
      await modal(page).getByText(/^一般20分钟内到账，.+后仍未到账，可再点「退款未到账」提交工单查询（退款单号.+-1）$/).waitFor();
      await screenshot(page, 'journey-1-r8-too-early');
      await modal(page).getByText('知道了').click();
      const c = await api<AfterSaleCase>('get', { caseId }, 'oBuyerZhangWei');
      expect(c.status).toBe('REFUNDED');
      expect(c.history.map((h) => h.action)).not.toContain('REPORT_NOT_RECEIVED');
    });
  });

  it('2. nobody answers for 48 h: the timer approves, the refund settles, and after 48 more hours a missing refund opens a ticket', async () => {
    const { page } = phone;
    // The host clock moves for everyone on a host, so this journey has a host of its own.
    const clockHost = await startTestHost();
    const base = host;
    host = clockHost;
    try {
      let caseId = '';
      await step(phone, 'journey-2-apply', async () => {
        await signInAs(page, host.url, '刘洋');
        caseId = await applyThroughUi(page, {
          orderId: 'OD1010',
          reason: '质量问题',
          description: '台灯用了一周调光旋钮就失灵了，只能开最亮一档',
          photos: [photos.crack],
          shot: 'journey-2-apply',
        });
        await top(page).getByText(/还剩/).waitFor();
        await screenshot(page, 'journey-2-case-pending');
      });

      await step(phone, 'journey-2-timer-approves', async () => {
        const applied = await api<AfterSaleCase>('get', { caseId }, 'oBuyerLiuYang');
        expect(applied.deadlineAt).toBe(applied.createdAt + 48 * HOUR);
        await hostPost(host.url, '/__dev/clock', { now: (applied.deadlineAt as number) + 60_000 });
        await hostPost(host.url, '/__dev/run/autoApprove');
        await buyerSeesStatus(page, caseId, '已退款');
        await top(page).getByText('超时自动同意').waitFor();
        await screenshot(page, 'journey-2-auto-approved');
        const after = await api<AfterSaleCase>('get', { caseId }, 'oBuyerLiuYang');
        expect(after.history.find((h) => h.action === 'AUTO_APPROVE')?.actor).toBe('SYSTEM');
      });

      await step(phone, 'journey-2-r8-ticket', async () => {
        const refunded = await api<AfterSaleCase>('get', { caseId }, 'oBuyerLiuYang');
        const paid = refunded.refunds.find((r) => r.status === 'SUCCESS');
        expect(paid?.settledAt).toBeDefined();
        await hostPost(host.url, '/__dev/clock', { now: (paid?.settledAt as number) + 48 * HOUR + 60_000 });
        await buyerSeesStatus(page, caseId, '已退款');
        await top(page).locator('.bottom-bar').getByText('退款未到账').click();
        await top(page).getByText(`买家反馈退款未到账，已提交工单查询交易流水号，退款单号：${paid?.outRefundNo}`).waitFor();
        await toastGone(page);
        await screenshot(page, 'journey-2-r8-ticket');
      });
    } finally {
      host = base;
      await clockHost.close();
    }
  });

  it('3. 退货退款: approved, shipped back with a tracking number, confirmed as unsealed (R6), a partial offer accepted, refunded', async () => {
    const { page } = phone;
    let caseId = '';

    await step(phone, 'journey-3-apply', async () => {
      await signInAs(page, host.url, '张伟');
      caseId = await applyThroughUi(page, {
        // Its own order: refunds of one order are spaced a minute apart (R31), and journey 1 just refunded OD1001.
        orderId: 'OD1015',
        type: '退货退款',
        reason: '不想要了',
        description: '香薰蜡烛味道太浓，不想要了，想退货',
        photos: [],
        shot: 'journey-3-apply',
      });
    });

    await step(phone, 'journey-3-merchant-approves-return', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      await reviewAction(page, '同意退货', '确认同意', async () => undefined, 'journey-3-approve-sheet');
      await top(page).getByText('已同意，等待买家退货').waitFor();
    });

    await step(phone, 'journey-3-buyer-ships', async () => {
      await signInAs(page, host.url, '张伟');
      await buyerSeesStatus(page, caseId, '待买家退货');
      await top(page).getByText('浙江省杭州市余杭区文一西路998号 海创园5号楼2层').waitFor();
      await top(page).getByRole('radio', { name: '中通快递' }).click();
      await top(page).getByRole('textbox', { name: '请填写完整单号' }).fill('75318264930127');
      await screenshot(page, 'journey-3-ship-form');
      await top(page).locator('.bottom-bar').getByText('提交退货物流').click();
      await top(page).locator('.case-head__title').getByText('待商家收货').waitFor();
      await top(page).getByText('75318264930127').waitFor();
      await toastGone(page);
      await screenshot(page, 'journey-3-shipped');
    });

    await step(phone, 'journey-3-merchant-confirms-unsealed', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      await top(page).getByText(/中通快递/).first().waitFor();
      await top(page).locator('.bottom-bar').getByText('确认收货', { exact: true }).click();
      await sheetOpen(page, '确认收货并退款');
      await openSheet(page).locator('.m-act__check-text').getByText('已拆封影响二次销售').click();
      await openSheet(page).getByText('确认后进入协商，暂不退款。').waitFor();
      await screenshot(page, 'journey-3-confirm-unsealed-sheet');
      await openSheet(page).getByText('确认收货并协商', { exact: true }).click();
      await top(page).getByText('已确认收货：商品已拆封').waitFor();
      await top(page).getByText('商品已拆封，影响二次销售，暂不能全额退款').first().waitFor();
      await top(page).getByText('怎么办：提供未经使用证明，或协商折价退款').first().waitFor();
      await toastGone(page);
      await screenshot(page, 'journey-3-unsealed');
    });

    await step(phone, 'journey-3-merchant-offers', async () => {
      await reviewAction(
        page,
        '修改协商金额',
        '发给买家',
        async (sheet) => {
          await sheet.locator('input').first().fill('150');
          await sheet.locator('textarea').fill('蜡烛外包装已拆、塑封已撕，影响二次销售，协商按150元退款');
        },
        'journey-3-offer-sheet',
      );
      await top(page).getByText('已向买家提出协商退款 ¥150.00').waitFor();
    });

    await step(phone, 'journey-3-buyer-accepts', async () => {
      await signInAs(page, host.url, '张伟');
      await buyerSeesStatus(page, caseId, '协商中');
      await top(page).getByText('商家反馈商品已拆封，请补充未使用证明或与商家协商').waitFor();
      await top(page).getByText('商家说明：蜡烛外包装已拆、塑封已撕，影响二次销售，协商按150元退款').waitFor();
      await top(page).getByText('怎么办：提供未经使用证明，或协商折价退款').waitFor();
      await screenshot(page, 'journey-3-offer');
      await top(page).locator('.bottom-bar').getByText('同意协商').click();
      await modal(page).getByText('同意协商金额？').waitFor();
      await modal(page).getByText('确定', { exact: true }).click();
      await buyerSeesStatus(page, caseId, '已退款');
      await screenshot(page, 'journey-3-refunded');
      const c = await api<AfterSaleCase>('get', { caseId }, 'oBuyerZhangWei');
      expect(c.approvedFen).toBe(15_000);
      // OD1015's gateway delivers the refund callback twice: still one refund, paid once.
      expect(c.refunds.map((r) => [r.status, r.amountFen])).toEqual([['SUCCESS', 15_000]]);
    });
  });

  it('4. rejected, escalated by the buyer, decided by the platform before its deadline', async () => {
    const { page } = phone;
    let caseId = '';

    await step(phone, 'journey-4-apply', async () => {
      await signInAs(page, host.url, '刘洋');
      caseId = await applyThroughUi(page, {
        orderId: 'OD1010',
        reason: '质量问题',
        description: '台灯用了一周调光旋钮就失灵了，只能开最亮一档',
        photos: [photos.crack],
        shot: 'journey-4-apply',
      });
    });

    await step(phone, 'journey-4-merchant-rejects', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      await reviewAction(
        page,
        '拒绝',
        '确认拒绝',
        async (sheet) => {
          await sheet.getByText('非商家责任').click();
          await sheet.locator('textarea').fill('经检测旋钮无故障，属于使用不当，请提供故障视频后再申请');
        },
        'journey-4-reject-sheet',
      );
      await top(page).getByText('已拒绝该申请').waitFor();
    });

    await step(phone, 'journey-4-buyer-escalates', async () => {
      await signInAs(page, host.url, '刘洋');
      await buyerSeesStatus(page, caseId, '商家已拒绝');
      await top(page).getByText('非商家责任：经检测旋钮无故障，属于使用不当，请提供故障视频后再申请').waitFor();
      await top(page).getByText(/内可申请平台介入/).waitFor();
      await top(page).locator('textarea[placeholder*="不认同商家的处理"]').fill('旋钮确实坏了，照片和视频都可以提供，不是使用不当');
      await screenshot(page, 'journey-4-rejected');
      await top(page).locator('.bottom-bar').getByText('申请平台介入').click();
      await top(page).locator('.case-head__title').getByText('平台介入中').waitFor();
      await top(page).getByText(/内平台给出处理方案/).waitFor();
      await toastGone(page);
      await screenshot(page, 'journey-4-escalated');
    });

    await step(phone, 'journey-4-platform-decides', async () => {
      const escalated = await api<AfterSaleCase>('get', { caseId }, 'oBuyerLiuYang');
      const dueAt = escalated.deadlineAt as number;
      const escalatedAt = escalated.history.find((h) => h.action === 'ESCALATE')?.at as number;
      // Three business days: at least three calendar days, at most five when a weekend falls inside.
      expect(dueAt - escalatedAt).toBeGreaterThanOrEqual(3 * DAY);
      expect(dueAt - escalatedAt).toBeLessThanOrEqual(5 * DAY);

      await signInAs(page, host.url, '赵敏');
      await open(page, host.url, '/merchant/pages/platform/index', /待平台处理/);
      await top(page).locator(`[data-case-id="${caseId}"]`).waitFor();
      await top(page).locator(`[data-case-id="${caseId}"]`).getByText(/内平台需出具处理方案/).waitFor();
      await screenshot(page, 'journey-4-platform-queue');
      await top(page).locator(`[data-case-id="${caseId}"]`).click();
      await top(page).locator('.bottom-bar').getByText('判定退款').waitFor();
      await reviewAction(
        page,
        '判定退款',
        '确认退款',
        (sheet) => sheet.locator('textarea').fill('台灯使用一周即出现调光故障，属于质量问题，商家拒绝理由不成立'),
        'journey-4-decide-sheet',
      );
      await top(page).getByText(/^已裁定同意退款/).waitFor();
      const decided = await api<AfterSaleCase>('platform.get', { caseId }, PLATFORM);
      const decision = decided.history.find((h) => h.action === 'PLATFORM_APPROVE');
      expect(decision?.at).toBeLessThan(dueAt);
      expect(decided.overturned).toBe(true);
    });

    await step(phone, 'journey-4-buyer-sees-decision', async () => {
      await signInAs(page, host.url, '刘洋');
      await buyerSeesStatus(page, caseId, '已退款');
      await top(page).getByText('平台判定退款').waitFor();
      await screenshot(page, 'journey-4-refunded');
    });
  });

  describe('6. 换货 (SPEC §5)', () => {
    /** The buyer's 换货 through the apply screen: the type, the size wanted, a reason, and submit. */
    async function applyExchange(page: Page, orderId: string, wanted: string, shot: string): Promise<string> {
      await open(page, host.url, `/pages/order/index?id=${orderId}`, '售后政策');
      await top(page).locator('.bottom-bar').getByText('申请售后').click();
      await top(page).getByText('售后类型').waitFor();
      await top(page).getByRole('radio').filter({ hasText: '换货' }).click();
      await top(page).getByRole('radio', { name: '质量问题' }).click();
      await top(page).locator('textarea').first().fill('碗沿有一处磕破，想换一套完好的');
      await top(page).getByRole('textbox', { name: '想换的尺码或颜色' }).fill(wanted);
      await screenshot(page, shot);
      await top(page).locator('.bottom-bar').getByText('提交申请').click();
      await top(page).getByText('待商家处理').first().waitFor({ timeout: 30_000 });
      return caseIdIn(page.url());
    }

    it('apply 换货 → the shop agrees → shipped back → received → replacement sent → the buyer confirms → 已换货', async () => {
      const { page } = phone;
      let caseId = '';
      await step(phone, 'journey-6-exchange-apply', async () => {
        await signInAs(page, host.url, '王磊');
        caseId = await applyExchange(page, 'OD1013', '换一套同款青花色', 'journey-6-exchange-apply');
        await top(page).getByText('换成：换一套同款青花色').waitFor();
      });
      await step(phone, 'journey-6-exchange-approve', async () => {
        await signInAs(page, host.url, '王芳');
        await openReview(page, caseId);
        await reviewAction(page, '同意换货', '确认同意', async () => undefined, 'journey-6-exchange-approve-sheet');
        await top(page).locator('.bottom-bar').getByText('同意换货', { exact: true }).waitFor({ state: 'detached' });
      });
      await step(phone, 'journey-6-exchange-ship-back', async () => {
        await signInAs(page, host.url, '王磊');
        await buyerSeesStatus(page, caseId, '待买家退货');
        await top(page).getByRole('radio', { name: '中通快递' }).click();
        await top(page).getByRole('textbox', { name: '请填写完整单号' }).fill('75318264930999');
        await top(page).locator('.bottom-bar').getByText('提交退货物流').click();
        await top(page).locator('.case-head__title').getByText('待商家收货').waitFor();
        await screenshot(page, 'journey-6-exchange-shipped-back');
      });
      await step(phone, 'journey-6-exchange-reship', async () => {
        await signInAs(page, host.url, '王芳');
        await openReview(page, caseId);
        await reviewAction(page, '确认收货', '确认收货', async () => undefined, 'journey-6-exchange-receive-sheet');
        await top(page).locator('.bottom-bar').getByText('发出换货', { exact: true }).waitFor();
        await reviewAction(
          page,
          '发出换货',
          '确认发出',
          async (sheet) => {
            await sheet.getByRole('textbox', { name: '例如：顺丰速运' }).fill('顺丰速运');
            await sheet.getByRole('textbox', { name: '请填写完整单号' }).fill('SF1402839479999');
          },
          'journey-6-exchange-reship-sheet',
        );
        await top(page).locator('.bottom-bar').getByText('发出换货', { exact: true }).waitFor({ state: 'detached' });
      });
      await step(phone, 'journey-6-exchange-confirm', async () => {
        await signInAs(page, host.url, '王磊');
        await buyerSeesStatus(page, caseId, '换货已发出');
        await top(page).getByText('SF1402839479999').first().waitFor();
        await top(page).locator('.bottom-bar').getByText('确认收货', { exact: true }).click();
        await modal(page).getByText('确定', { exact: true }).click();
        await top(page).locator('.case-head__title').getByText('已换货').waitFor();
        await screenshot(page, 'journey-6-exchanged');
        const c = await api<AfterSaleCase>('get', { caseId }, 'oBuyerWangLei');
        expect([c.status, c.refunds.length, c.approvedFen ?? 0]).toEqual(['EXCHANGED', 0, 0]);
      });
    });

    it('the shop is out of stock: 无货转退款, and the buyer is refunded what the units were paid', async () => {
      const { page } = phone;
      const wanted = { orderId: 'OD1014', type: 'EXCHANGE', reason: 'QUALITY', items: [{ skuId: 'SKU-TOOTHBRUSH', qty: 1 }] };
      const c = await api<AfterSaleCase>(
        'apply',
        { ...wanted, amountFen: 0, description: '刷头松动，想换一支新的', evidence: [], exchangeNote: '换一支同款白色', idempotencyKey: 'e2e-exchange-oos' },
        'oBuyerLiuYang',
      );
      await api('merchant.approve', { caseId: c._id }, 'oMerchantOwnerHaowu');
      await api('shipReturn', { caseId: c._id, company: '中通快递', trackingNo: '75318264931000' }, 'oBuyerLiuYang');
      await api('merchant.confirmReturn', { caseId: c._id }, 'oMerchantOwnerHaowu');
      await step(phone, 'journey-6-exchange-out-of-stock', async () => {
        await signInAs(page, host.url, '王芳');
        await openReview(page, c._id);
        await reviewAction(page, '无货转退款', '确认转为退款', (sheet) => sheet.locator('textarea').fill('白色已售罄，暂无补货'), 'journey-6-out-of-stock-sheet');
        await top(page).locator('.bottom-bar').getByText('无货转退款', { exact: true }).waitFor({ state: 'detached' });
      });
      await step(phone, 'journey-6-exchange-refunded', async () => {
        await signInAs(page, host.url, '刘洋');
        await buyerSeesStatus(page, c._id, '已退款', 30_000);
        await screenshot(page, 'journey-6-exchange-refunded');
        const after = await api<AfterSaleCase>('get', { caseId: c._id }, 'oBuyerLiuYang');
        expect(after.refunds.filter((r) => r.status === 'SUCCESS')).toHaveLength(1);
        expect(after.approvedFen).toBeGreaterThan(0);
      });
    });
  });

  describe('5. failure reasons, each with its message and what to do', () => {
    it('R2 window expired: the order says why it cannot apply, 16 days after delivery', async () => {
      const { page } = phone;
      await step(phone, 'journey-5-r2-window', async () => {
        await signInAs(page, host.url, '王磊');
        await open(page, host.url, '/pages/order/index?id=OD1007', '售后政策');
        await top(page).getByText('暂不能申请售后：已超过签收后15天的售后时限').waitFor();
        await top(page).getByText('怎么办：普通商品7天无理由需在签收后15天内申请；如有质量问题请联系商家客服协商').waitFor();
        await screenshot(page, 'journey-5-r2-window');
      });
    });

    it('R9 logistics evidence missing and R11 amount over the most refundable, shown before submitting; a tracking screenshot clears R9', async () => {
      const { page } = phone;
      await step(phone, 'journey-5-r9-logistics', async () => {
        await signInAs(page, host.url, '张伟');
        await open(page, host.url, '/pages/order/index?id=OD1003', '售后政策');
        await top(page).locator('.bottom-bar').getByText('申请售后').click();
        await top(page).getByText('售后类型').waitFor();
        await top(page).locator('textarea').first().fill('快递外箱压扁了，杯子盖子摔裂');
        await top(page).getByRole('radio', { name: '快递问题' }).click();
        await top(page).getByText('订单没有物流追踪记录，快递问题需上传物流凭证').waitFor();
        await top(page).getByText('怎么办：提供完整的物流追踪记录作为退款凭证（如物流截图），上传时标记为“物流”').scrollIntoViewIfNeeded();
        await screenshot(page, 'journey-5-r9-logistics');
        await attachPhoto(page, photos.tracking, 0);
        await top(page).locator('.uploader__mask').first().waitFor({ state: 'detached', timeout: 30_000 });
        await top(page).locator('.uploader__tag').getByText('物流截图').waitFor();
        await expect(top(page).getByText('订单没有物流追踪记录，快递问题需上传物流凭证').count()).resolves.toBe(0);
      });
      await step(phone, 'journey-5-r11-amount', async () => {
        await top(page).locator('.amount-row__input input').fill('100');
        await top(page).getByText('退款金额：最多可退 ¥89.00，请调低金额').waitFor();
        await screenshot(page, 'journey-5-r11-amount');
        await top(page).locator('.bottom-bar').getByText('提交申请').click();
        await page.getByText('退款金额：最多可退 ¥89.00，请调低金额').last().waitFor();
        const order = await api<{ cases: AfterSaleCase[] }>('order.get', { orderId: 'OD1003' }, 'oBuyerZhangWei');
        expect(order.cases).toEqual([]);
      });
    });

    it('R4 credit card refused: the buyer is told why, the shop retries to a designated account and is told to transfer it itself', async () => {
      const { page } = phone;
      let caseId = '';
      await step(phone, 'journey-5-r4-apply', async () => {
        await signInAs(page, host.url, '王磊');
        caseId = await applyThroughUi(page, {
          orderId: 'OD1006',
          reason: '质量问题',
          description: '吹风机用了三天就有焦糊味，出风忽冷忽热',
          photos: [photos.crack],
          shot: 'journey-5-r4-apply',
        });
      });
      await step(phone, 'journey-5-r4-refused', async () => {
        await signInAs(page, host.url, '王芳');
        await openReview(page, caseId);
        await reviewAction(page, '同意退款', '确认同意', async () => undefined, 'journey-5-r4-approve-sheet');
        await top(page).getByText('已同意，但退款未能发起').waitFor();
        await top(page).locator('.review__error').getByText('信用卡支付的订单需发卡行确认，暂不能原路退款').waitFor();
        await top(page).locator('.review__error').getByText(/商家可与买家协商改为指定账户退款$/).waitFor();
        await toastGone(page);
        await screenshot(page, 'journey-5-r4-merchant');
        await signInAs(page, host.url, '王磊');
        await buyerSeesStatus(page, caseId, '退款失败');
        await top(page).locator('.alert__title').getByText('信用卡支付的订单需发卡行确认，暂不能原路退款').waitFor();
        // What it means for the buyer, not the shop's instructions (issue 17).
        await top(page).getByText(/商家会联系您，协商把钱退到您指定的账户/).waitFor();
        await top(page).locator('.case-page__alert-action').getByText('联系商家').waitFor();
        await screenshot(page, 'journey-5-r4-buyer');
      });
      await step(phone, 'journey-5-r4-designated-account', async () => {
        await signInAs(page, host.url, '王芳');
        await openReview(page, caseId);
        await reviewAction(
          page,
          '重新退款',
          '重新发起退款',
          (sheet) => sheet.locator('input').last().fill('6222 0210 0123 4567 890'),
          'journey-5-r4-retry-sheet',
        );
        // Neither of WeChat's refund APIs pays a designated account: 好物小铺 refunds through its own WeChat Pay
        // merchant account (API v3) and 海淘精选 through cloudPay, both along the original payment only (SPEC §7,
        // src/server/adapters/wechatpay/gateway.ts). The shop is told to transfer to the account itself and
        // keep the certificate; no money moves through the API, on either backend.
        await top(page).getByText(/指定账户/).first().waitFor();
        await screenshot(page, 'journey-5-r4-transfer');
        const c = await api<AfterSaleCase>('get', { caseId }, 'oBuyerWangLei');
        expect([c.status, c.lastError?.code]).toEqual(['REFUND_FAILED', 'REFUND_ABNORMAL']);
        expect(c.refunds.filter((r) => r.status === 'SUCCESS')).toHaveLength(0);
      });
    });

    it('R5 merchant account not verified: approval stands, no money moves, the shop sees the banner and the fix', async () => {
      const { page } = phone;
      let caseId = '';
      await step(phone, 'journey-5-r5-apply', async () => {
        await signInAs(page, host.url, '李娜');
        caseId = await applyThroughUi(page, {
          orderId: 'OD1005',
          line: '日本进口 保湿面霜 50g（国内售后）',
          reason: '质量问题',
          description: '面霜打开后有明显酸味，质地分层',
          photos: [photos.crack],
          shot: 'journey-5-r5-apply',
        });
      });
      await step(phone, 'journey-5-r5-banner', async () => {
        await signInAs(page, host.url, '陈静');
        await openReview(page, caseId);
        await top(page).getByText('商户号未完成实名认证，同意后的退款暂时无法打款').waitFor();
        await reviewAction(page, '同意退款', '确认同意', async () => undefined, 'journey-5-r5-approve-sheet');
        await top(page).getByText('已同意，但退款未能发起').waitFor();
        await top(page).locator('.review__error').getByText('商家账户异常，退款暂未打款').waitFor();
        await top(page).locator('.review__error').getByText(/立即补全企业资质，完成微信支付商户号实名认证/).waitFor();
        await toastGone(page);
        await screenshot(page, 'journey-5-r5-merchant');
        await signInAs(page, host.url, '李娜');
        await buyerSeesStatus(page, caseId, '退款失败');
        // The buyer is told what it means for her and what she can do, not the shop's fix (issue 17).
        await top(page).locator('.alert__title').getByText('商家收款账户待完善，退款暂未打出').waitFor();
        await top(page).locator('.case-page__alert-action').getByText('联系商家').waitFor();
        expect(await top(page).getByText(/企业资质/).count()).toBe(0);
        await screenshot(page, 'journey-5-r5-buyer');
        const c = await api<AfterSaleCase>('get', { caseId }, 'oBuyerLiNa');
        expect(c.refunds).toEqual([]);
      });
    });

    it('R7 risk control: a buyer with 3 cases in 30 days is told to appeal before filling anything in', async () => {
      const { page } = phone;
      const buyer = 'oBuyerFrequent';
      const now = await hostNow();
      const orders = [1, 2, 3, 4].map((n) => ({
        _id: `OD-E2E-RISK-${n}`,
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
      await hostPost(host.url, '/__dev/seed', { orders });
      for (const n of [1, 2, 3]) {
        await api(
          'apply',
          {
            orderId: `OD-E2E-RISK-${n}`,
            type: 'REFUND_ONLY',
            reason: 'QUALITY',
            items: [{ skuId: `SKU-SOCKS-${n}`, qty: 1 }],
            amountFen: 3_900,
            description: '袜子有破洞',
            evidence: [],
            idempotencyKey: `e2e-risk-${n}`,
          },
          buyer,
        );
      }
      await step(phone, 'journey-5-r7-risk', async () => {
        await signInAs(page, host.url, buyer);
        await open(page, host.url, '/pages/order/index?id=OD-E2E-RISK-4', '售后政策');
        await top(page).getByText('暂不能申请售后：您近30天已申请3次售后，已触发风控').waitFor();
        await top(page).getByText('怎么办：联系微信支付客服提交申诉材料（如订单截图、商品问题照片）解除限制，解除后可重新申请').waitFor();
        await screenshot(page, 'journey-5-r7-risk');
      });
    });

    it('R3 yearly cap: a shop at ¥500,000 of refunds this year is refused by the cloud, and the buyer reads why', async () => {
      const { page } = phone;
      const buyer = 'oBuyerWholesale';
      const now = await hostNow();
      const order = (id: string, sku: string, title: string, fen: number) => ({
        _id: id,
        shopId: 'shop_e2e_wholesale',
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
      await hostPost(host.url, '/__dev/seed', {
        shops: [
          {
            _id: 'shop_e2e_wholesale',
            name: '批发旗舰店',
            verified: true,
            returnAddress: { name: '批发旗舰店售后', phone: '13700001111', address: '广东省广州市白云区太和镇物流园A区' },
          },
        ],
        merchants: [{ openid: 'oMerchantOwnerWholesale', shopId: 'shop_e2e_wholesale', role: 'OWNER', name: '批发店主' }],
        orders: [
          order('OD-E2E-BULK', 'SKU-FREEZER', '商用冷柜 整批采购', 49_990_000),
          order('OD-E2E-KETTLE', 'SKU-KETTLE', '电热水壶 1.7L 304不锈钢', 20_000),
        ],
      });
      const big = await api<AfterSaleCase>(
        'apply',
        {
          orderId: 'OD-E2E-BULK',
          type: 'REFUND_ONLY',
          reason: 'QUALITY',
          items: [{ skuId: 'SKU-FREEZER', qty: 1 }],
          amountFen: 49_990_000,
          description: '整批冷柜不制冷',
          evidence: [],
          idempotencyKey: 'e2e-bulk-1',
        },
        buyer,
      );
      await api('merchant.approve', { caseId: big._id }, 'oMerchantOwnerWholesale');

      await step(phone, 'journey-5-r3-yearly-cap', async () => {
        await signInAs(page, host.url, buyer);
        await open(page, host.url, '/pages/order/index?id=OD-E2E-KETTLE', '售后政策');
        await top(page).locator('.bottom-bar').getByText('申请售后').click();
        await top(page).getByText('售后类型').waitFor();
        await top(page).locator('textarea').first().fill('水壶烧水时底座漏电跳闸');
        await top(page).getByRole('radio', { name: '质量问题' }).click();
        await top(page).locator('.bottom-bar').getByText('提交申请').click();
        await modal(page).getByText('本店今年的退款累计将超过¥500000.00的年度上限').waitFor();
        await modal(page).getByText('单笔退款不超过订单实付金额105%，全年累计不超过50万元；请调整退款金额').waitFor();
        await screenshot(page, 'journey-5-r3-yearly-cap');
        await modal(page).getByText('知道了').click();
        const view = await api<{ cases: AfterSaleCase[] }>('order.get', { orderId: 'OD-E2E-KETTLE' }, buyer);
        expect(view.cases).toEqual([]);
      });
    });
  });

  it('left no DOM errors in the page’s console (issue 17: insertBefore NotFoundError)', () => {
    expect(domErrors(phone)).toEqual([]);
  });
});
