import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { TRAFFIC } from './scenario';
import { TIME } from '@airworthy/plugin-operability-common';
import { hash01, minuteCounts } from './traffic';

type Labels = Record<string, string>;

/**
 * How a demo SLO's events appear in Prometheus: the series that the queries of its file in
 * `examples/slos` read.
 * - `counter`: two cumulative counters, one of good events and one of bad events, that
 *   differ only in `good` / `bad` labels (`code="200"` / `code="500"`);
 * - `histogram`: a latency histogram whose bucket `le` counts the good events and whose
 *   `+Inf` bucket and `_count` count all of them;
 * - `probes`: one gauge series per probe (`cluster`), 1 when the probe of that minute
 *   succeeded, 0 when it failed;
 * - `threshold`: one gauge, good while under `threshold`.
 *
 * @public
 */
export type DemoMetric =
  | {
      kind: 'counter';
      family: string;
      labels: Record<string, string>;
      good: Record<string, string>;
      bad: Record<string, string>;
    }
  | {
      kind: 'histogram';
      family: string;
      labels: Record<string, string>;
      le: string;
    }
  | { kind: 'probes'; family: string; labels: Record<string, string> }
  | {
      kind: 'threshold';
      family: string;
      labels: Record<string, string>;
      threshold: number;
    };

const HTTP_REQUESTS = 'http_requests';
const HTTP_DURATION = 'http_request_duration_seconds';
const PROBE_SUCCESS = 'probe_success';

const requests = (labels: Labels): DemoMetric => ({
  kind: 'counter',
  family: HTTP_REQUESTS,
  labels,
  good: { code: '200' },
  bad: { code: '500' },
});
const latency = (service: string, le: string): DemoMetric => ({
  kind: 'histogram',
  family: HTTP_DURATION,
  labels: { service },
  le,
});
const probes = (service: string): DemoMetric => ({
  kind: 'probes',
  family: PROBE_SUCCESS,
  labels: { service },
});

/** The Prometheus series of every demo SLO, by the SLO's `metadata.name`. @public */
export const DEMO_METRICS: Record<string, DemoMetric> = {
  'jupyterhub-availability': probes('jupyterhub'),
  'trino-availability': probes('trino'),
  'cloudbeaver-availability': probes('cloudbeaver'),
  'thanos-query-availability': probes('thanos'),
  'website-availability': probes('website'),
  'kafka-consumer-lag': {
    kind: 'threshold',
    family: 'kafka_consumergroup_lag',
    labels: { service: 'kafka', group: 'ingestion' },
    threshold: 1000,
  },
  'jupyterhub-hub-latency': latency('jupyterhub', '1'),
  'trino-query-latency': latency('trino', '10'),
  'thanos-query-latency': latency('thanos', '2'),
  'odh-dashboard-availability': requests({ service: 'odh-dashboard' }),
  'superset-availability': requests({ service: 'superset' }),
  'kafka-produce-availability': requests({ service: 'kafka' }),
  'prometheus-query-availability': requests({ service: 'prometheus' }),
  'grafana-availability': requests({ service: 'grafana' }),
  'loki-push-availability': requests({ service: 'loki', route: 'push' }),
  'argocd-api-availability': requests({ service: 'argocd' }),
  'vault-availability': requests({ service: 'vault' }),
  'keycloak-login-availability': requests({ service: 'keycloak' }),
  'ceph-s3-availability': requests({ service: 'ceph-rgw' }),
  'kfp-tekton-pipeline-success': {
    kind: 'counter',
    family: 'pipeline_runs',
    labels: { service: 'kfp-tekton' },
    good: { status: 'succeeded' },
    bad: { status: 'platform-error' },
  },
  'prow-tide-sync': {
    kind: 'counter',
    family: 'tide_syncs',
    labels: { service: 'prow' },
    good: { result: 'success' },
    bad: { result: 'error' },
  },
};

/** The clusters that probe a service, one probe series each (the first fails first). */
const PROBE_CLUSTERS = ['smaug', 'osc-cl1', 'infra', 'rick'];

