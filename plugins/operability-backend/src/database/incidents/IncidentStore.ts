import {
  MANUAL_INCIDENT_SOURCE,
  type IncidentLinks,
  type IncidentRangeMatch,
  type IncidentSeverity,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import {
  incidentKeyOfReference,
  type IncidentDelivery,
  type IncidentDeliveryResult,
} from '@airworthy/plugin-operability-node';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { GroupingSettings } from './incidentGrouping';
import {
  IncidentGrouper,
  lockIncidentWrites,
  memberQuery,
  membersToRecords,
  readExtras,
} from './incidentGroups';
import {
  assertInstantsInRange,
  mergeObservation,
  normalizeObservation,
  sanitizeKeys,
  type IncidentState,
} from './incidentMerge';
import {
  incidentFromRow,
  recordFromRow,
  sameState,
  stateColumns,
  stateFromRow,
  type IncidentRow,
  type MemberRow,
  type RecordRow,
  type StoredIncident,
  type StoredIncidentRecord,
} from './incidentRows';

export type { StoredIncident, StoredIncidentRecord } from './incidentRows';

/** Which incidents (or records) of an entity to list, and which page. */
export interface IncidentFilter {
  entityRef: string;
  severities?: IncidentSeverity[];
  statuses?: IncidentStatus[];
  /** Incidents with a record of one of these sources (records of one of them). */
  sources?: string[];
  /** Open at any moment of `[from, to)`; with `match: 'started'`, started in it. */
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

/**
 * Persistence of incident records (what sources report), the incidents they group into,
 * people's merge and split decisions, webhook deliveries and source cursors. Every write
 * that changes records regroups the entities they affect in the same transaction.
 */
export interface IncidentStore {
  /** The grouping rules of this store. */
  readonly grouping: GroupingSettings;
  /**
   * Records a delivery of a source in one transaction: nothing when its delivery id was
   * recorded before, else every observation merged into its record and the records'
   * entities regrouped.
   */
  recordDelivery(
    source: string,
    delivery: IncidentDelivery,
    now?: number,
  ): Promise<IncidentDeliveryResult>;
  createManual(
    entityRef: string,
    fields: ManualIncidentFields,
    now?: number,
  ): Promise<StoredIncidentRecord>;
  /** Replaces the fields of a manual record; undefined when there is none with that id. */
  updateManual(
    id: string,
    fields: ManualIncidentFields,
    now?: number,
  ): Promise<StoredIncidentRecord | undefined>;
  /** A record, with its incident when it affects one entity. */
  getRecord(id: string): Promise<StoredIncidentRecord | undefined>;
  /** A page of an entity's records, newest start first, and how many match in all. */
  listRecords(
    filter: IncidentFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: StoredIncidentRecord[]; totalItems: number }>;
  /** Every record of the entity open at any moment of `[from, to)`, oldest first. */
  listRecordsOverlapping(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<StoredIncidentRecord[]>;
  /** An incident with its records. */
  getIncident(id: string): Promise<StoredIncident | undefined>;
  /** A page of an entity's incidents, newest start first, and how many match in all. */
  listIncidents(
    filter: IncidentFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: StoredIncident[]; totalItems: number }>;
  /** Every incident of the entity open at any moment of `[from, to)`, oldest first. */
  listIncidentsOverlapping(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<StoredIncident[]>;
  /**
   * Moves the records of incident `otherId` into incident `id` (same entity) and pins them
   * together: later deliveries and regrouping keep them one incident.
   */
  merge(
    id: string,
    otherId: string,
    decidedBy: string,
    now?: number,
  ): Promise<StoredIncident>;
  /**
   * Takes a record out of incident `id` into an incident of its own, and pins both apart:
   * later deliveries and regrouping keep them two incidents.
   */
  split(
    id: string,
    recordId: string,
    decidedBy: string,
    now?: number,
  ): Promise<{ incident: StoredIncident; split: StoredIncident }>;
  /**
   * Groups every record that has no incident yet (after the migration that introduced
   * incidents) and regroups the entities whose incidents were made with other grouping
   * rules; returns how many entities it regrouped.
   */
  regroupStale(now?: number): Promise<number>;
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

/** The state of a manual record: what the writer gave, nothing merged. */
function manualState(fields: ManualIncidentFields, now: number): IncidentState {
  let status: IncidentStatus = 'open';
  if (fields.acknowledgedAt !== undefined && fields.acknowledgedAt !== null) {
    status = 'acknowledged';
  }
  if (fields.resolvedAt !== undefined && fields.resolvedAt !== null) {
    status = 'resolved';
  }
  // The issue a person names (a GitHub issue, a PagerDuty incident) is the same event.
  const issueKey = fields.links?.issue
    ? incidentKeyOfReference(fields.links.issue)
    : undefined;
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
    correlation: {
      names: [],
      references: sanitizeKeys(
        issueKey && /^(github|pagerduty):/.test(issueKey) ? [issueKey] : [],
      ),
    },
    merge: { resolutions: [] },
  };
}

/** IncidentStore on knex: SQLite and PostgreSQL. */
export class KnexIncidentStore implements IncidentStore {
  private readonly grouper: IncidentGrouper;

  constructor(private readonly db: Knex, readonly grouping: GroupingSettings) {
    this.grouper = new IncidentGrouper(grouping);
  }

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
      await lockIncidentWrites(tx);
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
      const changed = new Map<string, Set<string>>();
      for (const raw of delivery.observations) {
        const outcome = await this.mergeOne(tx, source, raw, now);
        result[outcome.result] += 1;
        for (const entityRef of outcome.entityRefs ?? []) {
          const ids = changed.get(entityRef) ?? new Set<string>();
          ids.add(outcome.recordId!);
          changed.set(entityRef, ids);
        }
      }
      for (const [entityRef, ids] of [...changed].sort()) {
        await this.grouper.regroup(tx, entityRef, [...ids], now);
      }
    });
    return result;
  }

  /**
   * Merges one observation into its record. Returns the outcome and, when the record
   * changed, its id and the entities to regroup (old and new ones).
   */
  private async mergeOne(
    tx: Knex.Transaction,
    source: string,
    raw: IncidentDelivery['observations'][number],
    now: number,
  ): Promise<{
    result: 'created' | 'updated' | 'unchanged' | 'unmatched';
    recordId?: string;
    entityRefs?: string[];
  }> {
    const observation = normalizeObservation(raw);
    const key = { source, source_key: observation.sourceKey };
    const row = await tx<RecordRow>('incident_records').where(key).first();
    if (!row) {
      if (observation.entityRefs.length === 0) return { result: 'unmatched' };
      const state = mergeObservation(undefined, observation);
      const id = randomUUID();
      await tx('incident_records').insert({
        id,
        ...key,
        ...stateColumns(state, now),
        created_at: now,
      });
      await this.writeExtras(tx, id, state, undefined);
      return { result: 'created', recordId: id, entityRefs: state.entityRefs };
    }
    const extras = await readExtras(tx, [row.id]);
    const current = stateFromRow(row, extras.get(row.id)!);
    const next = mergeObservation(current, observation);
    if (sameState(next, current)) return { result: 'unchanged' };
    await tx('incident_records')
      .where({ id: row.id })
      .update(stateColumns(next, now));
    await this.writeExtras(tx, row.id, next, current);
    return {
      result: 'updated',
      recordId: row.id,
      entityRefs: [...new Set([...current.entityRefs, ...next.entityRefs])],
    };
  }

  /** Writes a record's entities and keys where they differ from the previous state. */
  private async writeExtras(
    tx: Knex.Transaction,
    recordId: string,
    next: IncidentState,
    previous: IncidentState | undefined,
  ): Promise<void> {
    const before = previous?.entityRefs ?? [];
    const gone = before.filter(ref => !next.entityRefs.includes(ref));
    const added = next.entityRefs.filter(ref => !before.includes(ref));
    if (gone.length) {
      await tx('incident_record_entities')
        .where({ record_id: recordId })
        .whereIn('entity_ref', gone)
        .delete();
    }
    if (added.length) {
      await tx('incident_record_entities').insert(
        added.map(entityRef => ({
          record_id: recordId,
          entity_ref: entityRef,
        })),
      );
    }
    if (
      JSON.stringify(previous?.correlation) !== JSON.stringify(next.correlation)
    ) {
      await tx('incident_record_keys').where({ record_id: recordId }).delete();
      const rows = [
        ...next.correlation.names.map(key => ({ role: 'name', key })),
        ...next.correlation.references.map(key => ({ role: 'reference', key })),
      ].map(row => ({ record_id: recordId, ...row }));
      if (rows.length) await tx('incident_record_keys').insert(rows);
    }
  }

  async createManual(
    entityRef: string,
    fields: ManualIncidentFields,
    now: number = Date.now(),
  ): Promise<StoredIncidentRecord> {
    assertInstantsInRange('A manual incident', fields);
    const id = randomUUID();
    const state = { ...manualState(fields, now), entityRefs: [entityRef] };
    await this.db.transaction(async tx => {
      await lockIncidentWrites(tx);
      await tx('incident_records').insert({
        id,
        source: MANUAL_INCIDENT_SOURCE,
        source_key: id,
        ...stateColumns(state, now),
        created_at: now,
      });
      await this.writeExtras(tx, id, state, undefined);
      await this.grouper.regroup(tx, entityRef, [id], now);
    });
    return (await this.getRecord(id))!;
  }

  async updateManual(
    id: string,
    fields: ManualIncidentFields,
    now: number = Date.now(),
  ): Promise<StoredIncidentRecord | undefined> {
    assertInstantsInRange('A manual incident', fields);
    const updated = await this.db.transaction(async tx => {
      await lockIncidentWrites(tx);
      const row = await tx<RecordRow>('incident_records')
        .where({ id, source: MANUAL_INCIDENT_SOURCE })
        .first();
      if (!row) return false;
      const extras = (await readExtras(tx, [id])).get(id)!;
      const previous = stateFromRow(row, extras);
      const next = {
        ...manualState(fields, now),
        entityRefs: extras.entityRefs,
      };
      await tx('incident_records')
        .where({ id })
        .update(stateColumns(next, now));
      await this.writeExtras(tx, id, next, previous);
      for (const entityRef of extras.entityRefs) {
        await this.grouper.regroup(tx, entityRef, [id], now);
      }
      return true;
    });
    return updated ? this.getRecord(id) : undefined;
  }

  async getRecord(id: string): Promise<StoredIncidentRecord | undefined> {
    const row = await this.db<RecordRow>('incident_records')
      .where({ id })
      .first();
    if (!row) return undefined;
    const extras = (await readExtras(this.db, [id])).get(id)!;
    if (extras.entityRefs.length === 1) {
      const [member] = await memberQuery(this.db, extras.entityRefs[0]).where(
        'incident_records.id',
        id,
      );
      if (member) return recordFromRow(member, extras);
    }
    return recordFromRow(row, extras);
  }

  /** Records of the entity matching a filter (time: open at any moment, or started). */
  private recordQuery(filter: IncidentFilter) {
    const query = memberQuery(this.db, filter.entityRef);
    applyFilter(query, 'incident_records', filter);
    if (filter.sources?.length) {
      query.whereIn('incident_records.source', filter.sources);
    }
    return query;
  }

  async listRecords(
    filter: IncidentFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: StoredIncidentRecord[]; totalItems: number }> {
    const [{ count }] = await this.recordQuery(filter)
      .clearSelect()
      .count({ count: 'incident_records.id' });
    const rows: MemberRow[] = await this.recordQuery(filter)
      .orderBy([
        { column: 'incident_records.started_at', order: 'desc' },
        { column: 'incident_records.id', order: 'asc' },
      ])
      .offset(page.offset)
      .limit(page.limit);
    return {
      items: await membersToRecords(this.db, rows),
      totalItems: Number(count),
    };
  }

  async listRecordsOverlapping(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<StoredIncidentRecord[]> {
    const rows: MemberRow[] = await this.recordQuery({
      entityRef,
      from,
      to,
    }).orderBy([
      { column: 'incident_records.started_at', order: 'asc' },
      { column: 'incident_records.id', order: 'asc' },
    ]);
    return membersToRecords(this.db, rows);
  }

  /** Incidents of the entity matching a filter. */
  private incidentQuery(filter: IncidentFilter) {
    const query = this.db<IncidentRow>('incidents').where(
      'incidents.entity_ref',
      filter.entityRef,
    );
    applyFilter(query, 'incidents', filter);
    if (filter.sources?.length) {
      query.whereExists(
        this.db('incident_record_entities')
          .join(
            'incident_records',
            'incident_records.id',
            'incident_record_entities.record_id',
          )
          .whereRaw('?? = ??', [
            'incident_record_entities.incident_id',
            'incidents.id',
          ])
          .whereIn('incident_records.source', filter.sources)
          .select(this.db.raw('1')),
      );
    }
    return query;
  }

  /** The incidents of rows, with their records for the rows' entity. */
  private async withRecords(rows: IncidentRow[]): Promise<StoredIncident[]> {
    const byIncident = new Map<string, StoredIncidentRecord[]>();
    for (const row of rows) byIncident.set(row.id, []);
    const byEntity = new Map<string, string[]>();
    for (const row of rows) {
      byEntity.set(row.entity_ref, [
        ...(byEntity.get(row.entity_ref) ?? []),
        row.id,
      ]);
    }
    for (const [entityRef, ids] of byEntity) {
      const members: MemberRow[] = await memberQuery(this.db, entityRef)
        .whereIn('incident_record_entities.incident_id', ids)
        .orderBy([
          { column: 'incident_records.started_at', order: 'asc' },
          { column: 'incident_records.source', order: 'asc' },
          { column: 'incident_records.source_key', order: 'asc' },
        ]);
      for (const record of await membersToRecords(this.db, members)) {
        byIncident.get(record.incidentId!)!.push(record);
      }
    }
    return rows.map(row => incidentFromRow(row, byIncident.get(row.id)!));
  }

  async getIncident(id: string): Promise<StoredIncident | undefined> {
    const row = await this.db<IncidentRow>('incidents').where({ id }).first();
    return row ? (await this.withRecords([row]))[0] : undefined;
  }

  async listIncidents(
    filter: IncidentFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: StoredIncident[]; totalItems: number }> {
    const [{ count }] = await this.incidentQuery(filter).count({
      count: 'incidents.id',
    });
    const rows: IncidentRow[] = await this.incidentQuery(filter)
      .select('incidents.*')
      .orderBy([
        { column: 'incidents.started_at', order: 'desc' },
        { column: 'incidents.id', order: 'asc' },
      ])
      .offset(page.offset)
      .limit(page.limit);
    return { items: await this.withRecords(rows), totalItems: Number(count) };
  }

  async listIncidentsOverlapping(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<StoredIncident[]> {
    const rows: IncidentRow[] = await this.incidentQuery({
      entityRef,
      from,
      to,
    })
      .select('incidents.*')
      .orderBy([
        { column: 'incidents.started_at', order: 'asc' },
        { column: 'incidents.id', order: 'asc' },
      ]);
    return this.withRecords(rows);
  }

  async merge(
    id: string,
    otherId: string,
    decidedBy: string,
    now: number = Date.now(),
  ): Promise<StoredIncident> {
    if (id === otherId) {
      throw new InputError('An incident cannot be merged with itself');
    }
    const mergedId = await this.db.transaction(async tx => {
      await lockIncidentWrites(tx);
      const read = async (incidentId: string) => {
        const row = await tx<IncidentRow>('incidents')
          .where({ id: incidentId })
          .first();
        if (!row) throw new NotFoundError(`No incident ${incidentId}`);
        return row;
      };
      const target = await read(id);
      const other = await read(otherId);
      if (target.entity_ref !== other.entity_ref) {
        throw new ConflictError(
          `Incidents ${id} and ${otherId} are of different entities (${target.entity_ref}, ${other.entity_ref}); only incidents of one entity can be merged`,
        );
      }
      const entityRef = target.entity_ref;
      const members = await this.memberIds(tx, entityRef, [id, otherId]);
      await this.pin(tx, entityRef, members, randomUUID(), decidedBy, now);
      const incidentOf = await this.grouper.regroup(
        tx,
        entityRef,
        members,
        now,
      );
      return incidentOf.get(members[0])!;
    });
    return (await this.getIncident(mergedId))!;
  }

  async split(
    id: string,
    recordId: string,
    decidedBy: string,
    now: number = Date.now(),
  ): Promise<{ incident: StoredIncident; split: StoredIncident }> {
    const ids = await this.db.transaction(async tx => {
      await lockIncidentWrites(tx);
      const row = await tx<IncidentRow>('incidents').where({ id }).first();
      if (!row) throw new NotFoundError(`No incident ${id}`);
      const entityRef = row.entity_ref;
      const members = await this.memberIds(tx, entityRef, [id]);
      if (!members.includes(recordId)) {
        throw new NotFoundError(`Incident ${id} has no record ${recordId}`);
      }
      if (members.length < 2) {
        throw new ConflictError(
          `Incident ${id} has one record only: there is nothing to split`,
        );
      }
      const rest = members.filter(m => m !== recordId);
      await this.pin(tx, entityRef, [recordId], randomUUID(), decidedBy, now);
      await this.pin(tx, entityRef, rest, randomUUID(), decidedBy, now);
      const incidentOf = await this.grouper.regroup(
        tx,
        entityRef,
        members,
        now,
      );
      return {
        incident: incidentOf.get(rest[0])!,
        split: incidentOf.get(recordId)!,
      };
    });
    const [incident, split] = await Promise.all([
      this.getIncident(ids.incident),
      this.getIncident(ids.split),
    ]);
    return { incident: incident!, split: split! };
  }

  private async memberIds(
    tx: Knex.Transaction,
    entityRef: string,
    incidentIds: string[],
  ): Promise<string[]> {
    const rows: Array<{ record_id: string }> = await tx(
      'incident_record_entities',
    )
      .where({ entity_ref: entityRef })
      .whereIn('incident_id', incidentIds)
      .orderBy('record_id')
      .select('record_id');
    return rows.map(r => r.record_id);
  }

  private async pin(
    tx: Knex.Transaction,
    entityRef: string,
    recordIds: string[],
    pin: string,
    decidedBy: string,
    now: number,
  ): Promise<void> {
    await tx('incident_record_entities')
      .where({ entity_ref: entityRef })
      .whereIn('record_id', recordIds)
      .update({ pin, pinned_by: decidedBy, pinned_at: now });
  }

  async regroupStale(now: number = Date.now()): Promise<number> {
    const rows: Array<{ entity_ref: string }> = await this.db(
      'incident_record_entities',
    )
      .leftJoin(
        'incidents',
        'incidents.id',
        'incident_record_entities.incident_id',
      )
      .where(q =>
        q
          .whereNull('incident_record_entities.incident_id')
          .orWhereNot('incidents.grouping', this.grouper.signature),
      )
      .distinct('incident_record_entities.entity_ref')
      .orderBy('incident_record_entities.entity_ref');
    for (const { entity_ref: entityRef } of rows) {
      // One transaction per entity: deliveries wait for one entity at a time, not all.
      await this.db.transaction(async tx => {
        await lockIncidentWrites(tx);
        const ids: Array<{ record_id: string }> = await tx(
          'incident_record_entities',
        )
          .where({ entity_ref: entityRef })
          .select('record_id');
        await this.grouper.regroup(
          tx,
          entityRef,
          ids.map(r => r.record_id),
          now,
        );
      });
    }
    return rows.length;
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

/** Severity, status and time filters on a table with incident columns. */
function applyFilter(
  query: Knex.QueryBuilder,
  table: 'incidents' | 'incident_records',
  filter: IncidentFilter,
): void {
  if (filter.severities?.length) {
    query.whereIn(`${table}.severity`, filter.severities);
  }
  if (filter.statuses?.length) {
    query.whereIn(`${table}.status`, filter.statuses);
  }
  const { from, to } = filter;
  if (to !== undefined) query.where(`${table}.started_at`, '<', to);
  if (from !== undefined) {
    if (filter.match === 'started') {
      query.where(`${table}.started_at`, '>=', from);
    } else {
      query.where(q =>
        q
          .whereNull(`${table}.resolved_at`)
          .orWhere(`${table}.resolved_at`, '>', from),
      );
    }
  }
}
