/**
 * WeChat Pay v3 refund callbacks over HTTP (`POST /api/wechatpayNotify`; on cloud-sim the
 * `wechatpayNotify` function as its HTTP trigger runs it), SPEC §4 "Callbacks are hints" and §7: a
 * tampered, unsigned, wrongly signed, replayed, stale or undecryptable callback is answered as
 * received (200, applied: false) and changes nothing; a verified one still only names the refund, and
 * the refund query decides what is recorded.
 */
import { generateKeyPairSync } from 'crypto';
import type { AfterSaleCase } from '../../types/domain';
import { HOUR_MS } from '../../src/core/time';
import { LOCAL_V3_PAYMENT } from '../../src/server/adapters/wechatpay/keys';
import type { NotifyRequest, V3RefundResource } from '../../src/server/adapters/wechatpay/notify';
import type { HttpReply } from '../support/http';
import { OWNER, SHOP, Stage, watchErrors } from './support';

jest.setTimeout(60_000);

let stage: Stage;
const errors = watchErrors([]);
/** Every refusal is logged as a warning; the replies are what is checked. */
const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

beforeAll(async () => {
  stage = await Stage.inProcess();
  await stage.payThrough(LOCAL_V3_PAYMENT);
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
  warnings.mockRestore();
});
afterEach(() => expect(errors.unexpected).toEqual([]));

/** A case whose refund the gateway settles an hour after the start (LATE): a callback before then must not count. */
async function refunding(): Promise<AfterSaleCase> {
  const buyer = stage.newBuyer('wn');
  const order = await stage.seedOrder(buyer, { refundScenario: 'LATE' });
  const c = await stage.ok(buyer, 'apply', stage.applyRequest(order));
  const after = await stage.ok(OWNER, 'merchant.approve', { caseId: c._id });
  expect(after.refunds.map((r) => r.status)).toEqual(['PROCESSING']);
  return stage.get(buyer, c._id);
}

function resource(c: AfterSaleCase, over: Partial<V3RefundResource> = {}): V3RefundResource {
  return { mchid: LOCAL_V3_PAYMENT.mchId, out_trade_no: c.orderId, out_refund_no: c.refunds[0].outRefundNo, refund_status: 'SUCCESS', ...over };
}

function post(n: NotifyRequest): Promise<HttpReply<{ applied: boolean; rejected?: string }>> {
  return stage.api.raw('/api/wechatpayNotify', { method: 'POST', body: n.body, headers: { 'content-type': 'application/json', ...(n.headers as Record<string, string>) } });
}

async function refusedAndUnchanged(c: AfterSaleCase, n: NotifyRequest, rejected: string | undefined): Promise<void> {
  const r = await post(n);
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ ok: true, data: expect.objectContaining({ applied: false, ...(rejected ? { rejected } : {}) }) as unknown });
  expect(await stage.get(c.buyerOpenid, c._id)).toEqual(c);
}

