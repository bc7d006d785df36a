/**
 * SPEC §5 (换货) over HTTP, on whichever backend runs (the jest projects `server` and `cloud-sim`): the
 * whole exchange, the conversion to a refund, the deadlines bound at their moment and by the sweep,
 * what an exchange refuses, and who is told at each step.
 */
import type { AfterSaleCase } from '../../types/domain';
import { LIMITS } from '../../src/core/settings';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { TEST_BACKEND } from '../support/host';
import { ok } from '../support/http';
import { gatewayRows, moneyProblems, OTHER_OWNER, OWNER, REVIEWER, Stage, STAFF, watchErrors } from './support';

// cloud-sim starts the functions' instances and answers each call in real round trips.
jest.setTimeout(120_000);

let stage: Stage;
const errors = watchErrors([/did not complete; the sweep will query it/]);

beforeAll(async () => {
  stage = await Stage.inProcess();
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
  expect(errors.unexpected).toEqual([]);
});

/**
 * Moves the host's clock to `now` (it then runs on with real time, so "in time" is tried a second
 * before a deadline and "late" 1 ms after it; the millisecond itself is the core's exchange.test.ts).
 */
async function clockAt(now: number): Promise<void> {
  ok(await stage.api.dev.clock(now));
}

async function outboxTexts(openid: string, caseId: string): Promise<string[]> {
  return ok(await stage.api.dev.outbox({ toOpenid: openid, caseId })).map((n) => n.text);
}

async function newExchange(over: Parameters<Stage['exchangeRequest']>[1] = {}): Promise<{ buyer: string; c: AfterSaleCase }> {
  const buyer = stage.newBuyer('ex');
  const order = await stage.seedOrder(buyer);
  return { buyer, c: await stage.ok(buyer, 'apply', stage.exchangeRequest(order, over)) };
}

describe('an exchange from apply to 已换货', () => {
  test(`apply → approve → ship back → receive → reship → confirm: EXCHANGED, no money moved, each step told to the other party (${TEST_BACKEND})`, async () => {
    const { buyer, c: applied } = await newExchange();
    const id = { caseId: applied._id };
    expect(applied).toMatchObject({ type: 'EXCHANGE', status: 'PENDING', amountFen: 0, feeFen: 0, feeBearer: 'NONE', exchangeNote: '换L码' });
    expect((await outboxTexts(OWNER, applied._id)).some((t) => t.includes('换货'))).toBe(true);
    expect((await outboxTexts(STAFF, applied._id)).some((t) => t.includes('换货'))).toBe(true);

    const approved = await stage.ok(OWNER, 'merchant.approve', { ...id, note: '同意换货' });
    expect(approved.status).toBe('AWAITING_RETURN');
    expect(approved.returnAddress?.address).toBeTruthy();
    expect(approved.approvedFen).toBeUndefined();

    await stage.ok(buyer, 'shipReturn', { ...id, company: '顺丰速运', trackingNo: 'SF1234567890' });
    expect((await outboxTexts(OWNER, applied._id)).some((t) => t.includes('SF1234567890'))).toBe(true);

    const received = await stage.ok(STAFF, 'merchant.confirmReturn', id);
    expect(received.status).toBe('AWAITING_RESHIP');

    const reshipped = await stage.ok(OWNER, 'merchant.reship', { ...id, company: '中通快递', trackingNo: 'ZT9876543210' });
    expect(reshipped.status).toBe('RESHIPPED');
    expect(reshipped.reship).toMatchObject({ company: '中通快递', trackingNo: 'ZT9876543210' });
    expect((await outboxTexts(buyer, applied._id)).some((t) => t.includes('ZT9876543210'))).toBe(true);

    const done = await stage.ok(buyer, 'confirmReceipt', id);
    expect(done.status).toBe('EXCHANGED');
    expect(done.refunds).toEqual([]);
    expect((await outboxTexts(STAFF, applied._id)).some((t) => t.includes('换货完成'))).toBe(true);
    expect(gatewayRows(stage.db, applied._id)).toEqual([]);
    expect(await stage.ok(buyer, 'verify', id)).toEqual({ ok: true });
    // Final: nothing more to do, and the shop lists it under its status.
    expect((await stage.call(buyer, 'cancel', id)).status).toBe(409);
    const listed = await stage.ok(OWNER, 'merchant.list', { status: 'EXCHANGED' });
    expect(listed.items.map((x) => x._id)).toContain(applied._id);
  });
});

