import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/*
 * The readers every domain's settings are built with. Each refuses a bad value with a
 * message that names the key, so the backend stops at start-up rather than run on it.
 */

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

/** A task schedule from config (`<key>` of the root config), or the default. */
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

/** A whole number `>= min` at `<prefix>.<key>`, or the default. */
export function readWholeNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  prefix: string,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `Invalid config at '${prefix}.${key}': must be a whole number >= ${min}, got ${value}`,
    );
  }
  return value;
}

/** A finite number `> 0` at `<prefix>.<key>`, or the default. */
export function readPositiveNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
  prefix: string,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new Error(
      `Invalid config at '${prefix}.${key}': must be a number > 0, got ${value}`,
    );
  }
  return value;
}

/** A rate limit: requests per client address and window. */
export interface RateLimitSettings {
  max: number;
  windowSeconds: number;
}

/**
 * Reads `<key>.max` and `<key>.windowSeconds` (whole numbers >= 1) from config, with
 * defaults; a bad value stops the backend with a message naming the key.
 */
export function readRateLimit(
  config: Config | undefined,
  key: string,
  defaults: RateLimitSettings,
  prefix: string,
): RateLimitSettings {
  return {
    max: readWholeNumber(config, `${key}.max`, defaults.max, 1, prefix),
    windowSeconds: readWholeNumber(
      config,
      `${key}.windowSeconds`,
      defaults.windowSeconds,
      1,
      prefix,
    ),
  };
}
