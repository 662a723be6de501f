import { InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import {
  chunkLayouts,
  decodeChunk,
  emptyChunk,
  encodeChunk,
  prefixCounts,
  presentCount,
  type ChunkLayout,
  type ChunkSlots,
} from './sliChunks';

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
 * up on write into coarser resolutions, with running totals so that the counts of any
 * window are the difference of two running totals, each found by one index lookup.
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
  /**
   * `getCounts` of several windows of one SLO, with one query for all their running
   * totals (the evaluation of an SLO measures ten windows).
   */
  getCountsMany(
    sloId: string,
    windows: ReadonlyArray<{ from: number; to: number }>,
    now?: number,
  ): Promise<SliCounts[]>;
  /**
   * `getCountsMany` of several SLOs at once: the counts of each request's windows, in the
   * order given, with as few queries as the database allows (an evaluation sweep reads the
   * windows of a hundred SLOs at a time).
   */
  getCountsOfSlos(
    requests: ReadonlyArray<{
      sloId: string;
      windows: ReadonlyArray<{ from: number; to: number }>;
    }>,
    now?: number,
  ): Promise<SliCounts[][]>;
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

/** `t` aligned down to a multiple of `width` (epoch-aligned, so UTC minutes, hours, days). */
export function alignDown(t: number, width: number): number {
  return Math.floor(t / width) * width;
}

/** `t` aligned up to a multiple of `width`. */
export function alignUp(t: number, width: number): number {
  return Math.ceil(t / width) * width;
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

interface ChunkRow {
  slo_id: string;
  resolution_ms: number | string;
  chunk_start: number | string;
  cum_good: number | string;
  cum_total: number | string;
  good: number | string;
  total: number | string;
  buckets: number | string;
  sealed_through: number | string | null;
  data: Buffer;
  updated_at: number | string;
}

/** A stored chunk with its numbers parsed; its buckets are decoded when needed. */
interface StoredChunk {
  start: number;
  /** Running totals before the chunk. */
  cumGood: number;
  cumTotal: number;
  /** Totals of the chunk's own buckets. */
  good: number;
  total: number;
  buckets: number;
  sealedThrough: number | null;
  data: Buffer;
  slots?: ChunkSlots;
}

/** The chunks of one SLO and resolution from a given one on, and the last one before it. */
interface LoadedChunks {
  before?: StoredChunk;
  chunks: Map<number, StoredChunk>;
}

/** A running total to look up: every count of resolution `level` before the instant `t`. */
interface Lookup {
  sloId: string;
  level: number;
  t: number;
}

/** The key of a running-total lookup in the map `runningTotals` answers. */
const lookupKey = (l: Lookup) => `${l.sloId}\u0000${l.level}:${l.t}`;

/** How a window is measured: one segment per resolution, finest last. */
interface WindowPlan {
  from: number;
  to: number;
  segments: Array<{ level: number; a: number; b: number }>;
}

const TABLE = 'sli_chunks';
const WRITE_CHUNK = 500;
/** Running-total lookups answered by one query (a UNION ALL of index lookups). */
const LOOKUPS_PER_QUERY = 100;
/** Running-total lookups answered by one PostgreSQL statement (passed as arrays). */
const LOOKUPS_PER_ARRAY = 5000;

function storedChunk(row: ChunkRow): StoredChunk {
  return {
    start: Number(row.chunk_start),
    cumGood: Number(row.cum_good),
    cumTotal: Number(row.cum_total),
    good: Number(row.good),
    total: Number(row.total),
    buckets: Number(row.buckets),
    sealedThrough:
      row.sealed_through === null || row.sealed_through === undefined
        ? null
        : Number(row.sealed_through),
    data: row.data,
  };
}

/** The rows of a raw query: PostgreSQL answers `{ rows }`, SQLite the rows themselves. */
function rowsOf<T>(result: T[] | { rows: T[] }): T[] {
  return Array.isArray(result) ? result : result.rows;
}

/** The changes of one write to the chunks of one resolution, bucket by bucket. */
class ChunkDeltas {
  readonly chunks = new Map<
    number,
    { good: Float64Array; total: Float64Array; touched: Uint8Array }
  >();
  private last?: {
    start: number;
    good: Float64Array;
    total: Float64Array;
    touched: Uint8Array;
  };

  /** Adds a base bucket's change to the bucket of this resolution holding `t`. */
  add(layout: ChunkLayout, t: number, good: number, total: number): void {
    const start = alignDown(t, layout.spanMs);
    // Buckets usually arrive in order: the chunk of the previous one is the likeliest.
    let chunk = this.last?.start === start ? this.last : undefined;
    if (!chunk) {
      const known = this.chunks.get(start);
      chunk = known
        ? { start, ...known }
        : {
            start,
            good: new Float64Array(layout.slots),
            total: new Float64Array(layout.slots),
            touched: new Uint8Array(layout.slots),
          };
      if (!known) {
        this.chunks.set(start, {
          good: chunk.good,
          total: chunk.total,
          touched: chunk.touched,
        });
      }
      this.last = chunk;
    }
    const slot = Math.floor((t - start) / layout.widthMs);
    chunk.good[slot] += good;
    chunk.total[slot] += total;
    chunk.touched[slot] = 1;
  }
}

/**
 * SliStore on knex (SQLite and PostgreSQL), in chunks: one row per SLO, resolution and
 * chunk (an hour of minutes, a day of hours, one day; see sliChunks.ts) holding its
 * buckets packed, the running totals before it and its own totals. The running total at
 * any instant is one index lookup (the last chunk starting at or before it) plus a sum
 * over at most one chunk's buckets.
 */
export class KnexSliStore implements SliStore {
  readonly levels: readonly SliLevel[];
  private readonly layouts: ChunkLayout[];

  constructor(private readonly db: Knex, levels: readonly SliLevel[]) {
    validateSliLevels(levels);
    this.levels = levels;
    this.layouts = chunkLayouts(levels);
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

  private slotsOf(level: number, chunk: StoredChunk): ChunkSlots {
    chunk.slots ??= decodeChunk(chunk.data, this.layouts[level].slots);
    return chunk.slots;
  }

  async writeBuckets(
    sloId: string,
    buckets: SliBucket[],
    now: number = Date.now(),
  ): Promise<SliWriteResult> {
    const base = this.layouts[0];
    const oldest = this.coverageStart(this.levels.length - 1, now);
    // The store's invariants only: callers validate what they write (services/sli/SliIngest),
    // with messages for people; a bucket that breaks one here is refused, never stored.
    // Buckets by number since the epoch: small integers, which sets hold cheaply.
    const seen = new Set<number>();
    let first = Infinity;
    buckets.forEach((b, i) => {
      const problem =
        (b.start % base.widthMs !== 0 && 'start is not aligned') ||
        (seen.has(b.start / base.widthMs) && 'start appears twice') ||
        (b.start < oldest && 'start is older than the longest retention') ||
        (!(Number.isFinite(b.good) && Number.isFinite(b.total)) &&
          'counts are not finite') ||
        (!(b.good >= 0 && b.good <= b.total) &&
          'counts are not 0 <= good <= total');
      if (problem) {
        throw new InputError(`SLI bucket ${i} cannot be stored: ${problem}`);
      }
      seen.add(b.start / base.widthMs);
      if (b.start < first) first = b.start;
    });
    const result: SliWriteResult = { inserted: 0, unchanged: 0, replaced: [] };
    if (buckets.length === 0) return result;

    return this.db.transaction(async trx => {
      await this.lockSlo(trx, sloId);
      // Every resolution from the first bucket written on, in one query: the roll-ups from
      // `first` rather than from the first changed bucket, which may load a few chunks
      // more than needed but saves a round trip per resolution.
      const loaded = await this.loadFrom(trx, sloId, first);

      // Changes as deltas per chunk and bucket of every resolution, so that every roll-up
      // applies them in the same way.
      const deltas = this.layouts.map(() => new ChunkDeltas());
      let firstDelta = Infinity;
      let chunkStart = NaN;
      let slots: ChunkSlots | undefined;
      for (const b of buckets) {
        if (alignDown(b.start, base.spanMs) !== chunkStart) {
          chunkStart = alignDown(b.start, base.spanMs);
          const chunk = loaded[0].chunks.get(chunkStart);
          slots = chunk && this.slotsOf(0, chunk);
        }
        const slot = (b.start - chunkStart) / base.widthMs;
        let good = b.good;
        let total = b.total;
        if (slots?.present[slot] !== 1) {
          result.inserted++;
        } else if (slots.good[slot] === good && slots.total[slot] === total) {
          result.unchanged++;
          continue;
        } else {
          const previous = { good: slots.good[slot], total: slots.total[slot] };
          result.replaced.push({ start: b.start, previous, good, total });
          good -= previous.good;
          total -= previous.total;
        }
        for (let i = 0; i < this.layouts.length; i++) {
          deltas[i].add(this.layouts[i], b.start, good, total);
        }
        if (b.start < firstDelta) firstDelta = b.start;
      }
      if (firstDelta === Infinity) return result;

      this.refuseSealed(loaded, deltas);

      // The chunks of every resolution in one upsert (a statement per WRITE_CHUNK rows).
      const writes = this.layouts.flatMap((_, i) =>
        this.applyDeltas(sloId, i, deltas[i], loaded[i], now),
      );
      for (let w = 0; w < writes.length; w += WRITE_CHUNK) {
        await trx(TABLE)
          .insert(writes.slice(w, w + WRITE_CHUNK))
          .onConflict(['slo_id', 'resolution_ms', 'chunk_start'])
          .merge([
            'cum_good',
            'cum_total',
            'good',
            'total',
            'buckets',
            'data',
            'updated_at',
          ]);
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

  /**
   * The chunks of every resolution from the one holding `t` on, and the last one before it
   * in each, in one query (a UNION ALL of one index range scan per resolution).
   */
  private async loadFrom(
    db: Knex,
    sloId: string,
    t: number,
  ): Promise<LoadedChunks[]> {
    const firsts = this.layouts.map(({ spanMs }) => alignDown(t, spanMs));
    const sql = this.layouts
      .map(
        () =>
          `SELECT * FROM ${TABLE} WHERE slo_id = ? AND resolution_ms = ? AND chunk_start >= COALESCE((SELECT MAX(chunk_start) FROM ${TABLE} WHERE slo_id = ? AND resolution_ms = ? AND chunk_start < ?), ?)`,
      )
      .join(' UNION ALL ');
    const rows = rowsOf<ChunkRow>(
      await db.raw(
        sql,
        this.layouts.flatMap(({ widthMs }, i) => [
          sloId,
          widthMs,
          sloId,
          widthMs,
          firsts[i],
          firsts[i],
        ]),
      ),
    );
    const loaded: LoadedChunks[] = this.layouts.map(() => ({
      chunks: new Map(),
    }));
    const levelOf = new Map(this.layouts.map((l, i) => [l.widthMs, i]));
    for (const row of rows) {
      const i = levelOf.get(Number(row.resolution_ms))!;
      const chunk = storedChunk(row);
      if (chunk.start < firsts[i]) loaded[i].before = chunk;
      else loaded[i].chunks.set(chunk.start, chunk);
    }
    return loaded;
  }

  /** Base buckets inside a sealed roll-up were expired: writing them would count twice. */
  private refuseSealed(loaded: LoadedChunks[], deltas: ChunkDeltas[]): void {
    for (let i = 1; i < this.layouts.length; i++) {
      const { widthMs } = this.layouts[i];
      let oldest = Infinity;
      for (const [chunkStart, changes] of deltas[i].chunks) {
        const chunk = loaded[i].chunks.get(chunkStart);
        if (!chunk) continue;
        const { sealed } = this.slotsOf(i, chunk);
        for (let slot = 0; slot < sealed.length; slot++) {
          if (changes.touched[slot] && sealed[slot]) {
            oldest = Math.min(oldest, chunkStart + slot * widthMs);
          }
        }
      }
      if (oldest !== Infinity) {
        throw new InputError(
          `The bucket of ${new Date(
            oldest,
          ).toISOString()} and older ones are rolled up into ${
            widthMs / 60_000
          }-minute buckets and expired at the base resolution; they can no longer be written`,
        );
      }
    }
  }

  /**
   * Adds deltas to the buckets of one resolution and rewrites the running totals from the
   * earliest changed chunk on. Appending (the usual case) rewrites only the chunk being
   * filled, or starts a new one, in each resolution.
   */
  private applyDeltas(
    sloId: string,
    i: number,
    deltas: ChunkDeltas,
    loaded: LoadedChunks,
    now: number,
  ): ChunkRow[] {
    const layout = this.layouts[i];
    const starts = [
      ...new Set([...loaded.chunks.keys(), ...deltas.chunks.keys()]),
    ].sort((a, b) => a - b);

    // Running totals just before the first chunk, in this resolution's own frame.
    let cumGood = 0;
    let cumTotal = 0;
    if (loaded.before) {
      cumGood = loaded.before.cumGood + loaded.before.good;
      cumTotal = loaded.before.cumTotal + loaded.before.total;
    } else {
      const firstStored = starts
        .map(start => loaded.chunks.get(start))
        .find(Boolean);
      cumGood = firstStored?.cumGood ?? 0;
      cumTotal = firstStored?.cumTotal ?? 0;
    }

    const writes: ChunkRow[] = [];
    for (const start of starts) {
      const stored = loaded.chunks.get(start);
      const changes = deltas.chunks.get(start);
      let good: number;
      let total: number;
      let data: Buffer;
      let count: number;
      if (changes) {
        const slots = stored
          ? this.slotsOf(i, stored)
          : emptyChunk(layout.slots);
        for (let slot = 0; slot < layout.slots; slot++) {
          if (!changes.touched[slot]) continue;
          const present = slots.present[slot] === 1;
          slots.good[slot] = nonNegative(
            (present ? slots.good[slot] : 0) + changes.good[slot],
          );
          slots.total[slot] = nonNegative(
            (present ? slots.total[slot] : 0) + changes.total[slot],
          );
          slots.present[slot] = 1;
        }
        ({ good, total } = prefixCounts(slots, slots.slots));
        data = encodeChunk(slots);
        count = presentCount(slots);
      } else {
        ({ good, total, data, buckets: count } = stored!);
      }
      if (
        !stored ||
        changes ||
        stored.cumGood !== cumGood ||
        stored.cumTotal !== cumTotal
      ) {
        writes.push({
          slo_id: sloId,
          resolution_ms: layout.widthMs,
          chunk_start: start,
          cum_good: cumGood,
          cum_total: cumTotal,
          good,
          total,
          buckets: count,
          sealed_through: stored?.sealedThrough ?? null,
          data,
          updated_at: now,
        });
      }
      cumGood += good;
      cumTotal += total;
    }
    return writes;
  }

  async getCounts(
    sloId: string,
    from: number,
    to: number,
    now: number = Date.now(),
  ): Promise<SliCounts> {
    const [counts] = await this.getCountsMany(sloId, [{ from, to }], now);
    return counts;
  }

  async getCountsMany(
    sloId: string,
    windows: ReadonlyArray<{ from: number; to: number }>,
    now: number = Date.now(),
  ): Promise<SliCounts[]> {
    const [counts] = await this.getCountsOfSlos([{ sloId, windows }], now);
    return counts;
  }

  async getCountsOfSlos(
    requests: ReadonlyArray<{
      sloId: string;
      windows: ReadonlyArray<{ from: number; to: number }>;
    }>,
    now: number = Date.now(),
  ): Promise<SliCounts[][]> {
    const plans = requests.map(r =>
      r.windows.map(w => this.plan(w.from, w.to, now)),
    );
    const totals = await this.runningTotals(
      requests.flatMap(({ sloId }, k) =>
        plans[k].flatMap(p =>
          p.segments.flatMap(s => [
            { sloId, level: s.level, t: s.a },
            { sloId, level: s.level, t: s.b },
          ]),
        ),
      ),
    );
    return requests.map(({ sloId }, k) =>
      plans[k].map(plan => {
        let good = 0;
        let total = 0;
        for (const s of plan.segments) {
          const a = totals.get(lookupKey({ sloId, level: s.level, t: s.a }))!;
          const b = totals.get(lookupKey({ sloId, level: s.level, t: s.b }))!;
          good += b.good - a.good;
          total += b.total - a.total;
        }
        return {
          good: nonNegative(good),
          total: nonNegative(total),
          from: plan.from,
          to: plan.to,
        };
      }),
    );
  }

  /**
   * Which resolutions measure the window [from, to): the finest that still holds its start
   * (start aligned down to its bucket), then finer ones towards the end as far as they
   * hold it.
   */
  private plan(from: number, to: number, now: number): WindowPlan {
    const end = alignUp(to, this.levels[0].widthMs);
    let i = this.levelIndexFor(from, now);
    let cursor = Math.max(
      alignDown(from, this.levels[i].widthMs),
      alignUp(this.coverageStart(i, now), this.levels[i].widthMs),
    );
    const measuredFrom = cursor;
    const segments: WindowPlan['segments'] = [];
    if (end <= cursor) return { from: cursor, to: cursor, segments };
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
        segments.push({ level: i, a: cursor, b: segmentEnd });
      }
      cursor = segmentEnd;
      if (i > 0 && !finerCovers) break;
    }
    return { from: measuredFrom, to: cursor, segments };
  }

  /**
   * Running totals at aligned instants (all counts before each), keyed by lookupKey: for
   * each, the last chunk starting at or before it (one index lookup), its running total and
   * the buckets of the chunk before the instant. An instant before every stored chunk takes
   * the running total of the first chunk after it.
   */
  private async runningTotals(
    lookups: Lookup[],
  ): Promise<Map<string, { good: number; total: number }>> {
    const unique = new Map<string, Lookup>();
    for (const lookup of lookups) unique.set(lookupKey(lookup), lookup);
    const list = [...unique.entries()];
    return this.db.client.config.client === 'pg'
      ? this.runningTotalsLateral(list)
      : this.runningTotalsUnion(list);
  }

  /**
   * PostgreSQL: every lookup in one statement of constant text, the lookups passed as three
   * arrays, each answered by an index lookup in a LATERAL subquery (the first chunk after
   * the instant only where none starts at or before it). Its plan is the same for one
   * lookup or thousands, so PostgreSQL plans a statement per LOOKUPS_PER_ARRAY lookups, not
   * a UNION branch per lookup.
   */
  private async runningTotalsLateral(
    list: Array<[string, Lookup]>,
  ): Promise<Map<string, { good: number; total: number }>> {
    const result = new Map<string, { good: number; total: number }>();
    for (let i = 0; i < list.length; i += LOOKUPS_PER_ARRAY) {
      const part = list.slice(i, i + LOOKUPS_PER_ARRAY);
      const rows = rowsOf<
        ChunkRow & {
          q: number | string;
          after_good: number | string | null;
          after_total: number | string | null;
        }
      >(
        await this.db.raw(
          `SELECT l.q, b.chunk_start, b.cum_good, b.cum_total, b.good, b.total, b.buckets, b.sealed_through, b.data, a.cum_good AS after_good, a.cum_total AS after_total
           FROM unnest(?::varchar[], ?::integer[], ?::bigint[]) WITH ORDINALITY AS l(slo_id, resolution_ms, t, q)
           LEFT JOIN LATERAL (SELECT c.chunk_start, c.cum_good, c.cum_total, c.good, c.total, c.buckets, c.sealed_through, c.data FROM ${TABLE} c
             WHERE c.slo_id = l.slo_id AND c.resolution_ms = l.resolution_ms AND c.chunk_start <= l.t ORDER BY c.chunk_start DESC LIMIT 1) b ON true
           LEFT JOIN LATERAL (SELECT c.cum_good, c.cum_total FROM ${TABLE} c
             WHERE b.chunk_start IS NULL AND c.slo_id = l.slo_id AND c.resolution_ms = l.resolution_ms AND c.chunk_start > l.t ORDER BY c.chunk_start LIMIT 1) a ON true`,
          [
            part.map(([, l]) => l.sloId),
            part.map(([, l]) => this.levels[l.level].widthMs),
            part.map(([, l]) => l.t),
          ],
        ),
      );
      for (const row of rows) {
        const [key, lookup] = part[Number(row.q) - 1];
        if (row.chunk_start !== null) {
          result.set(key, this.totalAt(lookup, storedChunk(row)));
        } else {
          result.set(key, {
            good: Number(row.after_good ?? 0),
            total: Number(row.after_total ?? 0),
          });
        }
      }
    }
    return result;
  }

  /**
   * Other databases (SQLite, in-process): a UNION ALL of index lookups per
   * LOOKUPS_PER_QUERY lookups, then a query for each instant before every stored chunk.
   */
  private async runningTotalsUnion(
    list: Array<[string, Lookup]>,
  ): Promise<Map<string, { good: number; total: number }>> {
    const result = new Map<string, { good: number; total: number }>();
    const missing: Array<[string, Lookup]> = [];
    for (let i = 0; i < list.length; i += LOOKUPS_PER_QUERY) {
      const part = list.slice(i, i + LOOKUPS_PER_QUERY);
      const sql = part
        .map(
          (_, j) =>
            `SELECT * FROM (SELECT ${j} AS q, chunk_start, cum_good, cum_total, good, total, buckets, sealed_through, data FROM ${TABLE} WHERE slo_id = ? AND resolution_ms = ? AND chunk_start <= ? ORDER BY chunk_start DESC LIMIT 1) q${j}`,
        )
        .join(' UNION ALL ');
      const rows = rowsOf<ChunkRow & { q: number | string }>(
        await this.db.raw(
          sql,
          part.flatMap(([, l]) => [l.sloId, this.levels[l.level].widthMs, l.t]),
        ),
      );
      const found = new Map(rows.map(row => [Number(row.q), row]));
      part.forEach(([key, lookup], j) => {
        const row = found.get(j);
        if (row) result.set(key, this.totalAt(lookup, storedChunk(row)));
        else missing.push([key, lookup]);
      });
    }
    for (const [key, lookup] of missing) {
      const after: ChunkRow | undefined = await this.db(TABLE)
        .where({
          slo_id: lookup.sloId,
          resolution_ms: this.levels[lookup.level].widthMs,
        })
        .andWhere('chunk_start', '>', lookup.t)
        .orderBy('chunk_start')
        .first('cum_good', 'cum_total');
      result.set(
        key,
        after
          ? { good: Number(after.cum_good), total: Number(after.cum_total) }
          : { good: 0, total: 0 },
      );
    }
    return result;
  }

  /** The running total at `lookup.t` from the last chunk starting at or before it. */
  private totalAt(
    lookup: Lookup,
    chunk: StoredChunk,
  ): { good: number; total: number } {
    const { widthMs, spanMs } = this.layouts[lookup.level];
    if (lookup.t >= chunk.start + spanMs) {
      return {
        good: chunk.cumGood + chunk.good,
        total: chunk.cumTotal + chunk.total,
      };
    }
    const slot = Math.ceil((lookup.t - chunk.start) / widthMs);
    if (slot === 0) return { good: chunk.cumGood, total: chunk.cumTotal };
    const prefix = prefixCounts(this.slotsOf(lookup.level, chunk), slot);
    return {
      good: chunk.cumGood + prefix.good,
      total: chunk.cumTotal + prefix.total,
    };
  }

  async getRunningTotals(
    sloId: string,
    widthMs: number,
    from: number,
    to: number,
  ): Promise<SliRunningTotals> {
    const start = alignDown(from, widthMs);
    const end = alignUp(to, widthMs);
    const level = this.levels.findIndex(l => l.widthMs === widthMs);
    if (level < 0) {
      return {
        widthMs,
        base: { good: 0, total: 0 },
        from: start,
        to: end,
        rows: [],
      };
    }
    const { spanMs } = this.layouts[level];
    const [totals, chunkRows] = await Promise.all([
      this.runningTotals([{ sloId, level, t: start }]),
      this.db<ChunkRow>(TABLE)
        .where({ slo_id: sloId, resolution_ms: widthMs })
        .andWhere('chunk_start', '>=', alignDown(start, spanMs))
        .andWhere('chunk_start', '<', end)
        .orderBy('chunk_start'),
    ]);
    const rows: SliBucketRow[] = [];
    for (const row of chunkRows) {
      const chunk = storedChunk(row);
      const slots = this.slotsOf(level, chunk);
      let cumGood = chunk.cumGood;
      let cumTotal = chunk.cumTotal;
      for (let s = 0; s < slots.slots; s++) {
        if (!slots.present[s]) continue;
        cumGood += slots.good[s];
        cumTotal += slots.total[s];
        const bucketStart = chunk.start + s * widthMs;
        if (bucketStart >= start && bucketStart < end) {
          rows.push({
            start: bucketStart,
            good: slots.good[s],
            total: slots.total[s],
            cumGood,
            cumTotal,
          });
        }
      }
    }
    return {
      widthMs,
      base: totals.get(lookupKey({ sloId, level, t: start }))!,
      from: start,
      to: end,
      rows,
    };
  }

  async getLatestBucketStart(sloId: string): Promise<number | undefined> {
    const row: ChunkRow | undefined = await this.db(TABLE)
      .where({ slo_id: sloId, resolution_ms: this.levels[0].widthMs })
      .orderBy('chunk_start', 'desc')
      .first();
    if (!row) return undefined;
    const chunk = storedChunk(row);
    const slots = this.slotsOf(0, chunk);
    for (let s = slots.slots - 1; s >= 0; s--) {
      if (slots.present[s]) return chunk.start + s * this.levels[0].widthMs;
    }
    return undefined;
  }

  async getWritableFrom(
    sloId: string,
    now: number = Date.now(),
  ): Promise<number> {
    let from = this.coverageStart(this.levels.length - 1, now);
    for (const level of this.levels.slice(1)) {
      const row = await this.db(TABLE)
        .where({ slo_id: sloId, resolution_ms: level.widthMs })
        .max({ through: 'sealed_through' })
        .first();
      if (row?.through !== null && row?.through !== undefined) {
        from = Math.max(from, Number(row.through));
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
   * Deletes the chunks of level `i` before its coverage start (whole buckets of the next
   * roll-up) and seals the next roll-up's buckets that now stand alone for them, in one
   * transaction. Returns the buckets deleted and sealed.
   */
  private async expireLevel(
    i: number,
    now: number,
    defer: readonly string[],
  ): Promise<{ deleted: number; sealed: number }> {
    const cutoff = this.coverageStart(i, now);
    const layout = this.layouts[i];
    const next = this.layouts[i + 1];
    return this.db.transaction(async trx => {
      const notDeferred = defer.length
        ? ` AND slo_id NOT IN (${defer.map(() => '?').join(', ')})`
        : '';
      // RETURNING: exactly the chunks deleted are sealed, whatever is written meanwhile.
      const doomed = rowsOf<
        Pick<ChunkRow, 'slo_id' | 'chunk_start' | 'buckets'>
      >(
        await trx.raw(
          `DELETE FROM ${TABLE} WHERE resolution_ms = ? AND chunk_start < ?${notDeferred} RETURNING slo_id, chunk_start, buckets`,
          [layout.widthMs, cutoff, ...defer],
        ),
      );
      let deleted = 0;
      for (const row of doomed) deleted += Number(row.buckets);
      if (!next || doomed.length === 0) return { deleted, sealed: 0 };

      // The next roll-up's chunks holding the buckets to seal, by SLO and chunk start.
      const targets = new Map<
        string,
        { sloId: string; start: number; buckets: Set<number> }
      >();
      for (const row of doomed) {
        const bucket = alignDown(Number(row.chunk_start), next.widthMs);
        const start = alignDown(bucket, next.spanMs);
        const key = `${row.slo_id}\u0000${start}`;
        const target = targets.get(key) ?? {
          sloId: row.slo_id,
          start,
          buckets: new Set<number>(),
        };
        target.buckets.add(bucket);
        targets.set(key, target);
      }
      let sealed = 0;
      const list = [...targets.values()];
      for (let t = 0; t < list.length; t += WRITE_CHUNK) {
        const part = list.slice(t, t + WRITE_CHUNK);
        const rows: ChunkRow[] = await trx(TABLE)
          .where({ resolution_ms: next.widthMs })
          .andWhere(builder => {
            for (const target of part) {
              builder.orWhere({
                slo_id: target.sloId,
                chunk_start: target.start,
              });
            }
          });
        const writes: ChunkRow[] = [];
        for (const row of rows) {
          const chunk = storedChunk(row);
          const slots = this.slotsOf(i + 1, chunk);
          const target = targets.get(`${row.slo_id}\u0000${chunk.start}`)!;
          let through = chunk.sealedThrough ?? -Infinity;
          let changed = false;
          for (const bucket of target.buckets) {
            const slot = (bucket - chunk.start) / next.widthMs;
            if (slots.sealed[slot]) continue;
            slots.sealed[slot] = 1;
            changed = true;
            if (slots.present[slot]) sealed++;
            through = Math.max(through, bucket + next.widthMs);
          }
          if (!changed) continue;
          writes.push({
            ...row,
            sealed_through: through,
            data: encodeChunk(slots),
            updated_at: now,
          });
        }
        if (writes.length) {
          await trx(TABLE)
            .insert(writes)
            .onConflict(['slo_id', 'resolution_ms', 'chunk_start'])
            .merge(['sealed_through', 'data', 'updated_at']);
        }
      }
      return { deleted, sealed };
    });
  }

  async deleteForSlo(sloId: string): Promise<number> {
    return this.db(TABLE).where({ slo_id: sloId }).delete();
  }
}
