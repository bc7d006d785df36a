/**
 * Issue 12 item 4: a page on another origin, in Chromium, sent `fetch(…, {mode: 'no-cors'})` with a
 * text/plain body to the local host, made itself a PLATFORM user through /__dev/seed and moved the
 * clock: the body reader parsed JSON whatever the content type, and nothing checked Origin.
 *
 * SPEC §4 "Browsers": the host changes state only for `application/json` (uploads: multipart); any
 * other content type → 400 INVALID_INPUT on `content-type`. An `Origin` that is present and is not
 * `http://127.0.0.1:PORT` or `http://localhost:PORT` → 403 FORBIDDEN. Both change nothing, /__dev/*
 * included. Requests without Origin (tools, tests) and from the host's own pages still work.
 */
import { randomBytes } from 'crypto';
import type { HttpReply } from '../support/http';
import { ok } from '../support/http';
import { SAMPLE_FILES } from '../support/media';
import { contentDigest, OWNER, REVIEWER, SHOP, Stage } from '../hardening/support';

jest.setTimeout(60_000);

let stage: Stage;
let port: number;

beforeAll(async () => {
  stage = await Stage.inProcess();
  port = stage.host!.port;
});
afterAll(async () => {
  await stage?.stop();
});

const ATTACKER = 'oAttackerFromEvilPage';
const YEAR_2099 = Date.UTC(2099, 0, 1);

function refusal(r: HttpReply): [number, string, string | undefined] {
  return r.body.ok ? [r.status, 'ok', undefined] : [r.status, r.body.error.code, r.body.error.field];
}

/** What the attacking page sent, as JSON text (the body a no-cors fetch carries as text/plain). */
async function attacks(): Promise<[string, string, string | undefined][]> {
  const buyer = stage.newBuyer('victim');
  const order = await stage.seedOrder(buyer);
  return [
    ['/__dev/seed', JSON.stringify({ merchants: [{ openid: ATTACKER, shopId: SHOP, role: 'PLATFORM' }] }), undefined],
    ['/__dev/clock', JSON.stringify({ now: YEAR_2099, frozen: true }), undefined],
    ['/api/afterSale', JSON.stringify({ ...stage.applyRequest(order), action: 'apply' }), buyer],
    ['/__dev/reset', '{}', undefined],
    ['/__dev/run/autoApprove', '{}', undefined],
    ['/api/refundNotify', JSON.stringify({ outRefundNo: 'AS1-1', status: 'SUCCESS' }), undefined],
  ];
}

/** Nothing the attacks aimed at happened: no PLATFORM attacker, the clock where it was, not one row moved. */
async function expectUnchanged(digest: string, clockBefore: number): Promise<void> {
  expect(contentDigest(stage.db)).toBe(digest);
  const identities = ok(await stage.api.dev.identities());
  expect(identities.some((i) => i.openid === ATTACKER)).toBe(false);
  const now = await stage.now();
  expect(now).toBeGreaterThanOrEqual(clockBefore);
  expect(now).toBeLessThan(clockBefore + 60_000);
}

