import type { Knex } from 'knex';

/** Where SLI collection of one SLO stands. */
export interface CollectionState {
  sloId: string;
  /** The SliSource collecting it. */
  source: string;
  /** Hash of the indicator collected: when it changes, collection starts over. */
  indicatorHash: string;
  /** Data is collected up to here (end of the last stored chunk). */
  collectedUntil?: number;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
}

/** The collection state of SLOs. */
export interface CollectionStore {
  get(sloId: string): Promise<CollectionState | undefined>;
  list(sloIds: string[]): Promise<Map<string, CollectionState>>;
  set(state: CollectionState): Promise<void>;
}

/** A row of `sli_collection`. */
export interface CollectionRow {
  slo_id: string;
  source: string;
  indicator_hash: string;
  collected_until: number | string | null;
  last_attempt_at: number | string | null;
  last_success_at: number | string | null;
  last_error: string | null;
}

const optionalNumber = (value: number | string | null) =>
  value === null ? undefined : Number(value);

/** The state a row of `sli_collection` holds. */
export function collectionStateFromRow(row: CollectionRow): CollectionState {
  return {
    sloId: row.slo_id,
    source: row.source,
    indicatorHash: row.indicator_hash,
    collectedUntil: optionalNumber(row.collected_until),
    lastAttemptAt: optionalNumber(row.last_attempt_at),
    lastSuccessAt: optionalNumber(row.last_success_at),
    lastError: row.last_error ?? undefined,
  };
}

/** CollectionStore on knex. */
export class KnexCollectionStore implements CollectionStore {
  constructor(private readonly db: Knex) {}

  async get(sloId: string): Promise<CollectionState | undefined> {
    const row = await this.db<CollectionRow>('sli_collection')
      .where({ slo_id: sloId })
      .first();
    return row ? collectionStateFromRow(row) : undefined;
  }

  async list(sloIds: string[]): Promise<Map<string, CollectionState>> {
    const states = new Map<string, CollectionState>();
    for (let i = 0; i < sloIds.length; i += 500) {
      const rows = await this.db<CollectionRow>('sli_collection').whereIn(
        'slo_id',
        sloIds.slice(i, i + 500),
      );
      for (const row of rows)
        states.set(row.slo_id, collectionStateFromRow(row));
    }
    return states;
  }

  async set(state: CollectionState): Promise<void> {
    const values = {
      source: state.source,
      indicator_hash: state.indicatorHash,
      collected_until: state.collectedUntil ?? null,
      last_attempt_at: state.lastAttemptAt ?? null,
      last_success_at: state.lastSuccessAt ?? null,
      last_error: state.lastError ?? null,
    };
    await this.db('sli_collection')
      .insert({ slo_id: state.sloId, ...values })
      .onConflict('slo_id')
      .merge(Object.keys(values));
  }
}
