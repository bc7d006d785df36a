/**
 * Request bodies, read the way a public endpoint must: never more than a cap into memory, whatever
 * Content-Length claims or omits. Whatever is not a JSON object, of any size, becomes one INVALID_INPUT
 * (field `body`) — the same envelope as every other refusal (SPEC §4, R30).
 */
import { DomainError } from '../../core/errors';

/** Far above any action's largest valid body (nine evidence items and a 500-character description). */
export const JSON_BODY_CAP = 256 * 1024;

export class BodyTooLarge extends Error {
  constructor(readonly cap: number) {
    super(`request body over ${cap} bytes`);
    this.name = 'BodyTooLarge';
  }
}

function bodyInvalid(message: string): DomainError {
  return new DomainError('INVALID_INPUT', { field: 'body', message });
}

/**
 * The body's bytes, or BodyTooLarge as soon as they pass `cap`. On refusal the rest is not read here:
 * the server drains it (bounded) after the reply, so the client still receives the envelope.
 */
export async function readCapped(req: Request, cap: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > cap) throw new BodyTooLarge(cap);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > cap) throw new BodyTooLarge(cap);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as a plain JSON object, or INVALID_INPUT naming `body`. */
export async function readJsonObject(req: Request, cap = JSON_BODY_CAP): Promise<Record<string, unknown>> {
  return (await readJsonText(req, cap)).value;
}

/** readJsonObject, with the exact text it was parsed from (a signed body is verified over its bytes). */
export async function readJsonText(req: Request, cap = JSON_BODY_CAP): Promise<{ text: string; value: Record<string, unknown> }> {
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(req, cap);
  } catch (e) {
    if (e instanceof BodyTooLarge) throw bodyInvalid(`请求内容过大（上限${Math.round(cap / 1024)}KB）`);
    throw bodyInvalid('请求内容读取失败，请重试');
  }
  if (bytes.byteLength === 0) throw bodyInvalid('请求内容为空，须为JSON对象');
  let value: unknown;
  let text: string;
  try {
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw bodyInvalid('请求内容不是合法的JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bodyInvalid('请求内容须为JSON对象');
  }
  return { text, value: value as Record<string, unknown> };
}
