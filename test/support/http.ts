/**
 * An HTTP client for the local cloud host, as the h5 build talks to it:
 *
 *   const api = new HostClient(host.url);
 *   const r = await api.call('oBuyerZhangWei', 'apply', {...});   // {status, body: {ok, data|error}}
 *   const c = ok(await api.call(buyer, 'get', { caseId }));       // the data, or a thrown error naming the code
 *   await api.dev.seed({ shops, merchants, orders }); await api.dev.clock(now); await api.dev.run('autoApprove');
 *   await api.upload(buyer, bytes, 'photo.jpg');
 *   await api.raw('/api/afterSale', { body: '[1]', openid: buyer }); // any bytes, any headers
 *
 * `openid` becomes the `x-wx-openid` header; pass undefined to call with no identity.
 */
import type { ActionName, ActionRequest, ActionResponse } from '../../types/api';
import type { ApiReply } from '../../types/errors';

export interface HttpReply<T = unknown> {
  status: number;
  body: ApiReply<T>;
  headers: Headers;
}

/** The data of a successful reply; throws with the status and error otherwise. */
export function ok<T>(r: HttpReply<T>): T {
  if (r.body.ok) return r.body.data;
  throw new Error(`expected ok, got HTTP ${r.status} ${JSON.stringify(r.body.error)}`);
}

export interface RawOptions {
  method?: string;
  openid?: string;
  /** Sent as is: a string, bytes, or FormData. */
  body?: string | Uint8Array | FormData;
  headers?: Record<string, string>;
}

export class HostClient {
  constructor(readonly baseUrl: string) {}

  /** Any request; the reply parsed as the JSON envelope (throws if the body is not JSON). */
  async raw<T = unknown>(path: string, opts: RawOptions = {}): Promise<HttpReply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.openid !== undefined) headers['x-wx-openid'] = opts.openid;
    const res = await fetch(this.baseUrl + path, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers,
      body: opts.body as BodyInit | undefined,
    });
    const text = await res.text();
    let body: ApiReply<T>;
    try {
      body = JSON.parse(text) as ApiReply<T>;
    } catch {
      throw new Error(`HTTP ${res.status} ${path}: not a JSON envelope: ${text.slice(0, 200)}`);
    }
    return { status: res.status, body, headers: res.headers };
  }

  post<T = unknown>(path: string, json: unknown, openid?: string): Promise<HttpReply<T>> {
    return this.raw<T>(path, { method: 'POST', body: JSON.stringify(json), openid, headers: { 'content-type': 'application/json' } });
  }

  get<T = unknown>(path: string, openid?: string): Promise<HttpReply<T>> {
    return this.raw<T>(path, { openid });
  }

  /** One action of the afterSale cloud function. */
  call<A extends ActionName>(openid: string | undefined, action: A, req: ActionRequest<A>): Promise<HttpReply<ActionResponse<A>>> {
    return this.post<ActionResponse<A>>('/api/afterSale', { ...req, action }, openid);
  }

  /** POST /upload with one file in the `file` field. */
  upload(openid: string | undefined, bytes: Uint8Array, filename = 'photo.jpg', type = 'application/octet-stream') {
    const form = new FormData();
    form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), filename);
    return this.raw<{ fileId: string; url: string; sha256: string; size: number; kind: 'image' | 'video' }>('/upload', { method: 'POST', body: form, openid });
  }

  /** GET a stored file: the raw Response (it is not an envelope when it succeeds). */
  file(fileId: string, openid?: string, headers: Record<string, string> = {}): Promise<Response> {
    // local://evidence/… (SQLite backend) or cloud://<env>.<bucket>/evidence/… (cloud-sim): GET /files/evidence/…
    const p = fileId.replace(/^local:\/\//, '/files/').replace(/^cloud:\/\/[^/]+\//, '/files/');
    return fetch(this.baseUrl + p, { headers: { ...headers, ...(openid !== undefined ? { 'x-wx-openid': openid } : {}) } });
  }

  readonly dev = {
    reset: () => this.post('/__dev/reset', {}),
    seed: (data: { shops?: unknown[]; merchants?: unknown[]; orders?: unknown[] }) =>
      this.post<{ shops: number; merchants: number; orders: number }>('/__dev/seed', data),
    clock: (now: number) => this.post<{ now: number }>('/__dev/clock', { now }),
    now: async () => ok(await this.get<{ now: number }>('/__dev/clock')).now,
    run: (fn: 'autoApprove' | 'refundNotify') => this.post(`/__dev/run/${fn}`, {}),
    outbox: (filter: { toOpenid?: string; caseId?: string } = {}) =>
      this.get<{ _id: string; toOpenid: string; caseId?: string; templateKey: string; text: string; deliveredAt?: number }[]>(
        `/__dev/outbox?${new URLSearchParams(filter as Record<string, string>).toString()}`,
      ),
    identities: () => this.get<{ openid: string; role: string; name: string; shopId?: string }[]>('/__dev/identities'),
  };
}
