/*
 * Notifications through Backstage's notifications backend: the state of each SLO its owners
 * were last told about, an outbox of notifications to send (SLO transitions, weekly digests,
 * monthly reviews; one row per unique key, so replicas that detect the same thing insert it
 * once, and a row stays pending until it is sent), and a log of the deploy gate's answers
 * for the digests.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slo_notified_states', table => {
    table.comment(
      'Per SLO, the state its owners were last notified of (or, for ok, first seen in)',
    );
    table
      .string('slo_id', 36)
      .primary()
      .notNullable()
      .references('id')
      .inTable('slos')
      .onDelete('CASCADE');
    table
      .string('state', 16)
      .notNullable()
      .comment('ok | warning | critical | exhausted');
    table
      .integer('sequence')
      .notNullable()
      .comment(
        'Number of transitions recorded; the outbox key of the last one',
      );
    table.bigInteger('changed_at').notNullable().comment('epoch ms');
  });

  await knex.schema.createTable('notification_outbox', table => {
    table.comment(
      'Notifications to send, one per key; pending until sent, claimed by one sender at a time',
    );
    table
      .string('key', 400)
      .primary()
      .notNullable()
      .comment(
        'slo:<id>:<sequence> | digest:<group ref>:<week start> | review:<month start>',
      );
    table
      .string('kind', 16)
      .notNullable()
      .comment('transition | digest | review');
    table
      .text('message')
      .notNullable()
      .comment(
        'JSON: recipients and payload, as the notification service takes them',
      );
    table.bigInteger('created_at').notNullable().comment('epoch ms');
    table.string('claimed_by', 64).nullable();
    table.bigInteger('claimed_at').nullable().comment('epoch ms');
    table.bigInteger('sent_at').nullable().comment('epoch ms');
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.index(['sent_at', 'created_at'], 'notification_outbox_pending_idx');
  });

  await knex.schema.createTable('gate_decisions', table => {
    table.comment(
      'Answers of the deploy gate, for the weekly digest; trimmed after 90 days',
    );
    table.increments('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('decision', 8).notNullable().comment('allow | warn | block');
    table.bigInteger('decided_at').notNullable().comment('epoch ms');
    table
      .string('caller_kind', 16)
      .notNullable()
      .comment('user | service | none (who asked)');
    table.index(['entity_ref', 'decided_at'], 'gate_decisions_entity_idx');
    table.index(['decided_at'], 'gate_decisions_decided_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gate_decisions');
  await knex.schema.dropTable('notification_outbox');
  await knex.schema.dropTable('slo_notified_states');
};
