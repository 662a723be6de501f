import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type LoggerService,
  type RootConfigService,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { OperabilityStore } from '../database/OperabilityStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 6 },
  timeout: { minutes: 10 },
  initialDelay: { minutes: 5 },
  scope: 'global',
};

/**
 * Schedules the incident housekeeping (scope global: one replica runs it): webhook delivery
 * ids older than `operability.incidents.deliveryRetentionDays` (default 30) are forgotten,
 * which keeps the deduplication table bounded. The schedule is
 * `operability.incidents.housekeeping.schedule` (default every 6 hours).
 */
export async function scheduleIncidentHousekeeping(options: {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  store: OperabilityStore;
}): Promise<void> {
  const { config, logger, scheduler, store } = options;
  const incidents = config.getOptionalConfig('operability.incidents');
  const retentionDays =
    incidents?.getOptionalNumber('deliveryRetentionDays') ?? 30;
  if (!(retentionDays > 0)) {
    throw new Error(
      `operability.incidents.deliveryRetentionDays must be > 0, got ${retentionDays}`,
    );
  }
  const schedule = incidents?.has('housekeeping.schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        incidents.getConfig('housekeeping.schedule'),
      )
    : DEFAULT_SCHEDULE;

  await scheduler.scheduleTask({
    id: 'operability-incident-housekeeping',
    scope: 'global',
    ...schedule,
    fn: async () => {
      const pruned = await store.incidents.pruneDeliveries(
        Date.now() - retentionDays * DAY,
      );
      logger.info(
        `Incident housekeeping: forgot ${pruned} webhook delivery ids older than ${retentionDays} days`,
      );
    },
  });
}
