import { resetTaroMock } from '../../../test/taro/taro';
import { buyerCase } from '../../../test/taro/buyerFixtures';
import { callAfterSale, CloudError } from '../../services/cloud';
import { CASE_PAGE_SIZE, useCasesStore } from '../cases';

jest.mock('../../services/cloud', () => {
  const actual = jest.requireActual('../../services/cloud');
  return { ...actual, callAfterSale: jest.fn() };
});
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;

const pageOf = (ids: string[], nextCursor: string | null) => ({ items: ids.map((id) => buyerCase({ _id: id })), nextCursor });

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
});

describe('my after-sales list paging', () => {
  it('loads page after page with the cursor, then stops when there is no next cursor', async () => {
    call.mockResolvedValueOnce(pageOf(['c1', 'c2'], 'cur-2')).mockResolvedValueOnce(pageOf(['c3'], null));
    const s = useCasesStore.getState();
    await s.loadList('ALL', 'refresh');
    await s.loadList('ALL', 'more');
    await s.loadList('ALL', 'more');
    expect(call.mock.calls).toEqual([
      ['listMine', { limit: CASE_PAGE_SIZE }],
      ['listMine', { cursor: 'cur-2', limit: CASE_PAGE_SIZE }],
    ]);
    const list = useCasesStore.getState().lists.ALL;
    expect(list.items.map((c) => c._id)).toEqual(['c1', 'c2', 'c3']);
    expect(list.nextCursor).toBeNull();
  });

  it('asks for one page when the list end is reached twice before the answer', async () => {
    call.mockResolvedValueOnce(pageOf(['c1'], 'cur-2'));
    await useCasesStore.getState().loadList('ALL', 'refresh');
    let resolve!: (v: ReturnType<typeof pageOf>) => void;
    call.mockImplementationOnce(() => new Promise((r) => (resolve = r)) as ReturnType<typeof callAfterSale>);
    const a = useCasesStore.getState().loadList('ALL', 'more');
    const b = useCasesStore.getState().loadList('ALL', 'more');
    resolve(pageOf(['c2'], null));
    await Promise.all([a, b]);
    expect(call).toHaveBeenCalledTimes(2);
    expect(useCasesStore.getState().lists.ALL.items.map((c) => c._id)).toEqual(['c1', 'c2']);
  });

  it('filters by status, and pull-to-refresh starts again from the first page', async () => {
    call.mockResolvedValueOnce(pageOf(['c1'], 'cur-2')).mockResolvedValueOnce(pageOf(['c9'], null));
    await useCasesStore.getState().loadList('PENDING', 'refresh');
    await useCasesStore.getState().loadList('PENDING', 'refresh');
    expect(call.mock.calls[0]).toEqual(['listMine', { status: 'PENDING', limit: CASE_PAGE_SIZE }]);
    expect(call.mock.calls[1]).toEqual(['listMine', { status: 'PENDING', limit: CASE_PAGE_SIZE }]);
    expect(useCasesStore.getState().lists.PENDING.items.map((c) => c._id)).toEqual(['c9']);
  });

  it('keeps what was loaded and shows the catalogue message when a page fails', async () => {
    call.mockResolvedValueOnce(pageOf(['c1'], 'cur-2'));
    await useCasesStore.getState().loadList('ALL', 'refresh');
    call.mockRejectedValueOnce(new CloudError({ code: 'INTERNAL_ERROR', message: '网络异常，请求没有发出', solution: '请检查网络后重试' }));
    await useCasesStore.getState().loadList('ALL', 'more');
    const list = useCasesStore.getState().lists.ALL;
    expect(list.items.map((c) => c._id)).toEqual(['c1']);
    expect(list.error).toEqual({ message: '网络异常，请求没有发出', solution: '请检查网络后重试' });
    expect(list.nextCursor).toBe('cur-2');
  });

  it('moves a case between filtered lists when an action changes its status', async () => {
    call.mockResolvedValueOnce(pageOf(['c1', 'c2'], null)).mockResolvedValueOnce({ items: [], nextCursor: null });
    await useCasesStore.getState().loadList('PENDING', 'refresh');
    await useCasesStore.getState().loadList('REFUNDING', 'refresh');
    call.mockResolvedValueOnce(buyerCase({ _id: 'c1', status: 'CANCELLED' }));
    await useCasesStore.getState().act('cancel', { caseId: 'c1' });
    expect(useCasesStore.getState().lists.PENDING.items.map((c) => c._id)).toEqual(['c2']);
    useCasesStore.getState().remember(buyerCase({ _id: 'c2', status: 'REFUNDING' }));
    expect(useCasesStore.getState().lists.PENDING.items).toEqual([]);
    expect(useCasesStore.getState().lists.REFUNDING.items.map((c) => c._id)).toEqual(['c2']);
    expect(useCasesStore.getState().byId.c1.status).toBe('CANCELLED');
  });

  it('runs one action at a time per case', async () => {
    let resolve!: (v: ReturnType<typeof buyerCase>) => void;
    call.mockImplementationOnce(() => new Promise((r) => (resolve = r)) as ReturnType<typeof callAfterSale>);
    const first = useCasesStore.getState().act('cancel', { caseId: 'c1' });
    expect(useCasesStore.getState().busy.c1).toBe('cancel');
    await expect(useCasesStore.getState().act('cancel', { caseId: 'c1' })).resolves.toBeUndefined();
    resolve(buyerCase({ _id: 'c1', status: 'CANCELLED' }));
    await first;
    expect(call).toHaveBeenCalledTimes(1);
    expect(useCasesStore.getState().busy.c1).toBeUndefined();
  });
});
