/**
 * What the SLO card says about one SLO: the budget line, the alert rows, and "how this was
 * computed" with the actual numbers and formulas.
 */
import {
  durationToMs,
  errorBudget,
  TIME,
  tidyNumber,
  type SloSummary,
  type SloValidationError,
} from '@airworthy/plugin-operability-common';
import {
  formatDuration,
  formatInstant,
  formatMinutes,
  formatNumber,
  formatPercent,
  formatTarget,
} from './format';

/** A row of "how this was computed": what, the formula, and the value with its numbers. */
export interface ComputationStep {
  label: string;
  formula: string;
  value: string;
}

/**
 * The computation of an evaluated SLO's budget, step by step, from the counts the API
 * reports: events, bad events, the budget in events and in time, spent and remaining, and the
 * burn rate of each window. Empty before the first evaluation.
 */
export function explainBudget(slo: SloSummary): ComputationStep[] {
  const budget = slo.budget;
  if (!budget) return [];
  const bad = tidyNumber(budget.total - budget.good);
  const allowedRatio = errorBudget(slo.target);
  const fromMs = Date.parse(budget.from);
  const toMs = Date.parse(budget.to);
  const periodMs = durationToMs(slo.period);
  const elapsedMs = toMs - fromMs;
  // The period's budget in events: (1 - target) x the events the period sees at this traffic.
  const partial = elapsedMs > 0 && elapsedMs < periodMs - TIME.MINUTE;
  const allowed = budget.consumed > 0 ? bad / budget.consumed : undefined;
  const steps: ComputationStep[] = [
    {
      label: 'Window',
      formula: partial
        ? `the current period so far (${slo.period} period)`
        : `the last ${slo.period}`,
      value: `${formatInstant(budget.from)} to ${formatInstant(budget.to)}`,
    },
    {
      label: 'Events',
      formula: 'good of total',
      value: `${formatNumber(budget.good, 2)} of ${formatNumber(
        budget.total,
        2,
      )}`,
    },
    {
      label: 'Bad events',
      formula: 'total − good',
      value: formatNumber(bad, 2),
    },
    {
      label: 'SLI',
      formula: 'good / total',
      value: formatPercent(budget.sli, 4),
    },
    {
      label: 'Error budget',
      formula: `1 − target = 1 − ${formatTarget(slo.target)}`,
      value: `${formatPercent(allowedRatio, 4)} of events = ${formatMinutes(
        budget.budgetMinutes,
      )} of ${slo.period} (${formatNumber(budget.budgetMinutes, 1)} min)`,
    },
  ];
  if (allowed !== undefined) {
    steps.push({
      label: 'Allowed bad events',
      formula: partial
        ? `(1 − target) × total × period / elapsed (${formatDuration(
            elapsedMs,
          )} of ${slo.period})`
        : '(1 − target) × total',
      value: formatNumber(allowed, 2),
    });
  }
  steps.push(
    {
      label: 'Budget spent',
      formula: 'bad / allowed bad',
      value: formatPercent(budget.consumed, 2),
    },
    {
      label: 'Budget remaining',
      formula: '1 − spent; × error budget in minutes',
      value: `${formatPercent(budget.remaining, 2)} = ${formatMinutes(
        budget.remainingMinutes,
      )}`,
    },
  );
  for (const rate of slo.burnRates ?? []) {
    steps.push({
      label: `Burn rate ${rate.window}`,
      formula: `(bad / total) / (1 − target) over ${rate.window}`,
      value:
        rate.burnRate === null
          ? 'no events'
          : `(${formatNumber(rate.total - rate.good, 2)} / ${formatNumber(
              rate.total,
              2,
            )}) / ${formatPercent(allowedRatio, 4)} = ${formatNumber(
              rate.burnRate,
              2,
            )}×`,
    });
  }
  return steps;
}

/** The budget line of the card: `62.5% left (8h 24m of 13h 26m)`, or why there is none. */
export function budgetSummary(slo: SloSummary): string {
  const budget = slo.budget;
  if (!budget || budget.total === 0) return 'no data yet';
  if (budget.remaining <= 0) {
    return `exhausted (overspent by ${formatMinutes(
      -budget.remainingMinutes,
    )})`;
  }
  return `${formatPercent(budget.remaining, 1)} left (${formatMinutes(
    budget.remainingMinutes,
  )} of ${formatMinutes(budget.budgetMinutes)})`;
}

/** Validation errors of the entity's SLO files, grouped by file, in order. */
export function errorsByFile(
  errors: ReadonlyArray<SloValidationError>,
): Array<{ file: string; errors: SloValidationError[] }> {
  const groups = new Map<string, SloValidationError[]>();
  for (const error of errors) {
    const list = groups.get(error.file) ?? [];
    list.push(error);
    groups.set(error.file, list);
  }
  return [...groups.entries()].map(([file, list]) => ({ file, errors: list }));
}

/** Where in a file a problem is: `document 2, spec.objectives[0].target`. */
export function errorLocation(error: SloValidationError): string {
  return [
    error.document !== undefined ? `document ${error.document + 1}` : '',
    error.path ?? '',
  ]
    .filter(Boolean)
    .join(', ');
}
