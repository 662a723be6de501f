import type { Slo } from '@airworthy/plugin-operability-common';
import type { SliSource } from '@airworthy/plugin-operability-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { CollectionState } from '../../database/sli/CollectionStore';
import type { OperabilityStore } from '../../database/OperabilityStore';
import { alignDown } from '../../database/sli/SliStore';
import type { SloRecord } from '../../database/slo/SloStore';
import type { SliIngest } from './SliIngest';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/** What one collection run did. */
export interface CollectionRunResult {
  /** SLOs that a source collects. */
  slos: number;
  /** Buckets newly stored or replaced. */
  buckets: number;
  failed: number;
  /** Ids of the SLOs the run stored or replaced buckets of. */
  withData: string[];
}

/** A hash of what is collected for an SLO: a changed query starts collection over. */
export function indicatorHash(slo: Slo): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        indicator: slo.indicator,
        op: slo.objective.op,
        value: slo.objective.value,
      }),
    )
    .digest('hex')
    .slice(0, 32);
}

/**
 * Pulls SLI data from the installed sources into the store. The first time it sees an SLO
 * (or when its indicator changes) it backfills the SLO's whole period (or `backfillMs` when longer); afterwards it
 * resumes from the end of the last stored chunk. Each chunk is stored before the next one
 * is requested, so an interrupted run loses nothing.
 */
export class SliCollector {
  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'slos' | 'sli' | 'collection'>;
      logger: LoggerService;
      ingest: SliIngest;
      sources: () => readonly SliSource[];
      /** Buckets that end later than now minus this are left for the next run. */
      lagMs: number;
      /** SLOs collected at a time. */
      concurrency: number;
      /** First collection reaches back this far, or the SLO's period when that is longer. */
      backfillMs?: number;
    },
  ) {}

  /**
   * SLOs whose collection is still catching up on history older than the SLI store's
   * retention cutoff, as of `now`: retention leaves them alone until it is done, so that
   * sealed roll-ups never refuse the rest of their history. An SLO whose collection has not
   * been attempted for a day (its source is gone) no longer holds retention back.
   */
  async catchingUp(now: number = Date.now()): Promise<string[]> {
    const { store } = this.options;
    const cutoff = store.sli.retentionCutoff(now);
    const records = await store.slos.listAll();
    const states = await store.collection.list(records.map(r => r.id));
    return [...states.values()]
      .filter(
        state =>
          (state.collectedUntil ?? -Infinity) < cutoff &&
          (state.lastAttemptAt ?? -Infinity) >= now - DAY,
      )
      .map(state => state.sloId);
  }

  /**
   * SLOs that an installed source collects but whose collection has never been attempted
   * (new SLOs): the file sync asks for a collection run at once when there are any.
   */
  async uncollected(): Promise<string[]> {
    const { store } = this.options;
    const records = (await store.slos.listAll()).filter(r =>
      this.sourceFor(r.definition),
    );
    const states = await store.collection.list(records.map(r => r.id));
    return records.filter(r => !states.has(r.id)).map(r => r.id);
  }

  /** The first installed source that collects the SLO. */
  sourceFor(slo: Slo): SliSource | undefined {
    return this.options.sources().find(source => source.supports(slo));
  }

  async collectAll(
    now: number = Date.now(),
    signal?: AbortSignal,
  ): Promise<CollectionRunResult> {
    const records = await this.options.store.slos.listAll();
    const limit = pLimit(this.options.concurrency);
    const result: CollectionRunResult = {
      slos: 0,
      buckets: 0,
      failed: 0,
      withData: [],
    };
    await Promise.all(
      records.map(record =>
        limit(async () => {
          const source = this.sourceFor(record.definition);
          if (!source || signal?.aborted) return;
          result.slos++;
          try {
            const changed = await this.collect(record, source, now, signal);
            result.buckets += changed;
            if (changed > 0) result.withData.push(record.id);
          } catch {
            result.failed++;
          }
        }),
      ),
    );
    return result;
  }

  /** Collects one SLO up to `now - lag`; returns how many buckets changed. */
  async collect(
    record: SloRecord,
    source: SliSource,
    now: number,
    signal?: AbortSignal,
  ): Promise<number> {
    const { store, logger, ingest } = this.options;
    const slo = record.definition;
    const widthMs = store.sli.levels[0].widthMs;
    const hash = indicatorHash(slo);
    const previous = await store.collection.get(record.id);
    const resume =
      previous?.source === source.id && previous.indicatorHash === hash
        ? previous.collectedUntil
        : undefined;

    const to = alignDown(now - this.options.lagMs, widthMs);
    const backfillFrom = alignDown(
      to - Math.max(slo.timeWindow.durationMs, this.options.backfillMs ?? 0),
      widthMs,
    );
    const from = Math.max(
      resume ?? backfillFrom,
      alignDown(await store.sli.getWritableFrom(record.id, now), widthMs),
    );
    const state: CollectionState = {
      sloId: record.id,
      source: source.id,
      indicatorHash: hash,
      collectedUntil: resume,
      lastAttemptAt: now,
      lastSuccessAt: previous?.lastSuccessAt,
      lastError: undefined,
    };
    if (from >= to) {
      await store.collection.set({ ...state, lastSuccessAt: Date.now() });
      return 0;
    }

    let changed = 0;
    try {
      for await (const chunk of source.collect({
        target: { id: record.id, entityRef: record.entityRef, slo },
        from,
        to,
        bucketMs: widthMs,
        signal,
      })) {
        const buckets = chunk.buckets.filter(
          b => b.start >= chunk.from && b.start < chunk.to,
        );
        const written = await ingest.ingest(record, buckets, {
          via: source.id,
          now,
        });
        changed += written.inserted + written.replaced.length;
        state.collectedUntil = chunk.to;
        await store.collection.set(state);
      }
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      await store.collection.set({ ...state, lastError: message });
      logger.warn(
        `SLI collection of SLO ${record.id} (${record.entityRef}, ${record.ref}) from ${source.id} failed: ${message}`,
      );
      throw error;
    }
    // When it finished (in real time), so that readers can tell later evaluations apart.
    await store.collection.set({ ...state, lastSuccessAt: Date.now() });
    return changed;
  }
}
