import {
  MANUAL_INCIDENT_SOURCE,
  type IncidentLinks,
  type IncidentRangeMatch,
  type IncidentSeverity,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import type {
  IncidentDelivery,
  IncidentDeliveryResult,
} from '@airworthy/plugin-operability-node';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  assertInstantsInRange,
  mergeObservation,
  normalizeObservation,
  type IncidentState,
  type MergeState,
} from './incidentMerge';

/** An incident as stored. Instants are epoch milliseconds. */
export interface IncidentRecord extends Omit<IncidentState, 'merge'> {
  id: string;
  source: string;
  sourceKey: string;
  createdAt: number;
  updatedAt: number;
}

/** Which incidents of an entity to list, and which page. */
export interface IncidentFilter {
  entityRef: string;
  severities?: IncidentSeverity[];
  statuses?: IncidentStatus[];
  sources?: string[];
  /** Incidents open at any moment of `[from, to)` (with `match: 'started'`, started in it). */
  from?: number;
  to?: number;
  match?: IncidentRangeMatch;
}

/** The fields of a manual incident (or a change to one: `null` clears). */
export interface ManualIncidentFields {
  title: string;
  description?: string | null;
  severity: IncidentSeverity;
  startedAt: number;
  detectedAt?: number | null;
  acknowledgedAt?: number | null;
  resolvedAt?: number | null;
  links?: IncidentLinks;
  labels?: string[];
  postMortem?: boolean;
}

