/**
 * WeChat Pay v3 on the local host and in tests (SQLite backend): the v3 simulator on a port of its own,
 * over the simulated gateway's books; the shop-routed gateway in front of the use cases; the callback
 * loop sending v3 shops' results as signed v3 callbacks. The keys are a throwaway set made on first
 * use (under DATA_DIR for a host on disk), handed to the gateway through the same environment names
 * the cloud function reads (env.ts), so the local path is the cloud's.
 */
import type { Order, Shop } from '../../../../types/domain';
import type { RefundGateway } from '../../ports';
import type { LocalServices } from '../local/services';
import { wechatpayEnvFrom, type WechatpayEnv } from './env';
import { WechatPayV3Gateway } from './gateway';
import { generateWechatpayKeys, LOCAL_V3_PAYMENT, localWechatpayKeys, wechatpayEnvVars, type WechatpayTestKeys } from './keys';
import { SqliteNonceStore } from './nonces';
import type { NonceStore } from './notify';
import { ProviderRoutedGateway } from './router';
import { WechatPayV3Simulator, type SimulatorOptions } from './simulator';

export interface LocalWechatpay {
  simulator: WechatPayV3Simulator;
  env: WechatpayEnv;
  nonces: NonceStore;
  keys(): WechatpayTestKeys;
  /** The gateway the use cases call: v3 shops through the simulator, the rest through `fallback`. */
  gateway: ProviderRoutedGateway;
  /** Where the simulator sends callbacks and the gateway's notify_url points (the host's /api/wechatpayNotify). */
  setNotifyUrl(url: string): void;
  close(): Promise<void>;
}

export interface LocalWechatpayOptions {
  /** Keys from DATA_DIR (made on first use) or, for ':memory:', fresh ones. */
  keys?: WechatpayTestKeys;
  transport?: SimulatorOptions['transport'];
  /** The merchant the simulator knows (default LOCAL_V3_PAYMENT, the demo's). */
  payment?: typeof LOCAL_V3_PAYMENT;
}

export async function attachLocalWechatpay(local: LocalServices, opts: LocalWechatpayOptions = {}): Promise<LocalWechatpay> {
  const payment = opts.payment ?? LOCAL_V3_PAYMENT;
  let keys = opts.keys;
  const keysNow = (): WechatpayTestKeys => {
    keys ??= local.dataDir === ':memory:' ? generateWechatpayKeys() : localWechatpayKeys(local.dataDir);
    return keys;
  };
  const docOf = <T>(table: 'orders' | 'shops', id: string): T | undefined => {
    const row = local.db.prepare(`SELECT doc FROM ${table} WHERE id = ?`).get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  };
  const shopOfOrder = (orderId: string): Shop | undefined => {
    const order = docOf<Order>('orders', orderId);
    return order ? docOf<Shop>('shops', order.shopId) : undefined;
  };
  const simulator = new WechatPayV3Simulator({
    books: local.gateway,
    shopOfOrder,
    get platform() {
      return { keyId: payment.platformPublicKeyId ?? '', privateKey: keysNow().platformPrivateKey };
    },
    get merchants() {
      const k = keysNow();
      return [{ mchId: payment.mchId, certSerial: payment.certSerial, publicKey: k.merchantPublicKey, apiV3Key: k.apiV3Key }];
    },
    defaultNotifyUrl: () => notifyUrl,
    transport: opts.transport,
  });
  const baseUrl = await simulator.listen(0);
  let notifyUrl = '';
  let vars: Record<string, string> | undefined;
  const varsNow = () => (vars ??= wechatpayEnvVars(payment, keysNow(), { baseUrl }));
  // The names env.ts reads, made (and the keys generated) only when something asks for them.
  const lazyEnv = {} as NodeJS.ProcessEnv;
  for (const name of Object.keys(wechatpayEnvVars(payment, { merchantPrivateKey: '', merchantPublicKey: '', platformPrivateKey: '', platformPublicKey: '', apiV3Key: '' }, { baseUrl }))) {
    Object.defineProperty(lazyEnv, name, { enumerable: true, get: () => varsNow()[name] });
  }
  Object.defineProperty(lazyEnv, 'WECHATPAY_NOTIFY_URL', { enumerable: true, get: () => notifyUrl });
  const env = wechatpayEnvFrom(lazyEnv);
  const fallback: RefundGateway = local.gateway;
  const gateway = new ProviderRoutedGateway({
    fallback,
    v3: (s) => new WechatPayV3Gateway({ merchant: env.merchant(s), baseUrl: env.baseUrl, notifyUrl: () => env.notifyUrl, timeoutMs: 5_000 }),
    shops: local.svc.shops,
    orders: local.svc.orders,
    cases: local.svc.cases,
  });
  local.svc.gateway = gateway;
  return {
    simulator,
    env,
    nonces: new SqliteNonceStore(local.db),
    keys: keysNow,
    gateway,
    setNotifyUrl(url) {
      notifyUrl = url;
    },
    close: () => simulator.close(),
  };
}
