import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The end-to-end test runs the module inside the plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import operabilityPlugin from '@airworthy/plugin-operability-backend';
import request from 'supertest';
import {
  openMetricsSeries,
  prometheusMissing,
  startPrometheus,
  type TestPrometheus,
} from './__testUtils__/prometheus';
import { operabilityModulePrometheus } from './module';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR } = TIME;

jest.setTimeout(120_000);

const missing = prometheusMissing();
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the Prometheus integration test: ${missing}`);
}
const describeWithPrometheus = missing ? describe.skip : describe;

/*
 * History, relative to the minute the test starts (T), ending 10 minutes before it (so
 * that every bucket with data is collected before the test looks):
 * - probe_success of JupyterHub, one sample a minute at :30 from T-26h, 1 except during a
 *   37-minute outage that starts 5 hours before T (0);
 * - http_requests_total by code, one sample every 15 s: 10 requests per sample, of which
 *   4 answer 500 during a 20-minute incident that starts 3 hours before T.
 * The expected counts of any window are computed below from these samples alone.
 */
const T = Math.floor(Date.now() / MINUTE) * MINUTE;
const FROM = T - 26 * HOUR;
const UNTIL = T - 10 * MINUTE;
/** How far back Prometheus looks for the latest sample of an instant query (its default). */
const LOOKBACK = 5 * MINUTE;
const OUTAGE = { from: T - 5 * HOUR, to: T - 5 * HOUR + 37 * MINUTE };
const INCIDENT = { from: T - 3 * HOUR, to: T - 3 * HOUR + 20 * MINUTE };

const probes: Array<[number, number]> = [];
for (let t = FROM + 30_000; t < UNTIL; t += MINUTE) {
  probes.push([t, t >= OUTAGE.from && t < OUTAGE.to ? 0 : 1]);
}
const ok: Array<[number, number]> = [];
const errors: Array<[number, number]> = [];
let okCount = 5_000;
let errorCount = 1_000;
// Up to and including UNTIL, so that the last minute holds its four samples.
for (let t = FROM; t <= UNTIL; t += 15_000) {
  // The requests counted at t happened in the 15 seconds before it.
  const failing = t > INCIDENT.from && t <= INCIDENT.to;
  if (t > FROM) {
    okCount += failing ? 6 : 10;
    errorCount += failing ? 4 : 0;
  }
  ok.push([t, okCount]);
  errors.push([t, errorCount]);
}

const history = [
  '# TYPE probe_success gauge',
  openMetricsSeries('probe_success', { service: 'jupyterhub' }, probes),
  '# TYPE http_requests counter',
  openMetricsSeries('http_requests_total', { code: '200', service: 'hub' }, ok),
  openMetricsSeries(
    'http_requests_total',
    { code: '500', service: 'hub' },
    errors,
  ),
  '# EOF',
  '',
].join('\n');

/**
 * Hand count of the probe SLI from `from` on: each minute bucket counts one event, the
 * latest sample at or before its end (within the lookback), good when 1. Samples are at :30,
 * so each bucket holds its own sample, and the 4 minutes after the last sample repeat it.
 */
function expectedProbes(from: number) {
  let good = 0;
  let total = 0;
  for (
    let end = from + MINUTE;
    end <= UNTIL + LOOKBACK + MINUTE;
    end += MINUTE
  ) {
    const latest = probes.filter(([t]) => t <= end && t > end - LOOKBACK).pop();
    if (!latest) continue;
    total++;
    if (latest[1] === 1) good++;
  }
  return { good, total };
}

/** Hand count of the request SLI: requests counted at samples after `from`. */
function expectedRequests(from: number) {
  let bad = 0;
  let total = 0;
  for (let i = 1; i < ok.length; i++) {
    const t = ok[i][0];
    if (t <= from) continue;
    const newErrors = errors[i][1] - errors[i - 1][1];
    bad += newErrors;
    total += ok[i][1] - ok[i - 1][1] + newErrors;
  }
  return { good: total - bad, total };
}

const dataSource = `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: smaug
spec:
  type: Prometheus
  connectionDetails:
    url: http://prometheus.smaug.example
---
`;

const probeSlo = `${dataSource}apiVersion: openslo/v1
kind: SLO
metadata:
  name: hub-availability
