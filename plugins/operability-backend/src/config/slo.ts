import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { TIME } from '@airworthy/plugin-operability-common';
import { readDurationMs, readSchedule } from './readers';

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
} as const;

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
