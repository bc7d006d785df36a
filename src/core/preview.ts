/**
 * What the buyer sees before applying (SPEC §4 `preview`): the verdict of every rule, the most
 * refundable amount, the fee, the deadlines that will apply and the notices of R2, R4, R12, R13,
 * R15, R19, R20 and R29. The apply page calls it on every keystroke, so it stays allocation-light.
 */
import type { DraftApplication, Deadlines, Notice, PreviewResult } from '../../types/api';
import type { Fen } from '../../types/domain';
import type { RuleContext } from './context';
import { formatYuan } from './money';
import { applyBy, evaluateApplication, isReturn, isSellerResponsible, paymentRefundBy, refundFee, windowDaysFor } from './rules';
import { LIMITS } from './settings';
import { DAY_MS, HOUR_MS } from './time';

export { coversShipping, maxRefundableFen, refundFee } from './rules';

/** `2026-11-25 20:05`, Shanghai time (UTC+8 all year), without dayjs on the keystroke path. */
function shanghaiMinute(at: number): string {
  const d = new Date(at + 8 * HOUR_MS);
  const p = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

function deadlinesOf(ctx: RuleContext, draft: DraftApplication): Deadlines {
  const s = ctx.shop.settings;
  const d: Deadlines = {
    paymentRefundBy: paymentRefundBy(ctx.order),
    autoApproveAt: ctx.now + s.autoApproveHours * HOUR_MS,
  };
  const by = applyBy(ctx.order, s, draft.reason);
  if (by !== undefined) d.applyBy = by;
  if (isReturn(draft.type)) {
    d.returnShipBy = ctx.now + s.returnShipDays * DAY_MS;
    // The merchant's 10 days run from the shipment; this is the latest it can come to if the buyer ships last-minute.
    d.receiptConfirmBy = d.returnShipBy + s.receiptConfirmDays * DAY_MS;
  }
  return d;
}

function noticesOf(
  ctx: RuleContext,
  draft: DraftApplication,
  lineOf: readonly number[],
  deadlines: Deadlines,
  feeFen: Fen,
): Notice[] {
  const { order, shop } = ctx;
  const s = shop.settings;
  const notices: Notice[] = [];

  if (deadlines.applyBy !== undefined) {
    notices.push({
      rule: 'R2',
      text: `签收后${windowDaysFor(s, draft.reason)}天内可申请售后，截止${shanghaiMinute(deadlines.applyBy)}`,
    });
  }

  if (order.payChannel === 'CREDIT_CARD') {
    notices.push({
      rule: 'R4',
      text: '信用卡支付的订单，退款需联系发卡行确认退款路径；如发卡行拒绝原路退回，商家可与您协商退到指定账户',
    });
  } else if (order.payChannel === 'THIRD_PARTY') {
    notices.push({
      rule: 'R4',
      text: '第三方支付的订单，退款需平台审批；如支付渠道拒绝原路退回，商家可与您协商退到指定账户',
    });
  }

  let crossBorder = false;
  for (const li of lineOf) {
    if (li < 0) continue;
    const line = order.items[li];
    if (line.kind === 'CROSS_BORDER') {
      if (!crossBorder) {
        crossBorder = true;
        notices.push({ rule: 'R12', text: '跨境商品退货需由您承担退货运费及税费' });
        if (s.customsFeeFen > 0) {
          notices.push({ rule: 'R12', text: `跨境商品将从退款中扣除清关手续费${formatYuan(s.customsFeeFen)}` });
        }
      }
      if (line.localAfterSale === true) {
        notices.push({ rule: 'R12', text: `「${line.title}」支持本地售后，请退回商家提供的国内地址` });
      }
    } else if (line.kind === 'CUSTOM' && line.customNoticeShown === true) {
      notices.push({
        rule: 'R13',
        text: `「${line.title}」是定制商品，下单前已告知不可退换，仅支持质量问题等商家责任的售后`,
      });
    } else if (line.kind === 'FRESH') {
      notices.push({
        rule: 'R15',
        text: `「${line.title}」是生鲜商品，质量问题请上传签收时拍摄的照片（标记为“签收”），商家会用发货质检报告对比`,
      });
    }
  }

  if (draft.type === 'EXCHANGE') {
    // SPEC §5: no money moves; out of stock, the shop refunds instead.
    notices.push({
      rule: 'EXCHANGE',
      text: `换货不退款、不收手续费：商家收到退货后${LIMITS.reshipHours}小时内发出新商品；如无货，将按可退金额为您退款`,
    });
    if (order.insured === true) notices.push({ rule: 'R29', text: '本订单已投保退货运费险，寄回运费由运费险承担' });
    return notices;
  }

  notices.push({ rule: 'R19', text: '退款默认原路返回；如需退到指定账户，需与商家协商一致' });

  notices.push(
    isSellerResponsible(draft.reason)
      ? {
          rule: 'R20',
          text: `商家责任退款，平台手续费${formatYuan(feeFen)}（费率${s.platformFeeRateBp / 100}%）由商家承担，不从您的退款中扣除`,
        }
      : { rule: 'R20', text: '非卖家责任的退款免收手续费' },
  );

  if (order.insured === true) {
    notices.push({ rule: 'R29', text: '本订单已投保退货运费险，退货运费由运费险承担' });
  }
  return notices;
}

/** R20 for an exchange: no money moves, so no fee (SPEC §5). */
const NO_FEE = { feeFen: 0, feeBearer: 'NONE' as const };

/** SPEC §4 `preview`: always an answer, never a change. */
export function preview(ctx: RuleContext, draft: DraftApplication): PreviewResult {
  const ev = evaluateApplication(ctx, draft);
  const asked = draft.amountFen;
  const amountFen = asked !== undefined && Number.isInteger(asked) && asked > 0 ? asked : ev.maxFen;
  const fee = draft.type === 'EXCHANGE' ? NO_FEE : refundFee(amountFen, draft.reason, ctx.shop.settings);
  const deadlines = deadlinesOf(ctx, draft);
  return {
    eligible: ev.violations.length === 0,
    violations: ev.violations,
    maxRefundableFen: ev.maxFen,
    feeFen: fee.feeFen,
    feeBearer: fee.feeBearer,
    deadlines,
    notices: noticesOf(ctx, draft, ev.lineOf, deadlines, fee.feeFen),
  };
}
