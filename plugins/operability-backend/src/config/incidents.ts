import {
  INCIDENT_SEVERITIES,
  type IncidentSeverity,
} from '@airworthy/plugin-operability-common';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import proxyaddr from 'proxy-addr';
import type { GroupingSettings } from '../database/incidents/incidentGrouping';
import {
  readDurationMs,
  readPositiveNumber,
  readRateLimit,
  readSchedule,
  readWholeNumber,
  type RateLimitSettings,
} from './readers';

const KEY = 'operability.incidents';

/** Defaults of `operability.incidents` (also in config.d.ts). */
export const INCIDENT_DEFAULTS = {
  statsPeriodDays: 28,
  maxFutureMs: 5 * 60_000,
  groupingGapMs: 5 * 60_000,
  alertLinkWindowMs: 24 * 60 * 60_000,
  postMortemSeverities: ['critical'] as IncidentSeverity[],
  deliveryRetentionDays: 30,
  housekeepingSchedule: {
    frequency: { hours: 6 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 5 },
  },
  webhooks: {
    maxBodySize: '1mb',
    rateLimit: { max: 300, windowSeconds: 60 },
  },
};

/** Settings of the incident history (`operability.incidents`). */
export interface IncidentHistorySettings {
  /** Default length of the statistics period, in days (`statsPeriodDays`, default 28). */
  statsPeriodDays: number;
  /** Severities whose resolved incidents need a post-mortem (default `[critical]`). */
  postMortemSeverities: IncidentSeverity[];
  /** How far ahead of now an incident's times may be (`maxFuture`, default 5 minutes). */
  maxFutureMs: number;
}

/**
 * Limits of the webhook routes (`operability.incidents.webhooks`). The rate limit counts
 * failed deliveries (bad credentials, unknown source) per source and client address;
 * correctly signed deliveries are never limited.
 */
export interface WebhookLimits extends RateLimitSettings {
  /** Largest body accepted (`maxBodySize`, default `1mb`); larger ones get 413. */
  maxBodySize: string;
  /**
   * Proxies whose `X-Forwarded-For` is believed (`trustedProxies`: addresses, CIDR ranges or
   * `loopback`, `linklocal`, `uniquelocal`; default none): the client address is then the
   * one they forwarded. Anyone else's forwarded addresses are ignored.
   */
  trustedProxies: string[];
}

/** Everything `operability.incidents` configures in the plugin itself (sources read their own keys). */
export interface IncidentSettings {
  history: IncidentHistorySettings;
  /** How records group into incidents (`groupingGap`, default 5m; `alertLinkWindow`, default 1d). */
  grouping: GroupingSettings;
  webhooks: WebhookLimits;
  housekeeping: {
    /** Webhook delivery ids are kept this many days for deduplication (default 30; fractions allowed). */
    deliveryRetentionDays: number;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
}

function readTrustedProxies(webhooks: Config | undefined): string[] {
  const proxies = webhooks?.getOptionalStringArray('trustedProxies') ?? [];
  try {
    proxyaddr.compile(proxies);
  } catch (error) {
    throw new Error(
      `Invalid config at '${KEY}.webhooks.trustedProxies': ${
        (error as Error).message
      }; list addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal`,
    );
  }
  return proxies;
}

/** Reads `operability.incidents`, with defaults. */
export function readIncidentSettings(root: Config): IncidentSettings {
  const incidents = root.getOptionalConfig(KEY);
  const severities =
    incidents?.getOptionalStringArray('postMortemSeverities') ??
    INCIDENT_DEFAULTS.postMortemSeverities;
  for (const severity of severities) {
    if (!(INCIDENT_SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(
        `Invalid config at '${KEY}.postMortemSeverities': "${severity}" is not one of ${INCIDENT_SEVERITIES.join(
          ', ',
        )}`,
      );
    }
  }
  const webhooks = incidents?.getOptionalConfig('webhooks');
  return {
    history: {
      statsPeriodDays: readWholeNumber(
        incidents,
        'statsPeriodDays',
        INCIDENT_DEFAULTS.statsPeriodDays,
        1,
        KEY,
      ),
      postMortemSeverities: severities as IncidentSeverity[],
      maxFutureMs: readDurationMs(
        incidents,
        'maxFuture',
        INCIDENT_DEFAULTS.maxFutureMs,
      ),
    },
    grouping: {
      gapMs: readDurationMs(
        incidents,
        'groupingGap',
        INCIDENT_DEFAULTS.groupingGapMs,
      ),
      alertLinkWindowMs: readDurationMs(
        incidents,
        'alertLinkWindow',
        INCIDENT_DEFAULTS.alertLinkWindowMs,
      ),
    },
    webhooks: {
      maxBodySize:
        webhooks?.getOptionalString('maxBodySize') ??
        INCIDENT_DEFAULTS.webhooks.maxBodySize,
      trustedProxies: readTrustedProxies(webhooks),
      ...readRateLimit(
        webhooks,
        'rateLimit',
        INCIDENT_DEFAULTS.webhooks.rateLimit,
        `${KEY}.webhooks`,
      ),
    },
    housekeeping: {
      deliveryRetentionDays: readPositiveNumber(
        incidents,
        'deliveryRetentionDays',
        INCIDENT_DEFAULTS.deliveryRetentionDays,
        KEY,
      ),
      schedule: readSchedule(
        root,
        `${KEY}.housekeeping.schedule`,
        INCIDENT_DEFAULTS.housekeepingSchedule,
      ),
    },
  };
}
