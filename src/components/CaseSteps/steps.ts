/**
 * The buyer's progress bar (issue 17): 提交申请 → 商家处理 → 寄回商品 → 商家收货 → 退款中 → 退款成功 for a
 * return, without the two return steps for a refund only, and the exchange's own steps (SPEC §5). The
 * last step says where the money goes and when WeChat Pay says it arrives (labels.ts refundDestination).
 */
import type { AfterSaleCase, PayChannel } from '../../../types/domain';
import { formatTime } from '../../core/time';
import { refundDestination } from '../labels';

export type StepState = 'done' | 'now' | 'todo' | 'fail';

export interface Step {
  label: string;
  state: StepState;
  /** A time, the refund's destination, or what went wrong. */
  sub?: string;
}

const short = (at: number | undefined) => (at === undefined ? undefined : formatTime(at).slice(5));

function refundSteps(c: AfterSaleCase, channel: PayChannel | undefined, withReturn: boolean): Step[] | null {
  const last = c.refunds[c.refunds.length - 1];
  const paid = c.refunds.find((r) => r.status === 'SUCCESS');
  const dest = refundDestination(channel ?? 'WECHAT', last);
  const labels = withReturn ? ['提交申请', '商家处理', '寄回商品', '商家收货', '退款中', '退款成功'] : ['提交申请', '商家处理', '退款中', '退款成功'];
  const at = (label: string): number => labels.indexOf(label);
  let now: number;
  let fail: string | undefined;
  let decided = labels[1];
  switch (c.status) {
    case 'PENDING':
      now = 1;
      break;
    case 'NEGOTIATING':
      now = 1;
      decided = '协商中';
      break;
    case 'REJECTED':
      now = 1;
      decided = '商家拒绝';
      fail = '可补充凭证、修改申请或申请平台介入';
      break;
    case 'ESCALATED':
      now = 1;
      decided = '平台处理';
      break;
    case 'AWAITING_RETURN':
      now = at('寄回商品');
      break;
    case 'RETURN_SHIPPED':
      now = at('商家收货');
      break;
    case 'REFUNDING':
      now = at('退款中');
      break;
    case 'REFUND_FAILED':
      now = at('退款中');
      fail = '退款暂未成功，商家处理中';
      break;
    case 'REFUNDED':
      now = labels.length;
      break;
    default:
      return null;
  }
  const subs: Record<string, string | undefined> = {
    提交申请: short(c.createdAt),
    商家处理: c.approvedAt !== undefined ? short(c.approvedAt) : undefined,
    寄回商品: c.returnShipment ? short(c.returnShipment.at) : undefined,
    商家收货: short(c.returnReceivedAt),
    退款中: last ? `退回${dest.toShort}` : undefined,
    退款成功: paid ? short(paid.settledAt ?? paid.at) : dest.arrivalShort,
  };
  return labels.map((label, i) => {
    const shown = i === 1 ? decided : label;
    if (i < now) return { label: shown, state: 'done', sub: subs[label] };
    if (i === now) return { label: shown, state: fail ? 'fail' : 'now', sub: fail ?? subs[label] };
    return { label: shown, state: 'todo', sub: label === '退款成功' ? dest.arrivalShort : undefined };
  });
}

const EXCHANGE_STEPS = ['提交申请', '商家同意', '寄回商品', '商家收货', '发出换货', '确认收货'];

function exchangeSteps(c: AfterSaleCase): Step[] | null {
  const index: Partial<Record<AfterSaleCase['status'], number>> = {
    PENDING: 1,
    REJECTED: 1,
    ESCALATED: 1,
    AWAITING_RETURN: 2,
    RETURN_SHIPPED: 3,
    AWAITING_RESHIP: 4,
    RESHIPPED: 5,
    EXCHANGED: 6,
  };
  const now = index[c.status];
  if (now === undefined) return null;
  return EXCHANGE_STEPS.map((label, i) => ({
    label: i === 1 && c.status === 'REJECTED' ? '商家拒绝' : i === 1 && c.status === 'ESCALATED' ? '平台处理' : label,
    state: i < now ? 'done' : i === now ? (c.status === 'REJECTED' ? 'fail' : 'now') : 'todo',
    sub: i === 0 ? short(c.createdAt) : undefined,
  }));
}

/**
 * Under the bar, before the money moves: where it will go and when WeChat Pay says it arrives, in full
 * (a step has room for 「1-3个工作日」, not for 「以银行入账为准」). Once it moves the page's head says it.
 */
export function refundNote(c: AfterSaleCase, channel: PayChannel | undefined): string | undefined {
  if (c.type === 'EXCHANGE' && c.convertedAt === undefined) return undefined;
  if (!['PENDING', 'NEGOTIATING', 'AWAITING_RETURN', 'RETURN_SHIPPED', 'ESCALATED'].includes(c.status)) return undefined;
  const dest = refundDestination(channel ?? 'WECHAT', c.refunds[c.refunds.length - 1]);
  return `退款将原路退回${dest.to}，${dest.arrival}`;
}

/** The steps of this case now, or null when it has none to show (cancelled, closed). */
export function caseSteps(c: AfterSaleCase, channel?: PayChannel): Step[] | null {
  if (c.type === 'EXCHANGE' && c.convertedAt === undefined) return exchangeSteps(c);
  return refundSteps(c, channel, c.type === 'RETURN_REFUND' || c.type === 'EXCHANGE');
}
