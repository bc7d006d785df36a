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
import { applyPayNotify } from './usecases/checkout';
import { parsePayNotify } from './usecases/payNotify';
import { applyRefundNotify, parseRefundNotify, type ParseOptions } from './usecases/refundNotify';
import { sweep, type SweepOptions, type SweepReport } from './usecases/sweep';
import { MIN_SETUP_SECRET, parseSetup } from './people/setupSchema';
import { sameHash, sha256Hex } from './people/secrets';
import { syncOrders, type SyncAuth } from './usecases/orderSync';
import { createShop } from './usecases/people';

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

/**
 * The `payNotify` callback (SPEC §7): a hint that an order may have been paid. What is recorded is
 * what the gateway reports for that order (payments.query); an unknown order is acknowledged with
 * `applied: false` (200).
 */
export async function handlePayNotify(svc: Services, body: unknown): Promise<Reply> {
  try {
    return ok(await applyPayNotify(svc, parsePayNotify(body)));
  } catch (e) {
    return errorReply(e);
  }
}

// ── SPEC §7: orders in, and shops set up ──

/**
 * `orderSync`: a shop's order system upserting its orders (local: `POST /api/orderSync` with header
 * x-shop-key; cloud: the function, with `event.shopKey`, or from another function of the environment).
 */
export async function handleOrderSync(svc: Services, body: unknown, auth: SyncAuth): Promise<Reply> {
  try {
    return ok(await syncOrders(svc, body, auth));
  } catch (e) {
    return errorReply(e);
  }
}

/**
 * `setup`: the platform creating a shop and its one-time setup code. Guarded by a secret the operator
 * sets in the function's environment (`SETUP_SECRET`, at least 16 characters): without one configured
 * every call is refused; a wrong or missing one is refused before anything else is read.
 */
export async function handleSetup(svc: Services, event: unknown, configuredSecret: string | undefined): Promise<Reply> {
  try {
    const given = typeof event === 'object' && event !== null ? (event as { secret?: unknown }).secret : undefined;
    if (!configuredSecret || configuredSecret.length < MIN_SETUP_SECRET || typeof given !== 'string' || !sameHash(sha256Hex(given), sha256Hex(configuredSecret))) {
      throw new DomainError('FORBIDDEN', { message: '开店口令不正确', solution: '请使用云函数环境变量 SETUP_SECRET 中的口令' });
    }
    const input = parseSetup(event);
    const created = await createShop(svc, input, 'setup');
    return ok({ ...created, line: `shopId=${created.shopId} setupCode=${created.setupCode}` });
  } catch (e) {
    return errorReply(e);
  }
}
