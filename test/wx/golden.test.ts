/**
 * Golden record of every request the cloud adapters send, as the loopback service receives it from
 * the real wx-server-sdk (queries and updates decoded from Extended JSON; transport fields and
 * per-call random values left out). A change in what the adapters ask of the database or of WeChat
 * fails here until the golden file is regenerated on purpose: `UPDATE_GOLDEN=1 npx jest test/wx/golden`.
 * The same record is checked against the declared indexes: every query must have one.
 */
import fs from 'fs';
import path from 'path';
import type { Notification, Order, Shop } from '../../types/domain';
import { makeCase, T0 } from '../../src/core/__tests__/fixtures';
import { cancelOrder } from '../../src/core/orders';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS } from '../../src/core/time';
import { createWxServices } from '../../src/server/adapters/wx';
import { INDEXES } from '../../src/server/adapters/wx/indexes';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import { encodeCursor } from '../../src/server/adapters/cursor';
import type { Services } from '../../src/server/ports';
import type { RecordedCall } from '../../src/server/adapters/cloudsim/service';
import { indexesFor } from './fake/indexCheck';
import { startLoopback, type Loopback } from './fake/loopback';

const GOLDEN = path.join(__dirname, 'golden', 'requests.json');

let lb: Loopback;
let svc: Services;
const recorded: Record<string, RecordedCall[]> = {};

/** Values that differ on every run. */
function normalise(calls: RecordedCall[]): RecordedCall[] {
  return JSON.parse(
    JSON.stringify(calls, (k, v: unknown) => (k === 'nonce_str' ? '<random>' : v)),
  ) as RecordedCall[];
}

async function record(name: string, run: () => Promise<unknown>): Promise<void> {
  lb.fake.calls.length = 0;
  await run();
  recorded[name] = normalise(lb.fake.calls);
}

const SHOP: Shop = shopWithDefaults({
  _id: 'shop_1',
  name: '小林家居',
  verified: true,
  settings: { subscribeTemplateIds: { decision: 'TPL_DECISION', refund: 'TPL_REFUND' } },
});

