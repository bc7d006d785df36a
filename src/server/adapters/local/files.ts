import { createHash, randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { EpochMs, EvidenceKind } from '../../../../types/domain';
import { DomainError, invalidInput } from '../../../core/errors';
import { LIMITS } from '../../../core/settings';
import { DAY_MS } from '../../../core/time';
import type { FileStore, StoredFile } from '../../ports';
import type { Db } from '../sqlite/open';
import { Statements } from '../sqlite/statements';
import type { MediaType } from './sniff';

/** Same charset as the identity header (schemas.ts OPENID_PATTERN): safe as one path segment. */
export const OPENID_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
const NAME_SEGMENT = /^[0-9a-f]{32}\.[a-z0-9]{2,5}$/;
/** The local host's file ids; a store may be given another prefix (cloud-sim's `cloud://<env>/`). */
export const LOCAL_FILE_PREFIX = 'local://';
/** Uploads being streamed in, beside (same file system as) the stored files, so a rename puts one in place. */
const PARTIAL_DIR = '.partial';
/** A partial file this old belongs to no upload still running (a crash left it): removed on open. */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

function quotaExceeded(message: string): DomainError {
  return new DomainError('INVALID_INPUT', {
    field: 'file',
    message,
    solution: '已上传过的相同文件可直接再次选用，不占额度；请选择必要的凭证，或稍后再上传',
  });
}

export interface PutResult {
  fileId: string;
  sha256: string;
  size: number;
  kind: EvidenceKind;
}

export interface LocalFile {
  fileId: string;
  openid: string;
  path: string;
  mime: string;
  size: number;
}

/** `local://evidence/<openid>/<name>` (or `<prefix>evidence/…`) → its parts, or null when it is not a well-formed file id. */
export function parseLocalFileId(fileId: string, prefix: string = LOCAL_FILE_PREFIX): { openid: string; name: string } | null {
  if (!fileId.startsWith(prefix)) return null;
  const m = /^evidence\/([^/]+)\/([^/]+)$/.exec(fileId.slice(prefix.length));
  if (!m || !OPENID_SEGMENT.test(m[1]) || !NAME_SEGMENT.test(m[2])) return null;
  return { openid: m[1], name: m[2] };
}

/**
 * One upload being written to a partial file as its bytes arrive: hashed and counted on the way, so
 * the store never holds the file in memory. `LocalFileStore.commit` puts it in place; `discard` drops it.
 */
export class UploadSink {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private closed = false;

  constructor(
    readonly openid: string,
    readonly partialPath: string,
    private readonly handle: fs.promises.FileHandle,
  ) {}

  /** Bytes written so far. */
  get size(): number {
    return this.bytes;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    let at = 0;
    while (at < chunk.byteLength) {
      const { bytesWritten } = await this.handle.write(chunk, at, chunk.byteLength - at);
      at += bytesWritten;
    }
  }

  /** Closes the partial file; the SHA-256 of everything written (hex). */
  async finish(): Promise<string> {
    await this.close();
    return this.hash.digest('hex');
  }

  /** Drops the partial file (idempotent; safe after `finish` or a commit that moved it). */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await fs.promises.rm(this.partialPath, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/**
 * Evidence files on disk under `<uploadsDir>/evidence/<openid>/<name>`, described by rows in `uploads`.
 * The server picks the name (the first 128 bits of the SHA-256, hex, and the sniffed type's extension),
 * so a client's file name never reaches the file system, and the same bytes uploaded twice are one file.
 */
export class LocalFileStore implements FileStore {
  private readonly st: Statements;

  constructor(
    private readonly db: Db,
    readonly uploadsDir: string,
    private readonly now: () => EpochMs,
    /** What every file id of this store starts with (`<prefix>evidence/<openid>/<name>`). */
    readonly idPrefix: string = LOCAL_FILE_PREFIX,
  ) {
    this.st = new Statements(db);
    this.removeStalePartials();
  }

  /** The id of `<openid>`'s stored file `<name>`. */
  fileId(openid: string, name: string): string {
    return `${this.idPrefix}evidence/${openid}/${name}`;
  }

  /** A file id of this store → its parts; null when malformed or another store's. */
  parseFileId(fileId: string): { openid: string; name: string } | null {
    return parseLocalFileId(fileId, this.idPrefix);
  }

  async stat(fileId: string): Promise<StoredFile | null> {
    const f = this.locate(fileId);
    if (!f) return null;
    const row = this.st.get('SELECT sha256, size, kind FROM uploads WHERE file_id = ?').get(fileId) as StoredFile;
    return { sha256: row.sha256, size: row.size, kind: row.kind };
  }

  /** Stores bytes already in memory (tests, seeds): the same path as a streamed upload, quota included. */
  put(openid: string, originalName: string, bytes: Uint8Array, type: MediaType): PutResult {
    this.checkOpenid(openid);
    const partial = this.partialPath();
    fs.writeFileSync(partial, bytes, { flag: 'wx' });
    try {
      return this.place(openid, partial, createHash('sha256').update(bytes).digest('hex'), bytes.byteLength, type, originalName);
    } finally {
      fs.rmSync(partial, { force: true });
    }
  }

  /** A partial file to stream one upload of `openid` into (upload.ts); commit or discard it. */
  async open(openid: string): Promise<UploadSink> {
    this.checkOpenid(openid);
    const partial = this.partialPath();
    return new UploadSink(openid, partial, await fs.promises.open(partial, 'wx', 0o600));
  }

  /**
   * Puts a streamed upload whose type the caller sniffed (sniff.ts) in place, or refuses it on the
   * uploader's quota; the partial file is gone either way.
   */
  async commit(sink: UploadSink, originalName: string, type: MediaType): Promise<PutResult> {
    try {
      const sha256 = await sink.finish();
      return this.place(sink.openid, sink.partialPath, sha256, sink.size, type, originalName);
    } finally {
      await sink.discard();
    }
  }

  /**
   * In one IMMEDIATE transaction: the same bytes already stored by this uploader are that file and
   * count nothing; otherwise the quota of the last 30 days (LIMITS.uploadQuota) is checked and the
   * row written, and the partial file is renamed into place before the transaction commits. Two
   * uploads at once cannot both take the last slot: the second one's count sees the first one's row.
   */
  private place(openid: string, partial: string, sha256: string, size: number, type: MediaType, originalName: string): PutResult {
    const name = `${sha256.slice(0, 32)}.${type.ext}`;
    const fileId = this.fileId(openid, name);
    const dir = path.join(this.uploadsDir, 'evidence', openid);
    const final = path.join(dir, name);
    const putInPlace = () => {
      fs.mkdirSync(dir, { recursive: true });
      // Rename: a reader (or a crash) never sees half a file under the final name.
      fs.renameSync(partial, final);
    };
    return this.db
      .transaction((): PutResult => {
        const known = this.st.get('SELECT sha256, size, kind FROM uploads WHERE file_id = ?').get(fileId) as StoredFile | undefined;
        if (known) {
          if (!fs.existsSync(final)) putInPlace();
          return { fileId, sha256: known.sha256, size: known.size, kind: known.kind };
        }
        const now = this.now();
        const quota = LIMITS.uploadQuota;
        const used = this.st
          .get('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE openid = ? AND created_at > ?')
          .get(openid, now - quota.windowDays * DAY_MS) as { files: number; bytes: number };
        if (used.files + 1 > quota.maxFiles) {
          throw quotaExceeded(`${quota.windowDays}天内最多上传${quota.maxFiles}个文件，已达上限`);
        }
        if (used.bytes + size > quota.maxBytes) {
          throw quotaExceeded(`${quota.windowDays}天内上传的文件合计不能超过${Math.round(quota.maxBytes / (1024 * 1024))}MB，已用${Math.ceil(used.bytes / (1024 * 1024))}MB`);
        }
        this.st
          .get(
            `INSERT INTO uploads (file_id, openid, name, sha256, size, kind, mime, original_name, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(fileId, openid, name, sha256, size, type.kind, type.mime, originalName.slice(0, 200), now);
        putInPlace();
        return { fileId, sha256, size, kind: type.kind };
      })
      .immediate();
  }

  private checkOpenid(openid: string): void {
    if (!OPENID_SEGMENT.test(openid)) throw invalidInput('x-wx-openid', '身份标识格式不正确');
  }

  private partialPath(): string {
    const dir = path.join(this.uploadsDir, PARTIAL_DIR);
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${randomBytes(12).toString('hex')}.part`);
  }

  /** Partial files a crash left behind (an upload still running is younger than STALE_PARTIAL_MS). */
  private removeStalePartials(): void {
    const dir = path.join(this.uploadsDir, PARTIAL_DIR);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    const cutoff = Date.now() - STALE_PARTIAL_MS;
    for (const n of names) {
      const p = path.join(dir, n);
      try {
        if (fs.statSync(p).mtimeMs < cutoff) fs.rmSync(p, { force: true });
      } catch {
        // gone meanwhile
      }
    }
  }

  /** Where a stored file is, or null when the id is malformed, unknown, or its bytes are gone. */
  locate(fileId: string): LocalFile | null {
    const parts = this.parseFileId(fileId);
    if (!parts) return null;
    const row = this.st.get('SELECT mime, size FROM uploads WHERE file_id = ?').get(fileId) as { mime: string; size: number } | undefined;
    if (!row) return null;
    const p = path.join(this.uploadsDir, 'evidence', parts.openid, parts.name);
    if (!fs.existsSync(p)) return null;
    return { fileId, openid: parts.openid, path: p, mime: row.mime, size: row.size };
  }

  /** Removes every stored file (the rows go with the database reset). */
  clear(): void {
    fs.rmSync(path.join(this.uploadsDir, 'evidence'), { recursive: true, force: true });
  }
}
