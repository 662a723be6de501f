import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * Ids of the plugin's scheduled tasks. All are scope global: on several replicas sharing
 * one database, one replica runs each task at a time.
 */
export const TASK_IDS = {
  sync: 'operability-slo-files-sync',
  collection: 'operability-sli-collection',
  evaluation: 'operability-slo-evaluation',
  retention: 'operability-retention',
  scoring: 'operability-scoring',
  incidentHousekeeping: 'operability-incident-housekeeping',
} as const;

/** Schedules one global task that logs what it did and how long it took. */
export async function scheduleGlobal(
  scheduler: SchedulerService,
  logger: LoggerService,
  id: string,
  schedule: SchedulerServiceTaskScheduleDefinition,
  run: (signal: AbortSignal) => Promise<string | undefined>,
): Promise<void> {
  await scheduler.scheduleTask({
    id,
    scope: 'global',
    ...schedule,
    fn: async signal => {
      const started = Date.now();
      const summary = await run(signal as AbortSignal);
      if (summary) {
        logger.info(`${id}: ${summary} in ${Date.now() - started} ms`);
      }
    },
  });
}
