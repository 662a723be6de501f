import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The directory of this package's knex migrations (`.js` files shipped in the package). */
export const migrationsDirectory = resolvePackagePath(
  '@airworthy/plugin-operability-backend',
  'migrations',
);

/** How long start-up keeps trying while another replica migrates the same database. */
const CONCURRENT_MIGRATION_WAIT_MS = 60_000;

/** The PostgreSQL advisory lock the plugin's replicas migrate under ("airw" in ASCII). */
const MIGRATION_ADVISORY_LOCK = 0x61697277;

const LOCK_TABLE = 'knex_migrations_lock';

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
 * Knex creates its lock row with "insert if the table is empty", so two processes creating
 * it at once leave two rows, and from then on knex never takes its lock again ("Migration
 * table is already locked" for ever; knex issue 3538). Keeps one row, unlocked. Called only
 * where no other process can be migrating.
 */
async function repairLockTable(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(LOCK_TABLE))) return;
  const rows: Array<{ index: number }> = await knex(LOCK_TABLE)
    .select('index')
    .orderBy('index');
  if (rows.length <= 1) return;
  await knex(LOCK_TABLE)
    .whereIn(
      'index',
      rows.slice(1).map(r => r.index),
    )
    .delete();
  await knex(LOCK_TABLE).update({ is_locked: 0 });
}

async function migrate(knex: Knex): Promise<void> {
  await repairLockTable(knex);
  await knex.migrate.latest({ directory: migrationsDirectory });
}

/**
 * Brings the plugin's tables up to date. Replicas that start together on one database all
 * call this. On PostgreSQL they take turns under an advisory lock (held by a transaction,
 * so a replica that dies releases it): one applies the migrations, the next finds nothing
 * left to do. Knex's own lock cannot do this alone: creating its tables and its lock row is
 * not safe when two processes do it at once. Errors of such races (and a knex lock held by
 * another process) are retried with a growing pause for up to `waitMs` (60 s), then thrown.
 */
export async function applyDatabaseMigrations(
  knex: Knex,
  options: { waitMs?: number } = {},
): Promise<void> {
  const deadline =
    Date.now() + (options.waitMs ?? CONCURRENT_MIGRATION_WAIT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      if (knex.client.config.client === 'pg') {
        await knex.transaction(async trx => {
          await trx.raw('SELECT pg_advisory_xact_lock(?)', [
            MIGRATION_ADVISORY_LOCK,
          ]);
          await migrate(knex);
        });
      } else {
        await migrate(knex);
      }
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
