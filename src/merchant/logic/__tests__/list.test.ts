import { mcase, pendingCases } from '../../__fixtures__/cases';
import { appendPage, replaceCase } from '../list';

describe('panel sorting: pages keep the server order', () => {
  it('appends the next page after the rows already shown, in the order the server sent', () => {
    const first = pendingCases(3);
    const second = pendingCases(3, 3);
    const shown = appendPage(appendPage([], first), second);
    expect(shown.map((c) => c._id)).toEqual(['AS0000', 'AS0001', 'AS0002', 'AS0003', 'AS0004', 'AS0005']);
    const deadlines = shown.map((c) => c.deadlineAt ?? 0);
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
  });

  it('never repeats a case that reappears on the next page, and keeps its first place with the newer data', () => {
    const [a, b, c] = pendingCases(3);
    const bNewer = { ...b, version: b.version + 1, amountFen: 1 };
    const shown = appendPage([a, b], [bNewer, c]);
    expect(shown.map((x) => x._id)).toEqual([a._id, b._id, c._id]);
    expect(shown[1].amountFen).toBe(1);
  });

  it('ignores an older copy of a case already shown', () => {
    const a = mcase({ version: 5, amountFen: 500 });
    const shown = appendPage([a], [{ ...a, version: 4, amountFen: 400 }]);
    expect(shown[0].amountFen).toBe(500);
  });

  it('replaceCase drops a case that left the tab and updates one that stays', () => {
    const [a, b] = pendingCases(2);
    const approved = { ...a, status: 'REFUNDING' as const, version: a.version + 1 };
    expect(replaceCase([a, b], approved, (c) => c.status === 'PENDING').map((c) => c._id)).toEqual([b._id]);
    expect(replaceCase([a, b], approved, () => true)[0].status).toBe('REFUNDING');
  });
});
