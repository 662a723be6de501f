import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** An exception to an entity's error-budget policy, as stored (times in epoch ms). */
export interface GateExceptionRecord {
  id: string;
  entityRef: string;
  reason: string;
  author: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
  revokedBy?: string;
}

/** Persistence of gate exceptions: granted, listed, revoked; never deleted (history). */
export interface GateExceptionStore {
  create(
    input: Pick<
      GateExceptionRecord,
      'entityRef' | 'reason' | 'author' | 'expiresAt'
    >,
    now: number,
  ): Promise<GateExceptionRecord>;
  /** An entity's exceptions, newest first (at most `limit`, default 100). */
  list(entityRef: string, limit?: number): Promise<GateExceptionRecord[]>;
  /** The exceptions of an entity in force at `now`: not revoked, not expired. */
  active(entityRef: string, now: number): Promise<GateExceptionRecord[]>;
  get(id: string): Promise<GateExceptionRecord | undefined>;
  /** Revokes an exception in force; false when it was already revoked. */
  revoke(id: string, by: string, now: number): Promise<boolean>;
}

interface Row {
  id: string;
  entity_ref: string;
  reason: string;
  author: string;
  created_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
  revoked_by: string | null;
}

function fromRow(row: Row): GateExceptionRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    reason: row.reason,
    author: row.author,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    ...(row.revoked_at === null || row.revoked_at === undefined
      ? {}
      : { revokedAt: Number(row.revoked_at), revokedBy: row.revoked_by! }),
  };
}

/** GateExceptionStore on knex: SQLite and PostgreSQL. */
export class KnexGateExceptionStore implements GateExceptionStore {
  constructor(private readonly db: Knex) {}

  async create(
    input: Pick<
      GateExceptionRecord,
      'entityRef' | 'reason' | 'author' | 'expiresAt'
    >,
    now: number,
  ): Promise<GateExceptionRecord> {
    const row: Row = {
      id: randomUUID(),
      entity_ref: input.entityRef,
      reason: input.reason,
      author: input.author.slice(0, 255),
      created_at: now,
      expires_at: input.expiresAt,
      revoked_at: null,
      revoked_by: null,
    };
    await this.db('gate_exceptions').insert(row);
    return fromRow(row);
  }

  async list(entityRef: string, limit = 100): Promise<GateExceptionRecord[]> {
    const rows = await this.db<Row>('gate_exceptions')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async active(entityRef: string, now: number): Promise<GateExceptionRecord[]> {
    const rows = await this.db<Row>('gate_exceptions')
      .where({ entity_ref: entityRef })
      .whereNull('revoked_at')
      .where('expires_at', '>', now)
      .orderBy([
        { column: 'expires_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<GateExceptionRecord | undefined> {
    const row = await this.db<Row>('gate_exceptions').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async revoke(id: string, by: string, now: number): Promise<boolean> {
    const updated = await this.db('gate_exceptions')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: now, revoked_by: by.slice(0, 255) });
    return updated > 0;
  }
}
