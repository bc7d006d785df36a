import type { EvidenceKind } from '../../../../types/domain';
import type { FileStore, StoredFile } from '../../ports';
import type { WxCloud } from './sdk';

const IMAGE = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'heif', 'bmp']);
const VIDEO = new Set(['mp4', 'mov', 'm4v', '3gp', 'webm', 'avi']);

/** The mini-program names uploads `evidence/<openid>/<time>-<hash>.<ext>` with the picked file's extension. */
export function kindOfFileId(fileId: string): EvidenceKind | null {
  const ext = /\.([a-z0-9]{2,5})$/i.exec(fileId)?.[1]?.toLowerCase();
  if (ext && IMAGE.has(ext)) return 'image';
  if (ext && VIDEO.has(ext)) return 'video';
  return null;
}

/**
 * Evidence in cloud storage. `getTempFileURL` answers per file whether it exists; the store keeps no
 * hash or size of its own (sha256 '' and size 0: unknown), so the use case checks existence and kind.
 */
export class CloudStorageFileStore implements FileStore {
  constructor(private readonly cloud: Pick<WxCloud, 'getTempFileURL'>) {}

  async stat(fileId: string): Promise<StoredFile | null> {
    if (!fileId.startsWith('cloud://')) return null;
    const kind = kindOfFileId(fileId);
    if (!kind) return null;
    const { fileList } = await this.cloud.getTempFileURL({ fileList: [fileId] });
    const f = fileList.find((x) => x.fileID === fileId);
    if (!f || f.status !== 0 || !f.tempFileURL) return null;
    return { sha256: '', size: 0, kind };
  }
}
