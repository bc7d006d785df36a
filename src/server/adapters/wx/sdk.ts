/**
 * The part of wx-server-sdk the cloud adapters use, typed structurally. The adapters receive the
 * `cloud` object from the function entry (the only place that requires wx-server-sdk: without the
 * function's credentials the SDK's first request rejects unhandled and kills Node) and never import it.
 * The SDK's own typings leave most of these as `any`.
 */

declare const operator: unique symbol;

/** A query or update operator (`db.command.gt(…)`, `_.set(…)`): opaque to the adapters. */
export type WxOperator = { readonly [operator]: true };

export type WxFilter = Record<string, unknown>;

export interface WxCommand {
  eq(v: unknown): WxOperator;
  neq(v: unknown): WxOperator;
  gt(v: unknown): WxOperator & WxChainable;
  gte(v: unknown): WxOperator & WxChainable;
  lt(v: unknown): WxOperator & WxChainable;
  lte(v: unknown): WxOperator & WxChainable;
  in(v: unknown[]): WxOperator;
  nin(v: unknown[]): WxOperator;
  or(filters: WxFilter[]): WxOperator;
  set(v: unknown): WxOperator;
  remove(): WxOperator;
  aggregate: { sum(expr: string): WxOperator };
}

export interface WxChainable {
  and(other: WxOperator): WxOperator;
}

export interface WxGetResult {
  data: unknown[];
}

export interface WxQuery {
  where(filter: WxFilter | WxOperator): WxQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): WxQuery;
  limit(n: number): WxQuery;
  field(projection: Record<string, boolean>): WxQuery;
  get(): Promise<WxGetResult>;
  count(): Promise<{ total: number }>;
  update(options: { data: Record<string, unknown>; multi?: boolean }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface WxDocument {
  /** `data` is null when the document does not exist (the database is opened with throwOnNotFound: false). */
  get(): Promise<{ data: unknown }>;
  /** Replaces the whole document (creating it if needed); `data` must not carry `_id`. */
  set(options: { data: Record<string, unknown> }): Promise<unknown>;
}

export interface WxAggregate {
  match(filter: WxFilter): WxAggregate;
  group(spec: Record<string, unknown>): WxAggregate;
  end(): Promise<{ list: unknown[] }>;
}

export interface WxCollection extends WxQuery {
  doc(id: string): WxDocument;
  /** Fails when `data._id` is already taken. */
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string }>;
  aggregate(): WxAggregate;
}

/** Inside `runTransaction` only document reads and writes exist (no `where`). */
export interface WxTransaction {
  collection(name: string): {
    doc(id: string): WxDocument;
    add(options: { data: Record<string, unknown> }): Promise<unknown>;
  };
}

/** A transaction begun with `startTransaction`: the caller commits it, or rolls it back. */
export interface WxStartedTransaction extends WxTransaction {
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
}

export interface WxDatabase {
  command: WxCommand;
  collection(name: string): WxCollection;
  /** Retries the callback on a write conflict at commit; resolves with the callback's value. */
  runTransaction<T>(fn: (tx: WxTransaction) => Promise<T>, retries?: number): Promise<T>;
  /** One round trip (database.startTransaction); nothing is retried. */
  startTransaction(): Promise<WxStartedTransaction>;
}

/** cloudPay results come back camelCased; `errCode` is the SDK's own 0 (WeChat Pay's err_code is overwritten). */
export type CloudPayResult = Record<string, unknown> & {
  returnCode?: string;
  returnMsg?: string;
  resultCode?: string;
  errCodeDes?: string;
};

export interface WxCloud {
  database(config?: { throwOnNotFound?: boolean }): WxDatabase;
  cloudPay: {
    refund(params: Record<string, unknown>): Promise<CloudPayResult>;
    queryRefund(params: Record<string, unknown>): Promise<CloudPayResult>;
    /** SPEC §7 demo checkout (optional here only so that refund-only test doubles need not fake them). */
    unifiedOrder?(params: Record<string, unknown>): Promise<CloudPayResult>;
    queryOrder?(params: Record<string, unknown>): Promise<CloudPayResult>;
  };
  openapi: {
    subscribeMessage: { send(params: Record<string, unknown>): Promise<unknown> };
  };
  getTempFileURL(params: { fileList: string[] }): Promise<{
    fileList: { fileID: string; status: number; tempFileURL: string; errMsg?: string }[];
  }>;
}

/** The collections, one per kind of record. */
export const COLLECTIONS = {
  cases: 'as_cases',
  orders: 'as_orders',
  shops: 'as_shops',
  merchants: 'as_merchants',
  risk: 'as_risk',
  outbox: 'as_outbox',
  tickets: 'as_tickets',
  counters: 'as_counters',
  // SPEC §7: one-time codes (`_id` = the code's SHA-256) and order-sync keys (`_id` = the shop id).
  codes: 'as_codes',
  syncKeys: 'as_sync_keys',
} as const;

/** The wx-server-sdk module as a function entry uses it. */
export interface WxSdk extends WxCloud {
  init(config: { env: unknown }): void;
  readonly DYNAMIC_CURRENT_ENV: symbol;
  getWXContext(): { OPENID?: string | number; SOURCE?: string | number };
}
