import { OperabilityClient } from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { mockApis, MockFetchApi } from '@backstage/test-utils';

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
