/**
 * The cloud-sim service: a stand-in for the WeChat cloud service on 127.0.0.1, speaking the protocol the real wx-server-sdk
 * (through @cloudbase/node-sdk) uses: one POST per call to `<serviceUrl>?env=…`, the call named by
 * `action` (`database.getDocument`, `database.modifyDocument`, `database.insertDocument`,
 * `database.startTransaction`, …, `storage.batchGetDownloadUrl`, `wx.openApi`, `wx.wxPayApi`).
 * Database calls carry Mongo-style queries as Extended JSON; they run against an in-memory store with
 * MongoDB's semantics (mongo.ts) and snapshot-isolated transactions whose write conflicts abort, as
 * the cloud database's do (first writer wins; a plain write to a document an open transaction has
 * written goes through, and that transaction then fails at commit, where the real service may instead
 * make the plain write wait). Every call is recorded in a normalised form for the golden tests.
 *
 * cloudPay has no public sandbox: `wx.wxPayApi` answers from a simulated merchant account (pay.ts):
 * by default a manual one the test settles, so what is verified there is the shape of the requests the
 * adapters send and how they read WeChat Pay's documented replies; the cloud-sim backend plugs in the
 * local host's simulated gateway instead, with its scenarios (LATE, ABNORMAL, CLOSED, TIMEOUT …).
 *
 * Options make it the product's cloud path on one machine (README here): every committed write is
 * handed to a journal (persist.ts: SQLite under DATA_DIR, so data survives kill -9), every request
 * can wait an injected round trip (CLOUD_SIM_RTT_MS), and storage can be a real file store.
 */
import { randomBytes } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { parseEjson, type Json } from './ejson';
import { aggregate, applyUpdate, matches, project, sortDocs, type Doc, type SortSpec } from './mongo';
import { CLOUD_SIM_SECRET_ID } from './functions';
import { ManualPayAccount, type SimPay } from './pay';
import { decodeCommApiData, encodeCommOpenApiResp } from './protobuf';

export interface RecordedCall {
  action: string;
  [field: string]: unknown;
}

class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const conflict = () =>
  new ServiceError('DATABASE_TRANSACTION_CONFLICT', '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe last transaction is committing, please retry later.');

interface Version {
  seq: number;
  doc: Doc | null;
}

interface Txn {
  id: string;
  startSeq: number;
  writes: Map<string, { coll: string; id: string; doc: Doc | null }>;
  state: 'active' | 'aborted' | 'committed';
}

const key = (coll: string, id: string) => `${coll}\u0000${id}`;

/** The document store: every committed version of every document, so a transaction reads its snapshot. */
class Store {
  seq = 0;
  readonly collections = new Map<string, Map<string, Version[]>>();
  readonly txns = new Map<string, Txn>();
  readonly locks = new Map<string, string>();

  private versions(coll: string, id: string): Version[] {
    let c = this.collections.get(coll);
    if (!c) {
      c = new Map();
      this.collections.set(coll, c);
    }
    let v = c.get(id);
    if (!v) {
      v = [];
      c.set(id, v);
    }
    return v;
  }

  /** The document as of commit `seq` (latest when undefined). */
  read(coll: string, id: string, seq?: number): Doc | null {
    const vs = this.collections.get(coll)?.get(id) ?? [];
    for (let i = vs.length - 1; i >= 0; i -= 1) if (seq === undefined || vs[i].seq <= seq) return vs[i].doc;
    return null;
  }

  lastWrite(coll: string, id: string): number {
    const vs = this.collections.get(coll)?.get(id) ?? [];
    return vs.length > 0 ? vs[vs.length - 1].seq : 0;
  }

  /** Live documents in insertion (natural) order. */
  scan(coll: string, seq?: number): Doc[] {
    const out: Doc[] = [];
    for (const id of this.collections.get(coll)?.keys() ?? []) {
      const d = this.read(coll, id, seq);
      if (d) out.push(d);
    }
    return out;
  }

  /** Called with each commit's writes before it is visible (the journal makes it durable). */
  onCommit?: (writes: readonly { coll: string; id: string; doc: Doc | null }[]) => void;

