import { createHash, randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { EpochMs, EvidenceKind } from '../../../../types/domain';
import { invalidInput } from '../../../core/errors';
import type { FileStore, StoredFile } from '../../ports';
import type { Db } from '../sqlite/open';
import { Statements } from '../sqlite/statements';
import type { MediaType } from './sniff';

/** Same charset as the identity header (schemas.ts OPENID_PATTERN): safe as one path segment. */
export const OPENID_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
const NAME_SEGMENT = /^[0-9a-f]{32}\.[a-z0-9]{2,5}$/;
const FILE_ID = /^local:\/\/evidence\/([^/]+)\/([^/]+)$/;

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

/** `local://evidence/<openid>/<name>` → its parts, or null when it is not a well-formed local file id. */
export function parseLocalFileId(fileId: string): { openid: string; name: string } | null {
  const m = FILE_ID.exec(fileId);
  if (!m || !OPENID_SEGMENT.test(m[1]) || !NAME_SEGMENT.test(m[2])) return null;
  return { openid: m[1], name: m[2] };
}

/**
 * Evidence files on disk under `<uploadsDir>/evidence/<openid>/<name>`, described by rows in `uploads`.
 * The server picks the name (the first 128 bits of the SHA-256, hex, and the sniffed type's extension),
 * so a client's file name never reaches the file system, and the same bytes uploaded twice are one file.
 */
export class LocalFileStore implements FileStore {
  private readonly st: Statements;

  constructor(
    db: Db,
    readonly uploadsDir: string,
    private readonly now: () => EpochMs,
  ) {
    this.st = new Statements(db);
  }

  async stat(fileId: string): Promise<StoredFile | null> {
    const f = this.locate(fileId);
    if (!f) return null;
    const row = this.st.get('SELECT sha256, size, kind FROM uploads WHERE file_id = ?').get(fileId) as StoredFile;
    return { sha256: row.sha256, size: row.size, kind: row.kind };
  }

  /** Stores the bytes of an upload whose type the caller sniffed (sniff.ts). */
  put(openid: string, originalName: string, bytes: Uint8Array, type: MediaType): PutResult {
    if (!OPENID_SEGMENT.test(openid)) throw invalidInput('x-wx-openid', '身份标识格式不正确');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const name = `${sha256.slice(0, 32)}.${type.ext}`;
    const fileId = `local://evidence/${openid}/${name}`;
    const dir = path.join(this.uploadsDir, 'evidence', openid);
    fs.mkdirSync(dir, { recursive: true });
    // Write then rename: a reader (or a crash) never sees half a file under the final name.
    const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path.join(dir, name));
    this.st
      .get(
        `INSERT INTO uploads (file_id, openid, name, sha256, size, kind, mime, original_name, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (file_id) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, kind = excluded.kind, mime = excluded.mime`,
      )
      .run(fileId, openid, name, sha256, bytes.byteLength, type.kind, type.mime, originalName.slice(0, 200), this.now());
    return { fileId, sha256, size: bytes.byteLength, kind: type.kind };
  }

  /** Where a stored file is, or null when the id is malformed, unknown, or its bytes are gone. */
  locate(fileId: string): LocalFile | null {
    const parts = parseLocalFileId(fileId);
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
