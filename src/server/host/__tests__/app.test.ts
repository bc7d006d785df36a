import fs from 'fs';
import path from 'path';
import { createHash } from 'crypto';
import type { Order } from '../../../../types/domain';
import { DEFAULT_SETTINGS, LIMITS } from '../../../core/settings';
import { HOUR_MS } from '../../../core/time';
import { HostClient, ok } from '../../../../test/support/http';
import { startInProcessHost, tempDataDir, type InProcessHost } from '../../../../test/support/host';
import { padTo, SAMPLE_FILES } from '../../../../test/support/media';
import { makeItem, makeOrder } from '../../../../test/support/fixtures';

const SHOP = { _id: 'shop_a', name: '好物小铺', verified: true, returnAddress: { name: '王芳', phone: '13957101234', address: '杭州市余杭区文一西路998号' } };
const OTHER_SHOP = { _id: 'shop_b', name: '海淘精选', verified: true };
const BUYER = 'oBuyerA';
const OTHER_BUYER = 'oBuyerB';
const STAFF = 'oStaffA';
const OTHER_STAFF = 'oStaffB';
const PLATFORM = 'oPlatform';

// The machine is shared: uploads of 50 MB and real-time timers need more than jest's 5 s on a busy day.
jest.setTimeout(20_000);

let host: InProcessHost;
let api: HostClient;

async function seedWorld(now: number): Promise<Order> {
  const order = makeOrder({
    _id: 'order_1',
    shopId: SHOP._id,
    buyerOpenid: BUYER,
    paidAt: now - 3 * 24 * HOUR_MS,
    shippedAt: now - 2 * 24 * HOUR_MS,
    deliveredAt: now - 24 * HOUR_MS,
    items: [makeItem({ skuId: 'sku_shirt', title: '纯棉T恤 白色 L码', unitFen: 9_900, qty: 2 })],
  });
  ok(
    await api.dev.seed({
      shops: [SHOP, OTHER_SHOP],
      merchants: [
        { openid: STAFF, shopId: SHOP._id, role: 'STAFF' },
        { openid: OTHER_STAFF, shopId: OTHER_SHOP._id, role: 'OWNER' },
        { openid: PLATFORM, shopId: 'platform', role: 'PLATFORM' },
      ],
      orders: [order],
    }),
  );
  return order;
}

beforeAll(async () => {
  // An empty dist dir: these tests must not depend on whether the H5 app has been built.
  host = await startInProcessHost({ distDir: tempDataDir('no-dist') });
  api = new HostClient(host.url);
});

afterAll(async () => {
  await host.stop();
});

beforeEach(async () => {
  ok(await api.dev.reset());
});

function expectEnvelope(r: { status: number; body: unknown }, status: number, code: string, field?: string) {
  expect(r.status).toBe(status);
  expect(r.body).toMatchObject({ ok: false, error: { code, message: expect.any(String), solution: expect.any(String), ...(field ? { field } : {}) } });
}

