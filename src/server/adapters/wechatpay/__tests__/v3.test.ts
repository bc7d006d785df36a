/**
 * WeChat Pay v3 (SPEC §7) through the handlers on SQLite: a v3 shop's refunds go through its own
 * merchant account (signed requests, verified answers) to the v3 simulator, which plays the simulated
 * gateway's scenarios; callbacks count only when signed, fresh, new and decryptable, and even then the
 * refund query decides. A cloudPay shop beside it is untouched.
 */
import { generateKeyPairSync } from 'crypto';
import type { AfterSaleCase, Order, RefundScenario } from '../../../../../types/domain';
import { handleRefundNotify } from '../../../handler';
import { makeWorld, OTHER_OWNER, OTHER_SHOP, OWNER, refundOnly, SHOPS, type World } from '../../../usecases/__tests__/support/world';
import { handleWechatpayNotify } from '../../../wechatpayNotify';
import { LOCAL_V3_PAYMENT } from '../keys';
import { attachLocalWechatpay, type LocalWechatpay } from '../local';
import { NotifyRejected, verifyNotify, type NotifyRequest, type V3RefundResource } from '../notify';

let w: World;
let v3: LocalWechatpay;
/** Every v3 callback the simulator sent, and what the handler answered. */
let sent: { n: NotifyRequest; data: unknown }[];

const notify = (n: NotifyRequest) => handleWechatpayNotify(w.svc, { env: v3.env, nonces: v3.nonces }, n);

beforeEach(async () => {
  w = makeWorld();
  // The main shop pays through its own v3 account; OTHER_SHOP stays on the default (cloudPay-shaped) gateway.
  w.local.dev.seed({ shops: [{ ...SHOPS[0], settings: { payment: LOCAL_V3_PAYMENT } }] });
  sent = [];
  v3 = await attachLocalWechatpay(w.local, {
    transport: async (_url, n) => {
      const r = await notify(n);
      sent.push({ n, data: r.body.ok ? r.body.data : r.body.error });
      return r.status;
    },
  });
  v3.setNotifyUrl('http://127.0.0.1:9/api/wechatpayNotify');
  w.local.gateway.setCallback((event) => (v3.simulator.owns(event) ? v3.simulator.deliver(event) : handleRefundNotify(w.svc, event)));
});

afterEach(async () => {
  await v3.close();
  await w.close();
});

async function approved(scenario?: RefundScenario, o: Partial<Order> = {}): Promise<AfterSaleCase> {
  const order = w.seedOrder({ ...(scenario ? { refundScenario: scenario } : {}), ...o });
  const c = await w.ok(order.buyerOpenid, 'apply', refundOnly(w, order));
  const owner = order.shopId === OTHER_SHOP ? OTHER_OWNER : OWNER;
  const after = await w.ok(owner, 'merchant.approve', { caseId: c._id });
  expect(after.status).toBe('REFUNDING');
  return after;
}

const get = (c: AfterSaleCase) => w.ok(c.buyerOpenid, 'get', { caseId: c._id });
const books = (c: AfterSaleCase) =>
  w.local.db.prepare('SELECT out_refund_no, outcome, amount_fen FROM gateway_refunds WHERE case_id = ? ORDER BY rowid').all(c._id) as {
    out_refund_no: string;
    outcome: string;
    amount_fen: number;
  }[];

