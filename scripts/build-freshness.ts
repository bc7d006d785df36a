/**
 * Whether a Taro build (`dist-h5/` or `dist/`) is older than the sources it is made from. `npm start`
 * and the E2E runs both rebuild only when it is, because a build takes a minute or two here and a
 * stale one (after a `git pull`) would show yesterday's pages.
 */
import fs from 'fs';
import path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..');

const SOURCES = ['src', 'types', 'config', 'package.json', 'babel.config.js'].map((p) => path.join(REPO_ROOT, p));
/** Server-only code and tests are not in the bundle; a change there must not force a rebuild. */
const NOT_BUNDLED = [path.join(REPO_ROOT, 'src', 'server')];

function newestMtime(p: string): number {
  if (NOT_BUNDLED.includes(p) || /__tests__|__fixtures__/.test(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Where each build lands, and the file whose time says when it was built. */
export const BUILDS = {
  h5: { dir: path.join(REPO_ROOT, 'dist-h5'), marker: 'index.html' },
  weapp: { dir: path.join(REPO_ROOT, 'dist'), marker: 'app.js' },
} as const;
export type BuildType = keyof typeof BUILDS;

export function buildExists(type: BuildType): boolean {
  return fs.existsSync(path.join(BUILDS[type].dir, BUILDS[type].marker));
}

export function buildIsFresh(type: BuildType): boolean {
  if (!buildExists(type)) return false;
  const built = fs.statSync(path.join(BUILDS[type].dir, BUILDS[type].marker)).mtimeMs;
  return SOURCES.every((s) => !fs.existsSync(s) || newestMtime(s) <= built);
}
