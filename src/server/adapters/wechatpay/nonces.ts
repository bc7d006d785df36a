/** The v3 callback's nonce, used once (notify.ts NonceStore): SQLite here, the cloud database in wx. */
import type { Db } from '../sqlite/open';
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
