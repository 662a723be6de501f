import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { randomUUID } from 'node:crypto';
import type { OperabilityStore } from '../../database/OperabilityStore';

/** How the outbox sends: its settings (`operability.notifications`). */
export interface OutboxSettings {
  /** Unsent rows older than this are dropped (a stale alert is noise). */
  maxPendingMs: number;
  /** A claim older than this is taken to be of a sender that died. */
  claimTimeoutMs: number;
  /** Sent rows are kept this long (the record of what was sent), then deleted. */
  keepSentMs: number;
}

/** What one delivery run did. */
export interface DeliveryResult {
  sent: number;
  failed: number;
  dropped: number;
}

const BATCH = 100;

/**
 * Sends the outbox's pending notifications through Backstage's notification service. Each
 * row is claimed first (one sender per row across replicas), marked sent after the service
 * accepted it, and released for the next run when sending fails: delivery is at least once,
 * and each payload's `scope` makes the notifications backend update the notification it
 * already holds for a repeat instead of adding another.
 */
export class NotificationOutbox {
  private readonly claimant = randomUUID();
  /** The error of the last failed run, so that a lasting failure is logged once. */
  private failing?: string;

  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'notifications'>;
      notifications: Pick<NotificationService, 'send'>;
      logger: LoggerService;
      settings: OutboxSettings;
    },
  ) {}

  /** Sends what is pending at `now`; never throws (failures stay pending). */
  async deliver(now: number): Promise<DeliveryResult> {
    const { store, notifications, logger, settings } = this.options;
    const outbox = store.notifications;
    const result: DeliveryResult = { sent: 0, failed: 0, dropped: 0 };
    let firstError: string | undefined;
    try {
      const expired = await outbox.expire(
        now - settings.maxPendingMs,
        now - settings.keepSentMs,
      );
      result.dropped = expired.unsent;
      if (expired.unsent > 0) {
        logger.warn(
          `Dropped ${
            expired.unsent
          } notification(s) that could not be sent for longer than ${Math.round(
            settings.maxPendingMs / 3_600_000,
          )} h`,
        );
      }
      const staleBefore = now - settings.claimTimeoutMs;
      const items = await outbox.pending(
        now - settings.maxPendingMs,
        staleBefore,
        BATCH,
      );
      for (const item of items) {
        if (!(await outbox.claim(item.key, this.claimant, now, staleBefore))) {
          continue;
        }
        try {
          await notifications.send(item.message);
          await outbox.markSent(item.key, this.claimant, now);
          result.sent++;
        } catch (error) {
          const message = String((error as Error)?.message ?? error);
          firstError ??= message;
          result.failed++;
          await outbox.release(item.key, this.claimant, message);
        }
      }
    } catch (error) {
      firstError ??= String(error);
    }
    if (firstError === undefined) {
      if (this.failing !== undefined && result.sent > 0) {
        logger.info('Notifications are sent again');
      }
      this.failing = undefined;
    } else if (this.failing !== firstError) {
      // One line while the same failure lasts (e.g. no notifications backend installed).
      this.failing = firstError;
      logger.warn(
        `Could not send ${
          result.failed || 'the'
        } notification(s); they stay pending and are retried for ${Math.round(
          settings.maxPendingMs / 3_600_000,
        )} h (is @backstage/plugin-notifications-backend installed?): ${firstError}`,
      );
    }
    return result;
  }
}
