/**
 * `POST /upload`: one evidence file per request, multipart. The type is what the bytes say (sniff.ts),
 * never the part's declared content type or name; the size cap depends on that type (R22 / LIMITS).
 */
import type { EvidenceKind } from '../../../types/domain';
import { invalidInput } from '../../core/errors';
import { LIMITS } from '../../core/settings';
import type { LocalFileStore, PutResult } from '../adapters/local/files';
import { sniffMedia } from '../adapters/local/sniff';
import { BodyTooLarge, readCapped } from './body';

/** Room for the multipart boundaries and part headers around the largest allowed file. */
const MULTIPART_OVERHEAD = 64 * 1024;
export const UPLOAD_BODY_CAP = LIMITS.uploadMaxBytes.video + MULTIPART_OVERHEAD;

const KIND_LABEL: Record<EvidenceKind, string> = { image: '图片', video: '视频' };

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

export async function receiveUpload(req: Request, openid: string, store: LocalFileStore): Promise<PutResult> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;\s*boundary=/i.test(contentType)) {
    throw invalidInput('file', '请以 multipart/form-data 方式上传一个文件（字段名 file）');
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readCapped(req, UPLOAD_BODY_CAP);
  } catch (e) {
    if (e instanceof BodyTooLarge) throw invalidInput('file', `文件过大：图片不超过${mb(LIMITS.uploadMaxBytes.image)}MB，视频不超过${mb(LIMITS.uploadMaxBytes.video)}MB`);
    throw invalidInput('file', '上传中断，请重试');
  }
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw invalidInput('body', '上传内容格式不正确');
  }
  const files: File[] = [];
  form.forEach((value) => {
    if (typeof value !== 'string') files.push(value);
  });
  if (files.length === 0) throw invalidInput('file', '请选择要上传的图片或视频');
  if (files.length > 1) throw invalidInput('file', '一次只能上传一个文件');
  const file = files[0];
  const content = new Uint8Array(await file.arrayBuffer());
  const type = sniffMedia(content);
  if (!type) throw invalidInput('file', '只支持 JPG、PNG、WEBP、GIF、HEIC 图片和 MP4、MOV 视频');
  const max = LIMITS.uploadMaxBytes[type.kind];
  if (content.byteLength > max) throw invalidInput('file', `${KIND_LABEL[type.kind]}不能超过${mb(max)}MB`);
  return store.put(openid, file.name, content, type);
}
