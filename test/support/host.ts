/**
 * Starting a local cloud host for a test. Two ways, same HTTP surface:
 *
 *   const host = await startHostProcess();      // a child process (`node --import tsx serve.ts`):
 *   host.kill9(); await host.restart();          // for crash, restart and "ready message" tests
 *
 *   const host = await startInProcessHost();    // in this jest process: faster, and `host.local`
 *   host.local.db / host.local.svc ...          // gives the database and the services directly
 *
 * Both listen on 127.0.0.1 on a free port, with a fresh temporary DATA_DIR unless one is given, the
 * sweep timer off (run it with `POST /__dev/run/autoApprove`), and no demo data unless asked.
 * Always `await host.stop()` in afterAll/afterEach.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { handleAfterSale, handleRefundNotify, runSweep } from '../../src/server/handler';
import { DB_FILE_NAME } from '../../src/server/adapters/sqlite/open';
import type { BackendName } from '../../src/server/host/backend';
import { HOST_HEAP_MB, startHost, type RunningHost } from '../../src/server/host/host';
import { backendFromEnv } from '../../src/server/host/serve';
import type { HostOptions } from '../../src/server/host/host';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The backend the server suites run on: AFTERSALE_BACKEND, as `npm test` sets it for its second pass
 * (jest project `cloud-sim`). Child-process hosts inherit it; in-process hosts are built with it.
 */
export const TEST_BACKEND: BackendName = backendFromEnv();
const SERVE_TS = path.join(REPO_ROOT, 'src', 'server', 'host', 'serve.ts');
const READY = /wechat-aftersale cloud host ready: (http:\/\/127\.0\.0\.1:(\d+)) \(backend: ([a-z-]+)\)/;

/** The SQLite file a host keeps under its DATA_DIR: the host's own, or on cloud-sim the simulated cloud's disk. */
export function databaseFile(dataDir: string): string {
  return TEST_BACKEND === 'cloud-sim' ? path.join(dataDir, 'cloud-sim', DB_FILE_NAME) : path.join(dataDir, DB_FILE_NAME);
}

/** A fresh empty directory under the OS temp dir. */
export function tempDataDir(label = 'host'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `aftersale-${label}-`));
}

export interface HostProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9), then wait for the exit. */
  kill9(): Promise<void>;
  /** A new process on the same DATA_DIR and port-0; this object then points at it. */
  restart(): Promise<void>;
}

export interface HostProcessOptions {
  dataDir?: string;
  /** Extra environment (PORT, SWEEP_INTERVAL_MS, …); SWEEP_INTERVAL_MS defaults to '0' here. */
  env?: Record<string, string>;
  /** e.g. ['--seed-demo'] */
  args?: string[];
  /** How long to wait for the ready line. */
  timeoutMs?: number;
  /** Node's own flags, before the script (e.g. ['--cpu-prof'], which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function spawnHost(dataDir: string, opts: HostProcessOptions): Promise<{ child: ChildProcess; url: string; port: number; output: () => string }> {
  // The heap limit `npm start` gives the host (HOST_HEAP_MB), so tests and the bench run it as users do.
  const child = spawn(process.execPath, [`--max-old-space-size=${HOST_HEAP_MB}`, ...(opts.nodeArgs ?? []), '--import', 'tsx', SERVE_TS, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', SWEEP_INTERVAL_MS: '0', ...opts.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host not ready within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = READY.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code}) before it was ready:\n${out}`));
    });
  });
  return { child, url: match[1], port: Number(match[2]), output: () => out };
}

export async function startHostProcess(opts: HostProcessOptions = {}): Promise<HostProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  let current = await spawnHost(dataDir, opts);
  const host: HostProcess = {
    get url() {
      return current.url;
    },
    get port() {
      return current.port;
    },
    get child() {
      return current.child;
    },
    dataDir,
    output: () => current.output(),
    async stop() {
      const exited = waitExit(current.child);
      if (current.child.exitCode === null && current.child.signalCode === null) current.child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      const exited = waitExit(current.child);
      current.child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      if (current.child.exitCode === null && current.child.signalCode === null) await host.stop();
      current = await spawnHost(dataDir, opts);
    },
  };
  return host;
}

export interface InProcessHost extends RunningHost {
  dataDir: string;
  stop(): Promise<void>;
}

/** The host inside the test process, with the real handlers (src/server/handler.ts). */
export async function startInProcessHost(opts: Partial<Omit<HostOptions, 'handlers'>> & { handlers?: HostOptions['handlers'] } = {}): Promise<InProcessHost> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const host = await startHost({
    port: 0,
    sweepIntervalMs: 0,
    backend: TEST_BACKEND,
    ...opts,
    dataDir,
    handlers: opts.handlers ?? { afterSale: handleAfterSale, refundNotify: handleRefundNotify, sweep: runSweep },
  });
  return Object.assign(host, { dataDir, stop: () => host.close() });
}
