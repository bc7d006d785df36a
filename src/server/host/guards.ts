/**
 * What a browser may do to the local host (SPEC §4 "Browsers"). The host listens on 127.0.0.1, and any
 * page the developer opens can send it requests: a `fetch(…, {mode: 'no-cors'})` or a plain HTML form
 * goes out with a "simple" content type (text/plain, form-urlencoded, multipart) and without a CORS
 * preflight, so neither the browser nor the missing CORS headers stop it from changing state.
 *
 * - A request that can change state (any method but GET, HEAD, OPTIONS) must carry the content type
 *   its route reads: `application/json` (parameters such as `; charset=utf-8` allowed), or for
 *   `POST /upload` `multipart/form-data`. A cross-site page cannot send `application/json` without a
 *   preflight, which this host never answers. Anything else → 400 INVALID_INPUT on `content-type`.
 * - A request whose `Origin` is present and is not this host (`http://127.0.0.1:PORT` or
 *   `http://localhost:PORT`, PORT being the port it listens on) → 403 FORBIDDEN, when it can change
 *   state or reads data (the API, uploads and files, the dev routes). The H5 build's own pages and
 *   scripts are public and stay served to anyone.
 *
 * Both are decided before the body is read or any handler runs, so a refused request changes nothing.
 * Requests without `Origin` (curl, tests, the mini-program's tools, same-origin GETs) are not browsers
 * acting for another site, and pass.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTP_STATUS } from '../../../types/errors';
import { DomainError } from '../../core/errors';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths that answer data or act (everything but the H5 build's static pages). */
const DATA_PREFIXES = ['/api/', '/__dev/', '/files/', '/upload', '/healthz'];

function isDataPath(p: string): boolean {
  return DATA_PREFIXES.some((prefix) => p === prefix.replace(/\/$/, '') || p.startsWith(prefix));
}

/** The media type of a Content-Type header, lower case, without its parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The content type a state-changing request to `method path` must have. */
export function expectedContentType(method: string, p: string): 'application/json' | 'multipart/form-data' {
  return method === 'POST' && p === '/upload' ? 'multipart/form-data' : 'application/json';
}

/** This host's own origins, for the port it listens on now. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

function refuse(c: Context, e: DomainError): Response {
  return c.json({ ok: false, error: e.toApiError() }, HTTP_STATUS[e.code] as ContentfulStatusCode);
}

/**
 * The guard as hono middleware. `port` is read on each request: the port is known only once the
 * server listens (0 picks a free one).
 */
export function browserGuard(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method.toUpperCase();
    const p = c.req.path;
    const changes = !READ_ONLY_METHODS.has(method);
    const origin = c.req.header('origin');
    if (origin !== undefined && (changes || isDataPath(p)) && !ownOrigins(port()).includes(origin)) {
      return refuse(
        c,
        new DomainError('FORBIDDEN', {
          message: '拒绝来自其他网站的请求',
          solution: `请在本机的 http://127.0.0.1:${port()} 打开 H5 页面使用；其他网页不能调用本地云开发服务`,
        }),
      );
    }
    if (changes) {
      const wanted = expectedContentType(method, p);
      if (mediaType(c.req.header('content-type')) !== wanted) {
        return refuse(
          c,
          new DomainError('INVALID_INPUT', {
            field: 'content-type',
            message: `请求的 Content-Type 须为 ${wanted}`,
            solution: wanted === 'multipart/form-data' ? '请以 multipart/form-data 表单上传一个文件（字段名 file）' : '请以 JSON 发送请求，并带上请求头 Content-Type: application/json',
          }),
        );
      }
    }
    await next();
  };
}
