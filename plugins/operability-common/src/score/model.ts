import { TIME } from '../time';

const { MINUTE, HOUR, DAY } = TIME;
/**
 * The operability score as data: checks (what is measured, how much it weighs, the threshold
 * that earns full credit, what to do when it is not met), levels, and the results the
 * backend computes. Plain JSON, shared by the backend, the frontend and the CLI.
 */

/** Titles of the default categories of checks, for people. Modules may add other categories. */
export const SCORE_CATEGORY_TITLES: Readonly<Record<string, string>> = {
  'service-level': 'Service level',
  'incident-response': 'Incident response',
  'operational-readiness': 'Operational readiness',
};

/**
 * What a check's threshold measures: a `ratio` in [0, 1] (0.25 is 25%), a `duration` in
 * milliseconds, or a `count`.
 * @public
 */
export type ScoreThresholdUnit = 'ratio' | 'duration' | 'count';

/**
 * A check of the operability score, as configured. Ids are lower-case words joined by `-`.
 * @public
 */
export interface ScoreCheckDefinition {
  id: string;
  /** `service-level`, `incident-response`, `operational-readiness`, or a module's own. */
  category: string;
  /** A short name for people, e.g. `Runbook link`. */
  title: string;
  /** Relative weight; the score is the weighted mean of the credits. 0 disables the check. */
  weight: number;
  /** What earns full credit, in `thresholdUnit` (durations in ms); absent for yes/no checks. */
  threshold?: number;
  thresholdUnit?: ScoreThresholdUnit;
  /** What the check measures and how partial credit is given. */
  description: string;
  /** What to do when the check is not fully met. */
  remediation: string;
}

/** A maturity level: reached when the score is at least `threshold` (0-100). @public */
export interface ScoreLevelDefinition {
  id: string;
  title: string;
  threshold: number;
}

/**
 * The default checks. Weights add up to 100, so a check's weight is the points it is worth
 * when every check applies. Thresholds follow the community cloud's practice (28-day budget
 * periods, post-mortems within 7 days, an incident commander within 10 minutes).
 * @public
 */
