import { InvalidArgumentError } from 'commander';
import {
  DURATION_SHORTHAND_HINT,
  parseDuration,
  percentToRatio,
  sloPeriodProblem,
} from '@airworthy/plugin-operability-common';

/** `--target 0.999` or `--target 99.9%`: a ratio in [0, 1). */
export function parseTarget(value: string): number {
  const percent = /^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$/.exec(value);
  const target = percent ? percentToRatio(Number(percent[1])) : Number(value);
  if (
    !/\S/.test(value) ||
    !Number.isFinite(target) ||
    target < 0 ||
    target >= 1
  ) {
    throw new InvalidArgumentError(
      'must be a ratio in [0, 1) such as 0.999, or a percentage such as 99.9%',
    );
  }
  return target;
}

/** `--elapsed 12d`: an OpenSLO duration shorthand, returned as written. */
export function parseDurationOption(value: string): string {
  if (!parseDuration(value)) {
    throw new InvalidArgumentError(`must be ${DURATION_SHORTHAND_HINT}`);
  }
  return value;
}

/**
 * `--period 30d`, `--sloth-period 28d`: a duration in the range of SLO periods that the files,
 * the API and the editor accept (1m to 400d), returned as written.
 */
export function parsePeriodOption(value: string): string {
  const parsed = parseDuration(value);
  if (!parsed) {
    throw new InvalidArgumentError(`must be ${DURATION_SHORTHAND_HINT}`);
  }
  const problem = sloPeriodProblem(parsed.ms);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
}

/** `--good 999500`: a count of events, a number >= 0. */
export function parseCount(value: string): number {
  const count = Number(value);
  if (
    !/^\s*[0-9.eE+]+\s*$/.test(value) ||
    !Number.isFinite(count) ||
    count < 0
  ) {
    throw new InvalidArgumentError('must be a number of events, 0 or more');
  }
  return count;
}

/** `--label role=alert-rules`, repeatable. */
export function collectLabel(
  value: string,
  labels: Record<string, string> = {},
): Record<string, string> {
  const match = /^([a-zA-Z_][a-zA-Z0-9_./-]*)=(.*)$/.exec(value);
  if (!match) {
    throw new InvalidArgumentError('must be NAME=VALUE, e.g. role=alert-rules');
  }
  return { ...labels, [match[1]]: match[2] };
}
