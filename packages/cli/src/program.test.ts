import { spawnSync } from 'node:child_process';
import path from 'node:path';
import packageJson from '../package.json';
import { run } from './program';

const bin = path.resolve(__dirname, '../bin/airworthy');

function runBin(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function runInProcess(...args: string[]) {
  let out = '';
  let err = '';
  const code = await run(args, { out: t => (out += t), err: t => (err += t) });
  return { code, out, err };
}

describe('airworthy', () => {
  it('prints its version with --version, through the real bin', () => {
    const result = runBin('--version');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(packageJson.version);
  });

  it('prints usage with --help, through the real bin', () => {
    const result = runBin('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: airworthy [options]');
    expect(result.stdout).toContain('--version');
  });

  it('answers an unknown option with usage on stderr and exit code 2', async () => {
    const result = await runInProcess('--frobnicate');
    expect(result.code).toBe(2);
    expect(result.err).toContain("unknown option '--frobnicate'");
    expect(result.out).toBe('');
  });

  it('prints help and exits 2 when run without arguments', async () => {
    const result = await runInProcess();
    expect(result.code).toBe(2);
    expect(result.out).toContain('Usage: airworthy');
  });
});
