import type { JsonObject } from '@backstage/types';
import type {
  SloIdentity,
  SloSource,
} from '@airworthy/plugin-operability-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** An SLO as stored: its identity, where it came from and its normalized definition. */
export interface SloRecord extends SloIdentity {
  definition: JsonObject;
  createdAt: number;
  updatedAt: number;
}

/** What a writer provides; id and timestamps are the store's. */
export type SloInput = Omit<SloRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Persistence of SLO definitions. */
export interface SloStore {
  listByEntity(entityRef: string): Promise<SloRecord[]>;
  get(id: string): Promise<SloRecord | undefined>;
  /** Inserts, or updates the SLO with the same entity ref and name (keeping its id). */
  upsert(input: SloInput, now?: number): Promise<SloRecord>;
  /** Deletes an SLO and everything stored for it (SLI data); false when there was none. */
  delete(id: string): Promise<boolean>;
}

interface SloRow {
  id: string;
  entity_ref: string;
  name: string;
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
      .orderBy('name');
    return rows.map(fromRow);
  }

  async get(id: string): Promise<SloRecord | undefined> {
    const row = await this.db<SloRow>('slos').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async upsert(input: SloInput, now: number = Date.now()): Promise<SloRecord> {
    const values = {
      entity_ref: input.entityRef,
      name: input.name,
      display_name: input.displayName ?? null,
      description: input.description ?? null,
      source: input.source,
      source_location: input.sourceLocation ?? null,
      target: input.target,
      period: input.period,
      definition: JSON.stringify(input.definition),
      updated_at: now,
    };
    await this.db('slos')
      .insert({ ...values, id: randomUUID(), created_at: now })
      .onConflict(['entity_ref', 'name'])
      .merge(Object.keys(values));
    const row = await this.db<SloRow>('slos')
      .where({ entity_ref: input.entityRef, name: input.name })
      .first();
    return fromRow(row!);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction(async trx => {
      await trx('sli_buckets').where({ slo_id: id }).delete();
      const deleted = await trx('slos').where({ id }).delete();
      return deleted > 0;
    });
  }
}
