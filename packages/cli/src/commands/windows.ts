import { Command } from 'commander';
import {
  DEFAULT_BURN_RATE_POLICY,
  durationToMs,
  errorBudget,
  multiwindowTable,
} from '@airworthy/plugin-operability-common';
import { num, percent, table } from '../format';
import { parsePeriodOption, parseTarget } from '../options';
import type { CommandContext } from './context';

export function registerWindows(program: Command, ctx: CommandContext) {
  program
    .command('windows')
    .description(
      'Print the multiwindow, multi-burn-rate alert table (SRE workbook) of an SLO period.',
    )
    .requiredOption(
      '--period <duration>',
      'the SLO period, e.g. 28d or 30d',
      parsePeriodOption,
    )
    .option(
      '--target <ratio>',
      'the objective (0.999 or 99.9%), for error-ratio thresholds',
      parseTarget,
    )
    .option('--json', 'print an array of objects')
    .action((options: { period: string; target?: number; json?: boolean }) => {
      const rows = multiwindowTable(
        durationToMs(options.period),
        options.target,
      );
      if (rows.length === 0) {
        const shortest = DEFAULT_BURN_RATE_POLICY.map(r => r.longWindow)
          .map(w => [w, durationToMs(w)] as const)
          .sort((a, b) => a[1] - b[1])[0][0];
        const why = `no burn-rate alert fits a ${options.period} period: every long window (the shortest is ${shortest}) is longer than the period, so no alert could ever be met; use a period of ${shortest} or more\n`;
        if (options.json) {
          ctx.io.out('[]\n');
          ctx.io.err(why);
        } else {
          ctx.io.out(why);
        }
        return;
      }
      if (options.json) {
        const json = rows.map(row => ({
          severity: row.severity,
          longWindow: row.longWindow,
          shortWindow: row.shortWindow,
          burnRateFactor: row.burnRateFactor,
          budgetConsumed: row.budgetConsumed,
          ...(row.errorRatioThreshold === undefined
            ? {}
            : { errorRatioThreshold: row.errorRatioThreshold }),
        }));
        ctx.io.out(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const target = options.target;
      ctx.io.out(
        `Multiwindow, multi-burn-rate alerts for a ${options.period} period${
          target === undefined
            ? ''
            : `, target ${percent(target)} (error budget ${percent(
                errorBudget(target),
              )})`
        }\n\n`,
      );
      const header = [
        'severity',
        'long window',
        'short window',
        'budget consumed',
        'burn-rate factor',
      ];
      if (target !== undefined) header.push('error-ratio threshold');
      ctx.io.out(
        table([
          header,
          ...rows.map(row => {
            const cells = [
              row.severity,
              row.longWindow,
              row.shortWindow,
              percent(row.budgetConsumed),
              num(row.burnRateFactor),
            ];
            if (row.errorRatioThreshold !== undefined) {
              cells.push(percent(row.errorRatioThreshold));
            }
            return cells;
          }),
        ]),
      );
      ctx.io.out(
        '\nAn alert fires when the error ratio of both windows exceeds factor x (1 - target).\n',
      );
    });
}
