import type { ApiError, ErrorCode } from '../../types/errors';

interface CatalogueEntry {
  message: string;
  /** From the seed's 解决 / 标准 / 示例 / 操作 / 应对 / 处理 / 要求 lines where one applies. */
  solution: string;
}

/** The Chinese message and solution of every error code. */
export const CATALOGUE: Record<ErrorCode, CatalogueEntry> = {
  INVALID_INPUT: { message: '填写的信息有误', solution: '请按提示修改后重新提交' },
  FORBIDDEN: { message: '无权进行此操作', solution: '请确认当前登录的微信账号：买家只能查看自己的订单和售后，商家只能处理本店的售后' },
  NOT_FOUND: { message: '没有找到对应的记录', solution: '请返回列表刷新后重试' },
  CASE_STATE_CHANGED: { message: '售后单状态已变化，本次操作未生效', solution: '请刷新页面查看最新状态后再操作' },
  CASE_ALREADY_OPEN: { message: '该商品已有进行中的售后申请', solution: '请在原售后单中继续处理，或撤销原申请后重新提交' },
  ORDER_STATUS_INVALID: {
    message: '订单尚未发货，暂不能申请售后',
    solution: '检查订单是否已完成发货/签收，未完成订单需先取消交易',
  },
  AFTER_SALE_WINDOW_EXPIRED: {
    message: '已超过售后时限',
    solution: '普通商品7天无理由需在签收后15天内申请；如有质量问题请联系商家客服协商',
  },
  AMOUNT_EXCEEDS_LIMIT: {
    message: '退款金额超出限制',
    solution: '单笔退款不超过订单实付金额105%，全年累计不超过50万元；请调整退款金额',
  },
  PAYMENT_CHANNEL_RESTRICTED: {
    message: '支付渠道限制，暂不能原路退款',
    solution: '信用卡支付需联系发卡行确认退款路径，第三方支付需平台审批；商家可与买家协商改为指定账户退款',
  },
  MERCHANT_ACCOUNT_ABNORMAL: {
    message: '商家账户异常，退款暂未打款',
    solution: '立即补全企业资质，完成微信支付商户号实名认证；认证完成后系统会自动重新退款',
  },
  GOODS_UNSEALED: {
    message: '商品已拆封，影响二次销售，暂不能全额退款',
    solution: '提供未经使用证明，或协商折价退款',
  },
  RISK_CONTROL_TRIGGERED: {
    message: '近期退款次数较多，已触发风控',
    solution: '联系微信支付客服提交申诉材料解除限制',
  },
  REFUND_SYNC_DELAYED: {
    message: '退款已发起，银行到账可能有延迟',
    solution: '48小时未到账可提交工单查询交易流水号，请耐心等待',
  },
  LOGISTICS_EVIDENCE_MISSING: {
    message: '物流信息缺失',
    solution: '提供完整的物流追踪记录作为退款凭证（如物流截图）',
  },
  NOT_RETURNABLE: {
    message: '该商品不支持此类售后',
    solution: '定制商品已在下单前告知不可退换，虚拟商品激活使用后不可退；如有质量问题请选择“质量问题”并上传凭证',
  },
  EVIDENCE_REQUIRED: {
    message: '请上传凭证',
    solution: '需具体描述问题并上传凭证（如商品照片、物流截图等）',
  },
  DISPUTE_DECIDED: {
    message: '平台已对该商品的售后争议作出最终判定，不能再次申请售后',
    solution: '平台介入后出具的处理方案为最终结果；单笔争议金额≥500元可通过微信小法庭在线调解，其他问题请通过微信客服入口、客服电话或公众号留言联系商家协商',
  },
  REFUND_ABNORMAL: {
    message: '退款异常，款项未能原路退回',
    solution: '商家可改为转入指定账户或线下退款，并上传退款凭证',
  },
  REFUND_CLOSED: {
    message: '退款单已关闭',
    solution: '系统会以新的退款单号自动重新退款，无需操作',
  },
  INTERNAL_ERROR: { message: '系统繁忙，请稍后再试', solution: '请稍后重试；多次失败请联系客服' },
};

export interface DomainErrorOptions {
  field?: string;
  rule?: string;
  /** Overrides the catalogue's message (e.g. which field is wrong). */
  message?: string;
  solution?: string;
}

/** The one error type of the core and the use cases; the host turns it into the reply envelope. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly rule?: string;
  readonly solution: string;

  constructor(code: ErrorCode, opts: DomainErrorOptions = {}) {
    super(opts.message ?? CATALOGUE[code].message);
    this.name = 'DomainError';
    this.code = code;
    this.field = opts.field;
    this.rule = opts.rule;
    this.solution = opts.solution ?? CATALOGUE[code].solution;
  }

  toApiError(): ApiError {
    const e: ApiError = { code: this.code, message: this.message, solution: this.solution };
    if (this.field !== undefined) e.field = this.field;
    if (this.rule !== undefined) e.rule = this.rule;
    return e;
  }
}

export function invalidInput(field: string, message: string): DomainError {
  return new DomainError('INVALID_INPUT', { field, message });
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
