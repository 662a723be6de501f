/**
 * The normalized SLO model: what the engine makes of OpenSLO v1 and Sloth specs, and what the
 * backend stores (as JSON), evaluates and collects data for. Plain data: every value is JSON
 * (strings, numbers, booleans, arrays, objects), so `JSON.parse(JSON.stringify(slo))` is equal
 * to `slo`.
 *
 * One `Slo` per objective: an OpenSLO SLO document with several objectives (e.g. 99% and 99.9%
 * of the same indicator, or the objectives of a composite SLO) becomes several `Slo`s that share
 * `name` and differ in `objective.index`, `ref` and `target`, because each target has its own
 * error budget.
 */

/** The spec formats the engine reads. @public */
export type SloSpecFormat =
  | 'openslo/v1'
  | 'openslo/v1alpha'
  | 'sloth/prometheus/v1'
  | 'sloth/kubernetes/v1';

/** How an SLO counts its budget (OpenSLO `budgetingMethod`). @public */
export type BudgetingMethod = 'Occurrences' | 'Timeslices' | 'RatioTimeslices';

/** A comparison operator of OpenSLO (`op`). @public */
export type ComparisonOperator = 'lt' | 'lte' | 'gt' | 'gte';

/** An SLO's time window (OpenSLO `timeWindow[0]`). @public */
export interface SloTimeWindow {
  /** The duration as written, e.g. `28d`, `4w`, `1M`. */
  duration: string;
  /**
   * Nominal length in milliseconds (months 30 days, quarters 90, years 365); for calendar
   * windows the real period comes from `calendarPeriodAt`.
   */
  durationMs: number;
  /** True for a rolling window, false for a calendar-aligned one. */
  isRolling: boolean;
  /** Calendar-aligned windows only: when periods start, and in which time zone. */
  calendar?: {
    /** Local start of a period, `YYYY-MM-DD HH:mm:ss` as written (no time zone). */
    startTime: string;
    /** IANA time zone name, e.g. `Europe/Berlin`. */
    timeZone: string;
  };
}

/** A DataSource document that a metric source names with `metricSourceRef`. @public */
export interface SloDataSource {
  /** `metadata.name` of the DataSource. */
  name: string;
  displayName?: string;
  description?: string;
  /** Its type, e.g. `Prometheus`. */
  type: string;
  /**
   * Connection details as written (URLs, and in some files credentials); may be empty. Treat as
   * secret: do not send them to browsers (`toOpenSloYaml` leaves them out unless asked).
   */
  connectionDetails: Record<string, unknown>;
}

/** Where one metric of an indicator comes from (OpenSLO `metricSource`). @public */
export interface SloMetricSource {
  /**
   * The source type: the metric source's own `type`, else its DataSource's (e.g. `Prometheus`).
   */
  type: string;
  /** The DataSource named by `metricSourceRef`, resolved within the documents given. */
  dataSource?: SloDataSource;
  /**
   * Source-specific fields as written; for `Prometheus`, `query` (a PromQL expression, in which
   * `{{.window}}` stands for the range of a rate, as in Sloth).
   */
  spec: Record<string, unknown>;
}

/** Fields that every indicator has. @public */
export interface SloIndicatorBase {
  /** `metadata.name` of the SLI (inline or referenced), when it has one. */
  name?: string;
  displayName?: string;
  description?: string;
}

/**
 * A ratio of events: good/total or bad/total (exactly one of `good` and `bad` is set).
 * @public
 */
export interface SloRatioIndicator extends SloIndicatorBase {
  type: 'ratio';
  /**
   * True when the queries return monotonically increasing counters (to be turned into
   * increases per window), false when they return values per instant to be summed over time
   * (e.g. `sum(probe_success)` and `count(probe_success)`). OpenSLO leaves it optional; the
   * engine assumes true when it is not written.
   */
  counter: boolean;
  good?: SloMetricSource;
  bad?: SloMetricSource;
  total: SloMetricSource;
}

/** A precomputed ratio (OpenSLO `raw` with `rawType`). @public */
export interface SloRawIndicator extends SloIndicatorBase {
  type: 'raw';
  /** `success`: the metric is good/total; `failure`: bad/total. */
  rawType: 'success' | 'failure';
  raw: SloMetricSource;
}

/** A single metric compared with the objective's `op` and `value` (OpenSLO `thresholdMetric`). @public */
export interface SloThresholdIndicator extends SloIndicatorBase {
  type: 'threshold';
  metric: SloMetricSource;
}

/** What an SLO measures. @public */
export type SloIndicator =
  | SloRatioIndicator
  | SloRawIndicator
  | SloThresholdIndicator;