const FAMILY_HELP: Record<string, { type: string; help: string }> = {
  [HTTP_REQUESTS]: { type: 'counter', help: 'HTTP requests by status code.' },
  [HTTP_DURATION]: {
    type: 'histogram',
    help: 'HTTP request latency in seconds.',
  },
  [PROBE_SUCCESS]: {
    type: 'gauge',
    help: 'Whether the blackbox probe of a minute succeeded.',
  },
  kafka_consumergroup_lag: {
    type: 'gauge',
    help: 'Largest lag of a consumer group, in messages.',
  },
  pipeline_runs: { type: 'counter', help: 'Pipeline runs by final status.' },
  tide_syncs: { type: 'counter', help: 'Tide sync loops by result.' },
};

/**
 * What to export: the minutes of `[from, to)` (rounded down to minutes) of some demo SLOs.
 * @public
 */
export interface DemoOpenMetricsOptions {
  from: number;
  to: number;
  /** The anchor of the demo's story (see `DemoSliSource`): outages are offsets from it. */
  anchor: number;
  /** `metadata.name`s of the SLOs to export; default all of `DEMO_METRICS`. */
  sloNames?: string[];
}

/** What was written. @public */
export interface DemoOpenMetricsStats {
  series: number;
  samples: number;
  bytes: number;
}

function labelText(labels: Labels): string {
  return Object.entries(labels)
    .map(
      ([k, v]) =>
        `${k}="${v
          .replace(/\\/g, '\\\\')
          .replace(/"/g, '\\"')
          .replace(/\n/g, '\\n')}"`,
    )
    .join(',');
}

/** Buffers lines and writes them in large chunks, waiting when the stream asks to. */
class ChunkWriter {
  private buffer = '';
  bytes = 0;
  samples = 0;

  constructor(private readonly out: Writable) {}

  line(text: string, sample = true): void {
    this.buffer += `${text}\n`;
    if (sample) this.samples++;
  }

  /** Whether enough is buffered to write a chunk. */
  get full(): boolean {
    return this.buffer.length >= 256 * 1024;
  }

  /**
   * One series: `count` samples of `name{labels}`, the i-th at `first + i` minutes with
   * `valueAt(i)`.
   */
  async series(
    name: string,
    labels: string,
    first: number,
    count: number,
    valueAt: (i: number) => number,
  ): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.line(
        `${name}{${labels}} ${valueAt(i)} ${(first + i * TIME.MINUTE) / 1000}`,
      );
      if (this.full) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    this.bytes += Buffer.byteLength(chunk);
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}

/** The counts of an SLO for each minute of the range. */
function countsOf(
  sloName: string,
  from: number,
  minutes: number,
  anchor: number,
) {
  const good = new Int32Array(minutes);
  const total = new Int32Array(minutes);
  for (let i = 0; i < minutes; i++) {
    const counts = minuteCounts(sloName, from + i * TIME.MINUTE, anchor)!;
    good[i] = counts.good;
    total[i] = counts.total;
  }
  return { good, total };
}

/**
 * Writes the demo's SLI history as OpenMetrics text, for
 * `promtool tsdb create-blocks-from openmetrics`: the series that the queries of `examples/slos` read, one sample a minute per
 * series, such that Prometheus answers those queries with the demo source's counts.
 *
 * - Counters hold, at each minute boundary `t`, the events of every minute before `t` (from
 *   0 at `from`): `increase(x[1m])` at `t` is the count of the minute that ends at `t`,
 *   exactly, since samples sit on both ends of the range (no extrapolation).
 * - Gauges (probes, lag) have their sample of the minute at its middle (`:30`), so the value
 *   at the minute's end is that minute's.
 * - The consumer lag of a minute is one sample, where the demo counts four scrapes: it is
 *   over the threshold with the probability that a demo scrape of that minute is bad, so
 *   Prometheus counts a quarter of the events at (on average) the same bad share.
 *
 * Metric families are written one after the other, each series in time order, and the text
 * ends with `# EOF`. The output is written in chunks, honouring back-pressure; the stream
 * is not ended.
 *
 * @public
 */
