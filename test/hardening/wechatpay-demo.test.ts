/**
 * The demo a tester meets (`npm start`, SPEC §4) shows both ways money goes out (SPEC §7): 好物小铺
 * refunds through its own WeChat Pay v3 merchant account, played by the local v3 simulator with
 * throwaway keys the host made under DATA_DIR (never in the repository); 海淘精选 stays on cloudPay.
 */
import fs from 'fs';
import path from 'path';
import { HOUR_MS } from '../../src/core/time';
import { LOCAL_V3_PAYMENT } from '../../src/server/adapters/wechatpay/keys';
import { DEMO_CROSS_BORDER_SHOP_ID, DEMO_SHOP_ID } from '../../src/server/seed/demo';
import { startInProcessHost, type InProcessHost } from '../support/host';
import { HostClient, ok } from '../support/http';
import { Stage } from './support';

jest.setTimeout(90_000);

let host: InProcessHost;
let stage: Stage;

beforeAll(async () => {
  host = await startInProcessHost({ seedDemo: true, refundNotifyIntervalMs: 50 });
  stage = new Stage(new HostClient(host.url), host);
});
afterAll(() => host?.stop());

test('the demo shops: 好物小铺 on WeChat Pay v3 (identifiers only), 海淘精选 on the default', async () => {
  const haowu = ok(await stage.api.call('oMerchantOwnerHaowu', 'merchant.settings.get', {}));
  expect(haowu.settings.payment).toEqual(LOCAL_V3_PAYMENT);
  const haitao = ok(await stage.api.call('oMerchantOwnerHaitao', 'merchant.settings.get', {}));
  expect(haitao.shop._id).toBe(DEMO_CROSS_BORDER_SHOP_ID);
  expect(haitao.settings.payment).toBeUndefined();
});

test('a refund at 好物小铺 goes out through its v3 account and settles from a verified callback', async () => {
  const before = { ...stage.wechatpay.stats };
  const buyer = stage.newBuyer('demo');
  const order = await stage.seedOrder(buyer, { shopId: DEMO_SHOP_ID });
  const c = await stage.ok(buyer, 'apply', stage.applyRequest(order));
  await stage.ok('oMerchantOwnerHaowu', 'merchant.approve', { caseId: c._id });
  let done = await stage.get(buyer, c._id);
  for (let i = 0; i < 40 && done.status !== 'REFUNDED'; i += 1) {
    await new Promise((r) => setTimeout(r, 250));
    done = await stage.get(buyer, c._id);
  }
  expect(done.status).toBe('REFUNDED');
  const after = stage.wechatpay.stats;
  expect([after.refunds - before.refunds, after.callbacksAccepted - before.callbacksAccepted]).toEqual([1, 1]);
  // Within 2 s of real time, as SPEC §4 promises for the simulated gateway; not by a sweep.
  expect(await stage.now()).toBeLessThan(c.createdAt + HOUR_MS);
});

test('the host made its throwaway WeChat Pay keys under DATA_DIR, readable by the owner only', () => {
  const file = path.join(host.dataDir, ...(host.backend.name === 'cloud-sim' ? ['cloud-sim'] : []), 'wechatpay', 'local-keys.json');
  expect(fs.existsSync(file)).toBe(true);
  expect(fs.statSync(file).mode & 0o077).toBe(0);
  expect(fs.readFileSync(file, 'utf8')).toContain('PRIVATE KEY');
});
