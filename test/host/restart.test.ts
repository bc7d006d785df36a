/**
 * Crash safety of the local cloud host: whatever it acknowledged before a `kill -9` is there after a
 * restart on the same DATA_DIR, the database passes integrity_check, and refunds that were in flight
 * complete — exactly once.
 */
import Database from 'better-sqlite3';
import type { AfterSaleCase } from '../../types/domain';
import { DAY_MS } from '../../src/core/time';
import { HostClient, ok, type HttpReply } from '../support/http';
import { databaseFile, startHostProcess, type HostProcess } from '../support/host';
import { makeItem, makeOrder } from '../support/fixtures';
import { SAMPLE_FILES } from '../support/media';

jest.setTimeout(180_000);

const SHOP = { _id: 'shop_crash', name: '好物小铺', verified: true, returnAddress: { name: '王芳', phone: '13957101234', address: '杭州市余杭区文一西路998号' } };
const STAFF = 'oStaffCrash';
const BUYERS = ['oBuyerCrash1', 'oBuyerCrash2', 'oBuyerCrash3', 'oBuyerCrash4'];
const ORDERS_PER_BUYER = 12;

function integrity(dataDir: string): string {
  const db = new Database(databaseFile(dataDir));
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function applyBody(orderId: string, key: string) {
  return {
    orderId,
    type: 'REFUND_ONLY' as const,
    reason: 'QUALITY' as const,
    items: [{ skuId: `${orderId}-sku`, qty: 1 }],
    amountFen: 2_000,
    description: '收到时外包装破损，杯子有裂纹',
    evidence: [],
    idempotencyKey: key,
  };
}

/** Settles each promise; keeps the replies that came back 200 (acknowledged), drops refused or cut-off ones. */
async function acknowledged<T>(calls: Promise<HttpReply<T>>[]): Promise<T[]> {
  const settled = await Promise.allSettled(calls);
  return settled.flatMap((s) => (s.status === 'fulfilled' && s.value.body.ok ? [s.value.body.data] : []));
}

describe('kill -9 and restart on the same DATA_DIR', () => {
  let host: HostProcess;
  let api: HostClient;

  afterAll(async () => {
    await host?.stop();
  });

  it('keeps every acknowledged change, recovers a consistent database, and finishes in-flight refunds once', async () => {
    host = await startHostProcess();
    api = new HostClient(host.url);
    const hostNow = Date.now() + 3 * DAY_MS;
    ok(await api.dev.clock(hostNow));
    const orders = BUYERS.flatMap((buyer) =>
      Array.from({ length: ORDERS_PER_BUYER }, (_, i) =>
        makeOrder({
          _id: `${buyer}-o${i}`,
          shopId: SHOP._id,
          buyerOpenid: buyer,
          paidAt: hostNow - 3 * DAY_MS,
          shippedAt: hostNow - 2 * DAY_MS,
          deliveredAt: hostNow - DAY_MS,
          items: [makeItem({ skuId: `${buyer}-o${i}-sku`, unitFen: 5_000, qty: 2, title: '陶瓷马克杯 350ml' })],
        }),
      ),
    );
    ok(await api.dev.seed({ shops: [SHOP], merchants: [{ openid: STAFF, shopId: SHOP._id, role: 'STAFF' }], orders }));
    const upload = ok(await api.upload(BUYERS[0], SAMPLE_FILES.jpeg.bytes, 'crack.jpg'));

    // Round 1: applies (R7 allows each buyer 3 in 30 days), all acknowledged; then approvals and cancels.
    const round1 = await acknowledged(
      BUYERS.flatMap((buyer) => [0, 1].map((i) => api.call(buyer, 'apply', applyBody(`${buyer}-o${i}`, `${buyer}-k${i}`)))),
    );
    expect(round1).toHaveLength(8);
    const approved = await acknowledged(round1.slice(0, 4).map((c) => api.call(STAFF, 'merchant.approve', { caseId: c._id })));
    const cancelled = await acknowledged(round1.slice(4, 6).map((c) => api.call(c.buyerOpenid, 'cancel', { caseId: c._id })));
    expect(approved.map((c) => c.status)).toEqual(['REFUNDING', 'REFUNDING', 'REFUNDING', 'REFUNDING']);
    expect(cancelled.map((c) => c.status)).toEqual(['CANCELLED', 'CANCELLED']);

    // Round 2: a burst still in flight when the process is killed. Whatever was acknowledged must survive.
    const burst = [
      ...BUYERS.map((buyer) => api.call(buyer, 'apply', applyBody(`${buyer}-o2`, `${buyer}-k2`))),
      ...round1.slice(6, 8).map((c) => api.call(STAFF, 'merchant.reject', { caseId: c._id, reasonCode: 'NO_EVIDENCE', note: '请补充商品照片' })),
    ];
    const firstBack = await Promise.race(burst);
    expect(firstBack.status).toBeLessThan(500);
    await host.kill9();
    const round2 = await acknowledged(burst);
    expect(integrity(host.dataDir)).toBe('ok');

    await host.restart();
    api = new HostClient(host.url);
    const get = async (c: AfterSaleCase) => ok(await api.call(c.buyerOpenid, 'get', { caseId: c._id }));

    expect(await api.dev.now()).toBeGreaterThanOrEqual(hostNow);
    for (const c of [...round1, ...round2]) {
      const stored = await get(c);
      expect(stored.version).toBeGreaterThanOrEqual(c.version);
      expect(stored.history.slice(0, c.history.length)).toEqual(c.history);
    }
    for (const c of cancelled) expect((await get(c)).status).toBe('CANCELLED');
    for (const c of round2.filter((x) => x.status === 'REJECTED')) expect((await get(c)).status).toBe('REJECTED');
    // A replay of an acknowledged apply answers with the same case: nothing was lost or doubled.
    for (const c of round2.filter((x) => x.history[x.history.length - 1]?.action === 'APPLY')) {
      const replay = ok(await api.call(c.buyerOpenid, 'apply', applyBody(c.orderId, c.idempotencyKey)));
      expect(replay._id).toBe(c._id);
    }
    const file = await api.file(upload.fileId, BUYERS[0]);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(SAMPLE_FILES.jpeg.bytes);

    // Refunds approved before the crash settle after it (the gateway's books survived), each exactly once.
    const deadline = Date.now() + 10_000;
    let states = await Promise.all(approved.map(get));
    while (states.some((c) => c.status !== 'REFUNDED') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      states = await Promise.all(approved.map(get));
    }
    for (const c of states) {
      expect(c.status).toBe('REFUNDED');
      expect(c.refunds).toHaveLength(1);
      expect(c.refunds[0].status).toBe('SUCCESS');
    }

    expect(await host.stop()).toBe(0);
    expect(integrity(host.dataDir)).toBe('ok');
    const db = new Database(databaseFile(host.dataDir), { readonly: true });
    const paid = db.prepare('SELECT case_id, COUNT(*) AS n FROM gateway_refunds GROUP BY case_id HAVING n > 1').all();
    expect(paid).toEqual([]);
    db.close();
  });

  it('survives repeated kills in the middle of write bursts', async () => {
    host = await startHostProcess();
    api = new HostClient(host.url);
    const now = await api.dev.now();
    const buyers = Array.from({ length: 30 }, (_, i) => `oBuyerBurst${i}`);
    ok(
      await api.dev.seed({
        shops: [SHOP],
        orders: buyers.map((b) =>
          makeOrder({ _id: `${b}-o`, shopId: SHOP._id, buyerOpenid: b, paidAt: now - 3 * DAY_MS, deliveredAt: now - DAY_MS, items: [makeItem({ skuId: `${b}-o-sku` })] }),
        ),
      }),
    );
    const acked: AfterSaleCase[] = [];
    for (let round = 0; round < 3; round += 1) {
      const batch = buyers.slice(round * 10, round * 10 + 10).map((b) => api.call(b, 'apply', applyBody(`${b}-o`, `${b}-k`)));
      await Promise.race(batch);
      await host.kill9();
      acked.push(...(await acknowledged(batch)));
      expect(integrity(host.dataDir)).toBe('ok');
      await host.restart();
      api = new HostClient(host.url);
    }
    expect(acked.length).toBeGreaterThanOrEqual(3);
    for (const c of acked) expect(ok(await api.call(c.buyerOpenid, 'get', { caseId: c._id }))._id).toBe(c._id);
  });
});
