import type {
  IncidentLinks,
  IncidentSeverity,
  IncidentStatus,
} from '@airworthy/plugin-operability-common';
import type { IncidentState, MergeState } from './incidentMerge';
import type { IncidentSummary } from './incidentGrouping';

/*
 * Rows of the incident tables and the records and incidents they hold. Instants are
 * bigInteger epoch milliseconds, read back with Number().
 */

/** An incident record as stored: what one source reported. Instants are epoch milliseconds. */
export interface StoredIncidentRecord extends Omit<IncidentState, 'merge'> {
  id: string;
  source: string;
  sourceKey: string;
  createdAt: number;
  updatedAt: number;
  /** The record's incident for the entity it was read for. */
  incidentId?: string;
  /** The decision a person made about the record's place, for that entity. */
  decision?: { pin: string; by: string; at: number };
}

/** An incident of an entity as stored, with its records (oldest first). */
export interface StoredIncident extends IncidentSummary {
  id: string;
  entityRef: string;
  records: StoredIncidentRecord[];
  createdAt: number;
  updatedAt: number;
}

/** The columns `incident_records` and `incidents` share: the fields of an incident. */
interface IncidentFieldColumns {
  id: string;
  title: string;
  description: string | null;
  severity: string;
  status: string;
  started_at: number | string;
  detected_at: number | string;
  acknowledged_at: number | string | null;
  resolved_at: number | string | null;
  issue_url: string | null;
  post_mortem_url: string | null;
  runbook_url: string | null;
  post_mortem: boolean | number;
  labels: string;
  created_at: number | string;
  updated_at: number | string;
}

/** A row of `incident_records`. */
export interface RecordRow extends IncidentFieldColumns {
  source: string;
  source_key: string;
  observed_at: number | string;
  merge_state: string;
}

/** A record row joined with its membership of one entity (`incident_record_entities`). */
export interface MemberRow extends RecordRow {
  entity_ref: string;
  incident_id: string | null;
  pin: string | null;
  pinned_by: string | null;
  pinned_at: number | string | null;
}

/** A row of `incidents`. */
export interface IncidentRow extends IncidentFieldColumns {
  entity_ref: string;
  sources: string;
  record_count: number | string;
  grouping: string;
}

/** What is known of a record besides its row: entities and correlation keys. */
export interface RecordExtras {
  entityRefs: string[];
  names: string[];
  references: string[];
}

export const optionalNumber = (v: number | string | null | undefined) =>
  v === null || v === undefined ? undefined : Number(v);

function linksOf(row: {
  issue_url: string | null;
  post_mortem_url: string | null;
  runbook_url: string | null;
}): IncidentLinks {
  const links: IncidentLinks = {};
  if (row.issue_url) links.issue = row.issue_url;
  if (row.post_mortem_url) links.postMortem = row.post_mortem_url;
  if (row.runbook_url) links.runbook = row.runbook_url;
  return links;
}

function linkColumns(links: IncidentLinks) {
  return {
    issue_url: links.issue ?? null,
    post_mortem_url: links.postMortem ?? null,
    runbook_url: links.runbook ?? null,
  };
}

export function stateFromRow(
  row: RecordRow,
  extras: RecordExtras,
): IncidentState {
  return {
    entityRefs: extras.entityRefs,
    title: row.title,
    description: row.description ?? undefined,
    severity: row.severity as IncidentSeverity,
    status: row.status as IncidentStatus,
    startedAt: Number(row.started_at),
    detectedAt: Number(row.detected_at),
    acknowledgedAt: optionalNumber(row.acknowledged_at),
    resolvedAt: optionalNumber(row.resolved_at),
    links: linksOf(row),
    postMortem: Boolean(row.post_mortem),
    labels: JSON.parse(row.labels),
    observedAt: Number(row.observed_at),
    correlation: { names: extras.names, references: extras.references },
    merge: JSON.parse(row.merge_state) as MergeState,
  };
}

export function recordFromRow(
  row: RecordRow | MemberRow,
  extras: RecordExtras,
): StoredIncidentRecord {
  const { merge: _merge, ...state } = stateFromRow(row, extras);
  const record: StoredIncidentRecord = {
    id: row.id,
    source: row.source,
    sourceKey: row.source_key,
    ...state,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if ('incident_id' in row && row.incident_id) {
    record.incidentId = row.incident_id;
  }
  if ('pin' in row && row.pin) {
    record.decision = {
      pin: row.pin,
      by: row.pinned_by ?? '',
      at: Number(row.pinned_at),
    };
  }
  return record;
}

/** The columns records and incidents share: what happened, when, and its links and labels. */
function describingColumns(
  x: Pick<
    IncidentState,
    | 'title'
    | 'description'
    | 'severity'
    | 'status'
    | 'startedAt'
    | 'detectedAt'
    | 'acknowledgedAt'
    | 'resolvedAt'
    | 'links'
    | 'postMortem'
    | 'labels'
  >,
) {
  return {
    title: x.title,
    description: x.description ?? null,
    severity: x.severity,
    status: x.status,
    started_at: x.startedAt,
    detected_at: x.detectedAt,
    acknowledged_at: x.acknowledgedAt ?? null,
    resolved_at: x.resolvedAt ?? null,
    ...linkColumns(x.links),
    post_mortem: x.postMortem,
    labels: JSON.stringify(x.labels),
  };
}

/** The columns a record's state is written to (all but id, source, key and creation time). */
export function stateColumns(state: IncidentState, now: number) {
  return {
    ...describingColumns(state),
    observed_at: state.observedAt,
    merge_state: JSON.stringify(state.merge),
    updated_at: now,
  };
}

/** Whether two states of a record would be stored alike (entities and keys included). */
export function sameState(a: IncidentState, b: IncidentState): boolean {
  const canonical = (s: IncidentState) =>
    JSON.stringify([s.entityRefs, s.correlation, stateColumns(s, 0)]);
  return canonical(a) === canonical(b);
}

/** The columns of an incident (all but id, entity and creation time). */
export function incidentColumns(
  summary: IncidentSummary,
  grouping: string,
  now: number,
) {
  return {
    ...describingColumns(summary),
    sources: JSON.stringify(summary.sources),
    record_count: summary.recordCount,
    grouping,
    updated_at: now,
  };
}

/** Whether an incident row already holds these columns (its update time aside). */
export function sameIncident(
  row: IncidentRow,
  columns: ReturnType<typeof incidentColumns>,
): boolean {
  const stored = incidentColumns(incidentSummaryFromRow(row), row.grouping, 0);
  return (
    JSON.stringify(stored) === JSON.stringify({ ...columns, updated_at: 0 })
  );
}

export function incidentSummaryFromRow(row: IncidentRow): IncidentSummary {
  return {
    title: row.title,
    description: row.description ?? undefined,
    severity: row.severity as IncidentSeverity,
    status: row.status as IncidentStatus,
    startedAt: Number(row.started_at),
    detectedAt: Number(row.detected_at),
    acknowledgedAt: optionalNumber(row.acknowledged_at),
    resolvedAt: optionalNumber(row.resolved_at),
    links: linksOf(row),
    postMortem: Boolean(row.post_mortem),
    labels: JSON.parse(row.labels),
    sources: JSON.parse(row.sources),
    recordCount: Number(row.record_count),
  };
}

export function incidentFromRow(
  row: IncidentRow,
  records: StoredIncidentRecord[],
): StoredIncident {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    ...incidentSummaryFromRow(row),
    records,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
