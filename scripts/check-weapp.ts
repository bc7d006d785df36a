/**
 * `npm run test:weapp`: the weapp build as WeChat's own tools compile it, offline.
 *
 *   layout            every page in app.json (main package and subpackages) has its .js, .wxml and .json,
 *                     and every `usingComponents` entry resolves to a component that does
 *   wcc               WeChat's WXML/WXS compiler (miniprogram-compiler's Linux build) over every template
 *   wcsc              WeChat's WXSS compiler over every stylesheet, called directly so its exit status counts
 *   miniprogram-ci    the whole project compiled as DevTools' upload does, with es6 and minify on: missing
 *                     pages, bad JSON, JS syntax errors, WXSS errors and (minify) WXML errors
 *   checkCodeQuality  WeChat's package rules, plus the 2 MB per package limit enforced here
 *
 * Any finding fails it (exit 1) with the tool, the file and, where the tool gives one, line:col.
 *
 *   tsx scripts/check-weapp.ts                 the build of the current sources (bench/lib/builds.ts:
 *                                              reused when its content hash matches, as test:size does)
 *   tsx scripts/check-weapp.ts --dir dist      an existing output folder instead (nothing is built)
 *   tsx scripts/check-weapp.ts --skip-ci       wcc, wcsc and the layout only (about a second)
 *   tsx scripts/check-weapp.ts --ci-light      miniprogram-ci without Babel and the JS minifier (test/weapp/)
 *   tsx scripts/check-weapp.ts --verbose       with miniprogram-ci's own log when something fails
 *
 * miniprogram-ci asks WeChat's servers for the project's attributes before compiling; the project is given
 * `attr: () => DefaultProjectAttr` instead, and a throwaway key file (no upload ever happens) written to a
 * temp dir that is removed afterwards. test/weapp/ shows that broken outputs fail it.
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ensureBuild, STAMP } from '../bench/lib/builds';

/** WeChat's limit for each package (main and every subpackage), in bytes: 2 MB of 1,024 × 1,024. */
export const PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024;

export interface Finding {
  tool: 'layout' | 'wcc' | 'wcsc' | 'miniprogram-ci' | 'checkCodeQuality';
  /** `file:line:col: message` where the tool says where; the file is relative to the output folder. */
  message: string;
}

interface AppJson {
  pages?: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  sitemapLocation?: string;
}

const IGNORED = new Set(['node_modules', STAMP]);

function walk(dir: string, rel = '', out: string[] = []): string[] {
  for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
    if (IGNORED.has(name)) continue;
    const r = rel ? `${rel}/${name}` : name;
    if (fs.statSync(path.join(dir, r)).isDirectory()) walk(dir, r, out);
    else out.push(r);
  }
  return out;
}

/** Long minified lines in code frames are cut, so a finding stays readable. */
function clip(text: string, max = 240): string {
  return text
    .split('\n')
    .map((l) => (l.length > max ? `${l.slice(0, max)}…` : l))
    .join('\n')
    .trim();
}

// ---------------------------------------------------------------------------------------------- layout

