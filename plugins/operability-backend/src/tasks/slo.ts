import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type {
  CollectionConfig,
  EvaluationConfig,
  SliConfig,
  SloFilesConfig,
} from '../config';
import type { OperabilityStore } from '../database/OperabilityStore';
import type { BudgetEvaluator } from '../services/slo/BudgetEvaluator';
import type { RepoSloSync } from '../services/slo/RepoSloSync';
import type { SliCollector } from '../services/sli/SliCollector';

/** Ids of the plugin's scheduled tasks (all scope global: one replica runs each). */
export const TASK_IDS = {
  sync: 'operability-slo-files-sync',
  collection: 'operability-sli-collection',
  evaluation: 'operability-slo-evaluation',
  retention: 'operability-retention',
} as const;

/** Schedules one global task that logs what it did and how long it took. */
async function scheduleGlobal(
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
      const summary = await run(signal as AbortSignal);
      logger.info(`${id}: ${summary} in ${Date.now() - started} ms`);
    },
  });
}

/** Schedules sync, collection, evaluation and retention with the configured schedules. */
export async function scheduleOperabilityTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  store: OperabilityStore;
  repoSync: RepoSloSync;
  collector: SliCollector;
  evaluator: BudgetEvaluator;
  config: {
    sli: SliConfig;
    sloFiles: SloFilesConfig;
    collection: CollectionConfig;
    evaluation: EvaluationConfig;
  };
}): Promise<void> {
  const { scheduler, logger, store, repoSync, collector, evaluator, config } =
    options;

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.sync,
    config.sloFiles.schedule,
    async () => {
      const r = await repoSync.syncAll();
      return `${r.entities} entities, ${r.slos} SLOs, ${r.errors} problems, ${r.removedEntities} entities without SLO files any more`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.collection,
    config.collection.schedule,
    async signal => {
      const r = await collector.collectAll(Date.now(), signal);
      return `${r.slos} SLOs collected, ${r.buckets} buckets stored, ${r.failed} failed`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.evaluation,
    config.evaluation.schedule,
    async () => {
      const r = await evaluator.evaluateAll();
      return `${r.evaluated} SLOs evaluated, ${r.failed} failed, ${r.snapshots} snapshots`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.retention,
    config.sli.retentionSchedule,
    async () => {
      const now = Date.now();
      const defer = await collector.catchingUp(now);
      const sli = await store.sli.applyRetention(now, { defer });
      const snapshots = await store.evaluations.expireSnapshots(
        now - config.evaluation.snapshotRetentionMs,
      );
      return `deleted ${sli.deleted} SLI buckets, sealed ${
        sli.sealed
      } roll-up buckets, deleted ${snapshots} snapshots${
        defer.length
          ? `; ${defer.length} SLO(s) left for later while their history is collected`
          : ''
      }`;
    },
  );
}
