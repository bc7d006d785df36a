/**
 * The deployable artefacts: `npm run build:cloud` output, each cloudfunctions/<fn>/index.js loaded in
 * its own Node process as the cloud function runtime would (environment variables, WX_* identity, a
 * Module._load hook that lets it require only Node's modules and wx-server-sdk), answering events
 * end to end against the loopback service: apply → get, the timer's sweep, the refund callback.
 */
import { fork, type ChildProcess } from 'child_process';
import fs from 'fs';
import { builtinModules } from 'module';
import path from 'path';
import type { AfterSaleCase, Order } from '../../types/domain';
import { buildCloudFunction, CLOUD_FUNCTIONS, type BuiltFunction } from '../../scripts/build-cloud';
import { shopWithDefaults } from '../../src/core/settings';
import { DAY_MS } from '../../src/core/time';
import { COLLECTIONS } from '../../src/server/adapters/wx/sdk';
import { CloudSimService as FakeCloud } from '../../src/server/adapters/cloudsim/service';
import { runtimeEnv } from './fake/loopback';

const ROOT = path.resolve(__dirname, '../..');
const SUB_MCH = '1900000109';
const BUYER = 'oBuyer_bundle';
const OWNER = 'oOwner_bundle';

interface Ready {
  loadMs: number;
  requested: string[];
  hasMain: boolean;
}

class FunctionProcess {
  private seq = 0;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: string; ms?: number }) => void>();
  readonly unhandled: string[] = [];
  readonly ready: Promise<Ready>;
  private readonly child: ChildProcess;

  constructor(fn: string, env: Record<string, string>) {
    this.child = fork(path.join(__dirname, 'fake', 'bundleHost.cjs'), [path.join(ROOT, 'cloudfunctions', fn, 'index.js')], {
      // Only what the function runtime sets: nothing of this test process leaks into the function.
      env: { PATH: process.env.PATH ?? '', ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`${fn} exited with ${code}`)));
      this.child.on('message', (m: { type: string; id?: number; reason?: string } & Ready) => {
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'unhandled') this.unhandled.push(String(m.reason));
        else if (m.type === 'result') this.pending.get(m.id!)?.(m as never);
      });
    });
  }

  async invoke(
    event: unknown,
    openid?: string,
    context: Record<string, unknown> = { time_limit_in_ms: 60_000 },
    source?: string,
  ): Promise<{ result: unknown; ms: number }> {
    await this.ready;
    this.seq += 1;
    const id = this.seq;
    const reply = await new Promise<{ result?: unknown; error?: string; ms?: number }>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ type: 'invoke', id, event, openid, context, source });
    });
    if (reply.error) throw new Error(reply.error);
    return { result: reply.result, ms: reply.ms ?? 0 };
  }

  stop(): void {
    this.child.kill();
  }
}

const fake = new FakeCloud();
const fns: Record<string, FunctionProcess> = {};
const built: Record<string, BuiltFunction> = {};
const timings: Record<string, number> = {};

beforeAll(async () => {
  for (const fn of CLOUD_FUNCTIONS) built[fn] = await buildCloudFunction(fn);
  await fake.start();
  const env = { ...runtimeEnv(fake), SUB_MCH_ID: SUB_MCH };
  for (const fn of CLOUD_FUNCTIONS) fns[fn] = new FunctionProcess(fn, env);
}, 60_000);

afterAll(async () => {
  for (const p of Object.values(fns)) p.stop();
  await fake.stop();
  const sizes = Object.fromEntries(Object.entries(built).map(([fn, b]) => [fn, b.bytes]));
  console.info(`cloud function bundles: ${JSON.stringify({ sizes, timings })}`);
});

const NOW = Date.now();
const ORDER: Order = {
  _id: 'ord_bundle_0001',
  shopId: 'shop_bundle',
  buyerOpenid: BUYER,
  status: 'DELIVERED',
  paidFen: 11_000,
  shippingFen: 1_000,
  payChannel: 'WECHAT',
  paidAt: NOW - 5 * DAY_MS,
  shippedAt: NOW - 4 * DAY_MS,
  deliveredAt: NOW - 2 * DAY_MS,
  items: [{ skuId: 'tshirt', title: '纯棉T恤', unitFen: 5_000, qty: 2, paidFen: 10_000, kind: 'NORMAL' }],
};

