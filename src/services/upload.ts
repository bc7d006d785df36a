import Taro from '@tarojs/taro';
import { sha256 } from 'js-sha256';
import type { EvidenceKind } from '../../types/domain';
import type { ApiReply } from '../../types/errors';
import { LIMITS } from '../core/settings';
import { CloudError } from './cloud';
import { getDevOpenid } from './identity';

/** A photo or video the buyer picked, before it is uploaded. */
export interface PickedMedia {
  path: string;
  kind: EvidenceKind;
  size: number;
  /** Video poster (weapp gives one). */
  thumb?: string;
  /** h5 only: the browser's File behind the blob: URL. */
  file?: Blob;
}

export interface UploadedFile {
  fileId: string;
  sha256: string;
}

interface TempFile {
  tempFilePath: string;
  size: number;
  fileType: string;
  thumbTempFilePath?: string;
  originalFileObj?: Blob;
}

/** weapp names the type `image`/`video`; h5 gives the MIME type (`video/mp4`). */
function kindOf(fileType: string): EvidenceKind {
  return fileType.startsWith('video') ? 'video' : 'image';
}

/**
 * Opens the album/camera. `images` and `videos` are how many more of each the case may take (R22),
 * so the system picker never offers more than fit.
 */
export async function pickMedia(images: number, videos: number): Promise<PickedMedia[]> {
  const mediaType: ('image' | 'video')[] = [];
  if (images > 0) mediaType.push('image');
  if (videos > 0) mediaType.push('video');
  if (mediaType.length === 0) return [];
  const res = (await Taro.chooseMedia({
    count: Math.max(1, images + videos),
    mediaType,
    sizeType: ['compressed'],
    sourceType: ['album', 'camera'],
    maxDuration: 60,
  })) as unknown as { tempFiles: TempFile[] };
  return res.tempFiles.map((f) => ({
    path: f.tempFilePath,
    kind: kindOf(f.fileType),
    size: f.size,
    thumb: f.thumbTempFilePath || undefined,
    file: f.originalFileObj,
  }));
}

/**
 * Why the album or camera gave nothing, in words the person can act on; undefined when they simply
 * closed it. WeChat refuses `chooseMedia` until the user agrees to the mini-program's privacy guide
 * (errno 104), and always when the guide does not declare the album and camera (errno 112: the
 * deployment step 用户隐私保护指引 was missed), or when WeChat itself may not use the camera.
 */
export function mediaPickProblem(e: unknown): { message: string; solution: string } | undefined {
  const err = (e ?? {}) as { errMsg?: string; errno?: number };
  const text = String(err.errMsg ?? '');
  if (/cancel/i.test(text)) return undefined;
  if (err.errno === 112 || /not declared in the privacy agreement/i.test(text)) {
    return { message: '小程序还没有声明相册和相机的用途，暂时无法选择照片', solution: '请联系店铺客服；商家需在公众平台「用户隐私保护指引」中声明相册、摄像头' };
  }
  if (err.errno === 104 || /privacy permission is not authorized|privacy.*(deny|denied)/i.test(text)) {
    return { message: '需要同意隐私保护指引后才能选择照片或视频', solution: '请再点一次，在弹出的隐私保护指引中选择「同意」' };
  }
  if (/auth den(y|ied)|authorize no response|system permission denied|scope\.camera/i.test(text)) {
    return { message: '微信没有相机或相册权限', solution: '请在手机「设置 → 微信」中允许使用相机和照片，或在小程序右上角「设置」中打开' };
  }
  return { message: '没有读取到照片或视频', solution: '请重试' };
}

/** The media is too large to upload (local host and mini-program share the limit). */
export function tooLarge(m: PickedMedia): boolean {
  return m.size > LIMITS.uploadMaxBytes[m.kind];
}

/** How much of a picked file the phone holds at once while hashing it. */
export const HASH_CHUNK_BYTES = 1024 * 1024;