describe('a v3 shop refunds through its own merchant account', () => {
  test('SUCCESS: signed request reaches the simulator, the signed callback is verified, the query decides: REFUNDED', async () => {
    const c = await approved();
    expect(books(c)).toEqual([{ out_refund_no: `${c._id}-1`, outcome: 'SUCCESS', amount_fen: 5_000 }]);
    expect(v3.simulator.signErrors).toBe(0);
    expect(await w.settle()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toMatchObject({ outRefundNo: `${c._id}-1`, applied: true, caseId: c._id });
    const done = await get(c);
    expect(done.status).toBe('REFUNDED');
    expect(done.refunds.map((r) => r.status)).toEqual(['SUCCESS']);
    expect((await w.ok(c.buyerOpenid, 'verify', { caseId: c._id })).ok).toBe(true);
  });

  test('a cloudPay shop beside it still refunds through the default gateway (no v3 callback)', async () => {
    const c = await approved(undefined, { shopId: OTHER_SHOP });
    await w.settle();
    expect(sent).toHaveLength(0);
    expect((await get(c)).status).toBe('REFUNDED');
  });

  test('LATE: PROCESSING until the gateway settles; the sweep queries it then', async () => {
    const c = await approved('LATE');
    await w.settle();
    expect(sent).toHaveLength(0);
    expect((await get(c)).status).toBe('REFUNDING');
    w.clock.advance(2 * 3_600_000);
    await w.sweep();
    expect((await get(c)).status).toBe('REFUNDED');
  });

  test('ABNORMAL: the v3 callback names ABNORMAL, the query confirms it, the merchant may retry', async () => {
    const c = await approved('ABNORMAL');
    await w.settle();
    const after = await get(c);
    expect(after.refunds.map((r) => r.status)).toEqual(['ABNORMAL']);
    expect(after.lastError?.code).toBe('REFUND_ABNORMAL');
  });

  test('CLOSED: confirmed CLOSED by the query, retried under a new number, then paid once', async () => {
    const c = await approved('CLOSED');
    await w.settle();
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['CLOSED']);
    for (let i = 0; i < 3 && (await get(c)).status !== 'REFUNDED'; i += 1) {
      w.clock.advance(10 * 60_000);
      await w.sweep();
      await w.settle();
    }
    const done = await get(c);
    expect(done.status).toBe('REFUNDED');
    expect(done.refunds.map((r) => r.status)).toEqual(['CLOSED', 'SUCCESS']);
    expect(books(c).filter((b) => b.outcome === 'SUCCESS')).toHaveLength(1);
  });

  test('TIMEOUT: the connection drops after the refund is recorded; the sweep queries and it is paid once', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const c = await approved('TIMEOUT');
    expect(errors.mock.calls.some((args) => String(args[0]).includes('did not complete'))).toBe(true);
    errors.mockRestore();
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['PROCESSING']);
    await w.settle();
    w.clock.advance(2 * 60_000);
    await w.sweep();
    const done = await get(c);
    expect(done.status).toBe('REFUNDED');
    expect(books(c)).toHaveLength(1);
  });

  test('DUPLICATE: two signed callbacks (fresh nonces); the second applies nothing', async () => {
    const c = await approved('DUPLICATE_NOTIFY');
    expect(await w.settle()).toBe(2);
    expect(sent.map((s) => (s.data as { applied: boolean }).applied)).toEqual([true, false]);
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['SUCCESS']);
  });
});

