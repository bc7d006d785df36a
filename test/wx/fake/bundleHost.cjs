/**
 * Runs one built cloud function (cloudfunctions/<fn>/index.js) the way the cloud function runtime
 * does: a Node process whose environment points wx-server-sdk at the service (here the loopback), the
 * caller's identity in WX_* variables for each invocation, `main(event, context)` called per event.
 *
 * A Module._load hook stands where the cloud's `npm install` would: the bundle may require Node's own
 * modules and wx-server-sdk (its package.json's only dependency) and nothing else — anything else
 * would be missing in the cloud, so it fails here.
 */
const Module = require('module');
const path = require('path');

const bundle = path.resolve(process.argv[2]);
const requested = [];
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (parent && parent.filename === bundle) {
    requested.push(request);
    const builtin = Module.builtinModules.includes(request.replace(/^node:/, ''));
    if (!builtin && request !== 'wx-server-sdk') {
      throw new Error(`${path.basename(path.dirname(bundle))} requires ${request}, which the cloud function does not install`);
    }
  }
  return originalLoad.call(this, request, parent, isMain);
};

const started = process.hrtime.bigint();
const fn = require(bundle);
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
process.send({ type: 'ready', loadMs, requested, hasMain: typeof fn.main === 'function' });

process.on('message', async (msg) => {
  if (msg.type !== 'invoke') return;
  // The runtime exposes the caller through these variables; getWXContext() reads them on each call.
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_SOURCE';
  process.env.WX_APPID = 'wx0123456789abcdef';
  if (msg.openid) process.env.WX_OPENID = msg.openid;
  else delete process.env.WX_OPENID;
  // getWXContext().SOURCE: what started the run (wx_client, wx_trigger, wx_paycallback, …).
  if (msg.source) process.env.WX_SOURCE = msg.source;
  else delete process.env.WX_SOURCE;
  const t = process.hrtime.bigint();
  try {
    const result = await fn.main(msg.event, msg.context);
    process.send({ type: 'result', id: msg.id, result, ms: Number(process.hrtime.bigint() - t) / 1e6 });
  } catch (e) {
    process.send({ type: 'result', id: msg.id, error: String((e && e.stack) || e) });
  }
});

process.on('unhandledRejection', (reason) => {
  process.send({ type: 'unhandled', reason: String((reason && reason.stack) || reason) });
});