describe('bodies that are not a JSON object', () => {
  const routes = ['/api/afterSale', '/api/autoApprove', '/api/refundNotify', '/__dev/seed', '/__dev/clock', '/__dev/reset', '/__dev/run/autoApprove'];
  const bodies: [string, string | Uint8Array][] = [
    ['not JSON', '{"action": "get",'],
    ['an array', '[{"action":"get"}]'],
    ['a string', '"apply"'],
    ['null', 'null'],
    ['a number', '42'],
    ['empty', ''],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['1 MB', JSON.stringify({ action: 'get', caseId: 'x'.repeat(1024 * 1024) })],
  ];

  it.each(routes)('%s answers each with the INVALID_INPUT envelope on `body`, and changes nothing', async (route) => {
    await seedWorld(Date.now());
    const before = host.local.db.prepare('SELECT (SELECT COUNT(*) FROM shops) + (SELECT COUNT(*) FROM orders) AS n').get();
    for (const [, body] of bodies) {
      const r = await api.raw(route, { method: 'POST', body, openid: BUYER, headers: { 'content-type': 'application/json' } });
      expectEnvelope(r, 400, 'INVALID_INPUT', 'body');
    }
    expect(host.local.db.prepare('SELECT (SELECT COUNT(*) FROM shops) + (SELECT COUNT(*) FROM orders) AS n').get()).toEqual(before);
  });

  it('refuses an oversized body sent without Content-Length (chunked) once it passes the cap, without reading it all', async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Stop offering data well before 64 MB: the host must answer long before the end.
        if (sent > 8 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${host.url}/api/afterSale`, {
      method: 'POST',
      body: stream,
      headers: { 'x-wx-openid': BUYER, 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'body' } });
    const health = ok(await api.get<{ status: string }>('/healthz'));
    expect(health.status).toBe('ok');
  });

  it('passes a JSON object through to the handler, which names the field it dislikes', async () => {
    const r = await api.post('/api/afterSale', { action: 'get', caseId: 42 }, BUYER);
    expectEnvelope(r, 400, 'INVALID_INPUT', 'caseId');
  });
});

describe('routes', () => {
  it.each([
    ['GET', '/api/nothing'],
    ['POST', '/api/nothing'],
    ['GET', '/api/afterSale'],
    ['POST', '/nothing'],
    ['GET', '/__dev/nothing'],
    ['DELETE', '/upload'],
    ['GET', '/files/evidence/oBuyerA/0123456789abcdef0123456789abcdef.jpg'],
  ])('%s %s → NOT_FOUND envelope (or FORBIDDEN without identity for files)', async (method, p) => {
    // A request that can change state says what it sends (SPEC §4 "Browsers"); test/host/browsers.test.ts covers the rest.
    const r = await api.raw(p, { method, openid: BUYER, headers: { 'content-type': 'application/json' } });
    expectEnvelope(r, 404, 'NOT_FOUND');
  });

  it('an unknown timer function → NOT_FOUND', async () => {
    expectEnvelope(await api.post('/__dev/run/closeOrders', {}), 404, 'NOT_FOUND');
  });

  it('GET /healthz answers with the host clock', async () => {
    const now = 1_700_000_000_000;
    ok(await api.dev.clock(now));
    const h = ok(await api.get<{ status: string; now: number }>('/healthz'));
    expect(h.status).toBe('ok');
    expect(h.now).toBeGreaterThanOrEqual(now);
    expect(h.now).toBeLessThan(now + 60_000);
  });

  it('no identity on the cloud function → FORBIDDEN from the handler', async () => {
    expectEnvelope(await api.post('/api/afterSale', { action: 'listMine' }), 403, 'FORBIDDEN');
  });
});

describe('a thrown bug', () => {
  it('becomes the INTERNAL_ERROR envelope with 500, is logged, and the host keeps serving', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = await startInProcessHost({
      handlers: {
        afterSale: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'status')");
        },
        refundNotify: async () => ({ status: 200, body: { ok: true, data: null } }),
        sweep: async () => {
          throw new Error('sweep bug');
        },
      },
    });
    const client = new HostClient(broken.url);
    const r = await client.post('/api/afterSale', { action: 'listMine' }, BUYER);
    expectEnvelope(r, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(r.body)).not.toContain('Cannot read');
    expectEnvelope(await client.post('/__dev/run/autoApprove', {}), 500, 'INTERNAL_ERROR');
    expect(logged).toHaveBeenCalled();
    expect(ok(await client.get<{ status: string }>('/healthz')).status).toBe('ok');
    await broken.stop();
    logged.mockRestore();
  });
});

describe('POST /upload', () => {
  it.each(Object.entries(SAMPLE_FILES))('stores a %s and answers its file id, SHA-256 and size', async (_name, sample) => {
    const r = await api.upload(BUYER, sample.bytes, `evidence.${sample.ext}`, 'application/octet-stream');
    const data = ok(r);
    const sha = createHash('sha256').update(sample.bytes).digest('hex');
    const name = `${BUYER}/${sha.slice(0, 32)}.${sample.ext}`;
    expect(data).toEqual({ fileId: `local://evidence/${name}`, url: `/files/evidence/${name}`, sha256: sha, size: sample.bytes.length, kind: sample.kind });
    expect((await fetch(`${host.url}${data.url}`, { headers: { 'x-wx-openid': BUYER } })).status).toBe(200);
    expect(await host.local.svc.files.stat(data.fileId)).toEqual({ sha256: sha, size: sample.bytes.length, kind: sample.kind });
  });

  it('trusts the bytes, not the declared type or name', async () => {
    expectEnvelope(await api.upload(BUYER, Buffer.from('<svg onload=alert(1)>'), 'photo.jpg', 'image/jpeg'), 400, 'INVALID_INPUT', 'file');
    const png = ok(await api.upload(BUYER, SAMPLE_FILES.png.bytes, 'clip.mp4', 'video/mp4'));
    expect(png.kind).toBe('image');
    expect(png.fileId.endsWith('.png')).toBe(true);
  });

  it('caps images at 10 MB and videos at 50 MB', async () => {
    const okImage = ok(await api.upload(BUYER, padTo(SAMPLE_FILES.jpeg, LIMITS.uploadMaxBytes.image), 'big.jpg'));
    expect(okImage.size).toBe(LIMITS.uploadMaxBytes.image);
    expectEnvelope(await api.upload(BUYER, padTo(SAMPLE_FILES.jpeg, LIMITS.uploadMaxBytes.image + 1), 'big.jpg'), 400, 'INVALID_INPUT', 'file');
    const video = ok(await api.upload(BUYER, padTo(SAMPLE_FILES.mp4, LIMITS.uploadMaxBytes.image + 1), 'clip.mp4'));
    expect(video.kind).toBe('video');
    const over = await api.upload(BUYER, padTo(SAMPLE_FILES.mp4, LIMITS.uploadMaxBytes.video + 1), 'long.mp4');
    expectEnvelope(over, 400, 'INVALID_INPUT', 'file');
    expect(over.body.ok === false && over.body.error.message).toContain('50MB');
  }, 60_000);

  it('wants exactly one file, from an identified caller, as multipart', async () => {
    const none = new FormData();
    none.append('note', '没有文件');
    expectEnvelope(await api.raw('/upload', { method: 'POST', body: none, openid: BUYER }), 400, 'INVALID_INPUT', 'file');
    const two = new FormData();
    two.append('file', new Blob([new Uint8Array(SAMPLE_FILES.jpeg.bytes)]), 'a.jpg');
    two.append('file', new Blob([new Uint8Array(SAMPLE_FILES.png.bytes)]), 'b.png');
    expectEnvelope(await api.raw('/upload', { method: 'POST', body: two, openid: BUYER }), 400, 'INVALID_INPUT', 'file');
    expectEnvelope(await api.upload(undefined, SAMPLE_FILES.jpeg.bytes), 403, 'FORBIDDEN');
    expectEnvelope(await api.upload('../etc', SAMPLE_FILES.jpeg.bytes), 403, 'FORBIDDEN');
    expectEnvelope(await api.post('/upload', { file: 'x' }, BUYER), 400, 'INVALID_INPUT', 'content-type');
    expectEnvelope(
      await api.raw('/upload', { method: 'POST', body: 'garbage', openid: BUYER, headers: { 'content-type': 'multipart/form-data; boundary=zzz' } }),
      400,
      'INVALID_INPUT',
      'body',
    );
  });
});

