/**
 * Incidents shaped for the incidents card and the charts: durations, links that are safe to
 * render, filters, and the spans an incident covers on a time axis with the budget it cost.
 */
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  MANUAL_INCIDENT_SOURCE,
  toHttpUrl,
  type Incident,
  type IncidentBudgetCost,
  type IncidentSeverity,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import { formatPercent } from './format';

/** The sources every installation may have; more appear as their incidents do. */
export const KNOWN_INCIDENT_SOURCES: readonly string[] = [
  'alertmanager',
  'github',
  'pagerduty',
  MANUAL_INCIDENT_SOURCE,
];

/**
 * The URL when it is an absolute http(s) URL, else undefined: the only links the UI renders.
 * The backend stores only such links; this guards against anything else reaching an `href`.
 */
export function safeHref(url: string | undefined | null): string | undefined {
  return url ? toHttpUrl(url) : undefined;
}

/** How long an incident lasted, or has lasted so far when it is still open. */
export function incidentDurationMs(incident: Incident, nowMs: number): number {
  const start = Date.parse(incident.startedAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : nowMs;
  return Math.max(0, end - start);
}

/** The links of an incident that may be rendered, with their labels, in a fixed order. */
export function incidentLinks(incident: Pick<Incident, 'links'>): Array<{
  kind: 'issue' | 'postMortem' | 'runbook';
  label: string;
  href: string;
}> {
  const labels = {
    issue: 'Issue',
    postMortem: 'Post-mortem',
    runbook: 'Runbook',
  } as const;
  return (['issue', 'postMortem', 'runbook'] as const).flatMap(kind => {
    const href = safeHref(incident.links?.[kind]);
    return href ? [{ kind, label: labels[kind], href }] : [];
  });
}

/** Filters of the incident list; empty lists mean "any". */
export interface IncidentFilters {
  severity: IncidentSeverity[];
  status: IncidentStatus[];
  source: string[];
}

/** No filter. */
export const NO_INCIDENT_FILTERS: IncidentFilters = {
  severity: [],
  status: [],
  source: [],
};

/** The choices of each filter: every severity and status, and the sources seen or known. */
export function incidentFilterChoices(
  countsBySource: Record<string, number> = {},
): {
  severity: IncidentSeverity[];
  status: IncidentStatus[];
  source: string[];
} {
  const sources = new Set([
    ...KNOWN_INCIDENT_SOURCES,
    ...Object.keys(countsBySource),
  ]);
  return {
    severity: [...INCIDENT_SEVERITIES],
    status: [...INCIDENT_STATUSES],
    source: [...sources].sort(),
  };
}

/**
 * The budget costs of an incident written for a table cell, each SLO by its display name:
 * `12% of Hub availability (28d)` (its ref when it has none).
 */
export function describeBudgetCost(
  costs: ReadonlyArray<IncidentBudgetCost> | undefined,
): string[] {
  return (costs ?? []).flatMap(cost =>
    cost.share === undefined
      ? []
      : [
          // The period stays with the name it qualifies.
          `${formatPercent(cost.share, 1)} of ${
            cost.sloDisplayName ?? cost.sloRef
          }\u00a0(${cost.period})`,
        ],
  );
}

/** An incident as a shaded span of a time axis. */
export interface IncidentSpan {
  id: string;
  /** Untrusted: render as text. */
  title: string;
  /** The sources that reported it (one span however many did). */
  sources: string[];
  severity: IncidentSeverity;
  /** Start and end on the axis, clipped to the range shown (epoch ms). */
  x1: number;
  x2: number;
  /** True while the incident is open (the span ends at now). */
  open: boolean;
  /** The share of the SLO's budget it burned, when known. */
  budgetShare?: number;
}

/**
 * The spans of the incidents that overlap `[from, to)`, clipped to it, oldest first. With an
 * SLO id, each span carries the share of that SLO's budget the incident burned.
 */
export function incidentSpans(
  incidents: ReadonlyArray<Incident>,
  range: { from: number; to: number },
  options: { sloId?: string; nowMs: number },
): IncidentSpan[] {
  return incidents
    .flatMap(incident => {
      const start = Date.parse(incident.startedAt);
      const end = incident.resolvedAt
        ? Date.parse(incident.resolvedAt)
        : Math.min(options.nowMs, range.to);
      if (!(end > range.from && start < range.to)) return [];
      const cost = options.sloId
        ? incident.budgetCost?.find(c => c.sloId === options.sloId)
        : undefined;
      const span: IncidentSpan = {
        id: incident.id,
        title: incident.title,
        sources: incident.sources,
        severity: incident.severity,
        x1: Math.max(start, range.from),
        x2: Math.min(Math.max(end, start), range.to),
        open: !incident.resolvedAt,
      };
      if (cost?.share !== undefined) span.budgetShare = cost.share;
      return [span];
    })
    .sort((a, b) => a.x1 - b.x1);
}
