/**
 * The repository contract (test/contract/repos.contract.ts), the same suite the SQLite adapter runs,
 * on the cloud adapters driven through the real wx-server-sdk against the loopback service.
 */
import { T0 } from '../support/fixtures';
import { runRepoContract } from '../contract/repos.contract';
import { createWxServices } from '../../src/server/adapters/wx';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import type { Notification, Ticket } from '../../types/domain';
import { startLoopback, type Loopback } from './fake/loopback';

let lb: Loopback | undefined;

afterAll(async () => {
  expect(lb?.unhandled).toEqual([]);
  await lb?.stop();
});

runRepoContract('wx-server-sdk (loopback)', async () => {
  lb ??= await startLoopback();
  const cloud = lb;
  cloud.fake.reset();
  const svc = { ...createWxServices(cloud.cloud, { subMchId: '1900000109', envId: 'loopback', notifyFunction: 'refundNotify' }), clock: { now: () => T0 } };
  return {
    svc,
    seed: async (f) => {
      if (f.orders) cloud.fake.seed(COLLECTIONS.orders, f.orders.map((o) => ({ ...o }) as never));
      if (f.merchants) cloud.fake.seed(COLLECTIONS.merchants, f.merchants.map((m) => ({ _id: m.openid, ...m }) as never));
    },
    outbox: async () => cloud.fake.docs(COLLECTIONS.outbox) as unknown as Notification[],
    tickets: async () => cloud.fake.docs(COLLECTIONS.tickets) as unknown as Ticket[],
    close: async () => undefined,
  };
});
