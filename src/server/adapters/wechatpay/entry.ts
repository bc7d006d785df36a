/**
 * The `wechatpayNotify` cloud function's body: an HTTP-triggered function (云开发 HTTP 访问服务, the
 * URL given to WeChat Pay as notify_url) receives WeChat Pay v3's refund callback as the integration
 * event `{httpMethod, headers, body, isBase64Encoded}` and answers `{statusCode, headers, body}`.
 * Everything that decides is handleWechatpayNotify's (src/server/wechatpayNotify.ts).
 */
import type { Services } from '../../ports';
import { handleWechatpayNotify, type WechatpayNotifyContext } from '../../wechatpayNotify';

export interface HttpTriggerEvent {
  httpMethod?: string;
  path?: string;
  headers?: Record<string, unknown>;
  body?: unknown;
  isBase64Encoded?: boolean;
}

export interface HttpTriggerReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

function reply(statusCode: number, body: unknown): HttpTriggerReply {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body), isBase64Encoded: false };
}

const MAX_BODY = 64 * 1024;

export async function wechatpayNotifyMain(svc: Services, ctx: WechatpayNotifyContext, event: unknown): Promise<HttpTriggerReply> {
  const e = (typeof event === 'object' && event !== null ? event : {}) as HttpTriggerEvent;
  if (String(e.httpMethod ?? '').toUpperCase() !== 'POST' || typeof e.body !== 'string') {
    return reply(400, { ok: false, error: { code: 'INVALID_INPUT', field: 'body', message: '只接受微信支付的 POST 通知', solution: '' } });
  }
  const body = e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body;
  if (body.length > MAX_BODY) return reply(400, { ok: false, error: { code: 'INVALID_INPUT', field: 'body', message: '请求内容过大', solution: '' } });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  const r = await handleWechatpayNotify(svc, ctx, { headers, body });
  // 5xx tells WeChat Pay to send it again (the database was unavailable); anything else is final.
  return reply(r.status, r.body);
}
