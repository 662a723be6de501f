import { TestDatabases } from '@backstage/backend-test-utils';
import { applyDatabaseMigrations } from './migrations';
import { KnexSliStore } from './SliStore';
import { KnexSloStore, type SloInput } from './SloStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const base: SloInput = {
  entityRef: 'component:default/jupyterhub',
  name: 'availability',
  displayName: 'JupyterHub availability',
  source: 'repo',
  sourceLocation: 'https://github.com/example/jupyterhub/blob/main/slos.yaml',
  target: 0.98,
  period: '28d',
  definition: { indicator: { ratioMetric: { counter: true } } },
};

describe.each(databases.eachSupportedId())('KnexSloStore on %s', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    return new KnexSloStore(knex);
  }

  it('inserts an SLO and reads it back by id and by entity', async () => {
    const store = await createStore();
    const created = await store.upsert(base, 1_700_000_000_000);

    expect(created).toEqual({
      ...base,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      description: undefined,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    });
    await expect(store.get(created.id)).resolves.toEqual(created);
    await expect(store.listByEntity(base.entityRef)).resolves.toEqual([
      created,
    ]);
    await expect(
      store.listByEntity('component:default/other'),
    ).resolves.toEqual([]);
  });

  it('updates in place on the same entity and name, keeping id and creation time', async () => {
    const store = await createStore();
    const first = await store.upsert(base, 1_000);
    const second = await store.upsert(
      {
        ...base,
        target: 0.999,
        definition: { changed: true },
        displayName: undefined,
      },
      2_000,
    );

    expect(second.id).toBe(first.id);
    expect(second.createdAt).toBe(1_000);
    expect(second.updatedAt).toBe(2_000);
    expect(second.target).toBe(0.999);
    expect(second.displayName).toBeUndefined();
    expect(second.definition).toEqual({ changed: true });
    await expect(store.listByEntity(base.entityRef)).resolves.toHaveLength(1);
  });

  it('keeps SLOs of different entities and names apart, sorted by name', async () => {
    const store = await createStore();
    await store.upsert({ ...base, name: 'latency' });
    await store.upsert(base);
    await store.upsert({ ...base, entityRef: 'component:default/thanos' });

    const names = (await store.listByEntity(base.entityRef)).map(s => s.name);
    expect(names).toEqual(['availability', 'latency']);
  });

  it('stores targets exactly', async () => {
    const store = await createStore();
    const created = await store.upsert({ ...base, target: 0.99995 });
    expect((await store.get(created.id))!.target).toBe(0.99995);
  });

  it('deletes by id and reports whether anything was deleted', async () => {
    const store = await createStore();
    const created = await store.upsert(base);

    await expect(store.delete(created.id)).resolves.toBe(true);
    await expect(store.delete(created.id)).resolves.toBe(false);
    await expect(store.get(created.id)).resolves.toBeUndefined();
  });

  it('deletes the SLI data of a deleted SLO, and only that', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const store = new KnexSloStore(knex);
    const sli = new KnexSliStore(knex, [
      { widthMs: 60_000, retentionMs: 86_400_000 },
    ]);
    const gone = await store.upsert(base);
    const kept = await store.upsert({ ...base, name: 'latency' });
    const bucket = [{ start: 1_700_000_040_000, good: 1, total: 2 }];
    await sli.writeBuckets(gone.id, bucket, 1_700_000_100_000);
    await sli.writeBuckets(kept.id, bucket, 1_700_000_100_000);

    await store.delete(gone.id);
    const rows = await knex('sli_buckets').select('slo_id');
    expect(rows).toEqual([{ slo_id: kept.id }]);
  });
});
