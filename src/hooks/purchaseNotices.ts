import type { OrderView } from '../../types/api';
import type { OrderItem } from '../../types/domain';
import { formatYuan } from '../core/money';

export interface PurchaseNotice {
  rule: string;
  title: string;
  text: string;
}

/**
 * What a buyer must be told before paying for an item (seed 五.2, 五 案例3, 五.1, 七): the custom-goods
 * clause (R13), the cross-border import flow and who pays taxes (R12), fresh-food receipt photos (R15),
 * virtual goods (R14).
 */
export function purchaseNotices(item: OrderItem, settings: Pick<OrderView['shop']['settings'], 'customsFeeFen'>): PurchaseNotice[] {
  switch (item.kind) {
    case 'CUSTOM':
      return [
        {
          rule: 'R13',
          title: '定制商品，不支持7天无理由退换',
          text: '本商品按您的要求专门制作，下单即表示同意不可退换条款；如有质量问题，仍可申请售后。',
        },
      ];
    case 'CROSS_BORDER': {
      const fee = settings.customsFeeFen > 0 ? `退款时扣除清关手续费${formatYuan(settings.customsFeeFen)}；` : '';
      const local = item.localAfterSale ? '本商品支持本地售后，退货寄回国内地址即可。' : '退货需寄回海外仓。';
      return [
        {
          rule: 'R12',
          title: '跨境商品：进口流程与税费',
          text: `海外仓发货 → 海关清关 → 国内配送。退货运费及税费由您承担；${fee}${local}`,
        },
      ];
    }
    case 'FRESH':
      return [{ rule: 'R15', title: '生鲜商品：签收时请验货', text: '签收时请当面检查并拍照，如有腐坏，凭签收时的照片申请售后。' }];
    case 'VIRTUAL':
      return [{ rule: 'R14', title: '虚拟商品', text: '激活使用后不可退款；未激活的可以申请，由商家审核处理。' }];
    default:
      return [];
  }
}
