/**
 * The indexes the cloud adapters' queries need, per collection (besides `_id`, which every collection
 * has). cloudfunctions/README.md lists them for creating in the cloud console; test/wx checks that
 * every query the adapters send is served by one of them, so neither side drifts.
 * 1 = ascending, -1 = descending (an index also serves the fully reversed order).
 */
import { COLLECTIONS } from './sdk';

export interface IndexSpec {
  name: string;
  keys: [field: string, direction: 1 | -1][];
  /** What it serves. */
  for: string;
}

export const INDEXES: Record<string, IndexSpec[]> = {
  [COLLECTIONS.cases]: [
    { name: 'timer', keys: [['timerAt', 1], ['_id', 1]], for: 'autoApprove 定时器取到期售后单 (due)' },
    { name: 'refund_no', keys: [['refunds.outRefundNo', 1]], for: '退款回调按退款单号找售后单 (findByOutRefundNo)' },
    { name: 'order', keys: [['orderId', 1], ['createdAt', 1], ['_id', 1]], for: '一个订单的全部售后单 (listByOrder)' },
    { name: 'buyer', keys: [['buyerOpenid', 1], ['createdAt', 1], ['_id', 1]], for: '买家的售后列表与 30 天风控 (listForBuyer, buyerCaseTimes)' },
    {
      name: 'buyer_status',
      keys: [['buyerOpenid', 1], ['status', 1], ['createdAt', -1], ['_id', -1]],
      for: '买家按状态筛选的售后列表 (listForBuyer + status)',
    },
    {
      name: 'shop_deadline',
      keys: [['shopId', 1], ['status', 1], ['_deadlineKey', 1], ['_id', 1]],
      for: '商家待处理列表按自动同意时间排序 (listForShop PENDING)',
    },
    {
      name: 'shop_status',
      keys: [['shopId', 1], ['status', 1], ['createdAt', -1], ['_id', -1]],
      for: '商家按其他状态筛选的列表 (listForShop + status)',
    },
    { name: 'shop', keys: [['shopId', 1], ['createdAt', -1], ['_id', -1]], for: '商家全部售后与统计 (listForShop, scanForStats)' },
    { name: 'shop_approved', keys: [['shopId', 1], ['approvedAt', 1]], for: '年度退款上限 (shopCommittedFen)' },
    { name: 'escalated', keys: [['status', 1], ['_deadlineKey', 1], ['_id', 1]], for: '平台待裁决列表 (listEscalated)' },
  ],
  [COLLECTIONS.orders]: [
    { name: 'buyer_paid', keys: [['buyerOpenid', 1], ['paidAt', -1], ['_id', -1]], for: '买家订单列表 (order.list)' },
    {
      name: 'buyer_status_paid',
      keys: [['buyerOpenid', 1], ['status', 1], ['paidAt', -1], ['_id', -1]],
      for: '买家按状态筛选订单 (order.list + status)',
    },
    { name: 'shop_delivered', keys: [['shopId', 1], ['deliveredAt', 1]], for: '退款率的签收订单数 (countDelivered)' },
    // SPEC §7 demo checkout
    { name: 'timer', keys: [['timerAt', 1], ['_id', 1]], for: '定时器取到期订单：发货10天自动确认收货、取消订单的退款 (due)' },
    { name: 'shop_paid', keys: [['shopId', 1], ['paidAt', -1], ['_id', -1]], for: '商家订单列表 (merchant.orders)' },
    { name: 'shop_status_paid', keys: [['shopId', 1], ['status', 1], ['paidAt', -1], ['_id', -1]], for: '商家按状态筛选订单 (merchant.orders + status)' },
    { name: 'shop_cancelled', keys: [['shopId', 1], ['cancelledAt', 1], ['_id', 1]], for: '年度退款上限里取消订单的退款 (shopCancelRefundFen)' },
  ],
  [COLLECTIONS.codes]: [{ name: 'shop_kind', keys: [['shopId', 1], ['kind', 1]], for: '店主查看待接受的邀请 (unusedCodes)' }],
  [COLLECTIONS.merchants]: [{ name: 'shop', keys: [['shopId', 1]], for: '换货各环节通知店铺全部客服 (listForShop)' }],
  [COLLECTIONS.risk]: [{ name: 'openid_at', keys: [['openid', 1], ['at', -1]], for: '平台解除风控的最近一次 (liftedAt)' }],
};