  commit(writes: { coll: string; id: string; doc: Doc | null }[]): void {
    this.onCommit?.(writes);
    this.seq += 1;
    const oldest = this.oldestSnapshot();
    for (const w of writes) {
      const vs = this.versions(w.coll, w.id);
      vs.push({ seq: this.seq, doc: w.doc });
      // Versions no open transaction can read any more are dropped: the newest one at or before the
      // oldest snapshot stays, so memory follows the data, not the number of writes.
      let keepFrom = vs.length - 1;
      while (keepFrom > 0 && vs[keepFrom].seq > oldest) keepFrom -= 1;
      if (keepFrom > 0) vs.splice(0, keepFrom);
    }
  }

  /** The start of the oldest open transaction's snapshot (the current seq when none is open). */
  private oldestSnapshot(): number {
    let oldest = this.seq;
    for (const t of this.txns.values()) if (t.state === 'active' && t.startSeq < oldest) oldest = t.startSeq;
    return oldest;
  }

  /** Loads documents as they were persisted (one commit, before any request is served). */
  load(docs: Iterable<{ coll: string; id: string; doc: Doc }>): void {
    const writes = [...docs];
    if (writes.length === 0) return;
    this.seq += 1;
    for (const w of writes) this.versions(w.coll, w.id).push({ seq: this.seq, doc: w.doc });
  }
}

type Reply = { json: unknown } | { raw: Buffer };

function newId(): string {
  return randomBytes(16).toString('hex');
}

function parseMultipart(body: Buffer, contentType: string): Record<string, Buffer> {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error('multipart without boundary');
  const out: Record<string, Buffer> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString();
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    if (name) out[name] = part.subarray(headerEnd + 4);
    pos = next;
  }
  return out;
}

/** Fields every call carries for the transport (tokens, tracing), left out of the record. */
const TRANSPORT_FIELDS = new Set(['envName', 'wxCloudApiToken', 'wxCloudbaseAccesstoken', 'tcb_sessionToken', 'crossAuthorizationToken', 'sessionToken', 'action']);

export type { SimulatedRefund } from './pay';

/** What cloud storage holds, as the service asks it (default: the in-memory `files` map). */
export interface SimStorage {
  exists(fileId: string): boolean;
  /** The temporary URL a download of this file gets. */
  url(fileId: string): string;
}

export interface CloudSimOptions {
  /** The SecretId every request must be signed with (the SDK's Authorization header names it). */
  secretId?: string;
  /** Waited before each request is handled and again before its answer goes back: one round trip. */
  rttMs?: number;
  storage?: SimStorage;
  /** WeChat Pay behind `wx.wxPayApi` (default: a manual account the test settles). */
  pay?: SimPay;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One request as the service saw it (`trace`): arrived (before its inbound delay) and answered (after its outbound one). */
export interface TracedRequest {
  action: string;
  startMs: number;
  endMs: number;
}

/** The action a request names, for the trace (multipart bodies carry it as a form field). */
function actionOf(body: Buffer, contentType: string): string {
  if (contentType.startsWith('multipart/form-data')) return /name="action"\r\n\r\n([^\r]*)/.exec(body.toString('latin1'))?.[1] ?? 'multipart';
  try {
    return String((JSON.parse(body.toString()) as { action?: unknown }).action);
  } catch {
    return 'unknown';
  }
}

/**
 * The requests' critical path: the longest chain of requests each of which arrived after the one
 * before it had been answered (calls that waited on each other). Requests in flight together count once.
 */
export function sequentialRoundTrips(reqs: readonly TracedRequest[]): number {
  const byEnd = [...reqs].sort((a, b) => a.endMs - b.endMs);
  const depth: number[] = [];
  let best = 0;
  byEnd.forEach((r, i) => {
    let d = 1;
    for (let j = 0; j < i; j += 1) if (byEnd[j].endMs <= r.startMs && depth[j] + 1 > d) d = depth[j] + 1;
    depth.push(d);
    best = Math.max(best, d);
  });
  return best;
}

export class CloudSimService {
  readonly store = new Store();
  readonly calls: RecordedCall[] = [];
  /** Files in cloud storage by fileID. */
  readonly files = new Map<string, Buffer>();
  /** subscribeMessage.send calls, and the errcode to answer the next ones with (0 = sent). */
  readonly messages: Record<string, unknown>[] = [];
  subscribeErrcode = 0;
  /**
   * Writes that lost to another writer: transactions aborted by a conflict, and compare-and-set
   * updates (a `version` in the filter) that found the document moved on. Races are real when > 0.
   */
  readonly lost = { conflicts: 0, staleUpdates: 0 };
  /** The manual WeChat Pay account (when no other `pay` is given). */
  readonly manualPay = new ManualPayAccount();
  readonly pay: SimPay;
  readonly secretId: string;
  rttMs: number;
  private readonly storage: SimStorage;
  /**
   * Makes the next call of `action` fail with SYS_ERR: before it takes effect, or after (the effect
   * stands, only the answer is lost — a timeout after commit).
   */
  failNext: { action: string; afterEffect: boolean } | null = null;
  /** When an array, every request is appended to it with its arrival and answer times (the bench's round-trip count). */
  trace: TracedRequest[] | null = null;
  private server: http.Server | null = null;
  url = '';

