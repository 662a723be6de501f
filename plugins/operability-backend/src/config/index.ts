import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { validateSliLevels, type SliLevel } from '../database/sli/SliStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

/** Defaults of every `operability.*` key this plugin reads (also in config.d.ts). */
export const DEFAULTS = {
  sliLevels: [
    { widthMs: MINUTE, retentionMs: 8 * DAY },
    { widthMs: HOUR, retentionMs: 120 * DAY },
    { widthMs: DAY, retentionMs: 400 * DAY },
  ],
  pushMaxBuckets: 10_000,
  pushMaxFutureMs: MINUTE,
  retentionSchedule: {
    frequency: { hours: 1 },
    timeout: { minutes: 15 },
    initialDelay: { minutes: 1 },
  },
  syncSchedule: {
    frequency: { minutes: 10 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 10 },
  },
  collectionSchedule: {
    frequency: { minutes: 1 },
    timeout: { minutes: 30 },
    initialDelay: { seconds: 30 },
  },
  collectionLagMs: 2 * MINUTE,
  collectionConcurrency: 4,
  evaluationSchedule: {
    frequency: { minutes: 1 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 45 },
  },
  evaluationConcurrency: 4,
  snapshotIntervalMs: HOUR,
  snapshotRetentionMs: 400 * DAY,
} as const;

/** Reads a duration given as `'1m'`, `'P1D'` or `{ minutes: 1 }`, in milliseconds. */
export function readDurationMs(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
): number {
  if (!config?.has(key)) {
    return fallbackMs;
  }
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) {
    throw new Error(`Invalid duration at '${key}': must be longer than zero`);
  }
  return ms;
}

/** A task schedule from config (`operability.<key>`), or the default. */
export function readSchedule(
  config: Config,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : fallback;
}

/** The SLI store's settings: resolutions (base first) and push limits. */
export interface SliConfig {
  levels: SliLevel[];
  push: {
    /** Most buckets one push may carry. */
    maxBuckets: number;
    /** How far past now a bucket may start (clock skew allowance). */
    maxFutureMs: number;
  };
  retentionSchedule: SchedulerServiceTaskScheduleDefinition;
}

/** Reads `operability.sli`, with defaults sized for a 90-day view. */
export function readSliConfig(root: Config): SliConfig {
  const sli = root.getOptionalConfig('operability.sli');
  const [base, ...defaultRollups] = DEFAULTS.sliLevels;
  const levels: SliLevel[] = [
    {
      widthMs: readDurationMs(sli, 'bucket', base.widthMs),
      retentionMs: readDurationMs(sli, 'retention', base.retentionMs),
    },
  ];
  const rollups = sli?.getOptionalConfigArray('rollups');
  if (rollups) {
    for (const rollup of rollups) {
      levels.push({
        widthMs: readDurationMs(rollup, 'bucket', HOUR),
        retentionMs: readDurationMs(rollup, 'retention', 120 * DAY),
      });
    }
  } else {
    levels.push(...defaultRollups);
  }
  try {
    validateSliLevels(levels);
  } catch (error) {
    throw new Error(`Invalid config at 'operability.sli': ${error}`);
  }
  return {
    levels,
    push: {
      maxBuckets:
        sli?.getOptionalNumber('push.maxBuckets') ?? DEFAULTS.pushMaxBuckets,
      maxFutureMs: readDurationMs(
        sli?.getOptionalConfig('push'),
        'maxFuture',
        DEFAULTS.pushMaxFutureMs,
      ),
    },
    retentionSchedule: readSchedule(
      root,
      'operability.sli.retentionSchedule',
      DEFAULTS.retentionSchedule,
    ),
  };
}

/** Settings of the GitOps sync of SLO files (`operability.sloFiles`). */
export interface SloFilesConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Directories whose files entities with `file:` locations may name (development). */
  localDirectories: string[];
}

/** Reads `operability.sloFiles`. */
export function readSloFilesConfig(root: Config): SloFilesConfig {
  return {
    schedule: readSchedule(
      root,
      'operability.sloFiles.schedule',
      DEFAULTS.syncSchedule,
    ),
    localDirectories:
      root.getOptionalStringArray('operability.sloFiles.localDirectories') ??
      [],
  };
}

/** Settings of SLI collection from sources (`operability.collection`). */
export interface CollectionConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  lagMs: number;
  concurrency: number;
  /**
   * How far back collection reaches the first time it sees an SLO; the SLO's own period
   * when that is longer. 0 (the default) backfills exactly the period.
   */
  backfillMs: number;
}

/** Reads `operability.collection`. */
export function readCollectionConfig(root: Config): CollectionConfig {
  const config = root.getOptionalConfig('operability.collection');
  return {
    schedule: readSchedule(
      root,
      'operability.collection.schedule',
      DEFAULTS.collectionSchedule,
    ),
    lagMs: readDurationMs(config, 'lag', DEFAULTS.collectionLagMs),
    concurrency:
      config?.getOptionalNumber('concurrency') ??
      DEFAULTS.collectionConcurrency,
    backfillMs: readDurationMs(config, 'backfill', 0),
  };
}

/** Settings of the evaluation task (`operability.evaluation`). */
export interface EvaluationConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  concurrency: number;
  snapshotIntervalMs: number;
  snapshotRetentionMs: number;
}

/** Reads `operability.evaluation`. */
export function readEvaluationConfig(root: Config): EvaluationConfig {
  const config = root.getOptionalConfig('operability.evaluation');
  return {
    schedule: readSchedule(
      root,
      'operability.evaluation.schedule',
      DEFAULTS.evaluationSchedule,
    ),
    concurrency:
      config?.getOptionalNumber('concurrency') ??
      DEFAULTS.evaluationConcurrency,
    snapshotIntervalMs: readDurationMs(
      config,
      'snapshotInterval',
      DEFAULTS.snapshotIntervalMs,
    ),
    snapshotRetentionMs: readDurationMs(
      config,
      'snapshotRetention',
      DEFAULTS.snapshotRetentionMs,
    ),
  };
}
