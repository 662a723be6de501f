import type { SloValidationError } from '@airworthy/plugin-operability-common';

/** Where a command writes; process.stdout and process.stderr in the real CLI. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What commands share: output, and the exit code to end with. */
export interface CommandContext {
  io: Io;
  setExitCode(code: number): void;
}

/** Exit codes: 0 success, 1 the input is invalid (e.g. a failing SLO file), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** `FILE:DOC:PATH: message`, leaving out what is unknown (`FILE:DOC: message`). */
export function problemLine(error: SloValidationError): string {
  const where = [error.file];
  if (error.document !== undefined) {
    where.push(String(error.document));
    if (error.path) where.push(error.path);
  }
  return `${where.join(':')}: ${error.message}\n`;
}