export async function writeDemoOpenMetrics(
  out: Writable,
  options: DemoOpenMetricsOptions,
): Promise<DemoOpenMetricsStats> {
  const from = Math.floor(options.from / TIME.MINUTE) * TIME.MINUTE;
  const to = Math.floor(options.to / TIME.MINUTE) * TIME.MINUTE;
  const minutes = Math.max(0, (to - from) / TIME.MINUTE);
  const names = options.sloNames ?? Object.keys(DEMO_METRICS);
  for (const name of names) {
    if (!DEMO_METRICS[name] || !TRAFFIC[name]) {
      throw new Error(
        `${name} is not a demo SLO; known: ${Object.keys(DEMO_METRICS).join(
          ', ',
        )}`,
      );
    }
  }
  const families = new Map<string, string[]>();
  for (const name of names) {
    const family = DEMO_METRICS[name].family;
    families.set(family, [...(families.get(family) ?? []), name]);
  }

  const w = new ChunkWriter(out);
  let series = 0;
  for (const [family, sloNames] of families) {
    const { type, help } = FAMILY_HELP[family];
    w.line(`# TYPE ${family} ${type}`, false);
    w.line(`# HELP ${family} ${help}`, false);
    for (const name of sloNames) {
      const metric = DEMO_METRICS[name];
      const { good, total } = countsOf(name, from, minutes, options.anchor);
      switch (metric.kind) {
        case 'counter': {
          for (const part of ['good', 'bad'] as const) {
            // The value at the start of minute i: the events of the minutes before it.
            let value = 0;
            await w.series(
              `${family}_total`,
              labelText({ ...metric.labels, ...metric[part] }),
              from,
              minutes + 1,
              i => {
                if (i > 0) {
                  value +=
                    part === 'good' ? good[i - 1] : total[i - 1] - good[i - 1];
                }
                return value;
              },
            );
            series++;
          }
          break;
        }
        case 'histogram': {
          const labels = labelText(metric.labels);
          let fast = 0;
          let all = 0;
          for (let i = 0; i <= minutes; i++) {
            if (i > 0) {
              fast += good[i - 1];
              all += total[i - 1];
            }
            const ts = (from + i * TIME.MINUTE) / 1000;
            w.line(
              `${family}_bucket{${labels},le="${metric.le}"} ${fast} ${ts}`,
            );
            w.line(`${family}_bucket{${labels},le="+Inf"} ${all} ${ts}`);
            w.line(`${family}_count{${labels}} ${all} ${ts}`);
            if (w.full) await w.flush();
          }
          series += 3;
          break;
        }
        case 'probes': {
          const probeCount = Math.round(TRAFFIC[name].peakPerMinute);
          for (let p = 0; p < probeCount; p++) {
            // The first `bad` probes of the minute failed.
            await w.series(
              family,
              labelText({
                ...metric.labels,
                cluster: PROBE_CLUSTERS[p] ?? `probe-${p}`,
              }),
              from + 30_000,
              minutes,
              i => (p < total[i] - good[i] ? 0 : 1),
            );
            series++;
          }
          break;
        }
        case 'threshold': {
          await w.series(
            family,
            labelText(metric.labels),
            from + 30_000,
            minutes,
            i => {
              const minute = Math.floor(from / TIME.MINUTE) + i;
              const badShare = total[i] ? (total[i] - good[i]) / total[i] : 0;
              const u = hash01(name, minute, 11);
              return hash01(name, minute, 12) < badShare
                ? metric.threshold + Math.floor(u * 8 * metric.threshold)
                : Math.floor(u * 0.6 * metric.threshold);
            },
          );
          series++;
          break;
        }
        default:
          throw new Error('Unknown demo metric');
      }
    }
  }
  w.line('# EOF', false);
  await w.flush();
  return { series, samples: w.samples, bytes: w.bytes };
}

/** Options of `DemoMetricsExporter`. @public */
export interface DemoMetricsExporterOptions {
  /** Where the counters start from 0: the `from` of the history backfilled before, if any. */
  from: number;
  /** The anchor of the demo's story. */
  anchor: number;
  /** `metadata.name`s of the SLOs to export; default all of `DEMO_METRICS`. */
  sloNames?: string[];
}

