/**
 * The ports the use cases depend on. Two sets of adapters implement them: local (better-sqlite3,
 * simulated gateway, files on disk) and cloud (wx-server-sdk). Use cases never import an SDK.
 *
 * Every method is async so that both adapters fit; the SQLite adapter answers synchronously inside.
 */
import type { Page } from '../../types/api';
import type { StatsCase } from '../core/stats';
import type {
  AccessCode,
  AfterSaleCase,
  CaseError,
  CaseStatus,
  EpochMs,
  EvidenceKind,
  Fen,
  Merchant,
  Notification,
  Order,
  PayChannel,
  RefundMethod,
  Shop,
  SyncKeyRecord,
  Ticket,
} from '../../types/domain';

export interface Clock {
  now(): EpochMs;
}

export interface IdGen {
  /** A new case id: short, URL-safe, sortable by creation (e.g. `AS20261125` + random). */
  caseId(now: EpochMs): string;
  /** Any other id (notifications, tickets). */
  id(prefix: string): string;
}

export interface CaseListQuery {
  status?: CaseStatus;
  /** Opaque; from a previous page's nextCursor. */
  cursor?: string;
  limit: number;
}

/** Counters that guard `insert` against racing applies (R3, R7, R10, R11, R32 are decided on them). */
export interface ApplyGuard {
  orderSeq: number;
  buyerSeq: number;
}

export type InsertResult =
  | { inserted: true }
  /** The same buyer already used this idempotencyKey: the original case. */
  | { inserted: false; reason: 'DUPLICATE'; existing: AfterSaleCase }
  /** Another case was inserted on this order or by this buyer since the guard was read: reload and re-check. */
  | { inserted: false; reason: 'CONFLICT' };

/**
 * R3's caps, claimed in the very commit that writes a case (SPEC R3, docs/DESIGN.md "Cap guard"): what
 * the case holds against its order's 105% and against its shop's calendar year once written
 * (src/server/caps.ts capClaimOf, from the core's committedOnOrderFen / committedToYearFen). The
 * adapter moves the order's and the year's running totals by the difference from what the stored case
 * held, in the same transaction, and refuses the write (DomainError AMOUNT_EXCEEDS_LIMIT, nothing
 * written) when a total that grows would pass its cap. Racing approvals on one order or one shop
 * therefore cannot both pass the cap on the same stale totals.
 */
export interface CapClaim {
  order: {
    orderId: string;
    /** What this case holds against the order once written (open: approved or asked; REFUNDED: paid). */
    fen: Fen;
    /** 105% of the order's paid amount. */
    capFen: Fen;
  };
  year: {
    shopId: string;
    /** Shanghai calendar year of the approval. */
    year: number;
    /** What this case holds against that year once written (0 before approval and once given back). */
    fen: Fen;
    capFen: Fen;
  };
  /**
   * The sums a total starts from when its document does not exist yet, as the caller's facts read them
   * from the store a moment ago (the stored case included; KnownTotals): a repository may use them
   * instead of reading the same sums again. A total's document, when it exists, always wins.
   */
  known?: KnownTotals;
}

/** What the stored cases held against an order and a shop's year, as read with a transition's facts. */
export interface KnownTotals {
  /** committedOnOrderFen over the order's stored cases. */
  order?: { orderId: string; fen: Fen };
  /**
   * shopCommittedFen over the shop's cases approved in that Shanghai calendar year, and
   * shopCancelRefundFen over its orders cancelled in it (`ordersFen`, when read).
   */
  year?: { shopId: string; year: number; fen: Fen; ordersFen?: Fen };
}

/**
 * A write made ready while the caller still reads its facts (CaseRepo.prepare): on the cloud, the
 * transaction of the coming `update` already started, so its start costs no round trip of its own.
 * `release` gives back one that was not used (the caller refused, or wrote another way); after
 * `update` used it, `release` does nothing. Always release it (finally).
 */
export interface PreparedWrite {
  release(): void;
}

