/**
 * The three entry points the cloud functions and the local host share. Each turns anything it is
 * given into the reply envelope of SPEC §4: a DomainError into its code and HTTP status, anything
 * unexpected into INTERNAL_ERROR (logged, never leaked).
 */
import type { ApiReply } from '../../types/errors';
import { HTTP_STATUS } from '../../types/errors';
import { CATALOGUE, DomainError } from '../core/errors';
import { authorize, identify, readResource } from './authz';
import type { Services } from './ports';
import { OPENID_PATTERN, parseAction } from './schemas';
import { USE_CASES } from './usecases';
import { applyRefundNotify, parseRefundNotify, type ParseOptions } from './usecases/refundNotify';
import { sweep, type SweepOptions, type SweepReport } from './usecases/sweep';

export type { SweepReport } from './usecases/sweep';

export interface Reply {
  status: number;
  body: ApiReply<unknown>;
}

function ok(data: unknown): Reply {
  return { status: 200, body: { ok: true, data } };
}

/** The envelope of any failure. */
export function errorReply(e: unknown): Reply {
  if (e instanceof DomainError) return { status: HTTP_STATUS[e.code], body: { ok: false, error: e.toApiError() } };
  console.error('unexpected error in an after-sale handler', e);
  return { status: 500, body: { ok: false, error: { code: 'INTERNAL_ERROR', ...CATALOGUE.INTERNAL_ERROR } } };
}

/**
 * The `afterSale` function: schema → identity → the access table → the use case.
 * `openid` is the caller as the platform vouches for it (getWXContext / x-wx-openid), never the body's.
 */
export async function handleAfterSale(svc: Services, openid: string | undefined, body: unknown): Promise<Reply> {
  try {
    const { action, input } = parseAction(body);
    // Who the caller is and the resource they name are read together (one round trip on the cloud).
    const resource = OPENID_PATTERN.test(openid ?? '') ? readResource(svc, action, input) : undefined;
    const caller = await identify(svc, openid);
    const access = await authorize(svc, caller, action, input, resource);
    const run = USE_CASES[action] as (s: Services, a: typeof access, i: typeof input) => Promise<unknown>;
    return ok(await run(svc, access, input));
  } catch (e) {
    return errorReply(e);
  }
}

/** The `autoApprove` timer: one sweep of every deadline ≤ now, in bounded batches. */
export async function runSweep(svc: Services, opts?: SweepOptions): Promise<SweepReport> {
  return sweep(svc, opts);
}

/**
 * The `refundNotify` callback: a hint that one attempt may have settled. What is recorded is what the
 * gateway reports for it (SPEC §4 "Callbacks are hints"); an unknown or stale number is acknowledged
 * with `applied: false` (200). `plain: false` accepts cloudPay's notification shape only (the cloud entry).
 */
export async function handleRefundNotify(svc: Services, body: unknown, opts?: ParseOptions): Promise<Reply> {
  try {
    return ok(await applyRefundNotify(svc, parseRefundNotify(body, opts)));
  } catch (e) {
    return errorReply(e);
  }
}
