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
    async signal => {
      const r = await repoSync.syncAll(signal);
      return `${r.entities} entities, ${r.slos} SLOs, ${r.errors} problems, ${r.removedEntities} entities without SLO files any more`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.evaluation,
    settings.evaluation.schedule,
    async signal => {
      const r = await evaluator.evaluateAll(Date.now(), signal);
      return `${r.evaluated} SLOs evaluated, ${r.failed} failed, ${r.snapshots} snapshots`;
    },
  );
}