/** One compare-and-set of a batch (CaseRepo.updateMany): `update`'s arguments. */
export interface CaseWrite {
  case: AfterSaleCase;
  expectedVersion: number;
  notifications: Notification[];
  tickets?: Ticket[];
  claim?: CapClaim;
}

/**
 * How one write of a batch ended: written; STALE (the stored version moved: another writer won, nothing
 * of this case written); CAP (R3: a total it grows would pass its cap, nothing of this case written).
 */
export type CaseWriteOutcome = { kind: 'UPDATED' } | { kind: 'STALE' } | { kind: 'CAP'; error: Error };

/** Where a sweep has got to in the due queue. */
export interface DueKey {
  timerAt: EpochMs;
  id: string;
}

export interface CaseRepo {
  get(caseId: string): Promise<AfterSaleCase | null>;
  findByIdempotencyKey(buyerOpenid: string, key: string): Promise<AfterSaleCase | null>;
  findByOutRefundNo(outRefundNo: string): Promise<AfterSaleCase | null>;
  /** Every case of an order, any status. */
  listByOrder(orderId: string): Promise<AfterSaleCase[]>;
  /** createdAt of the buyer's cases created at or after `since` (R7). */
  buyerCaseTimes(buyerOpenid: string, since: EpochMs): Promise<EpochMs[]>;
  /**
   * Set-based reads for a batch of cases' facts (the sweep's unit of work): `listByOrder` and
   * `buyerCaseTimes` of many keys in one query each. Absent where one read per key costs the same.
   */
  listByOrders?(orderIds: readonly string[]): Promise<Map<string, AfterSaleCase[]>>;
  buyerCaseTimesMany?(buyerOpenids: readonly string[], since: EpochMs): Promise<Map<string, EpochMs[]>>;
  /**
   * R3's yearly cap: Σ over the shop's cases approved in [from, to), not CANCELLED/CLOSED, and not
   * failed for good, of approvedFen — excluding `excludeCaseId`.
   */
  shopCommittedFen(shopId: string, from: EpochMs, to: EpochMs, excludeCaseId?: string): Promise<Fen>;
  /** The buyer's cases, newest first. */
  listForBuyer(buyerOpenid: string, q: CaseListQuery): Promise<Page<AfterSaleCase>>;
  /** The shop's cases: PENDING by deadlineAt ascending (soonest auto-approval first); any other filter newest first. */
  listForShop(shopId: string, q: CaseListQuery): Promise<Page<AfterSaleCase>>;
  /** ESCALATED cases of every shop, by deadlineAt ascending. */
  listEscalated(q: Omit<CaseListQuery, 'status'>): Promise<Page<AfterSaleCase>>;
  /**
   * Cases whose timerAt ≤ now, by (timerAt, _id) ascending, at most `limit`; with `after`, only those
   * past that key (keyset paging: a sweep moves past cases it could not act on yet without writing them).
   */
  due(now: EpochMs, limit: number, after?: DueKey): Promise<AfterSaleCase[]>;
  /**
   * How many due cases one sweep batch takes (`due`'s limit, then one `updateMany` commit): what one
   * transaction of this database carries well. Absent: the sweep's default (100).
   */
  readonly sweepBatchSize?: number;
  /**
   * The shop's cases created in [from, to) (R25 analytics), by (createdAt, _id) ascending, a page of at
   * most `pageSize` at a time (keyset paging), each cut to the fields the statistics read
   * (STATS_CASE_FIELDS): a period's cases are never in memory together.
   */
  scanForStats(shopId: string, from: EpochMs, to: EpochMs, pageSize?: number): AsyncIterable<StatsCase[]>;

