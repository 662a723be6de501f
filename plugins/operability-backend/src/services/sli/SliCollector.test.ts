import { mockServices } from '@backstage/backend-test-utils';
import type {
  SliCollectionRequest,
  SliSource,
  SliSourceChunk,
} from '@airworthy/plugin-operability-node';
import { exampleSlos, sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import { SliCollector } from './SliCollector';
import { SliIngest } from './SliIngest';
import { TIME } from '@airworthy/plugin-operability-common';

// Collection runs write thousands of buckets through real stores: slow on a busy machine.
jest.setTimeout(60_000);
const { MINUTE, HOUR, DAY } = TIME;

const createStores = createTestStores();
const NOW = Date.UTC(2026, 10, 25, 12);

/**
 * A source at the extension point's boundary: it answers every bucket with 10 events of
 * which `good(start)` are good, in chunks of `chunkBuckets`, and can fail on a given chunk.
 */
class CountingSource implements SliSource {
  readonly id = 'counting';
  requests: Array<{ from: number; to: number }> = [];
  failOnChunk?: number;
  good: (start: number) => number = () => 10;

  constructor(private readonly chunkBuckets: number) {}

  supports(): boolean {
    return true;
  }

  async *collect(request: SliCollectionRequest): AsyncIterable<SliSourceChunk> {
    this.requests.push({ from: request.from, to: request.to });
    const chunkMs = this.chunkBuckets * request.bucketMs;
    let chunk = 0;
    for (let from = request.from; from < request.to; from += chunkMs) {
      if (chunk++ === this.failOnChunk) {
        throw new Error('the source is down; try later');
      }
      const to = Math.min(request.to, from + chunkMs);
      const buckets = [];
      for (let start = from; start < to; start += request.bucketMs) {
        buckets.push({ start, good: this.good(start), total: 10 });
      }
      yield { from, to, buckets };
    }
  }
}

async function setup(source: CountingSource, backfillMs?: number) {
  const { store, sliConfig: config } = await createStores();
  const logger = mockServices.logger.mock();
  const record = await store.slos.upsert(sloInput({}, { duration: '1d' }));
  const collector = new SliCollector({
    store,
    logger,
    ingest: new SliIngest({ store, settings: config, logger }),
    sources: () => [source],
    lagMs: 2 * MINUTE,
    concurrency: 2,
    backfillMs,
  });
  return { store, record, collector, logger, config };
}

describe('SliCollector', () => {
  it('backfills the SLO period on first sight, then resumes where it stopped', async () => {
    const source = new CountingSource(600);
    const { store, record, collector } = await setup(source);

    await expect(collector.collectAll(NOW)).resolves.toEqual({
      slos: 1,
      buckets: 1440,
      failed: 0,
      withData: [record.id],
    });
    const end = NOW - 2 * MINUTE;
    expect(source.requests).toEqual([{ from: end - DAY, to: end }]);
    await expect(
      store.sli.getCounts(record.id, end - DAY, end, NOW),
    ).resolves.toMatchObject({ good: 14_400, total: 14_400 });

    await collector.collectAll(NOW + 10 * MINUTE);
    expect(source.requests[1]).toEqual({ from: end, to: end + 10 * MINUTE });
    // A run within the same minute stores nothing new.
    await expect(collector.collectAll(NOW + 10 * MINUTE)).resolves.toEqual({
      slos: 1,
      buckets: 0,
      failed: 0,
      withData: [],
    });
    const state = await store.collection.get(record.id);
    expect(state).toMatchObject({
      source: 'counting',
      collectedUntil: end + 10 * MINUTE,
      lastAttemptAt: NOW + 10 * MINUTE,
      lastSuccessAt: expect.any(Number),
      lastError: undefined,
    });
  });

  it('holds retention back while history older than its cutoff is still being collected', async () => {
    // 30 days of history in chunks of a day; the source fails after 10 of them.
    const source = new CountingSource(1440);
    source.failOnChunk = 10;
    const { store, record, collector } = await setup(source, 30 * DAY);
    const end = NOW - 2 * MINUTE;
    await collector.collectAll(NOW);
    expect(store.sli.retentionCutoff(NOW)).toBe(NOW - 8 * DAY);
    await expect(collector.catchingUp(NOW)).resolves.toEqual([record.id]);

    // Retention runs meanwhile, leaving this SLO alone; the rest of the history goes in.
    await store.sli.applyRetention(NOW, {
      defer: await collector.catchingUp(NOW),
    });
    source.failOnChunk = undefined;
    await expect(collector.collectAll(NOW)).resolves.toMatchObject({
      failed: 0,
    });
    await expect(collector.catchingUp(NOW)).resolves.toEqual([]);
    await store.sli.applyRetention(NOW, {
      defer: await collector.catchingUp(NOW),
    });
    await expect(
      store.sli.getCounts(record.id, end - 30 * DAY, end, NOW),
    ).resolves.toMatchObject({ total: 30 * 14_400 });

    // Without holding back, the hour the first pass stopped in (at 11:58) is sealed with 58
    // of its minutes, and its last two can no longer be written: the history has a gap.
    const other = new CountingSource(1440);
    other.failOnChunk = 10;
    const second = await setup(other, 30 * DAY);
    await second.collector.collectAll(NOW);
    await second.store.sli.applyRetention(NOW);
    other.failOnChunk = undefined;
    await second.collector.collectAll(NOW);
    const { total } = await second.store.sli.getCounts(
      second.record.id,
      end - 30 * DAY,
      end,
      NOW,
    );
    expect(total).toBe(30 * 14_400 - 2 * 10);
  });

  it('stops holding retention back for an SLO whose collection was not tried for a day', async () => {
    const source = new CountingSource(1440);
    source.failOnChunk = 0;
    const { collector, record } = await setup(source, 30 * DAY);
    await collector.collectAll(NOW);
    await expect(collector.catchingUp(NOW)).resolves.toEqual([record.id]);
    await expect(collector.catchingUp(NOW + DAY + MINUTE)).resolves.toEqual([]);
  });

  it('reaches back further than the period when a longer backfill is configured', async () => {
    const source = new CountingSource(600);
    const { store, record, collector } = await setup(source, 3 * DAY);

    await collector.collectAll(NOW);
    const end = NOW - 2 * MINUTE;
    expect(source.requests).toEqual([{ from: end - 3 * DAY, to: end }]);
    await expect(
      store.sli.getCounts(record.id, end - 3 * DAY, end, NOW),
    ).resolves.toMatchObject({ total: 3 * 14_400 });
  });

  it('never backfills less than the period, whatever the configuration', async () => {
    const source = new CountingSource(600);
    const { collector } = await setup(source, HOUR);
    await collector.collectAll(NOW);
    const end = NOW - 2 * MINUTE;
    expect(source.requests).toEqual([{ from: end - DAY, to: end }]);
  });

  it('keeps the chunks stored before a failure and resumes after the last one', async () => {
    const source = new CountingSource(600);
    source.failOnChunk = 1;
    const { store, record, collector } = await setup(source);

    await expect(collector.collectAll(NOW)).resolves.toMatchObject({
      failed: 1,
    });
    const end = NOW - 2 * MINUTE;
    const state = await store.collection.get(record.id);
    expect(state).toMatchObject({
      collectedUntil: end - DAY + 600 * MINUTE,
      lastError: 'the source is down; try later',
    });

    source.failOnChunk = undefined;
    await collector.collectAll(NOW);
    expect(source.requests[1].from).toBe(end - DAY + 600 * MINUTE);
    await expect(
      store.sli.getCounts(record.id, end - DAY, end, NOW),
    ).resolves.toMatchObject({ total: 14_400 });
    await expect(store.collection.get(record.id)).resolves.toMatchObject({
      lastError: undefined,
    });
  });

  it('starts over when the indicator changes, replacing the stored buckets', async () => {
    const source = new CountingSource(2000);
    const { store, record, collector, logger } = await setup(source);
    await collector.collectAll(NOW);

    const [changed] = exampleSlos({ duration: '1d', dataSource: 'smaug' });
    await store.slos.upsert({ ...record, definition: changed });
    source.good = () => 9;
    await collector.collectAll(NOW);

    const end = NOW - 2 * MINUTE;
    expect(source.requests[1]).toEqual({ from: end - DAY, to: end });
    await expect(
      store.sli.getCounts(record.id, end - DAY, end, NOW),
    ).resolves.toMatchObject({ good: 1440 * 9, total: 14_400 });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^SLI counting replaced 1440 stored bucket\(s\)/),
    );
  });

  it('names the SLOs a source collects that were never collected', async () => {
    const source = new CountingSource(600);
    const { store, record, collector, config } = await setup(source);
    const pushed = await store.slos.upsert(
      sloInput({ name: 'pushed', ref: 'pushed' }, { duration: '1d' }),
    );
    await expect(collector.uncollected()).resolves.toEqual(
      expect.arrayContaining([record.id, pushed.id]),
    );
    await collector.collectAll(NOW);
    await expect(collector.uncollected()).resolves.toEqual([]);

    // SLOs no installed source collects are pushed: never waiting for a collection.
    const none = new SliCollector({
      store,
      logger: mockServices.logger.mock(),
      ingest: new SliIngest({
        store,
        settings: config,
        logger: mockServices.logger.mock(),
      }),
      sources: () => [],
      lagMs: 2 * MINUTE,
      concurrency: 1,
    });
    await store.slos.upsert(
      sloInput({ name: 'later', ref: 'later' }, { duration: '1d' }),
    );
    await expect(none.uncollected()).resolves.toEqual([]);
  });
});
