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
  notificationDelivery: 'operability-notification-delivery',
  weeklyDigest: 'operability-weekly-digest',
  monthlyReview: 'operability-monthly-review',
} as const;

/**
 * Schedules one global task. Each run logs `<id>: started`, then `<id>: <summary> in <N> ms`
 * or `<id>: failed after <N> ms: <error>` (the error is passed on to the scheduler), so that
 * the runs of a task across replicas can be followed in the logs.
 *
 * The scheduler aborts a run's signal at the task's timeout, and from then on another
 * replica may start the task (Backstage's janitor frees the lease of a run past its
 * timeout). So the run ends there: `run` leaves the work it has not started for the next
 * run and writes nothing more once its signal has aborted, and the task does not wait for
 * the unit of work still in flight (a slow query), whose result is dropped.
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
    fn: async abortSignal => {
      const signal = abortSignal as AbortSignal;
      const started = Date.now();
      logger.info(`${id}: started`);
      const running = run(signal);
      const timedOut = new Promise<undefined>(resolve => {
        if (signal.aborted) resolve(undefined);
        signal.addEventListener('abort', () => resolve(undefined), {
          once: true,
        });
      });
      let summary: string | undefined;
      try {
        summary = await Promise.race([running, timedOut]);
      } catch (error) {
        logger.warn(`${id}: failed after ${Date.now() - started} ms: ${error}`);
        throw error;
      }
      if (summary === undefined) {
        // Left behind: whatever it still does writes nothing, and its end is not awaited.
        running.catch(() => undefined);
        summary = 'stopped at the timeout, in the middle of its work';
      } else if (signal.aborted) {
        summary +=
          ' (stopped at the timeout; the rest is left for the next run)';
      }
      logger.info(`${id}: ${summary} in ${Date.now() - started} ms`);
    },
  });
}
