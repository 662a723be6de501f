import {
  alertWindows,
  burnRate,
  calendarPeriodAt,
  decideAlert,
  errorRatio,
  evaluateBudget,
  multiwindowTable,
  type Slo,
  type SloBurnRate,
  type SloEvaluation,
  type SloStatus,
} from '@airworthy/plugin-operability-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import pLimit from 'p-limit';
import type { OperabilityStore } from '../../database/OperabilityStore';
import { alignDown, type SliCounts } from '../../database/sli/SliStore';
import type { SloRecord } from '../../database/slo/SloStore';

/** Evaluations stored per transaction. */
const SAVE_BATCH = 200;

/** What one evaluation run did. */
export interface EvaluationRunResult {
  evaluated: number;
  failed: number;
  snapshots: number;
  /** With a notifier: state changes recorded and notifications sent after the run. */
  notifications?: { transitions: number; sent: number };
}

/** SLOs whose windows one store read measures during a run. */
const COUNTS_BATCH = 100;

/** What an evaluation of an SLO measures (BudgetEvaluator.plan). */
interface EvaluationPlan {
  record: SloRecord;
  now: number;
  /** The end of every window: `now` aligned down to a base bucket. */
  end: number;
  period: ReturnType<typeof budgetPeriod>;
  table: ReturnType<typeof multiwindowTable>;
  alerts: ReturnType<typeof alertWindows>;
  /** The distinct alert window lengths and the exhaustion window. */
  measured: number[];
  /** The windows read from the store: the period, then one per `measured`. */
  windows: Array<{ from: number; to: number }>;
}

/** The window whose burn rate extrapolates the time to exhaustion. */
const EXHAUSTION_WINDOW_MS = 3_600_000;

/** The period an SLO's budget is measured over, ending at `end`. */
export function budgetPeriod(
  slo: Slo,
  end: number,
): { start: number; end: number; periodMs: number; elapsedMs: number } {
  const window = slo.timeWindow;
  if (!window.isRolling && window.calendar) {
    const period = calendarPeriodAt(
      { duration: window.duration, calendar: window.calendar },
      end - 1,
    );
    return {
      start: period.startMs,
      end,
      periodMs: period.endMs - period.startMs,
      elapsedMs: end - period.startMs,
    };
  }
  return {
    start: end - window.durationMs,
    end,
    periodMs: window.durationMs,
    elapsedMs: window.durationMs,
  };
}

/** The status of an evaluated SLO: budget first, then the most severe firing alert. */
export function statusOf(
  periodTotal: number,
  remaining: number,
  alertSeverity: 'page' | 'ticket' | null,
): SloStatus {
  if (periodTotal === 0) return 'no-data';
  if (remaining <= 0) return 'exhausted';
  if (alertSeverity === 'page') return 'critical';
  if (alertSeverity === 'ticket') return 'warning';
  return 'ok';
}

/**
 * Evaluates SLOs from the SLI store: budget over the period, burn rate per alert window and
 * over the period, the multiwindow alert rows, status and time to exhaustion. Every figure
 * comes from summed counts of the store's buckets.
 */
