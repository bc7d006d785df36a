/**
 * The local cloud host's HTTP surface (SPEC §4): the three cloud functions under /api, uploads and
 * evidence files, the dev routes, and the H5 build at `/`. Every reply that is not a file is the
 * envelope `{ok, data | error}`; nothing a client sends can crash the process.
 */
import { createReadStream, statSync } from 'fs';
import path from 'path';
import { Hono, type Context } from 'hono';
import { Readable } from 'stream';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiReply } from '../../../types/errors';
import { HTTP_STATUS } from '../../../types/errors';
import { CATALOGUE, DomainError } from '../../core/errors';
import { OPENID_SEGMENT } from '../adapters/local/files';
import { PRODUCT_IMAGE_NAME } from '../seed/productImages';
import type { HostBackend } from './backend';
import { readJsonObject, readJsonText } from './body';
import { clockBody, seedBody } from './devSchemas';
import { browserGuard } from './guards';
import { fileResponse, serveH5 } from './static';

export type { HandlerReply, HostHandlers, HostIdentity } from './backend';

export interface AppContext {
  backend: HostBackend;
  /** The H5 build to serve at `/`. */
  distDir: string;
  /** One whole sweep, never two at once (the timer and `/__dev/run/autoApprove` share it). */
  sweepNow(): Promise<unknown>;
  /** The port the host listens on (known once it listens). */
  port(): number;
  /** `<DATA_DIR>/products`: the product pictures served at `/files/products/<name>` (absent: none). */
  productDir?: string;
}

const IDENTITY_HEADER = 'x-wx-openid';
/** SPEC §7: the shop's order-sync key on `POST /api/orderSync` (in the cloud: `event.shopKey`). */
export const SHOP_KEY_HEADER = 'x-shop-key';
const SYNC_BODY_CAP = 4 * 1024 * 1024;
/** A v3 refund notification is about 1 KB. */
const WECHATPAY_NOTIFY_CAP = 64 * 1024;
/** Paths that are never pages of the app, so an unknown one is a 404 envelope and not index.html. */
const SERVER_PREFIXES = ['/api/', '/__dev/', '/files/', '/upload', '/healthz'];

function send(c: Context, status: number, body: ApiReply<unknown>): Response {
  return c.json(body, status as ContentfulStatusCode);
}

function ok(c: Context, data: unknown): Response {
  return send(c, 200, { ok: true, data });
}

function fail(c: Context, e: DomainError): Response {
  return send(c, HTTP_STATUS[e.code], { ok: false, error: e.toApiError() });
}

function notFound(message = '没有这个接口'): DomainError {
  return new DomainError('NOT_FOUND', { message });
}

function forbidden(message: string): DomainError {
  return new DomainError('FORBIDDEN', { message });
}

function parseWith<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[] }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const path = r.error.issues[0]?.path ?? [];
  throw new DomainError('INVALID_INPUT', {
    field: path.length > 0 ? path.map(String).join('.') : 'body',
    message: '开发接口的请求内容有误',
  });
}

