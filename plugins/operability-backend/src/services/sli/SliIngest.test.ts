import { mockServices } from '@backstage/backend-test-utils';
import { sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import { formatWidth, SliService } from './SliIngest';

const createStores = createTestStores();
const NOW = Date.UTC(2026, 10, 25, 12);

async function setup() {
  const { store, sliConfig: config } = await createStores();
  const logger = mockServices.logger.mock();
  const slo = await store.slos.upsert(
    sloInput({ entityRef: 'component:default/trino' }),
  );
  return { service: new SliService({ store, config, logger }), logger, slo };
}

describe('SliService', () => {
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

  it('formats widths as people write them', () => {
    expect(
      [60_000, 3_600_000, 86_400_000, 90_000, 5_400_000].map(formatWidth),
    ).toEqual(['1m', '1h', '1d', '90s', '90m']);
  });
});
