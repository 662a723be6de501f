import fs from 'node:fs';
import path from 'node:path';
import { parseSloFiles, type Slo } from '@airworthy/plugin-operability-common';
import { isDemoSlo } from './traffic';

/**
 * The SLOs of a directory of SLO files (`examples/slos` in this repository) that the demo
 * serves data for; throws on any problem in the files.
 *
 * @public
 */
export function readDemoSlos(dir: string): Slo[] {
  const files = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => ({
      file: f,
      content: fs.readFileSync(path.join(dir, f), 'utf8'),
    }));
  const { slos, errors } = parseSloFiles(files);
  if (errors.length) {
    throw new Error(
      `SLO files in ${dir} have problems: ${JSON.stringify(errors)}`,
    );
  }
  return slos.filter(slo => isDemoSlo(slo.name));
}
