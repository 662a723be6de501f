import {
  metricSourcesOf,
  type Slo,
  type SloMetricSource,
} from '@airworthy/plugin-operability-common';
import type {
  SliCollectionRequest,
  SliSource,
  SliSourceBucket,
  SliSourceChunk,
} from '@airworthy/plugin-operability-node';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import pLimit from 'p-limit';
import {
  PrometheusClient,
  type PrometheusInstance,
  type RangeSeries,
} from './PrometheusClient';
import { buildBucketQueries, type BucketQuery } from './queries';

/** Settings of the Prometheus SLI source (`operability.prometheus`). */
export interface PrometheusSourceConfig {
  instances: PrometheusInstance[];
  /** The instance of metric sources that name no DataSource. */
  defaultInstance?: string;
  /** Most points of one `query_range` (Prometheus refuses more than 11,000). */
  maxPointsPerRequest: number;
  /** Requests at a time per instance. */
  concurrency: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** Sampling step of values per instant (gauges, raw ratios, thresholds); default the bucket width. */
  sampleIntervalMs?: number;
}

function readMs(config: Config, key: string, fallback: number): number {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;
}

/** Reads `operability.prometheus`. */
export function readPrometheusConfig(root: Config): PrometheusSourceConfig {
  const config = root.getOptionalConfig('operability.prometheus');
  const instances = (config?.getOptionalConfigArray('instances') ?? []).map(
    instance => {
      const name = instance.getString('name');
      const baseUrl = instance.getString('baseUrl');
      const headers: Record<string, string> = {};
      const headerConfig = instance.getOptionalConfig('headers');
      for (const key of headerConfig?.keys() ?? []) {
        headers[key] = headerConfig!.getString(key);
      }
      const token = instance.getOptionalString('bearerToken');
      if (token) headers.Authorization = `Bearer ${token}`;
      return { name, baseUrl, headers };
    },
  );
  const names = new Set<string>();
  for (const { name } of instances) {
    if (names.has(name)) {
      throw new Error(
        `operability.prometheus.instances: the name ${name} is used twice`,
      );
    }
    names.add(name);
  }
  const defaultInstance = config?.getOptionalString('defaultInstance');
  if (defaultInstance && !names.has(defaultInstance)) {
    throw new Error(
      `operability.prometheus.defaultInstance: no instance is named ${defaultInstance}`,
    );
  }
  const maxPointsPerRequest =
    config?.getOptionalNumber('maxPointsPerRequest') ?? 11_000;
  if (
    !Number.isInteger(maxPointsPerRequest) ||
    maxPointsPerRequest < 1 ||
    maxPointsPerRequest > 11_000
  ) {
    throw new Error(
      'operability.prometheus.maxPointsPerRequest: must be a whole number from 1 to 11000',
    );
  }
  return {
    instances,
    defaultInstance,
    maxPointsPerRequest,
    concurrency: config?.getOptionalNumber('concurrency') ?? 2,
    timeoutMs: config ? readMs(config, 'timeout', 30_000) : 30_000,
    retries: config?.getOptionalNumber('retries') ?? 3,
    backoffMs: config ? readMs(config, 'backoff', 1_000) : 1_000,
    sampleIntervalMs:
      config && config.has('sampleInterval')
        ? readMs(config, 'sampleInterval', 60_000)
        : undefined,
  };
}

function normalizeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

