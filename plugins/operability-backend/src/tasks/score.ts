import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { OperabilityScorer } from '../services/score';
import { scheduleGlobal, TASK_IDS } from './schedule';

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
  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.scoring,
    scorer.settings.schedule,
    async signal => {
      const started = Date.now();
      const { scored, failed, removed, expired } = await scorer.scoreAll(
        started,
        signal,
      );
      let summary = `scored ${scored} entities (${failed} failed), forgot ${removed}, expired ${expired} snapshot(s)`;
      if (scorer.settings.backfillDays > 0) {
        const history = await scorer.backfillHistory(started, signal);
        summary += `; history: ${history.scored} daily snapshot(s) of the last ${scorer.settings.backfillDays} days filled from stored data (${history.failed} failed, ${history.pending} waiting for SLI collection)`;
      }
      return summary;
    },
  );
}
