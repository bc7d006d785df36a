import { CATALOGUE } from '../../../core/errors';
import { handleAfterSale, handleRefundNotify } from '../../handler';
import { ALICE, makeWorld, type World } from './support/world';

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.close());

describe('the reply envelope', () => {
  test('an unexpected failure is INTERNAL_ERROR 500 with the catalogue’s words, never the exception’s', async () => {
    w.svc.merchants.get = async () => {
      throw new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path');
    };
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const r = await handleAfterSale(w.svc, ALICE, { action: 'whoami' });
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
    expect(r).toEqual({ status: 500, body: { ok: false, error: { code: 'INTERNAL_ERROR', ...CATALOGUE.INTERNAL_ERROR } } });
    expect(JSON.stringify(r)).not.toContain('secret');
  });

  test('a success is 200 {ok:true,data}; a rule failure carries code, message, solution, field and rule', async () => {
    expect(await handleAfterSale(w.svc, ALICE, { action: 'whoami' })).toEqual({
      status: 200,
      body: { ok: true, data: { openid: ALICE, role: 'BUYER' } },
    });
    const r = await handleAfterSale(w.svc, ALICE, { action: 'listMine', limit: 0 });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '「每页条数」填写有误', solution: CATALOGUE.INVALID_INPUT.solution, field: 'limit' },
    });
  });

  test('the refund callback answers in the same envelope', async () => {
    // An unknown refund number is acknowledged as received (callbacks are hints, SPEC §4).
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await handleRefundNotify(w.svc, { outRefundNo: 'X-1', status: 'SUCCESS' })).toEqual({
      status: 200,
      body: { ok: true, data: { outRefundNo: 'X-1', applied: false } },
    });
    warn.mockRestore();
    expect(await handleRefundNotify(w.svc, { outRefundNo: 'X-1', status: 'PAID' })).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'INVALID_INPUT', field: 'status' } },
    });
  });
});
