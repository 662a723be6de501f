import type { SloValidationError } from '@airworthy/plugin-operability-common';
import type { Knex } from 'knex';

/** The result of the last sync of an entity's SLO files. */
export interface SloFileSync {
  entityRef: string;
  /** The files (URLs) read. */
  files: string[];
  errors: SloValidationError[];
  syncedAt: number;
}

/** Validation errors of each entity's SLO files, as of the last sync. */
export interface SloFileErrorStore {
  get(entityRef: string): Promise<SloFileSync | undefined>;
  set(sync: SloFileSync): Promise<void>;
  /** Forgets an entity (its annotation or the entity is gone). */
  delete(entityRef: string): Promise<void>;
  listEntityRefs(): Promise<string[]>;
}

interface Row {
  entity_ref: string;
  files: string;
  errors: string;
  synced_at: number | string;
}

/** SloFileErrorStore on knex. */
export class KnexSloFileErrorStore implements SloFileErrorStore {
  constructor(private readonly db: Knex) {}

  async get(entityRef: string): Promise<SloFileSync | undefined> {
    const row = await this.db<Row>('slo_file_errors')
      .where({ entity_ref: entityRef })
      .first();
    return row
      ? {
          entityRef: row.entity_ref,
          files: JSON.parse(row.files),
          errors: JSON.parse(row.errors),
          syncedAt: Number(row.synced_at),
        }
      : undefined;
  }

  async set(sync: SloFileSync): Promise<void> {
    await this.db('slo_file_errors')
      .insert({
        entity_ref: sync.entityRef,
        files: JSON.stringify(sync.files),
        errors: JSON.stringify(sync.errors),
        synced_at: sync.syncedAt,
      })
      .onConflict('entity_ref')
      .merge(['files', 'errors', 'synced_at']);
  }

  async delete(entityRef: string): Promise<void> {
    await this.db('slo_file_errors').where({ entity_ref: entityRef }).delete();
  }

  async listEntityRefs(): Promise<string[]> {
    return this.db('slo_file_errors').orderBy('entity_ref').pluck('entity_ref');
  }
}