export class BudgetEvaluator {
  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'slos' | 'sli' | 'evaluations'>;
      logger: LoggerService;
      /** Minimum time between two snapshots of an SLO. */
      snapshotIntervalMs: number;
      /** Batches of SLOs read at the same time during a run. */
      concurrency?: number;
      /** SLOs whose windows one store read measures during a run (100). */
      countsBatch?: number;
      /** Told of every stored evaluation after its transaction (SLO state notifications). */
      notifier?: {
        afterEvaluation(
          items: ReadonlyArray<{
            record: SloRecord;
            evaluation: SloEvaluation;
          }>,
          now: number,
        ): Promise<{ transitions: number; sent: number }>;
      };
    },
  ) {}

  /**
   * Evaluates one SLO at `now` (windows end at the last bucket boundary). `clock` is the
   * current time, which decides the resolutions the store still holds; it differs from
   * `now` only when evaluating as of an instant in the past (score history).
   */
  async evaluate(
    record: SloRecord,
    now: number,
    previous?: SloEvaluation,
    clock: number = now,
  ): Promise<SloEvaluation> {
    const plan = this.plan(record, now);
    const counts = await this.options.store.sli.getCountsMany(
      record.id,
      plan.windows,
      clock,
    );
    return this.fromCounts(plan, counts, previous);
  }

  /** The windows an evaluation of an SLO at `now` measures: the period, then each window. */
  private plan(record: SloRecord, now: number): EvaluationPlan {
    const slo = record.definition;
    const end = alignDown(now, this.options.store.sli.levels[0].widthMs);
    const period = budgetPeriod(slo, end);
    const table = multiwindowTable(period.periodMs, slo.target);
    const alerts = alertWindows(table);
    // Every window, the exhaustion window and the period in one read.
    const measured = [
      ...new Set([...alerts.map(w => w.windowMs), EXHAUSTION_WINDOW_MS]),
    ];
    return {
      record,
      now,
      end,
      period,
      table,
      alerts,
      measured,
      windows: [
        { from: period.start, to: end },
        ...measured.map(windowMs => ({ from: end - windowMs, to: end })),
      ],
    };
  }

  /** The evaluation of a plan from the counts of its windows, in the plan's order. */
  private fromCounts(
    plan: EvaluationPlan,
    [periodCounts, ...windowCounts]: SliCounts[],
    previous?: SloEvaluation,
  ): SloEvaluation {
    const { now, end, period, table, measured } = plan;
    const windows = plan.alerts;
    const slo = plan.record.definition;
    const target = slo.target;
    const counts = new Map<number, SliCounts>(
      measured.map((windowMs, i) => [windowMs, windowCounts[i]]),
    );
    const exhaustion = counts.get(EXHAUSTION_WINDOW_MS)!;

    // Calendar windows never regain budget before the period resets.
    const samePeriod =
      previous && Date.parse(previous.budget.from) === periodCounts.from;
    const report = evaluateBudget({
      target,
      periodMs: period.periodMs,
      counts: periodCounts,
      elapsedMs: period.elapsedMs,
      currentBurnRate: burnRate(exhaustion, target),
      previousRemaining:
        !slo.timeWindow.isRolling && samePeriod && previous.budget.total > 0
          ? previous.budget.remaining
          : undefined,
    });
    const decision = decideAlert(target, table, (_w, windowMs) =>
      errorRatio(counts.get(windowMs)!),
    );

    const burnRates: SloBurnRate[] = [
      ...windows.map(({ window, windowMs }) => {
        const c = counts.get(windowMs)!;
        return {
          window,
          windowMs,
          good: c.good,
          total: c.total,
          errorRatio: errorRatio(c),
          burnRate: burnRate(c, target),
        };
      }),
      {
        window: 'period',
        windowMs: period.periodMs,
        good: periodCounts.good,
        total: periodCounts.total,
        errorRatio: report.errorRatio,
        burnRate: report.burnRate,
      },
    ];

    return {
      evaluatedAt: new Date(now).toISOString(),
      status: statusOf(periodCounts.total, report.remaining, decision.severity),
      budget: {
        from: new Date(periodCounts.from).toISOString(),
        to: new Date(periodCounts.to).toISOString(),
        good: periodCounts.good,
        total: periodCounts.total,
        sli: report.sli,
        errorBudget: report.errorBudget,
        budgetMinutes: report.budgetMinutes,
        consumed: report.consumed,
        remaining: report.remaining,
        remainingMinutes: report.remainingMinutes,
        timeToExhaustionMs: report.timeToExhaustionMs,
        ...(report.timeToExhaustionMs === null
          ? {}
          : {
              exhaustsAt: new Date(
                end + report.timeToExhaustionMs,
              ).toISOString(),
            }),
      },
      burnRates,
      alertSeverity: decision.severity,
      alerts: decision.windows.map(w => ({
        severity: w.severity,
        longWindow: w.longWindow,
        shortWindow: w.shortWindow,
        burnRateFactor: w.burnRateFactor,
        errorRatioThreshold: w.errorRatioThreshold!,
        longErrorRatio: w.longErrorRatio,
        shortErrorRatio: w.shortErrorRatio,
        firing: w.firing,
      })),
    };
  }

  /**
   * Evaluates every SLO (or those of `options.ids`) and stores the results, a batch of SLOs
   * per transaction; one SLO's failure does not stop the others. Once `options.signal` aborts
   * (the task's timeout), SLOs not started yet are left for the next run and nothing computed
   * after the abort is stored.
   */
  async evaluateAll(
    now: number = Date.now(),
    options: { ids?: ReadonlyArray<string>; signal?: AbortSignal } = {},
  ): Promise<EvaluationRunResult> {
    const { signal } = options;
    const { store, logger, snapshotIntervalMs } = this.options;
    const only = options.ids && new Set(options.ids);
    const records = (await store.slos.listAll()).filter(
      r => !only || only.has(r.id),
    );
    const previous = await store.evaluations.latest(records.map(r => r.id));
    const limit = pLimit(this.options.concurrency ?? 4);
    const batchSize = this.options.countsBatch ?? COUNTS_BATCH;
    let failed = 0;
    const warn = (record: SloRecord, error: unknown) => {
      failed++;
      logger.warn(
        `Could not evaluate SLO ${record.id} (${record.entityRef}, ${record.ref}): ${error}`,
      );
    };
    type Item = { record: SloRecord; sloId: string; evaluation: SloEvaluation };
    /** One SLO on its own: its failure is its own. */
    const single = async (record: SloRecord): Promise<Item | undefined> => {
      try {
        const evaluation = await this.evaluate(
          record,
          now,
          previous.get(record.id),
        );
        return { record, sloId: record.id, evaluation };
      } catch (error) {
        warn(record, error);
        return undefined;
      }
    };
    const batches: SloRecord[][] = [];
    for (let i = 0; i < records.length; i += batchSize) {
      batches.push(records.slice(i, i + batchSize));
    }
    const results = await Promise.all(
      batches.map(batch =>
        limit(async (): Promise<Array<Item | undefined>> => {
          // Not started, or computed after the abort: left for the next run.
          if (signal?.aborted) return [];
          let items: Array<Item | undefined>;
          try {
            // The windows of the batch's SLOs in one read.
            const plans = batch.map(record => this.plan(record, now));
            const counts = await store.sli.getCountsOfSlos(
              plans.map(plan => ({
                sloId: plan.record.id,
                windows: plan.windows,
              })),
              now,
            );
            items = plans.map((plan, k) => {
              const { record } = plan;
              try {
                const evaluation = this.fromCounts(
                  plan,
                  counts[k],
                  previous.get(record.id),
                );
                return { record, sloId: record.id, evaluation };
              } catch (error) {
                warn(record, error);
                return undefined;
              }
            });
          } catch {
            // The batch's read failed: each SLO is read on its own, so that one SLO's
            // failure does not fail the others.
            items = [];
            for (const record of batch) {
              if (signal?.aborted) break;
              items.push(await single(record));
            }
          }
          return signal?.aborted ? [] : items;
        }),
      ),
    );
    const done = results
      .flat()
      .filter(<T>(r: T | undefined): r is T => Boolean(r));
    let evaluated = 0;
    let snapshots = 0;
    const stored: typeof done = [];
    for (let i = 0; i < done.length; i += SAVE_BATCH) {
      const batch = done.slice(i, i + SAVE_BATCH);
      try {
        snapshots += await store.evaluations.saveMany(
          batch,
          now,
          snapshotIntervalMs,
        );
        evaluated += batch.length;
        stored.push(...batch);
      } catch {
        // One SLO's write failing fails its batch: the batch is written one by one.
        for (const item of batch) {
          try {
            if (
              await store.evaluations.save(
                item.sloId,
                item.evaluation,
                now,
                snapshotIntervalMs,
              )
            ) {
              snapshots++;
            }
            evaluated++;
            stored.push(item);
          } catch (error) {
            warn(item.record, error);
          }
        }
      }
    }
    if (this.options.notifier && stored.length > 0 && !signal?.aborted) {
      const notifications = await this.options.notifier.afterEvaluation(
        stored,
        now,
      );
      return { evaluated, failed, snapshots, notifications };
    }
    return { evaluated, failed, snapshots };
  }

  /**
   * Evaluates at once those of `ids` that show no figures yet: never evaluated, or evaluated
   * before they had data. The collection task calls it with the SLOs a run stored data for,
   * so that the first figures of a new SLO do not wait for the next scheduled evaluation.
   */
  async evaluateFirstData(
    ids: ReadonlyArray<string>,
    now: number = Date.now(),
  ): Promise<EvaluationRunResult> {
    if (ids.length === 0) return { evaluated: 0, failed: 0, snapshots: 0 };
    const latest = await this.options.store.evaluations.latest([...ids]);
    const waiting = ids.filter(id => (latest.get(id)?.budget.total ?? 0) === 0);
    if (waiting.length === 0) return { evaluated: 0, failed: 0, snapshots: 0 };
    return this.evaluateAll(now, { ids: waiting });
  }
}
