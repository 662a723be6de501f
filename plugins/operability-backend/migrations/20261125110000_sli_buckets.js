/*
 * The SLI store: good/total event counts per SLO per aligned time bucket, at the base
 * resolution (default 1 minute) and at each roll-up resolution (default 1 hour and 1 day).
 *
 * Every row also carries running totals (`cum_good`, `cum_total`: the sum of all counts of
 * that SLO at that resolution up to and including the bucket), so the counts of any window
 * are the difference of two rows found by two index lookups on the primary key.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sli_buckets', table => {
    table.comment('Good/total SLI counts per SLO and aligned time bucket');
    table.string('slo_id', 64).notNullable().comment('slos.id');
    table
      .integer('resolution_ms')
      .notNullable()
      .comment('Bucket width in milliseconds (base or roll-up resolution)');
    table
      .bigInteger('bucket_start')
      .notNullable()
      .comment('Start of the bucket, epoch ms, aligned to the width');
    table.double('good').notNullable().comment('Good events in the bucket');
    table.double('total').notNullable().comment('All events in the bucket');
    table
      .double('cum_good')
      .notNullable()
      .comment('Running total of good up to and including this bucket');
    table
      .double('cum_total')
      .notNullable()
      .comment('Running total of total up to and including this bucket');
    table
      .boolean('sealed')
      .notNullable()
      .defaultTo(false)
      .comment(
        'Roll-up rows only: the finer buckets inside were expired, so finer writes are refused',
      );
    table.bigInteger('updated_at').notNullable();
    table.primary(
      ['slo_id', 'resolution_ms', 'bucket_start'],
      'sli_buckets_pk',
    );
    table.index(['resolution_ms', 'bucket_start'], 'sli_buckets_retention_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sli_buckets');
};
