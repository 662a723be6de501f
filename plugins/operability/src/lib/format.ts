/**
 * How figures are written for people: percentages, durations, burn rates, instants. Pure
 * functions, no DOM; every component writes numbers through these.
 */
import {
  formatDurationHuman,
  overspentBudgets,
  TIME,
  tidyNumber,
} from '@airworthy/plugin-operability-common';

/** What is shown where a figure has no value (no data, no events). */
export const NO_VALUE = '–';

/**
 * A ratio as a percentage with at most `digits` decimals and no trailing zeros:
 * 0.98 is `98%`, 0.9995 is `99.95%`, 0.123456 is `12.35%`. Null or non-finite is `–`.
 */
export function formatPercent(
  ratio: number | null | undefined,
  digits = 2,
): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) {
    return NO_VALUE;
  }
  const percent = tidyNumber(ratio * 100);
  return `${trimZeros(percent.toFixed(digits))}%`;
}

/** An SLO target as people write it: 0.999 is `99.9%`, 0.99995 is `99.995%`. */
export function formatTarget(target: number): string {
  return formatPercent(target, 4);
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * A number with at most `digits` decimals, without trailing zeros and with thousands
 * separators: 1234.5 is `1,234.5`, 14.4 is `14.4`.
 */
export function formatNumber(
  value: number | null | undefined,
  digits = 2,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return NO_VALUE;
  }
  return tidyNumber(value).toLocaleString('en-US', {
    maximumFractionDigits: digits,
  });
}

/** A burn rate: `14.4×`; `–` without data. */
export function formatBurnRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) {
    return NO_VALUE;
  }
  return `${formatNumber(rate, Math.abs(rate) < 100 ? 2 : 1)}×`;
}

/** A duration in milliseconds for people: `13h 26m`, `5d 14h`; seconds only under an hour. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return NO_VALUE;
  if (!Number.isFinite(ms)) return 'never';
  const abs = Math.abs(ms);
  // Above an hour, seconds are noise; above 10 days, so are minutes.
  let unit: number = TIME.SECOND;
  if (abs >= 10 * TIME.DAY) unit = TIME.HOUR;
  else if (abs >= TIME.HOUR) unit = TIME.MINUTE;
  return formatDurationHuman(Math.round(ms / unit) * unit);
}

/** A duration in minutes (budgets are counted in minutes): `806.4` is `13h 26m`. */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return NO_VALUE;
  return formatDuration(minutes * TIME.MINUTE);
}

/** A duration in seconds (MTTA, MTTR). */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return NO_VALUE;
  return formatDuration(seconds * TIME.SECOND);
}

/**
 * An instant in UTC, to the minute: `2026-11-03 10:05 UTC`. UTC keeps the figures the same for
 * everyone looking at an incident together.
 */
export function formatInstant(
  instant: string | number | null | undefined,
): string {
  if (instant === null || instant === undefined) return NO_VALUE;
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return NO_VALUE;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A date in UTC: `2026-11-03`. */
export function formatDate(instant: string | number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '';
}

/** How far an instant is from now: `in 3d 4h`, `2h 5m ago`, `now`. */
export function formatRelative(instantMs: number, nowMs: number): string {
  const delta = instantMs - nowMs;
  if (Math.abs(delta) < TIME.MINUTE) return 'now';
  const text = formatDuration(Math.abs(delta));
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** `1 incident`, `3 incidents`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count, 0)} ${count === 1 ? one : many}`;
}

/**
 * What is left of a budget: `62.5% left`, or once spent `Exhausted` with how far it is
 * overspent as a multiple of the budget: `Exhausted: overspent 3.5×` (-2.5 remaining means
 * 3.5 budgets spent). `–` without a value.
 */
export function formatBudgetLeft(
  remaining: number | null | undefined,
  digits = 1,
): string {
  if (
    remaining === null ||
    remaining === undefined ||
    !Number.isFinite(remaining)
  ) {
    return NO_VALUE;
  }
  if (remaining > 0) return `${formatPercent(remaining, digits)} left`;
  const overspent = overspentBudgets(remaining);
  return overspent === null
    ? 'Exhausted'
    : `Exhausted: overspent ${formatNumber(overspent, 1)}×`;
}

/** A budget's remaining share as a short cell: `62.5%`, `Exhausted (3.5×)`. */
export function formatBudgetCell(
  remaining: number | null | undefined,
  digits = 1,
): string {
  if (
    remaining === null ||
    remaining === undefined ||
    !Number.isFinite(remaining)
  ) {
    return NO_VALUE;
  }
  if (remaining > 0) return formatPercent(remaining, digits);
  const overspent = overspentBudgets(remaining);
  return overspent === null
    ? 'Exhausted'
    : `Exhausted (${formatNumber(overspent, 1)}×)`;
}

/** The tone of a remaining budget: spent, low (under 25%) or fine. */
export function budgetTone(
  remaining: number | null | undefined,
): 'error' | 'warning' | 'success' | 'neutral' {
  if (remaining === null || remaining === undefined) return 'neutral';
  if (remaining <= 0) return 'error';
  if (remaining < 0.25) return 'warning';
  return 'success';
}

/**
 * A name cut where it may wrap without breaking a word: between the words of CamelCase
 * (`JupyterhubErrorBudgetBurn` -> `Jupyterhub`, `Error`, `Budget`, `Burn`), before an
 * acronym's last capital (`HTTPErrors` -> `HTTP`, `Errors`) and after `_ - . / :`. Joined, the
 * pieces are the text again.
 */
export function wrapPieces(text: string): string[] {
  return text
    .split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[_\-./:])/)
    .filter(Boolean);
}
