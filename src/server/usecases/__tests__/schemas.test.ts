import { DomainError } from '../../../core/errors';
import { parseAction, schemas } from '../../schemas';
import { ACTION_NAMES, SAMPLES } from './support/samples';

function fieldOf(body: unknown): string | undefined {
  try {
    parseAction(body);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'INVALID_INPUT') return e.field;
    throw e;
  }
  return undefined;
}

const apply = SAMPLES.apply;

describe('parseAction (R30)', () => {
  test('there is a schema for every action and a sample for every schema', () => {
    expect(ACTION_NAMES.sort()).toEqual(Object.keys(schemas).sort());
  });

  test.each(ACTION_NAMES)('%s: its well-formed sample passes unchanged', (action) => {
    const parsed = parseAction({ ...SAMPLES[action], action });
    expect(parsed.action).toBe(action);
    expect(parsed.input).toEqual(SAMPLES[action]);
  });

  test.each(ACTION_NAMES)('%s: an unknown key is refused and named', (action) => {
    expect(fieldOf({ ...SAMPLES[action], action, sneaky: 1 })).toBe('sneaky');
  });

  test.each([
    ['null', null],
    ['an array', [{ action: 'whoami' }]],
    ['a string', 'action=whoami'],
    ['a number', 42],
    ['undefined', undefined],
  ])('a body that is %s is INVALID_INPUT on `body`', (_what, body) => {
    expect(fieldOf(body)).toBe('body');
  });

  test.each([['nope'], ['constructor'], ['__proto__'], ['toString'], [''], [7], [null]])(
    'action %p is INVALID_INPUT on `action`',
    (action) => {
      expect(fieldOf({ action })).toBe('action');
    },
  );

  test('a missing action is INVALID_INPUT on `action`', () => {
    expect(fieldOf({ caseId: 'AS1' })).toBe('action');
  });

  test('no coercion: a fen given as a string, a float or a boolean is refused', () => {
    expect(fieldOf({ ...apply, action: 'apply', amountFen: '5000' })).toBe('amountFen');
    expect(fieldOf({ ...apply, action: 'apply', amountFen: 50.5 })).toBe('amountFen');
    expect(fieldOf({ ...apply, action: 'apply', amountFen: true })).toBe('amountFen');
    expect(fieldOf({ ...apply, action: 'apply', amountFen: 0 })).toBe('amountFen');
    expect(fieldOf({ ...apply, action: 'apply', amountFen: -1 })).toBe('amountFen');
    expect(fieldOf({ ...apply, action: 'apply', amountFen: 1e300 })).toBe('amountFen');
  });

  test('the first bad field is named as a dotted path', () => {
    expect(fieldOf({ ...apply, action: 'apply', items: [{ skuId: 'tshirt', qty: 1 }, { skuId: 'x', qty: 1.5 }] })).toBe('items.1.qty');
    expect(fieldOf({ ...apply, action: 'apply', items: [{ skuId: 'tshirt', qty: '1' }] })).toBe('items.0.qty');
    expect(fieldOf({ ...apply, action: 'apply', items: [{ skuId: 'tshirt', qty: 1, price: 1 }] })).toBe('items.0.price');
    expect(fieldOf({ ...apply, action: 'apply', evidence: [{ ...apply.evidence[0], sha256: 'xyz' }] })).toBe('evidence.0.sha256');
    expect(fieldOf({ ...apply, action: 'apply', evidence: [{ ...apply.evidence[0], tag: 'selfie' }] })).toBe('evidence.0.tag');
  });

  test('a Mongo-style operator in an id field is refused, not passed to a query', () => {
    expect(fieldOf({ action: 'get', caseId: { $ne: null } })).toBe('caseId');
    expect(fieldOf({ action: 'order.get', orderId: { $gt: '' } })).toBe('orderId');
    expect(fieldOf({ action: 'get', caseId: ['AS1'] })).toBe('caseId');
    expect(fieldOf({ action: 'get', caseId: 'AS1; DROP TABLE cases' })).toBe('caseId');
    expect(fieldOf({ action: 'get', caseId: 'x'.repeat(65) })).toBe('caseId');
  });

  test('__proto__ and constructor keys are refused and pollute nothing', () => {
    const body = JSON.parse('{"action":"get","caseId":"AS1","__proto__":{"polluted":true}}') as unknown;
    expect(fieldOf(body)).toBe('__proto__');
    expect(fieldOf(JSON.parse('{"action":"get","caseId":"AS1","constructor":{"prototype":{"polluted":true}}}'))).toBe('constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('an object whose prototype is not Object is not a body', () => {
    class Sneaky {
      action = 'whoami';
    }
    expect(fieldOf(new Sneaky())).toBe('body');
  });

  test('strings are capped: a huge description is refused at the schema, a long one goes on to R22', () => {
    expect(fieldOf({ ...apply, action: 'apply', description: '很'.repeat(2_001) })).toBe('description');
    expect(fieldOf({ ...apply, action: 'apply', description: '很'.repeat(600) })).toBeUndefined();
    expect(fieldOf({ action: 'escalate', caseId: 'AS1', note: '啊'.repeat(501) })).toBe('note');
  });

  test('evidence file ids are local:// or cloud:// paths without ..', () => {
    const ev = apply.evidence[0];
    expect(fieldOf({ ...apply, action: 'apply', evidence: [{ ...ev, fileId: 'https://evil.example/a.jpg' }] })).toBe('evidence.0.fileId');
    expect(fieldOf({ ...apply, action: 'apply', evidence: [{ ...ev, fileId: 'local://evidence/buyer_alice/../buyer_bob/a.jpg' }] })).toBe(
      'evidence.0.fileId',
    );
    expect(fieldOf({ ...apply, action: 'apply', evidence: [{ ...ev, fileId: 'cloud://env-1.abc/evidence/buyer_alice/a.jpg' }] })).toBeUndefined();
  });

  test('the stats range must run forwards', () => {
    expect(fieldOf({ action: 'merchant.stats', from: 10, to: 10 })).toBe('to');
    expect(fieldOf({ action: 'merchant.stats', from: 10, to: 11 })).toBeUndefined();
  });

  test('the identity cannot ride in the body', () => {
    expect(fieldOf({ action: 'whoami', openid: 'merchant_owner' })).toBe('openid');
    expect(fieldOf({ action: 'get', caseId: 'AS1', buyerOpenid: 'buyer_bob' })).toBe('buyerOpenid');
  });

  test('the message is Chinese and names the field', () => {
    try {
      parseAction({ ...apply, action: 'apply', amountFen: '5000' });
      throw new Error('not refused');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).message).toBe('「退款金额」填写有误');
    }
  });
});

