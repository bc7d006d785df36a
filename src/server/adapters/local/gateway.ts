/**
 * A refund gateway that behaves like WeChat Pay's, for the local host (behaviours: README.md here).
 * Its books are a table in the host's database, so refunds in flight survive a restart. Time is the
 * host clock: a refund settles a second after it starts, so moving the clock settles it at once for
 * `query` and for the delivery loop alike.
 */
import { randomBytes } from 'crypto';
import type { CaseError, EpochMs, Order, PayChannel, RefundMethod, RefundScenario, Shop } from '../../../../types/domain';
import { CATALOGUE } from '../../../core/errors';
import { LIMITS } from '../../../core/settings';
import { DAY_MS, formatShanghai, HOUR_MS } from '../../../core/time';
import { percentOf } from '../../../core/money';
import type { Clock, RefundGateway, RefundNotifyEvent, RefundQueryStatus, RefundRequest } from '../../ports';
import type { Db } from '../sqlite/open';
import { Statements } from '../sqlite/statements';

export interface GatewayOptions {
  /**
   * From the start of a refund to its result, before rounding up to a whole second: 0.5 s makes it
   * settle 0.5–1.5 s after the start, and with the delivery loop's tick the callback lands within the
   * 2 s of real time SPEC §4 promises.
   */
  settleDelayMs: number;
  /** An order flagged LATE: success reported this long after the start (R8). */
  lateDelayMs: number;
  /** R31: refunds of one order start at least this far apart; later ones wait in line. */
  spacingMs: number;
  /** Real-time period of the delivery loop. */
  tickMs: number;
  /** Callback deliveries that fail (throw or answer 5xx) are retried with backoff, then given up; `query` still answers. */
  maxNotifyFailures: number;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  settleDelayMs: 500,
  lateDelayMs: HOUR_MS,
  spacingMs: LIMITS.refundSpacingMs,
  tickMs: 250,
  maxNotifyFailures: 8,
};

/**
 * Where the gateway reads an order and its shop (the payment it refunds): by default the host's own
 * SQLite tables; the cloud-sim service hands in its document store instead.
 */
export interface PaymentLookup {
  order(orderId: string): Order | undefined;
  shop(shopId: string): Shop | undefined;
}

/** What the host hands the gateway: `handleRefundNotify`. A reply with status ≥ 500, or a throw, means "deliver again". */
export type RefundNotifyCallback = (event: RefundNotifyEvent) => Promise<{ status: number } | void>;

/** A `request` whose answer never came back: the refund may or may not have been recorded (it was). */
export class GatewayTimeoutError extends Error {
  constructor(outRefundNo: string) {
    super(`退款请求超时，结果未知（${outRefundNo}）`);
    this.name = 'GatewayTimeoutError';
  }
}

type Outcome = 'SUCCESS' | 'ABNORMAL' | 'CLOSED';

/** What the books say to one request: accepted (its answer lost when `timeout`), or refused. */
type Decision = { accepted: true; timeout: boolean } | { accepted: false; error: CaseError };

interface Row {
  out_refund_no: string;
  refund_id: string;
  case_id: string;
  order_id: string;
  amount_fen: number;
  total_fen: number;
  pay_channel: PayChannel;
  method: RefundMethod;
  account: string | null;
  requested_at: number;
  start_at: number;
  settle_at: number;
  outcome: Outcome;
  failure: string | null;
  observed: number;
  notify_target: number;
  notified: number;
  notify_failures: number;
  next_notify_at: number;
}

const FAILURE_TEXT: Record<Exclude<Outcome, 'SUCCESS'>, string> = {
  ABNORMAL: '退款到银行时发现用户银行卡已作废或冻结，原路退款失败，款项已退回商户账户',
  CLOSED: '银行退票，退款单已关闭',
};

const NOTIFY_STATUS: Record<Outcome, RefundNotifyEvent['reqInfo']['refundStatus']> = {
  SUCCESS: 'SUCCESS',
  ABNORMAL: 'CHANGE',
  CLOSED: 'REFUNDCLOSE',
};

function refused(code: keyof typeof CATALOGUE, message?: string): { accepted: false; error: CaseError } {
  return { accepted: false, error: { code, message: message ?? CATALOGUE[code].message, solution: CATALOGUE[code].solution } };
}

