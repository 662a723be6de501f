import type {
  Slo,
  SloEvaluation,
  SloIdentity,
  SloPhase,
  SloRetiredReason,
  SloSource,
} from '@airworthy/plugin-operability-common';
import { InputError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  type CollectionRow,
  type CollectionState,
  collectionStateFromRow,
} from '../sli/CollectionStore';

/**
 * An SLO objective as stored: its identity, where it came from and its normalized definition
 * (the engine's `Slo`, as JSON).
 */
export interface SloRecord extends SloIdentity {
  definition: Slo;
  createdAt: number;
  updatedAt: number;
  /** Set while the SLO is retired: hidden, its data kept until it is purged. */
  retiredAt?: number;
  retiredReason?: SloRetiredReason;
}

/** What a writer provides; id, timestamps and retirement are the store's. */
export type SloInput = Omit<
  SloRecord,
  'id' | 'createdAt' | 'updatedAt' | 'retiredAt' | 'retiredReason'
>;

/**
 * Persistence of SLO definitions. SLOs that leave are retired, not deleted: lists leave them
 * out, their data stays, writing the same SLO again (same entity and ref) brings it back, and
 * only `purge` and `purgeRetired` destroy anything.
 */
export interface SloStore {
  /** The SLOs in force of an entity, by name and objective. */
  listByEntity(entityRef: string): Promise<SloRecord[]>;
  /**
   * The same, each with its latest evaluation and its collection state, in one query (the
   * entity's SLO list is the most asked route; each query costs a round trip).
   */
  listByEntityWithState(entityRef: string): Promise<SloWithState[]>;
  /** Every SLO in force (for the scheduled tasks). */
  listAll(): Promise<SloRecord[]>;
  /** Entity refs that have SLOs in force (from one source, when given). */
  listEntityRefs(source?: SloSource): Promise<string[]>;
  /** Retired SLOs, of one entity when given, most recently retired first. */
  listRetired(filter?: {
    entityRef?: string;
    reason?: SloRetiredReason;
    source?: SloSource;
    sourceLocation?: string;
  }): Promise<SloRecord[]>;
  /** An SLO by id, retired or not. */
  get(id: string): Promise<SloRecord | undefined>;
  /**
   * Inserts, or updates the SLO with the same entity ref and ref (keeping its id and data,
   * and bringing it back when it was retired).
   */
  upsert(input: SloInput, now?: number): Promise<SloRecord>;
  /**
   * Makes the SLOs in force of one source of an entity (only those named `options.name`,
   * when given) exactly `inputs`, in one transaction: upserts them and retires the others
   * (with `options.reason`, default `file-removed`). Returns the stored SLOs.
   */
  replaceForEntity(
    entityRef: string,
    source: SloSource,
    inputs: SloInput[],
    options?: { name?: string; now?: number; reason?: SloRetiredReason },
  ): Promise<SloRecord[]>;
  /** Retires SLOs in force (of an entity, or by id); returns how many. */
  retire(
    target: { entityRef: string } | { ids: string[] },
    reason: SloRetiredReason,
    now?: number,
  ): Promise<number>;
  /** Brings retired SLOs back (by id, or an entity's of one reason); returns how many. */
  restore(
    target: { ids: string[] } | { entityRef: string; reason: SloRetiredReason },
    now?: number,
  ): Promise<number>;
  /**
   * Moves a retired SLO to another entity, in force again with its history (an entity
   * renamed in its repository names the same file); false when that entity already has
   * an SLO with its ref.
   */
  adopt(id: string, entityRef: string, now?: number): Promise<boolean>;
  /** Deletes an SLO and everything stored for it (SLI data, evaluations); false when there was none. */
  purge(id: string): Promise<boolean>;
  /** Purges the SLOs retired before `before`; returns their ids. */
  purgeRetired(before: number): Promise<string[]>;
}

/** Column lengths of `slos` (migrations), guarded before writing: a 400, never a 500. */
const COLUMN_LENGTHS = {
  entityRef: 255,
  name: 63,
  ref: 100,
  displayName: 255,
  period: 32,
} as const;

function assertFits(input: SloInput): void {
  for (const [field, max] of Object.entries(COLUMN_LENGTHS)) {
    const value = input[field as keyof typeof COLUMN_LENGTHS];
    if (typeof value === 'string' && value.length > max) {
      throw new InputError(
        `The SLO's ${field} "${value.slice(0, 40)}…" is ${
          value.length
        } characters long; at most ${max} can be stored (shorten the names in its document)`,
      );
    }
  }
}

