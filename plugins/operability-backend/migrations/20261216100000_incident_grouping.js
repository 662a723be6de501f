/*
 * One outage, one incident: what sources report is kept as incident records (the former
 * `incidents` table, rows unchanged), and an incident of an entity groups the records of one
 * event. A record belongs to one incident of each entity it affects; the keys that link
 * records across sources, and people's merge and split decisions (pins), are stored with it.
 *
 * Existing records are left without an incident here: the plugin groups every record without
 * one when it starts, before it serves (`IncidentStore.regroupStale`), with the grouping
 * rules of its configuration, the same code that groups new deliveries.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';

  await knex.schema.renameTable('incidents', 'incident_records');
  await knex.schema.alterTable('incident_records', table => {
    table.comment(
      'Incident records: what Alertmanager, GitHub, PagerDuty and the API report, one row per source and natural key',
    );
    table.dropUnique(['source', 'source_key'], 'incidents_source_key_uniq');
    table.dropIndex(['started_at'], 'incidents_started_at_idx');
  });
  await knex.schema.alterTable('incident_records', table => {
    table.unique(['source', 'source_key'], {
      indexName: 'incident_records_source_key_uniq',
    });
    table.index(['started_at'], 'incident_records_started_at_idx');
  });
  if (pg) {
    await knex.raw(
      'ALTER INDEX incidents_pkey RENAME TO incident_records_pkey',
    );
  }

  await knex.schema.createTable('incidents', table => {
    table.comment(
      'Incidents of an entity: the records of one event, grouped; fields derived from them',
    );
    table.string('id', 64).primary().notNullable().comment('Stable id (UUID)');
    table.string('entity_ref', 255).notNullable();
    table.text('title').notNullable().comment('Untrusted text');
    table.text('description').nullable().comment('Untrusted text');
    table
      .string('severity', 16)
      .notNullable()
      .comment('The highest of its records');
    table
      .string('status', 16)
      .notNullable()
      .comment('open | acknowledged | resolved');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('detected_at').notNullable();
    table.bigInteger('acknowledged_at').nullable();
    table
      .bigInteger('resolved_at')
      .nullable()
      .comment('The latest resolution, once every record is resolved');
    table.text('issue_url').nullable().comment('http(s) only');
    table.text('post_mortem_url').nullable().comment('http(s) only');
    table.text('runbook_url').nullable().comment('http(s) only');
    table.boolean('post_mortem').notNullable().defaultTo(false);
    table.text('labels').notNullable().comment('JSON array of strings');
    table
      .text('sources')
      .notNullable()
      .comment('JSON array: the sources of its records');
    table.integer('record_count').notNullable();
    table
      .string('grouping', 255)
      .notNullable()
      .comment('The grouping rules it was made with (gap, alert link window)');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.index(['entity_ref', 'started_at'], 'incidents_entity_started_idx');
  });

  await knex.schema.createTable('incident_record_entities', table => {
    table.comment(
      'The entities each record affected, and the incident it belongs to for each',
    );
    table
      .string('record_id', 64)
      .notNullable()
      .references('id')
      .inTable('incident_records')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table
      .string('incident_id', 64)
      .nullable()
      .references('id')
      .inTable('incidents')
      .onDelete('SET NULL')
      .comment('Null until the record is grouped');
    table
      .string('pin', 64)
      .nullable()
      .comment(
        "A person's decision: records of the entity with the same pin are one incident, with different pins never",
      );
    table.string('pinned_by', 255).nullable().comment('Entity ref of the user');
    table.bigInteger('pinned_at').nullable();
    table.primary(['record_id', 'entity_ref'], 'incident_record_entities_pk');
    table.index(['entity_ref'], 'incident_record_entities_entity_ref_idx');
    table.index(['incident_id'], 'incident_record_entities_incident_idx');
  });
  await knex
    .into(
      knex.raw('?? (??, ??)', [
        'incident_record_entities',
        'record_id',
        'entity_ref',
      ]),
    )
    .insert(knex('incident_entities').select('incident_id', 'entity_ref'));
  await knex.schema.dropTable('incident_entities');

  await knex.schema.createTable('incident_record_keys', table => {
    table.comment(
      'Keys that link records of one event across sources (names and references)',
    );
    table
      .string('record_id', 64)
      .notNullable()
      .references('id')
      .inTable('incident_records')
      .onDelete('CASCADE');
    table.string('role', 16).notNullable().comment('name | reference');
    table
      .string('key', 255)
      .notNullable()
      .comment('<kind>:<value>, e.g. pagerduty:Q2W3E4R5T6Y7U8');
    table.primary(['record_id', 'role', 'key'], 'incident_record_keys_pk');
    table.index(['key'], 'incident_record_keys_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const pg = knex.client.config.client === 'pg';

  await knex.schema.dropTable('incident_record_keys');

  await knex.schema.createTable('incident_entities', table => {
    table.comment('The entities each incident affected');
    table
      .string('incident_id', 64)
      .notNullable()
      .references('id')
      .inTable('incident_records')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table.primary(['incident_id', 'entity_ref'], 'incident_entities_pk');
    table.index(['entity_ref'], 'incident_entities_entity_ref_idx');
  });
  await knex
    .into(
      knex.raw('?? (??, ??)', [
        'incident_entities',
        'incident_id',
        'entity_ref',
      ]),
    )
    .insert(knex('incident_record_entities').select('record_id', 'entity_ref'));
  await knex.schema.dropTable('incident_record_entities');
  await knex.schema.dropTable('incidents');

  if (pg) {
    await knex.raw(
      'ALTER INDEX incident_records_pkey RENAME TO incidents_pkey',
    );
  }
  await knex.schema.alterTable('incident_records', table => {
    table.dropUnique(
      ['source', 'source_key'],
      'incident_records_source_key_uniq',
    );
    table.dropIndex(['started_at'], 'incident_records_started_at_idx');
  });
  await knex.schema.alterTable('incident_records', table => {
    table.comment('Incidents from Alertmanager, GitHub, PagerDuty and the API');
    table.unique(['source', 'source_key'], {
      indexName: 'incidents_source_key_uniq',
    });
    table.index(['started_at'], 'incidents_started_at_idx');
  });
  await knex.schema.renameTable('incident_records', 'incidents');
};