describe('built cloud functions', () => {
  it.each(CLOUD_FUNCTIONS)('%s is one self-contained index.js that needs only wx-server-sdk', async (fn) => {
    const file = path.join(ROOT, 'cloudfunctions', fn, 'index.js');
    expect(fs.existsSync(file)).toBe(true);
    // Node's own modules (http2 among them, for the WeChat Pay SDK's axios) and wx-server-sdk only.
    expect(built[fn].externals.filter((m) => !m.startsWith('node:') && m !== 'wx-server-sdk' && !builtinModules.includes(m))).toEqual([]);
    const ready = await fns[fn].ready;
    timings[`${fn}.loadMs`] = Math.round(ready.loadMs);
    expect(ready.hasMain).toBe(true);
    expect(ready.requested).toContain('wx-server-sdk');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', fn, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
    expect(pkg.main).toBe('index.js');
    expect(Object.keys(pkg.dependencies)).toEqual(['wx-server-sdk']);
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', fn, 'config.json'), 'utf8')) as { permissions?: { openapi: string[] } };
    // The functions that notify buyers and merchants need subscribeMessage.send; orderSync and setup notify nobody.
    if (fn !== 'orderSync' && fn !== 'setup') expect(config.permissions?.openapi).toContain('subscribeMessage.send');
    else expect(config.permissions).toBeUndefined();
    // Every function loads its bundle at once (0.55–0.8 MB minified; the WeChat Pay SDK and axios are evaluated only for a v3 shop).
  }, 30_000);

  it('autoApprove bundles the sweep alone, and no bundle carries zod’s other languages (issue 18: cold start)', () => {
    const auto = built.autoApprove.inputs;
    expect(auto).toContain('src/server/usecases/sweep.ts');
    expect(auto.filter((f) => f === 'src/server/handler.ts' || f === 'src/server/schemas.ts' || f.includes('node_modules/zod/'))).toEqual([]);
    for (const fn of CLOUD_FUNCTIONS) {
      const locales = built[fn].inputs.filter((f) => !f.startsWith('zod-locales:') && /node_modules\/zod\/v4\/locales\/(?!en\.js$)/.test(f));
      expect({ fn, locales }).toEqual({ fn, locales: [] });
    }
    // afterSale validates with zod, English messages registered as zod's default.
    expect(built.afterSale.inputs).toContain('node_modules/zod/v4/locales/en.js');
  });

  it('autoApprove carries the 5-minute timer trigger', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', 'autoApprove', 'config.json'), 'utf8')) as {
      triggers: { name: string; type: string; config: string }[];
      permissions: { openapi: string[] };
    };
    expect(config.triggers).toEqual([{ name: 'sweep', type: 'timer', config: '0 */5 * * * * *' }]);
    expect(config.permissions.openapi).toEqual(expect.arrayContaining(['cloudPay.refund', 'cloudPay.queryRefund']));
  });

  it('answers apply → get, the timer and the refund callback end to end', async () => {
    fake.seed(COLLECTIONS.shops, [shopWithDefaults({ _id: 'shop_bundle', name: '小林家居', verified: true }) as never]);
    fake.seed(COLLECTIONS.orders, [{ ...ORDER } as never]);
    fake.seed(COLLECTIONS.merchants, [{ _id: OWNER, shopId: 'shop_bundle', role: 'OWNER' } as never]);

    const apply = {
      action: 'apply',
      orderId: ORDER._id,
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: 'tshirt', qty: 1 }],
      amountFen: 5_000,
      description: '衣服领口开线了',
      evidence: [],
      idempotencyKey: 'bundle-apply-1',
      userInfo: { appId: 'wx0123456789abcdef', openId: BUYER },
    };
    const first = await fns.afterSale.invoke(apply, BUYER);
    timings['afterSale.firstApplyMs'] = Math.round(first.ms);
    const applied = first.result as { ok: true; data: AfterSaleCase };
    expect(applied).toMatchObject({ ok: true, data: { status: 'PENDING', buyerOpenid: BUYER, orderId: ORDER._id } });
    const second = await fns.afterSale.invoke({ action: 'get', caseId: applied.data._id }, BUYER);
    timings['afterSale.getMs'] = Math.round(second.ms);
    expect(second.result).toEqual(applied);
    expect((await fns.afterSale.invoke({ action: 'get', caseId: applied.data._id })).result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // 48 hours pass: the case's deadline is now behind it.
    const stored = fake.docs(COLLECTIONS.cases)[0];
    fake.seed(COLLECTIONS.cases, [{ ...stored, deadlineAt: NOW - 60_000, timerAt: NOW - 60_000, _deadlineKey: NOW - 60_000 }]);
    const sweep = await fns.autoApprove.invoke({ Type: 'Timer', TriggerName: 'sweep', Time: new Date().toISOString() });
    timings['autoApprove.sweepMs'] = Math.round(sweep.ms);
    expect(sweep.result).toMatchObject({ ok: true, data: { approved: 1 } });
    const refunding = fake.docs(COLLECTIONS.cases)[0] as unknown as AfterSaleCase;
    expect(refunding.status).toBe('REFUNDING');
    const no = refunding.refunds[0].outRefundNo;
    expect(fake.refunds.get(no)).toMatchObject({ outTradeNo: ORDER._id, refundFee: 5_000 });
    expect(fake.callsOf('wx.wxPayApi')[0].data).toMatchObject({ sub_mch_id: SUB_MCH, function_name: 'refundNotify', env_id: runtimeEnv(fake).TCB_ENV });

    // WeChat Pay pays, then calls the function (SOURCE wx_paycallback); what is recorded is what queryRefund reports.
    fake.manualPay.settle(no, 'SUCCESS', '2026-11-25 10:00:00');
    const notifyEvent = {
      returnCode: 'SUCCESS',
      appid: 'wx0123456789abcdef',
      mchId: '1900000100',
      subMchId: SUB_MCH,
      nonceStr: 'n1',
      reqInfo: { outRefundNo: no, outTradeNo: ORDER._id, refundStatus: 'SUCCESS', successTime: '2026-11-25 10:00:00', refundFee: 5_000, totalFee: 11_000 },
    };
    // The same event from anything but the payment platform is ignored.
    expect((await fns.refundNotify.invoke(notifyEvent)).result).toEqual({ errcode: 0, errmsg: 'IGNORED' });
    const notify = await fns.refundNotify.invoke(notifyEvent, undefined, undefined, 'wx_paycallback');
    expect(notify.result).toMatchObject({ errcode: 0, errmsg: 'OK', result: { ok: true, data: { outRefundNo: no, applied: true } } });
    const done = await fns.afterSale.invoke({ action: 'get', caseId: applied.data._id }, BUYER);
    expect(done.result).toMatchObject({ ok: true, data: { status: 'REFUNDED' } });

    for (const p of Object.values(fns)) expect(p.unhandled).toEqual([]);
  }, 60_000);
});
