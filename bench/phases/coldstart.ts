/**
 * Phase "coldstart": each cloud function bundle as `npm run build:cloud` makes it
 * (cloudfunctions/<fn>/index.js), started the way a new container starts it: a fresh Node process that
 * requires the bundle, then answers its first invocation against the cloud-sim service (no injected
 * round trip, so what is measured is the function's own start). Both times are read inside the child
 * from its own start (performance.now(), Node's boot included). Baseline, measured the same way in
 * the same run: a bare function that only requires wx-server-sdk and answers with one document read.
 *
 * Run as its own process (`tsx bench/phases/coldstart.ts <rounds>`), printing one JSON line.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { instanceEnv } from '../../src/server/adapters/cloudsim/functions';
import { CloudSimService } from '../../src/server/adapters/cloudsim/service';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import { REPO_ROOT } from '../lib/builds';

export interface ColdStartFigures {
  fn: string;
  bytes: number;
  requireMs: number[];
  firstCallMs: number[];
  /** CPU time (user + system) of the require alone, and of the process from its start to the first answer. */
  requireCpuMs: number[];
  firstCallCpuMs: number[];
}


/** The child: require, then one invocation, each timed from the process's own start. */
const CHILD = `
const t0 = performance.now();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu();
const entry = require(process.argv[1]);
const required = performance.now();
const requireCpuMs = cpu() - c0;
Promise.resolve(entry.main(JSON.parse(process.argv[2]), { time_limit_in_ms: 60000 })).then((r) => {
  const answered = performance.now();
  process.stdout.write(JSON.stringify({ bootMs: t0, requireMs: required, firstCallMs: answered, requireCpuMs, firstCallCpuMs: cpu(), reply: r }) + '\\n');
  process.exit(0);
}, (e) => { console.error(e); process.exit(1); });
`;

const BARE = `// A bare cloud function: wx-server-sdk and one document read.
const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async () => {
  const { data } = await cloud.database({ throwOnNotFound: false }).collection('${COLLECTIONS.shops}').doc('shop_cold').get();
  return { ok: true, data };
};
`;

function runChild(
  file: string,
  event: unknown,
  env: Record<string, string>,
): Promise<{ requireMs: number; firstCallMs: number; requireCpuMs: number; firstCallCpuMs: number; reply: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, file, JSON.stringify(event)], { cwd: path.dirname(file), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${file} exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
    });
  });
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const sim = new CloudSimService();
  await sim.start();
  sim.seed(COLLECTIONS.shops, [{ _id: 'shop_cold', name: '冷启动小铺', verified: true }]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'));
  // Beside the bundles, so that it resolves wx-server-sdk from the same node_modules.
  const bareDir = path.join(REPO_ROOT, 'bench', 'tmp', 'bare-function');
  fs.mkdirSync(bareDir, { recursive: true });
  const bare = path.join(bareDir, 'index.js');
  fs.writeFileSync(bare, BARE);
  const base = { ...instanceEnv(sim.url), SUB_MCH_ID: '1900000109', WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_SOURCE', WX_APPID: 'wxc10d51mc0000sim' };
  const cases: { fn: string; file: string; event: unknown; env: Record<string, string> }[] = [
    { fn: 'bare (wx-server-sdk only)', file: bare, event: {}, env: { ...base, WX_SOURCE: 'wx_client', WX_OPENID: 'oColdBuyer' } },
    { fn: 'afterSale', file: '', event: { action: 'whoami' }, env: { ...base, WX_SOURCE: 'wx_client', WX_OPENID: 'oColdBuyer', SCF_FUNCTIONNAME: 'afterSale' } },
    { fn: 'autoApprove', file: '', event: { Type: 'Timer', TriggerName: 'autoApprove', Time: new Date().toISOString() }, env: { ...base, WX_SOURCE: 'wx_timer', SCF_FUNCTIONNAME: 'autoApprove' } },
    {
      fn: 'refundNotify',
      file: '',
      event: { subMchId: '1900000109', returnCode: 'SUCCESS', reqInfo: { outRefundNo: 'AS00000000COLD-1', refundStatus: 'SUCCESS' } },
      env: { ...base, WX_SOURCE: 'wx_paycallback', SCF_FUNCTIONNAME: 'refundNotify' },
    },
  ];
  for (const c of cases) if (c.file === '') c.file = path.join(REPO_ROOT, 'cloudfunctions', c.fn, 'index.js');
  const out: ColdStartFigures[] = cases.map((c) => ({ fn: c.fn, bytes: fs.statSync(c.file).size, requireMs: [], firstCallMs: [], requireCpuMs: [], firstCallCpuMs: [] }));
  try {
    for (let r = 0; r < rounds; r += 1) {
      for (const [i, c] of cases.entries()) {
        const res = await runChild(c.file, c.event, c.env);
        out[i].requireMs.push(Math.round(res.requireMs * 10) / 10);
        out[i].firstCallMs.push(Math.round(res.firstCallMs * 10) / 10);
        out[i].requireCpuMs.push(Math.round(res.requireCpuMs * 10) / 10);
        out[i].firstCallCpuMs.push(Math.round(res.firstCallCpuMs * 10) / 10);
      }
    }
  } finally {
    await sim.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
