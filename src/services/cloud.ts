import Taro from '@tarojs/taro';
import type { ActionName, ActionRequest, ActionResponse } from '../../types/api';
import type { ApiError, ApiReply, ErrorCode } from '../../types/errors';
import { CATALOGUE } from '../core/errors';
import { getDevOpenid } from './identity';

/** An error reply from the cloud, with the catalogue's Chinese message and solution. */
export class CloudError extends Error {
  readonly code: ErrorCode;
  readonly solution: string;
  readonly field?: string;
  readonly rule?: string;

  constructor(e: ApiError) {
    super(e.message);
    this.name = 'CloudError';
    this.code = e.code;
    this.solution = e.solution;
    this.field = e.field;
    this.rule = e.rule;
  }
}

function networkError(): CloudError {
  return new CloudError({
    code: 'INTERNAL_ERROR',
    message: '网络异常，请求没有发出',
    solution: '请检查网络后重试；已填写的内容不会丢失',
  });
}

type CloudFunction = 'afterSale' | 'autoApprove' | 'refundNotify';

async function viaHttp<T>(fn: CloudFunction, data: object): Promise<ApiReply<T>> {
  let res: Response;
  try {
    res = await fetch(`/api/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': getDevOpenid() },
      body: JSON.stringify(data),
    });
  } catch {
    throw networkError();
  }
  try {
    return (await res.json()) as ApiReply<T>;
  } catch {
    return { ok: false, error: { code: 'INTERNAL_ERROR', ...CATALOGUE.INTERNAL_ERROR } };
  }
}

/**
 * Why a `callFunction` failed, from WeChat's own errCode and errMsg, so the page names the cause that
 * the person in front of it can fix instead of 「网络异常」. Kept on the error as `field` for support.
 */
export function cloudCallError(fn: string, e: unknown): CloudError {
  const err = (e ?? {}) as { errCode?: number; errMsg?: string; message?: string };
  const text = `${err.errCode ?? ''} ${err.errMsg ?? err.message ?? String(e)}`;
  const detail = text.trim().slice(0, 200);
  const named = (message: string, solution: string) =>
    new CloudError({ code: 'INTERNAL_ERROR', message, solution, field: `callFunction: ${detail}` });
  if (/FunctionName parameter could not be found|FUNCTION_NOT_FOUND|ResourceNotFound\.Function/i.test(text)) {
    return named(`云函数 ${fn} 还没有部署到当前云开发环境`, '请在微信开发者工具中右键 cloudfunctions 下的该函数，选择「上传并部署」后重试');
  }
  if (/Environment not found|INVALID_ENV|env.*(not exist|not found)|-501000.*env/i.test(text)) {
    return named('没有找到云开发环境', '请在开发者工具「云开发」中开通环境，并用 CLOUD_ENV=<环境ID> npm run build:weapp 重新构建');
  }
  if (/-601034|开通云开发|touristappid|游客/i.test(text)) {
    return named('当前小程序还不能使用云开发（游客 AppID 或未开通云开发）', '请在 project.config.json 中换成自己的 AppID，并在开发者工具中开通云开发');
  }
  if (/-404011|execution error|执行/.test(text)) {
    return named(`云函数 ${fn} 运行出错`, '请在云开发控制台查看该函数的日志；已填写的内容不会丢失，稍后可重试');
  }
  return new CloudError({ code: 'INTERNAL_ERROR', message: '网络异常，请求没有发出', solution: '请检查网络后重试；已填写的内容不会丢失', field: `callFunction: ${detail}` });
}

async function viaCloud<T>(fn: CloudFunction, data: object): Promise<ApiReply<T>> {
  try {
    const r = await Taro.cloud.callFunction({ name: fn, data: data as Record<string, unknown> });
    return r.result as ApiReply<T>;
  } catch (e) {
    throw cloudCallError(fn, e);
  }
}

/** How long an answer asked at launch ({@link askEarly}) stands in for the page's own identical request. */
export const EARLY_TAKEN_MS = 3_000;

interface EarlyCall {
  at: number;
  openid: string;
  reply: Promise<ApiReply<unknown>>;
}

/** Requests sent at launch, by their body, until the page asks the same (or they are dropped). */
const early = new Map<string, EarlyCall>();

/**
 * h5: sends, at launch, a request the first page will make once its code has loaded and rendered, so the
 * answer is on its way (or back) by then instead of only starting (issue 18 item 4). The page's own
 * identical request (same action, same fields in the same order) as the same caller within
 * {@link EARLY_TAKEN_MS} takes this answer instead of asking again; each answer is taken once, and one
 * nobody takes is dropped.
 */
export function askEarly<A extends ActionName>(action: A, req: ActionRequest<A>): void {
  if (process.env.TARO_ENV !== 'h5') return;
  const data = { ...req, action };
  const reply = viaHttp<unknown>('afterSale', data);
  // Its failure reaches the page that takes it; one that nobody takes must not be reported as unhandled.
  reply.catch(() => undefined);
  early.set(JSON.stringify(data), { at: Date.now(), openid: getDevOpenid(), reply });
}

function takeEarly<T>(data: object): Promise<ApiReply<T>> | undefined {
  const key = JSON.stringify(data);
  const e = early.get(key);
  if (!e) return undefined;
  early.delete(key);
  return Date.now() - e.at < EARLY_TAKEN_MS && e.openid === getDevOpenid() ? (e.reply as Promise<ApiReply<T>>) : undefined;
}

/** Calls one action of the `afterSale` cloud function; resolves with its data or throws CloudError. */
export async function callAfterSale<A extends ActionName>(action: A, req: ActionRequest<A>): Promise<ActionResponse<A>> {
  const data = { ...req, action };
  const reply =
    process.env.TARO_ENV === 'weapp'
      ? await viaCloud<ActionResponse<A>>('afterSale', data)
      : await (takeEarly<ActionResponse<A>>(data) ?? viaHttp<ActionResponse<A>>('afterSale', data));
  if (!reply.ok) throw new CloudError(reply.error);
  return reply.data;
}

/** What to show for any error: the catalogue's message and solution, whatever was thrown. */
export function describeError(e: unknown): { message: string; solution: string; code: ErrorCode; field?: string } {
  if (e instanceof CloudError) return { message: e.message, solution: e.solution, code: e.code, field: e.field };
  return { code: 'INTERNAL_ERROR', ...CATALOGUE.INTERNAL_ERROR };
}
