/**
 * `POST /upload`: one evidence file per request, multipart. The type is what the bytes say (sniff.ts),
 * never the part's declared content type or name; the size cap depends on that type (R22 / LIMITS).
 *
 * The body is parsed as it arrives and the file part streamed to a partial file (hashed and counted on
 * the way, its size cap enforced as it grows), then renamed into place by the store, which also keeps
 * the uploader's quota (SPEC §4 "Uploads"): no upload is ever held whole in memory.
 */
import type { EvidenceKind } from '../../../types/domain';
import { invalidInput } from '../../core/errors';
import { LIMITS } from '../../core/settings';
import type { LocalFileStore, PutResult, UploadSink } from '../adapters/local/files';
import { sniffMedia, type MediaType } from '../adapters/local/sniff';

/** Room for the multipart boundaries and part headers around the largest allowed file. */
const MULTIPART_OVERHEAD = 64 * 1024;
export const UPLOAD_BODY_CAP = LIMITS.uploadMaxBytes.video + MULTIPART_OVERHEAD;
/** sniffMedia reads at most the first 12 bytes; the type is decided once this many have arrived. */
const SNIFF_BYTES = 16;
/** One part's header block. */
const PART_HEADERS_CAP = 8 * 1024;

const KIND_LABEL: Record<EvidenceKind, string> = { image: '图片', video: '视频' };

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

const malformed = () => invalidInput('body', '上传内容格式不正确');
const tooLarge = () => invalidInput('file', `文件过大：图片不超过${mb(LIMITS.uploadMaxBytes.image)}MB，视频不超过${mb(LIMITS.uploadMaxBytes.video)}MB`);
const notMedia = () => invalidInput('file', '只支持 JPG、PNG、WEBP、GIF、HEIC 图片和 MP4、MOV 视频');