/** WeChat reports times to the second; settling on a whole second keeps the callback and `query` in agreement. */
function ceilToSecond(at: EpochMs): EpochMs {
  return Math.ceil(at / 1000) * 1000;
}

function receivingAccount(r: Row): string {
  if (r.method === 'DESIGNATED_ACCOUNT') return r.account ?? '商户指定账户';
  switch (r.pay_channel) {
    case 'WECHAT':
      return '支付用户零钱';
    case 'BANK_CARD':
      return '支付用户银行卡';
    case 'CREDIT_CARD':
      return '支付用户信用卡';
    case 'THIRD_PARTY':
      return '第三方支付账户';
  }
}

export class SimulatedRefundGateway implements RefundGateway {
  readonly options: GatewayOptions;
  private readonly st: Statements;
  private callback?: RefundNotifyCallback;
  private timer?: NodeJS.Timeout;
  /** Deliveries run one at a time, in the order asked. */
  private chain: Promise<number> = Promise.resolve(0);

  private readonly lookup: PaymentLookup;
  /** Requests waiting for this turn's flush. */
  private queued: { r: RefundRequest; resolve(d: Decision): void; reject(e: unknown): void }[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    options: Partial<GatewayOptions> = {},
    lookup?: PaymentLookup,
  ) {
    this.options = { ...DEFAULT_GATEWAY_OPTIONS, ...options };
    this.st = new Statements(db);
    this.lookup = lookup ?? { order: (id) => this.orderRow(id), shop: (id) => this.shopRow(id) };
  }

  /** The paid order a refund number pays back, as the gateway sees it. */
  lookupOrder(orderId: string): Order | undefined {
    return this.lookup.order(orderId);
  }

  /** The gateway's own record of a refund: what was asked, whatever has been observed. */
  books(outRefundNo: string): { orderId: string; caseId: string; amountFen: number; totalFen: number } | undefined {
    const row = this.row(outRefundNo);
    return row && { orderId: row.order_id, caseId: row.case_id, amountFen: row.amount_fen, totalFen: row.total_fen };
  }

  setCallback(cb: RefundNotifyCallback | undefined): void {
    this.callback = cb;
  }

  async request(r: RefundRequest): Promise<{ accepted: true } | { accepted: false; error: CaseError }> {
    if (!Number.isSafeInteger(r.amountFen) || r.amountFen <= 0) {
      throw new RangeError(`refund ${r.outRefundNo}: amount must be a positive integer of fen`);
    }
    const decision = await new Promise<Decision>((resolve, reject) => {
      this.queued.push({ r, resolve, reject });
      if (this.queued.length === 1) queueMicrotask(() => this.flush());
    });
    if (!decision.accepted) return decision;
    if (decision.timeout) throw new GatewayTimeoutError(r.outRefundNo);
    return { accepted: true };
  }

