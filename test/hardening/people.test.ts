/**
 * SPEC §7 "People" over HTTP on either backend (jest projects `server` and `cloud-sim`): shop:create
 * beside a running host, one-time codes that lapse by the host's clock (24 h, the boundary inside),
 * one shop per merchant, removal within the 60 s a cached role may be trusted, and nobody acting as
 * the shop on a case they bought — while keeping every buyer action.
 */
import { execFile } from 'child_process';
import { promisify } from 'util';
import path from 'path';
import type { Identity } from '../../types/api';
import { HOUR_MS } from '../../src/core/time';
import { startHostProcess, REPO_ROOT, TEST_BACKEND } from '../support/host';
import { HostClient, ok, type HttpReply } from '../support/http';
import { OTHER_OWNER, OWNER, REVIEWER, SHOP, Stage, STAFF } from './support';

jest.setTimeout(180_000);

const run = promisify(execFile);

function outcome(r: HttpReply): string {
  return r.body.ok ? 'ok' : `${r.body.error.code}${r.body.error.field ? ` ${r.body.error.field}` : ''}`;
}

describe('npm run shop:create beside a running host on the same DATA_DIR', () => {
  test(`prints one line; the code makes its first redeemer OWNER, once (${TEST_BACKEND})`, async () => {
    const host = await startHostProcess();
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'shop-create.ts'), '--name', '山里好茶'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATA_DIR: host.dataDir },
      });
      const m = /^shopId=(\S+) setupCode=(\S+)\n$/.exec(stdout);
      expect(m).not.toBeNull();
      const [, shopId, setupCode] = m!;
      const api = new HostClient(host.url);
      const me = ok(await api.call('oTeaOwner', 'shop.claim', { setupCode: setupCode.toLowerCase() }));
      expect(me).toEqual({ openid: 'oTeaOwner', role: 'OWNER', shopId, shopName: '山里好茶' });
      expect(outcome(await api.call('oSomeoneElse', 'shop.claim', { setupCode }))).toBe('INVALID_INPUT setupCode');
      expect(ok(await api.call('oSomeoneElse', 'whoami', {})).role).toBe('BUYER');
    } finally {
      await host.stop();
    }
  });

  test(`a shop on its own WeChat Pay merchant account (API v3) from flags; a bad flag names the field and creates nothing (${TEST_BACKEND})`, async () => {
    const host = await startHostProcess();
    const script = path.join(REPO_ROOT, 'scripts', 'shop-create.ts');
    const opts = { cwd: REPO_ROOT, env: { ...process.env, DATA_DIR: host.dataDir } };
    try {
      const serial = '5157f09efdc096de15ebe81a47057a7232f1b8e1';
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', script, '--name', '山里好茶', '--mch-id', '1900000001', '--cert-serial', serial, '--platform-public-key-id=PUB_KEY_ID_0114232134912410000000000000'],
        opts,
      );
      const [, shopId, setupCode] = /^shopId=(\S+) setupCode=(\S+)\n$/.exec(stdout)!;
      const api = new HostClient(host.url);
      expect(ok(await api.call('oTeaOwner', 'shop.claim', { setupCode })).shopId).toBe(shopId);
      const { settings } = ok(await api.call('oTeaOwner', 'merchant.settings.get', {}));
      expect(settings.payment).toEqual({
        provider: 'WECHATPAY_V3',
        mchId: '1900000001',
        certSerial: serial.toUpperCase(),
        platformPublicKeyId: 'PUB_KEY_ID_0114232134912410000000000000',
      });

      const bad = await run(process.execPath, ['--import', 'tsx', script, '--name', '假店', '--mch-id', '19000', '--cert-serial', serial], opts).then(
        () => undefined,
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(bad?.code).toBe(1);
      expect(bad?.stdout).toBe('');
      expect(bad?.stderr).toMatch(/payment\.mchId/);
      const both = await run(process.execPath, ['--import', 'tsx', script, '--name', '假店', '--mch-id', '1900000001', '--sub-mch-id', '1900000109'], opts).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(both?.code).toBe(1);
      expect(both?.stderr).toMatch(/exclude each other/);
    } finally {
      await host.stop();
    }
  });
});

