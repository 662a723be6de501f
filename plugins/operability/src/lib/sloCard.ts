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
  formatBudgetLeft,
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

/**
 * The budget line of the card: `62.5% left (8h 24m of 13h 26m)`, `Exhausted: overspent 3.5×
 * (1d 2h over)`, or `no data yet`.
 */
export function budgetSummary(slo: SloSummary): string {
  const budget = slo.budget;
  if (!budget || budget.total === 0) return 'no data yet';
  if (budget.remaining <= 0) {
    return `${formatBudgetLeft(budget.remaining)} (${formatMinutes(
      -budget.remainingMinutes,
    )} over)`;
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

/** Why an SLO shows no figures, and what to do about it. */
export interface NoDataReason {
  severity: 'info' | 'warning' | 'error';
  /** What is going on, in one sentence. */
  title: string;
  /** What to do. */
  action: string;
}

/**
 * Why an SLO has no figures yet (no evaluation with events over its period), from where its
 * data stands (`collection.state`); undefined when it has figures.
 */
export function noDataReason(slo: SloSummary): NoDataReason | undefined {
  if (slo.budget && slo.budget.total > 0) return undefined;
  const collection = slo.collection;
  const source = collection?.source ?? 'its source';
  switch (collection?.state) {
    case 'unconfigured':
      return {
        severity: 'warning',
        title: `Nothing collects this SLO's data: ${
          collection.detail ?? 'its source is not configured'
        }.`,
        action: `Configure it in app-config.yaml, or push the counts to POST /api/operability/slos/${slo.id}/sli.`,
      };
    case 'failed':
      return {
        severity: 'error',
        title: `Collecting from ${source} failed: ${collection.lastError}`,
        action:
          'Fix what the message says (the query, the data source or the connection); collection retries every minute.',
      };
    case 'empty':
      return {
        severity: 'warning',
        title: `The ${source} queries returned no data over the ${slo.period} period.`,
        action:
          'Check the queries and their labels against the metrics that exist (run them in Prometheus), then save the SLO again.',
      };
    case 'pending':
      return {
        severity: 'info',
        title: `The first collection from ${source} has not finished yet.`,
        action: 'Figures appear once it has run (within a minute or two).',
      };
    case 'push':
    case undefined:
      return {
        severity: 'info',
        title: `No data has been pushed for this SLO${
          collection?.detail ? ` (${collection.detail})` : ''
        }.`,
        action: `Push good and total counts to POST /api/operability/slos/${slo.id}/sli, or install a source module that collects them.`,
      };
    default:
      return {
        severity: 'info',
        title: 'The SLO has data but has not been evaluated yet.',
        action: 'Figures appear at the next evaluation (every minute).',
      };
  }
}

/** An alert row's figures as burn rates: the threshold and both windows' current rate. */
export function alertBurnRates(
  row: {
    burnRateFactor: number;
    longErrorRatio: number | null;
    shortErrorRatio: number | null;
  },
  target: number,
): { threshold: number; long: number | null; short: number | null } {
  const budget = 1 - target;
  const rate = (ratio: number | null) =>
    ratio === null || budget <= 0 ? null : tidyNumber(ratio / budget);
  return {
    threshold: row.burnRateFactor,
    long: rate(row.longErrorRatio),
    short: rate(row.shortErrorRatio),
  };
}