describe('issue 12: a cross-site page drove the local host (SPEC §4 "Browsers")', () => {
  const notJson = [
    'text/plain;charset=UTF-8', // what Chromium sends for a string body in mode: 'no-cors'
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW',
    'application/jsonp',
    'application/json-patch+json',
    'text/json',
  ];

  test('a text/plain body (a no-cors fetch) to /api/afterSale, /__dev/seed and /__dev/clock is refused, 400 on `content-type`, and changes nothing', async () => {
    const targets = await attacks();
    const [digest, clockBefore] = [contentDigest(stage.db), await stage.now()];
    for (const [route, body, openid] of targets) {
      for (const type of notJson) {
        const r = await stage.api.raw(route, { method: 'POST', body, openid, headers: { 'content-type': type } });
        expect([route, type, ...refusal(r)]).toEqual([route, type, 400, 'INVALID_INPUT', 'content-type']);
      }
      // No content type at all is not JSON either.
      const bare = await stage.api.raw(route, { method: 'POST', body: new TextEncoder().encode(body), openid });
      expect([route, ...refusal(bare)]).toEqual([route, 400, 'INVALID_INPUT', 'content-type']);
    }
    await expectUnchanged(digest, clockBefore);
  });

  test('an upload must be multipart: a JSON or text body to /upload is refused on `content-type` and stores nothing', async () => {
    const buyer = stage.newBuyer('up');
    const digest = contentDigest(stage.db);
    for (const type of ['application/json', 'text/plain;charset=UTF-8', 'image/jpeg', 'application/octet-stream']) {
      const r = await stage.api.raw('/upload', { method: 'POST', body: SAMPLE_FILES.jpeg.bytes, openid: buyer, headers: { 'content-type': type } });
      expect([type, ...refusal(r)]).toEqual([type, 400, 'INVALID_INPUT', 'content-type']);
    }
    expect(contentDigest(stage.db)).toBe(digest);
  });

  test('a foreign Origin gets 403 FORBIDDEN on every state change, /__dev/* included, and changes nothing', async () => {
    const targets = await attacks();
    const [digest, clockBefore] = [contentDigest(stage.db), await stage.now()];
    const foreign = [
      'https://evil.example',
      'null', // sandboxed iframes, file:// pages
      `http://evil.example:${port}`, // DNS rebinding: the same port under another name
      `http://127.0.0.1:${port + 1}`,
      `http://localhost:${port === 65_535 ? 1 : port + 1}`,
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}.evil.example`,
      `http://127.0.0.1`,
      `http://[::1]:${port}`,
    ];
    for (const origin of foreign) {
      for (const [route, body, openid] of targets) {
        // Even with the JSON content type (a page may send it after a preflight the host never answers).
        const r = await stage.api.raw(route, { method: 'POST', body, openid, headers: { 'content-type': 'application/json', origin } });
        expect([origin, route, ...refusal(r)]).toEqual([origin, route, 403, 'FORBIDDEN', undefined]);
      }
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(Buffer.concat([SAMPLE_FILES.jpeg.bytes, randomBytes(8)]))]), 'a.jpg');
      const up = await stage.api.raw('/upload', { method: 'POST', body: form, openid: ATTACKER, headers: { origin } });
      expect([origin, ...refusal(up)]).toEqual([origin, 403, 'FORBIDDEN', undefined]);
    }
    await expectUnchanged(digest, clockBefore);
  });

  test('a foreign Origin cannot read data either: /__dev/outbox, /__dev/identities, /__dev/tickets and /files answer 403 without it', async () => {
    const buyer = stage.newBuyer('read');
    const photo = ok(await stage.api.upload(buyer, Buffer.concat([SAMPLE_FILES.jpeg.bytes, randomBytes(8)]), 'a.jpg'));
    const filePath = photo.url;
    const reads = ['/__dev/outbox', `/__dev/outbox?toOpenid=${buyer}`, '/__dev/identities', '/__dev/tickets', `${filePath}?openid=${buyer}`];
    for (const p of reads) {
      const mine = await fetch(stage.api.baseUrl + p, { headers: { 'x-wx-openid': buyer } });
      expect([p, mine.status]).toEqual([p, 200]);
      const r = await fetch(stage.api.baseUrl + p, { headers: { origin: 'https://evil.example', 'x-wx-openid': REVIEWER } });
      const text = await r.text();
      expect([p, r.status]).toEqual([p, 403]);
      expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(text).not.toContain(buyer);
    }
  });

  test('same-origin requests (127.0.0.1 or localhost on this port) and requests without Origin work', async () => {
    const origins: (string | undefined)[] = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, undefined];
    for (const origin of origins) {
      const headers = { 'content-type': 'application/json', ...(origin ? { origin } : {}) };
      const buyer = stage.newBuyer('same');
      const order = await stage.seedOrder(buyer);
      const now = await stage.now();
      expect(refusal(await stage.api.raw('/__dev/clock', { method: 'POST', body: JSON.stringify({ now }), headers }))).toEqual([200, 'ok', undefined]);
      // Parameters and letter case of the media type do not matter.
      const c = await stage.api.raw('/api/afterSale', {
        method: 'POST',
        body: JSON.stringify({ ...stage.applyRequest(order), action: 'apply' }),
        openid: buyer,
        headers: { ...headers, 'content-type': 'Application/JSON; charset=utf-8' },
      });
      expect([origin, ...refusal(c)]).toEqual([origin, 200, 'ok', undefined]);
      const seeded = await stage.api.raw('/__dev/seed', { method: 'POST', body: JSON.stringify({ orders: [{ ...order, _id: `${order._id}_b` }] }), headers });
      expect([origin, ...refusal(seeded)]).toEqual([origin, 200, 'ok', undefined]);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(Buffer.concat([SAMPLE_FILES.png.bytes, randomBytes(8)]))]), 'p.png');
      const up = await stage.api.raw<{ fileId: string }>('/upload', { method: 'POST', body: form, openid: buyer, headers: origin ? { origin } : {} });
      expect([origin, ...refusal(up)]).toEqual([origin, 200, 'ok', undefined]);
      const outbox = await stage.api.raw('/__dev/outbox', { headers: origin ? { origin } : {} });
      expect([origin, ...refusal(outbox)]).toEqual([origin, 200, 'ok', undefined]);
      const merchantView = await stage.api.raw('/api/afterSale', { method: 'POST', body: JSON.stringify({ action: 'merchant.list' }), openid: OWNER, headers });
      expect([origin, ...refusal(merchantView)]).toEqual([origin, 200, 'ok', undefined]);
    }
  });
});
