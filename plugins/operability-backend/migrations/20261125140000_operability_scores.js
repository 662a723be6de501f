/*
 * Operability scores: the latest score of each entity (with the facts the portfolio shows),
 * one snapshot per entity and UTC day (for 28- and 90-day trends), and exemptions from
 * checks granted through the API.
 *
 * Instants are bigInteger epoch milliseconds; entity refs are canonical lower-case refs.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('operability_scores', table => {
    table.comment('The latest operability score of each scored entity');
    table.string('entity_ref', 255).primary().notNullable();
    table
      .double('score')
      .nullable()
      .comment('0-100, one decimal; null when no check applies');
    table.string('level', 32).nullable().comment('Level id, e.g. walk');
    table.bigInteger('computed_at').notNullable();
    table.integer('slo_count').notNullable().defaultTo(0);
    table
      .double('worst_budget_remaining')
      .nullable()
      .comment('Lowest budget remaining of the evaluated SLOs');
    table
      .double('slo_compliance')
      .nullable()
      .comment('Share of evaluated SLOs meeting their target');
    table
      .integer('incidents')
      .notNullable()
      .defaultTo(0)
      .comment('Incidents that started in the period');
    table.double('mttr_seconds').nullable();
    table
      .text('result')
      .notNullable()
      .comment('JSON: categories, checks, exemption errors, facts');
    table.index(['level'], 'operability_scores_level_idx');
  });

  await knex.schema.createTable('operability_score_snapshots', table => {
    table.comment(
      'One score per entity and UTC day: the last one computed that day',
    );
    table.string('entity_ref', 255).notNullable();
    table.bigInteger('day').notNullable().comment('Start of the UTC day');
    table.double('score').nullable();
    table.string('level', 32).nullable();
    table.bigInteger('computed_at').notNullable();
    table.primary(['entity_ref', 'day'], 'operability_score_snapshots_pk');
    table.index(['day'], 'operability_score_snapshots_day_idx');
  });

  await knex.schema.createTable('operability_exemptions', table => {
    table.comment('Exemptions from checks granted through the API');
    table.string('entity_ref', 255).notNullable();
    table.string('check_id', 64).notNullable();
    table.text('reason').notNullable().comment('Untrusted text');
    table
      .string('author', 255)
      .notNullable()
      .comment('User ref of the grantor');
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('created_at').notNullable();
    table.primary(['entity_ref', 'check_id'], 'operability_exemptions_pk');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('operability_exemptions');
  await knex.schema.dropTable('operability_score_snapshots');
  await knex.schema.dropTable('operability_scores');
};
