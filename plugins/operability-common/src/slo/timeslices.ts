/**
 * Timeslices and RatioTimeslices: budgets counted in slices of time instead of events.
 */
import { errorBudget, EventCounts, sliValue, timeToExhaustion } from './math';
import type { ComparisonOperator } from './model';

/** Input of `evaluateTimeslices`. @public */
export interface TimesliceInput {
  method: 'Timeslices' | 'RatioTimeslices';
  /** The objective: the share of good slices (Timeslices) or the mean slice ratio (RatioTimeslices). */
  target: number;
  /** Timeslices: a slice is good when its good/total is at least this, in (0, 1]. */
  timeSliceTarget?: number;
  /** Length of the SLO period in milliseconds. */
  periodMs: number;
  /** Length of a slice in milliseconds. */
  sliceMs: number;
  /**
   * Counts of each slice seen so far in the period (calendar) or in the window (rolling); a
   * slice without events (total 0) has no data and is neither good nor bad.
   */
  slices: ReadonlyArray<EventCounts>;
  /** Calendar windows: the remaining budget last evaluated in the same period (never regained). */
  previousRemaining?: number;
}

/** Result of `evaluateTimeslices`. Ratios are fractions (0.5 is 50%). @public */
export interface TimesliceReport {
  /** How many slices the period has: period / slice length. */
  slicesInPeriod: number;
  /** Slices with data. */
  slicesObserved: number;
  /** Timeslices: slices that met timeSliceTarget. RatioTimeslices: the sum of slice ratios. */
  goodSlices: number;
  /** Timeslices: slices that missed it. RatioTimeslices: the sum of (1 - slice ratio). */
  badSlices: number;
  /** Good slices / observed slices (Timeslices) or the mean slice ratio; null without data. */
  sli: number | null;
  /** 1 - target. */
  errorBudget: number;
  /** The period's budget in slices: (1 - target) x slices in the period. */
  budgetSlices: number;
  /** The same as time, in minutes: (1 - target) x period. */
  budgetMinutes: number;
  /** badSlices / budgetSlices. */
  consumed: number;
  /** 1 - consumed, at most `previousRemaining`. */
  remaining: number;
  remainingSlices: number;
  /** (1 - sli) / (1 - target); null without data. */
  burnRate: number | null;
  /** remaining x period / burn rate; 0 when spent, null when nothing burns. */
  timeToExhaustionMs: number | null;
}

/**
 * Whether a measured value is good by an objective's `op` and `value` (threshold SLIs): with
 * `op: lte` and `value: 0.5`, a p99 latency of 0.4 s is good.
 * @public
 */
export function meetsThreshold(
  measured: number,
  op: ComparisonOperator,
  value: number,
): boolean {
  switch (op) {
    case 'lt':
      return measured < value;
    case 'lte':
      return measured <= value;
    case 'gt':
      return measured > value;
    default:
      return measured >= value;
  }
}

/**
 * The budget of a Timeslices or RatioTimeslices SLO. The period has `period / slice` slices and
 * its budget is `(1 - target)` of them: 2 weeks of 1-minute slices are 20160 slices, and a 95%
 * objective allows 1008 bad slices (16h 48m). Timeslices: a slice is bad when its good/total
 * is below `timeSliceTarget`; RatioTimeslices: every slice spends `1 - good/total` of a slice.
 * Bad slices stay spent: the consumed share only grows as slices are added.
 * @public
 */
export function evaluateTimeslices(input: TimesliceInput): TimesliceReport {
  const { method, target, periodMs, sliceMs } = input;
  if (method === 'Timeslices' && input.timeSliceTarget === undefined) {
    throw new TypeError('Timeslices needs timeSliceTarget');
  }
  const budget = errorBudget(target);
  const slicesInPeriod = periodMs / sliceMs;
  let observed = 0;
  let good = 0;
  for (const slice of input.slices) {
    const ratio = sliValue(slice);
    if (ratio === null) continue;
    observed += 1;
    if (method === 'RatioTimeslices') {
      good += ratio;
    } else if (ratio >= input.timeSliceTarget!) {
      good += 1;
    }
  }
  const bad = observed - good;
  const budgetSlices = budget * slicesInPeriod;
  let remaining = 1 - bad / budgetSlices;
  if (input.previousRemaining !== undefined) {
    remaining = Math.min(remaining, input.previousRemaining);
  }
  const sli = observed > 0 ? good / observed : null;
  const burnRate = sli === null ? null : (1 - sli) / budget;
  return {
    slicesInPeriod,
    slicesObserved: observed,
    goodSlices: good,
    badSlices: bad,
    sli,
    errorBudget: budget,
    budgetSlices,
    budgetMinutes: (budget * periodMs) / 60_000,
    consumed: 1 - remaining,
    remaining,
    remainingSlices: remaining * budgetSlices,
    burnRate,
    timeToExhaustionMs: timeToExhaustion(remaining, burnRate, periodMs),
  };
}
