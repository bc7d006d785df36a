/**
 * The built H5 app (`dist-h5/`), served at `/`. Taro's h5 router runs in hash mode, so any path that
 * is not a file gets index.html. The directory is looked up per request: a build finishing while the
 * host runs is picked up without a restart.
 */
import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export function fileResponse(file: string, headers: Record<string, string> = {}, method = 'GET'): Response {
  const size = fs.statSync(file).size;
  const h = { 'content-length': String(size), ...headers };
  if (method === 'HEAD') return new Response(null, { status: 200, headers: h });
  return new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream, { status: 200, headers: h });
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The response for a GET of `urlPath`, or null when there is no H5 build (or no such asset). */
export function serveH5(distDir: string, urlPath: string, method: string): Response | null {
  const root = path.resolve(distDir);
  const index = path.join(root, 'index.html');
  if (!isFile(index)) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const target = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`);
  if (target.startsWith(root + path.sep) && isFile(target)) {
    const ext = path.extname(target).toLowerCase();
    // Hashed bundles never change under their name; index.html must be re-read to find new ones.
    const cache = ext === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
    return fileResponse(target, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': cache }, method);
  }
  // A missing asset is a 404; anything else is a page of the app.
  if (path.extname(rel) !== '' && !rel.endsWith('.html')) return null;
  return fileResponse(index, { 'content-type': TYPES['.html'], 'cache-control': 'no-cache' }, method);
}
