import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { TIME } from '@airworthy/plugin-operability-common';
import type { IncidentSettings } from '../config';
import type { OperabilityStore } from '../database/OperabilityStore';
import { scheduleGlobal, TASK_IDS } from './schedule';

/**
 * Schedules the incident housekeeping: webhook delivery ids older than
 * `operability.incidents.deliveryRetentionDays` are forgotten, which keeps the
 * deduplication table bounded. The schedule is `operability.incidents.housekeeping.schedule`.
 */
export async function scheduleIncidentHousekeeping(options: {
  settings: IncidentSettings['housekeeping'];
  logger: LoggerService;
  scheduler: SchedulerService;
  store: Pick<OperabilityStore, 'incidents'>;
}): Promise<void> {
  const { settings, logger, scheduler, store } = options;
  const { deliveryRetentionDays } = settings;
  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.incidentHousekeeping,
    settings.schedule,
    async () => {
      const pruned = await store.incidents.pruneDeliveries(
        Date.now() - deliveryRetentionDays * TIME.DAY,
      );
      return `forgot ${pruned} webhook delivery ids older than ${deliveryRetentionDays} days`;
    },
  );
}
