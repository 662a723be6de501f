import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { captureQueries } from '../../__testUtils__/queries';
import { sloInput } from '../../__testUtils__/slos';
import { applyDatabaseMigrations } from '../migrations';
import { KnexSliStore, validateSliLevels, type SliLevel } from './SliStore';
import { KnexSloStore } from '../slo/SloStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

// Small retentions so that roll-ups and expiry are visible in a few buckets.
const levels: SliLevel[] = [
  { widthMs: MINUTE, retentionMs: 2 * HOUR },
  { widthMs: HOUR, retentionMs: 2 * DAY },
  { widthMs: DAY, retentionMs: 10 * DAY },
];

// 2026-11-20T00:00:00Z
const T0 = Date.UTC(2026, 10, 20);

describe.each(databases.eachSupportedId())('KnexSliStore on %s', databaseId => {
  let knex: Knex;

  async function setup() {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const slos = new KnexSloStore(knex);
    const slo = await slos.upsert(sloInput());
    const other = await slos.upsert(
      sloInput({ entityRef: 'component:default/thanos' }),
    );
    return {
      store: new KnexSliStore(knex, levels),
      id: slo.id,
      other: other.id,
    };
  }

  /** The INSERT statements sent while `fn` runs. */
  function insertsDuring(fn: () => Promise<unknown>) {
    return captureQueries(knex, /^\s*insert/i, fn);
  }

  function minutes(from: number, count: number, good: number, total = 10) {
    return Array.from({ length: count }, (_, i) => ({
      start: from + i * MINUTE,
      good,
      total,
    }));
  }

  it('counts any window exactly from two running totals', async () => {
    const { store, id } = await setup();
    const now = T0 + HOUR;
    await store.writeBuckets(id, minutes(T0, 30, 10), now);
    await store.writeBuckets(id, minutes(T0 + 30 * MINUTE, 10, 4), now);

    await expect(
      store.getCounts(id, T0, T0 + 40 * MINUTE, now),
    ).resolves.toEqual({
      good: 340,
      total: 400,
      from: T0,
      to: T0 + 40 * MINUTE,
    });
    await expect(
      store.getCounts(id, T0 + 25 * MINUTE, T0 + 35 * MINUTE, now),
    ).resolves.toMatchObject({ good: 70, total: 100 });
    // A window without data, and an empty window.
    await expect(
      store.getCounts(id, T0 + 50 * MINUTE, T0 + 55 * MINUTE, now),
    ).resolves.toMatchObject({ good: 0, total: 0 });
    await expect(store.getCounts(id, T0, T0, now)).resolves.toMatchObject({
      good: 0,
      total: 0,
    });
  });

  it('aligns windows outward to whole buckets', async () => {
    const { store, id } = await setup();
    const now = T0 + HOUR;
    await store.writeBuckets(id, minutes(T0, 5, 1), now);
    await expect(
      store.getCounts(id, T0 + 30_000, T0 + 2 * MINUTE + 1, now),
    ).resolves.toEqual({ good: 3, total: 30, from: T0, to: T0 + 3 * MINUTE });
  });

  it('keeps SLOs apart', async () => {
    const { store, id, other } = await setup();
    const now = T0 + HOUR;
    await store.writeBuckets(id, minutes(T0, 3, 1), now);
    await store.writeBuckets(other, minutes(T0, 3, 9), now);
    await expect(
      store.getCounts(other, T0, T0 + 3 * MINUTE, now),
    ).resolves.toMatchObject({ good: 27, total: 30 });
    await expect(store.deleteForSlo(other)).resolves.toBeGreaterThan(0);
    await expect(
      store.getCounts(id, T0, T0 + 3 * MINUTE, now),
    ).resolves.toMatchObject({ good: 3, total: 30 });
    await expect(
      store.getCounts(other, T0, T0 + 3 * MINUTE, now),
    ).resolves.toMatchObject({ good: 0, total: 0 });
  });

  it('leaves deferred SLOs out of retention', async () => {
    const { store, id, other } = await setup();
    await store.writeBuckets(id, minutes(T0, 180, 10), T0 + 3 * HOUR);
    await store.writeBuckets(other, minutes(T0, 180, 10), T0 + 3 * HOUR);
    const now = T0 + 5 * HOUR;
    expect(store.retentionCutoff(now)).toBe(T0 + 3 * HOUR);

    const result = await store.applyRetention(now, { defer: [other] });
    expect(result).toEqual({ deleted: 180, sealed: 3 });
    const count = async (sloId: string) =>
      (await store.getRunningTotals(sloId, MINUTE, T0, now)).rows.length;
    await expect(count(id)).resolves.toBe(0);
    await expect(count(other)).resolves.toBe(180);
    // The deferred SLO's old minutes can still be written; the other's are sealed.
    await expect(
      store.writeBuckets(other, [{ start: T0, good: 5, total: 10 }], now),
    ).resolves.toMatchObject({ replaced: [expect.anything()] });
    await expect(
      store.writeBuckets(id, [{ start: T0, good: 5, total: 10 }], now),
    ).rejects.toThrow(/rolled up into 60-minute buckets/);
  });

  it('leaves retention for the next run once its task times out', async () => {
    const { store, id } = await setup();
    await store.writeBuckets(id, minutes(T0, 180, 10), T0 + 3 * HOUR);
    const now = T0 + 5 * HOUR;
    await expect(
      store.applyRetention(now, { signal: AbortSignal.abort() }),
    ).resolves.toEqual({ deleted: 0, sealed: 0 });
    await expect(store.applyRetention(now)).resolves.toEqual({
      deleted: 180,
      sealed: 3,
    });
  });

  it('is idempotent, and a different value replaces the stored bucket', async () => {
    const { store, id } = await setup();
    const now = T0 + HOUR;
    const first = await store.writeBuckets(id, minutes(T0, 3, 8), now);
    expect(first).toEqual({ inserted: 3, unchanged: 0, replaced: [] });

    const again = await store.writeBuckets(id, minutes(T0, 3, 8), now);
    expect(again).toEqual({ inserted: 0, unchanged: 3, replaced: [] });

    const changed = await store.writeBuckets(
      id,
      [{ start: T0 + MINUTE, good: 2, total: 10 }],
      now,
    );
    expect(changed).toEqual({
      inserted: 0,
      unchanged: 0,
      replaced: [
        {
          start: T0 + MINUTE,
          previous: { good: 8, total: 10 },
          good: 2,
          total: 10,
        },
      ],
    });
    await expect(
      store.getCounts(id, T0, T0 + 3 * MINUTE, now),
    ).resolves.toMatchObject({ good: 18, total: 30 });
    // The hour and day roll-ups follow the replacement.
    const hours = await store.getRunningTotals(id, HOUR, T0, T0 + HOUR);
    expect(hours.rows).toEqual([
      { start: T0, good: 18, total: 30, cumGood: 18, cumTotal: 30 },
    ]);
  });

  it('writes a push across hour and day boundaries as one upsert of every resolution, and a re-push changes no row', async () => {
    const { store, id } = await setup();
    // 23:30 to 01:30 around midnight of T0 + 1 day: three minute chunks, three hours of
    // roll-up chunks over two days, two day chunks.
    const midnight = T0 + DAY;
    const now = midnight + 2 * HOUR;
    const push = minutes(midnight - 30 * MINUTE, 120, 7);
    const upserts = await insertsDuring(async () => {
      await expect(store.writeBuckets(id, push, now)).resolves.toEqual({
        inserted: 120,
        unchanged: 0,
        replaced: [],
      });
    });
    expect(upserts).toHaveLength(1);
    const rows = async () =>
      knex('sli_chunks')
        .where({ slo_id: id })
        .orderBy(['resolution_ms', 'chunk_start'])
        .select();
    const stored = await rows();
    expect(
      stored.map(r => [Number(r.resolution_ms), Number(r.chunk_start)]),
    ).toEqual([
      [MINUTE, midnight - HOUR],
      [MINUTE, midnight],
      [MINUTE, midnight + HOUR],
      [HOUR, T0],
      [HOUR, midnight],
      [DAY, T0],
      [DAY, midnight],
    ]);
    const hours = await store.getRunningTotals(id, HOUR, T0, now);
    expect(hours.rows).toEqual([
      {
        start: midnight - HOUR,
        good: 210,
        total: 300,
        cumGood: 210,
        cumTotal: 300,
      },
      { start: midnight, good: 420, total: 600, cumGood: 630, cumTotal: 900 },
      {
        start: midnight + HOUR,
        good: 210,
        total: 300,
        cumGood: 840,
        cumTotal: 1200,
      },
    ]);
    const days = await store.getRunningTotals(id, DAY, T0, now);
    expect(days.rows.map(r => [r.start, r.good, r.cumGood])).toEqual([
      [T0, 210, 210],
      [midnight, 630, 840],
    ]);

    // The same push again, later: nothing changes, not even the rows' write times.
    await expect(store.writeBuckets(id, push, now + MINUTE)).resolves.toEqual({
      inserted: 0,
      unchanged: 120,
      replaced: [],
    });
    expect(await rows()).toEqual(stored);

    // A re-push overlapping the boundary with some buckets changed: only those count anew.
    const overlap = minutes(midnight - 5 * MINUTE, 10, 7).map(b =>
      b.start === midnight - MINUTE || b.start === midnight
        ? { ...b, good: 10 }
        : b,
    );
    const changed = await store.writeBuckets(id, overlap, now + MINUTE);
    expect(changed.unchanged).toBe(8);
    expect(changed.replaced.map(r => r.start)).toEqual([
      midnight - MINUTE,
      midnight,
    ]);
    await expect(
      store.getCounts(id, midnight - 30 * MINUTE, now, now),
    ).resolves.toMatchObject({ good: 840 + 6, total: 1200 });
    const daysAfter = await store.getRunningTotals(id, DAY, T0, now);
    expect(daysAfter.rows.map(r => [r.good, r.cumGood])).toEqual([
      [213, 213],
      [633, 846],
    ]);
  });

  it('rewrites more chunks than one upsert statement holds, in one transaction', async () => {
    const { id } = await setup();
    // Minutes kept 30 days, so that 560 hours of minute chunks stay writable.
    const store = new KnexSliStore(knex, [
      { widthMs: MINUTE, retentionMs: 30 * DAY },
      { widthMs: HOUR, retentionMs: 120 * DAY },
      { widthMs: DAY, retentionMs: 400 * DAY },
    ]);
    const now = T0 + 25 * DAY;
    // One minute in each of 560 hours: 560 minute chunks.
    const hourly = Array.from({ length: 560 }, (_, h) => ({
      start: T0 + h * HOUR,
      good: 3,
      total: 4,
    }));
    await store.writeBuckets(id, hourly, now);
    // The first bucket changes: every chunk after it in each resolution is rewritten.
    const upserts = await insertsDuring(() =>
      store.writeBuckets(id, [{ start: T0, good: 0, total: 4 }], now),
    );
    expect(upserts.length).toBeGreaterThan(1);
    const { rows } = await store.getRunningTotals(id, MINUTE, T0, now);
    const last = rows[rows.length - 1];
    expect([rows.length, last.cumGood, last.cumTotal]).toEqual([
      560,
      559 * 3,
      560 * 4,
    ]);
    const days = await store.getRunningTotals(id, DAY, T0, T0 + 24 * DAY);
    expect(days.rows.at(-1)).toMatchObject({
      cumGood: 559 * 3,
      cumTotal: 560 * 4,
    });
    await expect(
      store.getCounts(id, T0 + HOUR, T0 + 560 * HOUR, now),
    ).resolves.toMatchObject({ good: 559 * 3, total: 559 * 4 });
  });

  it('reads the windows of several SLOs at once as it reads each SLO alone', async () => {
    const { store, id, other } = await setup();
    const now = T0 + 3 * DAY;
    await store.writeBuckets(id, minutes(now - 90 * MINUTE, 80, 9), now);
    await store.writeBuckets(other, minutes(now - 30 * MINUTE, 30, 4), now);
    const third = (
      await new KnexSloStore(knex).upsert(
        sloInput({ entityRef: 'component:default/loki' }),
      )
    ).id;
    // Windows from before any stored chunk (hour and day roll-ups), across chunks, empty.
    const windows = [
      { from: now - 7 * DAY, to: now },
      { from: now - DAY, to: now },
      { from: now - HOUR, to: now },
      { from: now - 5 * MINUTE, to: now },
      { from: now - 100 * MINUTE, to: now - 70 * MINUTE },
      { from: now, to: now },
    ];
    const together = await store.getCountsOfSlos(
      [id, other, third, id].map(sloId => ({ sloId, windows })),
      now,
    );
    const alone = await Promise.all(
      [id, other, third, id].map(sloId =>
        store.getCountsMany(sloId, windows, now),
      ),
    );
    expect(together).toEqual(alone);
    expect(together[0][0]).toMatchObject({ good: 720, total: 800 });
    expect(together[1][2]).toMatchObject({ good: 120, total: 300 });
    expect(together[2].map(c => c.total)).toEqual([0, 0, 0, 0, 0, 0]);
    // Each alone, one window at a time.
    for (const [k, sloId] of [id, other].entries()) {
      for (const [w, window] of windows.entries()) {
        await expect(
          store.getCounts(sloId, window.from, window.to, now),
        ).resolves.toEqual(together[k][w]);
      }
    }
  });

  it('rewrites running totals when a bucket arrives before later ones', async () => {
    const { store, id } = await setup();
    const now = T0 + HOUR;
    await store.writeBuckets(id, minutes(T0 + 10 * MINUTE, 5, 5), now);
    await store.writeBuckets(id, minutes(T0, 2, 1), now);
    const totals = await store.getRunningTotals(id, MINUTE, T0, T0 + HOUR);
    expect(totals.base).toEqual({ good: 0, total: 0 });
    expect(totals.rows.map(r => [r.cumGood, r.cumTotal])).toEqual([
      [1, 10],
      [2, 20],
      [7, 30],
      [12, 40],
      [17, 50],
      [22, 60],
      [27, 70],
    ]);
    await expect(
      store.getCounts(id, T0 + MINUTE, T0 + 11 * MINUTE, now),
    ).resolves.toMatchObject({ good: 6, total: 20 });
    await expect(store.getLatestBucketStart(id)).resolves.toBe(
      T0 + 14 * MINUTE,
    );
  });

  it('refuses invalid buckets and leaves stored data unchanged', async () => {
    const { store, id } = await setup();
    const now = T0 + HOUR;
    await store.writeBuckets(id, minutes(T0, 2, 5), now);
    const cases = [
      [{ start: T0 + 2 * MINUTE, good: 11, total: 10 }],
      [{ start: T0 + 2 * MINUTE, good: -1, total: 10 }],
      [{ start: T0 + 2 * MINUTE, good: Number.NaN, total: 10 }],
      [{ start: T0 + 2 * MINUTE, good: 1, total: Infinity }],
      [{ start: T0 + 2 * MINUTE + 1, good: 1, total: 10 }],
      [
        { start: T0, good: 1, total: 10 },
        { start: T0, good: 2, total: 10 },
      ],
      [
        { start: T0, good: 0, total: 10 },
        { start: T0 - 20 * DAY, good: 1, total: 1 },
      ],
    ];
    for (const buckets of cases) {
      await expect(store.writeBuckets(id, buckets, now)).rejects.toMatchObject({
        name: 'InputError',
      });
    }
    await expect(
      store.getCounts(id, T0, T0 + 3 * MINUTE, now),
    ).resolves.toMatchObject({ good: 10, total: 20 });
  });

  it('accepts writes back to the longest retention while nothing is sealed', async () => {
    const { store, id } = await setup();
    await expect(store.getWritableFrom(id, T0 + 12 * HOUR)).resolves.toBe(
      T0 - 10 * DAY,
    );
  });

  it('refuses writes for an SLO that does not exist', async () => {
    const { store } = await setup();
    await expect(
      store.writeBuckets('nope', minutes(T0, 1, 1), T0 + HOUR),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('rolls up into hours and days, expires old buckets and still counts old windows', async () => {
    const { store, id } = await setup();
    // Three days of minutes: 1 bad event per hour (in the first minute of each hour).
    const buckets = minutes(T0, 3 * 24 * 60, 10).map(b =>
      b.start % HOUR === 0 ? { ...b, good: 9 } : b,
    );
    let now = T0 + 3 * DAY;
    await store.writeBuckets(id, buckets, now);

    const days = await store.getRunningTotals(id, DAY, T0, T0 + 3 * DAY);
    expect(days.rows.map(r => [r.good, r.total])).toEqual([
      [14376, 14400],
      [14376, 14400],
      [14376, 14400],
    ]);

    now = T0 + 3 * DAY + 30 * MINUTE;
    const before = await store.getCounts(id, T0 + DAY, T0 + 2 * DAY, now);
    expect(before).toEqual({
      good: 14376,
      total: 14400,
      from: T0 + DAY,
      to: T0 + 2 * DAY,
    });

    const retention = await store.applyRetention(now);
    expect(retention.deleted).toBeGreaterThan(0);
    // Minutes are kept from the hour at or before now - 2h.
    const minutesLeft = await store.getRunningTotals(
      id,
      MINUTE,
      T0,
      T0 + 4 * DAY,
    );
    expect(minutesLeft.rows[0].start).toBe(T0 + 3 * DAY - 2 * HOUR);
    expect(minutesLeft.rows).toHaveLength(120);
    // The same window, now measured from hourly roll-ups: the same counts.
    await expect(
      store.getCounts(id, T0 + DAY, T0 + 2 * DAY, now),
    ).resolves.toEqual(before);
    // An old window that does not start on an hour is measured from the hour before.
    await expect(
      store.getCounts(id, T0 + DAY + 30 * MINUTE, T0 + DAY + 90 * MINUTE, now),
    ).resolves.toEqual({
      good: 1198,
      total: 1200,
      from: T0 + DAY,
      to: T0 + DAY + 2 * HOUR,
    });
    // A window that spans roll-ups and recent minutes is exact at its recent end.
    await expect(
      store.getCounts(id, T0, T0 + 3 * DAY - 30 * MINUTE, now),
    ).resolves.toMatchObject({
      good: 3 * 14376 - 30 * 10,
      total: 3 * 14400 - 30 * 10,
    });

    // Minutes inside a rolled-up, expired hour can no longer be written.
    await expect(store.getWritableFrom(id, now)).resolves.toBe(
      T0 + 3 * DAY - 2 * HOUR,
    );
    await expect(
      store.writeBuckets(id, [{ start: T0 + DAY, good: 0, total: 10 }], now),
    ).rejects.toThrow(/rolled up into 60-minute buckets/);
    await expect(
      store.getCounts(id, T0 + DAY, T0 + 2 * DAY, now),
    ).resolves.toEqual(before);

    // Days are kept for 10 days, hours for 2 days.
    now = T0 + 20 * DAY;
    await store.applyRetention(now);
    const left = await knex('sli_chunks').where({ slo_id: id }).count({
      n: '*',
    });
    expect(Number(left[0].n)).toBe(0);
  });

  it('matches brute-force sums for any write order and any window', async () => {
    const { store, id } = await setup();
    // Windows that start before the last hour are measured from hourly roll-ups.
    const now = T0 + 3 * HOUR;
    const model = new Map<number, { good: number; total: number }>();
    const bucketArb = fc
      .record({
        minute: fc.integer({ min: 0, max: 179 }),
        total: fc.integer({ min: 0, max: 1000 }),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ minute, total, share }) => ({
        start: T0 + minute * MINUTE,
        total,
        good: Math.floor(total * share),
      }));
    const batches = fc.array(
      fc.uniqueArray(bucketArb, { selector: b => b.start, maxLength: 40 }),
      { minLength: 1, maxLength: 5 },
    );
    const windows = fc.array(
      fc
        .tuple(
          fc.integer({ min: -5, max: 185 }),
          fc.integer({ min: -5, max: 185 }),
        )
        .map(([a, b]) => [Math.min(a, b), Math.max(a, b)]),
      { minLength: 1, maxLength: 5 },
    );
    await fc.assert(
      fc.asyncProperty(batches, windows, async (writes, queries) => {
        for (const batch of writes) {
          await store.writeBuckets(id, batch, now);
          for (const b of batch) model.set(b.start, b);
        }
        for (const [a, b] of queries) {
          const from = T0 + a * MINUTE;
          const to = T0 + b * MINUTE;
          const counts = await store.getCounts(id, from, to, now);
          expect(counts.from).toBeLessThanOrEqual(from);
          expect(counts.to).toBeGreaterThanOrEqual(to);
          let good = 0;
          let total = 0;
          for (const [start, bucket] of model) {
            if (start >= counts.from && start < counts.to) {
              good += bucket.good;
              total += bucket.total;
            }
          }
          expect([counts.good, counts.total]).toEqual([good, total]);
        }
      }),
      { numRuns: databaseId === 'SQLITE_3' ? 40 : 10 },
    );
  });
});

describe('validateSliLevels', () => {
  it('accepts the default ladder and refuses broken ones with a reason', () => {
    expect(() => validateSliLevels(levels)).not.toThrow();
    expect(() => validateSliLevels([])).toThrow(/at least one/);
    expect(() =>
      validateSliLevels([
        { widthMs: MINUTE, retentionMs: DAY },
        { widthMs: 90 * 1000, retentionMs: 2 * DAY },
      ]),
    ).toThrow(/multiple of 60000/);
    expect(() =>
      validateSliLevels([
        { widthMs: MINUTE, retentionMs: DAY },
        { widthMs: HOUR, retentionMs: DAY },
      ]),
    ).toThrow(/longer than/);
    expect(() =>
      validateSliLevels([
        { widthMs: MINUTE, retentionMs: 30 * MINUTE },
        { widthMs: HOUR, retentionMs: DAY },
      ]),
    ).toThrow(/at least one bucket of the next roll-up/);
  });
});
