/**
 * SPEC §6 over HTTP, on whichever backend runs (the jest projects `server` and `cloud-sim`): the
 * conversation with photos and who hears it, proof after a rejection and during the platform's review,
 * the shop's request for proof, and the buyer's modification — its checks, its limit, its window and
 * its race with an `apply` on the same order.
 */
import type { AfterSaleCase } from '../../types/domain';
import { LIMITS } from '../../src/core/settings';
import { HOUR_MS } from '../../src/core/time';
import { TEST_BACKEND } from '../support/host';
import { ok } from '../support/http';
import { type Jitter, OTHER_OWNER, outcome, OWNER, REVIEWER, Stage, STAFF, watchErrors } from './support';

jest.setTimeout(180_000);

const jitter: Jitter = { seed: Number(process.env.RACE_SEED ?? Date.now() % 2 ** 31), lostUpdates: 0, calls: 0 };
let stage: Stage;
const errors = watchErrors([/did not complete; the sweep will query it/]);

beforeAll(async () => {
  stage = await Stage.inProcess({ jitter });
});
afterAll(async () => {
  await stage?.stop();
  errors.restore();
  expect(errors.unexpected).toEqual([]);
});

async function outboxTexts(openid: string, caseId: string): Promise<string[]> {
  return ok(await stage.api.dev.outbox({ toOpenid: openid, caseId })).map((n) => n.text);
}

const said = (c: AfterSaleCase) => c.messages.map((m) => `${m.from}:${m.text}`);