  readGuard(orderId: string, buyerOpenid: string): Promise<ApplyGuard>;
  /**
   * Inserts a new case with its outbox notifications in one commit, iff the guard still holds and the
   * (buyerOpenid, idempotencyKey) pair is new. Bumps both counters. With `claim`, R3's caps are
   * claimed in the same commit (CapClaim): throws DomainError AMOUNT_EXCEEDS_LIMIT, inserting nothing,
   * when a total would pass its cap.
   */
  insert(c: AfterSaleCase, guard: ApplyGuard, notifications: Notification[], claim?: CapClaim): Promise<InsertResult>;
  /**
   * Compare-and-set: writes `c` iff the stored case still has `expectedVersion` (c.version must be
   * expectedVersion + 1), together with its outbox notifications and tickets, in one commit.
   * Returns false when another writer won. With `claim`, R3's caps are claimed in the same commit
   * (CapClaim; throws AMOUNT_EXCEEDS_LIMIT, writing nothing, past a cap). Without it nothing is claimed
   * or refused: only for writes that change no money (the sweep's timer deferrals).
   */
  update(
    c: AfterSaleCase,
    expectedVersion: number,
    notifications: Notification[],
    tickets?: Ticket[],
    claim?: CapClaim,
    prepared?: PreparedWrite,
  ): Promise<boolean>;
  /** Makes a coming `update` ready while the caller reads its facts (PreparedWrite); absent where there is nothing to gain. */
  prepare?(): PreparedWrite;
  /**
   * A batch of `update`s in one commit (the sweep's unit of work): each write is its own
   * compare-and-set and claims its caps on the totals as the writes before it in the batch left them,
   * so the batch passes a cap exactly where the same writes one after another would. A write that
   * lost (STALE) or is refused (CAP) is left out; the others commit together. One outcome per write, in order.
   */
  updateMany(writes: readonly CaseWrite[]): Promise<CaseWriteOutcome[]>;
  /**
   * SPEC §6 `modify`: `update`'s compare-and-set, also iff the order's apply guard still holds (no case
   * was inserted or modified on the order, nor by the buyer, since `guard` was read); bumps the order's
   * counter in the same commit, so a racing `apply` on the order re-checks. STALE: the case's version
   * moved; CONFLICT: the guard did (re-check on fresh facts). R3's claim as in `update`.
   */
  updateGuarded(
    c: AfterSaleCase,
    expectedVersion: number,
    guard: ApplyGuard,
    notifications: Notification[],
    claim?: CapClaim,
  ): Promise<'UPDATED' | 'STALE' | 'CONFLICT'>;
}

export interface OrderRepo {
  get(orderId: string): Promise<Order | null>;
  /** `get` of many orders in one query (see CaseRepo.listByOrders); the ones found, by id. */
  getMany?(orderIds: readonly string[]): Promise<Map<string, Order>>;
  /** The buyer's orders, newest paidAt first. */
  listForBuyer(buyerOpenid: string, q: { status?: Order['status']; cursor?: string; limit: number }): Promise<Page<Order>>;
  /** R25's refund rate: orders of the shop delivered in [from, to). */
  countDelivered(shopId: string, from: EpochMs, to: EpochMs): Promise<number>;
  // ── SPEC §7 demo checkout ──
  /** Stores a new order (order.create); false when the id is taken. */
  insert(order: Order): Promise<boolean>;
  /**
   * Compare-and-set: writes `order` iff the stored one still has `expectedVersion` (absent = 0); order.version must be one more.
   * R3's cap guard (docs/DESIGN.md "Cap guard: order cancellations"): what the order's cancellation holds
   * against its shop's year (src/server/caps.ts orderYearShare) moves the shop's running year total in the
   * same commit; a write that makes it grow past ¥500,000 (cases and cancellations together) throws
   * DomainError AMOUNT_EXCEEDS_LIMIT, writing nothing.
   */
  update(order: Order, expectedVersion: number): Promise<boolean>;
  /** The shop's orders, newest paidAt first (merchant order list). */
  listForShop(shopId: string, q: { status?: Order['status']; cursor?: string; limit: number }): Promise<Page<Order>>;
  /** Orders whose timerAt ≤ now, by (timerAt, _id), at most `limit`, past `after` when given. */
  due(now: EpochMs, limit: number, after?: DueKey): Promise<Order[]>;
  /** R3: what the shop's order cancellations cancelled in [from, to) hold in refunds (attempts not CLOSED). */
  shopCancelRefundFen(shopId: string, from: EpochMs, to: EpochMs): Promise<Fen>;
}

