import { Command, CommanderError } from 'commander';
import packageJson from '../package.json';
import { registerBudget } from './commands/budget';
import { GATE_EXIT, registerGate } from './commands/gate';
import { CommandContext, EXIT_OK, EXIT_USAGE, Io } from './commands/context';
import { registerRules } from './commands/rules';
import { registerValidate } from './commands/validate';
import { registerWindows } from './commands/windows';
import { UsageError } from './files';

export type { Io } from './commands/context';
export { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './commands/context';

/** Builds the `airworthy` program with its commands. */
export function createProgram(ctx: CommandContext): Command {
  const program = new Command('airworthy')
    .description(
      'Validate OpenSLO and Sloth specs, compute error budgets and burn-rate alert windows, ' +
        'and generate Prometheus rules.',
    )
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: text => ctx.io.out(text),
      writeErr: text => ctx.io.err(text),
    })
    .exitOverride();
  registerValidate(program, ctx);
  registerRules(program, ctx);
  registerWindows(program, ctx);
  registerBudget(program, ctx);
  registerGate(program, ctx);
  for (const command of program.commands) {
    command
      .helpOption('-h, --help', 'show help')
      .showHelpAfterError('(run with --help for usage)')
      .exitOverride()
      .configureOutput({
        writeOut: text => ctx.io.out(text),
        writeErr: text => ctx.io.err(text),
      });
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = createProgram({
    io,
    setExitCode: next => {
      code = next;
    },
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  // The gate's 2 means "block": a gate called wrongly cannot decide (3), it must not block.
  const usage = argv[0] === 'gate' ? GATE_EXIT.undecided : EXIT_USAGE;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      return usage;
    }
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n(run with --help for usage)\n`);
      return usage;
    }
    throw error;
  }
}
