import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';

/**
 * Returns a function that starts a test backend with the operability plugin (passed in, so
 * that this library does not depend on the backend package), a catalog holding the given
 * entities, and a SQLite database owned by TestDatabases (which closes it after the test
 * file; the default test database leaves its pool open and jest then reports a worker that
 * failed to exit). Call it at the top level of a test file: it registers an `afterEach`
 * that stops the started backends. The started backend carries its `knex` client, to
 * arrange and inspect stored data.
 * @public
 */
export function createOperabilityTestBackend(plugin: BackendFeature) {
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
        plugin,
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
