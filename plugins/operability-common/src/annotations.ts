/**
 * The catalog annotations Airworthy reads, one constant per annotation.
 *
 * @packageDocumentation
 */
import type { Entity } from '@backstage/catalog-model';

/**
 * OpenSLO or Sloth files that define the entity's SLOs: a comma-separated list of paths
 * relative to the entity's source location, or absolute URLs.
 * @public
 */
export const ANNOTATION_SLO_FILES = 'airworthy.dev/slo-files';

/**
 * Alertmanager label matchers that tie alerts to the entity,
 * e.g. `service=jupyterhub,namespace=opf-jupyterhub`.
 * @public
 */
export const ANNOTATION_ALERT_SELECTOR = 'airworthy.dev/alert-selector';

/**
 * GitHub repositories whose issues are the entity's incidents: `owner/repo` with an
 * optional `:label` (default `incident`), comma-separated.
 * @public
 */
export const ANNOTATION_GITHUB_INCIDENTS = 'airworthy.dev/github-incidents';

/** Exemptions from operability checks, as YAML or JSON. @public */
export const ANNOTATION_EXEMPTIONS = 'airworthy.dev/exemptions';

/** `"true"` to serve the entity's operability badge without credentials. @public */
export const ANNOTATION_PUBLIC_BADGE = 'airworthy.dev/public-badge';

/**
 * The phase of an SLO (Operate First's SLO lifecycle), set on the SLO itself, not on the
 * entity: in an OpenSLO document's `metadata.annotations`, or a `PrometheusServiceLevel`'s
 * metadata; as a label (OpenSLO `metadata.labels`, Sloth `labels`), whose names cannot hold
 * a "/", it is `airworthy_phase` (`SLO_PHASE_LABEL`). `informing`: a permissive phase,
 * the budget is measured and shown but its policy does not stop releases; `enforcing`: the
 * error-budget policy (the deploy gate) applies. An SLO without it is informing.
 * @public
 */
export const ANNOTATION_SLO_PHASE = 'airworthy.dev/phase';

/**
 * The label form of `airworthy.dev/phase`: OpenSLO label keys and Prometheus label names
 * (Sloth's labels) cannot hold a "/". @public
 */
export const SLO_PHASE_LABEL = 'airworthy_phase';

/** The phases of an SLO (`airworthy.dev/phase`). @public */
export const SLO_PHASES = ['informing', 'enforcing'] as const;

/** The phase of an SLO. @public */
export type SloPhase = (typeof SLO_PHASES)[number];

/** The phase of an SLO that does not write one. @public */
export const DEFAULT_SLO_PHASE: SloPhase = 'informing';

/** Where an SLO may write its phase: the parts of the engine's `Slo` that carry it. @public */
export interface SloPhaseSource {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  origin?: {
    kubernetes?: {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };
  };
}

/**
 * The phase as written (annotation first, then label, then a Sloth resource's metadata),
 * or undefined when the SLO does not write one.
 * @public
 */
export function sloPhaseValue(slo: SloPhaseSource): string | undefined {
  const kubernetes = slo.origin?.kubernetes;
  return [
    slo.annotations?.[ANNOTATION_SLO_PHASE],
    slo.labels?.[SLO_PHASE_LABEL],
    kubernetes?.annotations[ANNOTATION_SLO_PHASE],
    kubernetes?.labels[ANNOTATION_SLO_PHASE],
    kubernetes?.labels[SLO_PHASE_LABEL],
  ].find(value => value !== undefined);
}

/**
 * A written phase as a phase (case and surrounding blanks ignored), or undefined when it is
 * neither `informing` nor `enforcing`.
 * @public
 */
export function parseSloPhase(value: string): SloPhase | undefined {
  const phase = value.trim().toLocaleLowerCase('en-US');
  return (SLO_PHASES as readonly string[]).includes(phase)
    ? (phase as SloPhase)
    : undefined;
}

/**
 * The phase of an SLO: the one it writes (`airworthy.dev/phase`), else informing. The parser
 * refuses SLOs that write another value, so stored SLOs always have one of the two.
 * @public
 */
export function sloPhaseOf(slo: SloPhaseSource): SloPhase {
  const value = sloPhaseValue(slo);
  return (
    (value === undefined ? undefined : parseSloPhase(value)) ??
    DEFAULT_SLO_PHASE
  );
}

/**
 * The entity's own error-budget policy, as YAML or JSON, changing the configured one
 * (`operability.policy`), e.g. `{ block: [exhausted, critical], warn: [warning] }` or
 * `{ block: [] }` (never block). Keys: `block`, `warn` (lists of SLO states: warning,
 * critical, exhausted, no-data) and `withoutEnforcingSlos` (allow, warn or block).
 * @public
 */
export const ANNOTATION_ERROR_BUDGET_POLICY =
  'airworthy.dev/error-budget-policy';

/**
 * Where the entity's on-call rotation is, when it is not a PagerDuty or Opsgenie service:
 * a URL or a name (a link of type `oncall` in `metadata.links` serves too).
 * @public
 */
export const ANNOTATION_ON_CALL = 'airworthy.dev/on-call';

/** The PagerDuty service of the entity (the annotation PagerDuty's own plugin uses). @public */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';

/** Annotations that connect an entity to an Airworthy source. @public */
export const OPERABILITY_SOURCE_ANNOTATIONS: readonly string[] = [
  ANNOTATION_SLO_FILES,
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_GITHUB_INCIDENTS,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
];

/**
 * Whether the entity names at least one Airworthy source (SLO files, alerts, incidents).
 * Entities without one can still have SLOs created through the API.
 * @public
 */
export function isOperabilityAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return OPERABILITY_SOURCE_ANNOTATIONS.some(a =>
    Boolean(annotations[a]?.trim()),
  );
}

/** The `airworthy.dev/slo-files` entries of an entity, trimmed, empty ones dropped. @public */
export function getSloFileRefs(entity: Entity): string[] {
  const value = entity.metadata.annotations?.[ANNOTATION_SLO_FILES] ?? '';
  return value
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}
