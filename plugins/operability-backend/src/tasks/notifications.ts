import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationSettings } from '../config';
import type { OperabilityStore } from '../database/OperabilityStore';
import type {
  MonthlyReview,
  NotificationOutbox,
  WeeklyDigest,
} from '../services/notifications';
import { scheduleGlobal, TASK_IDS } from './schedule';

/**
 * Schedules the notification tasks: every hour, sending what is still pending (e.g. after the
 * notifications backend was down) and trimming the deploy gate's log; the weekly digest and
 * the monthly review on their schedules, where enabled. SLO transitions are sent right after
 * each evaluation run, not here.
 */
export async function scheduleNotificationTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  store: Pick<OperabilityStore, 'notifications'>;
  outbox: NotificationOutbox;
  digest: WeeklyDigest;
  review?: MonthlyReview;
  settings: NotificationSettings;
  now?: () => number;
}): Promise<void> {
  const { scheduler, logger, store, outbox, digest, review, settings } =
    options;
  const now = options.now ?? Date.now;
  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.notificationDelivery,
    { frequency: { hours: 1 }, timeout: { minutes: 10 } },
    async () => {
      const at = now();
      const { sent, failed, dropped } = await outbox.deliver(at);
      const trimmed = await store.notifications.expireGateDecisions(
        at - settings.gateDecisionRetentionMs,
      );
      return `${sent} notification(s) sent, ${failed} failed, ${dropped} dropped; ${trimmed} deploy gate answer(s) trimmed`;
    },
  );
  if (settings.weeklyDigest.enabled) {
    await scheduleGlobal(
      scheduler,
      logger,
      TASK_IDS.weeklyDigest,
      settings.weeklyDigest.schedule,
      async () => {
        const { groups, sent } = await digest.run(now());
        return `${groups} digest(s) composed, ${sent} notification(s) sent`;
      },
    );
  }
  if (settings.monthlyReview.enabled && review) {
    await scheduleGlobal(
      scheduler,
      logger,
      TASK_IDS.monthlyReview,
      settings.monthlyReview.schedule,
      async () => {
        const { enqueued, sent } = await review.run(now());
        return `${
          enqueued ? 'review composed' : 'review of that month already there'
        }, ${sent} notification(s) sent`;
      },
    );
  }
}
