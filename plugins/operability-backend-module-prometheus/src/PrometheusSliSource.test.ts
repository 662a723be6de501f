import {
  parseSloYaml,
  type Slo,
  type SloRatioIndicator,
} from '@airworthy/plugin-operability-common';
import { ConfigReader } from '@backstage/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PrometheusSliSource,
  readPrometheusConfig,
  type PrometheusSourceConfig,
} from './PrometheusSliSource';
import { buildBucketQueries } from './queries';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE } = TIME;

// A real HTTP server answers query_range: per evaluation time, values chosen by the query.
let server: Server;
let origin: string;
let calls: Array<{
  path: string;
  query: string;
  start: number;
  end: number;
  step: number;
}>;
let valueOf: (query: string, t: number) => string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', c => {
      body += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const call = {
        path: req.url ?? '',
        query: form.get('query')!,
        start: Number(form.get('start')),
        end: Number(form.get('end')),
        step: Number(form.get('step')),
      };
      calls.push(call);
      const values: Array<[number, string]> = [];
      for (let t = call.start; t <= call.end; t += call.step) {
        const v = valueOf(call.query, t);
        if (v !== undefined) values.push([t, v]);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  calls = [];
});

function slo(indicator: string, extra = ''): Slo {
  const { slos, errors } = parseSloYaml(`${extra}apiVersion: openslo/v1
kind: SLO
metadata:
  name: s
spec:
  service: hub
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  indicator:
    metadata:
      name: i
    spec:
${indicator}
  objectives:
    - target: 0.99
`);
  if (errors.length) throw new Error(JSON.stringify(errors));
  return slos[0];
}

const badTotal = slo(`      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: errors_total
        total:
          metricSource:
            type: Prometheus
            spec:
              query: requests_total`);

function source(config: Partial<PrometheusSourceConfig> = {}) {
  return new PrometheusSliSource({
    instances: [{ name: 'smaug', baseUrl: `${origin}/prom`, headers: {} }],
    maxPointsPerRequest: 11_000,
    concurrency: 2,
    timeoutMs: 5_000,
    retries: 0,
    backoffMs: 1,
    ...config,
  });
}

async function collectAll(
  s: PrometheusSliSource,
  target: Slo,
  from: number,
  to: number,
) {
  const chunks = [];
  for await (const chunk of s.collect({
    target: { id: 'x', entityRef: 'component:default/hub', slo: target },
    from,
    to,
    bucketMs: MINUTE,
  })) {
    chunks.push(chunk);
  }
  return chunks;
}

