import { createLocalServices } from '../../src/server/adapters/local/services';
import { T0 } from '../support/fixtures';
import { runRepoContract } from './repos.contract';

runRepoContract('sqlite', async () => {
  const local = createLocalServices({ dataDir: ':memory:', clock: { now: () => T0 } });
  return {
    svc: local.svc,
    seed: async (f) => {
      local.dev.seed(f);
    },
    outbox: async () => local.dev.outbox().map(({ deliveredAt: _delivered, ...n }) => n),
    tickets: async () => local.dev.store.tickets(),
    close: () => local.close(),
  };
});
