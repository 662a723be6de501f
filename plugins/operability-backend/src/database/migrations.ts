import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The directory of this package's knex migrations (`.js` files shipped in the package). */
export const migrationsDirectory = resolvePackagePath(
  '@airworthy/plugin-operability-backend',
  'migrations',
);

/** Brings the plugin's tables up to date. */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDirectory });
}
