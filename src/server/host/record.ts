/**
 * `DATA_DIR/host.json`: which host serves a DATA_DIR, so that `npm run shop:create` beside it goes
 * through that host (on cloud-sim the host alone holds the simulated cloud's database) instead of
 * writing under it. Readable by the owner only: it carries the `setup` secret of this run.
 */
import fs from 'fs';
import path from 'path';
import type { BackendName } from './backend';

export interface HostRecord {
  pid: number;
  url: string;
  backend: BackendName;
  setupSecret: string;
}

export const HOST_RECORD = 'host.json';

export function writeHostRecord(dataDir: string, record: HostRecord): void {
  if (dataDir === ':memory:') return;
  const file = path.join(dataDir, HOST_RECORD);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the record if it is still this host's (another host may have started on the DATA_DIR since). */
export function removeHostRecord(dataDir: string, url: string): void {
  const r = readHostRecord(dataDir);
  if (r && r.url === url && r.pid === process.pid) fs.rmSync(path.join(dataDir, HOST_RECORD), { force: true });
}

/** The record, if any and if its process still lives (a host killed with -9 leaves a stale one). */
export function readHostRecord(dataDir: string): HostRecord | null {
  let r: HostRecord;
  try {
    r = JSON.parse(fs.readFileSync(path.join(dataDir, HOST_RECORD), 'utf8')) as HostRecord;
  } catch {
    return null;
  }
  if (typeof r.pid !== 'number' || typeof r.url !== 'string' || typeof r.setupSecret !== 'string') return null;
  try {
    process.kill(r.pid, 0);
  } catch {
    return null;
  }
  return r;
}
