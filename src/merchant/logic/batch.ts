import type { AfterSaleCase, CaseStatus } from '../../../types/domain';
import type { ErrorCode } from '../../../types/errors';

export interface BatchRowResult {
  caseId: string;
  ok: boolean;
  /** The case's status after approval (REFUNDING, AWAITING_RETURN, or REFUND_FAILED when the refund could not start). */
  status?: CaseStatus;
  code?: ErrorCode | string;
  message?: string;
  solution?: string;
}

export interface BatchSummary {
  title: string;
  approved: number;
  /** Approved, but the money did not move (R4/R5/R31): the row says why and what to do. */
  refundBlocked: number;
  failed: number;
  rows: { caseId: string; ok: boolean; text: string; solution?: string }[];
}

type Describe = (e: unknown) => { code: string; message: string; solution: string };

/**
 * Approves the cases one after another, so each gets its own answer and a refusal (a case the buyer
 * just cancelled, a lost race) never stops the rest. Results keep the order of `caseIds`.
 */
export async function approveEach(
  caseIds: readonly string[],
  approve: (caseId: string) => Promise<AfterSaleCase>,
  describe: Describe,
  onProgress?: (done: number, total: number) => void,
): Promise<BatchRowResult[]> {
  const results: BatchRowResult[] = [];
  for (const caseId of caseIds) {
    try {
      const c = await approve(caseId);
      results.push({
        caseId,
        ok: true,
        status: c.status,
        code: c.lastError?.code,
        message: c.lastError?.message,
        solution: c.lastError?.solution,
      });
    } catch (e) {
      const d = describe(e);
      results.push({ caseId, ok: false, code: d.code, message: d.message, solution: d.solution });
    }
    onProgress?.(results.length, caseIds.length);
  }
  return results;
}

function approvedText(r: BatchRowResult): string {
  if (r.status === 'REFUND_FAILED') return `已同意，但退款未发起：${r.message ?? '退款失败'}`;
  if (r.status === 'AWAITING_RETURN') return '已同意，等待买家寄回商品';
  return '已同意，退款处理中';
}

export function summarizeBatch(results: readonly BatchRowResult[]): BatchSummary {
  const approved = results.filter((r) => r.ok).length;
  const refundBlocked = results.filter((r) => r.ok && r.status === 'REFUND_FAILED').length;
  const failed = results.length - approved;
  const parts = [`已同意 ${approved} 单`];
  if (refundBlocked > 0) parts.push(`其中 ${refundBlocked} 单退款未发起`);
  if (failed > 0) parts.push(`${failed} 单未处理`);
  return {
    title: parts.join('，'),
    approved,
    refundBlocked,
    failed,
    rows: results.map((r) =>
      r.ok
        ? { caseId: r.caseId, ok: r.status !== 'REFUND_FAILED', text: approvedText(r), solution: r.status === 'REFUND_FAILED' ? r.solution : undefined }
        : { caseId: r.caseId, ok: false, text: r.message ?? '未处理', solution: r.solution },
    ),
  };
}
