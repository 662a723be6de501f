import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { operabilityPlugin } from '../plugin';

/**
 * Returns a function that starts a test backend with the operability plugin, a catalog
 * holding the given entities, and a SQLite database owned by TestDatabases (which closes
 * it after the test file; the default test database leaves its pool open and jest then
 * reports a worker that failed to exit). Call at the top level of a test file. The started
 * backend carries its `knex` client, to arrange and inspect stored data.
 */
export function createOperabilityTestBackend() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const started: Array<{ stop(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map(backend => backend.stop()));
  });

  return async function startOperabilityBackend(
    options: {
      entities?: Entity[];
      config?: JsonObject;
      features?: BackendFeature[];
    } = {},
  ) {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        operabilityPlugin,
        catalogServiceMock.factory({ entities: options.entities ?? [] }),
        mockServices.database.factory({ knex }),
        ...(options.config
          ? [mockServices.rootConfig.factory({ data: options.config })]
          : []),
        ...(options.features ?? []),
      ],
    });
    started.push(backend);
    return Object.assign(backend, { knex });
  };
}
