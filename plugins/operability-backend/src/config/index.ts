/*
 * Every configuration key the plugin reads, in one place: `readOperabilitySettings` turns
 * `operability.*` into typed settings that plugin.ts hands to services, routes and tasks,
 * none of which reads config itself. One file per domain; config.d.ts documents the keys.
 */
import type { ScoreCheck } from '@airworthy/plugin-operability-node';
import type { Config } from '@backstage/config';
import { readIncidentSettings, type IncidentSettings } from './incidents';
import {
  readNotificationSettings,
  type NotificationSettings,
} from './notifications';
import { readPolicySettings, type PolicySettings } from './policy';
import { readScoreSettings, type ScoreSettings } from './score';
import {
  readCollectionConfig,
  readSliConfig,
  type CollectionConfig,
  type SliConfig,
} from './sli';
import {
  readEvaluationConfig,
  readSloFilesConfig,
  readSloLimits,
  type EvaluationConfig,
  type SloFilesConfig,
  type SloLimits,
} from './slo';

export type {
  IncidentHistorySettings,
  IncidentSettings,
  WebhookLimits,
} from './incidents';
export {
  NOTIFICATION_DEFAULTS,
  readNotificationSettings,
} from './notifications';
export type { NotificationSettings } from './notifications';
export { POLICY_DEFAULTS, readPolicySettings } from './policy';
export type { PolicySettings } from './policy';
export type { RateLimitSettings } from './readers';
export type { ScoreSettings } from './score';
export type { CollectionConfig, SliConfig } from './sli';
export type { EvaluationConfig, SloFilesConfig, SloLimits } from './slo';
export { SLO_DEFAULTS } from './slo';
export { readIncidentSettings } from './incidents';
export { readSliConfig, readScoreSettings };

/** The plugin's settings, read once at start-up. */
export interface OperabilitySettings {
  sli: SliConfig;
  collection: CollectionConfig;
  sloFiles: SloFilesConfig;
  slos: SloLimits;
  evaluation: EvaluationConfig;
  incidents: IncidentSettings;
  score: ScoreSettings;
  policy: PolicySettings;
  notifications: NotificationSettings;
}

/**
 * Reads every `operability.*` key the plugin uses, with defaults; a bad value throws with
 * a message naming its key. `scoreChecks` are the checks available (defaults and those
 * added by modules), which `operability.score.checks` configures.
 */
export function readOperabilitySettings(
  config: Config,
  options: { scoreChecks: ReadonlyArray<ScoreCheck> },
): OperabilitySettings {
  const sli = readSliConfig(config);
  return {
    sli,
    collection: readCollectionConfig(config),
    sloFiles: readSloFilesConfig(config),
    slos: readSloLimits(config, sli.levels[sli.levels.length - 1].retentionMs),
    evaluation: readEvaluationConfig(config),
    incidents: readIncidentSettings(config),
    score: readScoreSettings(config, options.scoreChecks),
    policy: readPolicySettings(config),
    notifications: readNotificationSettings(config),
  };
}
