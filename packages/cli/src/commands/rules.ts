import { Command, Option } from 'commander';
import {
  generatePrometheusRules,
  parseSloFiles,
  rulesToYaml,
} from '@airworthy/plugin-operability-common';
import { readSloFiles } from '../files';
import { collectLabel, parsePeriodOption } from '../options';
import { CommandContext, EXIT_INVALID, EXIT_OK, problemLine } from './context';

interface RulesOptions {
  format: 'prometheus' | 'prometheus-operator';
  slothPeriod: string;
  runbookUrl?: string;
  ruleLabel?: Record<string, string>;
  name?: string;
  namespace?: string;
  label?: Record<string, string>;
}

export function registerRules(program: Command, ctx: CommandContext) {
  program
    .command('rules')
    .description(
      'Print Prometheus recording and alerting rules for the SLOs of the files (YAML on stdout).',
    )
    .argument('<files...>', 'SLO files, or directories of .yaml/.yml files')
    .addOption(
      new Option(
        '--format <format>',
        'a rule file, or PrometheusRule resources (one per Sloth PrometheusServiceLevel, as Sloth writes them; one named --name for the other SLOs)',
      )
        .choices(['prometheus', 'prometheus-operator'])
        .default('prometheus'),
    )
    .option(
      '--runbook-url <template>',
      'runbook URL of SLOs that name none; {service} and {slo} are replaced',
    )
    .option(
      '--rule-label <name=value>',
      "a label added to every recording rule, as Sloth's --extra-labels (repeatable)",
      collectLabel,
    )
    .option('--name <name>', 'PrometheusRule metadata.name', 'airworthy-slos')
    .option('--namespace <namespace>', 'PrometheusRule metadata.namespace')
    .option(
      '--label <name=value>',
      'a PrometheusRule metadata label, e.g. role=alert-rules (repeatable)',
      collectLabel,
    )
    .option(
      '--sloth-period <duration>',
      'period of Sloth specs and OpenSLO v1alpha SLOs that write none',
      parsePeriodOption,
      '30d',
    )
    .addHelpText(
      'after',
      '\nExit code 1 (and no rules) when a file is invalid. SLOs that get no rules, or no runbook, are named on stderr.',
    )
    .action(async (paths: string[], options: RulesOptions) => {
      const files = await readSloFiles(paths);
      const result = parseSloFiles(files, { slothPeriod: options.slothPeriod });
      if (result.errors.length) {
        for (const error of result.errors) ctx.io.err(problemLine(error));
        ctx.setExitCode(EXIT_INVALID);
        return;
      }
      const generation = generatePrometheusRules(result.slos, {
        runbookUrl: options.runbookUrl,
        labels: options.ruleLabel,
      });
      const { warnings } = generation;
      for (const warning of warnings) {
        ctx.io.err(
          `${warning.file}:${warning.document}: warning: SLO ${warning.ref}: ${warning.message}\n`,
        );
      }
      ctx.io.out(
        rulesToYaml(generation, {
          format: options.format,
          name: options.name,
          namespace: options.namespace,
          labels: options.label,
        }),
      );
      ctx.setExitCode(EXIT_OK);
    });
}
