import { Command, CommanderError } from 'commander';
import packageJson from '../package.json';

/** Where a command writes; process.stdout and process.stderr in the real CLI. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: 0 success, 1 the input is invalid (e.g. a failing SLO file), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Builds the `airworthy` program; commands are registered here. */
export function createProgram(io: Io): Command {
  const program = new Command('airworthy')
    .description(
      'Validate OpenSLO and Sloth specs, compute error budgets and burn-rate alert windows, ' +
        'and generate Prometheus rules.',
    )
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: text => io.out(text),
      writeErr: text => io.err(text),
    })
    .exitOverride();
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const program = createProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    throw error;
  }
}
