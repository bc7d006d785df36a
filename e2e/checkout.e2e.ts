/**
 * SPEC §7's demo checkout in Chromium at 375×812 on the h5 build (either backend; AFTERSALE_BACKEND=
 * cloud-sim pays through cloudPay.unifiedOrder and payNotify): a buyer buys and pays, the merchant
 * ships from 订单发货, the buyer confirms receipt, applies and is refunded; another buyer cancels a paid
 * order with 取消订单 and is refunded in full. Screenshots: e2e/screenshots/checkout-*.png.
 */
import type { AfterSaleCase, Order } from '../types/domain';
import { chromiumAvailable, E2E_TEST_TIMEOUT_MS, ensureH5Build, hostPost, launchPhone, modal, open, screenshot, signInAs, startTestHost, step, toastGone, top, type PhoneBrowser, type TestHost } from './support';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const SHOP = 'shop_haowu';
const ZHANG = 'oBuyerZhangWei';
const LI = 'oBuyerLiNa';
const OWNER = 'oMerchantOwnerHaowu';

let host: TestHost;
let phone: PhoneBrowser;
let skip = false;

beforeAll(async () => {
  if (!(await chromiumAvailable())) {
    skip = true;
    return;
  }
  ensureH5Build();
  host = await startTestHost();
  phone = await launchPhone();
});
afterAll(async () => {
  await phone?.close();
  await host?.close();
});

function api<T>(action: string, body: object, openid: string): Promise<T> {
  return hostPost<T>(host.url, '/api/afterSale', { action, ...body }, openid);
}

/** Buys one 乳胶枕 in the checkout and lands on the paid order; returns its id. */
async function buyPillow(name: string, shot?: string): Promise<string> {
  const page = phone.page;
  await signInAs(page, host.url, name);
  await open(page, host.url, `/pages/checkout/index?shopId=${SHOP}&skuId=SKU-PILLOW`, '泰国天然乳胶枕 成人护颈款');
  await top(page).getByText('合计').waitFor();
  if (shot) await screenshot(page, shot);
  await top(page).getByText('提交订单').click();
  await top(page).getByText('待发货').first().waitFor({ timeout: 30_000 });
  const id = new URL(page.url().replace('/#', '/')).searchParams.get('id');
  if (!id) throw new Error(`no order id in ${page.url()}`);
  return id;
}

async function confirmModal(): Promise<void> {
  await modal(phone.page).getByText('确定', { exact: true }).click();
}

test('a buyer buys and pays, the merchant ships, the buyer confirms, applies and is refunded', async () => {
  if (skip) return;
  const page = phone.page;
  const orderId = await step(phone, 'buy in the checkout', () => buyPillow('张伟', 'checkout-page'));
  await step(phone, 'the paid order offers 取消订单, once', async () => {
    await top(page).getByText('取消订单').first().waitFor();
    await toastGone(page);
    expect(await top(page).getByText('不想要了可以点下方「取消订单」', { exact: false }).count()).toBe(1);
    await screenshot(page, 'checkout-order-paid');
  });
  await step(phone, 'the merchant ships from 订单发货', async () => {
    await signInAs(page, host.url, '王芳');
    await open(page, host.url, '/merchant/pages/orders/index', '待发货');
    const card = top(page).locator('.m-orders__card').filter({ hasText: orderId });
    await card.getByText('发货', { exact: true }).click();
    await card.locator('input').nth(0).fill('顺丰速运');
    await card.locator('input').nth(1).fill('SF1402839475610');
    await screenshot(page, 'checkout-merchant-ship');
    await card.getByText('确认发货').click();
    await top(page).locator('.m-orders__card').filter({ hasText: orderId }).waitFor({ state: 'detached' });
    await toastGone(page);
    await screenshot(page, 'checkout-merchant-orders');
  });
  await step(phone, 'the buyer confirms receipt', async () => {
    await signInAs(page, host.url, '张伟');
    await open(page, host.url, `/pages/order/index?id=${orderId}`, '确认收货');
    await screenshot(page, 'checkout-order-shipped');
    await top(page).getByText('确认收货').click();
    await confirmModal();
    await top(page).getByText('已签收').first().waitFor();
  });
  await step(phone, 'applies and is refunded', async () => {
    const draft = { orderId, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'SKU-PILLOW', qty: 1 }] };
    const c = await api<AfterSaleCase>('apply', { ...draft, amountFen: 12_900, description: '枕芯有明显异味，无法使用', evidence: [], idempotencyKey: `e2e-${orderId}` }, ZHANG);
    await api('merchant.approve', { caseId: c._id }, OWNER);
    await hostPost(host.url, '/__dev/clock', { now: Date.now() + 5 * 60_000 });
    await hostPost(host.url, '/__dev/run/refundNotify');
    await hostPost(host.url, '/__dev/run/autoApprove');
    expect((await api<AfterSaleCase>('get', { caseId: c._id }, ZHANG)).status).toBe('REFUNDED');
  });
});

test('another buyer cancels a paid order with 取消订单 and is refunded in full', async () => {
  if (skip) return;
  const page = phone.page;
  const orderId = await step(phone, 'buy', () => buyPillow('李娜'));
  await step(phone, 'cancel', async () => {
    await toastGone(page);
    await top(page).getByText('取消订单', { exact: true }).click();
    await confirmModal();
    await top(page).getByText('已取消').first().waitFor();
  });
  await step(phone, 'the refund is back', async () => {
    await hostPost(host.url, '/__dev/clock', { now: Date.now() + 10 * 60_000 });
    await hostPost(host.url, '/__dev/run/refundNotify');
    await hostPost(host.url, '/__dev/run/autoApprove');
    const o = await api<Order>('order.get', { orderId }, LI);
    expect(o.refunds).toEqual([expect.objectContaining({ outRefundNo: `${orderId}-1`, amountFen: 12_900, status: 'SUCCESS' })]);
    await open(page, host.url, `/pages/order/index?id=${orderId}`, '取消订单退款');
    await top(page).getByText('已退回').first().waitFor();
    await screenshot(page, 'checkout-order-cancelled');
  });
});
