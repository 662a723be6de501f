/*
 * Incidents of an entity without an incident source are unknown, not zero: the portfolio
 * must not rank a project that reports nothing as the one with the fewest incidents. The
 * latest score's `incidents` becomes nullable (null: no incident source); scores computed
 * before keep their count until they are computed again (every few minutes).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('operability_scores', table => {
    table
      .integer('incidents')
      .nullable()
      .defaultTo(null)
      .comment(
        'Incidents that started in the period; null without an incident source',
      )
      .alter();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('operability_scores')
    .whereNull('incidents')
    .update({ incidents: 0 });
  await knex.schema.alterTable('operability_scores', table => {
    table
      .integer('incidents')
      .notNullable()
      .defaultTo(0)
      .comment('Incidents that started in the period')
      .alter();
  });
};