describe('GET /files/evidence/<openid>/<name>', () => {
  it('serves the uploader (header or ?openid=), the platform, and the buyer and shop of a case listing it; nobody else', async () => {
    const now = Date.now();
    await seedWorld(now);
    const up = ok(await api.upload(BUYER, SAMPLE_FILES.jpeg.bytes, 'broken.jpg'));

    const own = await api.file(up.fileId, BUYER);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/jpeg');
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await own.arrayBuffer())).toEqual(SAMPLE_FILES.jpeg.bytes);
    expect((await fetch(`${host.url}${up.fileId.replace('local://', '/files/')}?openid=${BUYER}`)).status).toBe(200);
    expect((await api.file(up.fileId, PLATFORM)).status).toBe(200);
    expect((await api.file(up.fileId)).status).toBe(403);
    expect((await api.file(up.fileId, OTHER_BUYER)).status).toBe(404);
    expect((await api.file(up.fileId, STAFF)).status).toBe(404);

    const applied = await api.call(BUYER, 'apply', {
      orderId: 'order_1',
      type: 'REFUND_ONLY',
      reason: 'QUALITY',
      items: [{ skuId: 'sku_shirt', qty: 1 }],
      amountFen: 9_900,
      description: '领口开线，袖子有污渍',
      evidence: [{ fileId: up.fileId, kind: 'image', sha256: up.sha256, tag: 'unboxing' }],
      idempotencyKey: 'upload-case-1',
    });
    ok(applied);
    expect((await api.file(up.fileId, STAFF)).status).toBe(200);
    expect((await api.file(up.fileId, OTHER_STAFF)).status).toBe(404);
    expect((await api.file(up.fileId, OTHER_BUYER)).status).toBe(404);
  });

  it('answers byte ranges, for video seeking', async () => {
    const bytes = padTo(SAMPLE_FILES.mp4, 1_000);
    const up = ok(await api.upload(BUYER, bytes, 'clip.mp4'));
    const part = await api.file(up.fileId, BUYER, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const tail = await api.file(up.fileId, BUYER, { range: 'bytes=-4' });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(996));
    expect((await api.file(up.fileId, BUYER, { range: 'bytes=2000-' })).status).toBe(416);
  });
});

