/**
 * What `npm run cloud:init` does to a new cloud environment (docs/DEPLOY.md §2): creates every
 * collection the functions use (wx-server-sdk's `db.createCollection`), and every index of
 * `indexes.ts` through WeChat's HTTP API `tcb/updateindex` (the SDK has no index call), both from the
 * one list the adapters and their tests use, so the script never drifts from the code.
 * Nothing here loads wx-server-sdk: the script hands in the database it made.
 */
import { INDEXES, type IndexSpec } from './indexes';
import { COLLECTIONS } from './sdk';

export type StepStatus = 'created' | 'exists' | 'failed';

export interface StepResult {
  /** `as_cases` or `as_cases.timer`. */
  target: string;
  status: StepStatus;
  detail?: string;
}

/** The collections, in a fixed order. */
export function collectionNames(): string[] {
  return Object.values(COLLECTIONS);
}

/**
 * "Already exists" as the database reports it. The fake's code is DATABASE_COLLECTION_ALREADY_EXIST;
 * the real service's wording is not documented (🌐), so the common forms are all accepted — but never
 * "not exist", which is a different error.
 */
export function isAlreadyExists(message: string): boolean {
  if (/not[ _]exist/i.test(message)) return false;
  return /already[ _]?exist|ResourceExist|Table exist|exist(s|ed)?\b.*(collection|index)|(collection|index).*\bexist/i.test(message);
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null) {
    const e = err as { errMsg?: unknown; message?: unknown; errCode?: unknown };
    return String(e.errMsg ?? e.message ?? JSON.stringify(err));
  }
  return String(err);
}

export interface CollectionCreator {
  createCollection(name: string): Promise<unknown>;
}

/** Creates each collection; one that exists is left as it is (the script can run again). */
export async function createCollections(db: CollectionCreator, names = collectionNames()): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (const name of names) {
    try {
      await db.createCollection(name);
      out.push({ target: name, status: 'created' });
    } catch (err) {
      const detail = messageOf(err);
      out.push({ target: name, status: isAlreadyExists(detail) ? 'exists' : 'failed', detail });
    }
  }
  return out;
}

/** The body of one `tcb/updateindex` request. */
export interface UpdateIndexBody {
  env: string;
  collection_name: string;
  create_indexes: { name: string; unique: boolean; keys: { name: string; direction: '1' | '-1' }[] }[];
  drop_indexes: { name: string }[];
}

export function updateIndexBody(env: string, collection: string, index: IndexSpec): UpdateIndexBody {
  return {
    env,
    collection_name: collection,
    create_indexes: [{ name: index.name, unique: false, keys: index.keys.map(([name, dir]) => ({ name, direction: dir === 1 ? '1' : '-1' })) }],
    drop_indexes: [],
  };
}

/** One request per index (so one that exists does not stop the others), in a fixed order. */
export function indexRequests(env: string): UpdateIndexBody[] {
  return Object.entries(INDEXES).flatMap(([coll, specs]) => specs.map((s) => updateIndexBody(env, coll, s)));
}

/** The index list as a person reads it (for the console's 索引管理 when no AppSecret is given). */
export function indexTable(): string {
  const lines: string[] = [];
  for (const [coll, specs] of Object.entries(INDEXES)) {
    for (const s of specs) {
      const keys = s.keys.map(([f, d]) => `${f} ${d === 1 ? '升序' : '降序'}`).join(', ');
      lines.push(`${coll}  ${s.name}  [${keys}]  非唯一  — ${s.for}`);
    }
  }
  return lines.join('\n');
}

export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

interface WxReply {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
}

/** The stable access token (so running the script does not invalidate the one the functions use). */
export async function accessToken(fetchFn: FetchLike, apiBase: string, appid: string, secret: string): Promise<string> {
  const res = await fetchFn(`${apiBase}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid, secret, force_refresh: false }),
  });
  const body = (await res.json()) as WxReply;
  if (!res.ok || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new Error(`取 access_token 失败 (WX_APPID / WX_APPSECRET)：${body.errcode ?? res.status} ${body.errmsg ?? ''}`.trim());
  }
  return body.access_token;
}

/** Sends each index request; an index that exists is reported as such. */
export async function createIndexes(fetchFn: FetchLike, apiBase: string, token: string, requests: UpdateIndexBody[]): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (const r of requests) {
    const target = `${r.collection_name}.${r.create_indexes[0].name}`;
    try {
      const res = await fetchFn(`${apiBase}/tcb/updateindex?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(r),
      });
      const body = (await res.json()) as WxReply;
      if (res.ok && (body.errcode ?? 0) === 0) out.push({ target, status: 'created' });
      else {
        const detail = `${body.errcode ?? res.status} ${body.errmsg ?? ''}`.trim();
        out.push({ target, status: isAlreadyExists(detail) ? 'exists' : 'failed', detail });
      }
    } catch (err) {
      out.push({ target, status: 'failed', detail: messageOf(err) });
    }
  }
  return out;
}

export function formatResults(title: string, results: StepResult[]): string {
  const mark: Record<StepStatus, string> = { created: '新建', exists: '已存在', failed: '失败' };
  return [title, ...results.map((r) => `  ${mark[r.status]}  ${r.target}${r.detail && r.status === 'failed' ? `  (${r.detail})` : ''}`)].join('\n');
}
