import type { AfterSaleCase, Order } from '../../../types/domain';
import { REASONS } from '../../../types/domain';
import { charGrams, classify, train } from '../classifier';
import { LABELLED_EXAMPLES, REASON_LABELS } from '../classifier-data';
import { withDefaults } from '../settings';
import { suggest } from '../suggestion';
import { DAY_MS } from '../time';
import { makeCase, makeEvidence, makeItem, makeOrder, T0 } from './fixtures';

const settings = withDefaults();

function accuracy(heldOut: (i: number) => boolean): { correct: number; total: number } {
  const model = train(LABELLED_EXAMPLES.filter((_, i) => !heldOut(i)));
  const test = LABELLED_EXAMPLES.filter((_, i) => heldOut(i));
  const correct = test.filter((e) => classify(e.text, model).reason === e.reason).length;
  return { correct, total: test.length };
}

describe('R26 the labelled list', () => {
  it('has at least 20 distinct examples for each of the 6 reasons', () => {
    for (const r of REASONS) {
      const texts = LABELLED_EXAMPLES.filter((e) => e.reason === r).map((e) => e.text);
      expect(texts.length).toBeGreaterThanOrEqual(20);
      expect(new Set(texts).size).toBe(texts.length);
    }
    expect(new Set(LABELLED_EXAMPLES.map((e) => e.text)).size).toBe(LABELLED_EXAMPLES.length);
  });
});

