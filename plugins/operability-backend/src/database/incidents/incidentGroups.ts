import { isRecurringIncidentKey } from '@airworthy/plugin-operability-node';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  groupingSignature,
  groupRecords,
  summarizeIncident,
  type GroupingRecord,
  type GroupingSettings,
} from './incidentGrouping';
import {
  incidentColumns,
  recordFromRow,
  sameIncident,
  type IncidentRow,
  type MemberRow,
  type RecordExtras,
  type StoredIncidentRecord,
} from './incidentRows';

/** Ids per query, well under the bind-variable limits of SQLite and PostgreSQL. */
const CHUNK = 500;

/** The advisory lock every incident write holds on PostgreSQL (see `lockIncidentWrites`). */
const INCIDENT_WRITE_LOCK = 7_320_117_401;

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    result.push(items.slice(i, i + CHUNK));
  }
  return result;
}

/**
 * Serializes incident writes on PostgreSQL for the rest of the transaction: two replicas that
 * record records of one outage at the same moment would otherwise each group without seeing
 * the other's record, and create two incidents. Incident writes are few (webhook deliveries,
 * people), so one lock for all of them costs nothing and cannot deadlock. SQLite has one
 * writer at a time anyway.
 */
export async function lockIncidentWrites(tx: Knex.Transaction): Promise<void> {
  if (tx.client.config.client === 'pg') {
    await tx.raw('select pg_advisory_xact_lock(?)', [INCIDENT_WRITE_LOCK]);
  }
}

/** Entity refs and correlation keys of records, by record id. */
export async function readExtras(
  db: Knex,
  recordIds: string[],
): Promise<Map<string, RecordExtras>> {
  const extras = new Map<string, RecordExtras>();
  for (const id of recordIds) {
    extras.set(id, { entityRefs: [], names: [], references: [] });
  }
  for (const ids of chunks([...new Set(recordIds)])) {
    const entities: Array<{ record_id: string; entity_ref: string }> = await db(
      'incident_record_entities',
    )
      .whereIn('record_id', ids)
      .orderBy('entity_ref')
      .select('record_id', 'entity_ref');
    for (const row of entities) {
      extras.get(row.record_id)!.entityRefs.push(row.entity_ref);
    }
    const keys: Array<{ record_id: string; role: string; key: string }> =
      await db('incident_record_keys')
        .whereIn('record_id', ids)
        .orderBy('key')
        .select('record_id', 'role', 'key');
    for (const row of keys) {
      const target = extras.get(row.record_id)!;
      (row.role === 'name' ? target.names : target.references).push(row.key);
    }
  }
  return extras;
}

/** The records of an entity with their membership, joined. */
export function memberQuery(db: Knex, entityRef: string) {
  return db<MemberRow>('incident_records')
    .join(
      'incident_record_entities',
      'incident_record_entities.record_id',
      'incident_records.id',
    )
    .where('incident_record_entities.entity_ref', entityRef)
    .select(
      'incident_records.*',
      'incident_record_entities.entity_ref',
      'incident_record_entities.incident_id',
      'incident_record_entities.pin',
      'incident_record_entities.pinned_by',
      'incident_record_entities.pinned_at',
    );
}

/** Member rows as records, with their entities and keys. */
export async function membersToRecords(
  db: Knex,
  rows: MemberRow[],
): Promise<StoredIncidentRecord[]> {
  const extras = await readExtras(
    db,
    rows.map(r => r.id),
  );
  return rows.map(row => recordFromRow(row, extras.get(row.id)!));
}

function toGroupingRecord(record: StoredIncidentRecord): GroupingRecord {
  return {
    id: record.id,
    source: record.source,
    sourceKey: record.sourceKey,
    startedAt: record.startedAt,
    resolvedAt: record.resolvedAt,
    names: [
      `${record.source}:${record.sourceKey}`,
      ...record.correlation.names,
    ],
    references: record.correlation.references,
    pin: record.decision?.pin,
  };
}

/**
 * Groups records into incidents inside a transaction that holds the incident write lock:
 * finds every record of the entity connected to the records that changed, groups them with
 * `groupRecords`, and writes the incidents that changed, keeping incident ids where the
 * records stay together.
 */
export class IncidentGrouper {
  readonly signature: string;

  constructor(private readonly settings: GroupingSettings) {
    this.signature = groupingSignature(settings);
  }

