import fs from 'node:fs/promises';
import path from 'node:path';
import type { SloFile } from '@airworthy/plugin-operability-common';

/** An error in the command line: reported with a usage hint and exit code 2. */
export class UsageError extends Error {}

async function yamlFilesIn(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await yamlFilesIn(full)));
    } else if (/\.ya?ml$/.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

/**
 * Reads the SLO files named on the command line; a directory stands for the .yaml and .yml
 * files below it. A path that cannot be read is a usage error.
 */
export async function readSloFiles(paths: string[]): Promise<SloFile[]> {
  const files: SloFile[] = [];
  for (const name of paths) {
    let stat;
    try {
      stat = await fs.stat(name);
    } catch {
      throw new UsageError(`cannot read ${name}: no such file or directory`);
    }
    const names = stat.isDirectory() ? await yamlFilesIn(name) : [name];
    if (stat.isDirectory() && names.length === 0) {
      throw new UsageError(`${name} holds no .yaml or .yml files`);
    }
    for (const file of names) {
      try {
        files.push({ file, content: await fs.readFile(file, 'utf8') });
      } catch (error) {
        throw new UsageError(
          `cannot read ${file}: ${
            (error as NodeJS.ErrnoException).code ?? String(error)
          }`,
        );
      }
    }
  }
  return files;
}
