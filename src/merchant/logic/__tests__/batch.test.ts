import type { AfterSaleCase } from '../../../../types/domain';
import { CATALOGUE } from '../../../core/errors';
import { mcase } from '../../__fixtures__/cases';
import { approveEach, summarizeBatch } from '../batch';

const describe_ = (e: unknown) => {
  const code = (e as { code?: string }).code ?? 'INTERNAL_ERROR';
  return { code, message: `失败:${code}`, solution: `怎么办:${code}` };
};

describe('batch approve result summary', () => {
  it('approves every case in order, a refusal in the middle does not stop the rest', async () => {
    const seen: string[] = [];
    const results = await approveEach(
      ['A', 'B', 'C'],
      async (id) => {
        seen.push(id);
        if (id === 'B') throw { code: 'CASE_STATE_CHANGED' };
        return mcase({ _id: id, status: 'REFUNDING' });
      },
      describe_,
    );
    expect(seen).toEqual(['A', 'B', 'C']);
    expect(results.map((r) => [r.caseId, r.ok])).toEqual([
      ['A', true],
      ['B', false],
      ['C', true],
    ]);
    expect(results[1]).toMatchObject({ code: 'CASE_STATE_CHANGED', message: '失败:CASE_STATE_CHANGED' });
  });

  it('reports progress after each case', async () => {
    const progress: string[] = [];
    await approveEach(['A', 'B'], async (id) => mcase({ _id: id }), describe_, (d, t) => progress.push(`${d}/${t}`));
    expect(progress).toEqual(['1/2', '2/2']);
  });

  it('sums up approved, approved-but-not-paid (R5) and refused, one line per case with the fix', async () => {
    const blocked: AfterSaleCase = mcase({
      _id: 'B',
      status: 'REFUND_FAILED',
      lastError: { code: 'MERCHANT_ACCOUNT_ABNORMAL', ...CATALOGUE.MERCHANT_ACCOUNT_ABNORMAL },
    });
    const results = await approveEach(
      ['A', 'B', 'C', 'D'],
      async (id) => {
        if (id === 'B') return blocked;
        if (id === 'C') throw { code: 'INVALID_INPUT' };
        return mcase({ _id: id, status: id === 'D' ? 'AWAITING_RETURN' : 'REFUNDING' });
      },
      describe_,
    );
    const s = summarizeBatch(results);
    expect(s.title).toBe('已同意 3 单，其中 1 单退款未发起，1 单未处理');
    expect([s.approved, s.refundBlocked, s.failed]).toEqual([3, 1, 1]);
    expect(s.rows).toEqual([
      { caseId: 'A', ok: true, text: '已同意，退款处理中', solution: undefined },
      {
        caseId: 'B',
        ok: false,
        text: `已同意，但退款未发起：${CATALOGUE.MERCHANT_ACCOUNT_ABNORMAL.message}`,
        solution: CATALOGUE.MERCHANT_ACCOUNT_ABNORMAL.solution,
      },
      { caseId: 'C', ok: false, text: '失败:INVALID_INPUT', solution: '怎么办:INVALID_INPUT' },
      { caseId: 'D', ok: true, text: '已同意，等待买家寄回商品', solution: undefined },
    ]);
  });

  it('says so plainly when everything went through', () => {
    expect(summarizeBatch([{ caseId: 'A', ok: true, status: 'REFUNDING' }]).title).toBe('已同意 1 单');
  });
});
