/*
 * The SLI store in chunks: one row per SLO, resolution and chunk (an hour of minutes, a day
 * of hours, one day) instead of one row per bucket. A row holds the chunk's buckets packed
 * into `data`, the running totals before the chunk and the chunk's own totals, so that the
 * running total at any instant is still one index lookup. 30 days of minutes take about
 * 750 rows instead of 44,000 (a tenth of the bytes), and appending a minute rewrites one
 * row per resolution.
 *
 * `up` converts the rows of sli_buckets into chunks and drops it; `down` converts back.
 * The encoding below is a frozen copy of version 1 of src/database/sli/sliChunks.ts, which
 * documents it: migrations cannot import the plugin's code, and must not change with it.
 */

// @ts-check

const MAX_SLOTS = 1440;
const BATCH = 500;

/**
 * Buckets per chunk of each resolution, finest first (as chunkLayouts in sliChunks.ts).
 * @param {number[]} widths
 */
function slotsPerChunk(widths) {
  return widths.map((width, i) => {
    const next = widths[i + 1];
    if (!next) return 1;
    const ratio = next / width;
    for (let d = Math.min(ratio, MAX_SLOTS); d >= 1; d--) {
      if (ratio % d === 0) return d;
    }
    return 1;
  });
}

/**
 * @param {number} v
 */
const isWhole = v =>
  Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

/**
 * Encodes a chunk: format byte, slot count, presence and sealed bitmaps, counts.
 * @param {number} slots
 * @param {Array<{ slot: number, good: number, total: number, sealed: boolean }>} buckets in slot order
 */
function encode(slots, buckets) {
  const bitmap = Math.ceil(slots / 8);
  const whole = buckets.every(b => isWhole(b.good) && isWhole(b.total));
  /** @type {number[]} */
  const counts = [];
  const varint = (/** @type {number} */ value) => {
    let v = value;
    while (v >= 128) {
      counts.push(v % 128 | 128);
      v = Math.floor(v / 128);
    }
    counts.push(v);
  };
  const floats = Buffer.alloc(whole ? 0 : buckets.length * 16);
  buckets.forEach((b, i) => {
    if (whole) {
      varint(b.good);
      varint(b.total);
    } else {
      floats.writeDoubleLE(b.good, i * 16);
      floats.writeDoubleLE(b.total, i * 16 + 8);
    }
  });
  const head = Buffer.alloc(3 + 2 * bitmap);
  head[0] = whole ? 1 : 2;
  head.writeUInt16LE(slots, 1);
  for (const b of buckets) {
    head[3 + (b.slot >> 3)] |= 1 << (b.slot & 7);
    if (b.sealed) head[3 + bitmap + (b.slot >> 3)] |= 1 << (b.slot & 7);
  }
  return Buffer.concat([head, whole ? Buffer.from(counts) : floats]);
}

/**
 * Decodes a chunk into its buckets in slot order.
 * @param {Buffer} data
 */
function decode(data) {
  const slots = data.readUInt16LE(1);
  const bitmap = Math.ceil(slots / 8);
  let offset = 3 + 2 * bitmap;
  const read = () => {
    if (data[0] === 2) {
      const value = data.readDoubleLE(offset);
      offset += 8;
      return value;
    }
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = data[offset++];
      value += (byte & 127) * scale;
      if (byte < 128) return value;
      scale *= 128;
    }
  };
  const buckets = [];
  for (let slot = 0; slot < slots; slot++) {
    const bit = 1 << (slot & 7);
    if (!(data[3 + (slot >> 3)] & bit)) continue;
    const good = read();
    const total = read();
    const sealed = Boolean(data[3 + bitmap + (slot >> 3)] & bit);
    buckets.push({ slot, good, total, sealed });
  }
  return buckets;
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {object[]} rows
 */