function readJson(dir: string, rel: string, findings: Finding[]): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
  } catch (e) {
    findings.push({ tool: 'layout', message: `${rel}: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
}

export function checkLayout(dir: string): Finding[] {
  const findings: Finding[] = [];
  if (!fs.existsSync(path.join(dir, 'app.json'))) return [{ tool: 'layout', message: 'app.json: missing' }];
  const app = readJson(dir, 'app.json', findings) as AppJson | undefined;
  if (!app) return findings;
  const pages = [...(app.pages ?? [])];
  for (const sub of app.subPackages ?? app.subpackages ?? []) for (const p of sub.pages) pages.push(`${sub.root.replace(/\/$/, '')}/${p}`);
  if (pages.length === 0) findings.push({ tool: 'layout', message: 'app.json: no pages' });
  const seen = new Set<string>();
  const visit = (base: string, from: string) => {
    if (seen.has(base)) return;
    seen.add(base);
    for (const ext of ['.js', '.wxml', '.json']) {
      if (!fs.existsSync(path.join(dir, base + ext))) findings.push({ tool: 'layout', message: `${from}: ${base}${ext} is missing` });
    }
    if (!fs.existsSync(path.join(dir, `${base}.json`))) return;
    const json = readJson(dir, `${base}.json`, findings) as { usingComponents?: Record<string, string> } | undefined;
    for (const [tag, target] of Object.entries(json?.usingComponents ?? {})) {
      if (/^plugin:\/\//.test(target)) continue;
      const resolved = target.startsWith('/') ? target.slice(1) : path.posix.join(path.posix.dirname(base), target);
      visit(resolved, `${base}.json: usingComponents["${tag}"]`);
    }
  };
  for (const p of pages) visit(p, `app.json: page "${p}"`);
  if (app.sitemapLocation) {
    const rel = app.sitemapLocation.replace(/^\//, '');
    if (!fs.existsSync(path.join(dir, rel))) findings.push({ tool: 'layout', message: `app.json: sitemapLocation "${app.sitemapLocation}" is missing` });
    else if (!Array.isArray((readJson(dir, rel, findings) as { rules?: unknown } | undefined)?.rules)) findings.push({ tool: 'layout', message: `${rel}: no "rules" list` });
  }
  return findings;
}

// ------------------------------------------------------------------------------------------- wcc, wcsc

const COMPILER_DIR = path.dirname(require.resolve('miniprogram-compiler/package.json'));
const PLATFORM_DIR = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'windows' : 'linux';

function compilerBinary(name: 'wcc' | 'wcsc'): string {
  const bin = path.join(COMPILER_DIR, 'bin', PLATFORM_DIR, process.platform === 'win32' ? `${name}.exe` : name);
  // npm does not always keep the executable bit of files in a package.
  if (process.platform !== 'win32') fs.chmodSync(bin, 0o755);
  return bin;
}

export function checkWxml(dir: string): Finding[] {
  compilerBinary('wcc');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wxmlToJs } = require('miniprogram-compiler') as { wxmlToJs(root: string, opts?: { maxBuffer?: number }): string };
  try {
    wxmlToJs(dir, { maxBuffer: 256 * 1024 * 1024 });
    return [];
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return [{ tool: 'wcc', message: clip(text.replace(/^编译 \.wxml 文件错误：/, '')) || 'wcc failed without a message' }];
  }
}

export function checkWxss(dir: string): Finding[] {
  const files = walk(dir).filter((f) => f.endsWith('.wxss'));
  if (files.length === 0) return [];
  // As miniprogram-compiler's wrapper orders them: the stylesheets of pages and components (those with
  // a .json) first, counted by -pc, then the ones only imported (app-origin.wxss, common.wxss …).
  const owned = files.filter((f) => fs.existsSync(path.join(dir, f.replace(/\.wxss$/, '.json'))));
  const imported = files.filter((f) => !owned.includes(f));
  const r = spawnSync(compilerBinary('wcsc'), ['-db', '-pc', String(owned.length), ...owned, ...imported], {
    cwd: dir,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) return [{ tool: 'wcsc', message: `could not run wcsc: ${r.error.message}` }];
  if (r.status === 0) return [];
  const err = r.stderr.toString();
  // wcsc writes `ERR: file(line:col): message` or `file(line:col): message`, then a count line.
  const lines = err
    .split('\n')
    .map((l) => l.replace(/^ERR:\s*/, '').trim())
    .filter((l) => l && !/^error file count/.test(l))
    .map((l) => l.replace(/^(\S+?\.wxss)\((\d+):(\d+)\):/, '$1:$2:$3:'));
  if (lines.length === 0) return [{ tool: 'wcsc', message: `exited ${r.status ?? r.signal} without a message` }];
  return lines.map((message) => ({ tool: 'wcsc' as const, message: clip(message) }));
}

// ----------------------------------------------------------------------------------------- miniprogram-ci

interface CiError {
  message?: string;
  path?: string;
  code?: number;
}

/** miniprogram-ci logs freely; its chatter is kept and shown only when it fails. */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; log: string }> {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const lines: string[] = [];
  const keep = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
  };
  Object.assign(console, { log: keep, info: keep, warn: keep, error: keep, debug: keep });
  try {
    return { value: await fn(), log: lines.join('\n') };
  } catch (error) {
    return { error, log: lines.join('\n') };
  } finally {
    Object.assign(console, saved);
  }
}

function ciFinding(e: unknown, dir: string): string {
  const err = (e ?? {}) as CiError;
  let text = String(err.message ?? e).split(`${dir}/`).join('');
  // JS errors start `file: pages/x/index.js\n pages/x/index.js: Unexpected token (2:9)`, then a code frame.
  text = text.replace(/^file: \S+\n\s*/, '');
  if (err.path && !text.includes(err.path)) text = `${err.path}:${/^\d+:\d+/.test(text) ? '' : ' '}${text}`;
  return clip(text.replace(/^\//, ''));
}

/** What `npm run test:weapp` compiles with: DevTools' upload with ES6 → ES5 and every minifier on. */
export const CI_SETTING = { es6: true, minify: true, minifyJS: true, minifyWXML: true, minifyWXSS: true };
/**
 * The broken-output tests' setting: no Babel and no JS minifier, the slow part, but WXML and WXSS still
 * minified, which is what makes miniprogram-ci parse them (a few seconds instead of tens).
 */
export const CI_LIGHT_SETTING = { es6: false, minify: false, minifyJS: false, minifyWXML: true, minifyWXSS: true };

export interface CiOptions {
  /** Skip miniprogram-ci (the compile takes seconds; wcc and wcsc take milliseconds). */
  skip?: boolean;
  setting?: Record<string, boolean>;
}

export async function checkWithCi(dir: string, setting: Record<string, boolean> = CI_SETTING): Promise<{ findings: Finding[]; packages: Record<string, number>; log: string }> {
  // Loading it logs a line; keep that with the rest of its chatter.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = await quietly(async () => require('miniprogram-ci'));
  if (loaded.error) throw loaded.error;
  const ci = loaded.value;
  const findings: Finding[] = [];
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-ci-'));
  const logs: string[] = [];
  let packages: Record<string, number> = {};
  try {
    // Never a real key: the project is only compiled here, never uploaded.
    const keyPath = path.join(keyDir, 'private.placeholder.key');
    fs.writeFileSync(keyPath, 'placeholder: miniprogram-ci wants a key file to exist; nothing is signed or uploaded\n');
    const appid = (JSON.parse(fs.readFileSync(path.join(dir, 'project.config.json'), 'utf8')) as { appid?: string }).appid || 'touristappid';
    const project = new ci.Project({
      appid,
      type: 'miniProgram',
      projectPath: dir,
      privateKeyPath: keyPath,
      ignores: [STAMP],
      // Offline: the attributes WeChat's servers would send for the appid.
      attr: async () => ci.DefaultProjectAttr,
    });

    const compiled = await quietly(() => ci.getCompiledResult({ project, setting }) as Promise<Record<string, unknown>>);
    logs.push(compiled.log);
    if (compiled.error) findings.push({ tool: 'miniprogram-ci', message: ciFinding(compiled.error, dir) });
    else if (!compiled.value || Object.keys(compiled.value).length === 0) findings.push({ tool: 'miniprogram-ci', message: 'compiled nothing' });

    const quality = await quietly(() => ci.checkCodeQuality(project) as Promise<{ name: string; success: boolean; text: string; detail?: unknown }[]>);
    logs.push(quality.log);
    if (quality.error) {
      findings.push({ tool: 'checkCodeQuality', message: ciFinding(quality.error, dir) });
    } else {
      for (const item of quality.value ?? []) {
        if (item.name === 'PACKAGE_SIZE_LIMIT' && item.detail && typeof item.detail === 'object') packages = item.detail as Record<string, number>;
        if (!item.success) findings.push({ tool: 'checkCodeQuality', message: `${item.name}: ${item.text}${item.detail ? ` ${clip(JSON.stringify(item.detail))}` : ''}` });
      }
      for (const [name, bytes] of Object.entries(packages)) {
        if (bytes > PACKAGE_LIMIT_BYTES) {
          findings.push({ tool: 'checkCodeQuality', message: `${name === '__APP__' ? 'main package' : `subpackage ${name}`}: ${bytes} bytes, over WeChat's ${PACKAGE_LIMIT_BYTES} (2 MB)` });
        }
      }
    }
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
  return { findings, packages, log: logs.filter(Boolean).join('\n') };
}