/** The boundary of a `multipart/form-data` content type, or null when it is not one. */
export function multipartBoundary(contentType: string): string | null {
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/** The one file part: sniffed from its first bytes, then streamed into the store's sink. */
class FilePart {
  private head: Buffer[] = [];
  private headBytes = 0;
  private type: MediaType | null = null;
  private sink: UploadSink | null = null;

  constructor(
    readonly name: string,
    private readonly openid: string,
    private readonly store: LocalFileStore,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    if (chunk.byteLength === 0) return;
    if (!this.type) {
      this.head.push(chunk);
      this.headBytes += chunk.byteLength;
      if (this.headBytes < SNIFF_BYTES) return;
      const head = Buffer.concat(this.head);
      this.head = [];
      await this.decide(head);
      return this.append(head);
    }
    return this.append(chunk);
  }

  /** The part ended: a file shorter than SNIFF_BYTES is sniffed now. */
  async end(): Promise<void> {
    if (this.type) return;
    const head = Buffer.concat(this.head);
    this.head = [];
    await this.decide(head);
    await this.append(head);
  }

  async commit(): Promise<PutResult> {
    const sink = this.sink!;
    this.sink = null;
    return this.store.commit(sink, this.name, this.type!);
  }

  async discard(): Promise<void> {
    await this.sink?.discard();
    this.sink = null;
  }

  private async decide(head: Buffer): Promise<void> {
    this.type = sniffMedia(head);
    if (!this.type) throw notMedia();
    this.sink = await this.store.open(this.openid);
  }

  private async append(chunk: Buffer): Promise<void> {
    const type = this.type!;
    const max = LIMITS.uploadMaxBytes[type.kind];
    if (this.sink!.size + chunk.byteLength > max) throw invalidInput('file', `${KIND_LABEL[type.kind]}不能超过${mb(max)}MB`);
    if (chunk.byteLength > 0) await this.sink!.write(chunk);
  }
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';

/**
 * A streaming multipart/form-data reader (RFC 7578): holds at most one incoming chunk and a
 * delimiter's length of what came before it. Fields that are not files are skipped unread.
 */
class MultipartReader {
  private readonly delimiter: Buffer;
  /** Starts with CRLF, so the first delimiter (at the very start of the body) is found like the others. */
  private buf: Buffer = Buffer.from('\r\n');
  private state: State = 'preamble';
  private part: FilePart | 'skip' | null = null;
  file: FilePart | null = null;

  constructor(
    boundary: string,
    private readonly openid: string,
    private readonly store: LocalFileStore,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.buf = this.buf.byteLength === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const progressed = await this.step();
      if (!progressed) return;
    }
  }

  async end(): Promise<void> {
    if (this.state !== 'done') throw malformed();
  }

  /** One transition, or false when more bytes are needed. */
  private async step(): Promise<boolean> {
    switch (this.state) {
      case 'preamble': {
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          this.keepTail();
          return false;
        }
        this.buf = this.buf.subarray(at + this.delimiter.byteLength);
        this.state = 'delimiter';
        return true;
      }
      case 'delimiter': {
        // After a delimiter: `--` closes the body; otherwise optional blanks and CRLF open a part.
        if (this.buf.byteLength < 2) return false;
        if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
          this.state = 'done';
          this.buf = Buffer.alloc(0);
          return false;
        }
        const crlf = this.buf.indexOf('\r\n');
        if (crlf < 0) {
          if (this.buf.byteLength > 256) throw malformed();
          return false;
        }
        if (!/^[ \t]*$/.test(this.buf.subarray(0, crlf).toString('latin1'))) throw malformed();
        this.buf = this.buf.subarray(crlf + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        let block: string;
        if (this.buf.byteLength >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
          block = '';
          this.buf = this.buf.subarray(2);
        } else {
          const end = this.buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (this.buf.byteLength > PART_HEADERS_CAP) throw malformed();
            return false;
          }
          block = this.buf.subarray(0, end).toString('utf8');
          this.buf = this.buf.subarray(end + 4);
        }
        await this.openPart(block);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          const safe = this.buf.byteLength - (this.delimiter.byteLength - 1);
          if (safe > 0) {
            await this.write(this.buf.subarray(0, safe));
            this.buf = this.buf.subarray(safe);
          }
          // Keep what may be the start of a delimiter; copy it so the chunk behind it can be freed.
          this.buf = Buffer.from(this.buf);
          return false;
        }
        await this.write(this.buf.subarray(0, at));
        this.buf = this.buf.subarray(at + this.delimiter.byteLength);
        if (this.part instanceof FilePart) await this.part.end();
        this.part = null;
        this.state = 'delimiter';
        return true;
      }
      case 'done':
        // The epilogue is ignored.
        this.buf = Buffer.alloc(0);
        return false;
    }
  }

  private keepTail(): void {
    const keep = Math.min(this.buf.byteLength, this.delimiter.byteLength - 1);
    this.buf = Buffer.from(this.buf.subarray(this.buf.byteLength - keep));
  }

  private async write(bytes: Buffer): Promise<void> {
    if (this.part instanceof FilePart) await this.part.write(bytes);
  }

  private async openPart(block: string): Promise<void> {
    const disposition = block
      .split('\r\n')
      .map((line) => /^content-disposition\s*:\s*(.*)$/i.exec(line)?.[1])
      .find((v) => v !== undefined);
    if (disposition === undefined || !/^form-data\b/i.test(disposition)) throw malformed();
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition) ?? /;\s*filename=([^;\s"]+)/i.exec(disposition);
    if (!filename) {
      this.part = 'skip';
      return;
    }
    if (this.file) throw invalidInput('file', '一次只能上传一个文件');
    this.file = new FilePart(filename[1], this.openid, this.store);
    this.part = this.file;
  }
}

export async function receiveUpload(req: Request, openid: string, store: LocalFileStore): Promise<PutResult> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw invalidInput('content-type', '请以 multipart/form-data 方式上传一个文件（字段名 file）');
  }
  const boundary = multipartBoundary(contentType);
  if (boundary === null) throw malformed();
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > UPLOAD_BODY_CAP) throw tooLarge();
  if (!req.body) throw invalidInput('file', '请选择要上传的图片或视频');

  const reader = req.body.getReader();
  const multipart = new MultipartReader(boundary, openid, store);
  let total = 0;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw invalidInput('file', '上传中断，请重试');
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > UPLOAD_BODY_CAP) throw tooLarge();
      await multipart.push(next.value);
    }
    await multipart.end();
    if (!multipart.file) throw invalidInput('file', '请选择要上传的图片或视频');
    return await multipart.file.commit();
  } catch (e) {
    await multipart.file?.discard();
    throw e;
  } finally {
    // On refusal the rest is not read here: the server drains it (bounded) after the reply.
    reader.releaseLock();
  }
}
