import type { EntityIncidentRecordsResponse } from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Component in the default namespace with the given annotations. @public */
export function testComponent(
  name: string,
  annotations?: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/sre',
      lifecycle: 'production',
    },
  };
}

/**
 * The first page (up to 100) of a test Component's incident records (each source's record
 * on its own, `view=records`), read through the HTTP API of a test backend as its default
 * mock user.
 * @public
 */
export async function fetchIncidentRecords(
  server: Server,
  componentName: string,
): Promise<EntityIncidentRecordsResponse> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(
    `http://127.0.0.1:${port}/api/operability/entities/component/default/${componentName}/incidents?view=records&limit=100`,
  );
  if (!response.ok) {
    throw new Error(
      `Listing incident records of ${componentName}: ${
        response.status
      } ${await response.text()}`,
    );
  }
  return (await response.json()) as EntityIncidentRecordsResponse;
}
