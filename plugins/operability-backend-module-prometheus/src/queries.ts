import {
  formatDurationShorthand,
  type ComparisonOperator,
  type Slo,
  type SloMetricSource,
} from '@airworthy/plugin-operability-common';

/**
 * The PromQL of an SLO's per-bucket counts. Each query, evaluated at the end of a bucket
 * (`query_range` with `step` = bucket width), returns the events of that bucket. Exactly one
 * of `good` and `bad` is set.
 */
export interface BucketQueries {
  good?: BucketQuery;
  bad?: BucketQuery;
  total: BucketQuery;
}

/** One query and the metric source it came from (which names the Prometheus instance). */
export interface BucketQuery {
  promql: string;
  source: SloMetricSource;
}

const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/;
const PLAIN_SELECTOR =
  /^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})?\s*$/;

const OPERATORS: Record<ComparisonOperator, string> = {
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

/** A PromQL duration: `1m`, `1h`, or seconds where minutes do not divide it. */
export function promDuration(ms: number): string {
  return formatDurationShorthand(ms);
}

/** The `query` of a Prometheus metric source; throws when it has none. */
export function queryOf(source: SloMetricSource, what: string): string {
  const query = source.spec.query;
  if (typeof query !== 'string' || !query.trim()) {
    throw new Error(
      `The ${what} metric source has no Prometheus query: set spec.query to a PromQL expression`,
    );
  }
  return query.trim();
}

/**
 * Counts of events per bucket from a ratio metric's query:
 * - with Sloth's `{{.window}}` placeholder, the query is a rate over the window (Sloth's
 *   convention): the bucket width goes in and the rate is multiplied by the bucket's seconds;
 * - a counter (`counter: true`): `increase` over the bucket (a plain selector directly, any
 *   other expression as a subquery), summed over series;
 * - a value per instant (`counter: false`, e.g. `sum(probe_success)`): summed over the
 *   bucket's samples, taken every `sampleMs`.
 */
function ratioCount(
  query: string,
  counter: boolean,
  bucketMs: number,
  sampleMs: number,
): string {
  const range = promDuration(bucketMs);
  if (WINDOW_PLACEHOLDER.test(query)) {
    const withRange = query.replace(
      new RegExp(WINDOW_PLACEHOLDER.source, 'g'),
      range,
    );
    return `sum(${withRange}) * ${bucketMs / 1000}`;
  }
  if (counter) {
    return PLAIN_SELECTOR.test(query)
      ? `sum(increase(${query}[${range}]))`
      : `sum(increase((${query})[${range}:${promDuration(sampleMs)}]))`;
  }
  return `sum(sum_over_time((${query})[${sampledRange(bucketMs)}:${promDuration(
    sampleMs,
  )}]))`;
}

/**
 * The range of a subquery that samples a bucket: 1 ms short of the bucket, so that the
 * samples at step multiples fall in (start, end] whether the Prometheus version closes
 * ranges on the left (2.x) or not (3.x), and no sample counts in two buckets.
 */
function sampledRange(bucketMs: number): string {
  return `${bucketMs - 1}ms`;
}

/** Builds the per-bucket queries of an SLO's indicator. */
export function buildBucketQueries(
  slo: Slo,
  bucketMs: number,
  sampleMs: number,
): BucketQueries {
  const indicator = slo.indicator;
  const sampled = (expr: string, fn: 'sum' | 'count') =>
    `sum(${fn}_over_time((${expr})[${sampledRange(bucketMs)}:${promDuration(
      sampleMs,
    )}]))`;
  switch (indicator.type) {
    case 'ratio': {
      const count = (source: SloMetricSource, what: string): BucketQuery => ({
        promql: ratioCount(
          queryOf(source, what),
          indicator.counter,
          bucketMs,
          sampleMs,
        ),
        source,
      });
      return {
        ...(indicator.good ? { good: count(indicator.good, 'good') } : {}),
        ...(indicator.bad ? { bad: count(indicator.bad, 'bad') } : {}),
        total: count(indicator.total, 'total'),
      };
    }
    case 'raw': {
      // A precomputed ratio: each sample counts as one event, good by its value.
      const query = queryOf(indicator.raw, 'raw');
      const part: BucketQuery = {
        promql: sampled(query, 'sum'),
        source: indicator.raw,
      };
      return {
        ...(indicator.rawType === 'success' ? { good: part } : { bad: part }),
        total: { promql: sampled(query, 'count'), source: indicator.raw },
      };
    }
    case 'threshold': {
      // Each sample is one event, good when it compares with the objective's value.
      const query = queryOf(indicator.metric, 'threshold');
      const { op, value } = slo.objective;
      if (!op || value === undefined) {
        throw new Error(
          'A threshold SLO needs op and value on its objective to count good samples',
        );
      }
      return {
        good: {
          promql: sampled(`(${query}) ${OPERATORS[op]} bool ${value}`, 'sum'),
          source: indicator.metric,
        },
        total: { promql: sampled(query, 'count'), source: indicator.metric },
      };
    }
    default:
      throw new Error('Unsupported indicator type');
  }
}
