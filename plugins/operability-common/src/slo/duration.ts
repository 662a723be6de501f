import { TIME } from '../time';

const { SECOND, MINUTE, HOUR, DAY } = TIME;
/**
 * OpenSLO duration shorthands (`5m`, `28d`, `1M`) and the human and PromQL forms of durations.
 */

/** A unit of an OpenSLO duration shorthand. @public */
export type DurationUnit = 'm' | 'h' | 'd' | 'w' | 'M' | 'Q' | 'Y';

/**
 * Nominal length of each unit in milliseconds. Months, quarters and years have no fixed length:
 * their nominal lengths (30, 90 and 365 days) serve the math of rolling windows and the
 * burn-rate factors; calendar-aligned periods follow the real calendar (see `calendarPeriodAt`).
 */
export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  m: MINUTE,
  h: HOUR,
  d: DAY,
  w: 7 * DAY,
  M: 30 * DAY,
  Q: 90 * DAY,
  Y: 365 * DAY,
};

/** A parsed duration shorthand. @public */
export interface ParsedDuration {
  /** The positive integer before the unit. */
  count: number;
  unit: DurationUnit;
  /** Nominal length in milliseconds (`count` times `DURATION_UNIT_MS[unit]`). */
  ms: number;
}

const SHORTHAND = /^([1-9][0-9]{0,8})([mhdwMQY])$/;

/** Human description of the shorthand syntax, for validation messages. @public */
export const DURATION_SHORTHAND_HINT =
  'a positive whole number followed by one of m (minutes), h (hours), d (days), w (weeks), ' +
  'M (months), Q (quarters) or Y (years), e.g. 5m, 1h, 28d or 1M';

/**
 * Parses an OpenSLO duration shorthand such as `28d`; returns undefined when the text is not
 * one (units are case-sensitive: `m` is minutes, `M` months).
 * @public
 */
export function parseDuration(text: string): ParsedDuration | undefined {
  const match = SHORTHAND.exec(text);
  if (!match) {
    return undefined;
  }
  const count = Number(match[1]);
  const unit = match[2] as DurationUnit;
  return { count, unit, ms: count * DURATION_UNIT_MS[unit] };
}

/**
 * Nominal length of a duration shorthand in milliseconds; throws a TypeError naming the
 * expected syntax when the text is not a shorthand.
 * @public
 */
export function durationToMs(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed) {
    throw new TypeError(
      `"${text}" is not a duration: use ${DURATION_SHORTHAND_HINT}`,
    );
  }
  return parsed.ms;
}

/**
 * The shortest exact shorthand of a length in whole seconds using the units d, h, m and s
 * (the units PromQL and Sloth's record names use): 300000 is `5m`, 86400000 is `1d`,
 * 2592000000 is `30d`, 90000 is `90s`. Throws for lengths that are not a positive whole
 * number of seconds.
 * @public
 */
export function formatDurationShorthand(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0 || ms % SECOND !== 0) {
    throw new RangeError(`${ms} ms is not a positive whole number of seconds`);
  }
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${ms / SECOND}s`;
}

/**
 * A length for people: `16h 48m`, `43m 12s`, `30d`, `1d 2h 0m 5s` without the zero parts
 * (`1d 2h 5s`). Sub-second remainders are rounded to the nearest second; lengths under a second
 * are `0s`; negative lengths get a leading `-`.
 * @public
 */
export function formatDurationHuman(ms: number): string {
  if (!Number.isFinite(ms)) {
    return ms > 0 ? 'never' : '-never';
  }
  const sign = ms < 0 ? '-' : '';
  let seconds = Math.round(Math.abs(ms) / 1000);
  const parts: string[] = [];
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (days) parts.push(`${days}d`);
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  if (seconds) parts.push(`${seconds}s`);
  return parts.length ? sign + parts.join(' ') : '0s';
}

/**
 * A length as Prometheus writes durations (its `model.Duration` spelling, which Sloth uses in
 * record names and `sloth_window`): years and weeks only when exact, then days, hours, minutes,
 * seconds and milliseconds, each unit that is not zero. 28 days is `4w`, 30 days `30d`,
 * 7 days `1w`, 365 days `1y`, 90 minutes `1h30m`.
 * @public
 */
export function formatPrometheusDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) {
    throw new RangeError(`${ms} ms is not a whole number of milliseconds`);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  const units: Array<[string, number, boolean]> = [
    ['y', 365 * DAY, true],
    ['w', 7 * DAY, true],
    ['d', DAY, false],
    ['h', HOUR, false],
    ['m', MINUTE, false],
    ['s', 1000, false],
    ['ms', 1, false],
  ];
  for (const [unit, size, exactOnly] of units) {
    if (exactOnly && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

/**
 * The longest SLO period (time window) the engine accepts: 400 days, the longest the SLI store
 * keeps data by default (a longer budget could never be measured). Every entry point
 * (`validate`, `rules`, `windows`, the API and the editor) uses this one range, so that a
 * period that validates also gets rules; a backend whose SLI retention is shorter narrows it
 * to that retention.
 * @public
 */
export const SLO_PERIOD_MAX_MS = 400 * DAY;

/** The shortest SLO period: one minute (the resolution of SLI data). @public */
export const SLO_PERIOD_MIN_MS = MINUTE;

/** What is wrong with a period of `ms`, or undefined when it is in range. @public */
export function sloPeriodProblem(
  ms: number,
  maxMs: number = SLO_PERIOD_MAX_MS,
): string | undefined {
  if (ms < SLO_PERIOD_MIN_MS) return 'must be at least 1m';
  if (ms > maxMs) {
    return `must be at most ${formatDurationShorthand(
      maxMs,
    )}: the SLI store keeps data that long at the most, so a longer budget could not be measured`;
  }
  return undefined;
}
