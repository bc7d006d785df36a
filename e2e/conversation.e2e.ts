/**
 * SPEC §6 and issue 17 on the h5 build, buyer and shop taking turns on one 375×812 phone:
 *   1. 协商记录: the buyer sends a message with a photo, the shop replies with one, each sees the other's;
 *      the shop asks for proof (请买家补充凭证), the buyer adds it from the banner, the shop sees it;
 *   2. proof after a rejection: the shop rejects, the buyer adds proof (补充凭证) inside the window, the shop
 *      sees it; then 修改申请 on the rejected case sends it back to the shop, which approves; the progress
 *      bar (仅退款, 4 steps) ends at 微信零钱 with its arrival;
 *   3. 修改申请 on a pending 退货退款 (amount and reason), the shop sees the new application and agrees;
 *      the progress bar (6 steps) follows the return and ends at the bank card with its 1–3 working days.
 * What a journey is not about (applying, the shop confirming receipt of a return) goes through the API.
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
  hostPost,
  launchPhone,
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

const ZHANG = 'oBuyerZhangWei';
const LIU = 'oBuyerLiuYang';
const OWNER = 'oMerchantOwnerHaowu';

let host: TestHost;
let phone: PhoneBrowser;
const photos: Record<'crack' | 'pilling' | 'tracking', string> = { crack: '', pilling: '', tracking: '' };

function api<T>(action: string, body: object, openid: string): Promise<T> {
  return hostPost<T>(host.url, '/api/afterSale', { action, ...body }, openid);
}

async function applyViaApi(openid: string, body: { orderId: string; type: string; reason: string; skuId: string; amountFen: number; description: string; key: string }) {
  return api<AfterSaleCase>(
    'apply',
    {
      orderId: body.orderId,
      type: body.type,
      reason: body.reason,
      items: [{ skuId: body.skuId, qty: 1 }],
      amountFen: body.amountFen,
      description: body.description,
      evidence: [],
      idempotencyKey: body.key,
    },
    openid,
  );
}

/** Opens a case as the buyer, reloading until the status shows (money settles asynchronously). */
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

async function openReview(page: Page, caseId: string) {
  await open(page, host.url, `/merchant/pages/review/index?id=${caseId}`, '订单快照');
}

function openSheet(page: Page) {
  return page.locator('.m-sheet.nut-popup-slide-bottom-enter-done');
}

async function reviewAction(page: Page, button: string, confirm: string, fill: (sheet: Locator) => Promise<unknown>, shot: string) {
  await top(page).locator('.bottom-bar').getByText(button, { exact: true }).click();
  await sheetOpen(page, confirm);
  await fill(openSheet(page));
  await screenshot(page, shot);
  await openSheet(page).getByText(confirm, { exact: true }).click();
}

/** The progress bar as the buyer reads it: each step's label, state and the line under it. */
async function stepBar(page: Page): Promise<{ label: string; state: string; sub: string }[]> {
  return top(page)
    .locator('.steps__item')
    .evaluateAll((items) =>
      items.map((el) => ({
        label: el.querySelector('.steps__label')?.textContent ?? '',
        state: /steps__item--(\w+)/.exec(el.className)?.[1] ?? '',
        sub: el.querySelector('.steps__sub')?.textContent ?? '',
      })),
    );
}

/** Picks a file through a button that opens the photo picker (Taro's chooseMedia is a file input on h5). */
async function choosePhoto(page: Page, button: Locator, file: string) {
  const chooser = page.waitForEvent('filechooser');
  await button.click();
  await (await chooser).setFiles(file);
}

/** Writes in the 协商记录 box, attaches a photo if given, and sends. */
async function sendInConversation(page: Page, text: string, photo?: string) {
  const talk = top(page).locator('.talk');
  await talk.locator('.talk__input textarea, textarea.talk__input').first().fill(text);
  if (photo) {
    await choosePhoto(page, talk.locator('.talk__photo'), photo);
    await talk.locator('.talk__thumb').first().waitFor({ timeout: 30_000 });
    await talk.locator('.talk__photo').getByText('添加照片').waitFor({ timeout: 30_000 });
  }
  await talk.locator('.talk__send').click();
}

/** A conversation row by who sent it and a piece of its text. */
function talkRow(page: Page, text: string) {
  return top(page).locator('.talk__row').filter({ hasText: text });
}

