/**
 * The E2E journeys run on the real h5 build, the DevTools specs on the weapp build. Each is rebuilt
 * only when missing or older than the sources it is made from, because a build takes about two
 * minutes on this machine.
 */
import { execFileSync } from 'child_process';
import path from 'path';
import { BUILDS, buildExists, buildIsFresh, REPO_ROOT, type BuildType } from '../../scripts/build-freshness';

export { REPO_ROOT };
export const H5_DIST = BUILDS.h5.dir;
export type { BuildType };

export function h5BuildIsFresh(): boolean {
  return buildIsFresh('h5');
}

/**
 * Builds `dist-h5/` (h5) or `dist/` (weapp, for WeChat DevTools) once if it is missing or stale
 * (set E2E_SKIP_BUILD=1 to use whatever is there).
 */
export function ensureBuild(type: BuildType): void {
  if (process.env.E2E_SKIP_BUILD === '1' && buildExists(type)) return;
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
