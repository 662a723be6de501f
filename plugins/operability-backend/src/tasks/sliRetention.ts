import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { OperabilityStore } from '../database/OperabilityStore';

/** Task id of the SLI retention job (scope global: one replica runs it). */
export const SLI_RETENTION_TASK_ID = 'operability-sli-retention';

/** Schedules the job that expires SLI buckets past their retention. */
export async function scheduleSliRetention(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  store: OperabilityStore;
  schedule: SchedulerServiceTaskScheduleDefinition;
}): Promise<void> {
  const { scheduler, logger, store, schedule } = options;
  await scheduler.scheduleTask({
    id: SLI_RETENTION_TASK_ID,
    scope: 'global',
    ...schedule,
    fn: async () => {
      const started = Date.now();
      const { deleted, sealed } = await store.sli.applyRetention(started);
      logger.info(
        `SLI retention: deleted ${deleted} bucket(s), sealed ${sealed} roll-up bucket(s) in ${
          Date.now() - started
        } ms`,
      );
    },
  });
}
