import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { TIME } from '@airworthy/plugin-operability-common';
import { readDurationMs, readSchedule, readWholeNumber } from './readers';

const { HOUR, DAY } = TIME;

/** Defaults of `operability.sloFiles` and `operability.evaluation` (also in config.d.ts). */
export const SLO_DEFAULTS = {
  syncSchedule: {
    frequency: { minutes: 10 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 10 },
  },
  evaluationSchedule: {
    frequency: { minutes: 1 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 45 },
  },
  evaluationConcurrency: 4,
  snapshotIntervalMs: HOUR,
  snapshotRetentionMs: 400 * DAY,
  maxObjectivesPerDocument: 20,
  maxPerEntity: 100,
  retiredGraceMs: 30 * DAY,
  /** The default SLI store's longest retention. */
  maxPeriodMs: 400 * DAY,
} as const;

/** Limits and the retirement of SLOs (`operability.slos`). */
export interface SloLimits {
  /** Most objectives one SLO document may define (`maxObjectivesPerDocument`, default 20). */
  maxObjectivesPerDocument: number;
  /** Most SLOs in force per entity, objectives counted one by one (`maxPerEntity`, default 100). */
  maxPerEntity: number;
  /**
   * How long a retired SLO keeps its data before it is purged (`retiredGracePeriod`,
   * default 30 days).
   */
  retiredGraceMs: number;
  /**
   * The longest SLO period: the SLI store's longest retention (400 days by default), since a
   * longer budget could never be measured.
   */
  maxPeriodMs: number;
}

/** Reads `operability.slos`; `maxPeriodMs` is the SLI store's longest retention. */
export function readSloLimits(root: Config, maxPeriodMs: number): SloLimits {
  const config = root.getOptionalConfig('operability.slos');
  const key = 'operability.slos';
  return {
    maxObjectivesPerDocument: readWholeNumber(
      config,
      'maxObjectivesPerDocument',
      SLO_DEFAULTS.maxObjectivesPerDocument,
      1,
      key,
    ),
    maxPerEntity: readWholeNumber(
      config,
      'maxPerEntity',
      SLO_DEFAULTS.maxPerEntity,
      1,
      key,
    ),
    retiredGraceMs: readDurationMs(
      config,
      'retiredGracePeriod',
      SLO_DEFAULTS.retiredGraceMs,
    ),
    maxPeriodMs,
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
      SLO_DEFAULTS.syncSchedule,
    ),
    localDirectories:
      root.getOptionalStringArray('operability.sloFiles.localDirectories') ??
      [],
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
      SLO_DEFAULTS.evaluationSchedule,
    ),
    concurrency:
      config?.getOptionalNumber('concurrency') ??
      SLO_DEFAULTS.evaluationConcurrency,
    snapshotIntervalMs: readDurationMs(
      config,
      'snapshotInterval',
      SLO_DEFAULTS.snapshotIntervalMs,
    ),
    snapshotRetentionMs: readDurationMs(
      config,
      'snapshotRetention',
      SLO_DEFAULTS.snapshotRetentionMs,
    ),
  };
}
