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

/**
 * Schedules one global task. Each run logs `<id>: started`, then `<id>: <summary> in <N> ms`
 * or `<id>: failed after <N> ms: <error>` (the error is passed on to the scheduler), so that
 * the runs of a task across replicas can be followed in the logs.
 *
 * `run` must stop soon after its signal aborts: the scheduler aborts it at the task's
 * timeout, and from then on another replica may start the task (Backstage's janitor frees
 * the run's lease once the timeout has passed); a run that went on would overlap it.
 */
export async function scheduleGlobal(
  scheduler: SchedulerService,
  logger: LoggerService,
  id: string,
  schedule: SchedulerServiceTaskScheduleDefinition,
  run: (signal: AbortSignal) => Promise<string>,
): Promise<void> {
  await scheduler.scheduleTask({
    id,
    scope: 'global',
    ...schedule,
    fn: async signal => {
      const started = Date.now();
      logger.info(`${id}: started`);
      let summary: string;
      try {
        summary = await run(signal as AbortSignal);
        if (signal.aborted) {
          summary +=
            ' (stopped at the timeout; the rest is left for the next run)';
        }
      } catch (error) {
        logger.warn(`${id}: failed after ${Date.now() - started} ms: ${error}`);
        throw error;
      }
      logger.info(`${id}: ${summary} in ${Date.now() - started} ms`);
    },
  });
}
