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
 * The phase of an SLO, set in the SLO's own `metadata.annotations` (OpenSLO), not on the
 * entity: `informing` (a permissive phase: the budget is measured, its policy does not apply
 * yet) or `enforcing`. An SLO without it is enforcing.
 * @public
 */
export const ANNOTATION_SLO_PHASE = 'airworthy.dev/phase';

/** The phases of an SLO (`airworthy.dev/phase`). @public */
export const SLO_PHASES = ['informing', 'enforcing'] as const;

/** The phase of an SLO. @public */
export type SloPhase = (typeof SLO_PHASES)[number];

/**
 * The phase of an SLO from its annotations: `informing` only when the annotation says so
 * (case and surrounding blanks ignored), else `enforcing`.
 * @public
 */
export function sloPhaseOf(
  annotations: Record<string, string> | undefined,
): SloPhase {
  return annotations?.[ANNOTATION_SLO_PHASE]?.trim().toLocaleLowerCase(
    'en-US',
  ) === 'informing'
    ? 'informing'
    : 'enforcing';
}

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
