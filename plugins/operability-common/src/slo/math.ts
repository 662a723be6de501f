/**
 * Error budgets, error ratios and burn rates, computed from event counts (sum of bad over sum of
 * total, never an average of ratios). See docs/slo-math.md for the formulas with worked numbers.
 */

/** Counts of events over some window: `good` of `total` were good. @public */
export interface EventCounts {
  good: number;
  total: number;
}

const MINUTE_MS = 60_000;

/** Number of digits after the decimal point of a number as JavaScript prints it. */
function decimalPlaces(value: number): number {
  const text = String(value);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) {
    const mantissa = text.slice(0, text.indexOf('e'));
    const mantissaDecimals = mantissa.split('.')[1]?.length ?? 0;
    return mantissaDecimals + Number(exponent[1]);
  }
  return text.split('.')[1]?.length ?? 0;
}

/**
 * Rounds to 12 significant digits: removes the noise of binary floating point from figures that
 * are shown or written into rules (14.4 * 0.001 is 0.014400000000000001, tidied 0.0144).
 * @public
 */
export function tidyNumber(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

/**
 * A number as Go prints a float64 with `%g` or `%v` (what Sloth writes into rules): the
 * shortest digits that read back as the same number, in exponent form (`1e-05`,
 * `9.99999999995449e-06`, `1e+06`) when the exponent is below -4 or at least 6, else plainly
 * (`0.0009999999999999432`, `14.4`, `30`).
 * @public
 */
export function goFloat(value: number): string {
  if (!Number.isFinite(value)) {
    if (Number.isNaN(value)) return 'NaN';
    return value > 0 ? '+Inf' : '-Inf';
  }
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/**
 * The error budget of a target as a ratio: `1 - target`, computed in decimal so that
 * `errorBudget(0.999)` is 0.001 (binary floating point gives 0.0010000000000000009).
 * @public
 */
export function errorBudget(target: number): number {
  const places = decimalPlaces(target);
  if (places > 15) {
    return 1 - target;
  }
  const scale = 10 ** places;
  return (scale - Math.round(target * scale)) / scale;
}

/**
 * A percentage as a ratio, in decimal: `percentToRatio(99.95)` is 0.9995 (99.95 / 100 gives
 * 0.9994999999999999).
 * @public
 */
export function percentToRatio(percent: number): number {
  const places = decimalPlaces(percent);
  if (places > 13) {
    return percent / 100;
  }
  const scale = 10 ** places;
  return Math.round(percent * scale) / (scale * 100);
}

/** Bad events: `total - good`. @public */
export function badEvents(counts: EventCounts): number {
  return counts.total - counts.good;
}

/**
 * Share of bad events, `(total - good) / total`; null when there are no events (no data is not
 * the same as no errors).
 * @public
 */
export function errorRatio(counts: EventCounts): number | null {
  if (!(counts.total > 0)) {
    return null;
  }
  return badEvents(counts) / counts.total;
}

/** The SLI, `good / total`; null when there are no events. @public */
export function sliValue(counts: EventCounts): number | null {
  if (!(counts.total > 0)) {
    return null;
  }
  return counts.good / counts.total;
}

/**
 * How fast the budget burns: the error ratio divided by the error budget. 1 spends exactly the
 * budget over the period; 14.4 spends a 30-day budget in 50 hours. Null without events.
 * @public
 */
export function burnRate(counts: EventCounts, target: number): number | null {
  const ratio = errorRatio(counts);
  return ratio === null ? null : ratio / errorBudget(target);
}

/**
 * How many budgets a spent budget has used, as pages say it (`overspent 3.5×`): `1 - remaining`
 * once more than one budget is spent (remaining -2.5 is 3.5 budgets), or `null` while the
 * budget lasts or is spent about once (remaining above -0.005, which `1.0×` would only repeat).
 * @public
 */
export function overspentBudgets(remaining: number): number | null {
  if (!Number.isFinite(remaining) || remaining > 0) return null;
  const spent = 1 - remaining;
  return spent > 1.005 ? spent : null;
}

/** Input of `evaluateBudget`. @public */
export interface BudgetInput {
  /** The objective as a ratio in [0, 1). */
  target: number;
  /** Length of the SLO period (time window) in milliseconds. */
  periodMs: number;
  /** Event counts since the start of the period (calendar) or over the window (rolling). */
  counts: EventCounts;
  /**
   * How much of the period the counts cover, in milliseconds; default (and at most) the whole
   * period. In a calendar window, the time since the period started. The period's budget is
   * `(1 - target)` of the events the period will see at the current traffic:
   * `total * periodMs / elapsedMs`.
   */
  elapsedMs?: number;
  /**
   * Calendar windows: the remaining budget last evaluated in the same period. Budget is never
   * regained before the period resets, so the result is at most this value.
   */
  previousRemaining?: number;
  /**
   * The burn rate that `timeToExhaustionMs` extrapolates (e.g. the last hour's); default the
   * burn rate of `counts`.
   */
  currentBurnRate?: number | null;
}

/** Result of `evaluateBudget`. Ratios are fractions (0.5 is 50%). @public */
export interface BudgetReport {
  /** good / total; null without events. */
  sli: number | null;
  /** bad / total; null without events. */
  errorRatio: number | null;
  /** 1 - target. */
  errorBudget: number;
  /** The error budget of the period as time: (1 - target) x period, in minutes. */
  budgetMinutes: number;
  /** The error budget of the period in events: (1 - target) x events expected over the period. */
  budgetEvents: number;
  /** Bad events so far. */
  consumedEvents: number;
  /** Share of the period's budget spent (may exceed 1). */
  consumed: number;
  /** 1 - consumed (negative when overspent); at most `previousRemaining`. */
  remaining: number;
  /** Remaining budget in events. */
  remainingEvents: number;
  /** Remaining budget as time, in minutes. */
  remainingMinutes: number;
  /** Error ratio / error budget over the counts; null without events. */
  burnRate: number | null;
  /**
   * Time until the remaining budget is spent at `currentBurnRate`: 0 when already spent, null
   * when the budget does not burn (burn rate 0 or no data).
   */
  timeToExhaustionMs: number | null;
}

/**
 * The budget of an Occurrences SLO from its counts. For a full period this is the classic
 * definition: consumed = bad / ((1 - target) x total) = burn rate. For a part of a period it is
 * the share of the whole period's budget spent so far: burn rate x elapsed / period.
 * @public
 */
export function evaluateBudget(input: BudgetInput): BudgetReport {
  const { target, periodMs, counts } = input;
  const budget = errorBudget(target);
  const elapsedMs = Math.min(input.elapsedMs ?? periodMs, periodMs);
  const bad = badEvents(counts);
  const rate = burnRate(counts, target);
  const budgetMinutes = (budget * periodMs) / MINUTE_MS;
  const projectedTotal =
    elapsedMs > 0 ? (counts.total * periodMs) / elapsedMs : 0;
  const budgetEvents = budget * projectedTotal;
  let consumed = 0;
  if (counts.total > 0 && elapsedMs > 0) {
    consumed = bad / budgetEvents;
  }
  let remaining = 1 - consumed;
  if (input.previousRemaining !== undefined) {
    remaining = Math.min(remaining, input.previousRemaining);
    consumed = 1 - remaining;
  }
  const current =
    input.currentBurnRate === undefined ? rate : input.currentBurnRate;
  return {
    sli: sliValue(counts),
    errorRatio: errorRatio(counts),
    errorBudget: budget,
    budgetMinutes,
    budgetEvents,
    consumedEvents: bad,
    consumed,
    remaining,
    remainingEvents: remaining * budgetEvents,
    remainingMinutes: remaining * budgetMinutes,
    burnRate: rate,
    timeToExhaustionMs: timeToExhaustion(remaining, current, periodMs),
  };
}

/**
 * Time until a remaining budget (a fraction of the period's budget) is spent at a burn rate:
 * `remaining x period / burnRate`. 0 when nothing remains, null when nothing burns.
 */
export function timeToExhaustion(
  remaining: number,
  currentBurnRate: number | null,
  periodMs: number,
): number | null {
  if (remaining <= 0) return 0;
  if (currentBurnRate === null || !(currentBurnRate > 0)) return null;
  return (remaining * periodMs) / currentBurnRate;
}

/**
 * Sums event counts of several buckets: the way to combine windows (never average their
 * ratios).
 * @public
 */
export function sumCounts(buckets: Iterable<EventCounts>): EventCounts {
  let good = 0;
  let total = 0;
  for (const bucket of buckets) {
    good += bucket.good;
    total += bucket.total;
  }
  return { good, total };
}