async function insertBatches(knex, table, rows) {
  for (let i = 0; i < rows.length; i += BATCH) {
    await knex(table).insert(rows.slice(i, i + BATCH));
  }
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sli_chunks', table => {
    table.comment(
      'Good/total SLI counts per SLO and resolution, in chunks of aligned buckets',
    );
    table.string('slo_id', 64).notNullable().comment('slos.id');
    table
      .integer('resolution_ms')
      .notNullable()
      .comment('Bucket width in milliseconds (base or roll-up resolution)');
    table
      .bigInteger('chunk_start')
      .notNullable()
      .comment('Start of the chunk, epoch ms, aligned to the chunk width');
    table
      .double('cum_good')
      .notNullable()
      .comment('Running total of good before the chunk');
    table
      .double('cum_total')
      .notNullable()
      .comment('Running total of total before the chunk');
    table.double('good').notNullable().comment('Good events in the chunk');
    table.double('total').notNullable().comment('All events in the chunk');
    table
      .integer('buckets')
      .notNullable()
      .comment('Buckets stored in the chunk');
    table
      .bigInteger('sealed_through')
      .nullable()
      .comment(
        'Roll-ups: end of the latest bucket whose finer buckets were expired',
      );
    table
      .binary('data')
      .notNullable()
      .comment('The buckets, packed (see src/database/sli/sliChunks.ts)');
    table.bigInteger('updated_at').notNullable();
    table.primary(['slo_id', 'resolution_ms', 'chunk_start'], 'sli_chunks_pk');
    table.index(['resolution_ms', 'chunk_start'], 'sli_chunks_retention_idx');
  });

  const widths = (
    await knex('sli_buckets').distinct('resolution_ms').orderBy('resolution_ms')
  ).map(r => Number(r.resolution_ms));
  const slots = slotsPerChunk(widths);
  const sloIds = (await knex('sli_buckets').distinct('slo_id')).map(
    r => r.slo_id,
  );
  for (const sloId of sloIds) {
    for (let level = 0; level < widths.length; level++) {
      const width = widths[level];
      const span = width * slots[level];
      const rows = await knex('sli_buckets')
        .where({ slo_id: sloId, resolution_ms: width })
        .orderBy('bucket_start');
      /** @type {Map<number, any[]>} */
      const chunks = new Map();
      for (const row of rows) {
        const start = Math.floor(Number(row.bucket_start) / span) * span;
        const list = chunks.get(start) ?? [];
        list.push(row);
        chunks.set(start, list);
      }
      const inserts = [...chunks.entries()].map(([start, list]) => {
        const buckets = list.map(row => ({
          slot: (Number(row.bucket_start) - start) / width,
          good: Number(row.good),
          total: Number(row.total),
          sealed: Boolean(row.sealed),
        }));
        const last = list[list.length - 1];
        const first = list[0];
        const sealed = buckets.filter(b => b.sealed);
        return {
          slo_id: sloId,
          resolution_ms: width,
          chunk_start: start,
          cum_good: Number(first.cum_good) - Number(first.good),
          cum_total: Number(first.cum_total) - Number(first.total),
          good:
            Number(last.cum_good) - Number(first.cum_good) + Number(first.good),
          total:
            Number(last.cum_total) -
            Number(first.cum_total) +
            Number(first.total),
          buckets: buckets.length,
          sealed_through: sealed.length
            ? start + (sealed[sealed.length - 1].slot + 1) * width
            : null,
          data: encode(slots[level], buckets),
          updated_at: Math.max(...list.map(row => Number(row.updated_at))),
        };
      });
      await insertBatches(knex, 'sli_chunks', inserts);
    }
  }
  await knex.schema.dropTable('sli_buckets');
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // The table as its own migration created it (migrations never change).
  await require('./20261125110000_sli_buckets').up(knex);

  const keys = await knex('sli_chunks').distinct('slo_id', 'resolution_ms');
  for (const key of keys) {
    const chunks = await knex('sli_chunks')
      .where({ slo_id: key.slo_id, resolution_ms: key.resolution_ms })
      .orderBy('chunk_start');
    const width = Number(key.resolution_ms);
    const rows = [];
    for (const chunk of chunks) {
      let cumGood = Number(chunk.cum_good);
      let cumTotal = Number(chunk.cum_total);
      for (const b of decode(chunk.data)) {
        cumGood += b.good;
        cumTotal += b.total;
        rows.push({
          slo_id: key.slo_id,
          resolution_ms: width,
          bucket_start: Number(chunk.chunk_start) + b.slot * width,
          good: b.good,
          total: b.total,
          cum_good: cumGood,
          cum_total: cumTotal,
          sealed: b.sealed,
          updated_at: Number(chunk.updated_at),
        });
      }
    }
    await insertBatches(knex, 'sli_buckets', rows);
  }
  await knex.schema.dropTable('sli_chunks');
};

/** The format-1 decoder, also used by the fault harness (scripts/faults/verify.js). */
exports.decodeChunk = decode;