spec:
  service: jupyterhub
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  indicator:
    metadata:
      name: probes
    spec:
      ratioMetric:
        counter: false
        good:
          metricSource:
            metricSourceRef: smaug
            spec:
              query: sum(probe_success{service="jupyterhub"})
        total:
          metricSource:
            metricSourceRef: smaug
            spec:
              query: count(probe_success{service="jupyterhub"})
  objectives:
    - target: 0.98
`;

const requestSlo = `${dataSource}apiVersion: openslo/v1
kind: SLO
metadata:
  name: hub-errors
spec:
  service: jupyterhub
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  indicator:
    metadata:
      name: requests
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            metricSourceRef: smaug
            spec:
              query: http_requests_total{service="hub",code=~"5.."}
        total:
          metricSource:
            metricSourceRef: smaug
            spec:
              query: http_requests_total{service="hub"}
  objectives:
    - target: 0.99
`;

describeWithPrometheus('Prometheus SLI collection, end to end', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus(history);
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('collects a day of history in chunks and evaluates the budgets computed by hand', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        operabilityPlugin,
        operabilityModulePrometheus,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'jupyterhub', namespace: 'default' },
              spec: { type: 'service', owner: 'group:default/sre' },
            },
          ],
        }),
        mockServices.database.factory({ knex }),
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            operability: {
              prometheus: {
                instances: [{ name: 'smaug', baseUrl: prometheus.baseUrl }],
                // Small chunks, so that a day takes several query_range requests.
                maxPointsPerRequest: 500,
              },
              collection: {
                schedule: {
                  frequency: { seconds: 2 },
                  timeout: { minutes: 2 },
                },
              },
              evaluation: {
                schedule: {
                  frequency: { seconds: 2 },
                  timeout: { minutes: 2 },
                },
              },
            },
          },
        }),
      ],
    });
    try {
      const server = backend.server;
      for (const yaml of [probeSlo, requestSlo]) {
        const res = await request(server)
          .post('/api/operability/entities/component/default/jupyterhub/slos')
          .set('Content-Type', 'application/yaml')
          .send(yaml);
        expect(res.status).toBe(201);
      }

      // Wait until both SLOs are collected past the end of the history (and its lookback),
      // then for an evaluation that started after that.
      const poll = async (done: (items: any[]) => boolean) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const res = await request(server).get(
            '/api/operability/entities/component/default/jupyterhub/slos',
          );
          if (done(res.body.items)) return res.body.items;
          if (Date.now() > deadline) {
            throw new Error(`Timed out: ${JSON.stringify(res.body.items)}`);
          }
          await new Promise(resolve => setTimeout(resolve, 250));
        }
      };
      await poll(list =>
        list.every(
          i =>
            Date.parse(i.collection?.collectedUntil ?? '0') >=
            UNTIL + LOOKBACK + MINUTE,
        ),
      );
      const collected = Date.now();
      const items = await poll(list =>
        list.every(i => i.evaluatedAt && Date.parse(i.evaluatedAt) > collected),
      );

      const byName = Object.fromEntries(items.map((i: any) => [i.name, i]));
      for (const item of items) {
        expect(item.collection).toMatchObject({ source: 'prometheus' });
        expect(item.collection.lastError).toBeUndefined();
      }

      // Probes: the window measured starts a day before the evaluation.
      const probe = byName['hub-availability'];
      const probeCounts = expectedProbes(Date.parse(probe.budget.from));
      expect(probeCounts.total - probeCounts.good).toBe(37);
      expect({ good: probe.budget.good, total: probe.budget.total }).toEqual(
        probeCounts,
      );
      // 37 bad probes of a 2% budget of the day's probes.
      expect(probe.budget.consumed).toBeCloseTo(
        37 / (0.02 * probeCounts.total),
        9,
      );
      expect(probe.status).toBe('exhausted');

      // Requests: counters through increase(), 320 errors.
      const req = byName['hub-errors'];
      const reqCounts = expectedRequests(Date.parse(req.budget.from));
      expect(reqCounts.total - reqCounts.good).toBe(320);
      expect(req.budget.good).toBeCloseTo(reqCounts.good, 6);
      expect(req.budget.total).toBeCloseTo(reqCounts.total, 6);
      expect(req.budget.consumed).toBeCloseTo(
        320 / (0.01 * reqCounts.total),
        6,
      );
      // The 1-hour window ended long after the incident: nothing fires.
      expect(req.alertSeverity).toBeNull();
      expect(req.status).toBe('ok');
    } finally {
      await backend.stop();
    }
  });
});
