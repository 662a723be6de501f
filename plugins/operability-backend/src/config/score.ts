import {
  DEFAULT_SCORE_LEVELS,
  scoreLevelErrors,
  type ScoreCheckDefinition,
  type ScoreLevelDefinition,
} from '@airworthy/plugin-operability-common';
import type { ScoreCheck } from '@airworthy/plugin-operability-node';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  readDurationMs,
  readRateLimit,
  readSchedule,
  readWholeNumber,
  type RateLimitSettings,
} from './readers';

/** The settings of the operability score, from `operability.score`. */
export interface ScoreSettings {
  /** Checks in force (enabled), with configured weights, thresholds and texts. */
  checks: Array<{ check: ScoreCheck; definition: ScoreCheckDefinition }>;
  levels: ScoreLevelDefinition[];
  /** Entity kinds that are scored, lower case. */
  kinds: string[];
  periodDays: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Entities scored at once by the scheduled task. */
  concurrency: number;
  snapshotRetentionDays: number;
  /** Days of daily snapshots filled from stored history when missing (0: none). */
  backfillDays: number;
  /** Longest exemption, in days from now. */
  exemptionMaxDays: number;
  badges: {
    rateLimit: RateLimitSettings;
    /** `Cache-Control: max-age` of badges. */
    maxAgeSeconds: number;
  };
}

/** Defaults of `operability.score` (also in config.d.ts and the README). */
export const SCORE_DEFAULTS = {
  kinds: ['component'],
  periodDays: 28,
  schedule: {
    frequency: { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 2 },
  },
  concurrency: 4,
  snapshotRetentionDays: 400,
  backfillDays: 0,
  exemptionMaxDays: 366,
  badges: {
    rateLimit: { max: 120, windowSeconds: 60 },
    maxAgeSeconds: 300,
  },
};

const KEY = 'operability.score';

const wholeNumber = (
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
) => readWholeNumber(config, key, fallback, min, KEY);

/**
 * Applies `operability.score.checks` to the available checks (the defaults and those added
 * by modules): an entry names a check by `id` and may change its `category`, `title`,
 * `weight`, `threshold`, `description` and `remediation`, or switch it off with
 * `enabled: false`. Thresholds are read in the check's unit: durations as `15m`, `P1D` or
 * `{ minutes: 15 }`, ratios and counts as numbers. Unknown ids and bad values stop the
 * backend with a message naming the key.
 */
export function readScoreChecks(
  config: Config | undefined,
  available: ReadonlyArray<ScoreCheck>,
): ScoreSettings['checks'] {
  const byId = new Map(available.map(c => [c.definition.id, c]));
  const overrides = new Map<string, Config>();
  (config?.getOptionalConfigArray('checks') ?? []).forEach((entry, i) => {
    const id = entry.getString('id');
    if (!byId.has(id)) {
      throw new Error(
        `Invalid config at '${KEY}.checks[${i}].id': no check "${id}"; the checks are ${[
          ...byId.keys(),
        ].join(', ')}`,
      );
    }
    if (overrides.has(id)) {
      throw new Error(
        `Invalid config at '${KEY}.checks[${i}].id': check "${id}" is configured twice`,
      );
    }
    overrides.set(id, entry);
  });

  const result: ScoreSettings['checks'] = [];
  for (const check of available) {
    const defaults = check.definition;
    const entry = overrides.get(defaults.id);
    if (entry?.getOptionalBoolean('enabled') === false) continue;
    const definition: ScoreCheckDefinition = { ...defaults };
    if (entry) {
      const where = `${KEY}.checks (id ${defaults.id})`;
      for (const key of [
        'category',
        'title',
        'description',
        'remediation',
      ] as const) {
        const value = entry.getOptionalString(key);
        if (value !== undefined) definition[key] = value;
      }
      const weight = entry.getOptionalNumber('weight');
      if (weight !== undefined) {
        if (!(weight >= 0) || !Number.isFinite(weight)) {
          throw new Error(
            `Invalid config at '${where}.weight': must be a number >= 0, got ${weight}`,
          );
        }
        definition.weight = weight;
      }
      if (entry.has('threshold')) {
        if (!defaults.thresholdUnit) {
          throw new Error(
            `Invalid config at '${where}.threshold': check ${defaults.id} has no threshold`,
          );
        }
        if (defaults.thresholdUnit === 'duration') {
          definition.threshold = readDurationMs(entry, 'threshold', 0);
        } else {
          const value = entry.getNumber('threshold');
          const ok =
            defaults.thresholdUnit === 'ratio'
              ? value >= 0 && value <= 1
              : value >= 0 && Number.isFinite(value);
          if (!ok) {
            throw new Error(
              `Invalid config at '${where}.threshold': must be ${
                defaults.thresholdUnit === 'ratio'
                  ? 'a ratio from 0 to 1, e.g. 0.25 for 25%'
                  : 'a number >= 0'
              }, got ${value}`,
            );
          }
          definition.threshold = value;
        }
      }
    }
    result.push({ check, definition });
  }
  return result;
}

