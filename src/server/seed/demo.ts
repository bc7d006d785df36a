/**
 * The demo shop a newcomer meets on `npm start`: two shops (one verified, one not, for R5), their
 * staff, a platform reviewer, four buyers, and orders covering every item kind, pay channel, order
 * status and simulated refund scenario. Everything is a function of `now` — the host clock — so the
 * windows (15 days, 365 days) are open or closed as described whenever the demo is seeded.
 */
import type { Merchant, Order, OrderItem, Product, RefundScenario } from '../../../types/domain';
import { mulDivRoundHalfUp } from '../../core/money';
import { DAY_MS, HOUR_MS } from '../../core/time';
import type { SeedData, ShopSeed } from '../adapters/sqlite/devStore';
import { LOCAL_V3_PAYMENT } from '../adapters/wechatpay/keys';
import { demoImagePath } from './productImages';

export const DEMO_SHOP_ID = 'shop_haowu';
export const DEMO_CROSS_BORDER_SHOP_ID = 'shop_haitao';

export interface DemoIdentity {
  openid: string;
  role: 'BUYER' | Merchant['role'];
  name: string;
  /** What this identity is for, shown on the h5 sign-in page. */
  note: string;
  shopId?: string;
}

export const DEMO_IDENTITIES: readonly DemoIdentity[] = [
  { openid: 'oBuyerZhangWei', role: 'BUYER', name: '张伟', note: '买家：家纺、生鲜、定制杯、退款延迟/重复通知的订单' },
  { openid: 'oBuyerLiNa', role: 'BUYER', name: '李娜', note: '买家：虚拟商品、跨境商品（未认证店铺）、退款异常的订单' },
  { openid: 'oBuyerWangLei', role: 'BUYER', name: '王磊', note: '买家：信用卡、第三方支付、超过15天、退款关闭的订单' },
  { openid: 'oBuyerLiuYang', role: 'BUYER', name: '刘洋', note: '买家：未发货、运输中、已完成、退款超时的订单' },
  { openid: 'oMerchantOwnerHaowu', role: 'OWNER', name: '王芳', note: '「好物小铺」店主（可改店铺设置）', shopId: DEMO_SHOP_ID },
  { openid: 'oMerchantStaffHaowu', role: 'STAFF', name: '小李', note: '「好物小铺」客服', shopId: DEMO_SHOP_ID },
  { openid: 'oMerchantOwnerHaitao', role: 'OWNER', name: '陈静', note: '「海淘精选」店主（商户号未认证）', shopId: DEMO_CROSS_BORDER_SHOP_ID },
  { openid: 'oPlatformReviewer', role: 'PLATFORM', name: '赵敏', note: '平台审核：处理买家申请介入的售后' },
];

const BUYER = {
  zhang: 'oBuyerZhangWei',
  li: 'oBuyerLiNa',
  wang: 'oBuyerWangLei',
  liu: 'oBuyerLiuYang',
} as const;

type Line = Omit<OrderItem, 'paidFen'>;

/**
 * Order lines with a discount spread over them in proportion to their price (rounded half up, the
 * last line taking the remainder), so the lines add up to exactly what the buyer paid for goods.
 */
function priced(lines: Line[], discountFen = 0): OrderItem[] {
  const gross = lines.reduce((s, l) => s + l.unitFen * l.qty, 0);
  let left = discountFen;
  return lines.map((l, i) => {
    const lineGross = l.unitFen * l.qty;
    const cut = i === lines.length - 1 ? left : mulDivRoundHalfUp(discountFen, lineGross, gross);
    left -= cut;
    return { ...l, paidFen: lineGross - cut };
  });
}

interface OrderSpec {
  _id: string;
  shopId?: string;
  buyerOpenid: string;
  status: Order['status'];
  payChannel: Order['payChannel'];
  items: OrderItem[];
  shippingFen?: number;
  /** Days before now: payment, shipment, delivery (absent = not yet). */
  paidDaysAgo: number;
  shippedDaysAgo?: number;
  deliveredDaysAgo?: number;
  logistics?: { company: string; trackingNo: string; events: [number, string][] };
  insured?: boolean;
  refundScenario?: RefundScenario;
}

/** A demo line with its picture (src/server/seed/productImages.ts), served by the host. */
function withImage<T extends { skuId: string }>(line: T): T & { image?: string } {
  const image = demoImagePath(line.skuId);
  return image ? { ...line, image } : line;
}

