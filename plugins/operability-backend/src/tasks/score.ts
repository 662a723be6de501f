import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { OperabilityScorer } from '../services/score/OperabilityScorer';

/** Task id of the scoring job (scope global: one replica runs it). */
export const SCORING_TASK_ID = 'operability-scoring';

/**
 * Schedules the scoring of every entity of the scored kinds (`operability.score.schedule`,
 * default every hour). Each run stores each entity's latest score and its snapshot of the
 * day, forgets entities gone from the catalog and expires old snapshots; then, with
 * `operability.score.backfillDays`, fills missing daily snapshots from stored history.
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
      if (scorer.settings.backfillDays > 0) {
        const historyStarted = Date.now();
        const history = await scorer.backfillHistory(started);
        if (history.scored || history.failed || history.pending) {
          logger.info(
            `Operability score history: ${
              history.scored
            } daily snapshot(s) of the last ${
              scorer.settings.backfillDays
            } days filled from stored data (${history.failed} failed, ${
              history.pending
            } waiting for SLI collection) in ${Date.now() - historyStarted} ms`,
          );
        }
      }
    },
  });
}
