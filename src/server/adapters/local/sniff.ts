import type { EvidenceKind } from '../../../../types/domain';

export interface MediaType {
  mime: string;
  kind: EvidenceKind;
  ext: string;
}

const JPEG: MediaType = { mime: 'image/jpeg', kind: 'image', ext: 'jpg' };
const PNG: MediaType = { mime: 'image/png', kind: 'image', ext: 'png' };
const GIF: MediaType = { mime: 'image/gif', kind: 'image', ext: 'gif' };
const WEBP: MediaType = { mime: 'image/webp', kind: 'image', ext: 'webp' };
const HEIC: MediaType = { mime: 'image/heic', kind: 'image', ext: 'heic' };
const MP4: MediaType = { mime: 'video/mp4', kind: 'video', ext: 'mp4' };
const MOV: MediaType = { mime: 'video/quicktime', kind: 'video', ext: 'mov' };

/** ISO-BMFF major brands (the `ftyp` box): HEIF stills from phones, MP4 and QuickTime videos. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'M4VH', 'M4VP', 'dash', 'MSNV', '3gp4', '3gp5', '3gp6', '3g2a']);

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  return sig.every((v, i) => b[at + i] === v);
}

/**
 * The type a file really is, from its first bytes; null for anything that is not one of the evidence
 * types (jpeg, png, webp, gif, heic; mp4, quicktime). What the client claims is never consulted.
 */
export function sniffMedia(b: Uint8Array): MediaType | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return GIF;
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return WEBP;
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (HEIC_BRANDS.has(brand)) return HEIC;
    if (brand === 'qt  ') return MOV;
    if (MP4_BRANDS.has(brand)) return MP4;
    return null;
  }
  // Older QuickTime files open with a movie, media-data or padding atom instead of `ftyp`.
  if (b.length >= 8 && ['moov', 'mdat', 'wide', 'free'].includes(ascii(b, 4, 8))) return MOV;
  return null;
}