export const DEFAULT_SCORE_CHECKS: ReadonlyArray<ScoreCheckDefinition> = [
  // Service level: 40 points
  {
    id: 'slo-defined',
    category: 'service-level',
    title: 'Has an SLO',
    weight: 10,
    description:
      'The entity has at least one SLO (from its SLO files or the API).',
    remediation:
      'Add an OpenSLO file to the repository and name it in the airworthy.dev/slo-files annotation (or create an SLO in Backstage).',
  },
  {
    id: 'sli-data',
    category: 'service-level',
    title: 'SLI data flowing',
    weight: 8,
    threshold: 2 * HOUR,
    thresholdUnit: 'duration',
    description:
      'Share of the SLOs whose newest SLI data is at most the threshold old.',
    remediation:
      'Check that the SLO queries return data in Prometheus (see the SLO collection status), or push counts to POST /api/operability/slos/{id}/sli.',
  },
  {
    id: 'error-budget',
    category: 'service-level',
    title: 'Error budget remaining',
    weight: 10,
    threshold: 0.25,
    thresholdUnit: 'ratio',
    description:
      'Error budget left over the SLO period: full credit at or above the threshold, remaining/threshold below it, none when spent; the mean over the SLOs.',
    remediation:
      'Budget is running out: prioritise reliability work over features until it recovers (the error budget policy), and review the incidents that burned it.',
  },
  {
    id: 'no-critical-burn',
    category: 'service-level',
    title: 'No critical burn alert',
    weight: 6,
    threshold: 7 * DAY,
    thresholdUnit: 'duration',
    description:
      'Share of the SLOs without a critical (page) burn-rate alert within the threshold.',
    remediation:
      'A fast burn paged recently: find the cause in the incident history, fix it, and write a post-mortem.',
  },
  {
    id: 'slo-enforcing',
    category: 'service-level',
    title: 'SLOs enforcing',
    weight: 6,
    description:
      'Share of the SLOs in the enforcing phase (the OpenSLO annotation airworthy.dev/phase is "enforcing" or absent) rather than informing.',
    remediation:
      'Once an informing SLO has held for a period, set airworthy.dev/phase: enforcing (or remove the annotation) so its error budget policy applies.',
  },
  // Incident response: 25 points
  {
    id: 'mtta',
    category: 'incident-response',
    title: 'Mean time to acknowledge',
    weight: 6,
    threshold: 15 * MINUTE,
    thresholdUnit: 'duration',
    description:
      'Mean time from detection to acknowledgement over the period: full credit at or under the threshold, threshold/MTTA above it.',
    remediation:
      'Acknowledge incidents sooner: route alerts to an on-call rotation that pages, and acknowledge in the incident tool.',
  },
  {
    id: 'mttr',
    category: 'incident-response',
    title: 'Mean time to resolve',
    weight: 7,
    threshold: 4 * HOUR,
    thresholdUnit: 'duration',
    description:
      'Mean time from detection to resolution over the period: full credit at or under the threshold, threshold/MTTR above it.',
    remediation:
      'Resolve incidents faster: keep runbooks current, practise rollbacks, and escalate when an incident outlasts its runbook.',
  },
  {
    id: 'incident-rate',
    category: 'incident-response',
    title: 'Incidents per 28 days',
    weight: 6,
    threshold: 2,
    thresholdUnit: 'count',
    description:
      'Incidents that started in the period (one outage reported by several sources is one incident), scaled to 28 days: full credit at or under the threshold, threshold/count above it. Needs an incident source.',
    remediation:
      'Too many incidents: look for recurring causes in the post-mortems and fix them; connect an incident source if none is connected.',
  },
  {
    id: 'post-mortems',
    category: 'incident-response',
    title: 'Post-mortems for critical incidents',
    weight: 6,
    threshold: 7 * DAY,
    thresholdUnit: 'duration',
    description:
      'Share of the critical incidents resolved in the period that have a post-mortem; an incident resolved less than the threshold ago counts only once it has one.',
    remediation:
      'Write a post-mortem for each critical incident within 7 days of resolving it and link it (the post-mortem label or link).',
  },
  // Operational readiness: 35 points
  {
    id: 'owner',
    category: 'operational-readiness',
    title: 'Owner',
    weight: 6,
    description:
      'spec.owner names a group or user of the catalog (half credit when the owner is not in the catalog).',
    remediation:
      'Set spec.owner to a group of the catalog, e.g. group:default/my-team.',
  },
  {
    id: 'on-call',
    category: 'operational-readiness',
    title: 'On-call reference',
    weight: 6,
    description:
      'A link of type oncall, or an on-call annotation (pagerduty.com/service-id, pagerduty.com/integration-key, opsgenie.com/team, airworthy.dev/on-call).',
    remediation:
      'Add the on-call rotation as a link of type oncall (metadata.links) or the PagerDuty service id (pagerduty.com/service-id).',
  },
  {
    id: 'runbook',
    category: 'operational-readiness',
    title: 'Runbook link',
    weight: 6,
    description: 'A link of type runbook in metadata.links.',
    remediation:
      'Add the runbook to metadata.links with type: runbook (an http(s) URL).',
  },
  {
    id: 'dashboard',
    category: 'operational-readiness',
    title: 'Dashboard link',
    weight: 4,
    description: 'A link of type dashboard in metadata.links.',
    remediation:
      'Add the service dashboard (Grafana, ...) to metadata.links with type: dashboard.',
  },
  {
    id: 'alert-rules',
    category: 'operational-readiness',
    title: 'Alert rules',
    weight: 5,
    description:
      'Alerts reach Airworthy (airworthy.dev/alert-selector or prometheus.io/alert), or half credit when only burn-rate rules can be generated from the SLOs.',
    remediation:
      'Generate alert rules from the SLOs (airworthy rules), deploy them, and set airworthy.dev/alert-selector so the alerts are tied to this entity.',
  },
  {
    id: 'docs',
    category: 'operational-readiness',
    title: 'Documentation',
    weight: 4,
    description:
      'TechDocs (backstage.io/techdocs-ref); half credit for a link of type docs or documentation.',
    remediation:
      'Publish docs with TechDocs: add backstage.io/techdocs-ref: dir:. and an mkdocs.yml.',
  },
  {
    id: 'lifecycle',
    category: 'operational-readiness',
    title: 'Lifecycle',
    weight: 4,
    description:
      'spec.lifecycle is production, experimental or deprecated (half credit for any other value).',
    remediation:
      'Set spec.lifecycle to production, experimental or deprecated.',
  },
];

