/**
 * The local host's WeChat Pay for the demo checkout (SPEC §7): there is no buyer's phone to confirm
 * `wx.requestPayment`, so a payment started here is paid at once. Its books are a table of the host's
 * database (gateway_payments); `query` answers from them (the only source of a PAID order), and the
 * payment callback is delivered to `payNotify` afterwards, as WeChat Pay does: a hint, not a record.
 */
import { randomBytes } from 'crypto';
import type { EpochMs } from '../../../../types/domain';
import { formatShanghai } from '../../../core/time';
import type { Clock, PaymentGateway, PaymentQueryStatus, PaymentRequest, PaymentStart } from '../../ports';
import type { Db } from '../sqlite/open';
import { Statements } from '../sqlite/statements';

/** WeChat Pay's payment notification as cloudPay hands it to the callback function (camelCased v2 fields). */
export interface PayNotifyEvent {
  returnCode: 'SUCCESS' | 'FAIL';
  resultCode: 'SUCCESS' | 'FAIL';
  appid: string;
  mchId: string;
  subMchId: string;
  nonceStr: string;
  openid: string;
  tradeType: 'JSAPI';
  bankType: string;
  totalFee: number;
  feeType: 'CNY';
  cashFee: number;
  transactionId: string;
  outTradeNo: string;
  /** yyyyMMddHHmmss, Shanghai. */
  timeEnd: string;
}

export type PayNotifyCallback = (event: PayNotifyEvent) => Promise<{ status: number } | void>;

interface Row {
  out_trade_no: string;
  transaction_id: string;
  shop_id: string;
  payer_openid: string;
  total_fen: number;
  started_at: number;
  paid_at: number | null;
  notified: number;
}

export const SIM_SUB_MCH_ID = '1900000109';

export class SimulatedPaymentGateway implements PaymentGateway {
  private readonly st: Statements;
  private callback?: PayNotifyCallback;
  private chain: Promise<number> = Promise.resolve(0);
  private timer?: NodeJS.Timeout;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.st = new Statements(db);
  }

  setCallback(cb: PayNotifyCallback | undefined): void {
    this.callback = cb;
  }

  /** Records the payment, paid now (a second start of the same order changes nothing). */
  async start(p: PaymentRequest): Promise<PaymentStart> {
    this.pay(p);
    return { kind: 'PAID' };
  }

  /** The payment of `p.orderId` as the books hold it, recorded (and paid) if new. */
  pay(p: Pick<PaymentRequest, 'orderId' | 'shopId' | 'totalFen' | 'payerOpenid'>): { transactionId: string; paidAt: EpochMs; totalFen: number } {
    if (!Number.isSafeInteger(p.totalFen) || p.totalFen <= 0) throw new RangeError(`payment ${p.orderId}: total must be a positive integer of fen`);
    const now = this.clock.now();
    this.st
      .get(
        `INSERT INTO gateway_payments (out_trade_no, transaction_id, shop_id, payer_openid, total_fen, started_at, paid_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (out_trade_no) DO NOTHING`,
      )
      .run(p.orderId, `4200${randomBytes(12).toString('hex')}`, p.shopId, p.payerOpenid, p.totalFen, now, now);
    const row = this.row(p.orderId)!;
    return { transactionId: row.transaction_id, paidAt: row.paid_at ?? now, totalFen: row.total_fen };
  }

  async query(orderId: string): Promise<{ status: PaymentQueryStatus; paidAt?: EpochMs; totalFen?: number; transactionId?: string }> {
    const row = this.row(orderId);
    if (!row) return { status: 'UNKNOWN' };
    if (row.paid_at === null) return { status: 'NOTPAY', totalFen: row.total_fen };
    return { status: 'SUCCESS', paidAt: row.paid_at, totalFen: row.total_fen, transactionId: row.transaction_id };
  }

  /** Delivers the callback of every payment not yet notified; resolves with how many were delivered. */
  deliverDue(): Promise<number> {
    const run = this.chain.then(
      () => this.deliverOnce(),
      () => this.deliverOnce(),
    );
    this.chain = run.catch(() => 0);
    return run;
  }

  /** Starts the real-time delivery loop (every `tickMs`). */
  startDelivery(tickMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.deliverDue().catch((e: unknown) => console.error('[gateway] payment delivery failed', e));
    }, tickMs);
    this.timer.unref();
  }

  async stopDelivery(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** The notification WeChat Pay would send for this payment. */
  notifyEvent(orderId: string): PayNotifyEvent | null {
    const row = this.row(orderId);
    return row && row.paid_at !== null ? this.event(row) : null;
  }

  private async deliverOnce(): Promise<number> {
    const cb = this.callback;
    if (!cb) return 0;
    const due = this.st.get('SELECT * FROM gateway_payments WHERE notified = 0 AND paid_at IS NOT NULL ORDER BY paid_at LIMIT 200').all() as Row[];
    let delivered = 0;
    for (const row of due) {
      try {
        const reply = await cb(this.event(row));
        if (reply && reply.status >= 500) continue;
      } catch (e) {
        console.error(`[gateway] payment callback for ${row.out_trade_no} failed`, e);
        continue;
      }
      this.st.get('UPDATE gateway_payments SET notified = 1 WHERE out_trade_no = ?').run(row.out_trade_no);
      delivered += 1;
    }
    return delivered;
  }

  private event(row: Row): PayNotifyEvent {
    return {
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      appid: 'wx0000000000local',
      mchId: SIM_SUB_MCH_ID,
      subMchId: SIM_SUB_MCH_ID,
      nonceStr: randomBytes(8).toString('hex'),
      openid: row.payer_openid,
      tradeType: 'JSAPI',
      bankType: 'OTHERS',
      totalFee: row.total_fen,
      feeType: 'CNY',
      cashFee: row.total_fen,
      transactionId: row.transaction_id,
      outTradeNo: row.out_trade_no,
      timeEnd: formatShanghai(row.paid_at ?? row.started_at, 'YYYYMMDDHHmmss'),
    };
  }

  private row(orderId: string): Row | undefined {
    return this.st.get('SELECT * FROM gateway_payments WHERE out_trade_no = ?').get(orderId) as Row | undefined;
  }
}