describe('out of stock: the exchange becomes a refund', () => {
  test(`merchant.convertToRefund pays R11's most refundable for the case's unit and nothing more (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('AWAITING_RESHIP');
    const converted = await stage.ok(OWNER, 'merchant.convertToRefund', { caseId: t.c._id, note: 'L码已无货' });
    expect(converted).toMatchObject({ status: 'REFUNDING', approvedFen: 5_000, feeFen: 0, feeBearer: 'NONE' });
    expect((await outboxTexts(t.buyer, t.c._id)).some((x) => x.includes('L码已无货'))).toBe(true);
    await stage.settle();
    const c = await stage.get(t.buyer, t.c._id);
    expect(c.status).toBe('REFUNDED');
    const rows = gatewayRows(stage.db, c._id);
    expect(rows.reduce((s, r) => s + (r.outcome === 'SUCCESS' ? r.amount_fen : 0), 0)).toBe(5_000);
    expect(moneyProblems(c, rows)).toEqual([]);
    expect(await stage.ok(t.buyer, 'verify', { caseId: c._id })).toEqual({ ok: true });
  });
});

describe('deadline: the 72 h to reship', () => {
  test(`a reship just before the deadline is in time; 1 ms after it the case has become a refund, tier DIFFICULT (${TEST_BACKEND})`, async () => {
    const inTime = await stage.caseIn('AWAITING_RESHIP');
    const late = await stage.caseIn('AWAITING_RESHIP');
    const D = late.c.deadlineAt as number;
    expect(D).toBe(late.c.updatedAt + LIMITS.reshipHours * HOUR_MS);
    await clockAt((inTime.c.deadlineAt as number) - 1_000);
    expect((await stage.ok(OWNER, 'merchant.reship', { caseId: inTime.c._id, company: '中通快递', trackingNo: 'ZT1000000001' })).status).toBe('RESHIPPED');
    await clockAt(D + 1);
    const refused = await stage.call(OWNER, 'merchant.reship', { caseId: late.c._id, company: '中通快递', trackingNo: 'ZT1000000002' });
    expect(refused.status).toBe(409);
    const c = await stage.get(late.buyer, late.c._id);
    expect(c).toMatchObject({ status: 'REFUNDING', tier: 'DIFFICULT', approvedFen: 5_000, convertedAt: D });
    expect(c.history.at(-1)).toMatchObject({ action: 'RESHIP_TIMEOUT', actor: 'SYSTEM', at: D });
    expect((await outboxTexts(OWNER, c._id)).some((x) => x.includes('自动转为退款'))).toBe(true);
  });

  test(`the sweep converts a case past its 72 h (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('AWAITING_RESHIP');
    await clockAt((t.c.deadlineAt as number) + 1);
    await stage.sweep();
    const listed = await stage.ok(OWNER, 'merchant.list', { status: 'REFUNDING' });
    expect(listed.items.find((x) => x._id === t.c._id)?.history.at(-1)?.action).toBe('RESHIP_TIMEOUT');
  });
});

describe('deadline: receipt 10 d after the reship', () => {
  test(`the buyer confirms just before the deadline; 1 ms after it the sweep has confirmed it and the buyer gets 409 (${TEST_BACKEND})`, async () => {
    const inTime = await stage.caseIn('RESHIPPED');
    const late = await stage.caseIn('RESHIPPED');
    expect(late.c.deadlineAt).toBe((late.c.reship?.at as number) + LIMITS.exchangeReceiptDays * DAY_MS);
    await clockAt((inTime.c.deadlineAt as number) - 1_000);
    expect((await stage.ok(inTime.buyer, 'confirmReceipt', { caseId: inTime.c._id })).status).toBe('EXCHANGED');
    await clockAt((late.c.deadlineAt as number) + 1);
    await stage.sweep();
    const c = await stage.ok(OWNER, 'merchant.get', { caseId: late.c._id });
    expect(c.status).toBe('EXCHANGED');
    expect(c.history.at(-1)).toMatchObject({ action: 'AUTO_CONFIRM_RECEIPT', at: late.c.deadlineAt });
    expect((await stage.call(late.buyer, 'confirmReceipt', { caseId: late.c._id })).status).toBe(409);
  });
});