/** SPEC §7: what the page needs to pay (cloud: wx.requestPayment's fields), or PAID: the gateway has the payment already (the local simulated gateway pays at once). */
export type PaymentStart =
  | { kind: 'REQUEST_PAYMENT'; payment: { timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string } }
  | { kind: 'PAID' };

export interface PaymentRequest {
  /** out_trade_no: the order id. */
  orderId: string;
  shopId: string;
  totalFen: Fen;
  /** 商品描述 (body), ≤ 128 bytes. */
  description: string;
  payerOpenid: string;
}

/** NOTPAY: started and not (yet) paid; UNKNOWN: the gateway never saw this order. */
export type PaymentQueryStatus = 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'REFUND' | 'UNKNOWN';

/** SPEC §7: taking a payment (cloud: cloudPay.unifiedOrder / queryOrder; local: the simulated gateway). */
export interface PaymentGateway {
  start(p: PaymentRequest): Promise<PaymentStart>;
  /**
   * How the gateway reports the order's payment; the only source of a PAID order (callbacks are hints).
   * `shopId` (the order's shop) picks the shop's own sub-merchant (SPEC §7); without it the order is read.
   */
  query(orderId: string, shopId?: string): Promise<{ status: PaymentQueryStatus; paidAt?: EpochMs; totalFen?: Fen; transactionId?: string }>;
}

export interface ShopRepo {
  get(shopId: string): Promise<Shop | null>;
  /** Replaces the shop document (settings and return address). */
  save(shop: Shop): Promise<void>;
}

export interface MerchantRepo {
  get(openid: string): Promise<Merchant | null>;
  /** The shop's STAFF and OWNER merchants (SPEC §5: each exchange step notifies every merchant of the shop). */
  listForShop(shopId: string): Promise<Merchant[]>;
}

export interface RiskRepo {
  /** platform.liftRisk: the latest lift for this buyer, if any (R7). */
  liftedAt(openid: string): Promise<EpochMs | undefined>;
  /** `liftedAt` of many buyers in one query (see CaseRepo.listByOrders); only the lifted ones. */
  liftedAtMany?(openids: readonly string[]): Promise<Map<string, EpochMs>>;
  lift(openid: string, at: EpochMs, note: string, by: string): Promise<void>;
}

export interface RefundRequest {
  outRefundNo: string;
  caseId: string;
  /** The shop whose money goes out: picks its gateway (settings.payment, SPEC §7); found from the order when absent. */
  shopId?: string;
  /**
   * That shop as the caller read it with the transition's facts, moments before: its settings.payment
   * routes the refund without reading the shop again (one round trip less on the cloud). Absent: read now.
   */
  shop?: Pick<Shop, 'settings'>;
  orderId: string;
  amountFen: Fen;
  /** The order's paid amount (WeChat Pay's total_fee). */
  totalFen: Fen;
  payChannel: PayChannel;
  method: RefundMethod;
  account?: string;
}

export type RefundQueryStatus = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED' | 'UNKNOWN';

export interface RefundGateway {
  /** Starts (or, with the same outRefundNo, re-sends) a refund. Idempotent on outRefundNo. May throw on timeout. */
  request(r: RefundRequest): Promise<{ accepted: true } | { accepted: false; error: CaseError }>;
  /**
   * UNKNOWN: the gateway never received this outRefundNo (re-send it). `shopId` picks the shop's own
   * gateway (SPEC §7); without it, the shop of the case holding the number.
   */
  query(outRefundNo: string, shopId?: string): Promise<{ status: RefundQueryStatus; settledAt?: EpochMs; failure?: string }>;
}

/**
 * What the refund callback (`refundNotify`) receives: WeChat Pay's refund result notification as
 * cloudPay hands it to the callback function (v2 fields, camelCased, `req_info` already decrypted).
 * The local simulated gateway sends exactly this shape. refundStatus: SUCCESS; CHANGE = ABNORMAL
 * (not final); REFUNDCLOSE = CLOSED (final). successTime (SUCCESS only): `YYYY-MM-DD HH:mm:ss`, Shanghai.
 */
