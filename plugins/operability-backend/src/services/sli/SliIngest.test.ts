import { mockServices } from '@backstage/backend-test-utils';
import { sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import { SliIngest } from './SliIngest';

const createStores = createTestStores();
const NOW = Date.UTC(2026, 10, 25, 12);

async function setup() {
  const { store, sliConfig: config } = await createStores();
  const logger = mockServices.logger.mock();
  const slo = await store.slos.upsert(
    sloInput({ entityRef: 'component:default/trino' }),
  );
  return {
    service: new SliIngest({ store, settings: config, logger }),
    logger,
    slo,
  };
}

describe('SliIngest', () => {
  it('logs the buckets a push replaced, with their old and new counts', async () => {
    const { service, logger, slo } = await setup();
    const bucket = { start: '2026-11-25T11:00:00Z', good: 5, total: 10 };
    await service.push(slo, { buckets: [bucket] }, NOW);
    await service.push(slo, { buckets: [bucket] }, NOW);
    expect(logger.info).not.toHaveBeenCalled();

    await service.push(slo, { buckets: [{ ...bucket, good: 10 }] }, NOW);
    expect(logger.info).toHaveBeenCalledWith(
      `SLI push replaced 1 stored bucket(s) of SLO ${slo.id} (component:default/trino, availability): 2026-11-25T11:00:00.000Z 5/10 -> 10/10`,
    );
  });

  it('lists at most ten problems and counts the rest', async () => {
    const { service, slo } = await setup();
    const buckets = Array.from({ length: 12 }, (_, i) => ({
      start: new Date(NOW - 3_600_000 + i * 60_000 + 1).toISOString(),
      good: 1,
      total: 1,
    }));
    await expect(service.push(slo, { buckets }, NOW)).rejects.toThrow(
      /^Invalid request body: buckets\[0\]\.start: .*; and 2 more problem\(s\)$/,
    );
  });

  it('validates collected buckets with the same rules and messages as pushed ones', async () => {
    const { service, slo } = await setup();
    const start = Date.UTC(2026, 10, 25, 11);
    const bad = [
      { start: start + 30_000, good: 1, total: 1 },
      { start, good: 5, total: 4 },
      { start: NOW + 3_600_000, good: 1, total: 1 },
    ];
    const pushed = service.push(
      slo,
      {
        buckets: bad.map(b => ({
          ...b,
          start: new Date(b.start).toISOString(),
        })),
      },
      NOW,
    );
    const collected = service.ingest(slo, bad, { via: 'prometheus', now: NOW });
    const messages = await Promise.all(
      [pushed, collected].map(p =>
        p.then(
          () => '',
          (e: Error) => e.message,
        ),
      ),
    );
    const problems = messages.map(m => m.replace(/^Invalid [^:]+: /, ''));
    expect(problems[0]).toBe(problems[1]);
    expect(problems[1]).toBe(
      'buckets[0].start: 2026-11-25T11:00:30.000Z is not aligned to 1m buckets; use 2026-11-25T11:00:00.000Z (the start of its bucket); ' +
        'buckets[1].good: good must not exceed total; ' +
        'buckets[2].start: 2026-11-25T13:00:00.000Z is in the future (now is 2026-11-25T12:00:00.000Z); push a bucket once it has started',
    );
    expect(messages[1]).toMatch(/^Invalid SLI data: /);
    // Nothing of a refused write is stored.
    await expect(
      service.ingest(slo, [{ start, good: 1, total: 1 }], {
        via: 'prometheus',
        now: NOW,
      }),
    ).resolves.toMatchObject({ inserted: 1, unchanged: 0 });
  });
});