describe('message: a conversation with photos', () => {
  test(`buyer ↔ shop, photos counted for the sender, each side told, the chain intact (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('PENDING');
    const id = { caseId: t.c._id };
    const photo = await stage.upload(t.buyer);
    const asked = await stage.ok(t.buyer, 'message', { ...id, text: '  领口开线的地方拍给您看  ', evidence: [{ ...photo, tag: 'proof' }] });
    expect(asked.messages.at(-1)).toMatchObject({ from: 'BUYER', text: '领口开线的地方拍给您看', evidence: [expect.objectContaining({ fileId: photo.fileId, by: 'BUYER' })] });
    expect(asked.evidence.map((e) => e.fileId)).toContain(photo.fileId);
    expect(asked).toMatchObject({ status: 'PENDING', deadlineAt: t.c.deadlineAt });
    for (const m of [OWNER, STAFF]) expect((await outboxTexts(m, t.c._id)).some((x) => x.includes('领口开线的地方拍给您看'))).toBe(true);

    const reply = await stage.ok(STAFF, 'message', { ...id, text: '收到，确认是做工问题' });
    expect(said(reply).slice(-2)).toEqual(['BUYER:领口开线的地方拍给您看', 'MERCHANT:收到，确认是做工问题']);
    expect((await outboxTexts(t.buyer, t.c._id)).some((x) => x.includes('收到，确认是做工问题'))).toBe(true);
    const seen = await stage.ok(OWNER, 'merchant.get', id);
    expect(said(seen)).toEqual(said(reply));
    expect(await stage.ok(t.buyer, 'verify', id)).toEqual({ ok: true });
  });

  test(`1–500 characters, 50 calls per party, someone else's photo, a closed case, a foreign shop (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('PENDING');
    const id = { caseId: t.c._id };
    const field = async (openid: string, req: Parameters<Stage['call']>[2] & object) => {
      const r = await stage.call(openid, 'message', req as never);
      return r.body.ok ? 'OK' : `${outcome(r)} ${r.body.error.field ?? ''}`.trim();
    };
    expect(await field(t.buyer, { ...id, text: '   ' })).toBe('400 INVALID_INPUT text');
    expect(await field(t.buyer, { ...id, text: '好'.repeat(501) })).toBe('400 INVALID_INPUT text');
    const theirs = await stage.upload(OWNER);
    expect(await field(t.buyer, { ...id, text: '看图', evidence: [theirs] })).toBe('400 INVALID_INPUT evidence.0.fileId');
    expect(await field(OTHER_OWNER, { ...id, text: '你好' })).toBe('404 NOT_FOUND');
    expect(await field(REVIEWER, { ...id, text: '你好' })).toBe('404 NOT_FOUND');
    for (let i = 1; i <= LIMITS.maxMessagesPerParty; i += 1) await stage.ok(t.buyer, 'message', { ...id, text: `第${i}条` });
    expect(await field(t.buyer, { ...id, text: '第51条' })).toBe('400 INVALID_INPUT text');
    // The shop's 50 are its own.
    expect(await field(OWNER, { ...id, text: '您好' })).toBe('OK');
    await stage.ok(t.buyer, 'cancel', id);
    expect(await field(OWNER, { ...id, text: '还在吗' })).toBe('409 CASE_STATE_CHANGED');
  });

  test(`the platform talks on an escalated case and both sides hear it (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('ESCALATED');
    const r = await stage.ok(REVIEWER, 'message', { caseId: t.c._id, text: '请商家提供发货前的质检照片' });
    expect(r.messages.at(-1)).toMatchObject({ from: 'PLATFORM', text: '请商家提供发货前的质检照片' });
    expect((await outboxTexts(t.buyer, t.c._id)).some((x) => x.includes('质检照片'))).toBe(true);
    expect((await outboxTexts(OWNER, t.c._id)).some((x) => x.includes('质检照片'))).toBe(true);
  });
});

describe('proof after a rejection and during the platform’s review', () => {
  test(`REJECTED: added without moving the case; ESCALATED: the platform sees everything both sides added (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('REJECTED');
    const id = { caseId: t.c._id };
    const proof = await stage.upload(t.buyer);
    const added = await stage.ok(t.buyer, 'addEvidence', { ...id, evidence: [{ ...proof, tag: 'proof' }], note: '补拍了领口' });
    expect(added).toMatchObject({ status: 'REJECTED', deadlineAt: t.c.deadlineAt, rejection: t.c.rejection });
    expect((await outboxTexts(OWNER, t.c._id)).some((x) => x.includes('补充了1份凭证'))).toBe(true);
    await stage.ok(t.buyer, 'escalate', { ...id, note: '照片已补充' });
    const video = await stage.upload(t.buyer, 'video');
    const during = await stage.ok(t.buyer, 'addEvidence', { ...id, evidence: [{ ...video, tag: 'unboxing' }] });
    expect(during.status).toBe('ESCALATED');
    const shopPhoto = await stage.upload(OWNER);
    await stage.ok(OWNER, 'message', { ...id, text: '发货前质检照片', evidence: [{ ...shopPhoto, tag: 'qc_report' }] });
    const seen = await stage.ok(REVIEWER, 'platform.get', id);
    expect(seen.evidence.map((e) => [e.fileId, e.by])).toEqual([
      [proof.fileId, 'BUYER'],
      [video.fileId, 'BUYER'],
      [shopPhoto.fileId, 'MERCHANT'],
    ]);
    expect(seen.messages.some((m) => m.from === 'MERCHANT' && m.evidence?.[0]?.fileId === shopPhoto.fileId)).toBe(true);
  });

  test(`1 ms after the 7-day window the rejected case is closed: addEvidence, modify and message get 409 (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('REJECTED');
    const id = { caseId: t.c._id };
    const proof = await stage.upload(t.buyer);
    ok(await stage.api.dev.clock((t.c.deadlineAt as number) + 1));
    expect(outcome(await stage.call(t.buyer, 'addEvidence', { ...id, evidence: [proof] }))).toBe('409 CASE_STATE_CHANGED');
    expect(outcome(await stage.call(t.buyer, 'modify', { ...id, amountFen: 4_000 }))).toBe('409 CASE_STATE_CHANGED');
    expect(outcome(await stage.call(t.buyer, 'message', { ...id, text: '还能补充吗' }))).toBe('409 CASE_STATE_CHANGED');
    expect((await stage.get(t.buyer, t.c._id)).status).toBe('CLOSED');
  });
});

describe('merchant.requestEvidence', () => {
  test(`asks the buyer, moves no deadline, and is answered by the buyer's next evidence (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('PENDING');
    const id = { caseId: t.c._id };
    const asked = await stage.ok(STAFF, 'merchant.requestEvidence', { ...id, note: '请拍一张领口开线处的近照' });
    expect(asked).toMatchObject({ status: 'PENDING', deadlineAt: t.c.deadlineAt, evidenceRequest: { note: '请拍一张领口开线处的近照' } });
    expect(asked.messages.at(-1)).toMatchObject({ from: 'MERCHANT', text: '请拍一张领口开线处的近照' });
    expect((await outboxTexts(t.buyer, t.c._id)).some((x) => x.includes('请拍一张领口开线处的近照'))).toBe(true);
    expect(outcome(await stage.call(t.buyer, 'merchant.requestEvidence', { ...id, note: '请补充' }))).toBe('403 FORBIDDEN');
    const answered = await stage.ok(t.buyer, 'addEvidence', { ...id, evidence: [await stage.upload(t.buyer)] });
    expect(answered.evidenceRequest).toBeUndefined();
    const r = await stage.caseIn('REJECTED');
    expect(outcome(await stage.call(OWNER, 'merchant.requestEvidence', { caseId: r.c._id, note: '请补充' }))).toBe('409 CASE_STATE_CHANGED');
  });
});