  /**
   * Regroups the records of the entity that are connected to `seedIds` (and the records of
   * their current incidents). Returns the incident id of each record regrouped.
   */
  async regroup(
    tx: Knex.Transaction,
    entityRef: string,
    seedIds: string[],
    now: number,
  ): Promise<Map<string, string>> {
    const records = await this.connected(tx, entityRef, seedIds);
    const incidentOf = new Map<string, string>();
    if (records.length === 0) return incidentOf;
    const byId = new Map(records.map(r => [r.id, r]));
    const groups = groupRecords(records.map(toGroupingRecord), this.settings);

    const oldIds = [
      ...new Set(records.flatMap(r => (r.incidentId ? [r.incidentId] : []))),
    ];
    const oldRows = new Map<string, IncidentRow>();
    for (const ids of chunks(oldIds)) {
      for (const row of await tx<IncidentRow>('incidents').whereIn('id', ids)) {
        oldRows.set(row.id, row);
      }
    }

    // Each incident id stays with the group that holds most of its records (then the
    // oldest incident, then the id), so links to incidents survive regrouping.
    const pairs: Array<{ group: number; id: string; shared: number }> = [];
    groups.forEach((members, group) => {
      const counts = new Map<string, number>();
      for (const id of members) {
        const old = byId.get(id)!.incidentId;
        if (old && oldRows.has(old))
          counts.set(old, (counts.get(old) ?? 0) + 1);
      }
      for (const [id, shared] of counts) pairs.push({ group, id, shared });
    });
    pairs.sort(
      (a, b) =>
        b.shared - a.shared ||
        Number(oldRows.get(a.id)!.created_at) -
          Number(oldRows.get(b.id)!.created_at) ||
        a.id.localeCompare(b.id, 'en') ||
        a.group - b.group,
    );
    const kept = new Map<number, string>();
    const taken = new Set<string>();
    for (const pair of pairs) {
      if (kept.has(pair.group) || taken.has(pair.id)) continue;
      kept.set(pair.group, pair.id);
      taken.add(pair.id);
    }

    for (const [group, members] of groups.entries()) {
      const id = kept.get(group) ?? randomUUID();
      const columns = incidentColumns(
        summarizeIncident(members.map(m => byId.get(m)!)),
        this.signature,
        now,
      );
      const old = oldRows.get(id);
      if (!old) {
        await tx('incidents').insert({
          id,
          entity_ref: entityRef,
          ...columns,
          created_at: now,
        });
      } else if (!sameIncident(old, columns)) {
        await tx('incidents').where({ id }).update(columns);
      }
      const moved = members.filter(m => byId.get(m)!.incidentId !== id);
      for (const ids of chunks(moved)) {
        await tx('incident_record_entities')
          .where({ entity_ref: entityRef })
          .whereIn('record_id', ids)
          .update({ incident_id: id });
      }
      for (const m of members) incidentOf.set(m, id);
    }
    const vanished = oldIds.filter(id => !taken.has(id));
    for (const ids of chunks(vanished)) {
      await tx('incidents').whereIn('id', ids).delete();
    }
    return incidentOf;
  }

  /**
   * Every record of the entity connected to the seeds, as far as grouping can reach: the
   * records of their incidents and pins, records that share a key with them that does not
   * recur, and records whose spans lie within the gap and the alert link window of theirs
   * (an open record reaches every later one), repeated until nothing is added.
   */
  private async connected(
    tx: Knex.Transaction,
    entityRef: string,
    seedIds: string[],
  ): Promise<StoredIncidentRecord[]> {
    const known = new Map<string, StoredIncidentRecord>();
    const margin = this.settings.gapMs + this.settings.alertLinkWindowMs;
    let added = await this.load(tx, entityRef, q =>
      q.whereIn('incident_records.id', seedIds),
    );
    while (added.length) {
      for (const record of added) known.set(record.id, record);
      const incidentIds = [
        ...new Set(added.flatMap(r => (r.incidentId ? [r.incidentId] : []))),
      ];
      const pins = [
        ...new Set(added.flatMap(r => (r.decision ? [r.decision.pin] : []))),
      ];
      // Keys others may hold: each record's names (its natural key included) and references.
      const keys = [
        ...new Set(
          added.flatMap(r => [
            `${r.source}:${r.sourceKey}`,
            ...r.correlation.names,
            ...r.correlation.references,
          ]),
        ),
      ].filter(key => !isRecurringIncidentKey(key));
      // References that name a record by its source and natural key (`pagerduty:<id>`).
      const naturalKeys = new Map<string, string[]>();
      for (const key of new Set(added.flatMap(r => r.correlation.references))) {
        if (isRecurringIncidentKey(key)) continue;
        const at = key.indexOf(':');
        const source = key.slice(0, at);
        naturalKeys.set(source, [
          ...(naturalKeys.get(source) ?? []),
          key.slice(at + 1),
        ]);
      }
      const all = [...known.values()];
      const lo = Math.min(...all.map(r => r.startedAt)) - margin;
      const hi = all.some(r => r.resolvedAt === undefined)
        ? undefined
        : Math.max(...all.map(r => r.resolvedAt!)) + margin;

      const found = new Map<string, StoredIncidentRecord>();
      const collect = (records: StoredIncidentRecord[]) => {
        for (const r of records) if (!known.has(r.id)) found.set(r.id, r);
      };
      for (const ids of chunks(incidentIds)) {
        collect(
          await this.load(tx, entityRef, q =>
            q.whereIn('incident_record_entities.incident_id', ids),
          ),
        );
      }
      for (const ids of chunks(pins)) {
        collect(
          await this.load(tx, entityRef, q =>
            q.whereIn('incident_record_entities.pin', ids),
          ),
        );
      }
      for (const ids of chunks(keys)) {
        collect(
          await this.load(tx, entityRef, q =>
            q.whereIn(
              'incident_records.id',
              tx('incident_record_keys')
                .whereIn('key', ids)
                .select('record_id'),
            ),
          ),
        );
      }
      for (const [source, sourceKeys] of naturalKeys) {
        for (const ids of chunks(sourceKeys)) {
          collect(
            await this.load(tx, entityRef, q =>
              q
                .where('incident_records.source', source)
                .whereIn('incident_records.source_key', ids),
            ),
          );
        }
      }
      collect(
        await this.load(tx, entityRef, q => {
          if (hi !== undefined)
            q.where('incident_records.started_at', '<=', hi);
          q.where(w =>
            w
              .whereNull('incident_records.resolved_at')
              .orWhere('incident_records.resolved_at', '>=', lo),
          );
        }),
      );
      added = [...found.values()];
    }
    return [...known.values()];
  }

  private async load(
    tx: Knex.Transaction,
    entityRef: string,
    where: (query: Knex.QueryBuilder) => void,
  ): Promise<StoredIncidentRecord[]> {
    const query = memberQuery(tx, entityRef);
    where(query);
    return membersToRecords(tx, await query);
  }
}