/** Tables whose rows belong to one SLO (`slo_id`), deleted with it. */
const DEPENDENT_TABLES = [
  'sli_chunks',
  'sli_collection',
  'slo_evaluations',
  'slo_snapshots',
];

interface SloRow {
  id: string;
  entity_ref: string;
  name: string;
  ref: string;
  display_name: string | null;
  description: string | null;
  source: string;
  source_location: string | null;
  target: number | string;
  period: string;
  phase: string;
  definition: string;
  created_at: number | string;
  updated_at: number | string;
  retired_at: number | string | null;
  retired_reason: string | null;
}

function fromRow(row: SloRow): SloRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    name: row.name,
    ref: row.ref,
    displayName: row.display_name ?? undefined,
    description: row.description ?? undefined,
    source: row.source as SloSource,
    sourceLocation: row.source_location ?? undefined,
    target: Number(row.target),
    period: row.period,
    phase: row.phase as SloPhase,
    definition: JSON.parse(row.definition),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.retired_at === null || row.retired_at === undefined
      ? {}
      : {
          retiredAt: Number(row.retired_at),
          retiredReason: row.retired_reason as SloRetiredReason,
        }),
  };
}

/** An SLO with what its summary needs beside it. */
export interface SloWithState {
  record: SloRecord;
  evaluation?: SloEvaluation;
  collection?: CollectionState;
}

/** The columns of `sli_collection`, as `collection_<column>` beside an SLO's. */
const COLLECTION_COLUMNS: Array<keyof CollectionRow> = [
  'slo_id',
  'source',
  'indicator_hash',
  'collected_until',
  'last_attempt_at',
  'last_success_at',
  'last_error',
];

/** SloStore on knex: SQLite and PostgreSQL. */
export class KnexSloStore implements SloStore {
  constructor(private readonly db: Knex) {}

  async listByEntity(entityRef: string): Promise<SloRecord[]> {
    const rows = await this.db<SloRow>('slos')
      .where({ entity_ref: entityRef })
      .whereNull('retired_at')
      .orderBy(['name', 'ref']);
    return rows.map(fromRow);
  }

  async listByEntityWithState(entityRef: string): Promise<SloWithState[]> {
    const rows = await this.db('slos')
      .leftJoin('slo_evaluations', 'slo_evaluations.slo_id', 'slos.id')
      .leftJoin('sli_collection', 'sli_collection.slo_id', 'slos.id')
      .where({ 'slos.entity_ref': entityRef })
      .whereNull('slos.retired_at')
      .orderBy(['slos.name', 'slos.ref'])
      .select(
        'slos.*',
        'slo_evaluations.result as evaluation_result',
        ...COLLECTION_COLUMNS.map(
          column => `sli_collection.${column} as collection_${column}`,
        ),
      );
    return rows.map(row => {
      const collection = Object.fromEntries(
        COLLECTION_COLUMNS.map(column => [column, row[`collection_${column}`]]),
      ) as unknown as CollectionRow;
      return {
        record: fromRow(row as SloRow),
        ...(row.evaluation_result
          ? { evaluation: JSON.parse(row.evaluation_result) }
          : {}),
        ...(collection.slo_id
          ? { collection: collectionStateFromRow(collection) }
          : {}),
      };
    });
  }

  async listAll(): Promise<SloRecord[]> {
    const rows = await this.db<SloRow>('slos')
      .whereNull('retired_at')
      .orderBy(['entity_ref', 'ref']);
    return rows.map(fromRow);
  }

  async listEntityRefs(source?: SloSource): Promise<string[]> {
    const query = this.db('slos').whereNull('retired_at');
    if (source) query.where({ source });
    const rows = await query.distinct('entity_ref').orderBy('entity_ref');
    return rows.map((r: { entity_ref: string }) => r.entity_ref);
  }