describe('merchant.settings.set patch bounds', () => {
  const set = (patch: Record<string, unknown>) => fieldOf({ action: 'merchant.settings.set', ...patch });

  test('the hotline is 11 digits, or empty to remove it (R28)', () => {
    expect(set({ hotline: '13800138000' })).toBeUndefined();
    expect(set({ hotline: '' })).toBeUndefined();
    expect(set({ hotline: '1380013800' })).toBe('hotline');
    expect(set({ hotline: '138001380001' })).toBe('hotline');
    expect(set({ hotline: '1380013800a' })).toBe('hotline');
  });

  test('windows that protect the buyer may only be lengthened (R2, R23, R24)', () => {
    expect(set({ windowDays: 15 })).toBeUndefined();
    expect(set({ windowDays: 14 })).toBe('windowDays');
    expect(set({ windowDaysByReason: { QUALITY: 30 } })).toBeUndefined();
    expect(set({ windowDaysByReason: { QUALITY: 7 } })).toBe('windowDaysByReason.QUALITY');
    expect(set({ windowDaysByReason: { SOMETHING: 30 } })).toMatch(/^windowDaysByReason/);
    expect(set({ returnShipDays: 6 })).toBe('returnShipDays');
    expect(set({ escalateDays: 6 })).toBe('escalateDays');
    expect(set({ offerAnswerHours: 47 })).toBe('offerAnswerHours');
  });

  test('deadlines on the merchant may only be shortened (R16, R23)', () => {
    expect(set({ autoApproveHours: 24 })).toBeUndefined();
    expect(set({ autoApproveHours: 49 })).toBe('autoApproveHours');
    expect(set({ receiptConfirmDays: 11 })).toBe('receiptConfirmDays');
  });

  test('R20 the fee rate is the platform’s: any platformFeeRateBp in the shop’s patch is refused, naming the field', () => {
    for (const v of [0, 60, 10_000, -1, '0.6']) expect(set({ platformFeeRateBp: v })).toBe('platformFeeRateBp');
    try {
      parseAction({ action: 'merchant.settings.set', hotline: '13800138000', platformFeeRateBp: 0 });
      throw new Error('not refused');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).message).toContain('平台');
    }
    // Only that action's top-level field gets the platform's wording; an unknown `constructor` stays unknown.
    expect(set({ constructor: 1 })).toBe('constructor');
  });

  test('the return address needs a phone a courier can call (R33)', () => {
    expect(set({ returnAddress: { name: '王店长', phone: '13800138000', address: '杭州市余杭区文一西路100号' } })).toBeUndefined();
    expect(set({ returnAddress: { name: '王店长', phone: '12345', address: '杭州市余杭区文一西路100号' } })).toBe('returnAddress.phone');
  });
});
