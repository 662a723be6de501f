/**
 * The multiwindow, multi-burn-rate alerting policy of the SRE workbook, derived from the SLO
 * period, and the alert decision it implies.
 */
import { durationToMs, formatDurationShorthand } from './duration';
import { errorBudget, tidyNumber } from './math';

/** Page (wake someone up, `critical`) or ticket (next working day, `warning`). @public */
export type BurnRateSeverity = 'page' | 'ticket';

/** One row of a burn-rate policy, before it is applied to a period. @public */
export interface BurnRatePolicyRow {
  severity: BurnRateSeverity;
  /** Share of the period's budget that, spent within the long window, fires the alert, in percent. */
  budgetConsumedPercent: number;
  longWindow: string;
  shortWindow: string;
  /**
   * How long the condition must hold before the alert fires: `0m` in the default policy, as in
   * Sloth's alerts (no `for:`), since the short window already stops flapping and a `for` only
   * delays the alert.
   */
  alertAfter: string;
}

/**
 * The SRE workbook's policy: 2% of the budget in 1 hour or 5% in 6 hours pages; 10% in a day
 * or in 3 days opens a ticket. Each long window is checked with a short window of 1/12 its
 * length, so that an alert stops soon after the burn stops. The rows fire at once (`alertAfter`
 * 0m): the generated rules, like Sloth's, have no `for`.
 * @public
 */
export const DEFAULT_BURN_RATE_POLICY: ReadonlyArray<BurnRatePolicyRow> = [
  {
    severity: 'page',
    budgetConsumedPercent: 2,
    longWindow: '1h',
    shortWindow: '5m',
    alertAfter: '0m',
  },
  {
    severity: 'page',
    budgetConsumedPercent: 5,
    longWindow: '6h',
    shortWindow: '30m',
    alertAfter: '0m',
  },
  {
    severity: 'ticket',
    budgetConsumedPercent: 10,
    longWindow: '1d',
    shortWindow: '2h',
    alertAfter: '0m',
  },
  {
    severity: 'ticket',
    budgetConsumedPercent: 10,
    longWindow: '3d',
    shortWindow: '6h',
    alertAfter: '0m',
  },
];

/** One row of the multiwindow table of a period. @public */
export interface BurnRateWindow {
  severity: BurnRateSeverity;
  /** Long window, e.g. `1h`. */
  longWindow: string;
  longWindowMs: number;
  /** Short window, e.g. `5m`. */
  shortWindow: string;
  shortWindowMs: number;
  /** Share of the period's budget spent when the long window burns at the factor (0.02 is 2%). */
  budgetConsumed: number;
  /** budgetConsumed x period / long window: 14.4 for 2% in 1h of 30 days. */
  burnRateFactor: number;
  /** burnRateFactor x (1 - target): the error ratio both windows must exceed; set when a target is given. */
  errorRatioThreshold?: number;
  /** How long both windows must burn before the alert fires (`0m` in the default policy). */
  alertAfter: string;
}

/**
 * The multiwindow table of a period: for each policy row, the burn-rate factor
 * `budget share x period / long window` (30 days: 14.4, 6, 3, 1; 28 days: 13.44, 5.6, 2.8,
 * 0.933...) and, with a target, the error-ratio threshold `factor x (1 - target)`. Rows whose
 * long window is longer than the period are left out (they could never be met).
 * @public
 */
export function multiwindowTable(
  periodMs: number,
  target?: number,
  policy: ReadonlyArray<BurnRatePolicyRow> = DEFAULT_BURN_RATE_POLICY,
): BurnRateWindow[] {
  const budget = target === undefined ? undefined : errorBudget(target);
  return policy
    .map(row => ({
      row,
      longWindowMs: durationToMs(row.longWindow),
      shortWindowMs: durationToMs(row.shortWindow),
    }))
    .filter(({ longWindowMs }) => longWindowMs <= periodMs)
    .map(({ row, longWindowMs, shortWindowMs }) => {
      // percent x period / (100 x window) keeps 2 x 720 / 100 = 14.4 exact.
      const burnRateFactor =
        (row.budgetConsumedPercent * periodMs) / (100 * longWindowMs);
      const window: BurnRateWindow = {
        severity: row.severity,
        longWindow: formatDurationShorthand(longWindowMs),
        longWindowMs,
        shortWindow: formatDurationShorthand(shortWindowMs),
        shortWindowMs,
        budgetConsumed: row.budgetConsumedPercent / 100,
        burnRateFactor: tidyNumber(burnRateFactor),
        alertAfter: row.alertAfter,
      };
      if (budget !== undefined) {
        window.errorRatioThreshold = tidyNumber(burnRateFactor * budget);
      }
      return window;
    });
}

/** Every distinct window of a table (long and short), shortest first, e.g. 5m, 30m, 1h, 2h, 6h, 1d, 3d. @public */
export function alertWindows(
  table: ReadonlyArray<BurnRateWindow>,
): Array<{ window: string; windowMs: number }> {
  const byMs = new Map<number, string>();
  for (const row of table) {
    byMs.set(row.longWindowMs, row.longWindow);
    byMs.set(row.shortWindowMs, row.shortWindow);
  }
  return [...byMs.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([windowMs, window]) => ({ window, windowMs }));
}

/** One row of an alert decision. @public */
export interface BurnRateWindowState extends BurnRateWindow {
  longErrorRatio: number | null;
  shortErrorRatio: number | null;
  /** Both windows' error ratios exceed the threshold. */
  firing: boolean;
}

/** Result of `decideAlert`. @public */
export interface AlertDecision {
  /** The most severe firing row's severity, or null when nothing fires. */
  severity: BurnRateSeverity | null;
  windows: BurnRateWindowState[];
}

/**
 * Applies a multiwindow table to measured error ratios: a row fires when the error ratio of
 * both its long and its short window exceeds `burnRateFactor x (1 - target)`. Windows without
 * data (null) never fire. `errorRatioOf` answers the error ratio of a window given as a
 * shorthand (`5m`, `1h`) and its length.
 * @public
 */
export function decideAlert(
  target: number,
  table: ReadonlyArray<BurnRateWindow>,
  errorRatioOf: (window: string, windowMs: number) => number | null,
): AlertDecision {
  const budget = errorBudget(target);
  const windows = table.map(row => {
    const threshold = row.burnRateFactor * budget;
    const longErrorRatio = errorRatioOf(row.longWindow, row.longWindowMs);
    const shortErrorRatio = errorRatioOf(row.shortWindow, row.shortWindowMs);
    const firing =
      longErrorRatio !== null &&
      shortErrorRatio !== null &&
      longErrorRatio > threshold &&
      shortErrorRatio > threshold;
    return {
      ...row,
      errorRatioThreshold: tidyNumber(threshold),
      longErrorRatio,
      shortErrorRatio,
      firing,
    };
  });
  const firing = windows.filter(w => w.firing);
  let severity: BurnRateSeverity | null = null;
  if (firing.some(w => w.severity === 'page')) severity = 'page';
  else if (firing.length) severity = 'ticket';
  return { severity, windows };
}