describe('R26 classify', () => {
  it('is right on at least 80% of a held-out fifth (every 5th example), trained on the rest', () => {
    const { correct, total } = accuracy((i) => i % 5 === 4);
    const folds = [0, 1, 2, 3, 4].map((k) => accuracy((i) => i % 5 === k));
    const mean = folds.reduce((s, f) => s + f.correct / f.total, 0) / folds.length;
    console.log(
      `classifier held-out accuracy: ${correct}/${total} = ${((100 * correct) / total).toFixed(1)}% ` +
        `(five-fold mean ${(100 * mean).toFixed(1)}%, ${LABELLED_EXAMPLES.length} examples)`,
    );
    expect(correct / total).toBeGreaterThanOrEqual(0.8);
  });

  it('reads typical descriptions as a shop would file them', () => {
    expect(classify('快递显示签收了但是我没收到').reason).toBe('LOGISTICS');
    expect(classify('不想要了，买多了').reason).toBe('NO_REASON');
    expect(classify('少发了一件，只收到一件').reason).toBe('MISSING_ITEM');
    expect(classify('鞋子开胶了，质量太差').reason).toBe('QUALITY');
    expect(classify('颜色和图片差别太大').reason).toBe('NOT_AS_DESCRIBED');
  });

  it('gives probabilities that sum to 1, the chosen reason the most likely', () => {
    const c = classify('耳机一边没声音');
    const sum = REASONS.reduce((s, r) => s + c.scores[r], 0);
    expect(sum).toBeCloseTo(1, 9);
    expect(c.confidence).toBe(c.scores[c.reason]);
    for (const r of REASONS) expect(c.scores[r]).toBeLessThanOrEqual(c.confidence);
  });

  it('says OTHER with confidence 0 for a text it knows nothing of', () => {
    expect(classify('')).toMatchObject({ reason: 'OTHER', confidence: 0 });
    expect(classify('🙂🙂 ？！')).toMatchObject({ reason: 'OTHER', confidence: 0 });
  });

  it('folds full-width letters and splits n-grams at punctuation', () => {
    expect(charGrams('ＡＢ，c')).toEqual(['a', 'b', 'ab', 'c']);
    expect(charGrams('漏漏漏')).toEqual(['漏', '漏漏', '漏漏漏']);
  });

  it('has a label for every reason', () => {
    for (const r of REASONS) expect(REASON_LABELS[r]).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('R26 suggest', () => {
  const order = makeOrder();
  const photos = makeEvidence(2).map((e) => ({ ...e, by: 'BUYER' as const, at: T0 }));
  const video = makeEvidence(1, 'video').map((e) => ({ ...e, by: 'BUYER' as const, at: T0 }));
  const quality = (over: Partial<AfterSaleCase> = {}) =>
    makeCase({ reason: 'QUALITY', description: '衣服洗了一次就掉色，还开线了', createdAt: T0, ...over });

  it('seller-responsible reason with photos → APPROVE, saying why', () => {
    const s = suggest(quality({ evidence: photos }), order, settings);
    expect(s).toMatchObject({ reason: 'QUALITY', decision: 'APPROVE' });
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(s.why.join('')).toContain('2张照片');
  });

  it('quality claim without photos → ASK_EVIDENCE', () => {
    const s = suggest(quality(), order, settings);
    expect(s.decision).toBe('ASK_EVIDENCE');
    expect(s.why.join('')).toContain('未上传照片');
  });

  it('a valuable item without an unboxing video → ASK_EVIDENCE; with one → APPROVE', () => {
    const dear: Order = makeOrder({ items: [makeItem({ unitFen: 150_000, paidFen: 300_000 })] });
    expect(suggest(quality({ evidence: photos }), dear, settings).why.join('')).toContain('开箱视频');
    expect(suggest(quality({ evidence: photos }), dear, settings).decision).toBe('ASK_EVIDENCE');
    expect(suggest(quality({ evidence: [...photos, ...video] }), dear, settings).decision).toBe('APPROVE');
  });

  it('a logistics claim is checked against the tracking record', () => {
    const s = suggest(makeCase({ reason: 'LOGISTICS', description: '物流显示签收了，我没收到', createdAt: T0 }), order, settings);
    expect(s.decision).toBe('APPROVE');
    expect(s.why.join('')).toContain('物流轨迹');
    const untracked = suggest(makeCase({ reason: 'LOGISTICS', description: '快递丢了', createdAt: T0 }), makeOrder({ logistics: undefined }), settings);
    expect(untracked.decision).toBe('ASK_EVIDENCE');
  });

  it('NO_REASON on custom goods, fresh food, an activated card, or as refund-only after delivery → REJECT', () => {
    const noReason = (o: Order, over: Partial<AfterSaleCase> = {}) =>
      suggest(makeCase({ reason: 'NO_REASON', type: 'RETURN_REFUND', description: '不想要了', createdAt: T0, ...over }), o, settings);
    const custom = noReason(makeOrder({ items: [makeItem({ kind: 'CUSTOM', customNoticeShown: true })] }));
    expect(custom.decision).toBe('REJECT');
    expect(custom.why.join('')).toContain('定制');
    expect(noReason(makeOrder({ items: [makeItem({ kind: 'FRESH' })] })).decision).toBe('REJECT');
    expect(noReason(makeOrder({ items: [makeItem({ kind: 'VIRTUAL', activated: true })] })).decision).toBe('REJECT');
    expect(noReason(order, { type: 'REFUND_ONLY' }).decision).toBe('REJECT');
    expect(noReason(order, { createdAt: (order.deliveredAt as number) + 15 * DAY_MS + 1 }).why.join('')).toContain('期限');
  });

  it('NO_REASON within policy → APPROVE the return, or the refund of goods not yet delivered', () => {
    const ret = suggest(makeCase({ reason: 'NO_REASON', type: 'RETURN_REFUND', description: '不想要了，没拆封', createdAt: T0 }), order, settings);
    expect(ret.decision).toBe('APPROVE');
    const inTransit = makeOrder({ status: 'SHIPPED', deliveredAt: undefined });
    expect(suggest(makeCase({ reason: 'NO_REASON', description: '不想要了', createdAt: T0 }), inTransit, settings).decision).toBe('APPROVE');
  });

  it('notes a text that reads unlike the chosen reason, and does not pay a 「不想要了」 as a quality case unasked', () => {
    const s = suggest(quality({ description: '不想要了，买重复了', evidence: photos }), order, settings);
    expect(s.reason).toBe('NO_REASON');
    expect(s.why.join('')).toContain('不一致');
    expect(s.decision).toBe('ASK_EVIDENCE');
  });

  it('OTHER: follows what the text says when it names a seller fault, else asks', () => {
    const reads = suggest(makeCase({ reason: 'OTHER', description: '少发了一件，只收到一件', evidence: photos, createdAt: T0 }), order, settings);
    expect(reads.decision).toBe('APPROVE');
    const vague = suggest(makeCase({ reason: 'OTHER', description: '想修改收货地址，重新下单', createdAt: T0 }), order, settings);
    expect(vague.decision).toBe('ASK_EVIDENCE');
    const empty = suggest(makeCase({ reason: 'OTHER', description: '  ', createdAt: T0 }), order, settings);
    expect(empty).toMatchObject({ reason: 'OTHER', confidence: 0, decision: 'ASK_EVIDENCE' });
  });

  it('shipping fee only: approve for a seller fault, reject otherwise', () => {
    const fee = (reason: AfterSaleCase['reason']) =>
      suggest(makeCase({ type: 'SHIPPING_FEE_ONLY', items: [], reason, description: '运费多收了', createdAt: T0 }), order, settings).decision;
    expect(fee('LOGISTICS')).toBe('APPROVE');
    expect(fee('NO_REASON')).toBe('REJECT');
  });

  it('mentions return insurance and the ¥500 legal threshold where they apply', () => {
    const s = suggest(
      makeCase({ type: 'RETURN_REFUND', reason: 'QUALITY', description: '屏幕有坏点', evidence: photos, amountFen: 50_000, createdAt: T0 }),
      makeOrder({ insured: true }),
      settings,
    );
    expect(s.why.join('')).toContain('运费险');
    expect(s.why.join('')).toContain('微信小法庭');
  });
});