  /**
   * The requests made in one turn of the event loop (a sweep's batch sends its refunds together) are
   * booked in one IMMEDIATE transaction, each in a savepoint of its own: a request that throws rolls
   * back alone, and each one sees the books as the ones before it left them, as one after another would.
   */
  private flush(): void {
    const queued = this.queued;
    this.queued = [];
    const lookup = this.batchLookup();
    let outcomes: ({ ok: true; decision: Decision } | { ok: false; error: unknown })[];
    try {
      outcomes = this.db
        .transaction(() =>
          queued.map(({ r }) => {
            try {
              return { ok: true as const, decision: this.db.transaction(() => this.decide(r, lookup))() };
            } catch (error) {
              return { ok: false as const, error };
            }
          }),
        )
        .immediate();
    } catch (error) {
      for (const q of queued) q.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? queued[i].resolve(o.decision) : queued[i].reject(o.error)));
  }

  /** Orders and shops read once per flush (the books are written, never these). */
  private batchLookup(): PaymentLookup {
    const orders = new Map<string, Order | undefined>();
    const shops = new Map<string, Shop | undefined>();
    return {
      order: (id) => {
        if (!orders.has(id)) orders.set(id, this.lookup.order(id));
        return orders.get(id);
      },
      shop: (id) => {
        if (!shops.has(id)) shops.set(id, this.lookup.shop(id));
        return shops.get(id);
      },
    };
  }

  /** One refund request against the books, inside the flush's transaction. */
  private decide(r: RefundRequest, lookup: PaymentLookup): Decision {
    const existing = this.row(r.outRefundNo);
    if (existing) {
      // WeChat Pay rejects a re-sent refund number carrying another amount; for us it is a bug upstream.
      if (existing.amount_fen !== r.amountFen || existing.order_id !== r.orderId) {
        throw new Error(`refund ${r.outRefundNo} re-sent with another order or amount`);
      }
      return { accepted: true, timeout: false };
    }
    const order = lookup.order(r.orderId);
    if (!order) return refused('NOT_FOUND', '支付订单不存在，无法退款');
    const shop = lookup.shop(order.shopId);
    if (!shop || !shop.verified) return refused('MERCHANT_ACCOUNT_ABNORMAL');
    const now = this.clock.now();
    if (r.method === 'ORIGINAL' && (r.payChannel === 'CREDIT_CARD' || r.payChannel === 'THIRD_PARTY')) {
      return refused(
        'PAYMENT_CHANNEL_RESTRICTED',
        r.payChannel === 'CREDIT_CARD' ? '信用卡支付的订单需发卡行确认，暂不能原路退款' : '第三方支付的订单需平台审批，暂不能原路退款',
      );
    }
    if (now > order.paidAt + LIMITS.paymentRefundDays * DAY_MS) {
      return refused('AFTER_SALE_WINDOW_EXPIRED', '支付已超过365天，微信支付不再受理退款');
    }
    // R31: refunds PROCESSING, SUCCESS or ABNORMAL count toward the 50; one already CLOSED does not.
    const books = this.st
      .get(
        `SELECT COALESCE(SUM(CASE WHEN outcome = 'CLOSED' AND (observed = 1 OR settle_at <= ?) THEN 0 ELSE 1 END), 0) AS n,
                COALESCE(SUM(CASE WHEN outcome = 'SUCCESS' THEN amount_fen ELSE 0 END), 0) AS live,
                MAX(start_at) AS lastStart, SUM(case_id = ?) AS ofCase
         FROM gateway_refunds WHERE order_id = ?`,
      )
      .get(now, r.caseId, r.orderId) as { n: number; live: number; lastStart: number | null; ofCase: number | null };
    if (books.n >= LIMITS.maxRefundsPerOrder) {
      return refused('AMOUNT_EXCEEDS_LIMIT', `该订单已退款${LIMITS.maxRefundsPerOrder}次，达到微信支付上限`);
    }
    if (books.live + r.amountFen > percentOf(order.paidFen, LIMITS.refundCapPercent)) {
      return refused('AMOUNT_EXCEEDS_LIMIT', '该订单累计退款将超过实付金额的105%');
    }
    const firstOfCase = (books.ofCase ?? 0) === 0;
    const scenario: RefundScenario | undefined = firstOfCase ? order.refundScenario : undefined;
    const startAt = books.lastStart === null ? now : Math.max(now, books.lastStart + this.options.spacingMs);
    const settleAt = ceilToSecond(startAt + (scenario === 'LATE' ? this.options.lateDelayMs : this.options.settleDelayMs));
    const outcome: Outcome = scenario === 'ABNORMAL' ? 'ABNORMAL' : scenario === 'CLOSED' ? 'CLOSED' : 'SUCCESS';
    this.st
      .get(
        `INSERT INTO gateway_refunds (out_refund_no, refund_id, case_id, order_id, amount_fen, total_fen, pay_channel,
           method, account, requested_at, start_at, settle_at, outcome, failure, notify_target, next_notify_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.outRefundNo,
        `5030${randomBytes(12).toString('hex')}`,
        r.caseId,
        r.orderId,
        r.amountFen,
        r.totalFen,
        r.payChannel,
        r.method,
        r.account ?? null,
        now,
        startAt,
        settleAt,
        outcome,
        outcome === 'SUCCESS' ? null : FAILURE_TEXT[outcome],
        scenario === 'DUPLICATE_NOTIFY' ? 2 : 1,
        settleAt,
      );
    return { accepted: true, timeout: scenario === 'TIMEOUT' };
  }

  async query(outRefundNo: string): Promise<{ status: RefundQueryStatus; settledAt?: EpochMs; failure?: string }> {
    const row = this.row(outRefundNo);
    if (!row) return { status: 'UNKNOWN' };
    if (!row.observed && this.clock.now() < row.settle_at) return { status: 'PROCESSING' };
    if (!row.observed) this.st.get('UPDATE gateway_refunds SET observed = 1 WHERE out_refund_no = ?').run(outRefundNo);
    return {
      status: row.outcome,
      settledAt: row.settle_at,
      ...(row.failure !== null ? { failure: row.failure } : {}),
    };
  }

  /** Delivers every settled result whose callback is due; resolves with the number of callbacks made. */
  deliverDue(): Promise<number> {
    const run = this.chain.then(
      () => this.deliverOnce(),
      () => this.deliverOnce(),
    );
    this.chain = run.catch(() => 0);
    return run;
  }

  /** Starts the background delivery loop (real time, every `tickMs`). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.deliverDue().catch((e: unknown) => console.error('[gateway] delivery failed', e));
    }, this.options.tickMs);
    this.timer.unref();
  }

  /** Stops the loop and waits for a delivery in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** The notification WeChat Pay would send for this refund. */
  notifyEvent(outRefundNo: string): RefundNotifyEvent | null {
    const row = this.row(outRefundNo);
    return row ? this.event(row) : null;
  }

  private async deliverOnce(): Promise<number> {
    const cb = this.callback;
    if (!cb) return 0;
    const now = this.clock.now();
    const due = this.st
      .get(
        `SELECT * FROM gateway_refunds WHERE notified < notify_target AND next_notify_at <= ?
         ORDER BY next_notify_at, out_refund_no LIMIT 200`,
      )
      .all(now) as Row[];
    let delivered = 0;
    for (const row of due) {
      let notified = row.notified;
      while (notified < row.notify_target) {
        if (await this.send(cb, row)) {
          notified += 1;
          delivered += 1;
          this.st.get('UPDATE gateway_refunds SET notified = ?, observed = 1 WHERE out_refund_no = ?').run(notified, row.out_refund_no);
          continue;
        }
        const failures = row.notify_failures + 1;
        const givenUp = failures >= this.options.maxNotifyFailures;
        this.st
          .get('UPDATE gateway_refunds SET notify_failures = ?, notified = ?, next_notify_at = ? WHERE out_refund_no = ?')
          .run(failures, givenUp ? row.notify_target : notified, now + Math.min(60_000, 1_000 * 2 ** failures), row.out_refund_no);
        break;
      }
    }
    return delivered;
  }

  private async send(cb: RefundNotifyCallback, row: Row): Promise<boolean> {
    try {
      const reply = await cb(this.event(row));
      return !(reply && reply.status >= 500);
    } catch (e) {
      console.error(`[gateway] refund callback for ${row.out_refund_no} failed`, e);
      return false;
    }
  }

  private event(row: Row): RefundNotifyEvent {
    return {
      returnCode: 'SUCCESS',
      appid: 'wx0000000000local',
      mchId: '1900000109',
      nonceStr: randomBytes(16).toString('hex'),
      reqInfo: {
        transactionId: `4200${row.order_id}`,
        outTradeNo: row.order_id,
        refundId: row.refund_id,
        outRefundNo: row.out_refund_no,
        totalFee: row.total_fen,
        refundFee: row.amount_fen,
        settlementRefundFee: row.outcome === 'SUCCESS' ? row.amount_fen : 0,
        refundStatus: NOTIFY_STATUS[row.outcome],
        ...(row.outcome === 'SUCCESS' ? { successTime: formatShanghai(row.settle_at, 'YYYY-MM-DD HH:mm:ss') } : {}),
        refundRecvAccout: receivingAccount(row),
        refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
        refundRequestSource: 'API',
      },
    };
  }

  private row(outRefundNo: string): Row | undefined {
    return this.st.get('SELECT * FROM gateway_refunds WHERE out_refund_no = ?').get(outRefundNo) as Row | undefined;
  }

  private orderRow(orderId: string): Order | undefined {
    const row = this.st.get('SELECT doc FROM orders WHERE id = ?').get(orderId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Order) : undefined;
  }

  private shopRow(shopId: string): Shop | undefined {
    const row = this.st.get('SELECT doc FROM shops WHERE id = ?').get(shopId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Shop) : undefined;
  }
}
