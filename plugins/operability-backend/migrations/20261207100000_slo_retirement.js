/*
 * Retired SLOs: an SLO whose entity leaves the catalog, whose file or annotation disappears,
 * or that is deleted through the API is retired, not destroyed. It is hidden from lists and
 * tasks, keeps its SLI data and evaluations for a grace period, comes back with its history
 * when its entity or file does, and is purged only after the grace period.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slos', table => {
    table
      .bigInteger('retired_at')
      .nullable()
      .comment(
        'When the SLO was retired (epoch ms); null while it is in force',
      );
    table
      .string('retired_reason', 32)
      .nullable()
      .comment('entity-removed | file-removed | deleted');
    table.index(['retired_at'], 'slos_retired_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('slos', table => {
    table.dropIndex(['retired_at'], 'slos_retired_at_idx');
    table.dropColumn('retired_reason');
    table.dropColumn('retired_at');
  });
};
