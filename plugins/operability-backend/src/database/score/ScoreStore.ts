import type {
  EntityScoreFacts,
  ScoreCategoryResult,
  ScoreCheckResult,
  ScoreExemption,
} from '@airworthy/plugin-operability-common';
import type { Knex } from 'knex';

/** What the score page shows beyond the number: categories, checks and exemptions. */
export interface ScoreDetail {
  categories: ScoreCategoryResult[];
  checks: ScoreCheckResult[];
  /** The exemptions known when the score was computed (`active` as of then). */
  exemptions: ScoreExemption[];
  exemptionErrors: string[];
}

/** The columns the portfolio reads: the score and its facts. */
export interface ScoreSummary {
  entityRef: string;
  score: number | null;
  level: string | null;
  computedAt: number;
  sloCount: number;
  worstBudgetRemaining: number | null;
  sloCompliance: number | null;
  /** Incidents that started in the period; null without an incident source. */
  incidents: number | null;
  mttrSeconds: number | null;
}

/** A stored score with its detail. */
export interface ScoreRecord extends ScoreSummary {
  facts: EntityScoreFacts;
  detail: ScoreDetail;
}

/** A daily snapshot of a score. */
export interface ScoreSnapshot {
  entityRef: string;
  /** Start of the UTC day (epoch ms). */
  day: number;
  score: number | null;
  level: string | null;
}

/** The latest score of each entity and a snapshot per entity and UTC day. */
export interface ScoreStore {
  /**
   * Stores a score as the entity's latest and as its snapshot of `day` (replacing an
   * earlier snapshot of the same day), in one transaction.
   */
  save(record: ScoreRecord, day: number): Promise<void>;
  /**
   * Stores a score computed as of a past day as that day's snapshot only, unless the day
   * already has one (a score computed on the day itself is never replaced).
   */
  saveHistorySnapshot(record: ScoreRecord, day: number): Promise<void>;
  /** The days in [fromDay, toDay] on which each entity has a snapshot. */
  snapshotDays(
    fromDay: number,
    toDay: number,
  ): Promise<Map<string, Set<number>>>;
  get(entityRef: string): Promise<ScoreRecord | undefined>;
  /** Summaries of the given entities' scores, optionally only those at the given levels. */
  summaries(
    entityRefs: readonly string[],
    filter?: { levels?: readonly string[] },
  ): Promise<ScoreSummary[]>;
  /** For each entity, its newest snapshot on or before `day`. */
  snapshotsAtOrBefore(
    entityRefs: readonly string[],
    day: number,
  ): Promise<Map<string, ScoreSnapshot>>;
  /** The entity's snapshots from `fromDay` on, oldest first. */
  history(entityRef: string, fromDay: number): Promise<ScoreSnapshot[]>;
  /** Deletes the latest scores of entities not in `keep` (no longer scored); returns how many. */
  deleteScoresExcept(keep: ReadonlySet<string>): Promise<number>;
  /** Deletes snapshots of days before `day`; returns how many. */
  expireSnapshots(day: number): Promise<number>;
}

/** How many refs go into one `IN (...)` list (well below every database's parameter limit). */
export const REFS_PER_QUERY = 500;

interface ScoreRow {
  entity_ref: string;
  score: number | string | null;
  level: string | null;
  computed_at: number | string;
  slo_count: number | string;
  worst_budget_remaining: number | string | null;
  slo_compliance: number | string | null;
  incidents: number | string | null;
  mttr_seconds: number | string | null;
  result?: string;
}

const SUMMARY_COLUMNS = [
  'entity_ref',
  'score',
  'level',
  'computed_at',
  'slo_count',
  'worst_budget_remaining',
  'slo_compliance',
  'incidents',
  'mttr_seconds',
];

const nullableNumber = (v: number | string | null) =>
  v === null ? null : Number(v);

function summaryFromRow(row: ScoreRow): ScoreSummary {
  return {
    entityRef: row.entity_ref,
    score: nullableNumber(row.score),
    level: row.level,
    computedAt: Number(row.computed_at),
    sloCount: Number(row.slo_count),
    worstBudgetRemaining: nullableNumber(row.worst_budget_remaining),
    sloCompliance: nullableNumber(row.slo_compliance),
    incidents: nullableNumber(row.incidents),
    mttrSeconds: nullableNumber(row.mttr_seconds),
  };
}

function chunks<T>(items: readonly T[], size = REFS_PER_QUERY): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

/** The snapshot row of a score on a UTC day. */
function snapshotRow(record: ScoreRecord, day: number) {
  return {
    entity_ref: record.entityRef,
    day,
    score: record.score,
    level: record.level,
    computed_at: record.computedAt,
  };
}

/** ScoreStore on knex: SQLite and PostgreSQL. */
export class KnexScoreStore implements ScoreStore {
  constructor(private readonly db: Knex) {}

