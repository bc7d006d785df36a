import type { Notification } from '../../../../types/domain';
import type { Clock, Notifier } from '../../ports';
import type { SqliteDevStore } from '../sqlite/devStore';

/**
 * Locally there is nobody to push a message to: the outbox row, committed with the case change, is
 * the record (read through `GET /__dev/outbox`). Sending marks the rows delivered.
 */
export class LocalNotifier implements Notifier {
  constructor(
    private readonly store: SqliteDevStore,
    private readonly clock: Clock,
  ) {}

  async send(n: Notification[]): Promise<void> {
    this.store.markDelivered(
      n.map((x) => x._id),
      this.clock.now(),
    );
  }
}