beforeAll(async () => {
  if (!(await chromiumAvailable(10 * 60_000))) throw new Error('/usr/bin/chromium is missing: apt-get install chromium');
  ensureH5Build();
  host = await startTestHost();
  phone = await launchPhone();
  photos.crack = await drawPhoto(phone.page, { name: 'wok-dent', background: '#d6d6d6', ink: '#3a3a3a', subject: 'crack' });
  photos.pilling = await drawPhoto(phone.page, { name: 'wok-spots', background: '#b8b8b8', ink: '#6b4a2b', subject: 'pilling' });
  photos.tracking = await drawPhoto(phone.page, { name: 'tracking', background: '#ffffff', ink: '#333333', subject: 'tracking' });
});

afterAll(async () => {
  await phone?.close();
  await host?.close();
  for (const file of Object.values(photos)) if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

describe('conversation, proof and 修改申请 (SPEC §6)', () => {
  let caseId = '';
  const buyerText = '锅底有一处明显凹陷，放在灶上晃，照片里能看到';
  const shopText = '看到了，请再拍一张锅底侧面的照片，我们核实一下';

  it('1. the buyer sends a message with a photo, the shop replies, each sees the other’s; the shop asks for proof and sees it added', async () => {
    const { page } = phone;

    await step(phone, 'talk-buyer-pending', async () => {
      // The demo's own wok order settles its refund late on purpose; this one settles as WeChat Pay usually does.
      const now = Date.now();
      await hostPost(host.url, '/__dev/seed', {
        orders: [
          {
            _id: 'OD-E2E-WOK',
            shopId: 'shop_haowu',
            buyerOpenid: ZHANG,
            status: 'DELIVERED',
            paidFen: 18_900,
            shippingFen: 0,
            payChannel: 'WECHAT',
            paidAt: now - 4 * 86_400_000,
            shippedAt: now - 3 * 86_400_000,
            deliveredAt: now - 86_400_000,
            items: [{ skuId: 'SKU-WOK', title: '不锈钢无涂层炒锅 32cm', unitFen: 18_900, qty: 1, paidFen: 18_900, kind: 'NORMAL' }],
          },
        ],
      });
      const c = await applyViaApi(ZHANG, {
        orderId: 'OD-E2E-WOK',
        type: 'REFUND_ONLY',
        reason: 'QUALITY',
        skuId: 'SKU-WOK',
        amountFen: 18_900,
        description: '炒锅收到时锅底变形，放不平',
        key: 'e2e-talk-1',
      });
      caseId = c._id;
      await signInAs(page, host.url, '张伟');
      await open(page, host.url, `/pages/case/index?id=${caseId}`, '协商记录');
      // 仅退款: four steps, the shop deciding now, the money's destination waiting at the end.
      expect(await stepBar(page)).toEqual([
        { label: '提交申请', state: 'done', sub: expect.stringMatching(/^\d\d-\d\d \d\d:\d\d$/) },
        { label: '商家处理', state: 'now', sub: '' },
        { label: '退款中', state: 'todo', sub: '' },
        { label: '退款成功', state: 'todo', sub: '约20分钟到账' },
      ]);
      await top(page).locator('.steps__note').getByText('退款将原路退回微信零钱，一般20分钟内到账').waitFor();
      // The shop's auto-reply opens the conversation; nobody has written yet.
      expect(await top(page).locator('.talk__row').count()).toBe(1);
      await top(page).locator('.talk__row--system').waitFor();
      await screenshot(page, 'talk-buyer-pending');
    });

    await step(phone, 'talk-buyer-sends', async () => {
      await sendInConversation(page, buyerText, photos.crack);
      const mine = talkRow(page, buyerText);
      await mine.waitFor();
      expect(await mine.getAttribute('class')).toContain('talk__row--mine');
      await mine.locator('.talk__who').getByText(/^我 · /).waitFor();
      await mine.locator('.gallery__cell').first().waitFor();
      // The box is empty again and holds no photo.
      expect(await top(page).locator('.talk textarea').first().inputValue()).toBe('');
      expect(await top(page).locator('.talk__thumb').count()).toBe(0);
      await toastGone(page);
      await talkRow(page, buyerText).scrollIntoViewIfNeeded();
      await screenshot(page, 'talk-buyer-sent');
    });

    await step(phone, 'talk-merchant-replies', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      const theirs = talkRow(page, buyerText);
      await theirs.waitFor();
      expect(await theirs.getAttribute('class')).not.toContain('talk__row--mine');
      await theirs.locator('.talk__who').getByText(/^买家 · /).waitFor();
      await theirs.locator('.gallery__cell').first().waitFor();
      await sendInConversation(page, shopText, photos.tracking);
      const mine = talkRow(page, shopText);
      await mine.locator('.talk__who').getByText(/^我 · /).waitFor();
      await mine.locator('.gallery__cell').first().waitFor();
      await mine.scrollIntoViewIfNeeded();
      await screenshot(page, 'talk-merchant-replied');
    });

    await step(phone, 'talk-buyer-sees-reply', async () => {
      await signInAs(page, host.url, '张伟');
      await open(page, host.url, `/pages/case/index?id=${caseId}`, '协商记录');
      const theirs = talkRow(page, shopText);
      await theirs.locator('.talk__who').getByText(/^商家 · /).waitFor();
      await theirs.locator('.gallery__cell').first().waitFor();
      expect(await theirs.getAttribute('class')).not.toContain('talk__row--mine');
      // Oldest first, as a chat reads.
      const texts = await top(page).locator('.talk__row .talk__text').allTextContents();
      expect(texts.indexOf(buyerText)).toBeLessThan(texts.indexOf(shopText));
      await theirs.scrollIntoViewIfNeeded();
      await screenshot(page, 'talk-buyer-sees-reply');
    });

    await step(phone, 'proof-merchant-asks', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      await top(page).locator('.review__link').getByText('请买家补充凭证').click();
      await sheetOpen(page, '发送给买家');
      await openSheet(page).locator('textarea').fill('请拍一张锅底凹陷处的侧面近照');
      await screenshot(page, 'proof-merchant-ask-sheet');
      await openSheet(page).getByText('发送给买家', { exact: true }).click();
      await top(page).getByText('已请买家补充凭证', { exact: true }).waitFor();
      await top(page).getByText('已请买家补充凭证，等待买家上传').waitFor();
      const c = await api<AfterSaleCase>('get', { caseId }, ZHANG);
      expect(c.status).toBe('PENDING');
      expect(c.evidenceRequest?.note).toBe('请拍一张锅底凹陷处的侧面近照');
    });

    await step(phone, 'proof-buyer-adds', async () => {
      await signInAs(page, host.url, '张伟');
      await open(page, host.url, `/pages/case/index?id=${caseId}`, '商家请您补充凭证');
      const ask = top(page).locator('.case-page__ask');
      await ask.getByText('请拍一张锅底凹陷处的侧面近照').waitFor();
      await screenshot(page, 'proof-buyer-asked');
      const before = (await api<AfterSaleCase>('get', { caseId }, ZHANG)).evidence.length;
      await choosePhoto(page, ask.getByText('补充凭证', { exact: true }), photos.pilling);
      // Once added, the request is answered: the banner goes and the photo is in 凭证.
      await ask.waitFor({ state: 'detached', timeout: 30_000 });
      const c = await api<AfterSaleCase>('get', { caseId }, ZHANG);
      expect(c.evidence.length).toBe(before + 1);
      expect(c.evidenceRequest).toBeUndefined();
      expect(c.status).toBe('PENDING');
      await toastGone(page);
      await screenshot(page, 'proof-buyer-added');
    });

    await step(phone, 'proof-merchant-sees', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      const buyerPhotos = top(page).locator('.section').filter({ has: page.getByText('买家提供（点击查看大图，视频可播放）') }).locator('.gallery').first().locator('.gallery__cell');
      // The photo sent with the message and the one added on request (waited for: the page shows the case it
      // had while it asks again, and that one had only the first).
      await buyerPhotos.nth(1).getByText('补充凭证').waitFor();
      // The request is answered, and so is the application's 建议补凭证.
      expect(await top(page).getByText('已请买家补充凭证，等待买家上传').count()).toBe(0);
      await top(page).locator('.review__badges').getByText('买家已补凭证').waitFor();
      expect(await top(page).locator('.review__badges').getByText('建议补凭证').count()).toBe(0);
      await buyerPhotos.first().scrollIntoViewIfNeeded();
      await screenshot(page, 'proof-merchant-sees');
    });
  });

  it('2. rejected: the buyer adds proof and the shop sees it; 修改申请 sends it back; approved; the bar ends at 微信零钱', async () => {
    const { page } = phone;

    await step(phone, 'reject-merchant-rejects', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      await reviewAction(
        page,
        '拒绝',
        '确认拒绝',
        async (sheet) => {
          await sheet.getByText('凭证不足').click();
          await sheet.locator('textarea').fill('照片看不出凹陷，请补充锅底放在平面上的照片');
        },
        'reject-sheet',
      );
      await top(page).getByText('已拒绝该申请').waitFor();
    });

    await step(phone, 'reject-buyer-adds-proof', async () => {
      await signInAs(page, host.url, '张伟');
      await buyerSeesStatus(page, caseId, '商家已拒绝');
      expect((await stepBar(page)).map((s) => [s.label, s.state])).toEqual([
        ['提交申请', 'done'],
        ['商家拒绝', 'fail'],
        ['退款中', 'todo'],
        ['退款成功', 'todo'],
      ]);
      await top(page).locator('.steps__item--fail').getByText('可补充凭证、修改申请或申请平台介入').waitFor();
      const reasons = top(page).locator('.section').filter({ has: page.locator('.section__title', { hasText: '拒绝原因' }) });
      await reasons.getByText('凭证不足：照片看不出凹陷，请补充锅底放在平面上的照片').waitFor();
      await screenshot(page, 'reject-buyer-rejected');
      const before = (await api<AfterSaleCase>('get', { caseId }, ZHANG)).evidence.length;
      await choosePhoto(page, reasons.getByText('补充凭证', { exact: true }), photos.tracking);
      await page.locator('.taro__toast').getByText('凭证已补充').waitFor({ timeout: 30_000 });
      const c = await api<AfterSaleCase>('get', { caseId }, ZHANG);
      expect(c.evidence.length).toBe(before + 1);
      expect(c.evidence[c.evidence.length - 1].tag).toBe('proof');
      expect(c.status).toBe('REJECTED');
      await toastGone(page);
    });

    await step(phone, 'reject-merchant-sees-proof', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      const buyerPhotos = top(page).locator('.section').filter({ has: page.getByText('买家提供（点击查看大图，视频可播放）') }).locator('.gallery').first().locator('.gallery__cell');
      // What the buyer added after the rejection, named as such.
      await buyerPhotos.nth(2).getByText('补充凭证').waitFor();
      await buyerPhotos.first().scrollIntoViewIfNeeded();
      await screenshot(page, 'reject-merchant-sees-proof');
    });

    await step(phone, 'reject-buyer-modifies', async () => {
      await signInAs(page, host.url, '张伟');
      await buyerSeesStatus(page, caseId, '商家已拒绝');
      await top(page).locator('.bottom-bar').getByText('修改申请').click();
      const form = top(page).locator('#case-modify');
      await form.waitFor();
      await top(page).getByText('还可修改3次').waitFor();
      await form.locator('textarea').fill('锅底凹陷约3毫米，平放时一侧翘起，已补充平放的照片');
      await form.locator('input').first().fill('150');
      await screenshot(page, 'reject-modify-form');
      await form.getByText('提交修改').click();
      await top(page).locator('.case-head__title').getByText('待商家处理').waitFor();
      await top(page).getByText(/商家未处理将自动同意/).waitFor();
      const c = await api<AfterSaleCase>('get', { caseId }, ZHANG);
      expect(c.amountFen).toBe(15_000);
      expect(c.history[c.history.length - 1]).toMatchObject({ action: 'MODIFY', actor: 'BUYER' });
      expect(c.history[c.history.length - 1].data?.changed).toEqual(expect.arrayContaining(['amountFen', 'description']));
      await toastGone(page);
      await screenshot(page, 'reject-modified');
    });

    await step(phone, 'reject-merchant-approves', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, caseId);
      await top(page).locator('.review__amount').getByText('¥150.00').waitFor();
      await reviewAction(page, '同意退款', '确认同意', async () => undefined, 'reject-approve-sheet');
      await top(page).getByText(/^已同意，退款 ¥150\.00 处理中$|^已同意，¥150\.00 已退款到账$/).waitFor();
    });

    await step(phone, 'progress-wechat-refunded', async () => {
      await signInAs(page, host.url, '张伟');
      await buyerSeesStatus(page, caseId, '已退款');
      await top(page).getByText('退款已退回微信零钱，一般20分钟内到账').waitFor();
      const bar = await stepBar(page);
      expect(bar.map((s) => [s.label, s.state])).toEqual([
        ['提交申请', 'done'],
        ['商家处理', 'done'],
        ['退款中', 'done'],
        ['退款成功', 'done'],
      ]);
      expect(bar[2].sub).toBe('退回微信零钱');
      expect(bar[3].sub).toMatch(/^\d\d-\d\d \d\d:\d\d$/);
      expect(await top(page).locator('.steps__note').count()).toBe(0);
      await screenshot(page, 'progress-wechat-refunded');
    });
  });

  it('3. 修改申请 on a pending 退货退款 (amount and reason); the shop agrees; the bar follows the return to the bank card', async () => {
    const { page } = phone;
    let returnId = '';

    await step(phone, 'modify-pending', async () => {
      const c = await applyViaApi(LIU, {
        orderId: 'OD1010',
        type: 'RETURN_REFUND',
        reason: 'OTHER',
        skuId: 'SKU-LAMP',
        amountFen: 15_900,
        description: '台灯不太好用，想退',
        key: 'e2e-modify-1',
      });
      returnId = c._id;
      await signInAs(page, host.url, '刘洋');
      await open(page, host.url, `/pages/case/index?id=${returnId}`, '协商记录');
      expect((await stepBar(page)).map((s) => [s.label, s.state])).toEqual([
        ['提交申请', 'done'],
        ['商家处理', 'now'],
        ['寄回商品', 'todo'],
        ['商家收货', 'todo'],
        ['退款中', 'todo'],
        ['退款成功', 'todo'],
      ]);
      await top(page).locator('.steps__item').last().getByText('1-3个工作日').waitFor();
      await top(page).locator('.steps__note').getByText('退款将原路退回原支付银行卡，一般1-3个工作日到账，以银行入账为准').waitFor();
      await screenshot(page, 'modify-pending-return');
      await top(page).locator('.bottom-bar').getByText('修改申请').click();
      const form = top(page).locator('#case-modify');
      await form.waitFor();
      await form.getByText('质量问题', { exact: true }).click();
      await form.locator('input').first().fill('120');
      await form.locator('textarea').fill('台灯用了三天调光旋钮就失灵了，只能开最亮一档');
      await screenshot(page, 'modify-pending-form');
      await form.getByText('提交修改').click();
      await form.waitFor({ state: 'detached' });
      await top(page).locator('.kv').filter({ hasText: '原因' }).getByText('质量问题').waitFor();
      await top(page).locator('.kv').filter({ hasText: '申请金额' }).getByText('¥120.00').waitFor();
      const after = await api<AfterSaleCase>('get', { caseId: returnId }, LIU);
      expect(after).toMatchObject({ status: 'PENDING', reason: 'QUALITY', amountFen: 12_000 });
      expect(after.history[after.history.length - 1].data?.changed).toEqual(expect.arrayContaining(['reason', 'amountFen', 'description']));
      await toastGone(page);
      await screenshot(page, 'modify-pending-done');
    });

    await step(phone, 'modify-merchant-agrees', async () => {
      await signInAs(page, host.url, '王芳');
      await openReview(page, returnId);
      await top(page).locator('.review__amount').getByText('¥120.00').waitFor();
      await top(page).locator('.review__kind').getByText('退货退款 · 质量问题').waitFor();
      await reviewAction(page, '同意退货', '确认同意', async () => undefined, 'modify-approve-sheet');
      await top(page).getByText(/已同意/).first().waitFor();
    });

    await step(phone, 'progress-return', async () => {
      await signInAs(page, host.url, '刘洋');
      await buyerSeesStatus(page, returnId, '待买家退货');
      expect((await stepBar(page)).map((s) => s.state)).toEqual(['done', 'done', 'now', 'todo', 'todo', 'todo']);
      await top(page).getByRole('radio', { name: '中通快递' }).click();
      await top(page).getByRole('textbox', { name: '请填写完整单号' }).fill('ZT78451236980');
      await top(page).locator('.bottom-bar').getByText('提交退货物流').click();
      await top(page).locator('.case-head__title').getByText('待商家收货').waitFor();
      expect((await stepBar(page)).map((s) => s.state)).toEqual(['done', 'done', 'done', 'now', 'todo', 'todo']);
      await toastGone(page);
      await screenshot(page, 'progress-return-shipped');
    });

    await step(phone, 'progress-bank-refunded', async () => {
      await api('merchant.confirmReturn', { caseId: returnId, unsealed: false }, OWNER);
      await buyerSeesStatus(page, returnId, '已退款');
      await top(page).getByText('退款已退回原支付银行卡，一般1-3个工作日到账，以银行入账为准').waitFor();
      const bar = await stepBar(page);
      expect(bar.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
      expect(bar[4].sub).toBe('退回银行卡');
      expect(bar[5].sub).toMatch(/^\d\d-\d\d \d\d:\d\d$/);
      await screenshot(page, 'progress-bank-refunded');
    });
  });

  it('left no DOM errors in the page’s console (issue 17: insertBefore NotFoundError)', () => {
    expect(domErrors(phone)).toEqual([]);
  });
});
