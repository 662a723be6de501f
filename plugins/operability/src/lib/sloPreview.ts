/**
 * The SLO editor's live preview, computed in the browser with the engine: the budget of the
 * period in minutes (and slices), the alert thresholds of each window, and what the budget
 * would have been over the last period of the SLI's data.
 */
import {
  calendarPeriodAt,
  errorBudget,
  evaluateBudget,
  multiwindowTable,
  TIME,
  tidyNumber,
  type EventCounts,
  type Slo,
} from '@airworthy/plugin-operability-common';

/** One alert threshold of the preview. */
export interface PreviewAlertRow {
  /** `page`/`ticket` for the default multiwindow policy; the condition's severity otherwise. */
  severity: string;
  /** Where the row comes from: the SRE workbook's multiwindow policy or the SLO's alert policy. */
  origin: 'multiwindow' | 'policy';
  /** A condition name, for policy rows. */
  name?: string;
  longWindow: string;
  /** Multiwindow rows only: the short window that must burn too. */
  shortWindow?: string;
  /** The burn rate that fires: 14.4 means the period's budget would last period / 14.4. */
  burnRate: number;
  /** The error ratio both windows must exceed: burn rate x (1 - target). */
  errorRatioThreshold: number;
  /** Share of the period's budget spent by the time the long window fires (multiwindow rows). */
  budgetConsumed?: number;
  /** How long the whole budget lasts at that burn rate. */
  exhaustsInMs: number;
  alertAfter: string;
}

/** What the budget would have been with this definition over the last period of data. */
export interface PreviewHistory {
  from: string;
  to: string;
  good: number;
  total: number;
  sli: number | null;
  consumed: number;
  remaining: number;
  remainingMinutes: number;
  /** True when the data covers another period than the one being edited. */
  periodDiffers: boolean;
  dataPeriod: string;
}

/** The preview of one objective. */
export interface SloPreview {
  ref: string;
  label: string;
  target: number;
  period: string;
  periodMs: number;
  /** Calendar windows: the current period (its real length may differ from the nominal one). */
  calendarPeriod?: { startMs: number; endMs: number };
  budgetingMethod: Slo['budgetingMethod'];
  errorBudget: number;
  /** (1 - target) x period, in minutes. */
  budgetMinutes: number;
  /** Timeslices and RatioTimeslices: the period in slices and the budget in slices. */
  slices?: { sliceWindow: string; inPeriod: number; budget: number };
  alerts: PreviewAlertRow[];
  history?: PreviewHistory;
}

/** SLI data of an SLO over its last period, as the API reports its evaluation. */
export interface PeriodData extends EventCounts {
  from: string;
  to: string;
  /** The period the data covers, e.g. `28d`. */
  period: string;
}

/** The preview of each objective parsed from the editor's YAML. */
export function previewSlos(
  slos: ReadonlyArray<Slo>,
  options: { nowMs: number; data?: PeriodData } = { nowMs: Date.now() },
): SloPreview[] {
  return slos.map(slo => previewSlo(slo, options));
}

function previewSlo(
  slo: Slo,
  options: { nowMs: number; data?: PeriodData },
): SloPreview {
  const { target } = slo;
  const window = slo.timeWindow;
  let calendarPeriod: SloPreview['calendarPeriod'];
  let periodMs = window.durationMs;
  if (!window.isRolling && window.calendar) {
    calendarPeriod = calendarPeriodAt(
      { duration: window.duration, calendar: window.calendar },
      options.nowMs,
    );
    periodMs = calendarPeriod.endMs - calendarPeriod.startMs;
  }
  const budget = errorBudget(target);
  const preview: SloPreview = {
    ref: slo.ref,
    label: slo.objective.displayName ?? slo.displayName ?? slo.name,
    target,
    period: window.duration,
    periodMs,
    budgetingMethod: slo.budgetingMethod,
    errorBudget: budget,
    budgetMinutes: tidyNumber((budget * periodMs) / TIME.MINUTE),
    // The generated rules use the nominal period (a month is 30 days): so do the thresholds.
    alerts: alertRows(slo, window.durationMs),
  };
  if (calendarPeriod) preview.calendarPeriod = calendarPeriod;
  if (slo.timeSlice) {
    const inPeriod = periodMs / slo.timeSlice.windowMs;
    preview.slices = {
      sliceWindow: slo.timeSlice.window,
      inPeriod: tidyNumber(inPeriod),
      budget: tidyNumber(budget * inPeriod),
    };
  }
  const data = options.data;
  if (data && data.total > 0) {
    // Over a whole period, the share of budget spent is bad / ((1 - target) x total): it does
    // not depend on the period's length, so data of another period still answers "what would
    // the budget have been".
    const report = evaluateBudget({
      target,
      periodMs,
      counts: { good: data.good, total: data.total },
    });
    preview.history = {
      from: data.from,
      to: data.to,
      good: data.good,
      total: data.total,
      sli: report.sli,
      consumed: report.consumed,
      remaining: report.remaining,
      remainingMinutes: report.remainingMinutes,
      periodDiffers: data.period !== window.duration,
      dataPeriod: data.period,
    };
  }
  return preview;
}

function alertRows(slo: Slo, periodMs: number): PreviewAlertRow[] {
  const budget = errorBudget(slo.target);
  const conditions = slo.alertPolicies.flatMap(policy => policy.conditions);
  if (conditions.length > 0) {
    return conditions.map(condition => ({
      severity: condition.severity,
      origin: 'policy' as const,
      name: condition.displayName ?? condition.name,
      longWindow: condition.lookbackWindow,
      burnRate: condition.threshold,
      errorRatioThreshold: tidyNumber(condition.threshold * budget),
      exhaustsInMs: periodMs / condition.threshold,
      alertAfter: condition.alertAfter,
    }));
  }
  return multiwindowTable(periodMs, slo.target).map(row => ({
    severity: row.severity,
    origin: 'multiwindow' as const,
    longWindow: row.longWindow,
    shortWindow: row.shortWindow,
    burnRate: row.burnRateFactor,
    errorRatioThreshold: row.errorRatioThreshold!,
    budgetConsumed: row.budgetConsumed,
    exhaustsInMs: periodMs / row.burnRateFactor,
    alertAfter: row.alertAfter,
  }));
}
