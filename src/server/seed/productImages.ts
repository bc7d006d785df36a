/**
 * The demo shop's product pictures (issue 17 item 5), drawn here as flat PNGs: nothing is fetched, and
 * nothing is bundled into the mini-program's package. The host writes one file per demo SKU into
 * `<DATA_DIR>/products/` when it seeds the demo, and serves them at `/files/products/<skuId>.png`.
 *
 * Each picture is a few flat shapes on a pale background in a 100×100 design space, rendered at
 * 240×240 with 4×4 supersampling (smooth edges), encoded with zlib only. Deterministic: the same SKU
 * always gives the same bytes.
 */
import fs from 'fs';
import path from 'path';
import { deflateSync } from 'zlib';

export const PRODUCT_IMAGE_SIZE = 240;
/** Where the host serves a product picture (both backends; on cloud-sim the order carries the cloud id). */
export const PRODUCT_IMAGE_ROUTE = '/files/products/';
/** A product picture's file name: `<skuId>.png`, one path segment. */
export const PRODUCT_IMAGE_NAME = /^[A-Za-z0-9_-]{1,64}\.png$/;

type Rgb = readonly [number, number, number];

/** One flat shape, in the 100×100 design space. */
type Shape =
  | { k: 'rect'; x: number; y: number; w: number; h: number; r?: number; c: string }
  | { k: 'ellipse'; cx: number; cy: number; rx: number; ry: number; c: string }
  | { k: 'tri'; pts: [number, number, number, number, number, number]; c: string };

interface Art {
  bg: string;
  shapes: Shape[];
}

const rect = (x: number, y: number, w: number, h: number, c: string, r = 0): Shape => ({ k: 'rect', x, y, w, h, r, c });
const ell = (cx: number, cy: number, rx: number, ry: number, c: string): Shape => ({ k: 'ellipse', cx, cy, rx, ry, c });
const circle = (cx: number, cy: number, r: number, c: string): Shape => ell(cx, cy, r, r, c);
const tri = (pts: [number, number, number, number, number, number], c: string): Shape => ({ k: 'tri', pts, c });
/** A soft shadow under an object. */
const shadow = (cx: number, cy: number, rx: number): Shape => ell(cx, cy, rx, rx * 0.16, '#00000014');

