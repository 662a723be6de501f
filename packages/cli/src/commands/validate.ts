import { Command } from 'commander';
import { parseSloFiles } from '@airworthy/plugin-operability-common';
import { readSloFiles } from '../files';
import { parsePeriodOption } from '../options';
import { CommandContext, EXIT_INVALID, EXIT_OK, problemLine } from './context';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function registerValidate(program: Command, ctx: CommandContext) {
  program
    .command('validate')
    .description(
      'Check OpenSLO v1 files, and what Sloth reads: prometheus/v1 specs, PrometheusServiceLevel resources and OpenSLO v1alpha SLOs (references are resolved across all files given).',
    )
    .argument('<files...>', 'SLO files, or directories of .yaml/.yml files')
    .option(
      '--sloth-period <duration>',
      'period of Sloth specs and OpenSLO v1alpha SLOs that write none',
      parsePeriodOption,
      '30d',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit code 0 when every document is valid, 1 with one line per problem: FILE:DOC:PATH: message.',
    )
    .action(
      async (
        paths: string[],
        options: { slothPeriod: string; json?: boolean },
      ) => {
        const files = await readSloFiles(paths);
        const result = parseSloFiles(files, {
          slothPeriod: options.slothPeriod,
        });
        const valid = result.documents.filter(d => d.valid).length;
        const code = result.errors.length ? EXIT_INVALID : EXIT_OK;
        ctx.setExitCode(code);
        if (options.json) {
          ctx.io.out(
            `${JSON.stringify(
              {
                valid: code === EXIT_OK,
                files: files.length,
                documents: result.documents,
                slos: result.slos.map(slo => slo.ref),
                errors: result.errors,
              },
              null,
              2,
            )}\n`,
          );
          return;
        }
        if (code === EXIT_OK) {
          ctx.io.out(
            `${plural(valid, 'valid document')} in ${plural(
              files.length,
              'file',
            )} (${plural(result.slos.length, 'SLO')})\n`,
          );
          return;
        }
        for (const error of result.errors) ctx.io.out(problemLine(error));
        ctx.io.err(
          `${plural(result.errors.length, 'problem')}; ${valid} of ${plural(
            result.documents.length,
            'document',
          )} valid\n`,
        );
      },
    );
}
