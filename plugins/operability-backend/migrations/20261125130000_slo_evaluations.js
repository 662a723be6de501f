/*
 * Evaluation results: the latest evaluation of each SLO (what the entity page shows) and
 * snapshots over time (for trends).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slo_evaluations', table => {
    table.comment('The latest evaluation of each SLO');
    table.string('slo_id', 64).primary().notNullable();
    table.bigInteger('evaluated_at').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('ok | warning | critical | exhausted | no-data');
    table
      .text('result')
      .notNullable()
      .comment('JSON: budget, burn rates per window, alert rows');
  });

  await knex.schema.createTable('slo_snapshots', table => {
    table.comment(
      'Evaluations kept over time, at most one per snapshot interval',
    );
    table.string('slo_id', 64).notNullable();
    table.bigInteger('taken_at').notNullable();
    table.string('status', 16).notNullable();
    table
      .double('budget_remaining')
      .nullable()
      .comment('Share of the period budget left');
    table.double('sli').nullable().comment('good / total over the period');
    table
      .text('burn_rates')
      .notNullable()
      .comment('JSON object: window -> burn rate or null');
    table.primary(['slo_id', 'taken_at'], 'slo_snapshots_pk');
    table.index(['taken_at'], 'slo_snapshots_taken_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slo_snapshots');
  await knex.schema.dropTable('slo_evaluations');
};
