import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { OperabilityScorer } from '../services/OperabilityScorer';

/** Task id of the scoring job (scope global: one replica runs it). */
export const SCORING_TASK_ID = 'operability-scoring';

/**
 * Schedules the scoring of every entity of the scored kinds (`operability.score.schedule`,
 * default every hour). Each run stores each entity's latest score and its snapshot of the
 * day, forgets entities gone from the catalog and expires old snapshots.
 */
export async function scheduleScoring(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  scorer: OperabilityScorer;
}): Promise<void> {
  const { scheduler, logger, scorer } = options;
  await scheduler.scheduleTask({
    id: SCORING_TASK_ID,
    scope: 'global',
    ...scorer.settings.schedule,
    fn: async () => {
      const started = Date.now();
      const { scored, failed, removed, expired } = await scorer.scoreAll(
        started,
      );
      logger.info(
        `Operability scoring: scored ${scored} entities (${failed} failed), forgot ${removed}, expired ${expired} snapshot(s) in ${
          Date.now() - started
        } ms`,
      );
    },
  });
}
