import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readIncidentSettings, readSliConfig, type SliConfig } from '../config';
import { applyDatabaseMigrations } from '../database/migrations';
import {
  createKnexStores,
  type OperabilityStore,
} from '../database/OperabilityStore';

/**
 * Returns a function that creates migrated stores on a fresh SQLite database (closed by
 * TestDatabases after the file), with the SLI settings of `config`. Call at the top level
 * of a test file that tests services over real stores.
 */
export function createTestStores() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  return async function createStores(
    config: JsonObject = {},
  ): Promise<{ store: OperabilityStore; sliConfig: SliConfig }> {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const sliConfig = readSliConfig(new ConfigReader(config));
    return {
      store: createKnexStores(knex, {
        sliLevels: sliConfig.levels,
        incidentGrouping: readIncidentSettings(new ConfigReader(config))
          .grouping,
      }),
      sliConfig,
    };
  };
}
