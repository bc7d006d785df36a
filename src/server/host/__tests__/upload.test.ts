/**
 * The streaming multipart reader of `POST /upload` (upload.ts), on its own: however the body is cut
 * into chunks — delimiters, part headers and the final `--` split across reads — the stored bytes are
 * exactly the file's, and a body that is not well-formed multipart is refused on `body`.
 */
import { createHash, randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DomainError } from '../../../core/errors';
import { LocalFileStore } from '../../adapters/local/files';
import { openSqlite, type Db } from '../../adapters/sqlite/open';
import { multipartBoundary, receiveUpload } from '../upload';

const BOUNDARY = '----WebKitFormBoundaryAbC123xyz';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

let db: Db;
let dir: string;
let store: LocalFileStore;

beforeEach(() => {
  db = openSqlite(':memory:');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-upload-unit-'));
  store = new LocalFileStore(db, dir, () => 1_700_000_000_000);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function body(file: Buffer, opts: { preamble?: string; field?: boolean; epilogue?: string } = {}): Buffer {
  return Buffer.concat([
    Buffer.from(opts.preamble ?? ''),
    Buffer.from(opts.field ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n凭证\r\n` : ''),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="领口.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n${opts.epilogue ?? ''}`),
  ]);
}

function request(bytes: Buffer, chunk: number, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Request {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(new Uint8Array(bytes.subarray(at, at + chunk)));
      at += chunk;
    },
  });
  return new Request('http://127.0.0.1/upload', { method: 'POST', body: stream, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit);
}

function storedFiles(): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(dir, p)).isFile());
}

describe('receiveUpload streams a multipart body to disk', () => {
  // A file whose bytes look like the start of the delimiter more than once (never all of it: RFC 2046).
  const tricky = Buffer.concat([JPEG, Buffer.from(`\r\n--${BOUNDARY.slice(0, 10)}\r\n-\r\n--${BOUNDARY.slice(0, -1)}`), randomBytes(3000), Buffer.from('\r\n--')]);

  it.each([1, 2, 3, 5, 13, 64, 1000, 1 << 20])('cut into %i-byte chunks, the stored file is the file, byte for byte', async (chunk) => {
    const r = await receiveUpload(request(body(tricky, { preamble: 'ignored preamble\r\n', field: true, epilogue: 'trailer' }), chunk), 'oBuyerA', store);
    const sha = createHash('sha256').update(tricky).digest('hex');
    expect(r).toEqual({ fileId: `local://evidence/oBuyerA/${sha.slice(0, 32)}.jpg`, sha256: sha, size: tricky.length, kind: 'image' });
    expect(fs.readFileSync(store.locate(r.fileId)!.path).equals(tricky)).toBe(true);
    expect(storedFiles()).toEqual([path.join('evidence', 'oBuyerA', `${sha.slice(0, 32)}.jpg`)]);
  });

  it('a quoted boundary and parameters are understood', () => {
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('Multipart/Form-Data;boundary=xyz')).toBe('xyz');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
    expect(multipartBoundary('multipart/mixed; boundary=xyz')).toBeNull();
  });

  const refusals: [string, string, Buffer][] = [
    ['no closing delimiter', 'body', body(JPEG).subarray(0, -8)],
    ['no delimiter at all', 'body', Buffer.from('garbage')],
    ['a part without Content-Disposition', 'body', Buffer.from(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n--${BOUNDARY}--\r\n`)],
    ['no file part', 'file', Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nxx\r\n--${BOUNDARY}--\r\n`)],
    ['two file parts', 'file', Buffer.concat([body(JPEG).subarray(0, -4), Buffer.from(`\r\nContent-Disposition: form-data; name="b"; filename="b.jpg"\r\n\r\n`), JPEG, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)])],
    ['a file that is not media', 'file', body(Buffer.from('<!doctype html><p>hello</p>'))],
  ];

  it.each(refusals)('%s is refused on `%s` (in 7-byte chunks), leaving no file', async (_what, field, bytes) => {
    const err = await receiveUpload(request(bytes, 7), 'oBuyerA', store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).field).toBe(field);
    expect(storedFiles()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM uploads').pluck(true).get()).toBe(0);
  });
});

describe('LocalFileStore', () => {
  it('counts an uploader’s quota with a covering range scan of uploads_openid_created', () => {
    const detail = (
      db
        .prepare('EXPLAIN QUERY PLAN SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE openid = ? AND created_at > ?')
        .all('oBuyerA', 0) as { detail: string }[]
    ).map((r) => r.detail);
    expect(detail.join(' | ')).toMatch(/SEARCH uploads USING COVERING INDEX uploads_openid_created/);
  });

  it('names its files with the prefix it is given (a backend with `cloud://` ids), and knows only those', () => {
    const cloud = new LocalFileStore(db, dir, () => 1_700_000_000_000, 'cloud://env-1.bucket/');
    const put = cloud.put('oBuyerA', 'a.jpg', JPEG, { mime: 'image/jpeg', kind: 'image', ext: 'jpg' });
    expect(put.fileId).toMatch(/^cloud:\/\/env-1\.bucket\/evidence\/oBuyerA\/[0-9a-f]{32}\.jpg$/);
    expect(cloud.locate(put.fileId)?.size).toBe(JPEG.length);
    expect(cloud.locate(put.fileId.replace('cloud://env-1.bucket/', 'local://'))).toBeNull();
    expect(cloud.parseFileId(`cloud://other.bucket/evidence/oBuyerA/${put.fileId.split('/').pop()}`)).toBeNull();
  });
});