/** Persistence of incidents, their entities, webhook deliveries and source cursors. */
export interface IncidentStore {
  /**
   * Records a delivery of a source in one transaction: nothing when its delivery id was
   * recorded before, else every observation merged into its incident.
   */
  recordDelivery(
    source: string,
    delivery: IncidentDelivery,
    now?: number,
  ): Promise<IncidentDeliveryResult>;
  get(id: string): Promise<IncidentRecord | undefined>;
  /** A page of an entity's incidents, newest start first, and how many match in all. */
  list(
    filter: IncidentFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: IncidentRecord[]; totalItems: number }>;
  /** Every incident of the entity open at any moment of `[from, to)`, oldest first. */
  listOverlapping(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<IncidentRecord[]>;
  createManual(
    entityRef: string,
    fields: ManualIncidentFields,
    now?: number,
  ): Promise<IncidentRecord>;
  /** Replaces the fields of a manual incident; undefined when there is none with that id. */
  updateManual(
    id: string,
    fields: ManualIncidentFields,
    now?: number,
  ): Promise<IncidentRecord | undefined>;
  /** Forgets delivery ids received before the instant; returns how many. */
  pruneDeliveries(receivedBefore: number): Promise<number>;
  readCursor(source: string, key: string): Promise<string | undefined>;
  writeCursor(
    source: string,
    key: string,
    value: string,
    now?: number,
  ): Promise<void>;
}

interface IncidentRow {
  id: string;
  source: string;
  source_key: string;
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
  observed_at: number | string;
  merge_state: string;
  created_at: number | string;
  updated_at: number | string;
}

const optionalNumber = (v: number | string | null) =>
  v === null ? undefined : Number(v);

function stateFromRow(row: IncidentRow, entityRefs: string[]): IncidentState {
  const links: IncidentLinks = {};
  if (row.issue_url) links.issue = row.issue_url;
  if (row.post_mortem_url) links.postMortem = row.post_mortem_url;
  if (row.runbook_url) links.runbook = row.runbook_url;
  return {
    entityRefs,
    title: row.title,
    description: row.description ?? undefined,
    severity: row.severity as IncidentSeverity,
    status: row.status as IncidentStatus,
    startedAt: Number(row.started_at),
    detectedAt: Number(row.detected_at),
    acknowledgedAt: optionalNumber(row.acknowledged_at),
    resolvedAt: optionalNumber(row.resolved_at),
    links,
    postMortem: Boolean(row.post_mortem),
    labels: JSON.parse(row.labels),
    observedAt: Number(row.observed_at),
    merge: JSON.parse(row.merge_state) as MergeState,
  };
}

function recordFromRow(row: IncidentRow, entityRefs: string[]): IncidentRecord {
  const { merge: _merge, ...state } = stateFromRow(row, entityRefs);
  return {
    id: row.id,
    source: row.source,
    sourceKey: row.source_key,
    ...state,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The columns a state is written to (all but id, source, key and creation time). */
function stateColumns(state: IncidentState, now: number) {
  return {
    title: state.title,
    description: state.description ?? null,
    severity: state.severity,
    status: state.status,
    started_at: state.startedAt,
    detected_at: state.detectedAt,
    acknowledged_at: state.acknowledgedAt ?? null,
    resolved_at: state.resolvedAt ?? null,
    issue_url: state.links.issue ?? null,
    post_mortem_url: state.links.postMortem ?? null,
    runbook_url: state.links.runbook ?? null,
    post_mortem: state.postMortem,
    labels: JSON.stringify(state.labels),
    observed_at: state.observedAt,
    merge_state: JSON.stringify(state.merge),
    updated_at: now,
  };
}

function sameState(a: IncidentState, b: IncidentState): boolean {
  const canonical = (s: IncidentState) =>
    JSON.stringify([s.entityRefs, stateColumns(s, 0)]);
  return canonical(a) === canonical(b);
}

/** The state of a manual incident: what the writer gave, nothing merged. */
function manualState(fields: ManualIncidentFields, now: number): IncidentState {
  let status: IncidentStatus = 'open';
  if (fields.acknowledgedAt !== undefined && fields.acknowledgedAt !== null) {
    status = 'acknowledged';
  }
  if (fields.resolvedAt !== undefined && fields.resolvedAt !== null) {
    status = 'resolved';
  }
  return {
    entityRefs: [],
    title: fields.title,
    description: fields.description ?? undefined,
    severity: fields.severity,
    status,
    startedAt: fields.startedAt,
    detectedAt: fields.detectedAt ?? fields.startedAt,
    acknowledgedAt: fields.acknowledgedAt ?? undefined,
    resolvedAt: fields.resolvedAt ?? undefined,
    links: fields.links ?? {},
    postMortem: Boolean(fields.postMortem || fields.links?.postMortem),
    labels: fields.labels ?? [],
    observedAt: now,
    merge: { resolutions: [] },
  };
}

/** IncidentStore on knex: SQLite and PostgreSQL. */
export class KnexIncidentStore implements IncidentStore {
  constructor(private readonly db: Knex) {}

  async recordDelivery(
    source: string,
    delivery: IncidentDelivery,
    now: number = Date.now(),
  ): Promise<IncidentDeliveryResult> {
    const result: IncidentDeliveryResult = {
      duplicate: false,
      created: 0,
      updated: 0,
      unchanged: 0,
      unmatched: 0,
    };
    await this.db.transaction(async tx => {
      if (delivery.deliveryId !== undefined) {
        const inserted = await tx('incident_deliveries')
          .insert({
            source,
            delivery_id: delivery.deliveryId,
            received_at: now,
          })
          .onConflict(['source', 'delivery_id'])
          .ignore()
          .returning('delivery_id');
        if (inserted.length === 0) {
          result.duplicate = true;
          return;
        }
      }
      for (const raw of delivery.observations) {
        const outcome = await this.mergeOne(tx, source, raw, now);
        result[outcome] += 1;
      }
    });
    return result;
  }

  private async mergeOne(
    tx: Knex.Transaction,
    source: string,
    raw: IncidentDelivery['observations'][number],
    now: number,
  ): Promise<'created' | 'updated' | 'unchanged' | 'unmatched'> {
    const observation = normalizeObservation(raw);
    const key = { source, source_key: observation.sourceKey };
    let row = await this.selectForUpdate(tx, key);
    if (!row) {
      if (observation.entityRefs.length === 0) return 'unmatched';
      const state = mergeObservation(undefined, observation);
      const id = randomUUID();
      const inserted = await tx('incidents')
        .insert({ id, ...key, ...stateColumns(state, now), created_at: now })
        .onConflict(['source', 'source_key'])
        .ignore()
        .returning('id');
      if (inserted.length > 0) {
        await this.writeEntities(tx, id, state.entityRefs);
        return 'created';
      }
      // Another transaction inserted it meanwhile: merge into theirs.
      row = await this.selectForUpdate(tx, key);
      if (!row)
        throw new Error(`Incident ${source}/${key.source_key} vanished`);
    }
    const entityRefs = await this.readEntities(tx, [row.id]);
    const current = stateFromRow(row, entityRefs.get(row.id) ?? []);
    const next = mergeObservation(current, observation);
    if (sameState(next, current)) return 'unchanged';
    await tx('incidents').where({ id: row.id }).update(stateColumns(next, now));
    if (next.entityRefs.join('\n') !== current.entityRefs.join('\n')) {
      await this.writeEntities(tx, row.id, next.entityRefs);
    }
    return 'updated';
  }

  private async selectForUpdate(
    tx: Knex.Transaction,
    key: { source: string; source_key: string },
  ): Promise<IncidentRow | undefined> {
    const query = tx<IncidentRow>('incidents').where(key).first();
    return tx.client.config.client === 'pg' ? query.forUpdate() : query;
  }

  private async writeEntities(
    db: Knex,
    incidentId: string,
    entityRefs: string[],
  ): Promise<void> {
    await db('incident_entities').where({ incident_id: incidentId }).delete();
    if (entityRefs.length) {
      await db('incident_entities').insert(
        entityRefs.map(entityRef => ({
          incident_id: incidentId,
          entity_ref: entityRef,
        })),
      );
    }
  }

  private async readEntities(
    db: Knex,
    incidentIds: string[],
  ): Promise<Map<string, string[]>> {
    const byIncident = new Map<string, string[]>();
    if (!incidentIds.length) return byIncident;
    const rows: Array<{ incident_id: string; entity_ref: string }> = await db(
      'incident_entities',
    )
      .whereIn('incident_id', incidentIds)
      .orderBy('entity_ref')
      .select('incident_id', 'entity_ref');
    for (const row of rows) {
      const refs = byIncident.get(row.incident_id) ?? [];
      refs.push(row.entity_ref);
      byIncident.set(row.incident_id, refs);
    }
    return byIncident;
  }

  private async withEntities(rows: IncidentRow[]): Promise<IncidentRecord[]> {
    const entityRefs = await this.readEntities(
      this.db,
      rows.map(r => r.id),
    );
    return rows.map(row => recordFromRow(row, entityRefs.get(row.id) ?? []));
  }

  async get(id: string): Promise<IncidentRecord | undefined> {
    const row = await this.db<IncidentRow>('incidents').where({ id }).first();
    return row ? (await this.withEntities([row]))[0] : undefined;
  }

  private entityIncidents(
    entityRef: string,
    from?: number,
    to?: number,
    match: IncidentRangeMatch = 'open',
  ) {
    const query = this.db<IncidentRow>('incidents')
      .join(
        'incident_entities',
        'incident_entities.incident_id',
        'incidents.id',
      )
      .where('incident_entities.entity_ref', entityRef);
    if (to !== undefined) query.where('incidents.started_at', '<', to);
    if (from !== undefined && match === 'started') {
      query.where('incidents.started_at', '>=', from);
    } else if (from !== undefined) {
      query.where(q =>
        q
          .whereNull('incidents.resolved_at')
          .orWhere('incidents.resolved_at', '>', from),
      );
    }
    return query;
  }

  async list(
    filter: IncidentFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: IncidentRecord[]; totalItems: number }> {
    const query = this.entityIncidents(
      filter.entityRef,
      filter.from,
      filter.to,
      filter.match,
    );
    if (filter.severities?.length) {
      query.whereIn('incidents.severity', filter.severities);
    }
    if (filter.statuses?.length) {
      query.whereIn('incidents.status', filter.statuses);
    }
    if (filter.sources?.length) {
      query.whereIn('incidents.source', filter.sources);
    }
    const [{ count }] = await query
      .clone()
      .clearSelect()
      .count({ count: 'incidents.id' });
    const rows: IncidentRow[] = await query
      .select('incidents.*')
      .orderBy([
        { column: 'incidents.started_at', order: 'desc' },
        { column: 'incidents.id', order: 'asc' },
      ])
      .offset(page.offset)
      .limit(page.limit);
    return { items: await this.withEntities(rows), totalItems: Number(count) };
  }

  async listOverlapping(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<IncidentRecord[]> {
    const rows: IncidentRow[] = await this.entityIncidents(entityRef, from, to)
      .select('incidents.*')
      .orderBy([
        { column: 'incidents.started_at', order: 'asc' },
        { column: 'incidents.id', order: 'asc' },
      ]);
    return this.withEntities(rows);
  }

  async createManual(
    entityRef: string,
    fields: ManualIncidentFields,
    now: number = Date.now(),
  ): Promise<IncidentRecord> {
    assertInstantsInRange('A manual incident', fields);
    const id = randomUUID();
    const state = { ...manualState(fields, now), entityRefs: [entityRef] };
    await this.db.transaction(async tx => {
      await tx('incidents').insert({
        id,
        source: MANUAL_INCIDENT_SOURCE,
        source_key: id,
        ...stateColumns(state, now),
        created_at: now,
      });
      await this.writeEntities(tx, id, state.entityRefs);
    });
    return (await this.get(id))!;
  }

  async updateManual(
    id: string,
    fields: ManualIncidentFields,
    now: number = Date.now(),
  ): Promise<IncidentRecord | undefined> {
    assertInstantsInRange('A manual incident', fields);
    const updated = await this.db('incidents')
      .where({ id, source: MANUAL_INCIDENT_SOURCE })
      .update(stateColumns(manualState(fields, now), now));
    return updated ? this.get(id) : undefined;
  }

  async pruneDeliveries(receivedBefore: number): Promise<number> {
    return this.db('incident_deliveries')
      .where('received_at', '<', receivedBefore)
      .delete();
  }

  async readCursor(source: string, key: string): Promise<string | undefined> {
    const row = await this.db('incident_source_cursors')
      .where({ source, cursor_key: key })
      .first('value');
    return row?.value;
  }

  async writeCursor(
    source: string,
    key: string,
    value: string,
    now: number = Date.now(),
  ): Promise<void> {
    await this.db('incident_source_cursors')
      .insert({ source, cursor_key: key, value, updated_at: now })
      .onConflict(['source', 'cursor_key'])
      .merge(['value', 'updated_at']);
  }
}
