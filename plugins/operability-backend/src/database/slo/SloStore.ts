import type {
  Slo,
  SloIdentity,
  SloSource,
} from '@airworthy/plugin-operability-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * An SLO objective as stored: its identity, where it came from and its normalized definition
 * (the engine's `Slo`, as JSON).
 */
export interface SloRecord extends SloIdentity {
  definition: Slo;
  createdAt: number;
  updatedAt: number;
}

/** What a writer provides; id and timestamps are the store's. */
export type SloInput = Omit<SloRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Persistence of SLO definitions. */
export interface SloStore {
  /** The SLOs of an entity, by name and objective. */
  listByEntity(entityRef: string): Promise<SloRecord[]>;
  /** Every SLO (for the scheduled tasks). */
  listAll(): Promise<SloRecord[]>;
  /** Entity refs that have SLOs from a source. */
  listEntityRefs(source: SloSource): Promise<string[]>;
  get(id: string): Promise<SloRecord | undefined>;
  /** Inserts, or updates the SLO with the same entity ref and ref (keeping its id). */
  upsert(input: SloInput, now?: number): Promise<SloRecord>;
  /**
   * Makes the SLOs of one source of an entity (only those named `options.name`, when given)
   * exactly `inputs`, in one transaction: upserts them and deletes the others with
   * everything stored for them. Returns the stored SLOs.
   */
  replaceForEntity(
    entityRef: string,
    source: SloSource,
    inputs: SloInput[],
    options?: { name?: string; now?: number },
  ): Promise<SloRecord[]>;
  /** Deletes an SLO and everything stored for it (SLI data, evaluations); false when there was none. */
  delete(id: string): Promise<boolean>;
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
  definition: string;
  created_at: number | string;
  updated_at: number | string;
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
    definition: JSON.parse(row.definition),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** SloStore on knex: SQLite and PostgreSQL. */
export class KnexSloStore implements SloStore {
  constructor(private readonly db: Knex) {}

  async listByEntity(entityRef: string): Promise<SloRecord[]> {
    const rows = await this.db<SloRow>('slos')
      .where({ entity_ref: entityRef })
      .orderBy(['name', 'ref']);
    return rows.map(fromRow);
  }

  async listAll(): Promise<SloRecord[]> {
    const rows = await this.db<SloRow>('slos').orderBy(['entity_ref', 'ref']);
    return rows.map(fromRow);
  }

  async listEntityRefs(source: SloSource): Promise<string[]> {
    const rows = await this.db('slos')
      .where({ source })
      .distinct('entity_ref')
      .orderBy('entity_ref');
    return rows.map((r: { entity_ref: string }) => r.entity_ref);
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
      definition: JSON.stringify(input.definition),
      updated_at: now,
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
    options: { name?: string; now?: number } = {},
  ): Promise<SloRecord[]> {
    const now = options.now ?? Date.now();
    return this.db.transaction(async trx => {
      const records: SloRecord[] = [];
      for (const input of inputs) {
        records.push(await this.upsertIn(trx, input, now));
      }
      const stale = await trx('slos')
        .where({
          entity_ref: entityRef,
          source,
          ...(options.name === undefined ? {} : { name: options.name }),
        })
        .whereNotIn(
          'id',
          records.map(r => r.id),
        )
        .pluck('id');
      await this.deleteIds(trx, stale);
      return records;
    });
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction(
      async trx => (await this.deleteIds(trx, [id])) > 0,
    );
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