  constructor(opts: CloudSimOptions | string = {}) {
    const o = typeof opts === 'string' ? { secretId: opts } : opts;
    this.secretId = o.secretId ?? CLOUD_SIM_SECRET_ID;
    this.rttMs = o.rttMs ?? 0;
    this.pay = o.pay ?? this.manualPay;
    this.storage = o.storage ?? {
      exists: (fileId) => this.files.has(fileId),
      url: (fileId) => `https://fake-cdn.example/${encodeURIComponent(fileId)}`,
    };
  }

  /** The manual account's refunds by out_refund_no (tests settle them). */
  get refunds(): ManualPayAccount['refunds'] {
    return this.manualPay.refunds;
  }

  /** When set, the manual account's next refund answers with these fields instead of accepting. */
  get refundFailure(): ManualPayAccount['refundFailure'] {
    return this.manualPay.refundFailure;
  }

  set refundFailure(f: ManualPayAccount['refundFailure']) {
    this.manualPay.refundFailure = f;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const startMs = performance.now();
        let reply: Reply;
        if (this.rttMs > 0) await sleep(this.rttMs / 2);
        try {
          if (!String(req.headers.authorization ?? '').includes(`Credential=${this.secretId}/`)) {
            reply = { json: { code: 'SIGN_PARAM_INVALID', message: 'unsigned request', requestId: newId() } };
          } else {
            reply = await this.handle(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
          }
        } catch (e) {
          const err = e as Error & { code?: string };
          reply = { json: { code: err instanceof ServiceError ? err.code : 'SYS_ERR', message: err.message, requestId: newId() } };
        }
        if (this.rttMs > 0) await sleep(this.rttMs / 2);
        if ('raw' in reply) {
          res.setHeader('content-type', 'application/octet-stream');
          res.end(reply.raw);
        } else {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(reply.json));
        }
        if (this.trace) this.trace.push({ action: actionOf(Buffer.concat(chunks), String(req.headers['content-type'] ?? '')), startMs, endMs: performance.now() });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/admin`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Empties the database, storage, messages, refunds and the call record. */
  reset(): void {
    this.store.collections.clear();
    this.store.txns.clear();
    this.store.locks.clear();
    this.calls.length = 0;
    this.files.clear();
    this.messages.length = 0;
    this.manualPay.reset();
    this.subscribeErrcode = 0;
    this.failNext = null;
  }

  /** Writes documents directly, as a console import would. */
  seed(coll: string, docs: Doc[]): void {
    this.store.commit(docs.map((d) => ({ coll, id: String(d._id), doc: structuredClone(d) })));
  }

  docs(coll: string): Doc[] {
    return this.store.scan(coll);
  }

  callsOf(action: string): RecordedCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  private async handle(body: Buffer, contentType: string): Promise<Reply> {
    if (contentType.startsWith('multipart/form-data')) {
      const parts = parseMultipart(body, contentType);
      const action = parts.action?.toString();
      if (action === 'wx.openApi') return this.openApi(parts);
      if (action === 'wx.wxPayApi') return this.payApi(parts);
      throw new ServiceError('INVALID_PARAM', `unknown multipart action ${action}`);
    }
    const params = JSON.parse(body.toString()) as Record<string, unknown>;
    const action = String(params.action);
    if (action.startsWith('database.')) {
      const fail = this.failNext?.action === action ? this.failNext : null;
      if (fail) this.failNext = null;
      if (fail && !fail.afterEffect) throw new ServiceError('SYS_ERR', 'injected failure before the call took effect');
      const result = this.database(action, params);
      if (fail) throw new ServiceError('SYS_ERR', 'injected failure after the call took effect');
      return { json: { ...result, requestId: newId() } };
    }
    if (action === 'storage.batchGetDownloadUrl') return { json: this.downloadUrls(params) };
    throw new ServiceError('INVALID_PARAM', `action ${action} is not served by the fake`);
  }

  private record(action: string, params: Record<string, unknown>, decoded: Record<string, unknown>): void {
    const call: RecordedCall = { action };
    for (const [k, v] of Object.entries(params)) {
      if (TRANSPORT_FIELDS.has(k)) continue;
      if (k === 'transactionId') call.inTransaction = true;
      else call[k] = k in decoded ? decoded[k] : v;
    }
    this.calls.push(call);
  }

  // ---- database ---------------------------------------------------------------------------------

  private database(action: string, p: Record<string, unknown>): Record<string, unknown> {
    const decoded: Record<string, unknown> = {};
    const ejson = (k: string) => (typeof p[k] === 'string' ? (decoded[k] = parseEjson(p[k] as string)) : undefined);
    const query = ejson('query');
    const order = ejson('order');
    const projection = ejson('projection');
    let data: unknown;
    if (Array.isArray(p.data)) data = decoded.data = (p.data as string[]).map(parseEjson);
    else data = ejson('data');
    if (Array.isArray(p.stages)) {
      decoded.stages = (p.stages as { stageKey: string; stageValue: string }[]).map((s) => ({ [s.stageKey]: parseEjson(s.stageValue) }));
    }
    this.record(action, p, decoded);
    const txn = typeof p.transactionId === 'string' ? this.activeTxn(p.transactionId) : null;
    const coll = String(p.collectionName ?? '');
    switch (action) {
      case 'database.getDocument':
        return this.getDocs(coll, query, order, p, projection, txn);
      case 'database.calculateDocument':
        return { data: { total: this.store.scan(coll).filter((d) => matches(d, query as Json)).length } };
      case 'database.modifyDocument':
        return this.modify(coll, query as Doc, data as Json, p, txn);
      case 'database.insertDocument':
        return this.insert(coll, data as Doc[], txn);
      case 'database.removeDocument':
        return this.remove(coll, query as Json, p);
      case 'database.aggregateDocuments':
        return { data: { list: aggregate(this.store.scan(coll), decoded.stages as { [k: string]: Json }[]).map((d) => JSON.stringify(d)) } };
      case 'database.startTransaction': {
        const id = newId();
        this.store.txns.set(id, { id, startSeq: this.store.seq, writes: new Map(), state: 'active' });
        return { transactionId: id };
      }
      case 'database.commitTransaction':
        this.commitTxn(this.activeTxn(String(p.transactionId)));
        return {};
      case 'database.addCollection': {
        // db.createCollection (npm run cloud:init). The fake otherwise makes a collection on first write.
        if (!/^[A-Za-z0-9_-]{1,32}$/.test(coll)) throw new ServiceError('INVALID_PARAM', `collectionName ${JSON.stringify(coll)} is not a valid collection name`);
        if (this.store.collections.has(coll)) throw new ServiceError('DATABASE_COLLECTION_ALREADY_EXIST', `[ResourceExist] Table exist. collection ${coll}`);
        this.store.collections.set(coll, new Map());
        return {};
      }
      case 'database.abortTransaction':
        this.endTxn(this.store.txns.get(String(p.transactionId)), 'aborted');
        return {};
      default:
        throw new ServiceError('INVALID_PARAM', `${action} is not served by the fake`);
    }
  }

  private activeTxn(id: string): Txn {
    const t = this.store.txns.get(id);
    if (!t || t.state !== 'active') throw new ServiceError('DATABASE_TRANSACTION_FAIL', `transaction ${id} is not active`);
    return t;
  }

  private endTxn(t: Txn | undefined, state: 'aborted' | 'committed'): void {
    if (!t) return;
    t.state = state;
    for (const [k, owner] of this.store.locks) if (owner === t.id) this.store.locks.delete(k);
  }

  /** What a transaction sees: its own writes, else the snapshot it started from. */
  private txnRead(t: Txn, coll: string, id: string): Doc | null {
    const w = t.writes.get(key(coll, id));
    return w ? w.doc : this.store.read(coll, id, t.startSeq);
  }

  /** First writer wins: a document written by another open transaction, or committed since the snapshot, aborts this one. */
  private txnWrite(t: Txn, coll: string, id: string, doc: Doc | null): void {
    const k = key(coll, id);
    const owner = this.store.locks.get(k);
    if ((owner && owner !== t.id) || this.store.lastWrite(coll, id) > t.startSeq) {
      this.endTxn(t, 'aborted');
      this.lost.conflicts += 1;
      throw conflict();
    }
    this.store.locks.set(k, t.id);
    t.writes.set(k, { coll, id, doc });
  }

  private commitTxn(t: Txn): void {
    for (const w of t.writes.values()) {
      if (this.store.lastWrite(w.coll, w.id) > t.startSeq) {
        this.endTxn(t, 'aborted');
        this.lost.conflicts += 1;
        throw conflict();
      }
    }
    this.store.commit([...t.writes.values()]);
    this.endTxn(t, 'committed');
  }

  private docIdOf(query: Doc | undefined): string {
    const id = query?._id;
    if (typeof id !== 'string') throw new ServiceError('INVALID_PARAM', 'a document call needs {_id}');
    return id;
  }

  private getDocs(coll: string, query: unknown, order: unknown, p: Record<string, unknown>, projection: unknown, txn: Txn | null): Record<string, unknown> {
    let rows: Doc[];
    if (txn) {
      if (p.queryType !== 'DOC') throw new ServiceError('INVALID_PARAM', 'only document reads are allowed in a transaction');
      const d = this.txnRead(txn, coll, this.docIdOf(query as Doc));
      rows = d ? [d] : [];
    } else {
      rows = this.store.scan(coll).filter((d) => matches(d, query as Json));
    }
    if (order && typeof order === 'object') rows = sortDocs(rows, Object.entries(order as Record<string, number>).map(([f, dir]) => [f, dir < 0 ? -1 : 1]) as SortSpec);
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const limit = typeof p.limit === 'number' ? p.limit : 100;
    if (limit > 1000) throw new ServiceError('INVALID_PARAM', 'limit must not exceed 1000');
    rows = rows.slice(offset, offset + limit);
    return { data: { list: rows.map((d) => JSON.stringify(project(d, projection as Json))), limit, offset } };
  }

  private modify(coll: string, query: Doc, data: Json, p: Record<string, unknown>, txn: Txn | null): Record<string, unknown> {
    const replace = p.merge === false;
    const build = (current: Doc | null, id: string): Doc => {
      if (replace) {
        if (data === null || typeof data !== 'object' || Array.isArray(data) || '_id' in data) throw new ServiceError('INVALID_PARAM', 'a replacement must be a document without _id');
        return { _id: id, ...structuredClone(data as Doc) };
      }
      return applyUpdate(current ?? { _id: id }, data);
    };
    if (txn) {
      const id = this.docIdOf(query);
      const current = this.txnRead(txn, coll, id);
      if (!current && !p.upsert) return { data: { updated: 0 } };
      this.txnWrite(txn, coll, id, build(current, id));
      return { data: current ? { updated: 1 } : { updated: 0, upsert_id: id } };
    }
    const targets = this.store.scan(coll).filter((d) => matches(d, query));
    const chosen = p.multi === false || p.queryType === 'DOC' ? targets.slice(0, 1) : targets;
    if (chosen.length === 0 && p.upsert) {
      const id = typeof query?._id === 'string' ? query._id : newId();
      this.store.commit([{ coll, id, doc: build(null, id) }]);
      return { data: { updated: 0, upsert_id: id } };
    }
    if (chosen.length === 0 && query && 'version' in query) this.lost.staleUpdates += 1;
    const writes = chosen.map((d) => ({ coll, id: String(d._id), doc: build(d, String(d._id)) }));
    const changed = writes.filter((w, i) => JSON.stringify(w.doc) !== JSON.stringify(chosen[i]));
    if (changed.length > 0) this.store.commit(changed);
    return { data: { updated: changed.length } };
  }

  private insert(coll: string, docs: Doc[], txn: Txn | null): Record<string, unknown> {
    const ids: string[] = [];
    const writes: { coll: string; id: string; doc: Doc }[] = [];
    for (const raw of docs) {
      const id = typeof raw._id === 'string' ? raw._id : newId();
      const taken = txn ? this.txnRead(txn, coll, id) ?? this.store.read(coll, id) : this.store.read(coll, id);
      if (taken || writes.some((w) => w.id === id)) {
        if (txn) this.endTxn(txn, 'aborted');
        throw new ServiceError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: "${id}" }`);
      }
      writes.push({ coll, id, doc: { ...raw, _id: id } });
      ids.push(id);
    }
    if (txn) for (const w of writes) this.txnWrite(txn, w.coll, w.id, w.doc);
    else this.store.commit(writes);
    return { data: { insertedIds: ids } };
  }

  private remove(coll: string, query: Json, p: Record<string, unknown>): Record<string, unknown> {
    const targets = this.store.scan(coll).filter((d) => matches(d, query));
    const chosen = p.multi === false ? targets.slice(0, 1) : targets;
    if (chosen.length > 0) this.store.commit(chosen.map((d) => ({ coll, id: String(d._id), doc: null })));
    return { data: { deleted: chosen.length } };
  }

  // ---- storage ----------------------------------------------------------------------------------

  private downloadUrls(p: Record<string, unknown>): unknown {
    const list = p.file_list as { fileid: string }[];
    this.calls.push({ action: 'storage.batchGetDownloadUrl', fileList: list.map((f) => f.fileid) });
    return {
      requestId: newId(),
      data: {
        download_list: list.map((f) =>
          this.storage.exists(f.fileid)
            ? { fileID: f.fileid, tempFileURL: this.storage.url(f.fileid), code: 'SUCCESS' }
            : { fileID: f.fileid, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'file not exist' },
        ),
      },
    };
  }

  // ---- open API and WeChat Pay ------------------------------------------------------------------

  private openApi(parts: Record<string, Buffer>): Reply {
    const apiName = parts.apiName.toString();
    const call = decodeCommApiData(parts.requestData);
    this.calls.push({ action: 'wx.openApi', apiName, data: call.data });
    if (apiName !== 'subscribeMessage.send') throw new ServiceError('INVALID_PARAM', `open API ${apiName} is not served by the fake`);
    const errcode = this.subscribeErrcode;
    if (errcode === 0) this.messages.push(call.data);
    const resp = errcode === 0 ? { errcode: 0, errmsg: 'ok' } : { errcode, errmsg: 'user refuse to accept the msg' };
    return { raw: encodeCommOpenApiResp({ respData: Buffer.from(JSON.stringify(resp)), contentType: 'application/json; charset=UTF-8' }) };
  }

  private async payApi(parts: Record<string, Buffer>): Promise<Reply> {
    const apiName = parts.apiName.toString();
    const data = JSON.parse(parts.requestData.toString()) as Record<string, unknown>;
    this.calls.push({ action: 'wx.wxPayApi', apiName, data });
    const base = { return_code: 'SUCCESS', return_msg: 'OK', appid: 'wxloopback', mch_id: '1900000109', sub_mch_id: data.sub_mch_id, nonce_str: newId(), sign: 'LOOPBACK' };
    let fields: Record<string, unknown>;
    if (apiName === 'refund') fields = await this.pay.refund(data);
    else if (apiName === 'queryRefund') fields = await this.pay.queryRefund(data);
    else if (apiName === 'unifiedOrder' && this.pay.unifiedOrder) fields = await this.pay.unifiedOrder(data);
    else if (apiName === 'queryOrder' && this.pay.queryOrder) fields = await this.pay.queryOrder(data);
    else throw new ServiceError('INVALID_PARAM', `cloudPay.${apiName} is not served by the fake`);
    return { raw: Buffer.from(JSON.stringify({ ...base, ...fields })) };
  }

  /** WeChat Pay finishing a refund (what the callback would then report). */
  settleRefund(outRefundNo: string, status: 'PROCESSING' | 'SUCCESS' | 'CHANGE' | 'REFUNDCLOSE', successTime?: string): void {
    this.manualPay.settle(outRefundNo, status, successTime);
  }
}
