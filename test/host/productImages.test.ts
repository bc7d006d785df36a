/**
 * The demo's product pictures (issue 17 item 5), on either backend (jest projects `server` and
 * `cloud-sim`): drawn here at seed time (never fetched), valid PNGs, the same bytes every time, served
 * at `/files/products/<name>`; the demo's orders name them, a case carries its line's picture for the
 * cards, and the checkout's order lines get the product's picture.
 */
import fs from 'fs';
import path from 'path';
import { inflateSync } from 'zlib';
import type { AfterSaleCase, Order } from '../../types/domain';
import { demoOrders, demoShops, DEMO_SHOP_ID } from '../../src/server/seed/demo';
import { crc32, DEMO_PRODUCT_ART, PNG_SIGNATURE, PRODUCT_IMAGE_SIZE, productImagePng } from '../../src/server/seed/productImages';
import { productImageUrl } from '../../src/services/productImage';
import { HostClient, ok } from '../support/http';
import { startInProcessHost, TEST_BACKEND, type InProcessHost } from '../support/host';

jest.setTimeout(120_000);

/** The chunks of a PNG, each CRC checked. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const out: { type: string; data: Buffer }[] = [];
  let at = 8;
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

describe('the drawn pictures', () => {
  const skus = new Set([...demoOrders(Date.now()).flatMap((o) => o.items.map((i) => i.skuId)), ...(demoShops()[0].products ?? []).map((p) => p.skuId)]);

  test('every SKU the demo sells or has sold has one, a valid 240×240 RGB PNG that decodes to its pixels', () => {
    expect([...skus].filter((s) => !DEMO_PRODUCT_ART[s])).toEqual([]);
    for (const sku of skus) {
      const png = productImagePng(sku)!;
      const cs = chunks(png);
      expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      const ihdr = cs[0].data;
      expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([PRODUCT_IMAGE_SIZE, PRODUCT_IMAGE_SIZE, 8, 2]);
      const raw = inflateSync(cs[1].data);
      expect(raw.length).toBe((PRODUCT_IMAGE_SIZE * 3 + 1) * PRODUCT_IMAGE_SIZE);
      // A picture, not a blank: more than a handful of colours.
      const colours = new Set<number>();
      for (let i = 1; i < raw.length; i += 3 * 7) colours.add(raw.readUIntBE(i, 3));
      expect(colours.size).toBeGreaterThan(10);
      expect(png.length).toBeLessThan(16 * 1024);
    }
  });

  test('deterministic: the same bytes drawn again from scratch', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../src/server/seed/productImages') as typeof import('../../src/server/seed/productImages');
      for (const sku of ['SKU-PILLOW', 'SKU-CRAB', 'SKU-TEST-1FEN']) expect(fresh.productImagePng(sku)!.equals(productImagePng(sku)!)).toBe(true);
    });
    expect(productImagePng('SKU-NOT-IN-THE-DEMO')).toBeNull();
  });
});

describe(`a demo host (${TEST_BACKEND})`, () => {
  let host: InProcessHost;
  let api: HostClient;
  beforeAll(async () => {
    host = await startInProcessHost({ seedDemo: true });
    api = new HostClient(host.url);
  });
  afterAll(async () => {
    await host?.stop();
  });

  test('wrote the pictures under DATA_DIR/products and serves them, public, as image/png', async () => {
    expect(fs.readdirSync(path.join(host.dataDir, 'products')).sort()).toEqual(Object.keys(DEMO_PRODUCT_ART).map((s) => `${s}.png`).sort());
    const res = await fetch(`${host.url}/files/products/SKU-PILLOW.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(productImagePng('SKU-PILLOW')!)).toBe(true);
    for (const bad of ['SKU-NOPE.png', '..%2Fhost.json', 'SKU-PILLOW.svg', '%2E%2E']) {
      expect([bad, (await fetch(`${host.url}/files/products/${bad}`)).status]).toEqual([bad, 404]);
    }
  });

  test('the demo orders name their pictures; a case carries its line’s picture to the buyer’s and the shop’s lists', async () => {
    const buyer = 'oBuyerZhangWei';
    const od1001 = ok(await api.call(buyer, 'order.get', { orderId: 'OD1001' })) as Order;
    expect(od1001.items.map((i) => productImageUrl(i.image))).toEqual(['/files/products/SKU-BED-4PC.png', '/files/products/SKU-PILLOW.png']);
    if (TEST_BACKEND === 'cloud-sim') expect(od1001.items[0].image).toMatch(/^cloud:\/\/[^/]+\/products\/SKU-BED-4PC\.png$/);
    const c = ok(
      await api.call(buyer, 'apply', {
        orderId: 'OD1001',
        type: 'REFUND_ONLY',
        reason: 'QUALITY',
        items: [{ skuId: 'SKU-PILLOW', qty: 1 }],
        amountFen: 5_000,
        description: '枕头有异味，拆开后一直散不掉',
        evidence: [],
        idempotencyKey: 'img-apply-1',
      }),
    ) as AfterSaleCase;
    expect(productImageUrl(c.itemImage)).toBe('/files/products/SKU-PILLOW.png');
    const mine = ok(await api.call(buyer, 'listMine', {})).items as AfterSaleCase[];
    expect(productImageUrl(mine.find((x) => x._id === c._id)?.itemImage)).toBe('/files/products/SKU-PILLOW.png');
    const panel = ok(await api.call('oMerchantStaffHaowu', 'merchant.list', { status: 'PENDING' })).items as AfterSaleCase[];
    expect(productImageUrl(panel.find((x) => x._id === c._id)?.itemImage)).toBe('/files/products/SKU-PILLOW.png');
  });

  test('order.create gives each line its product’s picture', async () => {
    const o = ok(await api.call('oBuyerLiuYang', 'order.create', { shopId: DEMO_SHOP_ID, items: [{ skuId: 'SKU-LAMP', qty: 1 }] })) as Order;
    expect(productImageUrl(o.items[0].image)).toBe('/files/products/SKU-LAMP.png');
  });
});