/** The default levels: the crawl / walk / run maturity phases. @public */
export const DEFAULT_SCORE_LEVELS: ReadonlyArray<ScoreLevelDefinition> = [
  { id: 'crawl', title: 'Crawl', threshold: 0 },
  { id: 'walk', title: 'Walk', threshold: 50 },
  { id: 'run', title: 'Run', threshold: 80 },
];

/**
 * How a check came out: `met` (full credit), `partial`, `not-met` (no credit),
 * `not-applicable` (left out of the score, e.g. MTTA without incidents), `exempt` (an active
 * exemption: left out of the score) or `error` (the check failed to run: no credit).
 * @public
 */
export type ScoreCheckStatus =
  | 'met'
  | 'partial'
  | 'not-met'
  | 'not-applicable'
  | 'exempt'
  | 'error';

/** Where an exemption comes from. @public */
export type ScoreExemptionSource = 'annotation' | 'api';

/** An exemption of an entity from one check. @public */
export interface ScoreExemption {
  check: string;
  reason: string;
  /** Who granted it: a user ref (API) or as written in the annotation. */
  author: string;
  /** ISO 8601; the exemption applies until this instant. */
  expiresAt: string;
  source: ScoreExemptionSource;
  /** ISO 8601, for API exemptions. */
  createdAt?: string;
  /** Not expired (at the time of the answer). */
  active: boolean;
}

/** The result of one check for one entity: its definition's figures and the outcome. @public */
export interface ScoreCheckResult
  extends Pick<
    ScoreCheckDefinition,
    'id' | 'category' | 'title' | 'weight' | 'threshold' | 'thresholdUnit'
  > {
  status: ScoreCheckStatus;
  /** 0 to 1; null when not applicable or exempt. */
  credit: number | null;
  /** Points this check adds to the score (0-100 scale). */
  points: number;
  /** Points the score would gain if this check were fully met. */
  gain: number;
  /** What was measured. Untrusted text may appear in it (entity fields): render as text. */
  detail: string;
  /**
   * Present when the check is not fully met (and not exempt): the definition's remediation,
   * or what fits the entity's situation better (e.g. connect an incident source first).
   */
  remediation?: string;
  /**
   * The id of the check to meet before this one can be (e.g. `slo-defined` while the entity
   * has no SLO): what to do next is that check's remediation.
   */
  blockedBy?: string;
  /** The exemption that applies. */
  exemption?: ScoreExemption;
}

/** A category's share of the score. @public */
export interface ScoreCategoryResult {
  id: string;
  title: string;
  /** Weighted mean of the category's applicable checks, 0-100; null when none applies. */
  score: number | null;
  /** Weight of the category's applicable checks. */
  weight: number;
}

/** Facts computed with the score, shown in the portfolio. @public */
export interface EntityScoreFacts {
  sloCount: number;
  /** The lowest budget remaining of the entity's evaluated SLOs (may be negative). */
  worstBudgetRemaining: number | null;
  /** Share of the evaluated SLOs whose SLI over the period meets the target. */
  sloCompliance: number | null;
  /**
   * Incidents that started in the period; null when no incident source reports the entity's
   * incidents (unknown, not zero).
   */
  incidents: number | null;
  /** Mean time to resolve of those incidents, in seconds. */
  mttrSeconds: number | null;
  /** The period the facts cover, ISO 8601. */
  periodFrom: string;
  periodTo: string;
}
