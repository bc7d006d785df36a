/**
 * The E2E journeys run on the real h5 build, the DevTools specs on the weapp build. Each is rebuilt
 * only when missing or older than the sources it is made from, because a build takes about two
 * minutes on this machine.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const H5_DIST = path.join(REPO_ROOT, 'dist-h5');
const SOURCES = ['src', 'types', 'config', 'package.json', 'babel.config.js'].map((p) => path.join(REPO_ROOT, p));
/** Server-only code is not in the bundle; a change there must not force a rebuild. */
const NOT_BUNDLED = [path.join(REPO_ROOT, 'src', 'server'), path.join(REPO_ROOT, 'src', 'merchant', '__tests__')];

function newestMtime(p: string): number {
  if (NOT_BUNDLED.includes(p) || /__tests__/.test(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Where each build lands, and the file whose time says when it was built. */
const BUILDS = {
  h5: { dir: H5_DIST, marker: 'index.html' },
  weapp: { dir: path.join(REPO_ROOT, 'dist'), marker: 'app.js' },
} as const;
export type BuildType = keyof typeof BUILDS;

export function buildIsFresh(type: BuildType): boolean {
  const marker = path.join(BUILDS[type].dir, BUILDS[type].marker);
  if (!fs.existsSync(marker)) return false;
  const built = fs.statSync(marker).mtimeMs;
  return SOURCES.every((s) => !fs.existsSync(s) || newestMtime(s) <= built);
}

export function h5BuildIsFresh(): boolean {
  return buildIsFresh('h5');
}

/**
 * Builds `dist-h5/` (h5) or `dist/` (weapp, for WeChat DevTools) once if it is missing or stale
 * (set E2E_SKIP_BUILD=1 to use whatever is there).
 */
export function ensureBuild(type: BuildType): void {
  const { dir, marker } = BUILDS[type];
  if (process.env.E2E_SKIP_BUILD === '1' && fs.existsSync(path.join(dir, marker))) return;
  if (buildIsFresh(type)) return;
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@tarojs', 'cli', 'bin', 'taro'), 'build', '--type', type], {
      cwd: REPO_ROOT,
      env: { ...process.env, TARO_ENV: type, NODE_ENV: 'production' },
      stdio: 'pipe',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${type} build failed:\n${out.stdout?.toString().slice(-4000) ?? ''}\n${out.stderr?.toString().slice(-4000) ?? ''}`);
  }
}

export function ensureH5Build(): void {
  ensureBuild('h5');
}
