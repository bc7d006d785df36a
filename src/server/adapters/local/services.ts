/**
 * The local composition: every port backed by one SQLite database under DATA_DIR (or in memory), the
 * simulated gateway, files on disk. Used by the local host and by tests; it never loads wx-server-sdk.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { EpochMs } from '../../../../types/domain';
import type { Clock, Services } from '../../ports';
import { SqliteCaseRepo } from '../sqlite/cases';
import { SqliteOrderSyncRepo, SqlitePeopleRepo } from '../sqlite/people';
import { SqliteDevStore, type OutboxEntry, type OutboxFilter, type SeedData } from '../sqlite/devStore';
import { openSqlite, type Db, type Synchronous } from '../sqlite/open';
import { SqliteMerchantRepo, SqliteOrderRepo, SqliteRiskRepo, SqliteShopRepo } from '../sqlite/repos';
import { DevClock } from './clock';
import { LocalFileStore } from './files';
import { SimulatedRefundGateway, type GatewayOptions } from './gateway';
import { SimulatedPaymentGateway } from './payments';
import { RandomIdGen } from './ids';
import { LocalNotifier } from './notifier';

export interface LocalServicesOptions {
  /** A directory (created if missing) or ':memory:' (uploads then go to a temporary directory, removed on close). */
  dataDir: string;
  /** Defaults to a DevClock persisted in the database; tests may pass a fixed clock (then `dev.setClock` is refused). */
  clock?: Clock;
  gatewayOptions?: Partial<GatewayOptions>;
  synchronous?: Synchronous;
}

export interface DevTools {
  store: SqliteDevStore;
  /** Empties every table and the uploads; the dev clock stays where it is. */
  reset(): void;
  seed(data: SeedData): { shops: number; merchants: number; orders: number };
  /** Moves the DevClock; throws when the services were built with another clock. */
  setClock(now: EpochMs): void;
  outbox(filter?: OutboxFilter): OutboxEntry[];
}

export interface LocalServices {
  svc: Services;
  db: Db;
  clock: Clock;
  gateway: SimulatedRefundGateway;
  /** SPEC §7: the demo checkout's payments (paid at once; callbacks to payNotify). */
  payments: SimulatedPaymentGateway;
  files: LocalFileStore;
  dataDir: string;
  dev: DevTools;
  /** Stops the gateway loop, closes the database, removes a temporary uploads directory. */
  close(): Promise<void>;
}

export function createLocalServices(opts: LocalServicesOptions): LocalServices {
  const inMemory = opts.dataDir === ':memory:';
  const db = openSqlite(opts.dataDir, { synchronous: opts.synchronous });
  const clock = opts.clock ?? new DevClock(db);
  const uploadsDir = inMemory ? fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-uploads-')) : path.join(opts.dataDir, 'uploads');
  const store = new SqliteDevStore(db);
  const gateway = new SimulatedRefundGateway(db, clock, opts.gatewayOptions);
  const files = new LocalFileStore(db, uploadsDir, () => clock.now());
  const payments = new SimulatedPaymentGateway(db, clock);
  const svc: Services = {
    clock,
    ids: new RandomIdGen(),
    cases: new SqliteCaseRepo(db),
    orders: new SqliteOrderRepo(db),
    shops: new SqliteShopRepo(db),
    merchants: new SqliteMerchantRepo(db),
    risk: new SqliteRiskRepo(db),
    gateway,
    payments,
    notifier: new LocalNotifier(store, clock),
    files,
    people: new SqlitePeopleRepo(db),
    orderSync: new SqliteOrderSyncRepo(db),
  };
  let closed = false;
  return {
    svc,
    db,
    clock,
    gateway,
    payments,
    files,
    dataDir: opts.dataDir,
    dev: {
      store,
      reset() {
        store.reset();
        files.clear();
      },
      seed: (data) => store.seed(data),
      setClock(now) {
        if (!(clock instanceof DevClock)) throw new Error('setClock needs the DevClock');
        clock.set(now);
      },
      outbox: (filter) => store.outbox(filter),
    },
    async close() {
      if (closed) return;
      closed = true;
      await gateway.stop();
      await payments.stopDelivery();
      db.close();
      if (inMemory) fs.rmSync(uploadsDir, { recursive: true, force: true });
    },
  };
}
