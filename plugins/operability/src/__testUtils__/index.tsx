import {
  OperabilityClient,
  type Incident,
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

/** An incident of JupyterHub as the API serves it: number `n`, resolved after 65 minutes. */
export function testIncident(
  n: number,
  overrides: Partial<Incident> = {},
): Incident {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
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
    ...overrides,
  };
}

/** msw handlers of JupyterHub without SLOs, without incidents and with failing statistics. */
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
