/**
 * The WeChat Pay v3 refund callback, checked (SPEC §4 "Callbacks are hints", §7): accepted only when
 * `Wechatpay-Signature` verifies against WeChat Pay's public key or platform certificate, its
 * timestamp is fresh (±300 s of real time), its nonce was not seen before, and its resource decrypts
 * (AEAD_AES_256_GCM with the APIv3 key). The SDK (wechatpay-axios-plugin) does the verifying and the
 * decrypting; this module only puts its pieces in order. What it yields is still a hint: the handler
 * asks the refund query and records that.
 */
import { wechatpaySdk } from './sdk';
import type { NotifyKey } from './env';

/** WeChat Pay's allowed clock offset for signed messages, as the SDK applies it to answers. */
export const MAX_CLOCK_OFFSET_S = 300;

export interface NotifyRequest {
  /** Header names in any case. */
  headers: Record<string, string | undefined>;
  /** The body exactly as received: the signature covers these bytes. */
  body: string;
}

/** A decrypted refund notification (`original_type: refund`). */
export interface V3RefundResource {
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  out_refund_no: string;
  refund_id?: string;
  refund_status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  success_time?: string;
  user_received_account?: string;
  amount?: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}

export interface VerifiedNotify {
  /** The key id that signed it (`Wechatpay-Serial`). */
  platformKeyId: string;
  eventType: string;
  resource: V3RefundResource;
}

/** One-time use of a callback's nonce within the freshness window (nonces.ts: SQLite / cloud database). */
export interface NonceStore {
  /** True the first time `key` is claimed; false when it was claimed before. Keys may be forgotten after `expiresAtS`. */
  claim(key: string, expiresAtS: number): Promise<boolean>;
}

export type NotifyRejection = 'HEADERS' | 'STALE' | 'SIGNATURE' | 'BODY' | 'DECRYPT' | 'REPLAY';

export class NotifyRejected extends Error {
  constructor(
    readonly reason: NotifyRejection,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'NotifyRejected';
  }
}

function header(h: NotifyRequest['headers'], name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === want && typeof v === 'string' && v !== '') return v;
  return undefined;
}

interface Envelope {
  event_type: string;
  resource_type?: string;
  resource: { algorithm: string; ciphertext: string; associated_data?: string; nonce: string; original_type?: string };
}

function envelopeOf(body: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    throw new NotifyRejected('BODY', 'not JSON');
  }
  const e = parsed as Partial<Envelope> | null;
  const r = e?.resource;
  if (
    !e ||
    typeof e.event_type !== 'string' ||
    !r ||
    r.algorithm !== 'AEAD_AES_256_GCM' ||
    typeof r.ciphertext !== 'string' ||
    typeof r.nonce !== 'string' ||
    (r.associated_data !== undefined && typeof r.associated_data !== 'string')
  ) {
    throw new NotifyRejected('BODY', 'not an encrypted WeChat Pay notification');
  }
  return e as Envelope;
}

function resourceOf(plain: string): V3RefundResource {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plain) as unknown;
  } catch {
    throw new NotifyRejected('DECRYPT', 'the resource is not JSON');
  }
  const r = parsed as Partial<V3RefundResource> | null;
  if (!r || typeof r.mchid !== 'string' || typeof r.out_refund_no !== 'string' || typeof r.refund_status !== 'string') {
    throw new NotifyRejected('DECRYPT', 'the resource is no refund');
  }
  return r as V3RefundResource;
}

/**
 * Checks one callback. Throws NotifyRejected (nothing to act on) or returns the decrypted refund.
 * `nowS` is real time in seconds (WeChat Pay's clock, not the host's dev clock).
 */
export async function verifyNotify(req: NotifyRequest, keys: readonly NotifyKey[], nonces: NonceStore, nowS: number): Promise<VerifiedNotify> {
  const timestamp = header(req.headers, 'Wechatpay-Timestamp');
  const nonce = header(req.headers, 'Wechatpay-Nonce');
  const serial = header(req.headers, 'Wechatpay-Serial');
  const signature = header(req.headers, 'Wechatpay-Signature');
  if (!timestamp || !nonce || !serial || !signature) throw new NotifyRejected('HEADERS', 'unsigned: a Wechatpay-* header is missing');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > MAX_CLOCK_OFFSET_S) {
    throw new NotifyRejected('STALE', `timestamp ${timestamp} is more than ${MAX_CLOCK_OFFSET_S} s from now (${nowS})`);
  }
  const { Aes, Formatter, Rsa } = wechatpaySdk();
  const message = Formatter.response(timestamp, nonce, req.body);
  const signers = keys.filter((k) => (k.certSerial === undefined || k.certSerial === serial.toUpperCase()) && Rsa.verify(message, signature, k.platformKey));
  if (signers.length === 0) throw new NotifyRejected('SIGNATURE', `Wechatpay-Signature does not verify (Wechatpay-Serial ${serial})`);
  const envelope = envelopeOf(req.body);
  let plain: string | undefined;
  let used: NotifyKey | undefined;
  for (const k of signers) {
    try {
      plain = Aes.AesGcm.decrypt(envelope.resource.ciphertext, k.apiV3Key, envelope.resource.nonce, envelope.resource.associated_data ?? '');
      used = k;
      break;
    } catch {
      // the tag does not authenticate under this key: try the next merchant's
    }
  }
  if (plain === undefined || !used) throw new NotifyRejected('DECRYPT', 'the resource does not decrypt with the APIv3 key (AEAD_AES_256_GCM)');
  const resource = resourceOf(plain);
  if (used.mchId !== undefined && used.mchId !== resource.mchid) {
    throw new NotifyRejected('DECRYPT', `decrypted with merchant ${used.mchId}'s key but names merchant ${resource.mchid}`);
  }
  // Only a verified callback reaches the store, so nobody can fill it with junk.
  if (!(await nonces.claim(`${serial}:${timestamp}:${nonce}`, Number(timestamp) + MAX_CLOCK_OFFSET_S * 2))) {
    throw new NotifyRejected('REPLAY', `nonce ${nonce} was seen before`);
  }
  return { platformKeyId: serial, eventType: envelope.event_type, resource };
}
