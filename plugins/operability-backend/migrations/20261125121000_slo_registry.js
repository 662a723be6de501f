/*
 * The SLO registry: one row per SLO objective (an OpenSLO SLO with several objectives has one
 * row per objective, keyed by the engine's `ref`: `name`, `name/1`, ...), validation errors
 * of each entity's SLO files, and the SLI collection state of each SLO.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slos', table => {
    table
      .string('ref', 100)
      .notNullable()
      .defaultTo('')
      .comment('Key of the objective within the entity: name, name/1, ...');
  });
  await knex('slos').update({ ref: knex.ref('name') });
  await knex.schema.alterTable('slos', table => {
    table.dropUnique(['entity_ref', 'name'], 'slos_entity_ref_name_uniq');
    table.unique(['entity_ref', 'ref'], {
      indexName: 'slos_entity_ref_ref_uniq',
    });
  });

  await knex.schema.createTable('slo_file_errors', table => {
    table.comment('Result of the last sync of each entity with SLO files');
    table.string('entity_ref', 255).primary().notNullable();
    table
      .text('files')
      .notNullable()
      .comment('JSON array of the files (URLs) read');
    table
      .text('errors')
      .notNullable()
      .comment('JSON array of SloValidationError');
    table.bigInteger('synced_at').notNullable();
  });

  await knex.schema.createTable('sli_collection', table => {
    table.comment('Where SLI collection of each SLO stands');
    table.string('slo_id', 64).primary().notNullable();
    table.string('source', 64).notNullable().comment('SliSource id');
    table
      .string('indicator_hash', 64)
      .notNullable()
      .comment('Hash of the indicator collected; a change restarts backfill');
    table
      .bigInteger('collected_until')
      .nullable()
      .comment('End of the last collected chunk (epoch ms)');
    table.bigInteger('last_attempt_at').nullable();
    table.bigInteger('last_success_at').nullable();
    table.text('last_error').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sli_collection');
  await knex.schema.dropTable('slo_file_errors');
  // Only the first objective of each SLO (ref = name; further ones are name/1, name/2, ...)
  // fits the former (entity_ref, name) key.
  await knex('slos').where('ref', 'like', '%/%').delete();
  await knex.schema.alterTable('slos', table => {
    table.dropUnique(['entity_ref', 'ref'], 'slos_entity_ref_ref_uniq');
    table.unique(['entity_ref', 'name'], {
      indexName: 'slos_entity_ref_name_uniq',
    });
  });
  await knex.schema.alterTable('slos', table => {
    table.dropColumn('ref');
  });
};
