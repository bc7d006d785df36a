/**
 * Taro builds for the size check and the bench, each in its own folder under bench/tmp so that they
 * never race anyone's build of dist/ or dist-h5/. A build is redone only when the files it is made
 * from changed (a content hash, not mtimes, so a fresh clone or a `git checkout` cannot fool it).
 */
import { spawn } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BENCH_TMP = path.join(REPO_ROOT, 'bench', 'tmp');

export type BuildKind = 'app-weapp' | 'bare-weapp' | 'app-h5' | 'bare-h5';

interface BuildSpec {
  type: 'weapp' | 'h5';
  bare: boolean;
  /** Relative to the repo root, as Taro's outputRoot wants it. */
  outDir: string;
}

export const BUILDS: Record<BuildKind, BuildSpec> = {
  'app-weapp': { type: 'weapp', bare: false, outDir: 'bench/tmp/app-weapp' },
  'bare-weapp': { type: 'weapp', bare: true, outDir: 'bench/tmp/bare-dist' },
  'app-h5': { type: 'h5', bare: false, outDir: 'bench/tmp/app-h5' },
  'bare-h5': { type: 'h5', bare: true, outDir: 'bench/tmp/bare-dist-h5' },
};

/** Written into a finished build; a build without it (failed, interrupted) is redone. */
export const STAMP = '.bench-fingerprint';

/** What both kinds of build read besides their source root. */
const SHARED_INPUTS = ['config', 'types', 'babel.config.js', 'package.json', 'package-lock.json', 'project.config.json'];

function skipped(rel: string): boolean {
  // Server code and tests never reach a bundle: a change there must not cost a rebuild.
  return rel.startsWith('src/server/') || /(^|\/)__tests__\//.test(rel) || rel.endsWith('.md');
}

function listFiles(rel: string, out: string[]): void {
  const abs = path.join(REPO_ROOT, rel);
  if (!fs.existsSync(abs)) return;
  if (!fs.statSync(abs).isDirectory()) {
    if (!skipped(rel)) out.push(rel);
    return;
  }
  for (const name of fs.readdirSync(abs).sort()) listFiles(`${rel}/${name}`, out);
}

export function fingerprint(kind: BuildKind): string {
  const spec = BUILDS[kind];
  const files: string[] = [];
  for (const rel of [spec.bare ? 'bench/bare/src' : 'src', ...SHARED_INPUTS]) listFiles(rel, files);
  const h = crypto.createHash('sha256');
  h.update(`${kind}\0CLOUD_ENV=${process.env.CLOUD_ENV ?? ''}\0`);
  for (const rel of files) {
    h.update(`${rel}\0`);
    h.update(fs.readFileSync(path.join(REPO_ROOT, rel)));
    h.update('\0');
  }
  return h.digest('hex');
}

export interface BuildResult {
  kind: BuildKind;
  dir: string;
  /** False when an up-to-date build was reused. */
  built: boolean;
  ms: number;
}

/** webpack's persistent cache of one build kind; removing bench/tmp makes the next build cold. */
export function cacheDir(kind: BuildKind): string {
  return path.join(BENCH_TMP, 'webpack-cache', kind);
}

function runTaro(kind: BuildKind, outDir: string): Promise<void> {
  const spec = BUILDS[kind];
  // The CLI sets TARO_ENV from --type; a leftover from the caller's shell must not pick the other source root.
  const { TARO_ENV: _env, TARO_BARE_BASELINE: _bare, ...inherited } = process.env;
  const env: Record<string, string | undefined> = {
    ...inherited,
    NODE_ENV: 'production',
    TARO_OUTPUT_ROOT: outDir,
    // webpack's persistent cache, one per kind (config/index.ts): a rebuild redoes only the modules that changed.
    TARO_WEBPACK_CACHE_DIR: cacheDir(kind),
  };
  if (spec.bare) env.TARO_BARE_BASELINE = '1';
  const cli = path.join(REPO_ROOT, 'node_modules', '@tarojs', 'cli', 'bin', 'taro');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build', '--type', spec.type], { cwd: REPO_ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`taro build --type ${spec.type} (${outDir}) exited ${code}:\n${log}`))));
  });
}

/**
 * The build of `kind` for the current sources: reused when its stamp matches, else built into a
 * private folder and moved into place, so a concurrent run never sees half a build.
 */
export async function ensureBuild(kind: BuildKind, opts: { force?: boolean } = {}): Promise<BuildResult> {
  const spec = BUILDS[kind];
  const dir = path.join(REPO_ROOT, spec.outDir);
  const print = fingerprint(kind);
  const stamp = path.join(dir, STAMP);
  if (!opts.force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === print) return { kind, dir, built: false, ms: 0 };
  const started = Date.now();
  const tmpRel = `${spec.outDir}.building-${process.pid}`;
  const tmp = path.join(REPO_ROOT, tmpRel);
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    await runTaro(kind, tmpRel);
    fs.writeFileSync(path.join(tmp, STAMP), print);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { kind, dir, built: true, ms: Date.now() - started };
}

export interface PackageSizes {
  /** Everything in the weapp build but the `merchant/` subpackage folder, in bytes. */
  mainBytes: number;
  /** The `merchant/` subpackage folder, in bytes (0 when there is none, as in the bare build). */
  subBytes: number;
  /** Bytes of webpack's *.LICENSE.txt files, counted in the figures above. */
  licenseBytes: number;
  /** The five largest files of the main package, for the report. */
  largest: { file: string; bytes: number }[];
}

export function packageSizes(dir: string, subpackageRoot = 'merchant'): PackageSizes {
  const files: { file: string; bytes: number }[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(path.join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (r !== STAMP) files.push({ file: r, bytes: st.size });
    }
  };
  walk('');
  const inSub = (f: string) => f === subpackageRoot || f.startsWith(`${subpackageRoot}/`);
  const main = files.filter((f) => !inSub(f.file));
  return {
    mainBytes: main.reduce((s, f) => s + f.bytes, 0),
    subBytes: files.filter((f) => inSub(f.file)).reduce((s, f) => s + f.bytes, 0),
    licenseBytes: files.filter((f) => f.file.endsWith('.LICENSE.txt')).reduce((s, f) => s + f.bytes, 0),
    largest: [...main].sort((a, b) => b.bytes - a.bytes).slice(0, 5),
  };
}
