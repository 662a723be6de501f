import type { Knex } from 'knex';
import { REFS_PER_QUERY } from './ScoreStore';

/** An exemption granted through the API. Instants are epoch milliseconds. */
export interface ExemptionRecord {
  entityRef: string;
  check: string;
  reason: string;
  author: string;
  expiresAt: number;
  createdAt: number;
}

/** Exemptions granted through the API, one per entity and check. */
export interface ExemptionStore {
  list(entityRef: string): Promise<ExemptionRecord[]>;
  /** The exemptions of many entities, by entity ref. */
  listFor(
    entityRefs: readonly string[],
  ): Promise<Map<string, ExemptionRecord[]>>;
  /** Grants an exemption, replacing the entity's exemption from the same check. */
  put(record: ExemptionRecord): Promise<ExemptionRecord>;
  /** Revokes an exemption; false when there was none. */
  delete(entityRef: string, check: string): Promise<boolean>;
}

interface ExemptionRow {
  entity_ref: string;
  check_id: string;
  reason: string;
  author: string;
  expires_at: number | string;
  created_at: number | string;
}

function fromRow(row: ExemptionRow): ExemptionRecord {
  return {
    entityRef: row.entity_ref,
    check: row.check_id,
    reason: row.reason,
    author: row.author,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
  };
}

/** ExemptionStore on knex: SQLite and PostgreSQL. */
export class KnexExemptionStore implements ExemptionStore {
  constructor(private readonly db: Knex) {}

  async list(entityRef: string): Promise<ExemptionRecord[]> {
    const rows = await this.db<ExemptionRow>('operability_exemptions')
      .where({ entity_ref: entityRef })
      .orderBy('check_id');
    return rows.map(fromRow);
  }

  async listFor(
    entityRefs: readonly string[],
  ): Promise<Map<string, ExemptionRecord[]>> {
    const result = new Map<string, ExemptionRecord[]>();
    for (let i = 0; i < entityRefs.length; i += REFS_PER_QUERY) {
      const rows = await this.db<ExemptionRow>('operability_exemptions')
        .whereIn('entity_ref', entityRefs.slice(i, i + REFS_PER_QUERY))
        .orderBy(['entity_ref', 'check_id']);
      for (const row of rows) {
        const list = result.get(row.entity_ref) ?? [];
        list.push(fromRow(row));
        result.set(row.entity_ref, list);
      }
    }
    return result;
  }

  async put(record: ExemptionRecord): Promise<ExemptionRecord> {
    await this.db('operability_exemptions')
      .insert({
        entity_ref: record.entityRef,
        check_id: record.check,
        reason: record.reason,
        author: record.author,
        expires_at: record.expiresAt,
        created_at: record.createdAt,
      })
      .onConflict(['entity_ref', 'check_id'])
      .merge(['reason', 'author', 'expires_at', 'created_at']);
    return record;
  }

  async delete(entityRef: string, check: string): Promise<boolean> {
    const deleted = await this.db('operability_exemptions')
      .where({ entity_ref: entityRef, check_id: check })
      .delete();
    return deleted > 0;
  }
}