/** One picture per demo SKU (src/server/seed/demo.ts: its orders and the shop's products). */
export const DEMO_PRODUCT_ART: Readonly<Record<string, Art>> = {
  'SKU-BED-4PC': {
    bg: '#F4EBE1',
    shapes: [shadow(50, 78, 34), rect(18, 58, 64, 18, '#B99A7E', 5), rect(20, 42, 60, 18, '#D8C1A8', 5), rect(22, 26, 56, 18, '#EFE2D3', 5), rect(22, 32, 56, 3, '#D8C1A8')],
  },
  'SKU-PILLOW': {
    bg: '#E6EEF6',
    shapes: [shadow(50, 74, 36), rect(14, 32, 72, 38, '#FFFFFF', 16), ell(50, 51, 22, 7, '#E3E9F0'), ell(30, 51, 4, 10, '#EEF2F7'), ell(70, 51, 4, 10, '#EEF2F7')],
  },
  'SKU-CRAB': {
    bg: '#FFF0E3',
    shapes: [
      shadow(50, 80, 30),
      rect(16, 56, 16, 4, '#D9541E', 2), rect(68, 56, 16, 4, '#D9541E', 2), rect(16, 64, 16, 4, '#D9541E', 2), rect(68, 64, 16, 4, '#D9541E', 2),
      ell(50, 60, 24, 16, '#EF6A2E'), circle(26, 34, 8, '#EF6A2E'), circle(74, 34, 8, '#EF6A2E'), rect(29, 38, 5, 14, '#EF6A2E', 2), rect(66, 38, 5, 14, '#EF6A2E', 2),
      circle(44, 50, 2.5, '#3A2A22'), circle(56, 50, 2.5, '#3A2A22'),
    ],
  },
  'SKU-CUP-ENGRAVE': {
    bg: '#E7F1EE',
    shapes: [shadow(50, 84, 18), rect(36, 26, 28, 58, '#9AA7B0', 8), rect(34, 18, 32, 12, '#5C6B75', 5), rect(40, 48, 20, 14, '#C4CDD3', 3), rect(43, 53, 14, 2, '#7D8A93')],
  },
  'SKU-VIP-YEAR': {
    bg: '#F2EAFD',
    shapes: [shadow(50, 76, 34), rect(16, 28, 68, 44, '#7B4FD6', 7), rect(16, 38, 68, 8, '#5C36B0'), rect(24, 56, 22, 6, '#F3C969', 3), circle(70, 59, 5, '#F3C969')],
  },
  'SKU-COFFEE-CODE': {
    bg: '#F6EDE2',
    shapes: [shadow(46, 80, 24), ell(66, 52, 10, 12, '#8A5A3B'), ell(66, 52, 5, 7, '#F6EDE2'), rect(26, 32, 40, 46, '#8A5A3B', 8), rect(26, 32, 40, 8, '#6E4329', 4), ell(46, 26, 10, 3, '#C9A98F')],
  },
  'SKU-JP-CREAM': {
    bg: '#FCEEF2',
    shapes: [shadow(50, 78, 28), rect(24, 46, 52, 30, '#FFFFFF', 8), rect(22, 34, 56, 16, '#F08BA6', 6), rect(34, 58, 32, 6, '#F7C6D3', 3)],
  },
  'SKU-AU-MILK': {
    bg: '#EAF2FD',
    shapes: [shadow(50, 86, 22), rect(30, 24, 40, 60, '#F5F7FA', 6), rect(30, 20, 40, 10, '#C9D3DF', 4), rect(30, 42, 40, 20, '#3F7FD6'), circle(50, 52, 6, '#FFFFFF')],
  },
  'SKU-DRYER': {
    bg: '#ECEEF3',
    shapes: [shadow(48, 86, 18), rect(40, 46, 14, 38, '#4A4F5C', 6), circle(46, 38, 20, '#5B6170'), circle(46, 38, 12, '#474C58'), rect(60, 30, 22, 16, '#5B6170', 4), circle(46, 38, 5, '#8C93A3')],
  },
  'SKU-EARBUDS': {
    bg: '#EDF2F8',
    shapes: [shadow(50, 80, 26), rect(28, 46, 44, 32, '#FFFFFF', 14), rect(28, 58, 44, 1.5, '#D5DCE5'), circle(38, 32, 8, '#FFFFFF'), rect(36, 32, 4, 14, '#FFFFFF', 2), circle(62, 32, 8, '#FFFFFF'), rect(60, 32, 4, 14, '#FFFFFF', 2), circle(38, 32, 3, '#C9D1DB'), circle(62, 32, 3, '#C9D1DB')],
  },
  'SKU-RUNNER': {
    bg: '#E8F5EC',
    shapes: [shadow(50, 74, 38), rect(14, 62, 74, 10, '#FFFFFF', 5), ell(42, 52, 28, 14, '#2F9E63'), rect(54, 48, 30, 16, '#2F9E63', 8), rect(30, 44, 16, 3, '#FFFFFF', 1.5), rect(34, 50, 16, 3, '#FFFFFF', 1.5)],
  },
  'SKU-BACKPACK': {
    bg: '#ECEFF6',
    shapes: [shadow(50, 88, 26), rect(40, 14, 20, 12, '#2C3E66', 6), rect(26, 22, 48, 64, '#3A5185', 14), rect(34, 56, 32, 22, '#2C3E66', 6), rect(34, 62, 32, 2, '#4D66A0')],
  },
  'SKU-LAMP': {
    bg: '#FFF7E3',
    shapes: [shadow(44, 86, 22), ell(44, 84, 18, 4, '#3E4450'), rect(42, 38, 4, 46, '#3E4450', 2), rect(44, 34, 34, 4, '#3E4450', 2), rect(64, 36, 22, 8, '#3E4450', 3), ell(75, 46, 10, 3, '#FFE08A')],
  },
  'SKU-WOK': {
    bg: '#F1F2F4',
    shapes: [shadow(44, 78, 32), ell(44, 56, 32, 20, '#9AA3AD'), ell(44, 50, 30, 12, '#C4CBD2'), ell(44, 52, 22, 7, '#AEB6BF'), rect(74, 46, 22, 7, '#3B3F45', 3)],
  },
  'SKU-SCARF': {
    bg: '#F6EEE3',
    shapes: [shadow(50, 84, 26), rect(30, 16, 40, 66, '#C49A6C', 6), rect(30, 30, 40, 3, '#8E6641'), rect(30, 52, 40, 3, '#8E6641'), rect(42, 16, 3, 66, '#8E6641'), rect(56, 16, 3, 66, '#8E6641'), rect(32, 80, 3, 8, '#C49A6C'), rect(40, 80, 3, 8, '#C49A6C'), rect(48, 80, 3, 8, '#C49A6C'), rect(56, 80, 3, 8, '#C49A6C'), rect(64, 80, 3, 8, '#C49A6C')],
  },
  'SKU-TABLEWARE': {
    bg: '#EBF2F7',
    shapes: [shadow(50, 80, 34), circle(42, 50, 28, '#FFFFFF'), circle(42, 50, 24, '#2F6DB5'), circle(42, 50, 21, '#FFFFFF'), circle(74, 62, 14, '#FFFFFF'), circle(74, 62, 11, '#2F6DB5'), circle(74, 62, 9, '#FFFFFF')],
  },
  'SKU-TOOTHBRUSH': {
    bg: '#E6F5F6',
    shapes: [shadow(50, 90, 10), rect(44, 40, 12, 48, '#FFFFFF', 6), rect(47, 12, 6, 30, '#FFFFFF', 3), rect(46, 12, 8, 8, '#56C2C6', 2), circle(50, 62, 3, '#56C2C6')],
  },
  'SKU-CANDLE': {
    bg: '#F5F0E8',
    shapes: [shadow(50, 84, 22), rect(32, 44, 36, 40, '#E9DFD0', 8), rect(32, 58, 36, 12, '#A7C4A0'), rect(49, 34, 2, 10, '#4A3F35'), ell(50, 28, 4, 7, '#F5A623'), ell(50, 30, 2, 3.5, '#FFE08A')],
  },
  'SKU-TEST-1FEN': {
    bg: '#F3F3F0',
    shapes: [shadow(50, 80, 26), circle(50, 50, 26, '#E2B84F'), circle(50, 50, 21, '#F1CF72'), rect(47, 38, 6, 24, '#C8962C', 2), tri([47, 38, 47, 46, 40, 44], '#C8962C')],
  },
};

