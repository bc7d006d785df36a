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

async function viaCloud<T>(fn: CloudFunction, data: object): Promise<ApiReply<T>> {
  try {
    const r = await Taro.cloud.callFunction({ name: fn, data: data as Record<string, unknown> });
    return r.result as ApiReply<T>;
  } catch {
    throw networkError();
  }
}

/** Calls one action of the `afterSale` cloud function; resolves with its data or throws CloudError. */
export async function callAfterSale<A extends ActionName>(action: A, req: ActionRequest<A>): Promise<ActionResponse<A>> {
  const data = { ...req, action };
  const reply =
    process.env.TARO_ENV === 'weapp'
      ? await viaCloud<ActionResponse<A>>('afterSale', data)
      : await viaHttp<ActionResponse<A>>('afterSale', data);
  if (!reply.ok) throw new CloudError(reply.error);
  return reply.data;
}

/** What to show for any error: the catalogue's message and solution, whatever was thrown. */
export function describeError(e: unknown): { message: string; solution: string; code: ErrorCode; field?: string } {
  if (e instanceof CloudError) return { message: e.message, solution: e.solution, code: e.code, field: e.field };
  return { code: 'INTERNAL_ERROR', ...CATALOGUE.INTERNAL_ERROR };
}
