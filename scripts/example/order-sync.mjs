// A shop's order system sending its orders to the after-sale system (docs/ORDER-SYNC.md).
// Local host:  SYNC_URL=http://127.0.0.1:8787 SHOP_ID=shop_… SHOP_KEY=sk_… node scripts/example/order-sync.mjs
// WeChat cloud: SYNC_ACCESS_TOKEN=… SYNC_ENV=prod-xxxx SHOP_ID=… SHOP_KEY=… node scripts/example/order-sync.mjs
// Node 18+ (global fetch), no dependencies.
const { SYNC_URL = 'http://127.0.0.1:8787', SYNC_ACCESS_TOKEN, SYNC_ENV, SHOP_ID, SHOP_KEY } = process.env;
if (!SHOP_ID || !SHOP_KEY) {
  console.error('set SHOP_ID and SHOP_KEY (店主在小程序「商家后台 → 订单同步密钥」生成)');
  process.exit(1);
}

const now = Date.now();
const orders = [
  {
    _id: `SO${now}`, // your order number: it becomes WeChat Pay's out_trade_no for refunds
    shopId: SHOP_ID,
    buyerOpenid: 'oBuyerZhangWei', // the buyer's openid in this mini-program
    status: 'DELIVERED',
    paidFen: 10800, // everything paid, shipping included, in fen
    shippingFen: 800,
    payChannel: 'WECHAT',
    paidAt: now - 3 * 86400000,
    shippedAt: now - 2 * 86400000,
    deliveredAt: now - 3600000,
    items: [{ skuId: 'mug-blue', title: '手绘马克杯 蓝', unitFen: 5000, qty: 2, paidFen: 10000, kind: 'NORMAL' }],
  },
];

async function send(batch) {
  if (SYNC_ACCESS_TOKEN) {
    // WeChat's HTTP API: the event is the body; the key travels as event.shopKey.
    const url = `https://api.weixin.qq.com/tcb/invokecloudfunction?access_token=${SYNC_ACCESS_TOKEN}&env=${SYNC_ENV}&name=orderSync`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shopId: SHOP_ID, orders: batch, shopKey: SHOP_KEY }) });
    const outer = await res.json();
    if (outer.errcode !== 0) throw new Error(`invokecloudfunction: ${outer.errcode} ${outer.errmsg}`);
    return JSON.parse(outer.resp_data);
  }
  const res = await fetch(`${SYNC_URL}/api/orderSync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shop-key': SHOP_KEY },
    body: JSON.stringify({ shopId: SHOP_ID, orders: batch }),
  });
  return res.json();
}

// At most 100 orders a call.
for (let i = 0; i < orders.length; i += 100) {
  const reply = await send(orders.slice(i, i + 100));
  if (!reply.ok) {
    console.error('refused:', reply.error); // FORBIDDEN: the key is wrong or was rotated; INVALID_INPUT: see error.field
    process.exit(1);
  }
  const { upserted, unchanged, rejected } = reply.data;
  console.log(`upserted ${upserted.length}, unchanged ${unchanged.length}, rejected ${rejected.length}`);
  for (const r of rejected) console.log(`  ${r._id ?? `#${r.index}`}: ${r.error.code} ${r.error.field ?? ''} ${r.error.message}`);
}
