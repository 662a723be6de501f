import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type {
  CollectionConfig,
  EvaluationConfig,
  SliConfig,
  SloLimits,
} from '../config';
import type { OperabilityStore } from '../database/OperabilityStore';
import type { SliCollector } from '../services/sli';
import type { BudgetEvaluator } from '../services/slo';
import { scheduleGlobal, TASK_IDS } from './schedule';

/**
 * Schedules SLI collection from the installed sources (evaluating at once the SLOs a run
 * gave their first data) and the retention of stored data:
 * SLI buckets past their retention (rolled up first), evaluation snapshots older than
 * `operability.evaluation.snapshotRetention`, and SLOs retired longer than
 * `operability.slos.retiredGracePeriod` (purged with their data).
 */
export async function scheduleSliTasks(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  store: Pick<OperabilityStore, 'sli' | 'evaluations' | 'slos'>;
  collector: SliCollector;
  evaluator: BudgetEvaluator;
  settings: {
    sli: SliConfig;
    collection: CollectionConfig;
    evaluation: EvaluationConfig;
    slos: SloLimits;
  };
}): Promise<void> {
  const { scheduler, logger, store, collector, evaluator, settings } = options;

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.collection,
    settings.collection.schedule,
    async signal => {
      const r = await collector.collectAll(Date.now(), signal);
      // SLOs that just got their first data are evaluated now, not at the next evaluation.
      const first = await evaluator.evaluateFirstData(r.withData);
      return `${r.slos} SLOs collected, ${r.buckets} buckets stored, ${
        r.failed
      } failed${
        first.evaluated
          ? `, ${first.evaluated} evaluated for the first time`
          : ''
      }`;
    },
  );

  await scheduleGlobal(
    scheduler,
    logger,
    TASK_IDS.retention,
    settings.sli.retentionSchedule,
    async () => {
      const now = Date.now();
      const defer = await collector.catchingUp(now);
      const sli = await store.sli.applyRetention(now, { defer });
      const snapshots = await store.evaluations.expireSnapshots(
        now - settings.evaluation.snapshotRetentionMs,
      );
      const purged = await store.slos.purgeRetired(
        now - settings.slos.retiredGraceMs,
      );
      return `deleted ${sli.deleted} SLI buckets, sealed ${
        sli.sealed
      } roll-up buckets, deleted ${snapshots} snapshots, purged ${
        purged.length
      } SLO(s) retired longer than the grace period${
        defer.length
          ? `; ${defer.length} SLO(s) left for later while their history is collected`
          : ''
      }`;
    },
  );
}