export function createApp(ctx: AppContext): Hono {
  const { backend } = ctx;
  const app = new Hono();
  app.use(browserGuard(ctx.port));

  app.onError((err, c) => {
    if (err instanceof DomainError) return fail(c, err);
    console.error(`[host] ${c.req.method} ${c.req.path} failed`, err);
    return send(c, 500, { ok: false, error: { code: 'INTERNAL_ERROR', ...CATALOGUE.INTERNAL_ERROR } });
  });

  app.get('/healthz', (c) => ok(c, { status: 'ok', now: backend.now() }));

  // ── the cloud functions ──
  app.post('/api/afterSale', async (c) => {
    const body = await readJsonObject(c.req.raw);
    const reply = await backend.afterSale(c.req.header(IDENTITY_HEADER), body);
    return send(c, reply.status, reply.body);
  });
  app.post('/api/autoApprove', async (c) => {
    await readJsonObject(c.req.raw);
    return ok(c, await ctx.sweepNow());
  });
  app.post('/api/refundNotify', async (c) => {
    const reply = await backend.refundNotify(await readJsonObject(c.req.raw));
    return send(c, reply.status, reply.body);
  });
  // WeChat Pay v3's refund callback (SPEC §7): the signature covers the exact bytes, so they go on as received.
  app.post('/api/wechatpayNotify', async (c) => {
    const { text } = await readJsonText(c.req.raw, WECHATPAY_NOTIFY_CAP);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const reply = await backend.wechatpayNotify({ headers, body: text });
    return send(c, reply.status, reply.body);
  });
  // SPEC §7 demo checkout: the payment callback (a hint; the gateway is asked).
  app.post('/api/payNotify', async (c) => {
    const reply = await backend.payNotify(await readJsonObject(c.req.raw));
    return send(c, reply.status, reply.body);
  });

  // ── SPEC §7: a shop's order system (its sync key in the header), the operator's setup ──
  app.post('/api/orderSync', async (c) => {
    // 100 orders with their lines and logistics outgrow the 256 KB of the other routes.
    const body = await readJsonObject(c.req.raw, SYNC_BODY_CAP);
    if (Object.prototype.hasOwnProperty.call(body, 'shopKey')) {
      throw new DomainError('INVALID_INPUT', { field: 'shopKey', message: '同步密钥请放在请求头 x-shop-key 中，不要放在请求内容里' });
    }
    const key = c.req.header(SHOP_KEY_HEADER);
    const reply = await backend.orderSync(key === undefined ? body : { ...body, shopKey: key });
    return send(c, reply.status, reply.body);
  });
  app.post('/api/setup', async (c) => {
    const reply = await backend.setup(await readJsonObject(c.req.raw));
    return send(c, reply.status, reply.body);
  });

  // ── evidence files ──
  app.post('/upload', async (c) => {
    const openid = c.req.header(IDENTITY_HEADER);
    if (openid === undefined || !OPENID_SEGMENT.test(openid)) throw forbidden('未识别到微信身份，无法上传');
    // `url` is where GET serves the file back (to its uploader, the case's shop and the platform).
    return ok(c, await backend.upload(c.req.raw, openid));
  });
  app.on(['GET', 'HEAD'], '/files/evidence/:owner/:name', async (c) => {
    // <img> and <video> tags cannot send headers, so the h5 build may name the caller in the query
    // instead: a dev-only convenience of this host, which trusts whoever reaches 127.0.0.1 anyway.
    const caller = c.req.header(IDENTITY_HEADER) ?? c.req.query('openid');
    if (caller === undefined || !OPENID_SEGMENT.test(caller)) throw forbidden('未识别到微信身份，无法查看凭证');
    const file = backend.locateFile(c.req.param('owner'), c.req.param('name'));
    if (!file || !(await backend.mayRead(caller, file))) throw notFound('没有找到这个凭证文件');
    return rangeResponse(c.req.raw, file.path, file.size, file.mime);
  });

  // Product pictures (issue 17): public like a shop's catalogue, no identity needed; PNG only.
  app.on(['GET', 'HEAD'], '/files/products/:name', (c) => {
    const name = c.req.param('name');
    if (ctx.productDir === undefined || !PRODUCT_IMAGE_NAME.test(name)) throw notFound('没有这张商品图片');
    const file = path.join(ctx.productDir, name);
    try {
      if (!statSync(file).isFile()) throw notFound('没有这张商品图片');
    } catch {
      throw notFound('没有这张商品图片');
    }
    return fileResponse(file, { 'content-type': 'image/png', 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' }, c.req.method);
  });

  // ── dev routes (this host only; the cloud build has none) ──
  app.post('/__dev/reset', async (c) => {
    await readJsonObject(c.req.raw);
    await backend.dev.reset();
    return ok(c, { reset: true });
  });
  app.post('/__dev/seed', async (c) => {
    const data = parseWith(seedBody, await readJsonObject(c.req.raw));
    return ok(c, await backend.dev.seed(data));
  });
  app.get('/__dev/clock', (c) => ok(c, { now: backend.now() }));
  app.get('/__dev/backend', (c) => ok(c, { backend: backend.name }));
  app.post('/__dev/clock', async (c) => {
    const { now } = parseWith(clockBody, await readJsonObject(c.req.raw));
    await backend.dev.setClock(now);
    return ok(c, { now: backend.now() });
  });
  app.post('/__dev/run/:fn', async (c) => {
    await readJsonObject(c.req.raw);
    switch (c.req.param('fn')) {
      case 'autoApprove':
        return ok(c, await ctx.sweepNow());
      case 'refundNotify':
        return ok(c, { delivered: await backend.deliverRefundCallbacks() });
      default:
        throw notFound('没有这个定时函数（可用：autoApprove、refundNotify）');
    }
  });
  app.get('/__dev/outbox', async (c) => {
    const toOpenid = c.req.query('toOpenid');
    const caseId = c.req.query('caseId');
    return ok(c, await backend.dev.outbox({ ...(toOpenid ? { toOpenid } : {}), ...(caseId ? { caseId } : {}) }));
  });
  app.get('/__dev/tickets', async (c) => ok(c, await backend.dev.tickets(c.req.query('caseId') || undefined)));
  app.get('/__dev/identities', async (c) => ok(c, await backend.dev.identities()));

  // ── the H5 app ──
  app.on(['GET', 'HEAD'], '*', (c) => {
    const p = c.req.path;
    if (SERVER_PREFIXES.some((prefix) => p === prefix.replace(/\/$/, '') || p.startsWith(prefix))) throw notFound();
    const res = serveH5(ctx.distDir, p, c.req.method);
    if (res) return res;
    throw notFound('H5 页面尚未构建：请先运行 npm run build:h5（或 npm start）；接口 /api/* 不受影响');
  });

  app.notFound(() => {
    throw notFound();
  });

  return app;
}

/** Files support byte ranges: the h5 <video> element seeks with them. */
function rangeResponse(req: Request, file: string, size: number, mime: string): Response {
  const headers: Record<string, string> = {
    'content-type': mime,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  };
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.get('range') ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return fileResponse(file, headers, req.method);
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start > end || start >= size) {
    return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  }
  return partialResponse(file, start, end, size, headers, req.method);
}

function partialResponse(file: string, start: number, end: number, size: number, headers: Record<string, string>, method: string): Response {
  const h = { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1) };
  if (method === 'HEAD') return new Response(null, { status: 206, headers: h });
  return new Response(Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream, { status: 206, headers: h });
}