/** The objective (of the SLO document's `objectives`) that an `Slo` stands for. @public */
export interface SloObjective {
  /** Position in the document's `objectives`, from 0. */
  index: number;
  /** How many objectives the document has. */
  count: number;
  displayName?: string;
  /** Threshold indicators: how a measured value compares with `value` to be good. */
  op?: ComparisonOperator;
  /** Threshold indicators: the value compared with. */
  value?: number;
  /** Composite SLOs: the weight of this objective (OpenSLO default 1). */
  compositeWeight?: number;
}

/** Timeslices and RatioTimeslices: how time is cut into slices. @public */
export interface SloTimeSlice {
  /** Timeslices only: the share of good events (or of good values) that makes a slice good, in (0, 1]. */
  target?: number;
  /** The slice length as written (`1m`); a bare number in the spec means minutes. */
  window: string;
  /** The slice length in milliseconds. */
  windowMs: number;
}

/** An alert condition (OpenSLO AlertCondition, kind `burnrate`). @public */
export interface SloAlertCondition {
  name: string;
  displayName?: string;
  description?: string;
  /** As written, e.g. `page`, `ticket`, `critical`. */
  severity: string;
  kind: 'burnrate';
  /** How the burn rate compares with `threshold` when the condition breaches. */
  op: ComparisonOperator;
  /** The burn rate compared with. */
  threshold: number;
  /** Window over which the burn rate is computed, as written (`1h`). */
  lookbackWindow: string;
  lookbackWindowMs: number;
  /** How long the condition must hold before alerting, as written (`5m`; default `0m`). */
  alertAfter: string;
  alertAfterMs: number;
}

/** Where alerts of a policy go (OpenSLO AlertNotificationTarget). @public */
export interface SloNotificationTarget {
  name: string;
  displayName?: string;
  description?: string;
  /** E.g. `email`, `slack`. */
  target: string;
}

/** An alert policy of an SLO (OpenSLO AlertPolicy, inline or referenced). @public */
export interface SloAlertPolicy {
  name: string;
  displayName?: string;
  description?: string;
  alertWhenNoData: boolean;
  alertWhenResolved: boolean;
  alertWhenBreaching: boolean;
  conditions: SloAlertCondition[];
  notificationTargets: SloNotificationTarget[];
}

/** Labels and annotations for one kind of generated alert (Sloth `page_alert`/`ticket_alert`). @public */
export interface SloAlertLabels {
  /** False when this alert must not be generated. */
  enabled: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * How the generated multiwindow burn-rate alerts look (from a Sloth spec's `alerting`, or
 * defaults for OpenSLO).
 * @public
 */
export interface SloAlerting {
  /** The alert name; default: the SLO's name in PascalCase + `ErrorBudgetBurn`. */
  name?: string;
  /** Labels and annotations of both alerts. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  page: SloAlertLabels;
  ticket: SloAlertLabels;
}

/** Where an `Slo` was read from. @public */
export interface SloOrigin {
  format: SloSpecFormat;
  /** The file (path or URL) as given to the parser. */
  file: string;
  /** Index of the YAML document in the file, from 0. */
  document: number;
  /**
   * Sloth `PrometheusServiceLevel` resources: their metadata, which the PrometheusRule that
   * replaces Sloth's takes over.
   */
  kubernetes?: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
}

/**
 * One SLO objective, normalized: everything needed to evaluate it and to collect its data.
 * @public
 */
export interface Slo {
  /**
   * Unique key of this objective within the documents parsed: `name` for the first objective,
   * `name/1`, `name/2`, ... for the following ones (so adding objectives keeps the first key).
   */
  ref: string;
  /** `metadata.name` (OpenSLO) or `name` (Sloth); RFC 1123 for OpenSLO. */
  name: string;
  /**
   * The SLO's `metadata.displayName`. Objectives may have their own (`objective.displayName`);
   * a label for one objective is `objective.displayName ?? displayName ?? name`.
   */
  displayName?: string;
  description?: string;
  /** The service the SLO belongs to (OpenSLO `spec.service`, Sloth `service`). */
  service: string;
  /** Labels (OpenSLO `metadata.labels`, list values joined by `,`; Sloth `labels`). */
  labels: Record<string, string>;
  /** Annotations (OpenSLO `metadata.annotations`). */
  annotations: Record<string, string>;
  /** The objective as a ratio in [0, 1), e.g. 0.999 (`targetPercent` divided by 100). */
  target: number;
  /**
   * The objective in percent as a Sloth spec (or an OpenSLO v1alpha target, times 100) wrote
   * it, e.g. 99.9: the rules compute Sloth's numbers from it, to the last digit.
   */
  objectivePercent?: number;
  objective: SloObjective;
  timeWindow: SloTimeWindow;
  budgetingMethod: BudgetingMethod;
  /** Set for Timeslices and RatioTimeslices. */
  timeSlice?: SloTimeSlice;
  indicator: SloIndicator;
  alertPolicies: SloAlertPolicy[];
  /** Set for Sloth specs, whose `alerting` shapes the generated alerts. */
  alerting?: SloAlerting;
  origin: SloOrigin;
}
