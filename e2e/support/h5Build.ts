/**
 * The E2E journeys run on the real h5 build. It is rebuilt only when missing or older than the
 * sources it is made from, because a build takes about two minutes on this machine.
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

export function h5BuildIsFresh(): boolean {
  const index = path.join(H5_DIST, 'index.html');
  if (!fs.existsSync(index)) return false;
  const built = fs.statSync(index).mtimeMs;
  return SOURCES.every((s) => !fs.existsSync(s) || newestMtime(s) <= built);
}

/** Builds `dist-h5/` once if it is missing or stale (set E2E_SKIP_BUILD=1 to use whatever is there). */
export function ensureH5Build(): void {
  if (process.env.E2E_SKIP_BUILD === '1' && fs.existsSync(path.join(H5_DIST, 'index.html'))) return;
  if (h5BuildIsFresh()) return;
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@tarojs', 'cli', 'bin', 'taro'), 'build', '--type', 'h5'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TARO_ENV: 'h5', NODE_ENV: 'production' },
      stdio: 'pipe',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`h5 build failed:\n${out.stdout?.toString().slice(-4000) ?? ''}\n${out.stderr?.toString().slice(-4000) ?? ''}`);
  }
}