describe('what an exchange refuses', () => {
  test(`apply: a non-zero amount, another reason, no exchangeNote, goods not yet received (${TEST_BACKEND})`, async () => {
    const buyer = stage.newBuyer('exr');
    const order = await stage.seedOrder(buyer);
    const field = async (over: Parameters<Stage['exchangeRequest']>[1]) => {
      const r = await stage.call(buyer, 'apply', stage.exchangeRequest(order, over));
      return r.body.ok ? 'OK' : `${r.status} ${r.body.error.code} ${r.body.error.field ?? ''}`.trim();
    };
    expect(await field({ amountFen: 100 })).toBe('400 INVALID_INPUT amountFen');
    expect(await field({ reason: 'LOGISTICS' })).toBe('400 INVALID_INPUT reason');
    expect(await field({ exchangeNote: undefined })).toBe('400 INVALID_INPUT exchangeNote');
    expect(await field({ exchangeNote: 'x'.repeat(101) })).toBe('400 INVALID_INPUT exchangeNote');
    const shipped = await stage.seedOrder(buyer, { status: 'SHIPPED', deliveredAt: undefined });
    const r = await stage.call(buyer, 'apply', stage.exchangeRequest(shipped));
    expect(r.body.ok ? 'OK' : `${r.status} ${r.body.error.code}`).toBe('422 ORDER_STATUS_INVALID');
    const p = await stage.ok(buyer, 'preview', { orderId: order._id, type: 'EXCHANGE', reason: 'NO_REASON', items: [{ skuId: order.items[0].skuId, qty: 1 }], exchangeNote: '换L码' });
    expect(p).toMatchObject({ eligible: true, feeFen: 0, feeBearer: 'NONE' });
  });

  test(`no money to negotiate: offer 409, compensation and a refund method 400; the platform's APPROVE continues the exchange (${TEST_BACKEND})`, async () => {
    const { buyer, c } = await newExchange();
    const id = { caseId: c._id };
    expect((await stage.call(OWNER, 'merchant.offer', { ...id, amountFen: 1_000, note: '折价' })).status).toBe(409);
    const comp = await stage.call(OWNER, 'merchant.approve', { ...id, compensationFen: 500 });
    expect(comp.body.ok ? 'OK' : `${comp.status} ${comp.body.error.field}`).toBe('400 compensationFen');
    const method = await stage.call(OWNER, 'merchant.approve', { ...id, refundMethod: 'ORIGINAL' });
    expect(method.body.ok ? 'OK' : `${method.status} ${method.body.error.field}`).toBe('400 refundMethod');
    await stage.ok(OWNER, 'merchant.reject', { ...id, reasonCode: 'OUTSIDE_POLICY', note: '已影响二次销售' });
    const escalated = await stage.ok(buyer, 'escalate', { ...id, note: '吊牌还在，要求换货' });
    expect(escalated.tier).toBe('DIFFICULT');
    const amount = await stage.call(REVIEWER, 'platform.decide', { ...id, decision: 'APPROVE', amountFen: 100, note: '支持换货' });
    expect(amount.body.ok ? 'OK' : `${amount.status} ${amount.body.error.field}`).toBe('400 amountFen');
    const decided = await stage.ok(REVIEWER, 'platform.decide', { ...id, decision: 'APPROVE', note: '支持买家换货' });
    expect(decided).toMatchObject({ status: 'AWAITING_RETURN', overturned: true });
    expect((await outboxTexts(OWNER, c._id)).some((x) => x.includes('平台已判定支持买家换货'))).toBe(true);
  });

  test(`who may act: only the shop's merchants reship or convert, only the case's buyer confirms receipt (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('AWAITING_RESHIP');
    const id = { caseId: t.c._id };
    expect((await stage.call(t.buyer, 'merchant.reship', { ...id, company: '中通快递', trackingNo: 'ZT1000000003' })).status).toBe(403);
    expect((await stage.call(OTHER_OWNER, 'merchant.convertToRefund', { ...id, note: '无货' })).status).toBe(404);
    // SPEC §7: buyer actions are open to merchants too, so the owner calling it on a case they did not buy is 404.
    expect((await stage.call(OWNER, 'confirmReceipt', id)).status).toBe(404);
    expect((await stage.call(t.buyer, 'confirmReceipt', id)).status).toBe(409);
  });
});
