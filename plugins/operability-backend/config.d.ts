import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Airworthy operability plugin. */
  operability?: {
    /** The SLI store: bucket widths, roll-ups and retention, and the push API's limits. */
    sli?: {
      /**
       * Width of the base buckets that SLI data is collected and pushed in, e.g. `1m`
       * (the default). Pushed bucket starts must be aligned to it.
       */
      bucket?: string | HumanDuration;
      /** How long base buckets are kept, e.g. `8d` (the default). */
      retention?: string | HumanDuration;
      /**
       * Coarser resolutions that base buckets are rolled up into as they are written, from
       * fine to coarse; each width a multiple of the previous one, each retention longer.
       * Default: `[{ bucket: 1h, retention: 120d }, { bucket: 1d, retention: 400d }]`.
       */
      rollups?: Array<{
        bucket: string | HumanDuration;
        retention: string | HumanDuration;
      }>;
      /** How often the retention job runs (scope global). Default: every hour. */
      retentionSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Limits of `POST /slos/{id}/sli`. */
      push?: {
        /** Most buckets per request. Default: 10000. */
        maxBuckets?: number;
        /** How far past the server's clock a bucket may start. Default: `1m`. */
        maxFuture?: string | HumanDuration;
      };
    };
    /** GitOps: the OpenSLO or Sloth files entities name in `airworthy.dev/slo-files`. */
    sloFiles?: {
      /** How often every entity's SLO files are read again (scope global). Default: every 10 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Local directories whose files entities registered from `file:` locations may name
       * (development, e.g. the demo catalog). Relative to the backend's working directory.
       * Default: none (only URLs, through Backstage's URL reader and `backend.reading.allow`).
       */
      localDirectories?: string[];
    };
    /** Limits on SLOs, and how long retired SLOs keep their data. */
    slos?: {
      /** Most objectives one SLO document may define. Default 20. */
      maxObjectivesPerDocument?: number;
      /** Most SLOs in force per entity, each objective counted. Default 100. */
      maxPerEntity?: number;
      /**
       * How long an SLO that left (its entity left the catalog, its file or annotation was
       * removed, it was deleted through the API) keeps its SLI data and evaluations before
       * it is purged; it comes back with its history when its entity or file does, or when
       * it is restored. Default `30d`.
       */
      retiredGracePeriod?: string | HumanDuration;
    };
    /** Collection of SLI data from installed sources (e.g. the Prometheus module). */
    collection?: {
      /** How often every SLO is collected (scope global). Default: every minute. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Buckets ending later than now minus this are left to the next run. Default: `2m`. */
      lag?: string | HumanDuration;
      /** SLOs collected at a time. Default: 4. */
      concurrency?: number;
      /**
       * How far back the first collection of an SLO reaches, e.g. `90d` to fill a 90-day
       * view at once; the SLO's period when that is longer. Default: the SLO's period.
       */
      backfill?: string | HumanDuration;
    };
    /** Evaluation of every SLO: budget, burn rates, alert rows, status. */
    evaluation?: {
      /** How often every SLO is evaluated (scope global). Default: every minute. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Batches of 100 SLOs evaluated at a time (a store read each). Default: 4. */
      concurrency?: number;
      /** Minimum time between two stored snapshots of an SLO. Default: `1h`. */
      snapshotInterval?: string | HumanDuration;
      /** How long snapshots are kept. Default: `400d`. */
      snapshotRetention?: string | HumanDuration;
    };
    /**
     * Who may write operability data, for permission policies built with
     * `OperabilityPermissionPolicy` or `decideOperabilityPermission` of
     * `@airworthy/plugin-operability-node`.
     */
    permissions?: {
      /**
       * Groups whose members may write the operability data (SLOs, SLI data, incidents,
       * exemptions) of every entity, e.g. `[group:default/sre]`; an entity's owners always may.
       */
      sreGroups?: string[];
    };
    /**
     * The error-budget policy (Operate First's ADR 00007) that the deploy gate
     * (`GET /api/operability/entities/{kind}/{namespace}/{name}/deploy-gate`) applies to the
     * enforcing SLOs of an entity (`airworthy.dev/phase: enforcing`); informing SLOs never
     * stop a release. An entity may change it with the `airworthy.dev/error-budget-policy`
     * annotation (YAML or JSON with the same keys).
     */
    policy?: {
      /**
       * SLO states that block releases. Default `[exhausted]`. States: warning, critical,
       * exhausted, no-data.
       */
      block?: Array<'warning' | 'critical' | 'exhausted' | 'no-data'>;
      /** SLO states that warn. Default `[critical]`. */
      warn?: Array<'warning' | 'critical' | 'exhausted' | 'no-data'>;
      /** The decision for an entity without enforcing SLOs. Default `allow`. */
      withoutEnforcingSlos?: 'allow' | 'warn' | 'block';
      /**
       * Exceptions (`operability.exception.write`): a blocked gate allows, with a warning,
       * until the exception expires or is revoked.
       */
      exceptions?: {
        /** Longest exception, from its grant. Default `30d`. */
        maxDuration?: string | HumanDuration;
      };
      /**
       * How old an enforcing SLO's last evaluation, or its collected SLI data, may be before
       * the gate judges it stale: a stale SLO counts as `no-data` (the policy's block or warn
       * for no-data, and a warning when the policy names neither), never milder than its last
       * state. Default `1h`; from 5 minutes to 7 days.
       */
      maxStaleness?: string | HumanDuration;
    };
    /**
     * Notifications through Backstage's notifications backend
     * (`@backstage/plugin-notifications-backend`; see docs/notifications.md). Without that
     * backend, sending fails: the plugin logs it once and keeps the notifications pending for
     * `maxPendingAge`.
     */
    notifications?: {
      /**
       * Notify the owners of an SLO's entity when it enters warning, critical or exhausted
       * and when it recovers, once per change. Default true.
       */
      enabled?: boolean;
      /**
       * How long a notification that could not be sent is retried before it is dropped
       * (a stale alert is noise). Default `2d`; more than zero.
       */
      maxPendingAge?: string | HumanDuration;
      /**
       * After how long a sender that claimed a notification and did not finish is taken for
       * dead, so that another run sends it. Default `5m`; more than zero.
       */
      claimTimeout?: string | HumanDuration;
      /** How long the record of sent notifications is kept. Default `90d`. */
      keepSent?: string | HumanDuration;
      /** How long the deploy gate's answers are kept for the digest. Default `90d`. */
      gateDecisionRetention?: string | HumanDuration;
      /**
       * One notification per owner group (the groups owning entities with SLOs) about the
       * last complete ISO week: each SLO's state and budget used, incidents started, score
       * change and the deploy gate's answers. Sent once per group and week.
       */
      weeklyDigest?: {
        /** Default false. */
        enabled?: boolean;
        /** Default every Monday 08:00 UTC (`cron: '0 8 * * 1'`), timeout 15 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
      /**
       * One notification about the previous calendar month of the portfolio: entities that
       * moved between levels, entities per level, biggest score gains and losses. Sent once
       * per month.
       */
      monthlyReview?: {
        /** Default false; when true, `recipients` or `broadcast` is required. */
        enabled?: boolean;
        /** Default the 1st of each month 08:00 UTC (`cron: '0 8 1 * *'`), timeout 15 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Entity refs to send it to, e.g. `[group:default/foundation-sre]` (kind defaults to group). */
        recipients?: string[];
        /** Send it to every user instead. Default false. */
        broadcast?: boolean;
      };
    };
    /** The operability score: checks, levels, scoring schedule, exemptions and badges. */
    score?: {
      /**
       * Changes to the checks (the defaults and those modules add), by `id`. Each entry may
       * change the category, title, weight, threshold, description and remediation, or
       * switch the check off with `enabled: false`. Thresholds are in the check's unit:
       * durations as `15m`, `P1D` or `{ minutes: 15 }`, ratios as 0-1, counts as numbers.
       */
      checks?: Array<{
        /** The check, e.g. `mttr` (see the README for the list). */
        id: string;
        /** `false` leaves the check out of every score. Default true. */
        enabled?: boolean;
        /** `service-level`, `incident-response`, `operational-readiness` or a new one. */
        category?: string;
        title?: string;
        /** Relative weight, >= 0 (the defaults add up to 100). */
        weight?: number;
        /** What earns full credit, e.g. `4h` for MTTR or 0.25 for budget remaining. */
        threshold?: number | string | HumanDuration;
        description?: string;
        /** The hint shown when the check is not fully met. */
        remediation?: string;
      }>;
      /**
       * Levels, lowest first; the first has threshold 0. Default crawl 0, walk 50, run 80.
       */
      levels?: Array<{
        id: string;
        title?: string;
        /** The lowest score (0-100) of the level. */
        threshold: number;
      }>;
      /** Entity kinds that are scored. Default `[Component]`. */
      kinds?: string[];
      /** Length of the scoring period (incidents, MTTR), in days. Default 28. */
      periodDays?: number;
      /** When every entity is scored (scope global). Default every hour. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Entities scored at a time. Default 4. */
      concurrency?: number;
      /** How long daily snapshots are kept, in days (at least 91). Default 400. */
      snapshotRetentionDays?: number;
      /**
       * Days of score history to fill from stored SLI and incident data when their daily
       * snapshots are missing (after installation, or for entities new to the catalog), so
       * that trends do not start empty. 0 (the default) fills none; less than
       * snapshotRetentionDays.
       */
      backfillDays?: number;
      exemptions?: {
        /** Longest exemption, in days from now. Default 366. */
        maxDays?: number;
      };
      /** `GET /api/operability/badges/{kind}/{namespace}/{name}.svg` (unauthenticated). */
      badges?: {
        /** `Cache-Control: max-age` of a badge, in seconds. Default 300. */
        maxAgeSeconds?: number;
        rateLimit?: {
          /** Badge requests per client address and window. Default 120. */
          max?: number;
          /** Window length in seconds. Default 60. */
          windowSeconds?: number;
        };
      };
    };
    /** Incident history (sources have their own keys, e.g. `operability.incidents.github`). */
    incidents?: {
      /** Default length of the statistics period, in days. Default 28. */
      statsPeriodDays?: number;
      /**
       * Severities whose resolved incidents should have a post-mortem: the post-mortem
       * coverage is computed over them. Default `[critical]`.
       */
      postMortemSeverities?: Array<'critical' | 'warning' | 'info' | 'unknown'>;
      /**
       * How far past the server's clock an incident's times (start, detection,
       * acknowledgement, resolution) may be, from the API or a source. Default `5m`.
       */
      maxFuture?: string | HumanDuration;
      /**
       * Records of an entity (an alert, a PagerDuty incident, a GitHub issue, a manual
       * incident) whose spans overlap or lie at most this far apart are one incident.
       * Default `5m`. A change regroups every entity when the plugin starts (people's
       * merges and splits stand).
       */
      groupingGap?: string | HumanDuration;
      /**
       * How far in time a link to an alert (PagerDuty's incident key, an alert's source link
       * in a GitHub issue) reaches its firing nearest in time: every firing of an alert has
       * the same fingerprint. Default `1d`.
       */
      alertLinkWindow?: string | HumanDuration;
      /** How long webhook delivery ids are remembered for deduplication, in days. Default 30. */
      deliveryRetentionDays?: number;
      /** When delivery ids are pruned. Default every 6 hours (scope global). */
      housekeeping?: {
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
      /** Limits of `POST /api/operability/webhooks/{source}` (unauthenticated). */
      webhooks?: {
        /** Largest body accepted, e.g. `1mb` (larger ones get 413). Default `1mb`. */
        maxBodySize?: string;
        /**
         * Failed deliveries (bad or missing credentials, unknown source) per source and
         * client address and window; past it, that address's failures get 429. Correctly
         * signed deliveries are never limited.
         */
        rateLimit?: {
          /** Failed deliveries per source, client address and window. Default 300. */
          max?: number;
          /** Window length in seconds. Default 60. */
          windowSeconds?: number;
        };
        /**
         * Proxies whose `X-Forwarded-For` gives the client address: addresses, CIDR ranges,
         * or `loopback`, `linklocal`, `uniquelocal`. Default none (the connection's address).
         */
        trustedProxies?: string[];
      };
    };
  };
}
