/**
 * A local stand-in for WeChat Pay's API v3 refunds, over HTTP, for tests, the local host and cloud-sim
 * (SPEC §7; it is no part of the cloud build). It keeps no books of its own: the simulated gateway's
 * (adapters/local/gateway.ts) decide every scenario — SUCCESS, late, ABNORMAL, CLOSED, timeout,
 * duplicate callbacks — and this speaks v3 around them, as WeChat Pay does:
 *
 * - `POST /v3/refund/domestic/refunds` and `GET /v3/refund/domestic/refunds/{out_refund_no}`, each
 *   request's `Authorization` checked against the merchant's public key (401 SIGN_ERROR otherwise),
 *   each answer signed with WeChat Pay's key (`Wechatpay-Signature` over timestamp, nonce and body);
 * - the refund callback to the request's `notify_url`: the refund encrypted with the merchant's APIv3
 *   key (AEAD_AES_256_GCM), the whole signed with WeChat Pay's key.
 *
 * The keys are whatever the caller generated (tests, or the local host's throwaway pair in DATA_DIR).
 * Signing, verifying and encrypting are the SDK's (wechatpay-axios-plugin), as on the merchant's side.
 */
import http, { type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { randomBytes, type KeyObject } from 'crypto';
import { wechatpaySdk } from './sdk';
import type { Order, Shop } from '../../../../types/domain';
import type { RefundNotifyEvent } from '../../ports';
import { GatewayTimeoutError, type SimulatedRefundGateway } from '../local/gateway';
import type { V3Refund } from './gateway';
import type { NotifyRequest, V3RefundResource } from './notify';

export interface SimulatedMerchant {
  mchId: string;
  certSerial: string;
  /** The merchant's public key: checks the requests' Authorization. */
  publicKey: KeyObject | string;
  apiV3Key: string;
}

export interface SimulatorOptions {
  books: SimulatedRefundGateway;
  /** The shop that took an order's payment (for its settings.payment). */
  shopOfOrder(orderId: string): Shop | undefined;
  platform: { keyId: string; privateKey: KeyObject | string };
  merchants: readonly SimulatedMerchant[];
  /** Where a callback goes when the request's notify_url is not known any more (after a restart). */
  defaultNotifyUrl?: () => string;
  /**
   * How a callback is delivered; by default an HTTP POST to the notify_url. Its status ≥ 500, or a
   * throw, means "deliver again" (the books retry with backoff).
   */
  transport?: (url: string, n: NotifyRequest) => Promise<number>;
  /**
   * WeChat Pay's clock, in ms (default real time). On cloud-sim the functions' clocks run at the host's
   * dev clock, so the simulator keeps that time too, as WeChat Pay's and the container's clocks agree.
   */
  nowMs?: () => number;
  /**
   * Allowed distance between a request's timestamp and the simulator's clock (default 300 s, WeChat
   * Pay's). cloud-sim's dev clock jumps while requests are in flight, so it allows more there.
   */
  maxSkewS?: number;
}

/** A v3 callback as sent: what tests tamper with. */
export interface BuiltNotification extends NotifyRequest {
  headers: Record<string, string>;
}

export interface NotificationOptions {
  /** Seconds; default now. */
  timestamp?: number;
  nonce?: string;
  /** Sign with this key instead of WeChat Pay's (a forger's). */
  signWith?: KeyObject | string;
  /** Encrypt with this key instead of the merchant's APIv3 key. */
  apiV3Key?: string;
  unsigned?: boolean;
}

const STATUS_OF: Record<RefundNotifyEvent['reqInfo']['refundStatus'], V3RefundResource['refund_status']> = {
  SUCCESS: 'SUCCESS',
  CHANGE: 'ABNORMAL',
  REFUNDCLOSE: 'CLOSED',
};

const ERROR_OF: Record<string, [number, string]> = {
  NOT_FOUND: [404, 'RESOURCE_NOT_EXISTS'],
  MERCHANT_ACCOUNT_ABNORMAL: [403, 'NO_AUTH'],
  PAYMENT_CHANNEL_RESTRICTED: [400, 'INVALID_REQUEST'],
  AFTER_SALE_WINDOW_EXPIRED: [400, 'INVALID_REQUEST'],
  AMOUNT_EXCEEDS_LIMIT: [400, 'INVALID_REQUEST'],
};

/** `<caseId>-<n>` (or an order's own `<orderId>-<n>`) → the case or order it pays (as cloudsim/pay.ts). */
function payerOf(outRefundNo: string): string {
  const i = outRefundNo.lastIndexOf('-');
  return i > 0 ? outRefundNo.slice(0, i) : outRefundNo;
}

function rfc3339(at: number): string {
  const d = new Date(at + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function authorizationOf(value: string | undefined): Record<string, string> | undefined {
  if (!value?.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return undefined;
  const fields: Record<string, string> = {};
  for (const m of value.slice('WECHATPAY2-SHA256-RSA2048 '.length).matchAll(/(\w+)="([^"]*)"/g)) fields[m[1]] = m[2];
  return fields;
}

export async function postNotification(url: string, n: NotifyRequest): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: n.headers as Record<string, string>, body: n.body });
  await res.arrayBuffer();
  return res.status;
}

export class WechatPayV3Simulator {
  private server?: http.Server;
  private readonly notifyUrls = new Map<string, string>();
  /** What each refund number was asked by (its merchant), so its callback is encrypted for it. */
  private readonly merchantOf = new Map<string, string>();
  /** Requests refused with SIGN_ERROR (a test checks its keys were used). */
  signErrors = 0;
  /** Verified requests served, and callbacks sent with the answer they got. */
  /** When each request was signed (its own clock) and received (ours). */
  private readonly asked = new WeakMap<ServerResponse, { ts: number; receivedS: number }>();
  readonly stats = { refunds: 0, queries: 0, callbacks: 0, callbacksAccepted: 0 };
  /** Faults a test switches on: answers signed with another key (a man in the middle), or not at all. */
  faults: { answerSignedWith?: KeyObject | string; answerUnsigned?: boolean } = {};

  constructor(private readonly opts: SimulatorOptions) {}

  get baseUrl(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error('the WeChat Pay v3 simulator is not listening');
    return `http://127.0.0.1:${a.port}/`;
  }

  async listen(port = 0): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        console.error('[wechatpay-sim] request failed', e);
        if (!res.headersSent) this.answer(res, 500, { code: 'SYSTEM_ERROR', message: '系统错误' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** The shop of this refund pays through its own v3 account (its callbacks are v3's, not cloudPay's). */
  owns(event: RefundNotifyEvent): boolean {
    return this.shopOfOrder(event.reqInfo.outTradeNo)?.settings?.payment?.provider === 'WECHATPAY_V3';
  }

  /** Sends the v3 callback for what the books report (the books call this in their delivery loop). */
  async deliver(event: RefundNotifyEvent): Promise<{ status: number }> {
    const info = event.reqInfo;
    const payment = this.shopOfOrder(info.outTradeNo)?.settings?.payment;
    const mchId = this.merchantOf.get(info.outRefundNo) ?? (payment?.provider === 'WECHATPAY_V3' ? payment.mchId : undefined);
    const url = this.notifyUrls.get(info.outRefundNo) ?? this.opts.defaultNotifyUrl?.();
    if (!mchId || !url) {
      console.warn(`[wechatpay-sim] no merchant or notify_url for ${info.outRefundNo}: callback dropped (the query still answers)`);
      return { status: 200 };
    }
    const resource: V3RefundResource = {
      mchid: mchId,
      out_trade_no: info.outTradeNo,
      transaction_id: info.transactionId,
      out_refund_no: info.outRefundNo,
      refund_id: info.refundId,
      refund_status: STATUS_OF[info.refundStatus],
      ...(info.successTime ? { success_time: `${info.successTime.replace(' ', 'T')}+08:00` } : {}),
      user_received_account: info.refundRecvAccout,
      amount: { total: info.totalFee, refund: info.refundFee, payer_total: info.totalFee, payer_refund: info.settlementRefundFee },
    };
    const n = this.notification(resource);
    const send = this.opts.transport ?? postNotification;
    this.stats.callbacks += 1;
    const status = await send(url, n);
    if (status < 300) this.stats.callbacksAccepted += 1;
    return { status };
  }

  /** A v3 refund callback for `resource`, signed and encrypted as WeChat Pay does, unless told otherwise. */
  notification(resource: V3RefundResource, o: NotificationOptions = {}): BuiltNotification {
    const merchant = this.opts.merchants.find((m) => m.mchId === resource.mchid);
    const apiV3Key = o.apiV3Key ?? merchant?.apiV3Key;
    if (!apiV3Key) throw new Error(`[wechatpay-sim] no APIv3 key for merchant ${resource.mchid}`);
    const iv = randomBytes(6).toString('hex');
    const aad = 'refund';
    const body = JSON.stringify({
      id: `EV-${randomBytes(8).toString('hex')}`,
      create_time: rfc3339(this.nowS() * 1000),
      resource_type: 'encrypt-resource',
      event_type: `REFUND.${resource.refund_status}`,
      summary: '退款成功',
      resource: {
        original_type: 'refund',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: wechatpaySdk().Aes.AesGcm.encrypt(JSON.stringify(resource), apiV3Key, iv, aad),
        associated_data: aad,
        nonce: iv,
      },
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!o.unsigned) Object.assign(headers, this.signatureHeaders(body, o));
    return { headers, body };
  }

  private signatureHeaders(body: string, o: NotificationOptions = {}): Record<string, string> {
    const timestamp = String(o.timestamp ?? this.nowS());
    const nonce = o.nonce ?? wechatpaySdk().Formatter.nonce();
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': this.opts.platform.keyId,
      'Wechatpay-Signature': wechatpaySdk().Rsa.sign(wechatpaySdk().Formatter.response(timestamp, nonce, body), o.signWith ?? this.opts.platform.privateKey),
    };
  }

  /** WeChat Pay's clock, in seconds. */
  nowS(): number {
    return Math.floor((this.opts.nowMs ?? Date.now)() / 1000);
  }

  private shopOfOrder(orderId: string): Shop | undefined {
    return this.opts.shopOfOrder(orderId);
  }

  /**
   * An answer, signed. Its timestamp is the request's own (when it has one) plus the time spent: WeChat
   * Pay's clock and the merchant's agree, and a simulated clock moved mid-request must not make a true
   * answer look stale.
   */
  private answer(res: ServerResponse, status: number, data: unknown): void {
    const body = status === 204 ? '' : JSON.stringify(data);
    const asked = this.asked.get(res);
    const timestamp = asked ? asked.ts + Math.max(0, this.nowS() - asked.receivedS) : undefined;
    const signed = this.faults.answerUnsigned ? {} : this.signatureHeaders(body, { signWith: this.faults.answerSignedWith, timestamp });
    res.writeHead(status, { 'content-type': 'application/json', ...signed });
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const auth = authorizationOf(req.headers.authorization);
    if (auth && /^\d{1,12}$/.test(auth.timestamp ?? '')) this.asked.set(res, { ts: Number(auth.timestamp), receivedS: this.nowS() });
    const merchant = auth && this.opts.merchants.find((m) => m.mchId === auth.mchid && m.certSerial === auth.serial_no);
    if (
      !auth ||
      !merchant ||
      !auth.timestamp ||
      !auth.nonce_str ||
      !auth.signature ||
      Math.abs(this.nowS() - Number(auth.timestamp)) > (this.opts.maxSkewS ?? 300) ||
      !wechatpaySdk().Rsa.verify(wechatpaySdk().Formatter.request(req.method ?? 'GET', url, auth.timestamp, auth.nonce_str, body), auth.signature, merchant.publicKey)
    ) {
      this.signErrors += 1;
      this.answer(res, 401, { code: 'SIGN_ERROR', message: '签名错误，请检查后再试' });
      return;
    }
    const path = url.split('?')[0];
    if (req.method === 'POST' && path === '/v3/refund/domestic/refunds') {
      this.stats.refunds += 1;
      return this.refund(merchant, body, req, res);
    }
    const m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && m) {
      this.stats.queries += 1;
      return this.query(merchant, decodeURIComponent(m[1]), res);
    }
    this.answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '无效的请求路径' });
  }

  private orderOf(merchant: SimulatedMerchant, orderId: string): Order | undefined {
    const order = this.opts.books.lookupOrder(orderId);
    if (!order) return undefined;
    const p = this.shopOfOrder(orderId)?.settings?.payment;
    return p?.provider === 'WECHATPAY_V3' && p.mchId === merchant.mchId ? order : undefined;
  }

  private async refund(merchant: SimulatedMerchant, text: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let b: { out_trade_no?: unknown; out_refund_no?: unknown; notify_url?: unknown; amount?: { refund?: unknown; total?: unknown; currency?: unknown } };
    try {
      b = JSON.parse(text) as typeof b;
    } catch {
      return this.answer(res, 400, { code: 'PARAM_ERROR', message: '请求体不是JSON' });
    }
    const outRefundNo = b.out_refund_no;
    const outTradeNo = b.out_trade_no;
    const refund = b.amount?.refund;
    const total = b.amount?.total;
    if (typeof outRefundNo !== 'string' || typeof outTradeNo !== 'string' || !Number.isSafeInteger(refund) || !Number.isSafeInteger(total) || b.amount?.currency !== 'CNY') {
      return this.answer(res, 400, { code: 'PARAM_ERROR', message: '参数错误：out_refund_no、out_trade_no、amount' });
    }
    const order = this.orderOf(merchant, outTradeNo);
    if (!order) return this.answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' });
    if (order.paidFen !== total) return this.answer(res, 400, { code: 'INVALID_REQUEST', message: '订单金额与之前请求不一致，请核实后再试' });
    if (typeof b.notify_url === 'string' && /^https?:\/\//.test(b.notify_url)) this.notifyUrls.set(outRefundNo, b.notify_url);
    this.merchantOf.set(outRefundNo, merchant.mchId);
    let reply: Awaited<ReturnType<SimulatedRefundGateway['request']>>;
    try {
      reply = await this.opts.books.request({
        outRefundNo,
        caseId: payerOf(outRefundNo),
        orderId: outTradeNo,
        amountFen: refund as number,
        totalFen: total as number,
        payChannel: order.payChannel,
        method: 'ORIGINAL',
      });
    } catch (e) {
      // Recorded, but the answer never comes back: the connection drops, as a timeout does.
      if (e instanceof GatewayTimeoutError) {
        req.socket.destroy();
        return;
      }
      throw e;
    }
    if (!reply.accepted) {
      const [status, code] = ERROR_OF[reply.error.code] ?? [400, 'INVALID_REQUEST'];
      return this.answer(res, status, { code, message: reply.error.message });
    }
    return this.query(merchant, outRefundNo, res);
  }

  private async query(merchant: SimulatedMerchant, outRefundNo: string, res: ServerResponse): Promise<void> {
    const row = this.opts.books.books(outRefundNo);
    if (!row || !this.orderOf(merchant, row.orderId)) return this.answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
    const q = await this.opts.books.query(outRefundNo);
    const status: V3Refund['status'] = q.status === 'UNKNOWN' ? 'PROCESSING' : q.status;
    const refund: V3Refund = {
      refund_id: `50${outRefundNo.length}${randomBytes(6).toString('hex')}`,
      out_refund_no: outRefundNo,
      out_trade_no: row.orderId,
      status,
      ...(status === 'SUCCESS' && q.settledAt !== undefined ? { success_time: rfc3339(q.settledAt) } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: row.totalFen, refund: row.amountFen, payer_total: row.totalFen, payer_refund: row.amountFen, currency: 'CNY' },
    };
    this.answer(res, 200, refund);
  }
}