export interface RefundNotifyEvent {
  returnCode: 'SUCCESS' | 'FAIL';
  appid: string;
  mchId: string;
  nonceStr: string;
  reqInfo: {
    transactionId: string;
    /** The order id. */
    outTradeNo: string;
    refundId: string;
    outRefundNo: string;
    totalFee: Fen;
    refundFee: Fen;
    settlementRefundFee: Fen;
    refundStatus: 'SUCCESS' | 'CHANGE' | 'REFUNDCLOSE';
    successTime?: string;
    refundRecvAccout: string;
    refundAccount: string;
    refundRequestSource: string;
  };
}

/** Sends committed notifications (cloud: subscribeMessage.send; local: the outbox is the record). */
export interface Notifier {
  send(n: Notification[]): Promise<void>;
}

export interface StoredFile {
  sha256: string;
  size: number;
  kind: EvidenceKind;
}

export interface FileStore {
  /** null when no such file exists. The cloud store may not know the hash (sha256 = ''). */
  stat(fileId: string): Promise<StoredFile | null>;
}

// ── SPEC §7 people and orders in ──

/**
 * Shops, their people and their keys, as `setup`, the codes and the sync key change them. Every write
 * that decides on what it read is a compare-and-set, so two redemptions of one code cannot both win.
 */
export interface PeopleRepo {
  /** Stores a new shop and its setup code in one commit; false when the shop id is taken. */
  createShop(shop: Shop, setupCode: AccessCode): Promise<boolean>;
  addCode(code: AccessCode): Promise<void>;
  getCode(hash: string): Promise<AccessCode | null>;
  /** The shop's codes of `kind` not used yet (expired ones included: the caller judges the time). */
  unusedCodes(shopId: string, kind: AccessCode['kind']): Promise<AccessCode[]>;
  /**
   * Marks the code revoked (and so spent: `usedAt` = `revokedAt` = at, `usedBy` = by) iff it is still unused
   * and of `shopId`, as one compare-and-set against `redeem`; false otherwise (used meanwhile, or not this shop's).
   */
  revokeCode(shopId: string, hash: string, at: EpochMs, by: string): Promise<boolean>;
  /** The caller's merchant record as stored now (never a cached role: redeeming decides on it). */
  merchant(openid: string): Promise<Merchant | null>;
  /**
   * Marks the code used by `merchant.openid` and writes `merchant`, in one commit, iff the code is
   * still unused and the caller's merchant record is still `before` (null: none). False: someone won a race.
   */
  redeem(hash: string, usedAt: EpochMs, merchant: Merchant, before: Merchant | null): Promise<boolean>;
  /** Removes the merchant iff it is still a STAFF of `shopId`; false otherwise. */
  removeStaff(shopId: string, openid: string): Promise<boolean>;
  syncKey(shopId: string): Promise<SyncKeyRecord | null>;
  /** Replaces the shop's sync key: the previous one stops working at once. */
  setSyncKey(record: SyncKeyRecord): Promise<void>;
}

/** orderSync's writes (SPEC §7 "Orders in"). */
export interface OrderSyncRepo {
  /**
   * Writes `next` iff the stored order is still exactly `expected` (null: there is none yet); false
   * when another writer changed it meanwhile (re-read and judge again).
   */
  put(next: Order, expected: Order | null): Promise<boolean>;
}

/** Everything a use case may touch. */
export interface Services {
  clock: Clock;
  ids: IdGen;
  cases: CaseRepo;
  orders: OrderRepo;
  shops: ShopRepo;
  merchants: MerchantRepo;
  risk: RiskRepo;
  gateway: RefundGateway;
  /** SPEC §7: the demo checkout's payments. */
  payments: PaymentGateway;
  notifier: Notifier;
  files: FileStore;
  // ── SPEC §7 ──
  people: PeopleRepo;
  orderSync: OrderSyncRepo;
}
