/**
 * One cloud function instance of the cloud-sim backend, as WeChat cloud runs one: its own Node
 * process that loads the function's entry (cloudfunctions/<fn>/src/index.ts, which requires the real
 * wx-server-sdk, pointed at the cloud-sim service by the environment the runtime sets), and handles
 * one invocation at a time. `getWXContext()` reads the caller from the process environment, which is
 * why instances are processes and not promises in one process.
 *
 * The host's dev clock reaches the instance with each invocation: `Date` here runs that far ahead
 * (or behind) of real time, as if the container's clock were the host's.
 *
 *   node --import tsx runner.ts <entry file>      (forked by functions.ts with an IPC channel)
 */
interface Invoke {
  type: 'invoke';
  id: number;
  event: unknown;
  context: { openid?: string; source: string; offsetMs: number; epoch?: number };
}

const RealDate = Date;
let offsetMs = 0;

/** `Date` of the instance: real time moved by the host clock's offset. */
class InstanceDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...(args as [number]));
  }

  static now(): number {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = InstanceDate as DateConstructor;

function send(msg: unknown): void {
  if (process.send) process.send(msg);
}

// The parent going away (even by kill -9) ends the instance.
process.on('disconnect', () => process.exit(0));
process.on('unhandledRejection', (reason) => {
  console.error('[cloud-sim instance] unhandled rejection', reason);
});

type Entry = { main(event: unknown, context?: unknown): Promise<unknown> };
const entryFile = require.resolve(process.argv[2]);
// eslint-disable-next-line @typescript-eslint/no-require-imports
let entry = require(entryFile) as Entry;
let epoch = 0;

/** The dev routes replaced the data: load the entry again, so that what its container kept (roles) goes with it. */
function renew(next: number | undefined): void {
  if (next === undefined || next === epoch) return;
  epoch = next;
  delete require.cache[entryFile];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  entry = require(entryFile) as Entry;
}

process.on('message', (raw) => {
  const msg = raw as Invoke;
  if (msg.type !== 'invoke') return;
  offsetMs = msg.context.offsetMs;
  renew(msg.context.epoch);
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_SOURCE';
  process.env.WX_APPID = 'wxc10d51mc0000sim';
  process.env.WX_SOURCE = msg.context.source;
  if (msg.context.openid !== undefined) process.env.WX_OPENID = msg.context.openid;
  else delete process.env.WX_OPENID;
  entry.main(msg.event, { time_limit_in_ms: 60_000 }).then(
    (result) => send({ type: 'result', id: msg.id, result }),
    (e: unknown) => send({ type: 'error', id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});

send({ type: 'ready' });
