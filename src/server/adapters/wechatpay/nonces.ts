/** The v3 callback's nonce, used once (notify.ts NonceStore): SQLite here, the cloud database in wx. */
import { createHash } from 'crypto';
import type { Db } from '../sqlite/open';
import { COLLECTIONS, type WxDatabase } from '../wx/sdk';
import type { NonceStore } from './notify';

export class SqliteNonceStore implements NonceStore {
  constructor(private readonly db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS wechatpay_notify_nonces (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT');
  }

  async claim(key: string, expiresAtS: number): Promise<boolean> {
    const nowS = Math.floor(Date.now() / 1000);
    this.db.prepare('DELETE FROM wechatpay_notify_nonces WHERE expires_at < ?').run(nowS);
    return this.db.prepare('INSERT OR IGNORE INTO wechatpay_notify_nonces (key, expires_at) VALUES (?, ?)').run(key, expiresAtS).changes === 1;
  }
}

/**
 * In the cloud: one document per nonce in the counters collection (no collection of its own to create),
 * `_id` the hash of the key; `add` fails when the `_id` is taken, so two racing deliveries cannot both
 * claim it.
 */
export class WxNonceStore implements NonceStore {
  constructor(private readonly db: WxDatabase) {}

  async claim(key: string, expiresAtS: number): Promise<boolean> {
    const id = `wxpay-nonce:${createHash('sha256').update(key).digest('hex')}`;
    const coll = this.db.collection(COLLECTIONS.counters);
    try {
      await coll.add({ data: { _id: id, expiresAtS } });
      return true;
    } catch (e) {
      const seen = await coll.doc(id).get();
      if (seen.data) return false;
      throw e;
    }
  }
}
