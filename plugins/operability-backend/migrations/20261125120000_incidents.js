/*
 * Incident history: incidents from every source (one row per source and natural key),
 * the entities each one affected, the webhook deliveries already recorded, and the cursors
 * of sources that poll.
 *
 * Instants are bigInteger epoch milliseconds; entity refs are canonical lower-case refs.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('incidents', table => {
    table.comment('Incidents from Alertmanager, GitHub, PagerDuty and the API');
    table.string('id', 64).primary().notNullable().comment('Stable id (UUID)');
    table
      .string('source', 32)
      .notNullable()
      .comment('alertmanager | github | pagerduty | manual | ...');
    table
      .string('source_key', 255)
      .notNullable()
      .comment("The source's natural key of the incident");
    table.text('title').notNullable().comment('Untrusted text');
    table.text('description').nullable().comment('Untrusted text');
    table
      .string('severity', 16)
      .notNullable()
      .comment('critical | warning | info | unknown');
    table
      .string('status', 16)
      .notNullable()
      .comment('open | acknowledged | resolved');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('detected_at').notNullable();
    table.bigInteger('acknowledged_at').nullable();
    table.bigInteger('resolved_at').nullable();
    table.text('issue_url').nullable().comment('http(s) only');
    table.text('post_mortem_url').nullable().comment('http(s) only');
    table.text('runbook_url').nullable().comment('http(s) only');
    table
      .boolean('post_mortem')
      .notNullable()
      .defaultTo(false)
      .comment('A post-mortem exists (label or link)');
    table.text('labels').notNullable().comment('JSON array of strings');
    table
      .bigInteger('observed_at')
      .notNullable()
      .comment('Time of the newest observation merged into the row');
    table
      .text('merge_state')
      .notNullable()
      .comment('JSON: what merging out-of-order observations needs');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.unique(['source', 'source_key'], {
      indexName: 'incidents_source_key_uniq',
    });
    table.index(['started_at'], 'incidents_started_at_idx');
  });

  await knex.schema.createTable('incident_entities', table => {
    table.comment('The entities each incident affected');
    table
      .string('incident_id', 64)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table.primary(['incident_id', 'entity_ref'], 'incident_entities_pk');
    table.index(['entity_ref'], 'incident_entities_entity_ref_idx');
  });

  await knex.schema.createTable('incident_deliveries', table => {
    table.comment('Webhook deliveries already recorded (deduplication)');
    table.string('source', 32).notNullable();
    table
      .string('delivery_id', 255)
      .notNullable()
      .comment("The source's delivery id");
    table.bigInteger('received_at').notNullable();
    table.primary(['source', 'delivery_id'], 'incident_deliveries_pk');
    table.index(['received_at'], 'incident_deliveries_received_at_idx');
  });

  await knex.schema.createTable('incident_source_cursors', table => {
    table.comment('Cursors of incident sources that poll (e.g. last sync)');
    table.string('source', 32).notNullable();
    table.string('cursor_key', 255).notNullable();
    table.text('value').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.primary(['source', 'cursor_key'], 'incident_source_cursors_pk');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('incident_source_cursors');
  await knex.schema.dropTable('incident_deliveries');
  await knex.schema.dropTable('incident_entities');
  await knex.schema.dropTable('incidents');
};
