// @ts-check
'use strict';

/*
 * What the database holds after a run, against what was sent: every expected incident once
 * with its final state, nothing more; every delivery answered 2xx durable; every SLI bucket
 * exactly once with its counts, roll-ups equal to the sums of their buckets and running
 * totals consistent; retention and evaluation rows whole.
 */

const { HOUR, DAY, MINUTE } = require('./workload');
// The chunk format's decoder, from the migration that introduced it.
const {
  decodeChunk,
} = require('../../plugins/operability-backend/migrations/20261217100000_sli_chunks.js');

/**
 * The buckets of one row of `sli_chunks`, as the store reads them (the format is in
 * plugins/operability-backend/src/database/sli/sliChunks.ts).
 * Running totals include the bucket: the chunk's totals before it plus the slots up to it.
 * @param {any} row
 */
function chunkBuckets(row) {
  const data = /** @type {Buffer} */ (row.data);
  const width = Number(row.resolution_ms);
  const sealedThrough =
    row.sealed_through === null ? -Infinity : Number(row.sealed_through);
  let cumGood = Number(row.cum_good);
  let cumTotal = Number(row.cum_total);
  const out = [];
  for (const { slot, good, total, sealed } of decodeChunk(data)) {
    cumGood += good;
    cumTotal += total;
    const start = Number(row.chunk_start) + slot * width;
    out.push({
      sloId: row.slo_id,
      width,
      start,
      good,
      total,
      cumGood,
      cumTotal,
      sealed: sealed || start + width <= sealedThrough,
    });
  }
  return out;
}

/**
 * @param {import('pg').Client} db the operability plugin's database
 * @param {{
 *   expected: Map<string, import('./workload').ExpectedIncident>;
 *   acknowledged: import('./workload').Delivery[];
 *   expectedBuckets: Map<string, { good: number; total: number }>;
 *   seeded: Map<string, { good: number; total: number }>;
 *   levels: Array<{ widthMs: number; retentionMs: number }>;
 *   now: number;
 *   sloIds: string[];
 * }} options
 */
