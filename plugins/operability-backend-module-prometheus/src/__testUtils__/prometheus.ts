import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** Why the Prometheus binaries cannot be used here, or undefined when they can. */
export function prometheusMissing(): string | undefined {
  for (const bin of [PROMETHEUS, PROMTOOL]) {
    if (!fs.existsSync(bin)) {
      return `${bin} is not installed (Debian: apt-get install -y prometheus; or set PROMETHEUS_BIN and PROMTOOL_BIN)`;
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
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

/** A Prometheus server on a loopback port over history backfilled from OpenMetrics text. */
export interface TestPrometheus {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Backfills `openMetrics` into TSDB blocks with `promtool tsdb create-blocks-from
 * openmetrics` and starts `prometheus` on them, on a free loopback port, without scrape
 * targets. Resolves when `/-/ready` answers.
 */
export async function startPrometheus(
  openMetrics: string,
): Promise<TestPrometheus> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'airworthy-prom-'));
  const input = path.join(dir, 'history.om');
  const data = path.join(dir, 'data');
  const config = path.join(dir, 'prometheus.yml');
  await fsp.writeFile(input, openMetrics);
  await fsp.writeFile(config, 'global:\n  scrape_interval: 1m\n');
  await promisify(execFile)(PROMTOOL, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    input,
    data,
  ]);

  const port = await freePort();
  const log: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', chunk => log.push(String(chunk)));
  child.stderr?.on('data', chunk => log.push(String(chunk)));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not become ready:\n${log.join('')}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** One series as OpenMetrics sample lines: `name{labels} value timestamp` (seconds). */
export function openMetricsSeries(
  name: string,
  labels: Record<string, string>,
  samples: Array<[number, number]>,
): string {
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return samples
    .map(([tMs, value]) => `${name}{${labelText}} ${value} ${tMs / 1000}`)
    .join('\n');
}
