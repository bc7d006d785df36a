/**
 * `wx.cloud` for the component-runtime journeys: the cloud functions' own entry code
 * (cloudfunctions/<fn>/src/index.ts, on the wx adapters and the real wx-server-sdk) answering on the
 * cloud-sim backend (SPEC §8, src/server/host/cloudSimBackend.ts), with the demo shop seeded.
 *
 * - `callFunction` invokes the named function as the signed-in caller: getWXContext().OPENID is set
 *   per call, SOURCE is wx_client; one `afterSale` instance, so calls run one at a time in arrival
 *   order. A name that is not deployed fails as WeChat fails it (errCode -501000, FunctionName …).
 * - `uploadFile` puts the bytes of the temp file into the backend's storage; the file id is what
 *   storage named it, and only the caller's own `evidence/<openid>/` prefix is writable (R22).
 * - `getTempFileURL` gives an https URL for each stored file.
 * - Refund results reach `refundNotify` from the simulated payment platform on its own timer.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { demoData } from '../../../src/server/seed/demo';
import { cloudFileId, createCloudSimBackend, type CloudSimBackend } from '../../../src/server/host/cloudSimBackend';
import { sniffMedia } from '../../../src/server/adapters/local/sniff';
import { parseLocalFileId } from '../../../src/server/adapters/local/files';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

type Callback<T> = ((r: T) => void) | undefined;
interface WithCallbacks<T> {
  success?: Callback<T>;
  fail?: Callback<{ errCode?: number; errMsg: string }>;
  complete?: Callback<unknown>;
}

/** Runs `run`, answering through the callbacks and the returned promise, as wx.cloud's methods do. */
function settle<T>(opts: WithCallbacks<T>, run: () => Promise<T>): Promise<T> {
  const p = run();
  p.then(
    (r) => {
      opts.success?.(r);
      opts.complete?.(r);
    },
    (e: { errCode?: number; errMsg: string }) => {
      opts.fail?.(e);
      opts.complete?.(e);
    },
  );
  // With callbacks WeChat returns no promise to reject unhandled.
  if (opts.success || opts.fail || opts.complete) p.catch(() => undefined);
  return p;
}

export interface CloudCall {
  name: string;
  openid: string;
  data: Record<string, unknown>;
  result?: unknown;
  /** How long the function took to answer (ms). */
  ms?: number;
}

export class SimCloud {
  readonly calls: CloudCall[] = [];
  /** Every failed wx.cloud call, with WeChat's errMsg (kept for a failed step's artifacts). */
  readonly failures: string[] = [];

  private constructor(
    readonly backend: CloudSimBackend,
    private readonly dataDir: string,
    /** Reads a temp file of the mini-program (wxfile://…) by its path. */
    private readonly readTempFile: (filePath: string) => Buffer,
  ) {}

  static async start(readTempFile: (filePath: string) => Buffer): Promise<SimCloud> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-weapp-sim-'));
    process.env.CLOUD_SIM_QUIET = process.env.CLOUD_SIM_QUIET ?? '1';
    const backend = await createCloudSimBackend({ dataDir, repoRoot: REPO_ROOT, afterSaleInstances: 1 });
    await backend.dev.seed(demoData(backend.now()));
    backend.startRefundCallbacks();
    return new SimCloud(backend, dataDir, readTempFile);
  }

  /** `wx.cloud` as the mini-program sees it while `openid()` is signed in. */
  api(openid: () => string): Record<string, unknown> {
    const invoke = (name: string, data: Record<string, unknown>) => this.invoke(name, data, openid());
    return {
      init: () => undefined,
      callFunction: (o: { name: string; data?: Record<string, unknown> } & WithCallbacks<unknown>) => settle(o, () => invoke(o.name, o.data ?? {})),
      uploadFile: (o: { cloudPath: string; filePath: string } & WithCallbacks<unknown>) => {
        const progress: ((p: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void)[] = [];
        const task = { onProgressUpdate: (cb: (typeof progress)[number]) => progress.push(cb), abort: () => undefined };
        const caller = openid();
        void settle(o, async () => {
          await new Promise((r) => setTimeout(r, 0));
          const stored = this.upload(caller, o.cloudPath, o.filePath);
          for (const cb of progress) cb({ progress: 100, totalBytesSent: stored.size, totalBytesExpectedToSend: stored.size });
          return { fileID: stored.fileId, statusCode: 200, errMsg: 'cloud.uploadFile:ok' };
        }).catch((e: unknown) => {
          this.failures.push(`uploadFile ${o.cloudPath}: ${(e as { errMsg?: string }).errMsg ?? String(e)}`);
        });
        return task;
      },
      getTempFileURL: (o: { fileList: (string | { fileID: string })[] } & WithCallbacks<unknown>) =>
        settle(o, async () => ({
          errMsg: 'cloud.getTempFileURL:ok',
          fileList: o.fileList.map((f) => {
            const fileID = typeof f === 'string' ? f : f.fileID;
            const m = /^cloud:\/\/[^/]+\/(evidence\/.+)$/.exec(fileID);
            return m
              ? { fileID, tempFileURL: `https://cloudsim-6e1f2a.tcb.qcloud.la/${m[1]}?sign=sim`, status: 0, errMsg: 'ok' }
              : { fileID, tempFileURL: '', status: -1, errMsg: 'STORAGE_FILE_NONEXIST' };
          }),
        })),
    };
  }

  private async invoke(name: string, data: Record<string, unknown>, openid: string): Promise<{ result: unknown; errMsg: string; requestID: string }> {
    if (name !== 'afterSale') {
      // What WeChat answers for a function that is not deployed (src/services/cloud.ts names it).
      throw { errCode: -501000, errMsg: `cloud.callFunction:fail requestID , errCode: -501000 | errMsg: [ResourceNotFound.Function] FunctionName parameter could not be found.` };
    }
    const call: CloudCall = { name, openid, data };
    this.calls.push(call);
    const event = { ...data, userInfo: { appId: 'wxc10d51mc0000sim', openId: openid } };
    const t0 = Date.now();
    call.result = await this.backend.functions.invoke('afterSale', event, { openid, source: 'wx_client' });
    call.ms = Date.now() - t0;
    return { result: call.result, errMsg: 'cloud.callFunction:ok', requestID: `sim-${this.calls.length}` };
  }

  private upload(openid: string, cloudPath: string, filePath: string): { fileId: string; size: number } {
    const m = /^evidence\/([^/]+)\/[^/]+$/.exec(cloudPath);
    if (!m || m[1] !== openid) throw { errCode: -403001, errMsg: `cloud.uploadFile:fail STORAGE_EXCEED_AUTHORITY ${cloudPath}` };
    const bytes = this.readTempFile(filePath);
    const type = sniffMedia(bytes);
    if (!type) throw { errMsg: `cloud.uploadFile:fail not a photo or video: ${filePath}` };
    const put = this.backend.files.put(openid, path.basename(cloudPath), bytes, type);
    const { name } = parseLocalFileId(put.fileId)!;
    return { fileId: cloudFileId(openid, name), size: put.size };
  }

  /** Action calls of `afterSale` so far (`whoami` and friends included). */
  actions(): string[] {
    return this.calls.map((c) => String(c.data.action));
  }

  async close(): Promise<void> {
    await this.backend.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
