import type { Notification } from '../../../../types/domain';
import type { Clock, Notifier } from '../../ports';
import type { SqliteDevStore } from '../sqlite/devStore';

/**
 * Locally there is nobody to push a message to: the outbox row, committed with the case change, is
 * the record (read through `GET /__dev/outbox`). Sending marks the rows delivered. The sends of one
 * turn of the event loop (a sweep's batch sends its messages together) are marked in one transaction.
 */
export class LocalNotifier implements Notifier {
  private queued: { ids: string[]; resolve(): void; reject(e: unknown): void }[] = [];

  constructor(
    private readonly store: SqliteDevStore,
    private readonly clock: Clock,
  ) {}

  send(n: Notification[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ ids: n.map((x) => x._id), resolve, reject });
      if (this.queued.length === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const queued = this.queued;
    this.queued = [];
    try {
      this.store.markDelivered(
        queued.flatMap((q) => q.ids),
        this.clock.now(),
      );
    } catch (e) {
      for (const q of queued) q.reject(e);
      return;
    }
    for (const q of queued) q.resolve();
  }
}