  async listRetired(
    filter: {
      entityRef?: string;
      reason?: SloRetiredReason;
      source?: SloSource;
      sourceLocation?: string;
    } = {},
  ): Promise<SloRecord[]> {
    const query = this.db<SloRow>('slos').whereNotNull('retired_at');
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.reason) query.where({ retired_reason: filter.reason });
    if (filter.source) query.where({ source: filter.source });
    if (filter.sourceLocation) {
      query.where({ source_location: filter.sourceLocation });
    }
    const rows = await query.orderBy([
      { column: 'retired_at', order: 'desc' },
      { column: 'ref', order: 'asc' },
    ]);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<SloRecord | undefined> {
    const row = await this.db<SloRow>('slos').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async upsert(input: SloInput, now: number = Date.now()): Promise<SloRecord> {
    return this.db.transaction(trx => this.upsertIn(trx, input, now));
  }

  private async upsertIn(
    trx: Knex.Transaction,
    input: SloInput,
    now: number,
  ): Promise<SloRecord> {
    assertFits(input);
    const values = {
      entity_ref: input.entityRef,
      name: input.name,
      ref: input.ref,
      display_name: input.displayName ?? null,
      description: input.description ?? null,
      source: input.source,
      source_location: input.sourceLocation ?? null,
      target: input.target,
      period: input.period,
      phase: input.phase,
      definition: JSON.stringify(input.definition),
      updated_at: now,
      retired_at: null,
      retired_reason: null,
    };
    await trx('slos')
      .insert({ ...values, id: randomUUID(), created_at: now })
      .onConflict(['entity_ref', 'ref'])
      .merge(Object.keys(values));
    const row = await trx<SloRow>('slos')
      .where({ entity_ref: input.entityRef, ref: input.ref })
      .first();
    return fromRow(row!);
  }

  async replaceForEntity(
    entityRef: string,
    source: SloSource,
    inputs: SloInput[],
    options: { name?: string; now?: number; reason?: SloRetiredReason } = {},
  ): Promise<SloRecord[]> {
    const now = options.now ?? Date.now();
    return this.db.transaction(async trx => {
      const records: SloRecord[] = [];
      for (const input of inputs) {
        records.push(await this.upsertIn(trx, input, now));
      }
      await trx('slos')
        .where({
          entity_ref: entityRef,
          source,
          ...(options.name === undefined ? {} : { name: options.name }),
        })
        .whereNull('retired_at')
        .whereNotIn(
          'id',
          records.map(r => r.id),
        )
        .update({
          retired_at: now,
          retired_reason: options.reason ?? 'file-removed',
          updated_at: now,
        });
      return records;
    });
  }

  async retire(
    target: { entityRef: string } | { ids: string[] },
    reason: SloRetiredReason,
    now: number = Date.now(),
  ): Promise<number> {
    const query = this.db('slos').whereNull('retired_at');
    if ('ids' in target) {
      if (target.ids.length === 0) return 0;
      query.whereIn('id', target.ids);
    } else {
      query.where({ entity_ref: target.entityRef });
    }
    return query.update({
      retired_at: now,
      retired_reason: reason,
      updated_at: now,
    });
  }

  async restore(
    target: { ids: string[] } | { entityRef: string; reason: SloRetiredReason },
    now: number = Date.now(),
  ): Promise<number> {
    const query = this.db('slos').whereNotNull('retired_at');
    if ('ids' in target) {
      if (target.ids.length === 0) return 0;
      query.whereIn('id', target.ids);
    } else {
      query.where({
        entity_ref: target.entityRef,
        retired_reason: target.reason,
      });
    }
    return query.update({
      retired_at: null,
      retired_reason: null,
      updated_at: now,
    });
  }

  async adopt(
    id: string,
    entityRef: string,
    now: number = Date.now(),
  ): Promise<boolean> {
    return this.db.transaction(async trx => {
      const row = await trx<SloRow>('slos').where({ id }).first();
      if (!row || row.retired_at === null) return false;
      const taken = await trx('slos')
        .where({ entity_ref: entityRef, ref: row.ref })
        .first('id');
      if (taken) return false;
      await trx('slos').where({ id }).update({
        entity_ref: entityRef,
        retired_at: null,
        retired_reason: null,
        updated_at: now,
      });
      return true;
    });
  }

  async purge(id: string): Promise<boolean> {
    return this.db.transaction(
      async trx => (await this.deleteIds(trx, [id])) > 0,
    );
  }

  async purgeRetired(before: number): Promise<string[]> {
    const candidates: string[] = await this.db('slos')
      .whereNotNull('retired_at')
      .where('retired_at', '<', before)
      .pluck('id');
    const purged: string[] = [];
    for (let i = 0; i < candidates.length; i += 200) {
      await this.db.transaction(async trx => {
        // Again inside the transaction: one restored meanwhile is no longer retired.
        const ids: string[] = await trx('slos')
          .whereIn('id', candidates.slice(i, i + 200))
          .whereNotNull('retired_at')
          .where('retired_at', '<', before)
          .pluck('id');
        await this.deleteIds(trx, ids);
        purged.push(...ids);
      });
    }
    return purged;
  }

  private async deleteIds(
    trx: Knex.Transaction,
    ids: string[],
  ): Promise<number> {
    if (ids.length === 0) return 0;
    for (const table of DEPENDENT_TABLES) {
      await trx(table).whereIn('slo_id', ids).delete();
    }
    return trx('slos').whereIn('id', ids).delete();
  }
}