  async save(record: ScoreRecord, day: number): Promise<void> {
    await this.db.transaction(async trx => {
      await trx('operability_scores')
        .insert({
          entity_ref: record.entityRef,
          score: record.score,
          level: record.level,
          computed_at: record.computedAt,
          slo_count: record.sloCount,
          worst_budget_remaining: record.worstBudgetRemaining,
          slo_compliance: record.sloCompliance,
          incidents: record.incidents,
          mttr_seconds: record.mttrSeconds,
          result: JSON.stringify({ facts: record.facts, ...record.detail }),
        })
        .onConflict('entity_ref')
        .merge();
      await trx('operability_score_snapshots')
        .insert(snapshotRow(record, day))
        .onConflict(['entity_ref', 'day'])
        .merge(['score', 'level', 'computed_at']);
    });
  }

  async saveHistorySnapshot(record: ScoreRecord, day: number): Promise<void> {
    await this.db('operability_score_snapshots')
      .insert(snapshotRow(record, day))
      .onConflict(['entity_ref', 'day'])
      .ignore();
  }

  async snapshotDays(
    fromDay: number,
    toDay: number,
  ): Promise<Map<string, Set<number>>> {
    const rows: Array<{ entity_ref: string; day: number | string }> =
      await this.db('operability_score_snapshots')
        .whereBetween('day', [fromDay, toDay])
        .select('entity_ref', 'day');
    const result = new Map<string, Set<number>>();
    for (const row of rows) {
      let days = result.get(row.entity_ref);
      if (!days) result.set(row.entity_ref, (days = new Set()));
      days.add(Number(row.day));
    }
    return result;
  }

  async get(entityRef: string): Promise<ScoreRecord | undefined> {
    const row: ScoreRow | undefined = await this.db('operability_scores')
      .where({ entity_ref: entityRef })
      .first();
    if (!row) return undefined;
    const { facts, ...detail } = JSON.parse(row.result!);
    return { ...summaryFromRow(row), facts, detail };
  }

  async summaries(
    entityRefs: readonly string[],
    filter: { levels?: readonly string[] } = {},
  ): Promise<ScoreSummary[]> {
    const result: ScoreSummary[] = [];
    for (const refs of chunks(entityRefs)) {
      const query = this.db('operability_scores')
        .whereIn('entity_ref', refs)
        .select(SUMMARY_COLUMNS);
      if (filter.levels) query.whereIn('level', [...filter.levels]);
      const rows: ScoreRow[] = await query;
      result.push(...rows.map(summaryFromRow));
    }
    return result;
  }

  async snapshotsAtOrBefore(
    entityRefs: readonly string[],
    day: number,
  ): Promise<Map<string, ScoreSnapshot>> {
    const result = new Map<string, ScoreSnapshot>();
    for (const refs of chunks(entityRefs)) {
      const newest = this.db('operability_score_snapshots')
        .whereIn('entity_ref', refs)
        .andWhere('day', '<=', day)
        .groupBy('entity_ref')
        .select('entity_ref')
        .max({ day: 'day' })
        .as('newest');
      const rows = await this.db('operability_score_snapshots as s')
        .join(newest, function on() {
          this.on('s.entity_ref', '=', 'newest.entity_ref').andOn(
            's.day',
            '=',
            'newest.day',
          );
        })
        .select('s.entity_ref', 's.day', 's.score', 's.level');
      for (const row of rows) {
        result.set(row.entity_ref, {
          entityRef: row.entity_ref,
          day: Number(row.day),
          score: nullableNumber(row.score),
          level: row.level,
        });
      }
    }
    return result;
  }

  async history(entityRef: string, fromDay: number): Promise<ScoreSnapshot[]> {
    const rows = await this.db('operability_score_snapshots')
      .where({ entity_ref: entityRef })
      .andWhere('day', '>=', fromDay)
      .orderBy('day')
      .select('entity_ref', 'day', 'score', 'level');
    return rows.map(row => ({
      entityRef: row.entity_ref,
      day: Number(row.day),
      score: nullableNumber(row.score),
      level: row.level,
    }));
  }

  async deleteScoresExcept(keep: ReadonlySet<string>): Promise<number> {
    const stored: Array<{ entity_ref: string }> = await this.db(
      'operability_scores',
    ).select('entity_ref');
    const gone = stored.map(r => r.entity_ref).filter(ref => !keep.has(ref));
    let deleted = 0;
    for (const refs of chunks(gone)) {
      deleted += await this.db('operability_scores')
        .whereIn('entity_ref', refs)
        .delete();
    }
    return deleted;
  }

  async expireSnapshots(day: number): Promise<number> {
    return this.db('operability_score_snapshots')
      .where('day', '<', day)
      .delete();
  }
}