function order(now: number, s: OrderSpec): Order {
  const ago = (days: number) => now - Math.round(days * DAY_MS);
  const shippingFen = s.shippingFen ?? 0;
  const o: Order = {
    _id: s._id,
    shopId: s.shopId ?? DEMO_SHOP_ID,
    buyerOpenid: s.buyerOpenid,
    status: s.status,
    paidFen: s.items.reduce((sum, i) => sum + i.paidFen, 0) + shippingFen,
    shippingFen,
    payChannel: s.payChannel,
    paidAt: ago(s.paidDaysAgo),
    createdAt: ago(s.paidDaysAgo) - 5 * 60_000,
    items: s.items.map(withImage),
  };
  if (s.shippedDaysAgo !== undefined) o.shippedAt = ago(s.shippedDaysAgo);
  if (s.deliveredDaysAgo !== undefined) o.deliveredAt = ago(s.deliveredDaysAgo);
  if (s.logistics) {
    o.logistics = {
      company: s.logistics.company,
      trackingNo: s.logistics.trackingNo,
      events: s.logistics.events.map(([hoursAgo, text]) => ({ at: now - hoursAgo * HOUR_MS, text })),
    };
  }
  if (s.insured) o.insured = true;
  if (s.refundScenario) o.refundScenario = s.refundScenario;
  return o;
}

export function demoShops(): ShopSeed[] {
  return [
    {
      _id: DEMO_SHOP_ID,
      name: '好物小铺',
      verified: true,
      returnAddress: { name: '王芳（好物小铺售后组）', phone: '13957101234', address: '浙江省杭州市余杭区文一西路998号 海创园5号楼2层' },
      settings: {
        hotline: '13957101234',
        officialAccount: '好物小铺服务号',
        quickRefundThresholdFen: 0,
        quickRefundSkuIds: [],
        // Refunds through the shop's own WeChat Pay merchant account, API v3 (SPEC §7); the local host plays
        // WeChat Pay with throwaway keys it makes under DATA_DIR. 海淘精选 stays on the default, cloudPay.
        payment: LOCAL_V3_PAYMENT,
      },
      // SPEC §7: what the demo checkout (店铺商品 → 立即购买) sells; a 1-fen item for the first real refund.
      products: (
        [
          { skuId: 'SKU-PILLOW', title: '泰国天然乳胶枕 成人护颈款', unitFen: 12_900, kind: 'NORMAL' },
          { skuId: 'SKU-LAMP', title: '护眼LED台灯 无级调光', unitFen: 15_900, kind: 'NORMAL' },
          { skuId: 'SKU-CANDLE', title: '香薰蜡烛 无火 白茶味', unitFen: 7_900, kind: 'NORMAL' },
          { skuId: 'SKU-CUP-ENGRAVE', title: '定制刻字保温杯 316不锈钢 500ml', unitFen: 8_900, kind: 'CUSTOM' },
          { skuId: 'SKU-TEST-1FEN', title: '支付测试商品（1分钱）', unitFen: 1, kind: 'NORMAL' },
        ] satisfies Product[]
      ).map((p: Product): Product => {
        const imageUrl = demoImagePath(p.skuId);
        return imageUrl ? { ...p, imageUrl } : p;
      }),
    },
    {
      _id: DEMO_CROSS_BORDER_SHOP_ID,
      name: '海淘精选',
      verified: false,
      returnAddress: { name: '陈静（海淘精选国内售后仓）', phone: '13816602288', address: '上海市浦东新区洋山保税港区业盛路188号 3号仓' },
      settings: {
        hotline: '13816602288',
        officialAccount: '海淘精选',
        customsFeeFen: 1_500,
        policyText:
          '跨境商品需遵循海关清关政策：退货运费与已缴税费由买家承担，清关手续费15元从退款中扣除；标注“国内售后”的商品寄回国内仓。签收后15天内可申请售后。',
      },
    },
  ];
}

export function demoMerchants(): Merchant[] {
  return DEMO_IDENTITIES.filter((d) => d.role !== 'BUYER').map((d) => ({
    openid: d.openid,
    shopId: d.shopId ?? 'platform',
    role: d.role as Merchant['role'],
    name: d.name,
  }));
}

