/**
 * Every page of the weapp build, rendered in WeChat's component runtime (the same runtime and cloud
 * as journeys.weapp.ts): each page of app.json — the main package and the `merchant` subpackage — is
 * opened as a person who may see it, on records that exist, and must show its own first content (a
 * title, a record's words), which only a page that rendered its data shows. A page added to app.json
 * without a line here fails the coverage test.
 */
import fs from 'fs';
import path from 'path';
import type { AfterSaleCase } from '../../types/domain';
import { ensureBuild } from '../../bench/lib/builds';
import { LIU, OWNER, PLATFORM, prepare, ZHANG } from './journeys';
import { SimDriver } from './runtime/driver';

jest.setTimeout(60_000);
const BUILD_TIMEOUT_MS = 300_000;

interface PageCheck {
  /** Who opens it. */
  as: string;
  url: (ids: Ids) => string;
  /** The page's root element, and what it shows there once its data is in. */
  root: string;
  shows: (string | RegExp)[];
}

interface Ids {
  /** ZHANG's PENDING case on OD1001 (仅退款 of the bedding set). */
  pending: string;
  /** LIU's case on OD1010, rejected and escalated: the platform's to decide. */
  escalated: string;
}

/** What a page shows when it could not load: none of these may be on screen. */
const FAILED = /网络异常|加载失败|无权|请先登录|没有权限|页面不存在/;

const PAGES: Record<string, PageCheck> = {
  'pages/index/index': { as: ZHANG, url: () => '/pages/index/index', root: '.orders-page', shows: ['新疆长绒棉四件套 1.8m床 奶咖色', '查看售后'] },
  'pages/order/index': { as: ZHANG, url: () => '/pages/order/index?id=OD1002', root: '.order-page', shows: ['阳澄湖大闸蟹礼盒', '售后政策'] },
  'pages/apply/index': { as: ZHANG, url: () => '/pages/apply/index?orderId=OD1002', root: '.apply-page', shows: ['售后类型', '阳澄湖大闸蟹礼盒'] },
  'pages/case/index': { as: ZHANG, url: (ids) => `/pages/case/index?id=${ids.pending}`, root: '.case-page', shows: ['待商家处理', '申请信息'] },
  'pages/cases/index': { as: ZHANG, url: () => '/pages/cases/index', root: '.cases-page', shows: ['仅退款 · 质量问题', '新疆长绒棉四件套 1.8m床 奶咖色'] },
  'pages/help/index': { as: ZHANG, url: () => '/pages/help/index?orderId=OD1001', root: '.help-page', shows: ['问：退款会退回原支付方式吗？', '好物小铺的售后政策'] },
  'pages/product/index': { as: ZHANG, url: () => '/pages/product/index?orderId=OD1001&skuId=SKU-PILLOW', root: '.product-page', shows: ['泰国天然乳胶枕 成人护颈款', '好物小铺'] },
  'pages/checkout/index': { as: ZHANG, url: () => '/pages/checkout/index?shopId=shop_haowu', root: '.checkout-page', shows: ['好物小铺', '支付测试商品（1分钱）'] },
  'pages/me/index': { as: OWNER, url: () => '/pages/me/index', root: '.me', shows: [OWNER, '店主 · 好物小铺'] },
  'merchant/pages/panel/index': { as: OWNER, url: () => '/merchant/pages/panel/index', root: '.panel', shows: ['新疆长绒棉四件套', /已显示全部 \d+ 单/] },
  'merchant/pages/review/index': { as: OWNER, url: (ids) => `/merchant/pages/review/index?id=${ids.pending}`, root: '.review', shows: ['订单快照', '新疆长绒棉四件套'] },
  'merchant/pages/stats/index': { as: OWNER, url: () => '/merchant/pages/stats/index', root: '.stats', shows: ['退款率', /统计区间 \d{4}-\d{2}-\d{2} 至/] },
  'merchant/pages/settings/index': { as: OWNER, url: () => '/merchant/pages/settings/index', root: '.settings', shows: ['订阅消息模板', '审核结果通知模板 ID', '处理进度'] },
  'merchant/pages/platform/index': { as: PLATFORM, url: () => '/merchant/pages/platform/index', root: '.platform', shows: ['待平台处理 1 单', '商家拒绝：经检测旋钮无故障', '好物小铺'] },
  'merchant/pages/orders/index': { as: OWNER, url: () => '/merchant/pages/orders/index', root: '.m-orders', shows: ['订单 OD1008', '轻量缓震跑步鞋 男款 42码'] },
  'merchant/pages/team/index': { as: OWNER, url: () => '/merchant/pages/team/index', root: '.team', shows: [/店员（\d+人）/, '小李'] },
};

let d: SimDriver;
let build = '';
const ids: Ids = { pending: '', escalated: '' };

beforeAll(async () => {
  build = (await ensureBuild('app-weapp')).dir;
  d = await SimDriver.start(build);
  await prepare(d);
  const apply = (buyer: string, orderId: string, skuId: string, description: string) =>
    d.api<AfterSaleCase>(
      'apply',
      { orderId, type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId, qty: 1 }], amountFen: 5_000, description, evidence: [], idempotencyKey: `pages-${orderId}` },
      buyer,
    );
  ids.pending = (await apply(ZHANG, 'OD1001', 'SKU-BED-4PC', '四件套洗了一次就起球'))._id;
  ids.escalated = (await apply(LIU, 'OD1010', 'SKU-LAMP', '台灯调光旋钮失灵，只能开最亮一档'))._id;
  await d.api('merchant.reject', { caseId: ids.escalated, reasonCode: 'NOT_SELLER_RESPONSIBLE', note: '经检测旋钮无故障' }, OWNER);
  await d.api('escalate', { caseId: ids.escalated, note: '旋钮确实坏了，可以提供视频' }, LIU);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await d?.close();
});

function appJsonPages(): string[] {
  const app = JSON.parse(fs.readFileSync(path.join(build, 'app.json'), 'utf8')) as { pages: string[]; subPackages?: { root: string; pages: string[] }[] };
  return [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
}

describe("every page of the weapp build in WeChat's component runtime", () => {
  it('covers exactly the pages of app.json, main package and the merchant subpackage', () => {
    const pages = appJsonPages();
    expect(pages.filter((p) => p.startsWith('merchant/')).length).toBeGreaterThan(0);
    expect([...pages].sort()).toEqual(Object.keys(PAGES).sort());
  });

  for (const [page, check] of Object.entries(PAGES)) {
    it(`${page} shows ${check.shows.map(String).join(' and ')}`, async () => {
      await d.step(`page-${page.replace(/\//g, '-')}`, async () => {
        const phone = await d.as(check.as, check.url(ids));
        expect((await phone.pageAt(page)).query).toBeDefined();
        for (const want of check.shows) await phone.seeText(check.root, want, 15_000);
        expect(await phone.textOf(check.root)).not.toMatch(FAILED);
        expect(d.phone.recorded.errors).toEqual([]);
      });
    });
  }
});