/** Sums the series of a range query per evaluation time (unix seconds); NaN and infinities are no data. */
function sumByTime(series: RangeSeries[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (const s of series) {
    for (const [t, v] of s.values) {
      const value = Number(v);
      if (!Number.isFinite(value)) continue;
      sums.set(t, (sums.get(t) ?? 0) + value);
    }
  }
  return sums;
}

/**
 * SLI data from Prometheus: for each SLO whose metric sources are of type Prometheus, the
 * per-bucket counts of its queries, read with `query_range` in chunks of at most
 * `maxPointsPerRequest` points. Only configured instances are called.
 */
export class PrometheusSliSource implements SliSource {
  readonly id = 'prometheus';
  private readonly clients: Map<string, PrometheusClient>;

  constructor(
    private readonly config: PrometheusSourceConfig,
    options: { fetch?: typeof fetch } = {},
  ) {
    this.clients = new Map(
      config.instances.map(instance => {
        const limit = pLimit(config.concurrency);
        return [
          instance.name,
          new PrometheusClient(instance, {
            timeoutMs: config.timeoutMs,
            retries: config.retries,
            backoffMs: config.backoffMs,
            limit: fn => limit(fn),
            fetch: options.fetch,
          }),
        ];
      }),
    );
  }

  static fromConfig(config: Config): PrometheusSliSource {
    return new PrometheusSliSource(readPrometheusConfig(config));
  }

  /** Names of the configured instances. */
  instanceNames(): string[] {
    return [...this.clients.keys()];
  }

  /**
   * Prometheus SLOs, once at least one instance is configured: without any, the SLOs are left
   * to other sources (e.g. the demo's generated data) rather than failing on every run. With
   * instances configured, an SLO naming an unknown one is claimed and fails with a message
   * that says what to configure.
   */
  supports(slo: Slo): boolean {
    const sources = metricSourcesOf(slo.indicator);
    return (
      this.clients.size > 0 &&
      sources.length > 0 &&
      sources.every(s => s.type.toLocaleLowerCase('en-US') === 'prometheus')
    );
  }

  /** A Prometheus SLO while no instance is configured: what to configure. */
  unsupportedReason(slo: Slo): string | undefined {
    const sources = metricSourcesOf(slo.indicator);
    const prometheus =
      sources.length > 0 &&
      sources.every(s => s.type.toLocaleLowerCase('en-US') === 'prometheus');
    if (!prometheus || this.clients.size > 0) return undefined;
    return 'No Prometheus instance is configured: add the Prometheus server that holds these metrics under operability.prometheus.instances';
  }

  /** The configured instance a metric source names, or an error saying what to configure. */
  clientFor(source: SloMetricSource): PrometheusClient {
    const configured = [...this.clients.keys()];
    const list = configured.length ? configured.join(', ') : 'none';
    const dataSource = source.dataSource;
    if (dataSource) {
      const byName = this.clients.get(dataSource.name);
      if (byName) return byName;
      const url = dataSource.connectionDetails?.url;
      if (typeof url === 'string') {
        const wanted = normalizeUrl(url);
        for (const client of this.clients.values()) {
          if (normalizeUrl(client.instance.baseUrl) === wanted) return client;
        }
      }
      throw new Error(
        `The DataSource ${dataSource.name} is not a configured Prometheus instance; add it under operability.prometheus.instances (configured: ${list})`,
      );
    }
    const fallback =
      this.config.defaultInstance ??
      (configured.length === 1 ? configured[0] : undefined);
    if (!fallback) {
      throw new Error(
        configured.length
          ? `The metric source names no DataSource and several Prometheus instances are configured (${list}); set metricSourceRef or operability.prometheus.defaultInstance`
          : 'No Prometheus instance is configured: add one under operability.prometheus.instances',
      );
    }
    return this.clients.get(fallback)!;
  }

  async *collect(request: SliCollectionRequest): AsyncIterable<SliSourceChunk> {
    const { target, from, to, bucketMs, signal } = request;
    const queries = buildBucketQueries(
      target.slo,
      bucketMs,
      this.config.sampleIntervalMs ?? bucketMs,
    );
    const chunkMs = this.config.maxPointsPerRequest * bucketMs;
    for (let chunkFrom = from; chunkFrom < to; chunkFrom += chunkMs) {
      const chunkTo = Math.min(to, chunkFrom + chunkMs);
      // The value at t counts the bucket that ends at t: points are bucket ends.
      const run = (query: BucketQuery) =>
        this.clientFor(query.source)
          .queryRange(
            query.promql,
            (chunkFrom + bucketMs) / 1000,
            chunkTo / 1000,
            bucketMs / 1000,
            signal,
          )
          .then(sumByTime);
      const [part, total] = await Promise.all([
        run((queries.good ?? queries.bad)!),
        run(queries.total),
      ]);
      const buckets: SliSourceBucket[] = [];
      for (const [t, totalValue] of [...total].sort((a, b) => a[0] - b[0])) {
        const all = Math.max(0, totalValue);
        const measured = part.get(t) ?? 0;
        const good = queries.good ? measured : all - measured;
        buckets.push({
          start: t * 1000 - bucketMs,
          // increase() extrapolates, so good may come out a little above total or below 0.
          good: Math.min(all, Math.max(0, good)),
          total: all,
        });
      }
      yield { from: chunkFrom, to: chunkTo, buckets };
    }
  }
}