async function verify(db, options) {
  /** @type {string[]} */
  const problems = [];
  const note = (/** @type {string} */ p) => {
    if (problems.length < 40) problems.push(p);
  };
  let lost = 0;
  let duplicated = 0;

  // Incidents: exactly the expected source records, each with its final state (records are
  // what the sources delivered; grouping them into incidents is checked by the store tests).
  const rows = (
    await db.query(
      `SELECT i.source, i.source_key, i.status, i.started_at, i.acknowledged_at, i.resolved_at,
              string_agg(e.entity_ref, ',' ORDER BY e.entity_ref) AS entity_refs
         FROM incident_records i
         LEFT JOIN incident_record_entities e ON e.record_id = i.id
        GROUP BY i.id`,
    )
  ).rows;
  /** @type {Map<string, any>} */
  const stored = new Map();
  for (const row of rows) {
    const key = `${row.source}\t${row.source_key}`;
    if (stored.has(key)) {
      duplicated++;
      note(`incident ${key} stored twice`);
    }
    stored.set(key, row);
  }
  const wrong = { missing: 0, state: 0, extra: 0 };
  const num = (/** @type {any} */ v) => (v === null ? undefined : Number(v));
  for (const [key, want] of options.expected) {
    const row = stored.get(key);
    if (!row) {
      wrong.missing++;
      lost++;
      note(`incident ${key} missing`);
      continue;
    }
    const got = {
      status: row.status,
      startedAt: num(row.started_at),
      acknowledgedAt: num(row.acknowledged_at),
      resolvedAt: num(row.resolved_at),
      entityRef: row.entity_refs,
    };
    const mismatches = Object.entries(want)
      .filter(([field, value]) => {
        if (field === 'acknowledgedAt' && value === undefined) return false;
        return /** @type {any} */ (got)[field] !== value;
      })
      .map(
        ([field, value]) =>
          `${field} ${/** @type {any} */ (got)[field]} != ${value}`,
      );
    if (mismatches.length) {
      wrong.state++;
      lost++;
      note(`incident ${key}: ${mismatches.join(', ')}`);
    }
  }
  for (const key of stored.keys()) {
    if (!options.expected.has(key)) {
      wrong.extra++;
      duplicated++;
      note(`incident ${key} was never sent`);
    }
  }

  // Every delivery answered 2xx is durable.
  const deliveryIds = new Set(
    (
      await db.query('SELECT source, delivery_id FROM incident_deliveries')
    ).rows.map(r => `${r.source}\t${r.delivery_id}`),
  );
  let notDurable = 0;
  for (const d of options.acknowledged) {
    let durable = true;
    if (d.kind === 'alertmanager') {
      for (const alert of d.alerts ?? []) {
        const row = stored.get(`alertmanager\t${alert.key}`);
        if (!row || (alert.resolved && row.status !== 'resolved'))
          durable = false;
      }
    } else if (d.kind === 'github' || d.kind === 'pagerduty') {
      durable =
        deliveryIds.has(`${d.kind}\t${d.deliveryId}`) &&
        stored.has(`${d.kind}\t${d.sourceKey}`);
    }
    if (!durable) {
      notDurable++;
      lost++;
      note(
        `${d.kind} delivery ${
          d.deliveryId ?? d.id
        } was answered 2xx but is not stored`,
      );
    }
  }

  // SLI buckets.
  const base = options.levels[0];
  const buckets = (
    await db.query(
      `SELECT slo_id, resolution_ms, chunk_start, cum_good, cum_total, sealed_through, data
         FROM sli_chunks ORDER BY slo_id, resolution_ms, chunk_start`,
    )
  ).rows.flatMap(chunkBuckets);
  const sli = {
    base: 0,
    missing: 0,
    wrong: 0,
    extra: 0,
    rollupsWrong: 0,
    runningTotalsWrong: 0,
    unsealedExpired: 0,
  };
  /** @type {Map<string, { good: number; total: number }>} */
  const storedBase = new Map();
  for (const b of buckets) {
    if (b.width !== base.widthMs) continue;
    sli.base++;
    storedBase.set(`${b.sloId}\t${b.start}`, b);
  }
  for (const [key, want] of options.expectedBuckets) {
    const got = storedBase.get(key);
    if (!got) {
      sli.missing++;
      lost++;
      note(`SLI bucket ${key} missing`);
    } else if (got.good !== want.good || got.total !== want.total) {
      sli.wrong++;
      lost++;
      note(
        `SLI bucket ${key}: ${got.good}/${got.total} != ${want.good}/${want.total}`,
      );
    }
  }
  for (const key of storedBase.keys()) {
    if (!options.expectedBuckets.has(key)) {
      sli.extra++;
      duplicated++;
      note(`SLI bucket ${key} was never pushed (or outlived its retention)`);
    }
  }
  // Roll-ups: the sum of every bucket pushed into them (retention expires the base buckets
  // of sealed ones, never their counts).
  /** @type {Map<string, { good: number; total: number }>} */
  const pushed = new Map([...options.seeded, ...options.expectedBuckets]);
  for (const level of options.levels.slice(1)) {
    /** @type {Map<string, { good: number; total: number }>} */
    const sums = new Map();
    for (const [key, counts] of pushed) {
      const [sloId, start] = key.split('\t');
      const k = `${sloId}\t${
        Math.floor(Number(start) / level.widthMs) * level.widthMs
      }`;
      const sum = sums.get(k) ?? { good: 0, total: 0 };
      sum.good += counts.good;
      sum.total += counts.total;
      sums.set(k, sum);
    }
    const rowsOfLevel = new Map(
      buckets
        .filter(b => b.width === level.widthMs)
        .map(b => [`${b.sloId}\t${b.start}`, b]),
    );
    for (const [k, sum] of sums) {
      const row = rowsOfLevel.get(k);
      if (
        !row ||
        Math.abs(row.good - sum.good) > 1e-6 ||
        Math.abs(row.total - sum.total) > 1e-6
      ) {
        sli.rollupsWrong++;
        if (!row || row.total < sum.total) lost++;
        else duplicated++;
        note(
          `roll-up ${level.widthMs / MINUTE}m ${k}: ${
            row ? `${row.good}/${row.total}` : 'missing'
          } != ${sum.good}/${sum.total}`,
        );
      }
    }
    for (const k of rowsOfLevel.keys()) {
      if (!sums.has(k)) {
        sli.rollupsWrong++;
        duplicated++;
        note(`roll-up ${level.widthMs / MINUTE}m ${k} holds data never pushed`);
      }
    }
  }
  // Running totals: each row's totals are the previous row's plus its own counts.
  for (let i = 1; i < buckets.length; i++) {
    const a = buckets[i - 1];
    const b = buckets[i];
    if (a.sloId !== b.sloId || a.width !== b.width) continue;
    if (
      Math.abs(b.cumGood - a.cumGood - b.good) > 1e-6 ||
      Math.abs(b.cumTotal - a.cumTotal - b.total) > 1e-6
    ) {
      sli.runningTotalsWrong++;
      note(
        `running totals of ${b.sloId} at ${b.width / MINUTE}m ${new Date(
          b.start,
        ).toISOString()} do not add up`,
      );
    }
  }
  // Retention applied whole: no 1-minute bucket left past the cutoff, and every roll-up
  // standing for expired buckets sealed.
  const cutoff = Math.floor((options.now - base.retentionMs) / HOUR) * HOUR;
  for (const b of buckets) {
    if (b.width === base.widthMs && b.start < cutoff) {
      sli.unsealedExpired++;
      note(
        `1-minute bucket ${b.sloId} ${new Date(
          b.start,
        ).toISOString()} outlived retention`,
      );
    }
    if (b.width === HOUR && b.start + HOUR <= cutoff && !b.sealed) {
      sli.unsealedExpired++;
      note(
        `hour ${b.sloId} ${new Date(
          b.start,
        ).toISOString()} expired at 1 minute but not sealed`,
      );
    }
  }

  // Evaluations: one per SLO, whole (the columns agree with the stored result).
  const evaluations = (
    await db.query(
      'SELECT slo_id, evaluated_at, status, result FROM slo_evaluations',
    )
  ).rows;
  let evaluationsWrong = 0;
  for (const row of evaluations) {
    const result = JSON.parse(row.result);
    if (
      result.status !== row.status ||
      Date.parse(result.evaluatedAt) !== Number(row.evaluated_at)
    ) {
      evaluationsWrong++;
      note(`evaluation of ${row.slo_id} is not whole`);
    }
  }
  const unevaluated = options.sloIds.filter(
    id => !evaluations.some(r => r.slo_id === id),
  ).length;
  if (unevaluated) note(`${unevaluated} SLO(s) never evaluated`);

  return {
    lost,
    duplicated,
    incidents: {
      expected: options.expected.size,
      stored: stored.size,
      ...wrong,
      notDurable,
    },
    sli,
    evaluations: {
      stored: evaluations.length,
      wrong: evaluationsWrong,
      unevaluated,
    },
    problems,
    ok:
      lost === 0 &&
      duplicated === 0 &&
      sli.runningTotalsWrong === 0 &&
      sli.unsealedExpired === 0 &&
      evaluationsWrong === 0 &&
      unevaluated === 0,
  };
}

/** Each migration of a plugin's database applied exactly once. @param {import('pg').Client} db */
async function migrationsOnce(db) {
  const rows = (
    await db.query(
      'SELECT name, count(*)::int AS n FROM knex_migrations GROUP BY name',
    )
  ).rows;
  return {
    migrations: rows.length,
    twice: rows.filter(r => r.n !== 1).map(r => r.name),
  };
}

module.exports = { DAY, migrationsOnce, verify };
