import {
  OperabilityClient,
  TIME,
  type Incident,
  type IncidentRecord,
  type SloSummary,
} from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { mockApis, MockFetchApi } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';

/** Where msw handlers answer for the backend in component tests. */
export const TEST_BASE_URL = 'http://backstage.test/api/operability';

/** The real client, talking HTTP to msw handlers registered by the test. */
export function createTestClient(): OperabilityClient {
  return new OperabilityClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: new MockFetchApi(),
  });
}

/** A Component as the catalog would return it. */
export function testComponent(
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'jupyterhub', namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/data-science',
      lifecycle: 'production',
    },
  };
}

const ENTITY_BASE = `${TEST_BASE_URL}/entities/component/default/jupyterhub`;

/** A GitHub issue record of JupyterHub as the API serves it: number `n`, resolved after 65 minutes. */
export function testIncidentRecord(
  n: number,
  overrides: Partial<IncidentRecord> = {},
): IncidentRecord {
  return {
    id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    source: 'github',
    sourceKey: `operate-first/operations#${n}`,
    entityRefs: ['component:default/jupyterhub'],
    title: `Incident ${n}`,
    severity: 'critical',
    status: 'resolved',
    startedAt: '2026-11-03T10:00:00Z',
    detectedAt: '2026-11-03T10:05:00Z',
    resolvedAt: '2026-11-03T11:05:00Z',
    links: {},
    postMortem: false,
    labels: [],
    createdAt: '2026-11-03T10:05:00Z',
    updatedAt: '2026-11-03T11:05:00Z',
    incidentId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    ...overrides,
  };
}

/**
 * An incident of JupyterHub as the API serves it: number `n`, resolved after 65 minutes,
 * of one GitHub issue record unless `overrides.records` says otherwise.
 */
export function testIncident(
  n: number,
  overrides: Partial<Incident> = {},
): Incident {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const {
    source: _source,
    sourceKey: _sourceKey,
    entityRefs: _entityRefs,
    incidentId: _incidentId,
    ...fields
  } = testIncidentRecord(n, { incidentId: id });
  const records = overrides.records ?? [
    testIncidentRecord(n, {
      incidentId: id,
      ...(overrides.title ? { title: overrides.title } : {}),
    }),
  ];
  return {
    ...fields,
    id,
    entityRef: 'component:default/jupyterhub',
    sources: [...new Set(records.map(r => r.source))].sort(),
    records,
    ...overrides,
  };
}

/** msw handler of a portfolio in which no entity matches. */
/** `GET /slos` answering an empty SLO list. */
export const emptySloListHandler = http.get(`${TEST_BASE_URL}/slos`, () =>
  HttpResponse.json({
    items: [],
    totalItems: 0,
    offset: 0,
    limit: 25,
    statusCounts: {
      exhausted: 0,
      critical: 0,
      warning: 0,
      'no-data': 0,
      ok: 0,
    },
  }),
);

export const emptyPortfolioHandler = http.get(
  `${TEST_BASE_URL}/portfolio`,
  () =>
    HttpResponse.json({
      items: [],
      totalItems: 0,
      offset: 0,
      limit: 25,
      summary: { count: 0, scored: 0, mean: null, median: null, levels: {} },
      levels: [],
      periodDays: 28,
      trendDays: 28,
    }),
);

/**
 * msw handlers of JupyterHub without SLOs, without incidents, with failing statistics and
 * not scored yet.
 */
export const emptyEntityHandlers = [
  http.get(`${ENTITY_BASE}/slos`, () =>
    HttpResponse.json({
      entityRef: 'component:default/jupyterhub',
      items: [],
      errors: [],
    }),
  ),
  http.get(`${ENTITY_BASE}/incidents/stats`, () =>
    HttpResponse.json(
      { error: { name: 'Error', message: 'statistics unavailable' } },
      { status: 500 },
    ),
  ),
  http.get(`${ENTITY_BASE}/score`, () =>
    HttpResponse.json(
      {
        error: {
          name: 'NotFoundError',
          message: 'component:default/jupyterhub has not been scored yet',
        },
        response: { statusCode: 404 },
      },
      { status: 404 },
    ),
  ),
  http.get(`${ENTITY_BASE}/incidents`, () =>
    HttpResponse.json({
      entityRef: 'component:default/jupyterhub',
      items: [],
      totalItems: 0,
      offset: 0,
      limit: 5,
    }),
  ),
];

/**
 * JupyterHub's availability SLO as the API serves it after an evaluation: 98% over 28 days,
 * 39,900 good of 40,320 probes (420 bad of 806.4 allowed), the last hour at 1.67x.
 */
export function testSloSummary(
  overrides: Partial<SloSummary> = {},
): SloSummary {
  return {
    id: 'slo-hub',
    entityRef: 'component:default/jupyterhub',
    name: 'jupyterhub-availability',
    ref: 'jupyterhub-availability',
    displayName: 'JupyterHub availability',
    source: 'repo',
    sourceLocation:
      'https://github.com/operate-first/apps/blob/master/slos/jupyterhub.yaml',
    target: 0.98,
    period: '28d',
    phase: 'enforcing',
    status: 'ok',
    budgetingMethod: 'Occurrences',
    evaluatedAt: '2026-11-25T12:00:00.000Z',
    budget: {
      from: '2026-10-28T12:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
      good: 39_900,
      total: 40_320,
      sli: 39_900 / 40_320,
      errorBudget: 0.02,
      budgetMinutes: 806.4,
      consumed: 420 / 806.4,
      remaining: 1 - 420 / 806.4,
      remainingMinutes: 806.4 - 420,
      timeToExhaustionMs: ((1 - 420 / 806.4) * 28 * TIME.DAY) / (2 / 60 / 0.02),
      exhaustsAt: new Date(
        Date.parse('2026-11-25T12:00:00Z') +
          ((1 - 420 / 806.4) * 28 * TIME.DAY) / (2 / 60 / 0.02),
      ).toISOString(),
    },
    burnRates: [
      {
        window: '5m',
        windowMs: 5 * TIME.MINUTE,
        good: 5,
        total: 5,
        errorRatio: 0,
        burnRate: 0,
      },
      {
        window: '1h',
        windowMs: TIME.HOUR,
        good: 58,
        total: 60,
        errorRatio: 2 / 60,
        burnRate: 2 / 60 / 0.02,
      },
    ],
    alertSeverity: null,
    alerts: [
      {
        severity: 'page',
        longWindow: '1h',
        shortWindow: '5m',
        burnRateFactor: 13.44,
        errorRatioThreshold: 0.2688,
        longErrorRatio: 2 / 60,
        shortErrorRatio: 0,
        firing: false,
      },
      {
        severity: 'ticket',
        longWindow: '3d',
        shortWindow: '6h',
        burnRateFactor: 0.933333333333,
        errorRatioThreshold: 0.0186666666667,
        longErrorRatio: 0.03,
        shortErrorRatio: 0.025,
        firing: true,
      },
    ],
    ...overrides,
  };
}