/** Reads `operability.score.levels` (default crawl 0, walk 50, run 80). */
export function readScoreLevels(
  config: Config | undefined,
): ScoreLevelDefinition[] {
  const entries = config?.getOptionalConfigArray('levels');
  if (!entries) return DEFAULT_SCORE_LEVELS.map(level => ({ ...level }));
  const levels = entries.map(entry => {
    const id = entry.getString('id');
    return {
      id,
      title:
        entry.getOptionalString('title') ?? id[0].toUpperCase() + id.slice(1),
      threshold: entry.getNumber('threshold'),
    };
  });
  const errors = scoreLevelErrors(levels);
  if (errors.length) {
    throw new Error(`Invalid config at '${KEY}.levels': ${errors.join('; ')}`);
  }
  return levels;
}

/** Reads `operability.score`, with defaults, given every available check. */
export function readScoreSettings(
  root: Config,
  available: ReadonlyArray<ScoreCheck>,
): ScoreSettings {
  const config = root.getOptionalConfig(KEY);
  const kinds = (
    config?.getOptionalStringArray('kinds') ?? SCORE_DEFAULTS.kinds
  ).map(k => k.toLocaleLowerCase('en-US'));
  if (kinds.length === 0) {
    throw new Error(
      `Invalid config at '${KEY}.kinds': list at least one entity kind, e.g. [Component]`,
    );
  }
  const snapshotRetentionDays = wholeNumber(
    config,
    'snapshotRetentionDays',
    SCORE_DEFAULTS.snapshotRetentionDays,
    91,
  );
  const backfillDays = wholeNumber(
    config,
    'backfillDays',
    SCORE_DEFAULTS.backfillDays,
    0,
  );
  if (backfillDays >= snapshotRetentionDays) {
    throw new Error(
      `Invalid config at '${KEY}.backfillDays': must be less than snapshotRetentionDays (${snapshotRetentionDays}), got ${backfillDays}`,
    );
  }
  return {
    checks: readScoreChecks(config, available),
    levels: readScoreLevels(config),
    kinds,
    periodDays: wholeNumber(config, 'periodDays', SCORE_DEFAULTS.periodDays, 1),
    schedule: readSchedule(root, `${KEY}.schedule`, SCORE_DEFAULTS.schedule),
    concurrency: wholeNumber(
      config,
      'concurrency',
      SCORE_DEFAULTS.concurrency,
      1,
    ),
    snapshotRetentionDays,
    backfillDays,
    exemptionMaxDays: wholeNumber(
      config,
      'exemptions.maxDays',
      SCORE_DEFAULTS.exemptionMaxDays,
      1,
    ),
    badges: {
      rateLimit: readRateLimit(
        config,
        'badges.rateLimit',
        SCORE_DEFAULTS.badges.rateLimit,
        KEY,
      ),
      maxAgeSeconds: wholeNumber(
        config,
        'badges.maxAgeSeconds',
        SCORE_DEFAULTS.badges.maxAgeSeconds,
        0,
      ),
    },
  };
}
