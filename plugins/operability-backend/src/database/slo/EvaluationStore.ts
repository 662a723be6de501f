import type {
  SloEvaluation,
  SloStatus,
} from '@airworthy/plugin-operability-common';
import type { Knex } from 'knex';

/** One stored snapshot of an SLO's evaluation, for trends. */
export interface SloSnapshot {
  sloId: string;
  takenAt: number;
  status: SloStatus;
  budgetRemaining: number | null;
  sli: number | null;
  /** Burn rate per window (`5m` ... `3d`, `period`). */
  burnRates: Record<string, number | null>;
}

/** The latest evaluation of each SLO and snapshots over time. */
export interface EvaluationStore {
  /** Latest evaluations of the given SLOs. */
  latest(sloIds: string[]): Promise<Map<string, SloEvaluation>>;
  /**
   * Stores an evaluation as the latest one and, when the last snapshot of the SLO is at
   * least `snapshotIntervalMs` old, as a snapshot too. Returns whether a snapshot was taken.
   */
  save(
    sloId: string,
    evaluation: SloEvaluation,
    evaluatedAt: number,
    snapshotIntervalMs: number,
  ): Promise<boolean>;
  /** `save` of several SLOs' evaluations in one transaction; returns the snapshots taken. */
  saveMany(
    evaluations: ReadonlyArray<{ sloId: string; evaluation: SloEvaluation }>,
    evaluatedAt: number,
    snapshotIntervalMs: number,
  ): Promise<number>;
  /** Snapshots of an SLO in [from, to), oldest first. */
  snapshots(sloId: string, from: number, to: number): Promise<SloSnapshot[]>;
  /** Deletes snapshots older than `before`; returns how many. */
  expireSnapshots(before: number): Promise<number>;
}

interface SnapshotRow {
  slo_id: string;
  taken_at: number | string;
  status: string;
  budget_remaining: number | string | null;
  sli: number | string | null;
  burn_rates: string;
}

/** Rows written (and SLO ids looked up) by one statement. */
const BATCH = 200;

const nullableNumber = (value: number | string | null) =>
  value === null ? null : Number(value);

/** EvaluationStore on knex. */
export class KnexEvaluationStore implements EvaluationStore {
  constructor(private readonly db: Knex) {}

  async latest(sloIds: string[]): Promise<Map<string, SloEvaluation>> {
    const result = new Map<string, SloEvaluation>();
    for (let i = 0; i < sloIds.length; i += 500) {
      const rows = await this.db('slo_evaluations')
        .whereIn('slo_id', sloIds.slice(i, i + 500))
        .select('slo_id', 'result');
      for (const row of rows) {
        result.set(row.slo_id, JSON.parse(row.result));
      }
    }
    return result;
  }

  async save(
    sloId: string,
    evaluation: SloEvaluation,
    evaluatedAt: number,
    snapshotIntervalMs: number,
  ): Promise<boolean> {
    const taken = await this.saveMany(
      [{ sloId, evaluation }],
      evaluatedAt,
      snapshotIntervalMs,
    );
    return taken > 0;
  }

  async saveMany(
    evaluations: ReadonlyArray<{ sloId: string; evaluation: SloEvaluation }>,
    evaluatedAt: number,
    snapshotIntervalMs: number,
  ): Promise<number> {
    // One evaluation per SLO (the last one given).
    const items = [
      ...new Map(evaluations.map(item => [item.sloId, item])).values(),
    ];
    if (items.length === 0) return 0;
    return this.db.transaction(async trx => {
      for (let i = 0; i < items.length; i += BATCH) {
        await trx('slo_evaluations')
          .insert(
            items.slice(i, i + BATCH).map(({ sloId, evaluation }) => ({
              slo_id: sloId,
              evaluated_at: evaluatedAt,
              status: evaluation.status,
              result: JSON.stringify(evaluation),
            })),
          )
          .onConflict('slo_id')
          .merge(['evaluated_at', 'status', 'result']);
      }
      const lastSnapshot = new Map<string, number>();
      for (let i = 0; i < items.length; i += BATCH) {
        // The latest snapshot of each SLO by one backward index lookup each (a GROUP BY
        // would read every snapshot an SLO has kept, up to a year of them).
        const rows: Array<{ slo_id: string; at: number | string | null }> =
          await trx('slos')
            .whereIn(
              'id',
              items.slice(i, i + BATCH).map(item => item.sloId),
            )
            .select(
              'id as slo_id',
              trx.raw(
                '(SELECT MAX(taken_at) FROM slo_snapshots WHERE slo_snapshots.slo_id = slos.id) AS at',
              ),
            );
        for (const row of rows) {
          if (row.at !== null) lastSnapshot.set(row.slo_id, Number(row.at));
        }
      }
      const due = items.filter(({ sloId }) => {
        const lastAt = lastSnapshot.get(sloId);
        return (
          lastAt === undefined || evaluatedAt - lastAt >= snapshotIntervalMs
        );
      });
      for (let i = 0; i < due.length; i += BATCH) {
        await trx('slo_snapshots')
          .insert(
            due.slice(i, i + BATCH).map(({ sloId, evaluation }) => ({
              slo_id: sloId,
              taken_at: evaluatedAt,
              status: evaluation.status,
              budget_remaining:
                evaluation.budget.total > 0
                  ? evaluation.budget.remaining
                  : null,
              sli: evaluation.budget.sli,
              burn_rates: JSON.stringify(
                Object.fromEntries(
                  evaluation.burnRates.map(b => [b.window, b.burnRate]),
                ),
              ),
            })),
          )
          .onConflict(['slo_id', 'taken_at'])
          .ignore();
      }
      return due.length;
    });
  }

  async snapshots(
    sloId: string,
    from: number,
    to: number,
  ): Promise<SloSnapshot[]> {
    const rows: SnapshotRow[] = await this.db('slo_snapshots')
      .where({ slo_id: sloId })
      .andWhere('taken_at', '>=', from)
      .andWhere('taken_at', '<', to)
      .orderBy('taken_at');
    return rows.map(row => ({
      sloId: row.slo_id,
      takenAt: Number(row.taken_at),
      status: row.status as SloStatus,
      budgetRemaining: nullableNumber(row.budget_remaining),
      sli: nullableNumber(row.sli),
      burnRates: JSON.parse(row.burn_rates),
    }));
  }

  async expireSnapshots(before: number): Promise<number> {
    return this.db('slo_snapshots').where('taken_at', '<', before).delete();
  }
}
