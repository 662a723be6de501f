import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { applyDatabaseMigrations } from './migrations';
import { KnexSloStore, type SloStore } from './SloStore';

/**
 * The plugin's persistence, one store per concern. Each store is an interface with a knex
 * implementation that is tested on every supported database.
 */
export interface OperabilityStore {
  slos: SloStore;
}

/** Creates the knex-backed stores, migrating the database unless migrations are skipped. */
export async function createOperabilityStore(
  database: DatabaseService,
): Promise<OperabilityStore> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await applyDatabaseMigrations(client);
  }
  return createKnexStores(client);
}

/** The knex-backed stores on an already migrated client. */
export function createKnexStores(client: Knex): OperabilityStore {
  return {
    slos: new KnexSloStore(client),
  };
}
