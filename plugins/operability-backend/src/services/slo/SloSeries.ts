import {
  formatDurationShorthand,
  burnRate,
  durationToMs,
  evaluateBudget,
  sliValue,
  type SeriesPoint,
  type SloSeriesQuery,
  type SloSeriesResponse,
} from '@airworthy/plugin-operability-common';
import { InputError } from '@backstage/errors';
import { createLTTB } from 'downsample';
import type { OperabilityStore } from '../../database/OperabilityStore';
import {
  alignDown,
  alignUp,
  type SliRunningTotals,
} from '../../database/sli/SliStore';
import type { SloRecord } from '../../database/slo/SloStore';
import { budgetPeriod } from './BudgetEvaluator';

/** Most points of one series in an answer. */
export const MAX_SERIES_POINTS = 1000;
/** Longest range one request may ask for. */
const MAX_RANGE_MS = 400 * 86_400_000;
const DEFAULT_WINDOW = '1h';

const lttb = createLTTB<SeriesPoint>({ x: 't', y: p => p.v ?? 0 });

/** Drops points without data and keeps at most `max` with LTTB (largest triangle three buckets). */
export function downsampleSeries(
  points: SeriesPoint[],
  max: number = MAX_SERIES_POINTS,
): SeriesPoint[] {
  const withData = points.filter(p => p.v !== null);
  if (withData.length <= max) return withData;
  return Array.from(lttb(withData, max));
}

/** Running totals of one resolution, answered for any aligned instant by binary search. */
export class RunningTotals {
  private readonly starts: number[];

  constructor(private readonly data: SliRunningTotals) {
    this.starts = data.rows.map(r => r.start);
  }

  get widthMs(): number {
    return this.data.widthMs;
  }

  /** Counts of everything before instant `t` (at or after the range's start). */
  at(t: number): { good: number; total: number } {
    // The last row that starts before t.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return this.data.base;
    const row = this.data.rows[lo - 1];
    return { good: row.cumGood, total: row.cumTotal };
  }

  /** Counts of [from, to). */
  between(from: number, to: number): { good: number; total: number } {
    const a = this.at(from);
    const b = this.at(to);
    return { good: b.good - a.good, total: b.total - a.total };
  }

  /** The bucket that starts at `start`, if stored. */
  bucket(start: number): { good: number; total: number } | undefined {
    const i = this.starts.indexOf(start);
    return i < 0 ? undefined : this.data.rows[i];
  }
}

/**
 * Budget, burn-rate and SLI series of an SLO, computed from the SLI store's running totals
 * at the finest resolution that still covers what each series needs, then downsampled to at
 * most 1,000 points per series.
 */
export class SloSeries {
  constructor(private readonly store: Pick<OperabilityStore, 'sli'>) {}

  async series(
    record: SloRecord,
    query: SloSeriesQuery,
    now: number = Date.now(),
  ): Promise<SloSeriesResponse> {
    const slo = record.definition;
    const sli = this.store.sli;
    const to = query.to ? Date.parse(query.to) : now;
    const from = query.from
      ? Date.parse(query.from)
      : to - slo.timeWindow.durationMs;
    if (!(from < to)) {
      throw new InputError('Invalid request query: from must be before to');
    }
    if (to - from > MAX_RANGE_MS) {
      throw new InputError(
        `Invalid request query: the range may be at most ${formatDurationShorthand(
          MAX_RANGE_MS,
        )}; narrow from and to`,
      );
    }
    let windowMs = durationToMs(query.window ?? DEFAULT_WINDOW);

    // Budget: every point needs its whole period before it.
    const budgetLevel = sli.levelFor(from - slo.timeWindow.durationMs, now);
    const budgetTotals = await this.totals(
      record.id,
      budgetLevel.widthMs,
      from - slo.timeWindow.durationMs - budgetLevel.widthMs,
      to,
    );
    const budgetRemaining = this.points(from, to, budgetTotals, t => {
      const period = budgetPeriod(slo, t);
      const counts = budgetTotals.between(
        alignDown(period.start, budgetTotals.widthMs),
        t,
      );
      if (counts.total === 0) return null;
      return evaluateBudget({
        target: slo.target,
        periodMs: period.periodMs,
        counts,
        elapsedMs: period.elapsedMs,
      }).remaining;
    });

    // Burn rate over the window, at a resolution no coarser than the window.
    const rateLevel = sli.levelFor(from - windowMs, now);
    windowMs = Math.max(windowMs, rateLevel.widthMs);
    const rateTotals = await this.totals(
      record.id,
      rateLevel.widthMs,
      from - windowMs - rateLevel.widthMs,
      to,
    );
    const burn = this.points(from, to, rateTotals, t =>
      burnRate(rateTotals.between(t - windowMs, t), slo.target),
    );

    // SLI of each bucket.
    const sliLevel = sli.levelFor(from, now);
    const sliTotals = await this.totals(record.id, sliLevel.widthMs, from, to);
    const sliPoints = this.points(from, to, sliTotals, t => {
      const bucket = sliTotals.bucket(t - sliTotals.widthMs);
      return bucket ? sliValue(bucket) : null;
    });

    return {
      sloId: record.id,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      resolutionMs: rateLevel.widthMs,
      window: formatDurationShorthand(windowMs),
      budgetRemaining: downsampleSeries(budgetRemaining),
      burnRate: downsampleSeries(burn),
      sli: downsampleSeries(sliPoints),
    };
  }

  private async totals(
    sloId: string,
    widthMs: number,
    from: number,
    to: number,
  ): Promise<RunningTotals> {
    return new RunningTotals(
      await this.store.sli.getRunningTotals(sloId, widthMs, from, to),
    );
  }

  /** One point per bucket end in (from, to] of the totals' resolution. */
  private points(
    from: number,
    to: number,
    totals: RunningTotals,
    value: (t: number) => number | null,
  ): SeriesPoint[] {
    const width = totals.widthMs;
    const points: SeriesPoint[] = [];
    for (
      let t = alignUp(from + 1, width);
      t <= alignDown(to, width);
      t += width
    ) {
      points.push({ t, v: value(t) });
    }
    return points;
  }
}