export function demoOrders(now: number): Order[] {
  const sf = (no: string, deliveredHoursAgo: number): OrderSpec['logistics'] => ({
    company: '顺丰速运',
    trackingNo: no,
    events: [
      [deliveredHoursAgo + 40, '【杭州市】顺丰速运 已收取快件'],
      [deliveredHoursAgo + 30, '【杭州转运中心】快件已发车'],
      [deliveredHoursAgo + 8, '【上海浦东营业点】快件派送中，派送员 陈师傅 13812345678'],
      [deliveredHoursAgo, '【上海浦东】快件已签收，签收人：本人'],
    ],
  });
  return [
    order(now, {
      _id: 'OD1001',
      buyerOpenid: BUYER.zhang,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 5,
      shippedDaysAgo: 4,
      deliveredDaysAgo: 2,
      items: priced(
        [
          { skuId: 'SKU-BED-4PC', title: '新疆长绒棉四件套 1.8m床 奶咖色', unitFen: 29_900, qty: 1, kind: 'NORMAL' },
          { skuId: 'SKU-PILLOW', title: '泰国天然乳胶枕 成人护颈款', unitFen: 12_900, qty: 2, kind: 'NORMAL' },
        ],
        5_000,
      ),
      logistics: sf('SF1402839475610', 48),
    }),
    order(now, {
      _id: 'OD1002',
      buyerOpenid: BUYER.zhang,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 3,
      shippedDaysAgo: 2,
      deliveredDaysAgo: 1,
      shippingFen: 2_000,
      items: priced([{ skuId: 'SKU-CRAB', title: '阳澄湖大闸蟹礼盒 公4.0两母3.0两 8只装', unitFen: 39_800, qty: 1, kind: 'FRESH' }]),
      logistics: {
        company: '顺丰冷运',
        trackingNo: 'SF1402839475655',
        events: [
          [40, '【苏州市】顺丰冷运 已收取快件，全程冷链'],
          [30, '【上海冷链中转场】快件已到达'],
          [24, '【上海浦东】快件已签收，签收人：本人'],
        ],
      },
    }),
    order(now, {
      _id: 'OD1003',
      buyerOpenid: BUYER.zhang,
      status: 'DELIVERED',
      payChannel: 'BANK_CARD',
      paidDaysAgo: 9,
      shippedDaysAgo: 6,
      deliveredDaysAgo: 3,
      items: priced([
        { skuId: 'SKU-CUP-ENGRAVE', title: '定制刻字保温杯 316不锈钢 500ml', unitFen: 8_900, qty: 1, kind: 'CUSTOM', customNoticeShown: true },
      ]),
    }),
    order(now, {
      _id: 'OD1004',
      buyerOpenid: BUYER.li,
      status: 'COMPLETED',
      payChannel: 'WECHAT',
      paidDaysAgo: 2,
      shippedDaysAgo: 2,
      deliveredDaysAgo: 2,
      items: priced(
        [
          { skuId: 'SKU-VIP-YEAR', title: '视频会员年卡（已激活）', unitFen: 19_800, qty: 1, kind: 'VIRTUAL', activated: true },
          { skuId: 'SKU-COFFEE-CODE', title: '精品咖啡兑换券 中杯通用', unitFen: 2_500, qty: 2, kind: 'VIRTUAL', activated: false },
        ],
        1_000,
      ),
    }),
    order(now, {
      _id: 'OD1005',
      shopId: DEMO_CROSS_BORDER_SHOP_ID,
      buyerOpenid: BUYER.li,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 12,
      shippedDaysAgo: 10,
      deliveredDaysAgo: 4,
      items: priced(
        [
          { skuId: 'SKU-JP-CREAM', title: '日本进口 保湿面霜 50g（国内售后）', unitFen: 26_800, qty: 1, kind: 'CROSS_BORDER', localAfterSale: true },
          { skuId: 'SKU-AU-MILK', title: '澳洲进口 婴幼儿配方奶粉 3段 800g', unitFen: 23_900, qty: 2, kind: 'CROSS_BORDER' },
        ],
        3_000,
      ),
      logistics: {
        company: '中国邮政EMS',
        trackingNo: 'EK528193746CN',
        events: [
          [240, '【悉尼】包裹已交航空公司'],
          [170, '【上海浦东机场海关】清关完成'],
          [96, '【上海浦东】已签收，签收人：本人'],
        ],
      },
    }),
    order(now, {
      _id: 'OD1006',
      buyerOpenid: BUYER.wang,
      status: 'DELIVERED',
      payChannel: 'CREDIT_CARD',
      paidDaysAgo: 8,
      shippedDaysAgo: 7,
      deliveredDaysAgo: 5,
      insured: true,
      items: priced([{ skuId: 'SKU-DRYER', title: '高速负离子吹风机 礼盒装 星空灰', unitFen: 129_900, qty: 1, kind: 'NORMAL' }]),
      logistics: sf('SF1402839476021', 120),
    }),
    order(now, {
      _id: 'OD1007',
      buyerOpenid: BUYER.wang,
      status: 'DELIVERED',
      payChannel: 'THIRD_PARTY',
      paidDaysAgo: 19,
      shippedDaysAgo: 18,
      deliveredDaysAgo: 16,
      items: priced([{ skuId: 'SKU-EARBUDS', title: '真无线降噪蓝牙耳机 白色', unitFen: 39_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1008',
      buyerOpenid: BUYER.liu,
      status: 'PAID',
      payChannel: 'WECHAT',
      paidDaysAgo: 0.2,
      items: priced([{ skuId: 'SKU-RUNNER', title: '轻量缓震跑步鞋 男款 42码', unitFen: 45_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1009',
      buyerOpenid: BUYER.liu,
      status: 'SHIPPED',
      payChannel: 'WECHAT',
      paidDaysAgo: 2,
      shippedDaysAgo: 1,
      shippingFen: 800,
      items: priced([{ skuId: 'SKU-BACKPACK', title: '通勤双肩包 防泼水 15.6英寸', unitFen: 19_900, qty: 1, kind: 'NORMAL' }]),
      logistics: {
        company: '中通快递',
        trackingNo: '78392016453321',
        events: [
          [22, '【义乌市】中通快递 已揽收'],
          [10, '【杭州中转部】已发出，下一站 上海中转部'],
        ],
      },
    }),
    order(now, {
      _id: 'OD1010',
      buyerOpenid: BUYER.liu,
      status: 'COMPLETED',
      payChannel: 'BANK_CARD',
      paidDaysAgo: 14,
      shippedDaysAgo: 13,
      deliveredDaysAgo: 10,
      items: priced([{ skuId: 'SKU-LAMP', title: '护眼LED台灯 无级调光', unitFen: 15_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1011',
      buyerOpenid: BUYER.zhang,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 4,
      shippedDaysAgo: 3,
      deliveredDaysAgo: 1,
      refundScenario: 'LATE',
      items: priced([{ skuId: 'SKU-WOK', title: '不锈钢无涂层炒锅 32cm', unitFen: 18_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1012',
      buyerOpenid: BUYER.li,
      status: 'DELIVERED',
      payChannel: 'BANK_CARD',
      paidDaysAgo: 6,
      shippedDaysAgo: 5,
      deliveredDaysAgo: 3,
      refundScenario: 'ABNORMAL',
      items: priced([{ skuId: 'SKU-SCARF', title: '羊毛围巾 格纹 驼色', unitFen: 15_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1013',
      buyerOpenid: BUYER.wang,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 6,
      shippedDaysAgo: 5,
      deliveredDaysAgo: 2,
      refundScenario: 'CLOSED',
      items: priced([{ skuId: 'SKU-TABLEWARE', title: '釉下彩陶瓷餐具 16件套', unitFen: 23_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1014',
      buyerOpenid: BUYER.liu,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 5,
      shippedDaysAgo: 4,
      deliveredDaysAgo: 2,
      refundScenario: 'TIMEOUT',
      items: priced([{ skuId: 'SKU-TOOTHBRUSH', title: '声波电动牙刷 附刷头4支', unitFen: 29_900, qty: 1, kind: 'NORMAL' }]),
    }),
    order(now, {
      _id: 'OD1015',
      buyerOpenid: BUYER.zhang,
      status: 'DELIVERED',
      payChannel: 'WECHAT',
      paidDaysAgo: 4,
      shippedDaysAgo: 3,
      deliveredDaysAgo: 1,
      refundScenario: 'DUPLICATE_NOTIFY',
      items: priced([{ skuId: 'SKU-CANDLE', title: '香薰蜡烛 无火 白茶味', unitFen: 7_900, qty: 3, kind: 'NORMAL' }], 2_700),
    }),
  ];
}

/** Everything `npm start` seeds, as of `now` (the host clock). */
export function demoData(now: number): Required<SeedData> {
  return { shops: demoShops(), merchants: demoMerchants(), orders: demoOrders(now) };
}
