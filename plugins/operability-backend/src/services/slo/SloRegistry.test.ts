import type { SliSource } from '@airworthy/plugin-operability-node';
import { mockServices } from '@backstage/backend-test-utils';
import { sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import type { EntityAccess } from '../access/EntityAccess';
import { BudgetEvaluator } from './BudgetEvaluator';
import { SloRegistry } from './SloRegistry';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR } = TIME;
const createStores = createTestStores();
const NOW = Date.UTC(2026, 10, 25, 12);

/** A source of Prometheus SLOs: collecting them, or not configured for them. */
function prometheusLike(configured: boolean): SliSource {
  return {
    id: 'prometheus',
    supports: () => configured,
    unsupportedReason: () =>
      configured ? undefined : 'No Prometheus instance is configured',
    // eslint-disable-next-line require-yield
    async *collect() {
      throw new Error('not called');
    },
  };
}

async function setup(sources: SliSource[]) {
  const { store } = await createStores();
  const record = await store.slos.upsert(sloInput({}, { duration: '1d' }));
  // Summaries read no entity: the registry's access checks are not used here.
  const registry = new SloRegistry(store, {} as EntityAccess, () => sources);
  const evaluator = new BudgetEvaluator({
    store,
    logger: mockServices.logger.mock(),
    snapshotIntervalMs: HOUR,
  });
  const collection = async () =>
    (await registry.summarize([record]))[0].collection;
  return { store, record, evaluator, collection };
}

describe('SloRegistry collection status', () => {
  it('says that a pushed SLO waits for a push, naming the metric sources nothing collects', async () => {
    const { collection } = await setup([]);
    await expect(collection()).resolves.toEqual({
      source: null,
      state: 'push',
      detail:
        'No installed SLI source collects metric sources of type Prometheus',
    });
  });

  it('says what to configure when an installed source would collect the SLO', async () => {
    const { collection } = await setup([prometheusLike(false)]);
    await expect(collection()).resolves.toEqual({
      source: null,
      state: 'unconfigured',
      detail: 'No Prometheus instance is configured',
    });
  });

  it('follows a collected SLO from pending to failed, empty and ok', async () => {
    const { store, record, evaluator, collection } = await setup([
      prometheusLike(true),
    ]);
    await expect(collection()).resolves.toEqual({
      source: 'prometheus',
      state: 'pending',
    });

    const attempt = {
      sloId: record.id,
      source: 'prometheus',
      indicatorHash: 'h',
      lastAttemptAt: NOW,
    };
    await store.collection.set({
      ...attempt,
      lastError: 'Prometheus answered 503',
    });
    await expect(collection()).resolves.toMatchObject({
      state: 'failed',
      lastError: 'Prometheus answered 503',
    });

    // Collected through the period, then evaluated: the queries returned nothing.
    await store.collection.set({
      ...attempt,
      collectedUntil: NOW,
      lastSuccessAt: NOW,
    });
    await expect(collection()).resolves.toMatchObject({ state: 'pending' });
    await evaluator.evaluateAll(NOW);
    await expect(collection()).resolves.toMatchObject({ state: 'empty' });

    await store.sli.writeBuckets(
      record.id,
      [{ start: NOW - 10 * MINUTE, good: 9, total: 10 }],
      NOW,
    );
    await evaluator.evaluateAll(NOW + MINUTE);
    await expect(collection()).resolves.toMatchObject({
      source: 'prometheus',
      state: 'ok',
      collectedUntil: new Date(NOW).toISOString(),
    });
  });
});