describe('a callback that does not verify changes nothing (answered as received)', () => {
  function resource(c: AfterSaleCase, over: Partial<V3RefundResource> = {}): V3RefundResource {
    return { mchid: LOCAL_V3_PAYMENT.mchId, out_trade_no: c.orderId, out_refund_no: c.refunds[0].outRefundNo, refund_status: 'SUCCESS', ...over };
  }

  async function expectNothingApplied(c: AfterSaleCase, n: NotifyRequest, rejected?: string): Promise<void> {
    const r = await notify(n);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, data: { applied: false, ...(rejected ? { rejected } : {}) } });
    expect(await get(c)).toEqual(c);
  }

  let c: AfterSaleCase;
  let warn: jest.SpyInstance;
  beforeEach(async () => {
    // Settled at the gateway (its query would say SUCCESS), callback not yet delivered.
    c = await approved('LATE');
    c = await get(c);
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  test('tampered: a byte of the signed body changed', async () => {
    const n = v3.simulator.notification(resource(c));
    await expectNothingApplied(c, { ...n, body: n.body.replace('"event_type":"REFUND.SUCCESS"', '"event_type":"REFUND.SUCCESS "') }, 'SIGNATURE');
  });

  test('unsigned: no Wechatpay-* headers', async () => {
    await expectNothingApplied(c, v3.simulator.notification(resource(c), { unsigned: true }), 'HEADERS');
  });

  test('wrongly signed: a forger’s key, whatever it claims', async () => {
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectNothingApplied(c, v3.simulator.notification(resource(c), { signWith: forger }), 'SIGNATURE');
  });

  test('stale: signed more than 5 minutes ago (or ahead)', async () => {
    // A minute past the 300 s on each side: the host reads its own clock later than this line, and on a
    // loaded machine `now + 301` had become 300 s ahead by then (the exact boundary: the test after this).
    const now = Math.floor(Date.now() / 1000);
    await expectNothingApplied(c, v3.simulator.notification(resource(c), { timestamp: now - 360 }), 'STALE');
    await expectNothingApplied(c, v3.simulator.notification(resource(c), { timestamp: now + 360 }), 'STALE');
  });

  test('stale at exactly more than 300 s either way, by WeChat Pay’s clock', async () => {
    const t = 1_800_000_000;
    const n = v3.simulator.notification(resource(c), { timestamp: t });
    const reason = (nowS: number) => verifyNotify(n, [], { claim: async () => true }, nowS).then(() => 'ACCEPTED', (e: NotifyRejected) => e.reason);
    // Within 300 s the timestamp passes and the (here absent) keys decide; past it, STALE before anything else.
    expect(await reason(t + 300)).toBe('SIGNATURE');
    expect(await reason(t - 300)).toBe('SIGNATURE');
    expect(await reason(t + 301)).toBe('STALE');
    expect(await reason(t - 301)).toBe('STALE');
  });

  test('not decryptable: signed by WeChat Pay but encrypted with another APIv3 key', async () => {
    await expectNothingApplied(c, v3.simulator.notification(resource(c), { apiV3Key: 'Z'.repeat(32) }), 'DECRYPT');
  });

  test('another merchant’s refund: signed and decrypted, but the shop does not pay through that mchid', async () => {
    // Same keys, another merchant number inside: the shop's own account must be the one named.
    await expectNothingApplied(c, v3.simulator.notification(resource(c, { mchid: '1230000109' }), { apiV3Key: v3.keys().apiV3Key }));
  });

  test('replayed: the very same signed callback a second time is refused before anything is asked', async () => {
    // Let the gateway settle first, so a callback that got through would apply.
    w.clock.advance(2 * 3_600_000);
    const n = v3.simulator.notification(resource(c));
    const first = await notify(n);
    expect(first.body).toMatchObject({ ok: true, data: { applied: true } });
    const settled = await get(c);
    expect(settled.status).toBe('REFUNDED');
    await expectNothingApplied(settled, n, 'REPLAY');
  });

  test('a verified callback is still a hint: SUCCESS claimed while the gateway reports PROCESSING changes nothing', async () => {
    await expectNothingApplied(c, v3.simulator.notification(resource(c)));
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['PROCESSING']);
  });

  test('CLOSED claimed for a refund the gateway paid: the query decides SUCCESS', async () => {
    w.clock.advance(2 * 3_600_000);
    const r = await notify(v3.simulator.notification(resource(c, { refund_status: 'CLOSED' })));
    expect(r.body).toMatchObject({ ok: true, data: { applied: true } });
    expect((await get(c)).refunds.map((a) => a.status)).toEqual(['SUCCESS']);
  });
});

describe('answers from WeChat Pay are verified by the SDK', () => {
  test('an answer signed with another key is no answer: the attempt stays PROCESSING and nothing is refused', async () => {
    v3.simulator.faults.answerSignedWith = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const c = await approved();
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['PROCESSING']);
    // The sweep's query is refused the same way: nothing recorded from an unverified answer.
    w.clock.advance(2 * 60_000);
    await w.sweep();
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['PROCESSING']);
    v3.simulator.faults = {};
    w.clock.advance(2 * 60_000);
    await w.sweep();
    errors.mockRestore();
    expect((await get(c)).status).toBe('REFUNDED');
    expect(books(c)).toHaveLength(1);
  });

  test('an unsigned answer likewise', async () => {
    v3.simulator.faults.answerUnsigned = true;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const c = await approved();
    errors.mockRestore();
    expect((await get(c)).refunds.map((r) => r.status)).toEqual(['PROCESSING']);
  });
});
