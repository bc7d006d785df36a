/**
 * A broken template, a WXSS syntax error and a missing page each make `npm run test:weapp` fail, naming
 * the file and line: each is planted in a copy of the real weapp build, and the check's command line runs
 * on the copy. Besides the check's own tools (layout, wcc, wcsc), miniprogram-ci must catch each one
 * too; it compiles here with WXML and WXSS minified but without Babel and the JS minifier
 * (`--ci-light`), which keeps these runs to seconds. An unbroken copy passes, so the failures are the
 * plants'.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ensureBuild, REPO_ROOT } from '../../bench/lib/builds';

const TSX = require.resolve('tsx/cli');
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'check-weapp.ts');

let build = '';
const copies: string[] = [];

beforeAll(async () => {
  // Reused when current: test:weapp's check has just built it.
  build = (await ensureBuild('app-weapp')).dir;
}, 600_000);

afterAll(() => {
  for (const c of copies) fs.rmSync(c, { recursive: true, force: true });
});

function copyOfBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-broken-'));
  copies.push(dir);
  fs.cpSync(build, dir, { recursive: true });
  return dir;
}

/** Appends `text` to `rel` and returns the 1-based line of the first line of `text` containing `marker`. */
function plant(dir: string, rel: string, text: string, marker: string): number {
  const file = path.join(dir, rel);
  const before = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, before + text);
  const lines = (before + text).split('\n');
  return lines.findIndex((l, i) => i >= before.split('\n').length - 1 && l.includes(marker)) + 1;
}

function check(dir: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, SCRIPT, '--dir', dir, '--ci-light'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, out }));
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('npm run test:weapp on a copy of the weapp build', () => {
  test('the unbroken copy passes every tool', async () => {
    const r = await check(copyOfBuild());
    expect(r.out).not.toMatch(/FAIL/);
    expect(r.out).toMatch(/^ok: weapp compiled by wcc, wcsc, miniprogram-ci/m);
    expect(r.status).toBe(0);
  }, 180_000);

  test('a broken template fails it: wcc and miniprogram-ci name the file, line and column', async () => {
    const dir = copyOfBuild();
    const line = plant(dir, 'pages/help/index.wxml', '\n<view class="broken">\n  <text>an end tag that does not match</view>\n', '</view>');
    const r = await check(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(new RegExp(`^FAIL wcc: ${escape(`pages/help/index.wxml:${line}:`)}\\d+`, 'm'));
    expect(r.out).toMatch(new RegExp(`^FAIL miniprogram-ci: ${escape(`pages/help/index.wxml:${line}:`)}\\d+`, 'm'));
  }, 180_000);

  test('a WXSS syntax error fails it: wcsc and miniprogram-ci name the file, line and column', async () => {
    const dir = copyOfBuild();
    const line = plant(dir, 'pages/order/index.wxss', '\n.broken { color: red; }\n}}} .also-broken { color:\n', '}}}');
    const r = await check(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(new RegExp(`^FAIL wcsc: ${escape(`pages/order/index.wxss:${line}:`)}\\d+`, 'm'));
    expect(r.out).toMatch(new RegExp(`^FAIL miniprogram-ci: ${escape(`pages/order/index.wxss:${line}:`)}\\d+`, 'm'));
  }, 180_000);

  test('a missing page fails it: a subpackage page of app.json whose files are not in the output', async () => {
    const dir = copyOfBuild();
    for (const ext of ['js', 'json', 'wxml', 'wxss']) fs.rmSync(path.join(dir, `merchant/pages/stats/index.${ext}`), { force: true });
    const r = await check(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^FAIL layout: app\.json: page "merchant\/pages\/stats\/index": merchant\/pages\/stats\/index\.js is missing/m);
    expect(r.out).toMatch(/^FAIL miniprogram-ci: app\.json: \["subPackages"\]\[0\]\["pages"\]\[2\] could not find the corresponding file: "merchant\/pages\/stats\/index\.\w+"/m);
  }, 180_000);
});
