import { Command } from 'commander';
import {
  durationToMs,
  BudgetReport,
  evaluateBudget,
  tidyNumber,
} from '@airworthy/plugin-operability-common';
import { UsageError } from '../files';
import { duration, num, percent } from '../format';
import {
  parseCount,
  parseDurationOption,
  parsePeriodOption,
  parseTarget,
} from '../options';
import type { CommandContext } from './context';

interface BudgetOptions {
  target: number;
  period: string;
  good: number;
  total: number;
  elapsed?: string;
  json?: boolean;
}

function timeToExhaustion(report: BudgetReport): string {
  if (report.timeToExhaustionMs === null)
    return 'never at the current burn rate';
  if (report.timeToExhaustionMs === 0) return 'now: the budget is spent';
  return `${duration(report.timeToExhaustionMs)} at burn rate ${num(
    report.burnRate!,
  )}`;
}

function tidy(value: number | null): number | null {
  return value === null ? null : tidyNumber(value);
}

export function registerBudget(program: Command, ctx: CommandContext) {
  program
    .command('budget')
    .description(
      'Compute the error budget of an Occurrences SLO from good and total event counts.',
    )
    .requiredOption(
      '--target <ratio>',
      'the objective, 0.999 or 99.9%',
      parseTarget,
    )
    .requiredOption(
      '--period <duration>',
      'the SLO period, e.g. 30d',
      parsePeriodOption,
    )
    .requiredOption('--good <count>', 'good events so far', parseCount)
    .requiredOption('--total <count>', 'all events so far', parseCount)
    .option(
      '--elapsed <duration>',
      'how much of the period the counts cover (default: all of it)',
      parseDurationOption,
    )
    .option('--json', 'print the result as JSON')
    .action((options: BudgetOptions) => {
      if (options.good > options.total) {
        throw new UsageError(
          `--good (${options.good}) cannot exceed --total (${options.total})`,
        );
      }
      const periodMs = durationToMs(options.period);
      const elapsedMs = options.elapsed
        ? durationToMs(options.elapsed)
        : periodMs;
      if (elapsedMs > periodMs) {
        throw new UsageError(
          `--elapsed (${options.elapsed}) cannot exceed --period (${options.period})`,
        );
      }
      const report = evaluateBudget({
        target: options.target,
        periodMs,
        elapsedMs,
        counts: { good: options.good, total: options.total },
      });
      if (options.json) {
        ctx.io.out(
          `${JSON.stringify(
            {
              target: options.target,
              period: options.period,
              elapsed: options.elapsed ?? options.period,
              good: options.good,
              total: options.total,
              sli: tidy(report.sli),
              errorRatio: tidy(report.errorRatio),
              errorBudget: report.errorBudget,
              budgetEvents: tidy(report.budgetEvents),
              budgetMinutes: tidy(report.budgetMinutes),
              consumedEvents: report.consumedEvents,
              consumed: tidy(report.consumed),
              remaining: tidy(report.remaining),
              remainingEvents: tidy(report.remainingEvents),
              remainingMinutes: tidy(report.remainingMinutes),
              burnRate: tidy(report.burnRate),
              timeToExhaustionMs:
                report.timeToExhaustionMs === null
                  ? null
                  : Math.round(report.timeToExhaustionMs),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const lines: Array<[string, string]> = [
        [
          'SLI',
          report.sli === null
            ? 'no data (total is 0)'
            : `${percent(report.sli)} (${options.good} good of ${
                options.total
              })`,
        ],
        [
          'Error budget',
          `${percent(report.errorBudget)} = ${num(
            report.budgetEvents,
          )} bad events over ${options.period}${
            elapsedMs < periodMs
              ? ` (the traffic of ${options.elapsed} projected to ${options.period})`
              : ''
          } = ${num(report.budgetMinutes)} minutes (${duration(
            report.budgetMinutes * 60_000,
          )})`,
        ],
        [
          'Consumed',
          `${percent(report.consumed)} (${num(
            report.consumedEvents,
          )} bad events)`,
        ],
        [
          'Remaining',
          `${percent(report.remaining)} (${num(
            report.remainingEvents,
          )} events, ${num(report.remainingMinutes)} minutes)`,
        ],
        [
          'Burn rate',
          report.burnRate === null ? 'no data' : num(report.burnRate),
        ],
        ['Time to exhaustion', timeToExhaustion(report)],
      ];
      const width = Math.max(...lines.map(([label]) => label.length));
      for (const [label, value] of lines) {
        ctx.io.out(`${label.padEnd(width)}  ${value}\n`);
      }
    });
}
