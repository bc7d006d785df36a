/**
 * Tiny but genuine media files for upload tests: each starts with its format's real signature, so
 * the host's type sniffing sees them as what they are. `padTo` makes one of a given size (for the
 * size caps) without building a valid picture.
 */
import type { EvidenceKind } from '../../types/domain';

export interface SampleFile {
  bytes: Buffer;
  mime: string;
  kind: EvidenceKind;
  ext: string;
}

function ftyp(brand: string): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}`, 'latin1'), Buffer.from([0, 0, 0, 0]), Buffer.from(`${brand}isom`, 'latin1')]);
}

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export const SAMPLE_FILES: Record<'jpeg' | 'png' | 'gif' | 'webp' | 'heic' | 'mp4' | 'mov', SampleFile> = {
  jpeg: { bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]), mime: 'image/jpeg', kind: 'image', ext: 'jpg' },
  png: { bytes: PNG, mime: 'image/png', kind: 'image', ext: 'png' },
  gif: { bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), mime: 'image/gif', kind: 'image', ext: 'gif' },
  webp: { bytes: Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(14)]), mime: 'image/webp', kind: 'image', ext: 'webp' },
  heic: { bytes: ftyp('heic'), mime: 'image/heic', kind: 'image', ext: 'heic' },
  mp4: { bytes: ftyp('isom'), mime: 'video/mp4', kind: 'video', ext: 'mp4' },
  mov: { bytes: ftyp('qt  '), mime: 'video/quicktime', kind: 'video', ext: 'mov' },
};

/** `sample` followed by zero bytes up to `size` bytes. */
export function padTo(sample: SampleFile, size: number): Buffer {
  return Buffer.concat([sample.bytes, Buffer.alloc(Math.max(0, size - sample.bytes.length))]);
}
