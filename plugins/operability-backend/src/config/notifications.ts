import { TIME } from '@airworthy/plugin-operability-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { readDurationMs, readSchedule } from './readers';

/** Defaults of `operability.notifications` (also in config.d.ts). */
export const NOTIFICATION_DEFAULTS = {
  maxPendingMs: 2 * TIME.DAY,
  claimTimeoutMs: 5 * TIME.MINUTE,
  keepSentMs: 90 * TIME.DAY,
  gateDecisionRetentionMs: 90 * TIME.DAY,
  weeklyDigestSchedule: {
    frequency: { cron: '0 8 * * 1' },
    timeout: { minutes: 15 },
  } as SchedulerServiceTaskScheduleDefinition,
  monthlyReviewSchedule: {
    frequency: { cron: '0 8 1 * *' },
    timeout: { minutes: 15 },
  } as SchedulerServiceTaskScheduleDefinition,
} as const;

/** Notifications to owners and the foundation (`operability.notifications`). */
export interface NotificationSettings {
  /** SLO state notifications (default true); the outbox runs whenever this is on. */
  enabled: boolean;
  maxPendingMs: number;
  claimTimeoutMs: number;
  keepSentMs: number;
  gateDecisionRetentionMs: number;
  weeklyDigest: {
    enabled: boolean;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  monthlyReview: {
    enabled: boolean;
    schedule: SchedulerServiceTaskScheduleDefinition;
    /** Entity refs (groups, users) to send the review to; empty with `broadcast`. */
    recipients: string[];
    broadcast: boolean;
  };
}

const PREFIX = 'operability.notifications';

/** Reads `operability.notifications`; a bad value throws with a message naming the key. */
export function readNotificationSettings(root: Config): NotificationSettings {
  const config = root.getOptionalConfig(PREFIX);
  const review = config?.getOptionalConfig('monthlyReview');
  const recipients = (review?.getOptionalStringArray('recipients') ?? []).map(
    ref => {
      try {
        return stringifyEntityRef(
          parseEntityRef(ref, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          }),
        );
      } catch (error) {
        throw new Error(
          `Invalid config at '${PREFIX}.monthlyReview.recipients': ${error}`,
        );
      }
    },
  );
  const broadcast = review?.getOptionalBoolean('broadcast') ?? false;
  const reviewEnabled = review?.getOptionalBoolean('enabled') ?? false;
  if (reviewEnabled && !broadcast && recipients.length === 0) {
    throw new Error(
      `Invalid config at '${PREFIX}.monthlyReview': enabled needs recipients or broadcast: true`,
    );
  }
  return {
    enabled: config?.getOptionalBoolean('enabled') ?? true,
    maxPendingMs: readDurationMs(
      config,
      'maxPendingAge',
      NOTIFICATION_DEFAULTS.maxPendingMs,
    ),
    claimTimeoutMs: readDurationMs(
      config,
      'claimTimeout',
      NOTIFICATION_DEFAULTS.claimTimeoutMs,
    ),
    keepSentMs: readDurationMs(
      config,
      'keepSent',
      NOTIFICATION_DEFAULTS.keepSentMs,
    ),
    gateDecisionRetentionMs: readDurationMs(
      config,
      'gateDecisionRetention',
      NOTIFICATION_DEFAULTS.gateDecisionRetentionMs,
    ),
    weeklyDigest: {
      enabled: config?.getOptionalBoolean('weeklyDigest.enabled') ?? false,
      schedule: readSchedule(
        root,
        `${PREFIX}.weeklyDigest.schedule`,
        NOTIFICATION_DEFAULTS.weeklyDigestSchedule,
      ),
    },
    monthlyReview: {
      enabled: reviewEnabled,
      schedule: readSchedule(
        root,
        `${PREFIX}.monthlyReview.schedule`,
        NOTIFICATION_DEFAULTS.monthlyReviewSchedule,
      ),
      recipients,
      broadcast,
    },
  };
}