function hex(c: string): { rgb: Rgb; a: number } {
  const m = /^#([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?$/.exec(c);
  if (!m) throw new Error(`bad colour ${c}`);
  const n = parseInt(m[1], 16);
  return { rgb: [(n >> 16) & 255, (n >> 8) & 255, n & 255], a: m[2] ? parseInt(m[2], 16) / 255 : 1 };
}

function bbox(s: Shape): [number, number, number, number] {
  switch (s.k) {
    case 'rect':
      return [s.x, s.y, s.x + s.w, s.y + s.h];
    case 'ellipse':
      return [s.cx - s.rx, s.cy - s.ry, s.cx + s.rx, s.cy + s.ry];
    case 'tri': {
      const [ax, ay, bx, by, cx, cy] = s.pts;
      return [Math.min(ax, bx, cx), Math.min(ay, by, cy), Math.max(ax, bx, cx), Math.max(ay, by, cy)];
    }
  }
}

function inside(s: Shape, x: number, y: number): boolean {
  switch (s.k) {
    case 'rect': {
      if (x < s.x || x > s.x + s.w || y < s.y || y > s.y + s.h) return false;
      const r = Math.min(s.r ?? 0, s.w / 2, s.h / 2);
      if (r <= 0) return true;
      const dx = Math.max(s.x + r - x, 0, x - (s.x + s.w - r));
      const dy = Math.max(s.y + r - y, 0, y - (s.y + s.h - r));
      return dx * dx + dy * dy <= r * r;
    }
    case 'ellipse': {
      const dx = (x - s.cx) / s.rx;
      const dy = (y - s.cy) / s.ry;
      return dx * dx + dy * dy <= 1;
    }
    case 'tri': {
      const [ax, ay, bx, by, cx, cy] = s.pts;
      const d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by);
      const d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy);
      const d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay);
      return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
    }
  }
}

