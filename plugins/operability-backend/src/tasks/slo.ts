import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { EvaluationConfig, SloFilesConfig } from '../config';
import type { BudgetEvaluator, RepoSloSync } from '../services/slo';
import { scheduleGlobal, TASK_IDS } from './schedule';

/** Schedules the sync of SLO files and the evaluation of every SLO. */
export async function scheduleSloTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  repoSync: RepoSloSync;
  evaluator: BudgetEvaluator;
  settings: { sloFiles: SloFilesConfig; evaluation: EvaluationConfig };
}): Promise<void> {
  const { scheduler, logger, repoSync, evaluator, settings } = options;

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.sync,
    settings.sloFiles.schedule,
    async () => {
      const r = await repoSync.syncAll();
      return `${r.entities} entities, ${r.slos} SLOs, ${r.errors} problems, ${r.removedEntities} entities without SLO files any more, ${r.retiredEntities} entities gone from the catalog (SLOs retired), ${r.restoredEntities} back (SLOs restored)`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.evaluation,
    settings.evaluation.schedule,
    async () => {
      const r = await evaluator.evaluateAll();
      return `${r.evaluated} SLOs evaluated, ${r.failed} failed, ${r.snapshots} snapshots`;
    },
  );
}
