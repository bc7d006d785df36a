import type { AfterSaleCase, Order, ShopSettings } from '../../../types/domain';
import { formatYuan, percentOf } from '../../core/money';
import { DEFAULT_SETTINGS, LIMITS } from '../../core/settings';
import { PAY_CHANNEL_LABELS } from '../../components/labels';

export interface RuleNote {
  rule: string;
  text: string;
}

export interface ShopFacts {
  verified: boolean;
  settings: Pick<ShopSettings, 'autoApproveHours' | 'escalateDays' | 'returnShipDays' | 'receiptConfirmDays'>;
}

/** The rules a reviewer should have in mind for this case, in the words of the seed. */
export function rulesThatApply(c: AfterSaleCase, order: Order, shop?: ShopFacts): RuleNote[] {
  const notes: RuleNote[] = [];
  const lines = order.items.filter((i) => c.items.some((x) => x.skuId === i.skuId));
  const kinds = new Set(lines.map((i) => i.kind));
  const settings = shop?.settings ?? DEFAULT_SETTINGS;

  if (c.status === 'PENDING') {
    notes.push({ rule: 'R16', text: `商家需在${settings.autoApproveHours}小时内处理，超时系统自动同意退款` });
  }
  if (shop && !shop.verified) {
    notes.push({ rule: 'R5', text: '商户号未完成实名认证：同意后无法打款，需先补全企业资质' });
  }
  notes.push({
    rule: 'R3',
    text: `单笔退款不超过订单实付金额105%（${formatYuan(percentOf(order.paidFen, LIMITS.refundCapPercent))}），全年累计不超过50万元`,
  });
  notes.push({ rule: 'R19', text: `默认原路退回（${PAY_CHANNEL_LABELS[order.payChannel]}）；指定账户退款需与买家协商一致` });
  if (order.payChannel === 'CREDIT_CARD') notes.push({ rule: 'R4', text: '信用卡支付需联系发卡行确认退款路径' });
  if (order.payChannel === 'THIRD_PARTY') notes.push({ rule: 'R4', text: '第三方支付退款需平台审批' });
  notes.push({
    rule: 'R20',
    text:
      c.feeBearer === 'NONE'
        ? '非卖家责任退款，免手续费'
        : `卖家责任退款，按平台费率收取手续费 ${formatYuan(c.feeFen)}，由商家承担`,
  });
  if (c.status === 'PENDING') notes.push({ rule: 'R21', text: `拒绝须选择原因并填写说明，买家可在${settings.escalateDays}天内申请平台介入` });
  if (c.type === 'RETURN_REFUND') {
    notes.push({ rule: 'R33', text: '退货退款需店铺已设置退货地址，同意后地址会发给买家' });
    notes.push({ rule: 'R23', text: `买家需在${settings.returnShipDays}天内寄回；寄回后${settings.receiptConfirmDays}天内未确认收货将自动确认` });
    if (c.reason === 'NO_REASON') {
      notes.push({ rule: 'R6', text: '7天无理由退回的商品已拆封影响二次销售的，可确认为已拆封，再与买家协商折价退款' });
    }
  }
  if (c.reason === 'LOGISTICS') notes.push({ rule: 'R9', text: '快递问题需有完整的物流追踪记录作为退款凭证' });
  if (kinds.has('FRESH')) notes.push({ rule: 'R15', text: '生鲜商品：对比买家签收时的照片与发货时的质检报告，可上传质检报告' });
  if (kinds.has('CUSTOM')) notes.push({ rule: 'R13', text: '定制商品已告知不可退换的，仅受理质量问题' });
  if (kinds.has('VIRTUAL')) notes.push({ rule: 'R14', text: '虚拟商品激活使用后不可退，未激活可协商处理' });
  if (kinds.has('CROSS_BORDER')) notes.push({ rule: 'R12', text: '跨境商品的退货运费及税费由买家承担，清关手续费从退款中扣除' });
  if (c.insured) notes.push({ rule: 'R29', text: '订单含退货运费险，退货运费由保险承担' });
  if (c.amountFen >= LIMITS.legalThresholdFen) {
    notes.push({ rule: 'R24', text: '争议金额≥500元：升级后按法律纠纷处理，买家可通过微信小法庭在线调解' });
  }
  return notes;
}