describe('dev routes', () => {
  it('seed fills every default setting of a shop given none, and replaces by id', async () => {
    expect(ok(await api.dev.seed({ shops: [{ _id: 's1', name: '好物小铺', verified: false }] }))).toEqual({ shops: 1, merchants: 0, orders: 0 });
    expect((await host.local.svc.shops.get('s1'))?.settings).toEqual(DEFAULT_SETTINGS);
    ok(await api.dev.seed({ shops: [{ _id: 's1', name: '好物小铺', verified: true, settings: { autoApproveHours: 1 } }] }));
    const shop = await host.local.svc.shops.get('s1');
    expect(shop?.verified).toBe(true);
    expect(shop?.settings.autoApproveHours).toBe(1);
  });

  it('seed refuses a malformed document, naming the field, and writes nothing', async () => {
    const bad = makeOrder({ _id: 'o_bad' }) as unknown as Record<string, unknown>;
    bad.payChannel = 'ALIPAY';
    const r = await api.dev.seed({ shops: [{ _id: 's1', name: '店', verified: true }], orders: [bad] });
    expectEnvelope(r, 400, 'INVALID_INPUT', 'orders.0.payChannel');
    expect(await host.local.svc.shops.get('s1')).toBeNull();
    expectEnvelope(await api.dev.seed({ shops: [{ _id: 's1', name: '店', verified: 'yes' }] }), 400, 'INVALID_INPUT', 'shops.0.verified');
    expectEnvelope(await api.dev.seed({ stores: [] } as never), 400, 'INVALID_INPUT');
    // A subscribe key WeChat would refuse shows only when the first message fails; the seed refuses it.
    const keys = { decision: { progress: 'thing1' }, refund: { progress: 'thing1', time: 'amount2' } };
    expectEnvelope(await api.dev.seed({ shops: [{ _id: 's1', name: '店', verified: true, settings: { subscribeTemplateFields: keys } }] }), 400, 'INVALID_INPUT', 'shops.0.settings.subscribeTemplateFields.refund.time');
    expect(await host.local.svc.shops.get('s1')).toBeNull();
  });

  it('clock moves the host clock earlier or later, and it keeps running from there', async () => {
    const later = Date.now() + 30 * 24 * HOUR_MS;
    expect(ok(await api.dev.clock(later)).now).toBeGreaterThanOrEqual(later);
    const earlier = Date.UTC(2020, 0, 1);
    ok(await api.dev.clock(earlier));
    await new Promise((r) => setTimeout(r, 30));
    const now = await api.dev.now();
    expect(now).toBeGreaterThanOrEqual(earlier + 30);
    expect(now).toBeLessThan(earlier + 10_000);
    expectEnvelope(await api.post('/__dev/clock', { now: '2026-11-25' }), 400, 'INVALID_INPUT', 'now');
    expectEnvelope(await api.post('/__dev/clock', { now: 1.5 }), 400, 'INVALID_INPUT', 'now');
  });

  it('reset empties the orders, the cases, the outbox and the uploads', async () => {
    await seedWorld(Date.now());
    const up = ok(await api.upload(BUYER, SAMPLE_FILES.png.bytes));
    ok(await api.call(BUYER, 'apply', {
      orderId: 'order_1', type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'sku_shirt', qty: 1 }], amountFen: 9_900,
      description: '有破洞', evidence: [], idempotencyKey: 'reset-1',
    }));
    expect(ok(await api.dev.outbox()).length).toBeGreaterThan(0);
    ok(await api.dev.reset());
    expect(ok(await api.dev.outbox())).toEqual([]);
    expectEnvelope(await api.call(BUYER, 'order.get', { orderId: 'order_1' }), 404, 'NOT_FOUND');
    expect((await api.file(up.fileId, BUYER)).status).toBe(404);
    expect(ok(await api.dev.identities())).toEqual([]);
  });

  it('identities lists the merchants with their shops, then the buyers who have orders', async () => {
    await seedWorld(Date.now());
    expect(ok(await api.dev.identities())).toEqual([
      { openid: STAFF, role: 'STAFF', name: STAFF, shopId: SHOP._id, shopName: SHOP.name },
      { openid: OTHER_STAFF, role: 'OWNER', name: OTHER_STAFF, shopId: OTHER_SHOP._id, shopName: OTHER_SHOP.name },
      { openid: PLATFORM, role: 'PLATFORM', name: PLATFORM, shopId: 'platform' },
      { openid: BUYER, role: 'BUYER', name: BUYER },
    ]);
  });

  it('run/autoApprove approves a case past its 48 h, once; the refund then settles through run/refundNotify', async () => {
    // Callbacks only when asked, so nothing but these calls moves the case.
    const manual = await startInProcessHost({ refundNotifyIntervalMs: 0, distDir: tempDataDir('no-dist') });
    const saved = api;
    api = new HostClient(manual.url);
    try {
      await autoApproveThenNotify();
    } finally {
      api = saved;
      await manual.stop();
    }
  });

  async function autoApproveThenNotify() {
    const now = Date.now();
    await seedWorld(now);
    const c = ok(await api.call(BUYER, 'apply', {
      orderId: 'order_1', type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'sku_shirt', qty: 1 }], amountFen: 9_900,
      description: '有破洞', evidence: [], idempotencyKey: 'timer-1',
    }));
    ok(await api.dev.run('autoApprove'));
    expect(ok(await api.call(BUYER, 'get', { caseId: c._id })).status).toBe('PENDING');
    ok(await api.dev.clock(c.deadlineAt! + 1));
    ok(await api.dev.run('autoApprove'));
    const approved = ok(await api.call(BUYER, 'get', { caseId: c._id }));
    expect(approved.status).toBe('REFUNDING');
    expect(approved.refunds).toHaveLength(1);
    expect(approved.approvedBy).toBe('TIMEOUT');
    ok(await api.dev.run('autoApprove'));
    const again = ok(await api.call(BUYER, 'get', { caseId: c._id }));
    expect(again.refunds).toHaveLength(1);
    expect(again.history.filter((e) => e.action === 'AUTO_APPROVE')).toHaveLength(1);
    ok(await api.dev.clock(c.deadlineAt! + 10_000));
    expect(ok(await api.dev.run('refundNotify'))).toEqual({ delivered: 1 });
    const refunded = ok(await api.call(BUYER, 'get', { caseId: c._id }));
    expect(refunded.status).toBe('REFUNDED');
    expect(refunded.refunds.map((a) => a.status)).toEqual(['SUCCESS']);
    const outbox = ok(await api.dev.outbox({ caseId: c._id }));
    expect(outbox.map((n) => n.templateKey)).toEqual(['autoReply', 'decision', 'refund']);
    expect(outbox.every((n) => n.toOpenid === BUYER)).toBe(true);
  }
});

