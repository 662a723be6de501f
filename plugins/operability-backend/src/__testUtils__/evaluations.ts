import {
  TIME,
  type SloBurnRate,
  type SloEvaluation,
  type SloStatus,
} from '@airworthy/plugin-operability-common';

/**
 * An evaluation of a 28-day SLO (2% budget) at `at` in `status` with `remaining` budget,
 * 990 of 1,000 events good unless `good` says otherwise; no alert rows.
 */
export function sloEvaluation(
  status: SloStatus,
  remaining: number,
  options: { at: number; good?: number; burnRates?: SloBurnRate[] },
): SloEvaluation {
  const { at, good = 990, burnRates = [] } = options;
  return {
    evaluatedAt: new Date(at).toISOString(),
    status,
    budget: {
      from: new Date(at - 28 * TIME.DAY).toISOString(),
      to: new Date(at).toISOString(),
      good,
      total: 1000,
      sli: good / 1000,
      errorBudget: 0.02,
      budgetMinutes: 806.4,
      consumed: 1 - remaining,
      remaining,
      remainingMinutes: remaining * 806.4,
      timeToExhaustionMs: null,
    },
    burnRates,
    alertSeverity: null,
    alerts: [],
  };
}