/**
 * The demo's metrics as a live exporter serves them: `text(at)` is the Prometheus text
 * exposition of the series `writeDemoOpenMetrics` writes, at any instant. Counters continue
 * the backfilled history (they hold the events since `from`, and grow through each minute in
 * proportion to the time passed); gauges hold the value of the current minute. So a Prometheus
 * that scrapes it after a backfill from `from` sees one continuous history.
 * @public
 */
export class DemoMetricsExporter {
  private readonly names: string[];
  /** Per SLO: the counts of the whole minutes in `[from, minute)`. */
  private readonly totals = new Map<
    string,
    { minute: number; good: number; total: number }
  >();

  constructor(private readonly options: DemoMetricsExporterOptions) {
    this.names = options.sloNames ?? Object.keys(DEMO_METRICS);
    for (const name of this.names) {
      if (!DEMO_METRICS[name] || !TRAFFIC[name]) {
        throw new Error(`${name} is not a demo SLO`);
      }
    }
  }

  private countsBefore(name: string, minute: number) {
    const from = Math.floor(this.options.from / TIME.MINUTE) * TIME.MINUTE;
    let state = this.totals.get(name);
    if (!state || state.minute > minute) {
      state = { minute: from, good: 0, total: 0 };
    }
    for (let t = state.minute; t < minute; t += TIME.MINUTE) {
      const counts = minuteCounts(name, t, this.options.anchor)!;
      state.good += counts.good;
      state.total += counts.total;
    }
    state.minute = Math.max(state.minute, minute);
    this.totals.set(name, state);
    return state;
  }

  /** The exposition (text format 0.0.4) at `at` (ms). */
  text(at: number): string {
    const minute = Math.floor(at / TIME.MINUTE) * TIME.MINUTE;
    const share = (at - minute) / TIME.MINUTE;
    const lines: string[] = [];
    const families = new Map<string, string[]>();
    for (const name of this.names) {
      const family = DEMO_METRICS[name].family;
      families.set(family, [...(families.get(family) ?? []), name]);
    }
    for (const [family, names] of families) {
      const { type, help } = FAMILY_HELP[family];
      const exposed = type === 'counter' ? `${family}_total` : family;
      lines.push(`# HELP ${exposed} ${help}`, `# TYPE ${exposed} ${type}`);
      for (const name of names) {
        const metric = DEMO_METRICS[name];
        const before = this.countsBefore(name, minute);
        const now = minuteCounts(name, minute, this.options.anchor)!;
        const good = before.good + share * now.good;
        const total = before.total + share * now.total;
        switch (metric.kind) {
          case 'counter':
            lines.push(
              `${family}_total{${labelText({
                ...metric.labels,
                ...metric.good,
              })}} ${good}`,
              `${family}_total{${labelText({
                ...metric.labels,
                ...metric.bad,
              })}} ${total - good}`,
            );
            break;
          case 'histogram': {
            const labels = labelText(metric.labels);
            lines.push(
              `${family}_bucket{${labels},le="${metric.le}"} ${good}`,
              `${family}_bucket{${labels},le="+Inf"} ${total}`,
              `${family}_count{${labels}} ${total}`,
            );
            break;
          }
          case 'probes': {
            const probeCount = Math.round(TRAFFIC[name].peakPerMinute);
            for (let p = 0; p < probeCount; p++) {
              lines.push(
                `${family}{${labelText({
                  ...metric.labels,
                  cluster: PROBE_CLUSTERS[p] ?? `probe-${p}`,
                })}} ${p < now.total - now.good ? 0 : 1}`,
              );
            }
            break;
          }
          case 'threshold': {
            const index = Math.floor(minute / TIME.MINUTE);
            const badShare = now.total ? (now.total - now.good) / now.total : 0;
            const u = hash01(name, index, 11);
            const value =
              hash01(name, index, 12) < badShare
                ? metric.threshold + Math.floor(u * 8 * metric.threshold)
                : Math.floor(u * 0.6 * metric.threshold);
            lines.push(`${family}{${labelText(metric.labels)}} ${value}`);
            break;
          }
          default:
            throw new Error('Unknown demo metric');
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