interface ChunkFs {
  open(o: { filePath: string; flag: string; success(r: { fd: string }): void; fail(e: unknown): void }): void;
  read(o: {
    fd: string;
    arrayBuffer: ArrayBuffer;
    offset: number;
    length: number;
    position: number;
    success(r: { bytesRead: number }): void;
    fail(e: unknown): void;
  }): void;
  close(o: { fd: string; success(): void; fail(e: unknown): void }): void;
}

/**
 * SHA-256 and size of a file on the phone, read `chunkBytes` at a time through the file system
 * manager (`open`, then `read` at each position): a 50 MB video is never held whole in memory.
 */
export async function hashFileInChunks(filePath: string, chunkBytes = HASH_CHUNK_BYTES): Promise<{ sha256: string; size: number }> {
  const fsm = Taro.getFileSystemManager() as unknown as ChunkFs;
  const { fd } = await new Promise<{ fd: string }>((resolve, reject) => fsm.open({ filePath, flag: 'r', success: resolve, fail: reject }));
  try {
    const hash = sha256.create();
    const chunk = new ArrayBuffer(chunkBytes);
    let position = 0;
    for (;;) {
      const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) =>
        fsm.read({ fd, arrayBuffer: chunk, offset: 0, length: chunkBytes, position, success: resolve, fail: reject }),
      );
      if (bytesRead <= 0) break;
      hash.update(new Uint8Array(chunk, 0, bytesRead));
      position += bytesRead;
    }
    return { sha256: hash.hex(), size: position };
  } finally {
    fsm.close({ fd, success: () => undefined, fail: () => undefined });
  }
}

/**
 * Compresses a photo on the device (weapp; h5 browsers already hand over the picked file) and computes
 * its SHA-256, the fingerprint the case's evidence record keeps (R22): on the phone in chunks.
 */
export async function prepareMedia(m: PickedMedia): Promise<PickedMedia & { sha256: string }> {
  if (process.env.TARO_ENV === 'weapp') {
    let media = m;
    if (m.kind === 'image') {
      const r = await Taro.compressImage({ src: m.path, quality: 70 });
      media = { ...m, path: r.tempFilePath };
    }
    const { sha256: digest, size } = await hashFileInChunks(media.path);
    return { ...media, size, sha256: digest };
  }
  const blob = m.file ?? (await (await fetch(m.path)).blob());
  const bytes = await blob.arrayBuffer();
  return { ...m, size: bytes.byteLength, sha256: sha256(bytes) };
}

function extension(m: PickedMedia): string {
  const fromPath = /\.([a-z0-9]{2,5})$/i.exec(m.path)?.[1];
  if (fromPath) return fromPath.toLowerCase();
  const mime = m.file?.type ?? '';
  const fromMime = /\/([a-z0-9]+)/i.exec(mime)?.[1];
  return fromMime ? fromMime.toLowerCase().replace('jpeg', 'jpg').replace('quicktime', 'mov') : m.kind === 'video' ? 'mp4' : 'jpg';
}

function fileName(m: PickedMedia & { sha256: string }): string {
  return `${Date.now()}-${m.sha256.slice(0, 16)}.${extension(m)}`;
}

const uploadFailed = () =>
  new CloudError({ code: 'INTERNAL_ERROR', message: '凭证上传失败', solution: '请检查网络后点击重试；已填写的内容不会丢失' });

function uploadViaCloud(m: PickedMedia & { sha256: string }, openid: string, onProgress: (percent: number) => void): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    // Without the caller's openid the file would land outside their prefix and the case would refuse it (R22).
    if (!openid) {
      reject(uploadFailed());
      return;
    }
    const task = Taro.cloud.uploadFile({
      cloudPath: `evidence/${openid}/${fileName(m)}`,
      filePath: m.path,
      success: (r) => resolve({ fileId: r.fileID, sha256: m.sha256 }),
      fail: () => reject(uploadFailed()),
    });
    task.onProgressUpdate((p) => onProgress(p.progress));
  });
}