describe('PrometheusSliSource', () => {
  it('collects in chunks of at most maxPointsPerRequest points, at bucket ends', async () => {
    valueOf = (query, t) => {
      if (query.includes('requests_total')) return '10';
      return t % 120 === 0 ? '1' : '0';
    };
    const from = Date.UTC(2026, 10, 24);
    const to = from + 1000 * MINUTE;
    const chunks = await collectAll(
      source({ maxPointsPerRequest: 400 }),
      badTotal,
      from,
      to,
    );

    expect(chunks.map(c => [c.from, c.to])).toEqual([
      [from, from + 400 * MINUTE],
      [from + 400 * MINUTE, from + 800 * MINUTE],
      [from + 800 * MINUTE, to],
    ]);
    // Two queries (bad and total) per chunk, each at most 400 points, together covering the range.
    expect(calls).toHaveLength(6);
    for (const call of calls) {
      expect(call.path).toBe('/prom/api/v1/query_range');
      expect((call.end - call.start) / call.step + 1).toBeLessThanOrEqual(400);
    }
    expect(calls[0]).toMatchObject({
      start: from / 1000 + 60,
      end: from / 1000 + 400 * 60,
      step: 60,
    });
    const buckets = chunks.flatMap(c => c.buckets);
    expect(buckets).toHaveLength(1000);
    // The value at t is the bucket that ends at t; bad every other minute.
    expect(buckets[0]).toEqual({ start: from, good: 10, total: 10 });
    expect(buckets[1]).toEqual({ start: from + MINUTE, good: 9, total: 10 });
  });

  it('skips buckets without total, and clamps extrapolated counts into [0, total]', async () => {
    valueOf = (query, t) => {
      const minute = (t % 3600) / 60;
      if (query.includes('requests_total')) {
        const totals: Record<number, string | undefined> = {
          2: 'NaN',
          3: undefined,
        };
        return minute in totals ? totals[minute] : '10';
      }
      return minute === 1 ? '10.4' : '-0.2';
    };
    const from = Date.UTC(2026, 10, 24);
    const [chunk] = await collectAll(
      source(),
      badTotal,
      from,
      from + 4 * MINUTE,
    );
    expect(chunk.buckets).toEqual([
      { start: from, good: 0, total: 10 },
      { start: from + 3 * MINUTE, good: 10, total: 10 },
    ]);
  });

  it('supports Prometheus SLOs only, and names the instance to configure', async () => {
    const s = source();
    expect(s.supports(badTotal)).toBe(true);
    const datadog = slo(`      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Datadog
            spec:
              query: a
        total:
          metricSource:
            type: Datadog
            spec:
              query: b`);
    expect(s.supports(datadog)).toBe(false);
    // Without any configured instance, Prometheus SLOs are left to other sources, and the
    // source says what to configure for them (and nothing about other SLOs).
    const unconfigured = source({ instances: [] });
    expect(unconfigured.supports(badTotal)).toBe(false);
    expect(unconfigured.unsupportedReason(badTotal)).toMatch(
      /^No Prometheus instance is configured: .*operability\.prometheus\.instances/,
    );
    expect(unconfigured.unsupportedReason(datadog)).toBeUndefined();
    expect(s.unsupportedReason(badTotal)).toBeUndefined();

    const named = slo(
      `      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: zero
            spec:
              query: a
        total:
          metricSource:
            metricSourceRef: zero
            spec:
              query: b`,
      `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: zero
spec:
  type: Prometheus
  connectionDetails:
    url: https://prometheus.zero.example
---
`,
    );
    await expect(collectAll(s, named, 0, MINUTE)).rejects.toThrow(
      'The DataSource zero is not a configured Prometheus instance; add it under operability.prometheus.instances (configured: smaug)',
    );
    expect(calls).toEqual([]);
    // The DataSource's URL matches a configured instance: that one is used.
    const byUrl = new PrometheusSliSource({
      ...readPrometheusConfig(new ConfigReader({})),
      instances: [
        {
          name: 'other',
          baseUrl: 'https://prometheus.zero.example/',
          headers: {},
        },
      ],
    });
    const { total } = named.indicator as SloRatioIndicator;
    expect(byUrl.clientFor(total).instance.name).toBe('other');
  });

  it('reads its config with defaults, secrets as headers, and refuses mistakes', () => {
    const config = readPrometheusConfig(
      new ConfigReader({
        operability: {
          prometheus: {
            instances: [
              {
                name: 'smaug',
                baseUrl: 'https://p.example',
                bearerToken: 't0k',
                headers: { 'X-Scope-OrgID': 'opf' },
              },
            ],
          },
        },
      }),
    );
    expect(config).toEqual({
      instances: [
        {
          name: 'smaug',
          baseUrl: 'https://p.example',
          headers: { 'X-Scope-OrgID': 'opf', Authorization: 'Bearer t0k' },
        },
      ],
      defaultInstance: undefined,
      maxPointsPerRequest: 11_000,
      concurrency: 2,
      timeoutMs: 30_000,
      retries: 3,
      backoffMs: 1_000,
      sampleIntervalMs: undefined,
    });
    expect(() =>
      readPrometheusConfig(
        new ConfigReader({
          operability: { prometheus: { maxPointsPerRequest: 20_000 } },
        }),
      ),
    ).toThrow(/from 1 to 11000/);
    expect(() =>
      readPrometheusConfig(
        new ConfigReader({
          operability: {
            prometheus: {
              instances: [{ name: 'a', baseUrl: 'https://a' }],
              defaultInstance: 'b',
            },
          },
        }),
      ),
    ).toThrow('operability.prometheus.defaultInstance: no instance is named b');
  });
});

describe('buildBucketQueries', () => {
  it('turns each kind of indicator into per-bucket counts', () => {
    const q = (s: Slo) => {
      const built = buildBucketQueries(s, MINUTE, MINUTE);
      return {
        good: built.good?.promql,
        bad: built.bad?.promql,
        total: built.total.promql,
      };
    };
    expect(q(badTotal)).toEqual({
      good: undefined,
      bad: 'sum(increase(errors_total[1m]))',
      total: 'sum(increase(requests_total[1m]))',
    });
    const gauge = slo(`      ratioMetric:
        counter: false
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(probe_success)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: count(probe_success)`);
    expect(q(gauge)).toEqual({
      good: 'sum(sum_over_time((sum(probe_success))[59999ms:1m]))',
      bad: undefined,
      total: 'sum(sum_over_time((count(probe_success))[59999ms:1m]))',
    });
    const sloth = slo(`      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[{{ .window }}]))`);
    expect(q(sloth)).toEqual({
      good: undefined,
      bad: 'sum(sum(rate(http_requests_total{code=~"5.."}[1m]))) * 60',
      total: 'sum(sum(rate(http_requests_total[1m]))) * 60',
    });
    const expression = slo(`      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum by (pod) (ok_total)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: all_total{job="x"}`);
    expect(q(expression).good).toBe(
      'sum(increase((sum by (pod) (ok_total))[1m:1m]))',
    );
    expect(q(expression).total).toBe('sum(increase(all_total{job="x"}[1m]))');
  });
});
