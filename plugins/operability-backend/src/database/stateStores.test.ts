import { TestDatabases } from '@backstage/backend-test-utils';
import type { SloEvaluation } from '@airworthy/plugin-operability-common';
import { sloEvaluation } from '../__testUtils__/evaluations';
import { sloInput } from '../__testUtils__/slos';
import { KnexCollectionStore } from './sli/CollectionStore';
import { KnexEvaluationStore } from './slo/EvaluationStore';
import { applyDatabaseMigrations } from './migrations';
import { KnexSloFileErrorStore } from './slo/SloFileErrorStore';
import { KnexSloStore } from './slo/SloStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { HOUR } = TIME;

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

function evaluation(status: SloEvaluation['status'], remaining: number) {
  return sloEvaluation(status, remaining, {
    at: Date.parse('2026-11-25T12:00:00.000Z'),
    burnRates: [
      {
        window: '1h',
        windowMs: HOUR,
        good: 60,
        total: 60,
        errorRatio: 0,
        burnRate: 0,
      },
      {
        window: 'period',
        windowMs: 28 * 24 * HOUR,
        good: 990,
        total: 1000,
        errorRatio: 0.01,
        burnRate: 0.5,
      },
    ],
  });
}

describe.each(databases.eachSupportedId())(
  'SLO state stores on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const slos = new KnexSloStore(knex);
      const slo = await slos.upsert(sloInput());
      return { knex, slos, slo };
    }

    it('keeps the validation errors of each entity, replacing them on each sync', async () => {
      const { knex } = await setup();
      const store = new KnexSloFileErrorStore(knex);
      const sync = {
        entityRef: 'component:default/jupyterhub',
        files: ['https://example.com/slos.yaml'],
        errors: [
          {
            file: 'https://example.com/slos.yaml',
            document: 0,
            path: 'spec.objectives[0].target',
            message: 'must be a ratio in [0, 1)',
          },
        ],
        syncedAt: 1_000,
      };
      await store.set(sync);
      await expect(store.get(sync.entityRef)).resolves.toEqual(sync);
      await store.set({ ...sync, errors: [], syncedAt: 2_000 });
      await expect(store.get(sync.entityRef)).resolves.toMatchObject({
        errors: [],
        syncedAt: 2_000,
      });
      await expect(store.listEntityRefs()).resolves.toEqual([sync.entityRef]);
      await store.delete(sync.entityRef);
      await expect(store.get(sync.entityRef)).resolves.toBeUndefined();
    });

    it('keeps the collection state of each SLO', async () => {
      const { knex, slo } = await setup();
      const store = new KnexCollectionStore(knex);
      const state = {
        sloId: slo.id,
        source: 'prometheus',
        indicatorHash: 'abc',
        collectedUntil: 1_700_000_000_000,
        lastAttemptAt: 1_700_000_060_000,
        lastSuccessAt: undefined,
        lastError: 'Prometheus smaug could not be reached',
      };
      await store.set(state);
      await expect(store.get(slo.id)).resolves.toEqual(state);
      await store.set({
        ...state,
        lastError: undefined,
        lastSuccessAt: 1_700_000_120_000,
      });
      const listed = await store.list([slo.id, 'other']);
      expect([...listed.keys()]).toEqual([slo.id]);
      expect(listed.get(slo.id)).toMatchObject({
        lastError: undefined,
        lastSuccessAt: 1_700_000_120_000,
      });
    });

    it("reads an entity's SLOs with their evaluations and collection states in one query, as the three stores do", async () => {
      const { knex, slos, slo } = await setup();
      // Three more: one evaluated, one collected only, one retired; and one of another entity.
      const evaluated = await slos.upsert(
        sloInput({ name: 'b-evaluated', ref: 'b-evaluated' }),
      );
      const collected = await slos.upsert(
        sloInput({ name: 'c-collected', ref: 'c-collected' }),
      );
      const retired = await slos.upsert(
        sloInput({ name: 'd-retired', ref: 'd-retired' }),
      );
      await slos.retire({ ids: [retired.id] }, 'deleted', 5_000);
      await slos.upsert(
        sloInput({
          entityRef: 'component:default/trino',
          name: 'e-other',
          ref: 'e-other',
        }),
      );
      const evaluations = new KnexEvaluationStore(knex);
      const collection = new KnexCollectionStore(knex);
      await evaluations.save(slo.id, evaluation('ok', 0.5), 1_000, HOUR);
      await evaluations.save(
        evaluated.id,
        evaluation('exhausted', -2.5),
        2_000,
        HOUR,
      );
      await collection.set({
        sloId: slo.id,
        source: 'prometheus',
        indicatorHash: 'abc',
        collectedUntil: 1_700_000_000_000,
        lastAttemptAt: 1_700_000_060_000,
        lastSuccessAt: 1_700_000_060_000,
      });
      await collection.set({
        sloId: collected.id,
        source: 'push',
        indicatorHash: 'def',
        lastAttemptAt: 1_700_000_000_000,
        lastError: 'no such metric',
      });

      const joined = await slos.listByEntityWithState(slo.entityRef);
      const records = await slos.listByEntity(slo.entityRef);
      const ids = records.map(r => r.id);
      const [latest, states] = await Promise.all([
        evaluations.latest(ids),
        collection.list(ids),
      ]);
      expect(joined.map(j => j.record)).toEqual(records);
      expect(joined.map(j => j.record.id)).toEqual([
        slo.id,
        evaluated.id,
        collected.id,
      ]);
      expect(joined).toEqual(
        records.map(record => ({
          record,
          ...(latest.has(record.id)
            ? { evaluation: latest.get(record.id) }
            : {}),
          ...(states.has(record.id)
            ? { collection: states.get(record.id) }
            : {}),
        })),
      );
      expect(joined[1].evaluation?.status).toBe('exhausted');
      expect(joined[2]).toMatchObject({
        collection: { source: 'push', lastError: 'no such metric' },
      });
      expect(joined[2].evaluation).toBeUndefined();
      await expect(
        slos.listByEntityWithState('component:default/nothing'),
      ).resolves.toEqual([]);
    });

    it('keeps the latest evaluation and one snapshot per interval, expiring old ones', async () => {
      const { knex, slos, slo } = await setup();
      const store = new KnexEvaluationStore(knex);
      const t0 = 1_700_000_000_000;
      await expect(
        store.save(slo.id, evaluation('ok', 0.5), t0, HOUR),
      ).resolves.toBe(true);
      await expect(
        store.save(slo.id, evaluation('warning', 0.4), t0 + HOUR / 2, HOUR),
      ).resolves.toBe(false);
      await expect(
        store.save(slo.id, evaluation('exhausted', -0.1), t0 + HOUR, HOUR),
      ).resolves.toBe(true);

      const latest = await store.latest([slo.id]);
      expect(latest.get(slo.id)).toEqual(evaluation('exhausted', -0.1));
      const snapshots = await store.snapshots(slo.id, t0, t0 + 2 * HOUR);
      expect(snapshots).toEqual([
        {
          sloId: slo.id,
          takenAt: t0,
          status: 'ok',
          budgetRemaining: 0.5,
          sli: 0.99,
          burnRates: { '1h': 0, period: 0.5 },
        },
        expect.objectContaining({
          takenAt: t0 + HOUR,
          status: 'exhausted',
          budgetRemaining: -0.1,
        }),
      ]);

      await expect(store.expireSnapshots(t0 + 1)).resolves.toBe(1);
      await expect(
        store.snapshots(slo.id, 0, t0 + 2 * HOUR),
      ).resolves.toHaveLength(1);

      // Several SLOs at once: a snapshot for each SLO whose last one is an interval old.
      const other = await slos.upsert(
        sloInput({ entityRef: 'component:default/other' }),
      );
      await expect(
        store.saveMany(
          [
            { sloId: slo.id, evaluation: evaluation('ok', 0.3) },
            { sloId: other.id, evaluation: evaluation('warning', 0.2) },
          ],
          t0 + HOUR + 1,
          HOUR,
        ),
      ).resolves.toBe(1);
      const both = await store.latest([slo.id, other.id]);
      expect(both.get(slo.id)).toEqual(evaluation('ok', 0.3));
      expect(both.get(other.id)).toEqual(evaluation('warning', 0.2));
      await expect(
        store.snapshots(other.id, 0, t0 + 2 * HOUR),
      ).resolves.toMatchObject([{ takenAt: t0 + HOUR + 1, status: 'warning' }]);
      await expect(store.saveMany([], t0, HOUR)).resolves.toBe(0);

      // Deleting the SLO deletes its evaluations.
      await slos.purge(slo.id);
      await expect(store.latest([slo.id])).resolves.toEqual(new Map());
      await expect(store.snapshots(slo.id, 0, t0 + 2 * HOUR)).resolves.toEqual(
        [],
      );
    });
  },
);