beforeAll(async () => {
  lb = await startLoopback();
  svc = createWxServices(lb.cloud, { subMchId: '1900000109', envId: 'prod-7g3h', notifyFunction: 'refundNotify' });
  const pending = makeCase({ _id: 'AS20261101AAAA0001', idempotencyKey: 'k-1', deadlineAt: T0 + DAY_MS, timerAt: T0 + DAY_MS });
  const notification: Notification = { _id: 'ntf_1', at: T0, toOpenid: 'o_buyer_1', caseId: pending._id, templateKey: 'decision', text: '商家已同意退款' };
  const cursor = encodeCursor('s:PENDING', { value: T0 + DAY_MS, id: pending._id });

  await record('cases.readGuard', () => svc.cases.readGuard('order_1', 'o_buyer_1'));
  await record('cases.insert', () => svc.cases.insert(pending, { orderSeq: 0, buyerSeq: 0 }, [notification]));
  await record('cases.get', () => svc.cases.get(pending._id));
  await record('cases.findByIdempotencyKey', () => svc.cases.findByIdempotencyKey('o_buyer_1', 'k-1'));
  await record('cases.findByOutRefundNo', () => svc.cases.findByOutRefundNo('AS20261101AAAA0001-1'));
  await record('cases.listByOrder', () => svc.cases.listByOrder('order_1'));
  await record('cases.buyerCaseTimes', () => svc.cases.buyerCaseTimes('o_buyer_1', T0 - 30 * DAY_MS));
  await record('cases.shopCommittedFen', () => svc.cases.shopCommittedFen('shop_1', T0 - 300 * DAY_MS, T0 + 65 * DAY_MS, pending._id));
  await record('cases.listForBuyer', () => svc.cases.listForBuyer('o_buyer_1', { limit: 20 }));
  await record('cases.listForBuyer+status', () => svc.cases.listForBuyer('o_buyer_1', { status: 'REFUNDED', limit: 20 }));
  await record('cases.listForShop PENDING', () => svc.cases.listForShop('shop_1', { status: 'PENDING', limit: 20 }));
  await record('cases.listForShop PENDING page 2', () => svc.cases.listForShop('shop_1', { status: 'PENDING', limit: 20, cursor }));
  await record('cases.listForShop+status', () => svc.cases.listForShop('shop_1', { status: 'REJECTED', limit: 20 }));
  await record('cases.listForShop', () => svc.cases.listForShop('shop_1', { limit: 20 }));
  await record('cases.listEscalated', () => svc.cases.listEscalated({ limit: 20 }));
  await record('cases.due', () => svc.cases.due(T0 + 2 * DAY_MS, 100));
  await record('cases.scanForStats', async () => {
    const pages = [];
    for await (const page of svc.cases.scanForStats('shop_1', T0 - 30 * DAY_MS, T0)) pages.push(page);
    return pages;
  });
  const { timerAt: _t, ...approved } = { ...pending, status: 'REFUNDING' as const, approvedAt: T0, approvedFen: 5_000, version: 2, updatedAt: T0 };
  await record('cases.update (case only)', () => svc.cases.update(approved, 1, []));
  await record('cases.update (with outbox and ticket)', () =>
    svc.cases.update({ ...approved, version: 3 }, 2, [{ ...notification, _id: 'ntf_2' }], [
      { _id: 'tkt_1', caseId: pending._id, outRefundNo: `${pending._id}-1`, openid: 'o_buyer_1', at: T0, text: '退款未到账' },
    ]),
  );

  await record('orders.get', () => svc.orders.get('order_1'));
  await record('orders.listForBuyer', () => svc.orders.listForBuyer('o_buyer_1', { limit: 10 }));
  await record('orders.listForBuyer+status', () => svc.orders.listForBuyer('o_buyer_1', { status: 'DELIVERED', limit: 10 }));
  await record('orders.countDelivered', () => svc.orders.countDelivered('shop_1', T0 - 7 * DAY_MS, T0));
  // SPEC §7 demo checkout
  const newOrder: Order = { _id: 'DD_GOLDEN0000000001', shopId: 'shop_1', buyerOpenid: 'o_buyer_1', status: 'UNPAID', paidFen: 5_000, shippingFen: 0, payChannel: 'WECHAT', paidAt: T0, createdAt: T0, version: 1, items: [{ skuId: 'tshirt', title: '纯棉T恤', unitFen: 5_000, qty: 1, paidFen: 5_000, kind: 'NORMAL' }] };
  await record('orders.insert', () => svc.orders.insert(newOrder));
  await record('orders.update', () => svc.orders.update({ ...newOrder, status: 'PAID', version: 2, payment: { startedAt: T0, transactionId: '4200golden' } }, 1));
  await record('orders.listForShop', () => svc.orders.listForShop('shop_1', { limit: 10 }));
  await record('orders.listForShop+status', () => svc.orders.listForShop('shop_1', { status: 'PAID', limit: 10 }));
  await record('orders.due', () => svc.orders.due(T0 + DAY_MS, 100));
  await record('orders.due after', () => svc.orders.due(T0 + DAY_MS, 100, { timerAt: T0, id: 'DD_GOLDEN0000000001' }));
  await record('orders.shopCancelRefundFen', () => svc.orders.shopCancelRefundFen('shop_1', T0 - 300 * DAY_MS, T0 + 65 * DAY_MS));
  // R3 at order.cancel: the shop's year total moves in the order's transaction (started from the stored cases and orders).
  const paidOrder: Order = { ...newOrder, status: 'PAID', version: 2, payment: { startedAt: T0, transactionId: '4200golden' } };
  await record('orders.update cancel', () => svc.orders.update(cancelOrder(paidOrder, T0 + DAY_MS, 0), 2));
  await record('payments.start', () => svc.payments.start({ orderId: 'DD_GOLDEN0000000001', shopId: 'shop_1', totalFen: 5_000, description: '小林家居-纯棉T恤', payerOpenid: 'o_buyer_1' }));
  await record('payments.query', () => svc.payments.query('DD_GOLDEN0000000001'));
  await record('shops.save', () => svc.shops.save(SHOP));
  await record('shops.get', () => svc.shops.get('shop_1'));
  await record('merchants.get', () => svc.merchants.get('o_staff_1'));
  await record('merchants.listForShop', () => svc.merchants.listForShop('shop_1'));
  await record('risk.lift', () => svc.risk.lift('o_buyer_1', T0, '申诉材料已核实', 'o_platform_1'));
  await record('risk.liftedAt', () => svc.risk.liftedAt('o_buyer_1'));

  await record('gateway.request', () =>
    svc.gateway.request({ outRefundNo: `${pending._id}-1`, caseId: pending._id, orderId: 'order_1', amountFen: 5_000, totalFen: 16_000, payChannel: 'WECHAT', method: 'ORIGINAL' }),
  );
  await record('gateway.query', () => svc.gateway.query(`${pending._id}-1`));
  await record('notifier.send', () => svc.notifier.send([notification]));
  lb.fake.files.set('cloud://prod-7g3h.7072-prod/evidence/o_buyer_1/1793494800000-0123456789abcdef.jpg', Buffer.from('jpg'));
  await record('files.stat', () => svc.files.stat('cloud://prod-7g3h.7072-prod/evidence/o_buyer_1/1793494800000-0123456789abcdef.jpg'));
  // Issue 14: the owner's pending invites, and revoking one (a compare-and-set against redeem).
  const inviteHash = 'a'.repeat(64);
  await svc.people.addCode({ hash: inviteHash, kind: 'INVITE', shopId: 'shop_1', role: 'STAFF', createdAt: T0, expiresAt: T0 + DAY_MS, createdBy: 'o_owner_1', id: 'inv_golden', hint: 'XYZ' });
  await record('people.unusedCodes', () => svc.people.unusedCodes('shop_1', 'INVITE'));
  await record('people.revokeCode', () => svc.people.revokeCode('shop_1', inviteHash, T0 + 60_000, 'o_owner_1'));
});

