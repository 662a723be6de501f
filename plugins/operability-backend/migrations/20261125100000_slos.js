/*
 * SLO definitions, one row per SLO, tied to a catalog entity.
 *
 * Conventions for every table of this plugin: entity refs are stored in their canonical
 * lower-case form; instants are bigInteger epoch milliseconds (identical on SQLite and
 * PostgreSQL, read back with Number()).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slos', table => {
    table.comment(
      'SLO definitions from repositories (GitOps) and from the API',
    );
    table.string('id', 64).primary().notNullable().comment('Stable id (UUID)');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The entity the SLO belongs to');
    table.string('name', 63).notNullable().comment('OpenSLO metadata.name');
    table.string('display_name', 255).nullable();
    table.text('description').nullable();
    table.string('source', 16).notNullable().comment('repo | api');
    table
      .text('source_location')
      .nullable()
      .comment('For repo SLOs, the file it came from');
    table
      .double('target')
      .notNullable()
      .comment('Objective as a ratio in [0, 1)');
    table.string('period', 32).notNullable().comment('Time window, e.g. 28d');
    table
      .text('definition')
      .notNullable()
      .comment('The normalized SLO model, JSON');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.unique(['entity_ref', 'name'], {
      indexName: 'slos_entity_ref_name_uniq',
    });
    table.index(['entity_ref'], 'slos_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slos');
};
