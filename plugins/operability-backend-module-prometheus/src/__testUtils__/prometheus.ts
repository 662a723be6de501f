import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  backfillOpenMetrics,
  PROMETHEUS,
  PROMTOOL,
  startPrometheusOn,
} from './realLoop';

/** Why the Prometheus binaries cannot be used here, or undefined when they can. */
export function prometheusMissing(): string | undefined {
  for (const bin of [PROMETHEUS, PROMTOOL]) {
    if (!fs.existsSync(bin)) {
      return `${bin} is not installed (Debian: apt-get install -y prometheus; or set PROMETHEUS_BIN and PROMTOOL_BIN)`;
    }
  }
  return undefined;
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
  await backfillOpenMetrics(input, data, '2h');
  const server = await startPrometheusOn(data, config);
  return {
    baseUrl: server.baseUrl,
    async stop() {
      await server.stop();
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
