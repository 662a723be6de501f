import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { EvaluationConfig, SloFilesConfig } from '../config';
import type { SliCollector } from '../services/sli';
import type { BudgetEvaluator, RepoSloSync } from '../services/slo';
import { scheduleGlobal, TASK_IDS } from './schedule';

/**
 * Asks for a collection run now (rather than at its next scheduled time) when a source
 * collects SLOs that were never collected, e.g. those a file sync just found. Nothing happens
 * when collection is already running: that run, or the next, takes them.
 */
export async function collectNewSlos(
  scheduler: Pick<SchedulerService, 'triggerTask'>,
  collector: Pick<SliCollector, 'uncollected'>,
  logger: LoggerService,
): Promise<number> {
  const fresh = await collector.uncollected();
  if (fresh.length === 0) return 0;
  try {
    await scheduler.triggerTask(TASK_IDS.collection);
  } catch (error) {
    logger.debug(
      `${TASK_IDS.collection} not triggered for ${fresh.length} new SLO(s): ${error}`,
    );
    return 0;
  }
  return fresh.length;
}

/**
 * Schedules the sync of SLO files (with a collection run right after it finds new SLOs) and
 * the evaluation of every SLO.
 */
export async function scheduleSloTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  repoSync: RepoSloSync;
  evaluator: BudgetEvaluator;
  collector: Pick<SliCollector, 'uncollected'>;
  settings: { sloFiles: SloFilesConfig; evaluation: EvaluationConfig };
}): Promise<void> {
  const { scheduler, logger, repoSync, evaluator, collector, settings } =
    options;

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.sync,
    settings.sloFiles.schedule,
    async signal => {
      const r = await repoSync.syncAll(Date.now(), signal);
      const fresh = signal.aborted
        ? 0
        : await collectNewSlos(scheduler, collector, logger);
      return `${r.entities} entities, ${r.slos} SLOs, ${r.errors} problems, ${
        r.removedEntities
      } entities without SLO files any more, ${
        r.retiredEntities
      } entities gone from the catalog (SLOs retired), ${
        r.restoredEntities
      } back (SLOs restored)${
        fresh ? `; collection started for ${fresh} new SLO(s)` : ''
      }`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.evaluation,
    settings.evaluation.schedule,
    async signal => {
      const r = await evaluator.evaluateAll(Date.now(), { signal });
      const notified = r.notifications
        ? `; ${r.notifications.transitions} state change(s), ${r.notifications.sent} notification(s) sent`
        : '';
      return `${r.evaluated} SLOs evaluated, ${r.failed} failed, ${r.snapshots} snapshots${notified}`;
    },
  );
}
