import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The directory of this package's knex migrations (`.js` files shipped in the package). */
export const migrationsDirectory = resolvePackagePath(
  '@airworthy/plugin-operability-backend',
  'migrations',
);

/** How long start-up keeps trying while another replica migrates the same database. */
const CONCURRENT_MIGRATION_WAIT_MS = 60_000;

/**
 * Whether an error comes from another process migrating the same database at the same
 * moment: knex's lock is taken (`MigrationLocked`), or both created knex's own tables at
 * once on an empty database (PostgreSQL: a unique violation in its catalog or "relation
 * already exists"; SQLite: "table knex_migrations... already exists").
 */
function isConcurrentMigration(error: unknown): boolean {
  const { name, code, message } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
  };
  return (
    name === 'MigrationLocked' ||
    code === '23505' ||
    code === '42P07' ||
    /knex_migrations\S* already exists/.test(message ?? '')
  );
}

/**
 * Brings the plugin's tables up to date. Replicas that start together on one database all
 * call this: every migration runs in one transaction with knex's lock, so one replica
 * applies them and the others wait for it, then find nothing left to do. The races knex
 * does not absorb (creating its own tables, a lock held by another process) are retried
 * with a growing pause for up to `waitMs` (60 s), then the error is thrown.
 */
export async function applyDatabaseMigrations(
  knex: Knex,
  options: { waitMs?: number } = {},
): Promise<void> {
  const deadline =
    Date.now() + (options.waitMs ?? CONCURRENT_MIGRATION_WAIT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.migrate.latest({ directory: migrationsDirectory });
      return;
    } catch (error) {
      if (!isConcurrentMigration(error) || Date.now() >= deadline) throw error;
      const pauseMs = Math.min(2_000, 50 * 2 ** attempt);
      await new Promise(resolve =>
        setTimeout(resolve, pauseMs / 2 + Math.random() * (pauseMs / 2)),
      );
    }
  }
}
