import type { EpochMs } from '../../../../types/domain';
import type { Clock } from '../../ports';
import type { Db } from '../sqlite/open';

const OFFSET_KEY = 'clock.offsetMs';

/**
 * The local host's clock: real time plus an offset that `/__dev/clock` moves (to any moment, earlier
 * or later), after which it keeps running with real time. The offset is stored in the database, so a
 * restarted host wakes up in the same moved time and deadlines do not jump back.
 */
export class DevClock implements Clock {
  private offset: number;

  constructor(
    private readonly db: Db,
    private readonly realNow: () => EpochMs = Date.now,
  ) {
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(OFFSET_KEY) as { value: string } | undefined;
    this.offset = row ? Number(row.value) : 0;
  }

  now(): EpochMs {
    return this.realNow() + this.offset;
  }

  set(now: EpochMs): void {
    if (!Number.isSafeInteger(now)) throw new RangeError(`clock: not an epoch ms integer: ${now}`);
    const offset = now - this.realNow();
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(OFFSET_KEY, String(offset));
    this.offset = offset;
  }

  offsetMs(): number {
    return this.offset;
  }
}
