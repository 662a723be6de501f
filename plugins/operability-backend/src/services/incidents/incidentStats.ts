import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type DurationStats,
  type IncidentSeverity,
  type IncidentStatsResponse,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import type { StoredIncident } from '../../database/incidents/IncidentStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE } = TIME;

/** Count, mean and median (seconds) of durations given in milliseconds. */
export function durationStats(durationsMs: number[]): DurationStats {
  if (!durationsMs.length) return { count: 0 };
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((sum, d) => sum + d, 0) / sorted.length;
  return {
    count: sorted.length,
    meanSeconds: mean / 1000,
    medianSeconds: median / 1000,
  };
}

/**
 * Milliseconds of `[from, to)` covered by at least one of the intervals (each clipped to
 * the range; overlapping intervals count once).
 */
export function coveredMs(
  intervals: Array<[number, number]>,
  from: number,
  to: number,
): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * The statistics of an entity's incidents over `[from, to)`, from every incident open at
 * some moment of the period (as `IncidentStore.listIncidentsOverlapping` returns them):
 * - counts, MTTA, MTTR, time between incidents and post-mortem coverage are over the
 *   incidents that started in the period (an incident is one event, whatever number of
 *   sources reported it; `records` counts their records);
 * - counts by source count an incident once for each source among its records;
 * - MTTA is acknowledged − detected, MTTR resolved − detected, both over the incidents that
 *   have that time (an incident is acknowledged when any source acknowledged it; Alertmanager
 *   does not acknowledge); time between incidents is the gap between consecutive starts;
 * - incident minutes are the minutes of the period (up to `now`) during which at least one
 *   incident was open, whenever it started;
 * - post-mortem coverage is over resolved incidents of the given severities.
 */
export function computeIncidentStats(options: {
  entityRef: string;
  incidents: StoredIncident[];
  from: number;
  to: number;
  now: number;
  postMortemSeverities: IncidentSeverity[];
}): Omit<IncidentStatsResponse, 'budgetCost'> {
  const { entityRef, incidents, from, to, now, postMortemSeverities } = options;
  const started = incidents
    .filter(i => i.startedAt >= from && i.startedAt < to)
    .sort((a, b) => a.startedAt - b.startedAt);

  const countsBySeverity = Object.fromEntries(
    INCIDENT_SEVERITIES.map(s => [s, 0]),
  ) as Record<IncidentSeverity, number>;
  const countsByStatus = Object.fromEntries(
    INCIDENT_STATUSES.map(s => [s, 0]),
  ) as Record<IncidentStatus, number>;
  const countsBySource: Record<string, number> = {};
  for (const incident of started) {
    countsBySeverity[incident.severity] += 1;
    countsByStatus[incident.status] += 1;
    for (const source of incident.sources) {
      countsBySource[source] = (countsBySource[source] ?? 0) + 1;
    }
  }

  const acknowledged = started.filter(i => i.acknowledgedAt !== undefined);
  const resolved = started.filter(i => i.resolvedAt !== undefined);
  const eligible = resolved.filter(i =>
    postMortemSeverities.includes(i.severity),
  );
  const covered = eligible.filter(i => i.postMortem).length;

  const end = Math.min(to, now);
  const minutes =
    coveredMs(
      incidents.map(i => [i.startedAt, i.resolvedAt ?? end]),
      from,
      end,
    ) / MINUTE;

  return {
    entityRef,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    count: started.length,
    records: started.reduce((sum, i) => sum + i.recordCount, 0),
    countsBySeverity,
    countsByStatus,
    countsBySource,
    mtta: durationStats(
      acknowledged.map(i => i.acknowledgedAt! - i.detectedAt),
    ),
    mttr: durationStats(resolved.map(i => i.resolvedAt! - i.detectedAt)),
    incidentMinutes: minutes,
    timeBetweenIncidents: durationStats(
      started.slice(1).map((i, k) => i.startedAt - started[k].startedAt),
    ),
    postMortemCoverage: {
      severities: postMortemSeverities,
      eligible: eligible.length,
      covered,
      ratio: eligible.length ? covered / eligible.length : undefined,
    },
  };
}
