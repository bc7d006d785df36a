import type { AfterSaleCase, Order } from '../../../types/domain';
import { refundDestination } from '../../components/labels';
import { formatYuan } from '../../core/money';
import { formatShort } from '../../core/time';

export interface Outcome {
  tone: 'success' | 'warn' | 'error';
  title: string;
  detail?: string;
}

export type OutcomeKind =
  | 'approve'
  | 'reject'
  | 'offer'
  | 'confirmReturn'
  | 'addEvidence'
  | 'retryRefund'
  | 'decide'
  | 'reship'
  | 'convertToRefund'
  | 'message'
  | 'requestEvidence';

function by(c: AfterSaleCase): string {
  return c.deadlineAt === undefined ? '' : `${formatShort(c.deadlineAt)} 前`;
}

/** The refund could not start (R4, R5, R31): approval stands, and the fix is what staff need. */
function refundBlocked(title: string, c: AfterSaleCase): Outcome {
  const e = c.lastError;
  return { tone: 'warn', title, detail: e ? `${e.message}。${e.solution}` : undefined };
}

/** Where the refund in flight is going: the original way by the order's channel, or the designated account. */
function refundingDetail(c: AfterSaleCase & { order?: Pick<Order, 'payChannel'> }): string {
  const last = c.refunds[c.refunds.length - 1];
  if (last?.method === 'DESIGNATED_ACCOUNT' || !c.order) {
    const { to, arrival } = refundDestination(c.order?.payChannel ?? 'THIRD_PARTY', last);
    return `正在转入${to}，${arrival}；到账后买家会收到通知`;
  }
  const { to, arrival } = refundDestination(c.order.payChannel, last);
  return `原路退回买家的${to}，${arrival}；到账后买家会收到通知`;
}

function afterApproval(title: string, c: AfterSaleCase & { order?: Pick<Order, 'payChannel'> }): Outcome {
  const amount = formatYuan(c.approvedFen ?? c.amountFen);
  switch (c.status) {
    case 'AWAITING_RETURN':
      if (c.type === 'EXCHANGE') return { tone: 'success', title: `${title}换货，等待买家退货`, detail: `退货地址已发给买家，买家需在${by(c)}寄回；收到后请发出换货（${c.exchangeNote ?? ''}）` };
      return { tone: 'success', title: `${title}，等待买家退货`, detail: `退货地址已发给买家，买家需在${by(c)}寄回；确认收货后退款 ${amount}` };
    case 'REFUND_FAILED':
      return refundBlocked(`${title}，但退款未能发起`, c);
    case 'REFUNDED':
      return { tone: 'success', title: `${title}，${amount} 已退款到账` };
    default:
      return { tone: 'success', title: `${title}，退款 ${amount} 处理中`, detail: refundingDetail(c) };
  }
}

/** What staff are told once an action succeeded, from the case as the cloud returned it. */
export function outcomeOf(kind: OutcomeKind, c: AfterSaleCase & { order?: Pick<Order, 'payChannel'> }): Outcome {
  switch (kind) {
    case 'approve':
      return afterApproval('已同意', c);
    case 'reject':
      return { tone: 'success', title: '已拒绝该申请', detail: `买家可在${by(c)}申请平台介入` };
    case 'offer':
      return {
        tone: 'success',
        title: `已向买家提出协商退款 ${formatYuan(c.offer?.amountFen ?? 0)}`,
        detail: `买家需在${by(c)}答复，逾期未答复将转平台介入`,
      };
    case 'confirmReturn':
      if (c.status === 'AWAITING_RESHIP') {
        return { tone: 'success', title: '已确认收货，请发出换货', detail: `请在${by(c)}发出换货（${c.exchangeNote ?? ''}），逾期将自动转为退款` };
      }
      if (c.status === 'NEGOTIATING') {
        return {
          tone: 'warn',
          title: '已确认收货：商品已拆封',
          detail: '7天无理由退回的商品已拆封，不能全额退款：请与买家协商折价退款，或等待买家补充未使用证明',
        };
      }
      return afterApproval('已确认收货', c);
    case 'addEvidence':
      return { tone: 'success', title: '质检报告已上传', detail: '已加入售后凭证，平台核查时可作为举证' };
    case 'retryRefund':
      return c.status === 'REFUND_FAILED' ? refundBlocked('重新退款仍未成功', c) : afterApproval('已重新发起退款', c);
    case 'reship':
      return { tone: 'success', title: '已发出换货', detail: `买家会收到物流通知，${by(c)}未确认将自动确认收货` };
    case 'convertToRefund':
      return afterApproval('已转为退款', c);
    case 'message':
      return { tone: 'success', title: '留言已发送' };
    case 'requestEvidence':
      return {
        tone: 'success',
        title: '已请买家补充凭证',
        detail: `买家补充后你会收到通知；处理时限不变${c.deadlineAt === undefined ? '' : `，请在${by(c)}处理`}`,
      };
    case 'decide':
      return c.status === 'CLOSED'
        ? { tone: 'success', title: '已驳回买家申请', detail: '平台处理结果为最终结果，售后单已关闭' }
        : afterApproval(c.type === 'EXCHANGE' ? '已裁定支持' : '已裁定同意退款', c);
  }
}