function uploadViaHost(m: PickedMedia & { sha256: string }, onProgress: (percent: number) => void): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    void (async () => {
      const blob = m.file ?? (await (await fetch(m.path)).blob());
      const form = new FormData();
      form.append('file', blob, fileName(m));
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/upload');
      xhr.setRequestHeader('x-wx-openid', getDevOpenid());
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
      };
      xhr.onerror = () => reject(uploadFailed());
      xhr.onload = () => {
        let reply: ApiReply<{ fileId: string; sha256: string }>;
        try {
          reply = JSON.parse(xhr.responseText) as ApiReply<{ fileId: string; sha256: string }>;
        } catch {
          reject(uploadFailed());
          return;
        }
        if (!reply.ok) {
          reject(new CloudError(reply.error));
          return;
        }
        // The host hashes what it stored; a different digest means the bytes changed on the way.
        if (reply.data.sha256 && reply.data.sha256 !== m.sha256) {
          reject(uploadFailed());
          return;
        }
        onProgress(100);
        resolve({ fileId: reply.data.fileId, sha256: m.sha256 });
      };
      xhr.send(form);
    })().catch(() => reject(uploadFailed()));
  });
}

/**
 * Uploads one prepared file under the buyer's own prefix `evidence/<openid>/` (R22): WeChat cloud
 * storage in the weapp build, the local host's `/upload` in h5. `onProgress` gets 0–100.
 */
export function uploadEvidence(
  m: PickedMedia & { sha256: string },
  openid: string,
  onProgress: (percent: number) => void,
): Promise<UploadedFile> {
  return process.env.TARO_ENV === 'weapp' ? uploadViaCloud(m, openid, onProgress) : uploadViaHost(m, onProgress);
}

/**
 * Where an evidence file can be displayed: WeChat renders `cloud://` ids itself; the local host serves
 * `local://evidence/…` (and, on its cloud-sim backend, `cloud://<env>.<bucket>/evidence/…`) at
 * `/files/evidence/…`, and an <img> cannot send the identity header, so the openid goes in the query.
 */
export function evidenceUrl(fileId: string): string {
  if (process.env.TARO_ENV === 'weapp') return fileId;
  const m = /^(?:local:\/\/|cloud:\/\/[^/]+\/)(evidence\/.+)$/.exec(fileId);
  if (!m) return fileId;
  return `/files/${m[1]}?openid=${encodeURIComponent(getDevOpenid())}`;
}

/**
 * URLs WeChat can play and preview: `previewMedia` and `<video>` take no `cloud://` id, so the weapp
 * asks cloud storage for temporary URLs first (valid for a while; asked again on each opening).
 * Any id it cannot resolve stays as it was. On h5 this is `evidenceUrl`.
 */
export async function playableUrls(fileIds: readonly string[]): Promise<string[]> {
  const shown = fileIds.map(evidenceUrl);
  if (process.env.TARO_ENV !== 'weapp' || !fileIds.some((id) => id.startsWith('cloud://'))) return shown;
  try {
    const { fileList } = await Taro.cloud.getTempFileURL({ fileList: fileIds.filter((id) => id.startsWith('cloud://')) });
    const temp = new Map(fileList.filter((f) => f.tempFileURL).map((f) => [f.fileID, f.tempFileURL]));
    return fileIds.map((id, i) => temp.get(id) ?? shown[i]);
  } catch {
    return shown;
  }
}

/**
 * The one URL a picked photo or video opens full screen with: its stored file once uploaded (on the
 * weapp a temporary URL, since `previewMedia` takes no `cloud://` id), the phone's own copy before.
 */
export async function playableUrl(m: { fileId?: string; path: string }): Promise<string> {
  if (!m.fileId) return m.path;
  const [url] = await playableUrls([m.fileId]);
  return url;
}