describe('timers', () => {
  it('a WECHAT refund at a verified shop settles within 2 s of real time, by the gateway loop alone', async () => {
    await seedWorld(Date.now());
    const c = ok(await api.call(BUYER, 'apply', {
      orderId: 'order_1', type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'sku_shirt', qty: 1 }], amountFen: 9_900,
      description: '有破洞', evidence: [], idempotencyKey: 'loop-1',
    }));
    const approvedAt = Date.now();
    expect(ok(await api.call(STAFF, 'merchant.approve', { caseId: c._id })).status).toBe('REFUNDING');
    let status = 'REFUNDING';
    while (status !== 'REFUNDED' && Date.now() - approvedAt < 3_000) {
      await new Promise((r) => setTimeout(r, 50));
      status = ok(await api.call(BUYER, 'get', { caseId: c._id })).status;
    }
    expect(status).toBe('REFUNDED');
    expect(Date.now() - approvedAt).toBeLessThan(2_000);
  });

  it('the sweep timer approves an overdue case without being asked', async () => {
    const timed = await startInProcessHost({ sweepIntervalMs: 100, distDir: tempDataDir('no-dist') });
    const client = new HostClient(timed.url);
    const saved = api;
    api = client;
    try {
      await seedWorld(Date.now());
      const c = ok(await client.call(BUYER, 'apply', {
        orderId: 'order_1', type: 'REFUND_ONLY', reason: 'QUALITY', items: [{ skuId: 'sku_shirt', qty: 1 }], amountFen: 9_900,
        description: '有破洞', evidence: [], idempotencyKey: 'sweep-timer-1',
      }));
      ok(await client.dev.clock(c.deadlineAt! + 1));
      const started = Date.now();
      let status = 'PENDING';
      while (status === 'PENDING' && Date.now() - started < 3_000) {
        await new Promise((r) => setTimeout(r, 50));
        status = ok(await client.call(BUYER, 'get', { caseId: c._id })).status;
      }
      expect(status).not.toBe('PENDING');
    } finally {
      api = saved;
      await timed.stop();
    }
  });
});