describe('a callback that does not verify changes nothing, even once the gateway has paid', () => {
  let c: AfterSaleCase;
  beforeAll(async () => {
    c = await refunding();
    // Paid at the gateway: a callback that got through now would be applied.
    await stage.advance(2 * HOUR_MS);
  });

  test('tampered (one byte of the signed body), unsigned, or signed by a forger', async () => {
    const good = stage.wechatpay.notification(resource(c));
    await refusedAndUnchanged(c, { ...good, body: good.body.replace('"summary":"退款成功"', '"summary":"退款成功!"') }, 'SIGNATURE');
    await refusedAndUnchanged(c, stage.wechatpay.notification(resource(c), { unsigned: true }), 'HEADERS');
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await refusedAndUnchanged(c, stage.wechatpay.notification(resource(c), { signWith: forger }), 'SIGNATURE');
  });

  test('stale or from the future (more than 300 s away), or encrypted with another APIv3 key', async () => {
    const now = stage.wechatpay.nowS();
    await refusedAndUnchanged(c, stage.wechatpay.notification(resource(c), { timestamp: now - 400 }), 'STALE');
    await refusedAndUnchanged(c, stage.wechatpay.notification(resource(c), { timestamp: now + 400 }), 'STALE');
    await refusedAndUnchanged(c, stage.wechatpay.notification(resource(c), { apiV3Key: 'k'.repeat(32) }), 'DECRYPT');
  });

  test('a body that is not JSON at all gets the INVALID_INPUT envelope and changes nothing', async () => {
    const r = await stage.api.raw('/api/wechatpayNotify', { method: 'POST', body: 'not json', headers: { 'content-type': 'application/json' } });
    expect([r.status, r.body.ok ? 'ok' : r.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    expect(await stage.get(c.buyerOpenid, c._id)).toEqual(c);
  });

  test('a verified callback then settles it as the query reports; the same callback replayed is refused', async () => {
    const n = stage.wechatpay.notification(resource(c, { refund_status: 'CLOSED' }));
    const r = await post(n);
    expect(r.body).toEqual({ ok: true, data: expect.objectContaining({ applied: true, caseId: c._id }) as unknown });
    const done = await stage.get(c.buyerOpenid, c._id);
    // It claimed CLOSED; the query says SUCCESS, and that is what is recorded.
    expect([done.status, done.refunds.map((a) => a.status)]).toEqual(['REFUNDED', ['SUCCESS']]);
    await refusedAndUnchanged(done, n, 'REPLAY');
  });
});

describe('a verified callback is a hint', () => {
  test('SUCCESS claimed while the gateway still reports PROCESSING: nothing recorded', async () => {
    const c = await refunding();
    const r = await post(stage.wechatpay.notification(resource(c)));
    expect(r.body).toEqual({ ok: true, data: expect.objectContaining({ applied: false }) as unknown });
    expect(await stage.get(c.buyerOpenid, c._id)).toEqual(c);
  });

  test('a verified callback for a refund number no case has: nothing recorded', async () => {
    const c = await refunding();
    const r = await post(stage.wechatpay.notification(resource(c, { out_refund_no: `${c._id}-9` })));
    expect(r.body).toEqual({ ok: true, data: expect.objectContaining({ applied: false }) as unknown });
    expect(await stage.get(c.buyerOpenid, c._id)).toEqual(c);
  });
});

describe('an order cancellation’s refund (`<orderId>-<n>`, SPEC §7) on the v3 shop', () => {
  /** A paid order of the v3 shop, cancelled: its full refund PROCESSING, already SUCCESS at the gateway. */
  async function cancelledOrder(): Promise<{ buyer: string; orderId: string; no: string }> {
    const buyer = stage.newBuyer('wo');
    const o = await stage.ok(buyer, 'order.create', { shopId: SHOP, items: [{ skuId: 'pillow', qty: 1 }] });
    await stage.ok(buyer, 'order.pay', { orderId: o._id });
    expect((await stage.ok(buyer, 'order.get', { orderId: o._id })).status).toBe('PAID');
    const cancelled = await stage.ok(buyer, 'order.cancel', { orderId: o._id });
    const no = `${o._id}-1`;
    expect(cancelled.refunds).toMatchObject([{ outRefundNo: no, status: 'PROCESSING' }]);
    // Paid back at the gateway, its own callback not delivered: only the one posted here can report it.
    await stage.advance(10_000);
    return { buyer, orderId: o._id, no };
  }
  const orderResource = (orderId: string, no: string): V3RefundResource => ({ mchid: LOCAL_V3_PAYMENT.mchId, out_trade_no: orderId, out_refund_no: no, refund_status: 'SUCCESS' });

  test('a forged callback changes nothing; a verified one leads to the query, and the order records SUCCESS', async () => {
    const { buyer, orderId, no } = await cancelledOrder();
    const before = await stage.ok(buyer, 'order.get', { orderId });
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await post(stage.wechatpay.notification(orderResource(orderId, no), { signWith: forger }));
    expect([forged.status, forged.body]).toEqual([200, { ok: true, data: expect.objectContaining({ applied: false, rejected: 'SIGNATURE' }) as unknown }]);
    expect(await stage.ok(buyer, 'order.get', { orderId })).toEqual(before);

    // It claims CLOSED; the query reports SUCCESS, and that is what the order records.
    const r = await post(stage.wechatpay.notification({ ...orderResource(orderId, no), refund_status: 'CLOSED' }));
    expect(r.body).toEqual({ ok: true, data: expect.objectContaining({ applied: true, orderId }) as unknown });
    expect((await stage.ok(buyer, 'order.get', { orderId })).refunds).toMatchObject([{ outRefundNo: no, amountFen: 19_900, status: 'SUCCESS' }]);
  });
});