afterAll(async () => {
  expect(lb.unhandled).toEqual([]);
  await lb.stop();
});

test('the adapters send exactly the recorded requests', () => {
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
    fs.writeFileSync(GOLDEN, `${JSON.stringify(recorded, null, 2)}\n`);
  }
  const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as Record<string, RecordedCall[]>;
  expect(Object.keys(recorded)).toEqual(Object.keys(golden));
  for (const name of Object.keys(golden)) expect({ [name]: recorded[name] }).toEqual({ [name]: golden[name] });
});

test('every query the adapters send is served by a declared index', () => {
  const used = new Set<string>();
  for (const [name, calls] of Object.entries(recorded)) {
    for (const call of calls) {
      if (!call.action.startsWith('database.')) continue;
      try {
        indexesFor(call, INDEXES).forEach((ix) => used.add(`${call.collectionName}.${ix}`));
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  }
  // Every declared index is needed by some query.
  const declared = Object.entries(INDEXES).flatMap(([coll, ixs]) => ixs.map((ix) => `${coll}.${ix.name}`));
  expect(declared.filter((d) => !used.has(d))).toEqual([]);
});

test('the index check refuses a query no index serves', () => {
  const call: RecordedCall = { action: 'database.getDocument', collectionName: COLLECTIONS.cases, queryType: 'WHERE', query: { reason: 'QUALITY' }, order: { createdAt: -1 } };
  expect(() => indexesFor(call, INDEXES)).toThrow(/no index/);
  const wrongDirection: RecordedCall = { ...call, query: { shopId: 's', status: 'PENDING' }, order: { _deadlineKey: 1, _id: -1 } };
  expect(() => indexesFor(wrongDirection, INDEXES)).toThrow(/no index/);
});

test('cloudfunctions/README.md lists every index with its fields, as declared', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'cloudfunctions', 'README.md'), 'utf8');
  for (const [coll, ixs] of Object.entries(INDEXES)) {
    for (const ix of ixs) {
      const fields = ix.keys.map(([f, d]) => `\`${f}\` ${d === 1 ? '升序' : '降序'}`).join(', ');
      expect(readme).toContain(`| \`${coll}\` | \`${ix.name}\` | ${fields} |`);
    }
  }
});
