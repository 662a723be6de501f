/*
 * The error-budget policy: each SLO's phase (informing or enforcing, from its document's
 * `airworthy.dev/phase`), kept in a column so that the deploy gate reads it without parsing
 * definitions, and the exceptions that let releases through a blocked gate (with reason,
 * author and expiry, kept after they expire or are revoked as the policy's history).
 */

// @ts-check

/**
 * The phase a stored definition writes (the same rule as `sloPhaseOf` in -common).
 * @param {string} definitionJson
 */
function phaseOf(definitionJson) {
  let definition;
  try {
    definition = JSON.parse(definitionJson);
  } catch {
    return 'informing';
  }
  const kubernetes = definition?.origin?.kubernetes;
  const value = [
    definition?.annotations?.['airworthy.dev/phase'],
    definition?.labels?.airworthy_phase,
    kubernetes?.annotations?.['airworthy.dev/phase'],
    kubernetes?.labels?.['airworthy.dev/phase'],
    kubernetes?.labels?.airworthy_phase,
  ].find(v => typeof v === 'string');
  return value?.trim().toLowerCase() === 'enforcing'
    ? 'enforcing'
    : 'informing';
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slos', table => {
    table
      .string('phase', 16)
      .notNullable()
      .defaultTo('informing')
      .comment(
        'informing | enforcing (airworthy.dev/phase of the SLO document)',
      );
  });
  const rows = await knex('slos').select('id', 'definition');
  for (const row of rows) {
    const phase = phaseOf(row.definition);
    if (phase !== 'informing') {
      await knex('slos').where({ id: row.id }).update({ phase });
    }
  }

  await knex.schema.createTable('gate_exceptions', table => {
    table.comment(
      'Exceptions to the error-budget policy: a blocked deploy gate of the entity allows (with a warning) until expiry',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.text('reason').notNullable();
    table
      .string('author', 255)
      .notNullable()
      .comment('Entity ref of the user (or service subject) who granted it');
    table.bigInteger('created_at').notNullable().comment('epoch ms');
    table.bigInteger('expires_at').notNullable().comment('epoch ms');
    table.bigInteger('revoked_at').nullable().comment('epoch ms');
    table.string('revoked_by', 255).nullable();
    table.index(['entity_ref', 'expires_at'], 'gate_exceptions_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gate_exceptions');
  await knex.schema.alterTable('slos', table => {
    table.dropColumn('phase');
  });
};
