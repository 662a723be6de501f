import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';
export const ALERTMANAGER =
  process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

/** Why Alertmanager cannot be used here, or undefined when it can. */
export function alertmanagerMissing(): string | undefined {
  return fs.existsSync(ALERTMANAGER)
    ? undefined
    : `${ALERTMANAGER} is not installed (Debian: apt-get install -y prometheus-alertmanager; or set ALERTMANAGER_BIN)`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Backfills OpenMetrics text into TSDB blocks in `dataDir`, in blocks of up to `maxBlock`
 * (large blocks: promtool reads the whole input once per block).
 */
export async function backfillOpenMetrics(
  input: string,
  dataDir: string,
  maxBlock = '1458h',
): Promise<void> {
  await run(PROMTOOL, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    `--max-block-duration=${maxBlock}`,
    input,
    dataDir,
  ]);
}

/**
 * Evaluates the recording rules of `rulesFile` from `start` to `end` (ms) against a running
 * Prometheus and writes their results as blocks into `outDir` (`promtool tsdb
 * create-blocks-from rules`).
 */
export async function backfillRules(
  baseUrl: string,
  rulesFile: string,
  start: number,
  end: number,
  outDir: string,
): Promise<string> {
  const { stdout, stderr } = await run(
    PROMTOOL,
    [
      'tsdb',
      'create-blocks-from',
      'rules',
      `--url=${baseUrl}`,
      `--start=${start / 1000}`,
      `--end=${end / 1000}`,
      '--eval-interval=60s',
      `--output-dir=${outDir}`,
      rulesFile,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return `${stdout}${stderr}`;
}

/** Moves the blocks of `from` (a promtool output directory) into a TSDB directory. */
export async function moveBlocks(from: string, to: string): Promise<number> {
  const entries = await fsp.readdir(from, { withFileTypes: true });
  let moved = 0;
  for (const entry of entries) {
    if (entry.isDirectory() && /^[0-9A-Z]{26}$/.test(entry.name)) {
      await fsp.rename(path.join(from, entry.name), path.join(to, entry.name));
      moved++;
    }
  }
  return moved;
}

/** A server process on a loopback port, stopped by `stop`. */
export interface RunningServer {
  baseUrl: string;
  port: number;
  log(): string;
  stop(): Promise<void>;
}

/** Starts a binary with `args(port)` and waits until `readyPath` answers 200. */
export async function startServer(
  bin: string,
  args: (port: number) => string[],
  readyPath: string,
): Promise<RunningServer> {
  const port = await freePort();
  const log: string[] = [];
  const child: ChildProcess = spawn(bin, args(port), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', chunk => log.push(String(chunk)));
  child.stderr?.on('data', chunk => log.push(String(chunk)));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}${readyPath}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${bin} did not become ready:\n${log.join('')}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    port,
    log: () => log.join(''),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Prometheus on `dataDir` with `configFile`, on a free loopback port. */
export function startPrometheusOn(
  dataDir: string,
  configFile: string,
  extraArgs: string[] = [],
): Promise<RunningServer> {
  return startServer(
    PROMETHEUS,
    port => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=120d',
      '--log.level=warn',
      ...extraArgs,
    ],
    '/-/ready',
  );
}

/** One series of a range query: its labels and its samples `[ms, value]`. */
export interface RangeSeries {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

/** `query_range` from `start` to `end` (ms) every `stepMs`. */
export async function queryRange(
  baseUrl: string,
  query: string,
  start: number,
  end: number,
  stepMs: number,
): Promise<RangeSeries[]> {
  const params = new URLSearchParams({
    query,
    start: String(start / 1000),
    end: String(end / 1000),
    step: `${stepMs / 1000}s`,
  });
  const res = await fetch(`${baseUrl}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: params.toString(),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: {
      result: Array<{
        metric: Record<string, string>;
        values: Array<[number, string]>;
      }>;
    };
  };
  if (body.status !== 'success') {
    throw new Error(`query_range ${query}: ${body.error}`);
  }
  return body.data.result.map(r => ({
    labels: r.metric,
    samples: r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]),
  }));
}

/** Contiguous runs of instants (every `stepMs`) as `[first, last]` intervals. */
export function intervalsOf(
  instants: number[],
  stepMs: number,
): Array<[number, number]> {
  const sorted = [...instants].sort((a, b) => a - b);
  const intervals: Array<[number, number]> = [];
  for (const t of sorted) {
    const last = intervals.at(-1);
    if (last && t - last[1] <= stepMs) last[1] = t;
    else intervals.push([t, t]);
  }
  return intervals;
}