// ------------------------------------------------------------------------------------------------ main

export interface CheckResult {
  findings: Finding[];
  ms: Record<string, number>;
  packages: Record<string, number>;
  ciLog: string;
}

export async function checkWeapp(dir: string, opts: CiOptions = {}): Promise<CheckResult> {
  const ms: Record<string, number> = {};
  const timed = <T>(name: string, fn: () => T): T => {
    const t = Date.now();
    try {
      return fn();
    } finally {
      ms[name] = Date.now() - t;
    }
  };
  const findings = [...timed('layout', () => checkLayout(dir)), ...timed('wcc', () => checkWxml(dir)), ...timed('wcsc', () => checkWxss(dir))];
  let packages: Record<string, number> = {};
  let ciLog = '';
  if (!opts.skip) {
    const t = Date.now();
    const r = await checkWithCi(dir, opts.setting);
    ms['miniprogram-ci'] = Date.now() - t;
    findings.push(...r.findings);
    packages = r.packages;
    ciLog = r.log;
  }
  return { findings, ms, packages, ciLog };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const started = Date.now();
  let dir = arg('--dir');
  if (dir) {
    dir = path.resolve(dir);
    if (!fs.existsSync(path.join(dir, 'app.json'))) {
      console.error(`${dir} is not a weapp output (no app.json)`);
      return 1;
    }
    console.log(`checking ${dir}`);
  } else {
    const build = await ensureBuild('app-weapp');
    dir = build.dir;
    console.log(build.built ? `weapp built in ${(build.ms / 1000).toFixed(0)} s (${dir})` : `weapp build is current (${dir})`);
  }
  const light = process.argv.includes('--ci-light');
  const r = await checkWeapp(dir, { skip: process.argv.includes('--skip-ci'), setting: light ? CI_LIGHT_SETTING : CI_SETTING });
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const pk = Object.entries(r.packages).map(([n, b]) => `${n === '__APP__' ? 'main' : n} ${kb(b)}`);
  const timings = Object.entries(r.ms).map(([n, t]) => `${n} ${t} ms`).join(', ');
  for (const f of r.findings) console.log(`FAIL ${f.tool}: ${f.message.replace(/\n/g, '\n     ')}`);
  if (r.findings.length > 0 && r.ciLog && process.argv.includes('--verbose')) console.log(`--- miniprogram-ci log\n${r.ciLog}`);
  console.log(
    `${r.findings.length === 0 ? 'ok' : `${r.findings.length} finding(s)`}: weapp compiled by wcc, wcsc${r.ms['miniprogram-ci'] === undefined ? ' (miniprogram-ci skipped)' : `, miniprogram-ci (${light ? 'WXML and WXSS minified only' : 'es6, minify'}) and checkCodeQuality`}` +
      `${pk.length ? `; packages ${pk.join(', ')}` : ''}; ${timings}; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return r.findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    // miniprogram-ci leaves a file watcher and a worker behind: leave explicitly.
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}
