import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { TIME } from '@airworthy/plugin-operability-common';
import { validateSliLevels, type SliLevel } from '../database/sli/SliStore';
import { readDurationMs, readSchedule } from './readers';

const { MINUTE, HOUR, DAY } = TIME;

/** Defaults of `operability.sli` and `operability.collection` (also in config.d.ts). */
export const SLI_DEFAULTS = {
  levels: [
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
  collectionSchedule: {
    frequency: { minutes: 1 },
    timeout: { minutes: 30 },
    initialDelay: { seconds: 30 },
  },
  collectionLagMs: 2 * MINUTE,
  collectionConcurrency: 4,
} as const;

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
  const [base, ...defaultRollups] = SLI_DEFAULTS.levels;
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
        sli?.getOptionalNumber('push.maxBuckets') ??
        SLI_DEFAULTS.pushMaxBuckets,
      maxFutureMs: readDurationMs(
        sli?.getOptionalConfig('push'),
        'maxFuture',
        SLI_DEFAULTS.pushMaxFutureMs,
      ),
    },
    retentionSchedule: readSchedule(
      root,
      'operability.sli.retentionSchedule',
      SLI_DEFAULTS.retentionSchedule,
    ),
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
      SLI_DEFAULTS.collectionSchedule,
    ),
    lagMs: readDurationMs(config, 'lag', SLI_DEFAULTS.collectionLagMs),
    concurrency:
      config?.getOptionalNumber('concurrency') ??
      SLI_DEFAULTS.collectionConcurrency,
    backfillMs: readDurationMs(config, 'backfill', 0),
  };
}