describe('modify', () => {
  test(`PENDING: a new 48 h, data.changed, the shop told; 3 modifications, the 4th RISK_CONTROL_TRIGGERED (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('PENDING');
    const id = { caseId: t.c._id };
    const now = await stage.now();
    const m = await stage.ok(t.buyer, 'modify', { ...id, amountFen: 4_000, description: '领口开线，袖口也脱线了' });
    expect(m).toMatchObject({ status: 'PENDING', amountFen: 4_000, description: '领口开线，袖口也脱线了' });
    expect(m.deadlineAt).toBeGreaterThanOrEqual(now + 48 * HOUR_MS);
    expect(m.history.at(-1)).toMatchObject({ action: 'MODIFY', actor: 'BUYER', data: expect.objectContaining({ changed: ['amountFen', 'description'] }) });
    expect((await outboxTexts(OWNER, t.c._id)).some((x) => x.includes('买家修改了售后申请'))).toBe(true);
    expect(outcome(await stage.call(t.buyer, 'modify', { ...id, amountFen: 999_999 }))).toBe('422 AMOUNT_EXCEEDS_LIMIT');
    await stage.ok(t.buyer, 'modify', { ...id, amountFen: 3_000 });
    await stage.ok(t.buyer, 'modify', { ...id, amountFen: 2_000 });
    expect(outcome(await stage.call(t.buyer, 'modify', { ...id, amountFen: 1_000 }))).toMatch(/RISK_CONTROL_TRIGGERED$/);
    expect((await stage.get(t.buyer, t.c._id)).amountFen).toBe(2_000);
    expect(await stage.ok(t.buyer, 'verify', id)).toEqual({ ok: true });
    // SPEC §7: buyer actions are open to merchants, but only on their own purchases: someone else's case is not found.
    expect(outcome(await stage.call(OWNER, 'modify', { ...id, amountFen: 1_000 }))).toBe('404 NOT_FOUND');
  });

  test(`REJECTED: proof added and back to the shop, which can then approve (${TEST_BACKEND})`, async () => {
    const t = await stage.caseIn('REJECTED');
    const id = { caseId: t.c._id };
    const proof = await stage.upload(t.buyer);
    const back = await stage.ok(t.buyer, 'modify', { ...id, evidence: [{ ...proof, tag: 'proof' }], description: '补充了领口开线的照片' });
    expect(back.status).toBe('PENDING');
    expect(back.rejection).toBeUndefined();
    expect(back.evidence.map((e) => e.fileId)).toContain(proof.fileId);
    expect((await stage.ok(OWNER, 'merchant.approve', id)).status).toBe('REFUNDING');
  });

  test(`modify moving a case onto a line while an apply claims it: never two open cases on one line (${TEST_BACKEND})`, async () => {
    let modified = 0;
    let applied = 0;
    for (let round = 0; round < 8; round += 1) {
      const buyer = stage.newBuyer('race');
      const base = await stage.seedOrder(buyer);
      const cup = { ...base.items[0], skuId: 'mug', title: '陶瓷马克杯', qty: 1, paidFen: 5_000, unitFen: 5_000 };
      const order = await stage.seedOrder(buyer, { _id: `${base._id}_2`, items: [{ ...base.items[0], qty: 1, paidFen: 5_000 }, cup], paidFen: 11_000 });
      const a = await stage.ok(buyer, 'apply', { ...stage.applyRequest(order), idempotencyKey: `race-a-${order._id}` });
      const [m, b] = await Promise.all([
        stage.call(buyer, 'modify', { caseId: a._id, items: [{ skuId: 'mug', qty: 1 }] }),
        stage.call(buyer, 'apply', { ...stage.applyRequest(order), items: [{ skuId: 'mug', qty: 1 }], idempotencyKey: `race-b-${order._id}` }),
      ]);
      if (m.body.ok) modified += 1;
      if (b.body.ok) applied += 1;
      const open = (await stage.ok(buyer, 'listMine', {})).items.filter((c) => c.orderId === order._id && c.status === 'PENDING');
      const onMug = open.filter((c) => c.items.some((i) => i.skuId === 'mug'));
      expect([round, onMug.length, m.body.ok && b.body.ok]).toEqual([round, 1, false]);
      for (const r of [m, b]) if (!r.body.ok) expect(['CASE_ALREADY_OPEN', 'CASE_STATE_CHANGED']).toContain(r.body.error.code);
    }
    console.log(`modify/apply races (${TEST_BACKEND}): ${modified} modifications and ${applied} applies won of 8 rounds`);
  });
});