describe('codes, roles and purchases', () => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await Stage.inProcess();
  });
  afterAll(async () => {
    await stage?.stop();
  });

  async function invite(): Promise<string> {
    return ok(await stage.api.call(OWNER, 'merchant.invite', { role: 'STAFF' })).code;
  }

  test('an invite works for 24 h by the host clock and not after, and once', async () => {
    const t = await stage.now();
    const late = ok(await stage.api.call(OWNER, 'merchant.invite', { role: 'STAFF' }));
    const onTime = ok(await stage.api.call(OWNER, 'merchant.invite', { role: 'STAFF' }));
    expect(onTime.expiresAt - t).toBeGreaterThanOrEqual(24 * HOUR_MS);
    expect(onTime.expiresAt - t).toBeLessThan(24 * HOUR_MS + 10_000);
    // The host clock runs on with real time after each move: a margin of seconds either side of expiresAt.
    ok(await stage.api.dev.clock(onTime.expiresAt - 5_000));
    expect(ok(await stage.api.call('oOnTime', 'merchant.join', { code: onTime.code })).role).toBe('STAFF');
    ok(await stage.api.dev.clock(late.expiresAt + 1));
    expect(outcome(await stage.api.call('oLate', 'merchant.join', { code: late.code }))).toBe('INVALID_INPUT code');
    expect(outcome(await stage.api.call('oAnother', 'merchant.join', { code: onTime.code }))).toBe('INVALID_INPUT code');
    // Entering one's own used code again changes nothing and answers who one is.
    expect(ok(await stage.api.call('oOnTime', 'merchant.join', { code: onTime.code }))).toMatchObject({ role: 'STAFF', shopId: SHOP });
    ok(await stage.api.dev.clock(t));
  });

  test('a merchant of another shop, or the platform, joining is FORBIDDEN and the code stays usable', async () => {
    const code = await invite();
    expect(outcome(await stage.api.call(OTHER_OWNER, 'merchant.join', { code }))).toBe('FORBIDDEN');
    expect(outcome(await stage.api.call(REVIEWER, 'merchant.join', { code }))).toBe('FORBIDDEN');
    expect(outcome(await stage.api.call('oFresh', 'shop.claim', { setupCode: code }))).toBe('INVALID_INPUT setupCode');
    expect(ok(await stage.api.call('oFresh', 'merchant.join', { code })).shopId).toBe(SHOP);
  });

  test('eight people racing for one invite: exactly one becomes STAFF', async () => {
    const code = await invite();
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => stage.api.call(`oRacer${i}`, 'merchant.join', { code })));
    expect(replies.filter((r) => r.body.ok)).toHaveLength(1);
    expect(replies.filter((r) => outcome(r) === 'INVALID_INPUT code')).toHaveLength(7);
  });

  test('removed staff lose the shop within 60 s of the host clock; the owner cannot remove themselves', async () => {
    const code = await invite();
    ok(await stage.api.call('oLeaving', 'merchant.join', { code }));
    expect(ok(await stage.api.call('oLeaving', 'merchant.list', {})).items).toBeDefined();
    const list = ok(await stage.api.call(OWNER, 'merchant.removeStaff', { openid: 'oLeaving' }));
    expect(list.members.map((m) => m.openid)).not.toContain('oLeaving');
    expect(outcome(await stage.api.call(OWNER, 'merchant.removeStaff', { openid: 'oLeaving' }))).toBe('INVALID_INPUT openid');
    expect(outcome(await stage.api.call(OWNER, 'merchant.removeStaff', { openid: OWNER }))).toBe('INVALID_INPUT openid');
    expect(outcome(await stage.api.call(STAFF, 'merchant.removeStaff', { openid: 'oOnTime' }))).toBe('FORBIDDEN');
    await stage.advance(61_000);
    expect(outcome(await stage.api.call('oLeaving', 'merchant.list', {}))).toBe('FORBIDDEN');
    expect(ok(await stage.api.call('oLeaving', 'whoami', {}))).toEqual<Identity>({ openid: 'oLeaving', role: 'BUYER' });
  });

  test('staff buy at their own shop as buyers; the shop’s decisions on that case are someone else’s', async () => {
    const order = await stage.seedOrder(STAFF);
    const c = await stage.ok(STAFF, 'apply', {
      orderId: order._id,
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: order.items[0].skuId, qty: 1 }],
      amountFen: 1_000,
      description: '收到时杯口有裂纹',
      evidence: [],
      idempotencyKey: `staff-buys-${Date.now()}`,
    });
    expect(c.buyerOpenid).toBe(STAFF);
    expect(outcome(await stage.api.call(STAFF, 'merchant.approve', { caseId: c._id }))).toBe('FORBIDDEN');
    expect(outcome(await stage.api.call(STAFF, 'merchant.reject', { caseId: c._id, reasonCode: 'OTHER', note: '不行' }))).toBe('FORBIDDEN');
    // As its buyer, the history says BUYER.
    const msg = ok(await stage.api.call(STAFF, 'message', { caseId: c._id, text: '麻烦尽快处理' }));
    expect(msg.messages[msg.messages.length - 1]).toMatchObject({ from: 'BUYER', text: '麻烦尽快处理' });
    const cancelled = ok(await stage.api.call(STAFF, 'cancel', { caseId: c._id }));
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.history[cancelled.history.length - 1].actor).toBe('BUYER');
  });
});
