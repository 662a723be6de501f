import { TestDatabases } from '@backstage/backend-test-utils';
import { exampleSlos, sloInput } from '../../__testUtils__/slos';
import { applyDatabaseMigrations } from '../migrations';
import { KnexSliStore } from '../sli/SliStore';
import { KnexSloStore, type SloInput } from './SloStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const base: SloInput = sloInput({
  source: 'repo',
  sourceLocation: 'https://github.com/example/jupyterhub/blob/main/slos.yaml',
});

describe.each(databases.eachSupportedId())('KnexSloStore on %s', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    return { knex, store: new KnexSloStore(knex) };
  }

  it('inserts an SLO and reads it back by id, by entity and in the full list', async () => {
    const { store } = await createStore();
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
    await expect(store.listAll()).resolves.toEqual([created]);
    await expect(
      store.listByEntity('component:default/other'),
    ).resolves.toEqual([]);
  });

  it('updates in place on the same entity and ref, keeping id and creation time', async () => {
    const { store } = await createStore();
    const first = await store.upsert(base, 1_000);
    const changed = sloInput({}, { target: 0.999 });
    const second = await store.upsert(
      { ...base, target: 0.999, definition: changed.definition },
      2_000,
    );

    expect(second.id).toBe(first.id);
    expect(second.createdAt).toBe(1_000);
    expect(second.updatedAt).toBe(2_000);
    expect(second.target).toBe(0.999);
    expect(second.definition.target).toBe(0.999);
    await expect(store.listByEntity(base.entityRef)).resolves.toHaveLength(1);
  });

  it('keeps the objectives of one SLO apart by ref', async () => {
    const { store } = await createStore();
    const [first, second] = exampleSlos({ extraObjective: 0.9 });
    await store.upsert({ ...base, definition: second, ref: second.ref });
    await store.upsert({ ...base, definition: first, ref: first.ref });

    const refs = (await store.listByEntity(base.entityRef)).map(s => s.ref);
    expect(refs).toEqual(['availability', 'availability/1']);
  });

  it('keeps SLOs of different entities apart, sorted by name', async () => {
    const { store } = await createStore();
    await store.upsert({ ...base, name: 'latency', ref: 'latency' });
    await store.upsert(base);
    await store.upsert({ ...base, entityRef: 'component:default/thanos' });

    const names = (await store.listByEntity(base.entityRef)).map(s => s.name);
    expect(names).toEqual(['availability', 'latency']);
    await expect(store.listEntityRefs('repo')).resolves.toEqual([
      'component:default/jupyterhub',
      'component:default/thanos',
    ]);
    await expect(store.listEntityRefs('api')).resolves.toEqual([]);
  });

  it('refuses texts longer than their columns with a 400, storing nothing', async () => {
    const { store } = await createStore();
    await expect(
      store.upsert({ ...base, ref: 'x'.repeat(101) }),
    ).rejects.toThrow(
      /The SLO's ref "x+…" is 101 characters long; at most 100 can be stored/,
    );
    await expect(
      store.upsert({ ...base, displayName: 'd'.repeat(256) }),
    ).rejects.toMatchObject({ name: 'InputError' });
    await expect(store.listByEntity(base.entityRef)).resolves.toEqual([]);
  });

  it('stores targets exactly', async () => {
    const { store } = await createStore();
    const created = await store.upsert({ ...base, target: 0.99995 });
    expect((await store.get(created.id))!.target).toBe(0.99995);
  });

  it('replaces the SLOs of one source of an entity, leaving the other source alone', async () => {
    const { store } = await createStore();
    const kept = await store.upsert(base);
    const removed = await store.upsert({ ...base, name: 'old', ref: 'old' });
    const fromApi = await store.upsert({
      ...base,
      source: 'api',
      name: 'manual',
      ref: 'manual',
    });

    const result = await store.replaceForEntity(base.entityRef, 'repo', [
      { ...base, target: 0.95 },
      { ...base, name: 'new', ref: 'new' },
    ]);
    expect(result.map(r => r.ref)).toEqual(['availability', 'new']);
    expect(result[0].id).toBe(kept.id);
    // Left out of the file: retired, not deleted.
    await expect(store.get(removed.id)).resolves.toMatchObject({
      retiredReason: 'file-removed',
      retiredAt: expect.any(Number),
    });
    await expect(store.get(fromApi.id)).resolves.toBeDefined();

    await store.replaceForEntity(base.entityRef, 'repo', []);
    const left = await store.listByEntity(base.entityRef);
    expect(left.map(r => r.ref)).toEqual(['manual']);
    expect(
      (await store.listRetired({ entityRef: base.entityRef })).map(r => r.ref),
    ).toEqual(expect.arrayContaining(['availability', 'new', 'old']));
    await expect(store.listEntityRefs('repo')).resolves.toEqual([]);
    await expect(store.listAll()).resolves.toHaveLength(1);
  });

  it('brings a retired SLO back, same id, when it is written again', async () => {
    const { store } = await createStore();
    const first = await store.upsert(base, 1_000);
    await store.replaceForEntity(base.entityRef, 'repo', [], { now: 2_000 });
    await expect(store.listByEntity(base.entityRef)).resolves.toEqual([]);

    const back = await store.upsert({ ...base, target: 0.95 }, 3_000);
    expect(back).toMatchObject({
      id: first.id,
      target: 0.95,
      createdAt: 1_000,
    });
    expect(back.retiredAt).toBeUndefined();
    await expect(store.listRetired()).resolves.toEqual([]);
  });

  it('retires and restores by entity and reason, leaving other reasons alone', async () => {
    const { store } = await createStore();
    const hub = await store.upsert(base);
    const deleted = await store.upsert({ ...base, name: 'old', ref: 'old' });
    await store.retire({ ids: [deleted.id] }, 'deleted', 5_000);
    await expect(
      store.retire({ entityRef: base.entityRef }, 'entity-removed', 6_000),
    ).resolves.toBe(1);
    await expect(store.get(hub.id)).resolves.toMatchObject({
      retiredAt: 6_000,
      retiredReason: 'entity-removed',
    });
    await expect(
      store.restore({ entityRef: base.entityRef, reason: 'entity-removed' }),
    ).resolves.toBe(1);
    expect((await store.listByEntity(base.entityRef)).map(r => r.id)).toEqual([
      hub.id,
    ]);
    await expect(store.get(deleted.id)).resolves.toMatchObject({
      retiredReason: 'deleted',
    });
  });

  it('moves a retired SLO to another entity unless that one has the ref', async () => {
    const { store } = await createStore();
    const old = await store.upsert(base);
    await store.retire({ ids: [old.id] }, 'entity-removed');
    await expect(store.adopt(old.id, 'component:default/hub')).resolves.toBe(
      true,
    );
    await expect(store.get(old.id)).resolves.toMatchObject({
      entityRef: 'component:default/hub',
    });
    expect((await store.get(old.id))!.retiredAt).toBeUndefined();
    // In force: nothing to adopt.
    await expect(store.adopt(old.id, base.entityRef)).resolves.toBe(false);
    const other = await store.upsert({
      ...base,
      entityRef: 'component:default/x',
    });
    await store.retire({ ids: [other.id] }, 'entity-removed');
    await expect(store.adopt(other.id, 'component:default/hub')).resolves.toBe(
      false,
    );
  });

  it('purges by id, and purges retired SLOs only after their grace period', async () => {
    const { store } = await createStore();
    const created = await store.upsert(base);

    await expect(store.purge(created.id)).resolves.toBe(true);
    await expect(store.purge(created.id)).resolves.toBe(false);
    await expect(store.get(created.id)).resolves.toBeUndefined();

    const early = await store.upsert({ ...base, name: 'a', ref: 'a' });
    const late = await store.upsert({ ...base, name: 'b', ref: 'b' });
    const inForce = await store.upsert({ ...base, name: 'c', ref: 'c' });
    await store.retire({ ids: [early.id] }, 'deleted', 1_000);
    await store.retire({ ids: [late.id] }, 'deleted', 9_000);
    await expect(store.purgeRetired(5_000)).resolves.toEqual([early.id]);
    await expect(store.get(early.id)).resolves.toBeUndefined();
    await expect(store.get(late.id)).resolves.toBeDefined();
    await expect(store.get(inForce.id)).resolves.toBeDefined();
  });

  it('purges the SLI data of a purged SLO, and only that', async () => {
    const { knex, store } = await createStore();
    const sli = new KnexSliStore(knex, [
      { widthMs: 60_000, retentionMs: 86_400_000 },
    ]);
    const gone = await store.upsert(base);
    const kept = await store.upsert({
      ...base,
      name: 'latency',
      ref: 'latency',
    });
    const bucket = [{ start: 1_700_000_040_000, good: 1, total: 2 }];
    await sli.writeBuckets(gone.id, bucket, 1_700_000_100_000);
    await sli.writeBuckets(kept.id, bucket, 1_700_000_100_000);

    await store.purge(gone.id);
    const rows = await knex('sli_chunks').distinct('slo_id');
    expect(rows).toEqual([{ slo_id: kept.id }]);
  });
});