/** RGB pixels of a picture, `size`×`size`, each pixel the average of 4×4 samples. */
export function renderArt(art: Art, size = PRODUCT_IMAGE_SIZE): Buffer {
  const SS = 4;
  const px = Buffer.alloc(size * size * 3);
  const bg = hex(art.bg).rgb;
  const shapes = art.shapes.map((s) => ({ s, col: hex(s.c), box: bbox(s) }));
  const scale = 100 / size;
  const acc = [0, 0, 0];
  for (let py = 0; py < size; py += 1) {
    for (let pxl = 0; pxl < size; pxl += 1) {
      acc[0] = 0;
      acc[1] = 0;
      acc[2] = 0;
      // Only the shapes whose box touches this pixel are sampled.
      const x0 = pxl * scale;
      const y0 = py * scale;
      const near = shapes.filter(({ box }) => box[0] <= x0 + scale && box[2] >= x0 && box[1] <= y0 + scale && box[3] >= y0);
      for (let sy = 0; sy < SS; sy += 1) {
        for (let sx = 0; sx < SS; sx += 1) {
          const x = (pxl + (sx + 0.5) / SS) * scale;
          const y = (py + (sy + 0.5) / SS) * scale;
          let r = bg[0];
          let g = bg[1];
          let b = bg[2];
          for (const { s, col } of near) {
            if (!inside(s, x, y)) continue;
            r += (col.rgb[0] - r) * col.a;
            g += (col.rgb[1] - g) * col.a;
            b += (col.rgb[2] - b) * col.a;
          }
          acc[0] += r;
          acc[1] += g;
          acc[2] += b;
        }
      }
      const o = (py * size + pxl) * 3;
      px[o] = Math.round(acc[0] / (SS * SS));
      px[o + 1] = Math.round(acc[1] / (SS * SS));
      px[o + 2] = Math.round(acc[2] / (SS * SS));
    }
  }
  return px;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i += 1) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit RGB PNG of `rgb` pixels (filter type 0 on every row). */
export function encodePng(rgb: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 3 + 1)] = 0;
    rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const drawn = new Map<string, Buffer>();

/** The PNG of one demo SKU, or null when the demo has no picture for it (drawn once per process). */
export function productImagePng(skuId: string): Buffer | null {
  const art = DEMO_PRODUCT_ART[skuId];
  if (!art) return null;
  let png = drawn.get(skuId);
  if (!png) {
    png = encodePng(renderArt(art), PRODUCT_IMAGE_SIZE, PRODUCT_IMAGE_SIZE);
    drawn.set(skuId, png);
  }
  return png;
}

/** The host path the demo's orders and products name for a SKU's picture (undefined: none drawn). */
export function demoImagePath(skuId: string): string | undefined {
  return DEMO_PRODUCT_ART[skuId] ? `${PRODUCT_IMAGE_ROUTE}${skuId}.png` : undefined;
}

/** `<DATA_DIR>/products`: where the host keeps product pictures. */
export function productImageDir(dataDir: string): string {
  return path.join(dataDir, 'products');
}

/**
 * Writes every demo picture that is missing under `<dataDir>/products/` (an existing file is left: the
 * bytes are the same). Returns how many were written.
 */
export function writeDemoProductImages(dataDir: string): number {
  const dir = productImageDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const skuId of Object.keys(DEMO_PRODUCT_ART)) {
    const file = path.join(dir, `${skuId}.png`);
    if (fs.existsSync(file)) continue;
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, productImagePng(skuId)!);
    fs.renameSync(tmp, file);
    written += 1;
  }
  return written;
}