describe('the H5 build at /', () => {
  let distDir: string;
  let h5: InProcessHost;
  let client: HostClient;

  beforeAll(async () => {
    distDir = tempDataDir('dist');
    fs.mkdirSync(path.join(distDir, 'js'));
    fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>售后</title><div id="app"></div>');
    fs.writeFileSync(path.join(distDir, 'js', 'app.1a2b3c4d.js'), 'console.log("售后")');
    h5 = await startInProcessHost({ distDir });
    client = new HostClient(h5.url);
  });
  afterAll(async () => {
    await h5.stop();
  });

  it('serves index.html at / and for any page path, assets with their type', async () => {
    for (const p of ['/', '/pages/order/index', '/merchant/panel/index.html']) {
      const res = await fetch(h5.url + p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<div id="app">');
    }
    const js = await fetch(`${h5.url}/js/app.1a2b3c4d.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 envelopes for missing assets, server paths and paths outside the build', async () => {
    expectEnvelope(await client.get('/js/missing.js'), 404, 'NOT_FOUND');
    expectEnvelope(await client.get('/api/afterSale'), 404, 'NOT_FOUND');
    expectEnvelope(await client.get('/__dev/nothing'), 404, 'NOT_FOUND');
    const escape = await fetch(`${h5.url}/..%2f..%2fpackage.json`);
    expect(await escape.text()).not.toContain('"dependencies"');
  });

  it('without a build, the API still works and / says how to build', async () => {
    const r = await api.get('/');
    expectEnvelope(r, 404, 'NOT_FOUND');
    expect(r.body.ok === false && r.body.error.message).toContain('npm run build:h5');
    expect((await api.get('/healthz')).status).toBe(200);
  });
});
