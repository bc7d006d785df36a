/**
 * The cloud functions of the cloud-sim backend: for each function, a pool of instances (runner.ts,
 * one process each) as WeChat cloud scales them. An instance handles one invocation at a time; a
 * call finds an idle one, or starts a new one up to the function's limit, or waits its turn.
 * Concurrency therefore comes from several instances, each with its own wx-server-sdk and its own
 * round trips to the service, and requests interleave as they do in the cloud.
 */
import { fork, type ChildProcess } from 'child_process';
import path from 'path';

/** The simulated cloud environment and its WeChat Pay sub-merchant. */
export const CLOUD_SIM_ENV = 'cloudsim-6e1f2a';
export const CLOUD_SIM_SUB_MCH_ID = '1900000109';
/** Credentials the service checks on every request (the SDK signs with them); nothing secret. */
export const CLOUD_SIM_SECRET_ID = 'example-cloudsim-id';
const CLOUD_SIM_SECRET_KEY = 'example-cloudsim-key';

/** The environment the cloud function runtime gives an instance, pointing wx-server-sdk at `serviceUrl`. */
export function instanceEnv(serviceUrl: string, secretId = CLOUD_SIM_SECRET_ID, env = CLOUD_SIM_ENV): Record<string, string> {
  return {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: env,
    TCB_ENV: env,
    TENCENTCLOUD_SECRETID: secretId,
    TENCENTCLOUD_SECRETKEY: CLOUD_SIM_SECRET_KEY,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: serviceUrl }),
    SILENCE: 'true',
  };
}

export interface InvokeContext {
  /** The caller as getWXContext() reports it; none for timers and payment callbacks. */
  openid?: string;
  /** getWXContext().SOURCE: wx_client (mini-program), wx_timer, wx_paycallback, wx_http … */
  source: string;
}

export interface FunctionPoolOptions {
  repoRoot: string;
  /** The runtime environment of every instance (wx-server-sdk's SCF variables, SUB_MCH_ID …). */
  env: Record<string, string>;
  /** Milliseconds the host clock is ahead of real time, sent with each invocation. */
  clockOffsetMs(): number;
  /** Most instances per function (default 1). */
  maxInstances: Record<string, number>;
  /** How long one invocation may run before the caller is told it failed. */
  timeoutMs?: number;
  /** Drop what instances print to stdout (their console.info); stderr always shows. CLOUD_SIM_QUIET=1. */
  quiet?: boolean;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

interface Instance {
  fn: string;
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  pending?: { id: number } & Pending;
}

interface Waiting {
  event: unknown;
  ctx: InvokeContext;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class FunctionInvocationError extends Error {}

const RUNNER = path.join(__dirname, 'runner.ts');

export class FunctionPool {
  private readonly instances = new Map<string, Instance[]>();
  private readonly queues = new Map<string, Waiting[]>();
  private nextId = 1;
  /** True once close() began (a background warm-up that fails then is no news). */
  closed = false;
  /** Instances started since the pool was made (cold starts). */
  coldStarts = 0;
  /**
   * Bumped when the dev routes replace the data (reset, seed): each instance then builds its function
   * afresh before its next invocation, so nothing a container remembers (the callers' roles) outlives
   * the data it came from. Real containers never see data replaced under them.
   */
  epoch = 0;

  constructor(private readonly opts: FunctionPoolOptions) {}

  private entry(fn: string): string {
    return path.join(this.opts.repoRoot, 'cloudfunctions', fn, 'src', 'index.ts');
  }

  /** Starts one instance of each function now, so the first call does not wait for a cold start. */
  async warm(fns: readonly string[]): Promise<void> {
    await Promise.all(fns.map((fn) => (this.instances.get(fn)?.length ? undefined : this.spawn(fn).ready)));
  }

  invoke(fn: string, event: unknown, ctx: InvokeContext): Promise<unknown> {
    if (this.closed) return Promise.reject(new FunctionInvocationError('the cloud-sim functions are stopped'));
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(fn) ?? [];
      this.queues.set(fn, queue);
      queue.push({ event, ctx, resolve, reject });
      this.dispatch(fn);
    });
  }

  private dispatch(fn: string): void {
    const queue = this.queues.get(fn);
    if (!queue || queue.length === 0) return;
    const list = this.instances.get(fn) ?? [];
    let inst = list.find((i) => !i.busy);
    if (!inst && list.length < (this.opts.maxInstances[fn] ?? 1)) inst = this.spawn(fn);
    if (!inst) return;
    const task = queue.shift()!;
    this.run(inst, task);
    if (queue.length > 0) this.dispatch(fn);
  }

  private run(inst: Instance, task: Waiting): void {
    inst.busy = true;
    const id = this.nextId++;
    const done = () => {
      inst.busy = false;
      inst.pending = undefined;
      this.dispatch(inst.fn);
    };
    const timer = setTimeout(() => {
      inst.pending?.reject(new FunctionInvocationError(`${inst.fn}: invocation timed out`));
      inst.child.kill('SIGKILL');
    }, this.opts.timeoutMs ?? 120_000);
    inst.pending = {
      id,
      timer,
      resolve: (v) => {
        clearTimeout(timer);
        done();
        task.resolve(v);
      },
      reject: (e) => {
        clearTimeout(timer);
        done();
        task.reject(e);
      },
    };
    inst.ready.then(
      () => {
        inst.child.send({ type: 'invoke', id, event: task.event, context: { ...task.ctx, offsetMs: this.opts.clockOffsetMs(), epoch: this.epoch } });
      },
      (e: Error) => inst.pending?.reject(e),
    );
  }

  private spawn(fn: string): Instance {
    this.coldStarts += 1;
    const child = fork(RUNNER, [this.entry(fn)], {
      cwd: this.opts.repoRoot,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...this.opts.env, SCF_FUNCTIONNAME: fn },
      stdio: ['ignore', this.opts.quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let markReady: () => void = () => undefined;
    let failReady: (e: Error) => void = () => undefined;
    const inst: Instance = {
      fn,
      child,
      busy: false,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failReady = reject;
      }),
    };
    inst.ready.catch(() => undefined);
    const list = this.instances.get(fn) ?? [];
    list.push(inst);
    this.instances.set(fn, list);
    child.on('message', (raw) => {
      const msg = raw as { type: string; id?: number; result?: unknown; error?: string };
      if (msg.type === 'ready') markReady();
      else if (inst.pending && msg.id === inst.pending.id) {
        if (msg.type === 'result') inst.pending.resolve(msg.result);
        else inst.pending.reject(new FunctionInvocationError(`${fn}: ${msg.error ?? 'failed'}`));
      }
    });
    child.on('exit', (code, signal) => {
      const i = list.indexOf(inst);
      if (i >= 0) list.splice(i, 1);
      const why = new FunctionInvocationError(`${fn} instance exited (${signal ?? code})`);
      failReady(why);
      inst.pending?.reject(why);
      if (!this.closed) this.dispatch(fn);
    });
    return inst;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [, queue] of this.queues) for (const w of queue.splice(0)) w.reject(new FunctionInvocationError('the cloud-sim functions are stopped'));
    const exits: Promise<void>[] = [];
    for (const list of this.instances.values()) {
      for (const inst of [...list]) {
        if (inst.child.exitCode !== null || inst.child.signalCode !== null) continue;
        exits.push(new Promise<void>((resolve) => inst.child.once('exit', () => resolve())));
        inst.child.kill('SIGTERM');
      }
    }
    await Promise.all(exits);
  }
}
