import { InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';

/** Good and total event counts of one aligned bucket. */
export interface SliBucket {
  /** Start of the bucket, epoch ms, aligned to the bucket width. */
  start: number;
  good: number;
  total: number;
}

/** One resolution of the store: bucket width and how long its buckets are kept. */
export interface SliLevel {
  widthMs: number;
  retentionMs: number;
}

/** Good and total counts of a window, with the window actually measured (aligned outward). */
export interface SliCounts {
  good: number;
  total: number;
  /** Start of the measured window (the requested start aligned down to a bucket). */
  from: number;
  /** End (exclusive) of the measured window (the requested end aligned up to a bucket). */
  to: number;
}

/** A stored bucket with its running totals (sums of every bucket up to and including it). */
export interface SliBucketRow extends SliBucket {
  cumGood: number;
  cumTotal: number;
}

/** The buckets of one resolution in a range, with the running totals just before it. */
export interface SliRunningTotals {
  widthMs: number;
  /** Running totals at `from` (everything before it). */
  base: { good: number; total: number };
  from: number;
  to: number;
  rows: SliBucketRow[];
}

/** What a write did, bucket by bucket. */
export interface SliWriteResult {
  inserted: number;
  unchanged: number;
  /** Buckets that held other counts before, with the counts they replaced. */
  replaced: Array<{
    start: number;
    previous: { good: number; total: number };
    good: number;
    total: number;
  }>;
}

/**
 * The SLI store: good/total counts per SLO per aligned bucket at a base resolution, rolled
 * up on write into coarser resolutions, each row with running totals so that the counts of
 * any window are the difference of two rows.
 */
export interface SliStore {
  /** The resolutions, finest (the base, which writes use) first. */
  readonly levels: readonly SliLevel[];
  /**
   * Writes base-resolution buckets of an SLO, atomically: all or nothing. A bucket equal to
   * the stored one changes nothing; a different one replaces it (and is reported).
   * Throws InputError for buckets that can no longer be written (rolled up and expired),
   * NotFoundError when the SLO does not exist.
   */
  writeBuckets(
    sloId: string,
    buckets: SliBucket[],
    now?: number,
  ): Promise<SliWriteResult>;
  /**
   * Good and total counts of an SLO in [from, to): exact sums of the stored buckets of the
   * window aligned outward to the buckets still kept (base buckets for recent instants,
   * roll-ups for older ones).
   */
  getCounts(
    sloId: string,
    from: number,
    to: number,
    now?: number,
  ): Promise<SliCounts>;
  /** The stored buckets of one resolution in [from, to) with running totals, for series. */
  getRunningTotals(
    sloId: string,
    widthMs: number,
    from: number,
    to: number,
  ): Promise<SliRunningTotals>;
  /** The finest resolution whose buckets still cover the instant `t`. */
  levelFor(t: number, now?: number): SliLevel;
  /** Start of the latest stored base bucket of an SLO. */
  getLatestBucketStart(sloId: string): Promise<number | undefined>;
  /**
   * The earliest instant from which base buckets of an SLO can be written: after the last
   * sealed roll-up bucket and within the longest retention.
   */
  getWritableFrom(sloId: string, now?: number): Promise<number>;
  /**
   * The instant before which base buckets expire at `now` (aligned to the next resolution):
   * writes before it fall into roll-ups that retention seals.
   */
  retentionCutoff(now?: number): number;
  /**
   * Expires buckets past their retention, sealing the roll-ups that now stand for them;
   * the SLOs in `defer` are left as they are for now (their history is still being
   * collected, and sealing would refuse the rest of it). Each resolution is expired in one
   * transaction; once `signal` aborts, the resolutions not started yet wait for the next run.
   */
  applyRetention(
    now?: number,
    options?: { defer?: readonly string[]; signal?: AbortSignal },
  ): Promise<{ deleted: number; sealed: number }>;
  /** Removes every bucket of an SLO. */
  deleteForSlo(sloId: string): Promise<number>;
}

interface BucketRow {
  slo_id: string;
  resolution_ms: number | string;
  bucket_start: number | string;
  good: number | string;
  total: number | string;
  cum_good: number | string;
  cum_total: number | string;
  sealed: boolean | number;
  updated_at: number | string;
}

const TABLE = 'sli_buckets';
const WRITE_CHUNK = 500;

/** `t` aligned down to a multiple of `width` (epoch-aligned, so UTC minutes, hours, days). */
export function alignDown(t: number, width: number): number {
  return Math.floor(t / width) * width;
}

/** `t` aligned up to a multiple of `width`. */
export function alignUp(t: number, width: number): number {
  return Math.ceil(t / width) * width;
}

function toBucketRow(row: BucketRow): SliBucketRow {
  return {
    start: Number(row.bucket_start),
    good: Number(row.good),
    total: Number(row.total),
    cumGood: Number(row.cum_good),
    cumTotal: Number(row.cum_total),
  };
}

/** Float sums of integral counts stay integral; this only removes drift below zero. */
function nonNegative(value: number): number {
  return value < 0 && value > -1e-9 ? 0 : value;
}

/**
 * Checks that resolutions make a valid ladder: each width a multiple of the previous one,
 * retentions growing, and each retention at least one bucket of the next resolution.
 */
export function validateSliLevels(levels: readonly SliLevel[]): void {
  if (levels.length === 0) {
    throw new Error('The SLI store needs at least one resolution');
  }
  levels.forEach((level, i) => {
    if (!Number.isInteger(level.widthMs) || level.widthMs < 1000) {
      throw new Error(
        `SLI resolution ${i}: bucket width must be a whole number of seconds, got ${level.widthMs} ms`,
      );
    }
    if (level.retentionMs < level.widthMs) {
      throw new Error(
        `SLI resolution ${i}: retention must be at least one bucket (${level.widthMs} ms)`,
      );
    }
    const next = levels[i + 1];
    if (next) {
      if (next.widthMs <= level.widthMs || next.widthMs % level.widthMs) {
        throw new Error(
          `SLI roll-up ${i + 1}: bucket width ${
            next.widthMs
          } ms must be a multiple of ${level.widthMs} ms and larger`,
        );
      }
      if (next.retentionMs <= level.retentionMs) {
        throw new Error(
          `SLI roll-up ${
            i + 1
          }: retention must be longer than that of the finer resolution`,
        );
      }
      if (level.retentionMs < next.widthMs) {
        throw new Error(
          `SLI resolution ${i}: retention must be at least one bucket of the next roll-up (${next.widthMs} ms)`,
        );
      }
    }
  });
}

/** SliStore on knex: SQLite and PostgreSQL. */
export class KnexSliStore implements SliStore {
  readonly levels: readonly SliLevel[];

  constructor(private readonly db: Knex, levels: readonly SliLevel[]) {
    validateSliLevels(levels);
    this.levels = levels;
  }

  /**
   * The first instant from which buckets of level `i` are complete. Retention deletes the
   * buckets of a level only where the next roll-up holds them as whole buckets, so this is
   * aligned to the next roll-up's width.
   */
  private coverageStart(i: number, now: number): number {
    const level = this.levels[i];
    const next = this.levels[i + 1] ?? level;
    return alignDown(now - level.retentionMs, next.widthMs);
  }

  levelFor(t: number, now: number = Date.now()): SliLevel {
    const i = this.levelIndexFor(t, now);
    return this.levels[i];
  }

  private levelIndexFor(t: number, now: number): number {
    for (let i = 0; i < this.levels.length; i++) {
      if (alignDown(t, this.levels[i].widthMs) >= this.coverageStart(i, now)) {
        return i;
      }
    }
    return this.levels.length - 1;
  }

  async writeBuckets(
    sloId: string,
    buckets: SliBucket[],
    now: number = Date.now(),
  ): Promise<SliWriteResult> {
    const base = this.levels[0];
    const oldest = this.coverageStart(this.levels.length - 1, now);
    // The store's invariants only: callers validate what they write (services/sli/SliIngest),
    // with messages for people; a bucket that breaks one here is refused, never stored.
    const seen = new Set<number>();
    buckets.forEach((b, i) => {
      const problem =
        (b.start % base.widthMs !== 0 && 'start is not aligned') ||
        (seen.has(b.start) && 'start appears twice') ||
        (b.start < oldest && 'start is older than the longest retention') ||
        (!(Number.isFinite(b.good) && Number.isFinite(b.total)) &&
          'counts are not finite') ||
        (!(b.good >= 0 && b.good <= b.total) &&
          'counts are not 0 <= good <= total');
      if (problem) {
        throw new InputError(`SLI bucket ${i} cannot be stored: ${problem}`);
      }
      seen.add(b.start);
    });
    const result: SliWriteResult = { inserted: 0, unchanged: 0, replaced: [] };
    if (buckets.length === 0) return result;

    return this.db.transaction(async trx => {
      await this.lockSlo(trx, sloId);

      const stored = new Map<number, { good: number; total: number }>();
      const starts = buckets.map(b => b.start);
      for (let i = 0; i < starts.length; i += WRITE_CHUNK) {
        const rows: BucketRow[] = await trx(TABLE)
          .where({ slo_id: sloId, resolution_ms: base.widthMs })
          .whereIn('bucket_start', starts.slice(i, i + WRITE_CHUNK))
          .select('bucket_start', 'good', 'total');
        for (const row of rows) {
          stored.set(Number(row.bucket_start), {
            good: Number(row.good),
            total: Number(row.total),
          });
        }
      }

      // Changes as deltas, so that every roll-up can apply them in the same way.
      const deltas = new Map<number, { good: number; total: number }>();
      for (const b of buckets) {
        const previous = stored.get(b.start);
        if (!previous) {
          result.inserted++;
        } else if (previous.good === b.good && previous.total === b.total) {
          result.unchanged++;
          continue;
        } else {
          result.replaced.push({
            start: b.start,
            previous,
            good: b.good,
            total: b.total,
          });
        }
        deltas.set(b.start, {
          good: b.good - (previous?.good ?? 0),
          total: b.total - (previous?.total ?? 0),
        });
      }
      if (deltas.size === 0) return result;

      await this.refuseSealed(trx, sloId, [...deltas.keys()]);

      for (const level of this.levels) {
        const levelDeltas = new Map<number, { good: number; total: number }>();
        for (const [start, d] of deltas) {
          const key = alignDown(start, level.widthMs);
          const sum = levelDeltas.get(key) ?? { good: 0, total: 0 };
          sum.good += d.good;
          sum.total += d.total;
          levelDeltas.set(key, sum);
        }
        await this.applyDeltas(trx, sloId, level.widthMs, levelDeltas, now);
      }
      return result;
    });
  }

  /** Serializes writers of one SLO (PostgreSQL row lock; SQLite serializes transactions). */
  private async lockSlo(trx: Knex.Transaction, sloId: string): Promise<void> {
    const query = trx('slos').where({ id: sloId }).first('id');
    const slo = await (this.db.client.config.client === 'pg'
      ? query.forUpdate()
      : query);
    if (!slo) {
      throw new NotFoundError(`No SLO with id ${sloId}`);
    }
  }

  /** Base buckets inside a sealed roll-up were expired: writing them would count twice. */
  private async refuseSealed(
    trx: Knex.Transaction,
    sloId: string,
    starts: number[],
  ): Promise<void> {
    for (const level of this.levels.slice(1)) {
      const containing = [
        ...new Set(starts.map(s => alignDown(s, level.widthMs))),
      ];
      for (let i = 0; i < containing.length; i += WRITE_CHUNK) {
        const sealed = await trx(TABLE)
          .where({ slo_id: sloId, resolution_ms: level.widthMs, sealed: true })
          .whereIn('bucket_start', containing.slice(i, i + WRITE_CHUNK))
          .orderBy('bucket_start')
          .first('bucket_start');
        if (sealed) {
          const at = Number(sealed.bucket_start);
          throw new InputError(
            `The bucket of ${new Date(
              at,
            ).toISOString()} and older ones are rolled up into ${
              level.widthMs / 60_000
            }-minute buckets and expired at the base resolution; they can no longer be written`,
          );
        }
      }
    }
  }

  /**
   * Adds deltas to the buckets of one resolution and rewrites the running totals from the
   * earliest changed bucket on. Appending (the usual case) touches only the new buckets
   * and the last one of each roll-up.
   */
  private async applyDeltas(
    trx: Knex.Transaction,
    sloId: string,
    widthMs: number,
    deltas: Map<number, { good: number; total: number }>,
    now: number,
  ): Promise<void> {
    const first = Math.min(...deltas.keys());
    const key = { slo_id: sloId, resolution_ms: widthMs };
    const before: BucketRow | undefined = await trx(TABLE)
      .where(key)
      .andWhere('bucket_start', '<', first)
      .orderBy('bucket_start', 'desc')
      .first();
    const after: BucketRow[] = await trx(TABLE)
      .where(key)
      .andWhere('bucket_start', '>=', first)
      .orderBy('bucket_start');

    // Running totals just before `first`, in this resolution's own frame.
    let cumGood = 0;
    let cumTotal = 0;
    if (before) {
      cumGood = Number(before.cum_good);
      cumTotal = Number(before.cum_total);
    } else if (after.length > 0) {
      cumGood = Number(after[0].cum_good) - Number(after[0].good);
      cumTotal = Number(after[0].cum_total) - Number(after[0].total);
    }

    const existing = new Map(after.map(r => [Number(r.bucket_start), r]));
    const starts = [...new Set([...existing.keys(), ...deltas.keys()])].sort(
      (a, b) => a - b,
    );
    const writes: BucketRow[] = [];
    for (const start of starts) {
      const row = existing.get(start);
      const delta = deltas.get(start);
      const good = nonNegative(
        (row ? Number(row.good) : 0) + (delta?.good ?? 0),
      );
      const total = nonNegative(
        (row ? Number(row.total) : 0) + (delta?.total ?? 0),
      );
      cumGood += good;
      cumTotal += total;
      if (
        !row ||
        delta ||
        Number(row.cum_good) !== cumGood ||
        Number(row.cum_total) !== cumTotal
      ) {
        writes.push({
          ...key,
          bucket_start: start,
          good,
          total,
          cum_good: cumGood,
          cum_total: cumTotal,
          sealed: row ? Boolean(row.sealed) : false,
          updated_at: now,
        });
      }
    }
    for (let i = 0; i < writes.length; i += WRITE_CHUNK) {
      await trx(TABLE)
        .insert(writes.slice(i, i + WRITE_CHUNK))
        .onConflict(['slo_id', 'resolution_ms', 'bucket_start'])
        .merge(['good', 'total', 'cum_good', 'cum_total', 'updated_at']);
    }
  }

  async getCounts(
    sloId: string,
    from: number,
    to: number,
    now: number = Date.now(),
  ): Promise<SliCounts> {
    const base = this.levels[0];
    const end = alignUp(to, base.widthMs);
    let i = this.levelIndexFor(from, now);
    let cursor = Math.max(
      alignDown(from, this.levels[i].widthMs),
      alignUp(this.coverageStart(i, now), this.levels[i].widthMs),
    );
    const measuredFrom = cursor;
    if (end <= cursor) {
      return { good: 0, total: 0, from: cursor, to: cursor };
    }

    let good = 0;
    let total = 0;
    for (; i >= 0; i--) {
      const width = this.levels[i].widthMs;
      let segmentEnd = i === 0 ? end : Math.max(cursor, alignDown(end, width));
      // The finer resolution must still hold the rest of the window; if it does not,
      // this resolution measures up to the end (aligned up) and the walk stops here.
      const finerCovers = i > 0 && segmentEnd >= this.coverageStart(i - 1, now);
      if (i > 0 && !finerCovers) {
        segmentEnd = alignUp(end, width);
      }
      if (segmentEnd > cursor) {
        const [a, b] = await Promise.all([
          this.runningTotalAt(sloId, width, cursor),
          this.runningTotalAt(sloId, width, segmentEnd),
        ]);
        good += b.good - a.good;
        total += b.total - a.total;
      }
      cursor = segmentEnd;
      if (i > 0 && !finerCovers) break;
    }
    return {
      good: nonNegative(good),
      total: nonNegative(total),
      from: measuredFrom,
      to: cursor,
    };
  }

  /**
   * The running totals of one resolution at the aligned instant `t` (all counts before t):
   * from the first bucket at or after t (its totals minus its own counts), or else from
   * the last bucket before t. One index lookup in the usual case.
   */
  private async runningTotalAt(
    sloId: string,
    widthMs: number,
    t: number,
  ): Promise<{ good: number; total: number }> {
    const key = { slo_id: sloId, resolution_ms: widthMs };
    const atOrAfter: BucketRow | undefined = await this.db(TABLE)
      .where(key)
      .andWhere('bucket_start', '>=', t)
      .orderBy('bucket_start')
      .first('good', 'total', 'cum_good', 'cum_total');
    if (atOrAfter) {
      return {
        good: Number(atOrAfter.cum_good) - Number(atOrAfter.good),
        total: Number(atOrAfter.cum_total) - Number(atOrAfter.total),
      };
    }
    const before: BucketRow | undefined = await this.db(TABLE)
      .where(key)
      .andWhere('bucket_start', '<', t)
      .orderBy('bucket_start', 'desc')
      .first('cum_good', 'cum_total');
    return before
      ? { good: Number(before.cum_good), total: Number(before.cum_total) }
      : { good: 0, total: 0 };
  }

  async getRunningTotals(
    sloId: string,
    widthMs: number,
    from: number,
    to: number,
  ): Promise<SliRunningTotals> {
    const start = alignDown(from, widthMs);
    const end = alignUp(to, widthMs);
    const [base, rows] = await Promise.all([
      this.runningTotalAt(sloId, widthMs, start),
      this.db<BucketRow>(TABLE)
        .where({ slo_id: sloId, resolution_ms: widthMs })
        .andWhere('bucket_start', '>=', start)
        .andWhere('bucket_start', '<', end)
        .orderBy('bucket_start'),
    ]);
    return { widthMs, base, from: start, to: end, rows: rows.map(toBucketRow) };
  }

  async getLatestBucketStart(sloId: string): Promise<number | undefined> {
    const row = await this.db(TABLE)
      .where({ slo_id: sloId, resolution_ms: this.levels[0].widthMs })
      .orderBy('bucket_start', 'desc')
      .first('bucket_start');
    return row ? Number(row.bucket_start) : undefined;
  }

  async getWritableFrom(
    sloId: string,
    now: number = Date.now(),
  ): Promise<number> {
    let from = this.coverageStart(this.levels.length - 1, now);
    for (const level of this.levels.slice(1)) {
      const row = await this.db(TABLE)
        .where({ slo_id: sloId, resolution_ms: level.widthMs, sealed: true })
        .max({ start: 'bucket_start' })
        .first();
      if (row?.start !== null && row?.start !== undefined) {
        from = Math.max(from, Number(row.start) + level.widthMs);
      }
    }
    return from;
  }

  retentionCutoff(now: number = Date.now()): number {
    return this.coverageStart(0, now);
  }

  async applyRetention(
    now: number = Date.now(),
    options: { defer?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<{ deleted: number; sealed: number }> {
    let deleted = 0;
    let sealed = 0;
    for (let i = 0; i < this.levels.length && !options.signal?.aborted; i++) {
      const counts = await this.expireLevel(i, now, options.defer ?? []);
      deleted += counts.deleted;
      sealed += counts.sealed;
    }
    return { deleted, sealed };
  }

  /**
   * Deletes the buckets of level `i` before its coverage start and seals the next roll-up's
   * buckets that now stand alone for them, in one transaction.
   */
  private async expireLevel(
    i: number,
    now: number,
    defer: readonly string[],
  ): Promise<{ deleted: number; sealed: number }> {
    const cutoff = this.coverageStart(i, now);
    const next = this.levels[i + 1];
    const notDeferred = (query: Knex.QueryBuilder) =>
      defer.length ? query.whereNotIn('slo_id', defer) : query;
    return this.db.transaction(async trx => {
      const sealed = next
        ? await notDeferred(
            trx(TABLE)
              .where({ resolution_ms: next.widthMs, sealed: false })
              .andWhere('bucket_start', '<', cutoff),
          ).update({ sealed: true })
        : 0;
      const deleted = await notDeferred(
        trx(TABLE)
          .where({ resolution_ms: this.levels[i].widthMs })
          .andWhere('bucket_start', '<', cutoff),
      ).delete();
      return { deleted, sealed };
    });
  }

  async deleteForSlo(sloId: string): Promise<number> {
    return this.db(TABLE).where({ slo_id: sloId }).delete();
  }
}
