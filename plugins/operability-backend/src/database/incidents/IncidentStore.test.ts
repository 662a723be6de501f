import type { IncidentObservation } from '@airworthy/plugin-operability-node';
import { TestDatabases } from '@backstage/backend-test-utils';
import { KnexIncidentStore } from './IncidentStore';
import { applyDatabaseMigrations } from '../migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MIN = 60_000;
const HUB = 'component:default/jupyterhub';
const GROUPING = { gapMs: 5 * 60_000, alertLinkWindowMs: 24 * 60 * 60_000 };
const TRINO = 'component:default/trino';

function observation(
  overrides: Partial<IncidentObservation> = {},
): IncidentObservation {
  return {
    sourceKey: 'a1b2c3d4@2026-11-20T10:00:00.000Z',
    entityRefs: [HUB],
    title: 'JupyterHub is down',
    severity: 'critical',
    status: 'open',
    startedAt: T0,
    observedAt: T0,
    links: { runbook: 'https://runbooks.example/jupyterhub' },
    labels: ['alertname=JupyterHubDown', 'severity=critical'],
    ...overrides,
  };
}

function listAll(store: KnexIncidentStore, entityRef = HUB) {
  return store.listRecords({ entityRef }, { offset: 0, limit: 10 });
}

describe.each(databases.eachSupportedId())(
  'KnexIncidentStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      return { store: new KnexIncidentStore(knex, GROUPING), knex };
    }

    it('creates an incident from an observation and reads it back', async () => {
      const { store } = await createStore();
      const result = await store.recordDelivery(
        'alertmanager',
        { observations: [observation()] },
        T0 + 1000,
      );
      expect(result).toEqual({
        duplicate: false,
        created: 1,
        updated: 0,
        unchanged: 0,
        unmatched: 0,
      });
      const { items, totalItems } = await listAll(store);
      expect(totalItems).toBe(1);
      expect(items[0]).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        source: 'alertmanager',
        sourceKey: 'a1b2c3d4@2026-11-20T10:00:00.000Z',
        entityRefs: [HUB],
        title: 'JupyterHub is down',
        description: undefined,
        severity: 'critical',
        status: 'open',
        startedAt: T0,
        detectedAt: T0,
        acknowledgedAt: undefined,
        resolvedAt: undefined,
        links: { runbook: 'https://runbooks.example/jupyterhub' },
        postMortem: false,
        labels: ['alertname=JupyterHubDown', 'severity=critical'],
        observedAt: T0,
        correlation: { names: [], references: [] },
        createdAt: T0 + 1000,
        updatedAt: T0 + 1000,
        incidentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      await expect(store.getRecord(items[0].id)).resolves.toEqual(items[0]);
    });

    it('skips a delivery whose id was recorded, and writes nothing for it', async () => {
      const { store } = await createStore();
      const first = await store.recordDelivery('github', {
        deliveryId: 'd-1',
        observations: [observation()],
      });
      const again = await store.recordDelivery('github', {
        deliveryId: 'd-1',
        observations: [
          observation({ status: 'resolved', observedAt: T0 + 5 * MIN }),
        ],
      });
      expect(first.created).toBe(1);
      expect(again).toEqual({
        duplicate: true,
        created: 0,
        updated: 0,
        unchanged: 0,
        unmatched: 0,
      });
      const [incident] = (await listAll(store)).items;
      expect(incident.status).toBe('open');
      // The same delivery id of another source is another delivery.
      await expect(
        store.recordDelivery('pagerduty', {
          deliveryId: 'd-1',
          observations: [],
        }),
      ).resolves.toMatchObject({ duplicate: false });
    });

    it('gives one incident with the right times for duplicate and out-of-order deliveries', async () => {
      const { store } = await createStore();
      const resolved = observation({
        status: 'resolved',
        resolvedAt: T0 + 25 * MIN,
        observedAt: T0 + 25 * MIN,
      });
      const firing = observation();
      for (const o of [resolved, firing, firing, resolved]) {
        await store.recordDelivery('alertmanager', { observations: [o] });
      }
      const { items, totalItems } = await listAll(store);
      expect(totalItems).toBe(1);
      expect(items[0]).toMatchObject({
        status: 'resolved',
        startedAt: T0,
        resolvedAt: T0 + 25 * MIN,
      });
    });

    it('reports unchanged observations and does not store unmatched ones', async () => {
      const { store } = await createStore();
      await store.recordDelivery('alertmanager', {
        observations: [observation()],
      });
      const result = await store.recordDelivery('alertmanager', {
        observations: [
          observation(),
          observation({ sourceKey: 'other', entityRefs: [] }),
        ],
      });
      expect(result).toMatchObject({ unchanged: 1, unmatched: 1, created: 0 });
      const unmatched = await listAll(store);
      expect(unmatched.totalItems).toBe(1);
    });

    it('rolls back a whole delivery when one observation cannot be written', async () => {
      const { store } = await createStore();
      await expect(
        store.recordDelivery('alertmanager', {
          deliveryId: 'd-2',
          observations: [
            observation({ sourceKey: 'fine' }),
            observation({ sourceKey: 'x'.repeat(300) }),
          ],
        }),
      ).rejects.toThrow();
      const { totalItems } = await listAll(store);
      expect(totalItems).toBe(0);
      // The failed delivery id was not kept: a retry is recorded.
      await expect(
        store.recordDelivery('alertmanager', {
          deliveryId: 'd-2',
          observations: [observation({ sourceKey: 'fine' })],
        }),
      ).resolves.toMatchObject({ duplicate: false, created: 1 });
    });

    it('moves an incident to the entities of its newest observation', async () => {
      const { store } = await createStore();
      await store.recordDelivery('github', { observations: [observation()] });
      await store.recordDelivery('github', {
        observations: [
          observation({ entityRefs: [TRINO, HUB], observedAt: T0 + MIN }),
        ],
      });
      const trino = await listAll(store, TRINO);
      expect(trino.items[0].entityRefs).toEqual([HUB, TRINO]);
    });

    it('merges concurrent deliveries of one incident into one row', async () => {
      const { store } = await createStore();
      const observations = Array.from({ length: 8 }, (_, i) =>
        observation({
          status: i === 7 ? 'resolved' : 'open',
          observedAt: T0 + i * MIN,
        }),
      );
      await Promise.all(
        observations.map(o =>
          store.recordDelivery('alertmanager', { observations: [o] }),
        ),
      );
      const { items, totalItems } = await listAll(store);
      expect(totalItems).toBe(1);
      expect(items[0]).toMatchObject({
        status: 'resolved',
        resolvedAt: T0 + 7 * MIN,
      });
    });

    it('filters and pages an entity’s incidents, newest first', async () => {
      const { store } = await createStore();
      const seeds: Array<Partial<IncidentObservation>> = [
        { sourceKey: 'a', startedAt: T0, severity: 'critical' },
        {
          sourceKey: 'b',
          startedAt: T0 + 60 * MIN,
          severity: 'warning',
          status: 'resolved',
          resolvedAt: T0 + 90 * MIN,
        },
        { sourceKey: 'c', startedAt: T0 + 120 * MIN, severity: 'info' },
        { sourceKey: 'd', startedAt: T0 + 180 * MIN, entityRefs: [TRINO] },
      ];
      for (const seed of seeds) {
        await store.recordDelivery('alertmanager', {
          observations: [
            observation({ ...seed, observedAt: seed.startedAt! + 100 * MIN }),
          ],
        });
      }
      await store.createManual(HUB, {
        title: 'Manual',
        severity: 'warning',
        startedAt: T0 + 240 * MIN,
      });

      const keys = async (
        filter: Omit<Parameters<typeof store.listRecords>[0], 'entityRef'>,
        page = { offset: 0, limit: 10 },
      ) => {
        const { items, totalItems } = await store.listRecords(
          { entityRef: HUB, ...filter },
          page,
        );
        return {
          keys: items.map(i =>
            i.source === 'manual' ? 'manual' : i.sourceKey,
          ),
          totalItems,
        };
      };

      await expect(keys({})).resolves.toEqual({
        keys: ['manual', 'c', 'b', 'a'],
        totalItems: 4,
      });
      await expect(keys({}, { offset: 1, limit: 2 })).resolves.toEqual({
        keys: ['c', 'b'],
        totalItems: 4,
      });
      await expect(keys({ severities: ['warning'] })).resolves.toEqual({
        keys: ['manual', 'b'],
        totalItems: 2,
      });
      await expect(keys({ statuses: ['resolved'] })).resolves.toEqual({
        keys: ['b'],
        totalItems: 1,
      });
      await expect(keys({ sources: ['manual'] })).resolves.toEqual({
        keys: ['manual'],
        totalItems: 1,
      });
      // Open at some moment of [T0 + 95 min, T0 + 125 min): b ended at 90, c started at 120,
      // a is still open.
      await expect(
        keys({ from: T0 + 95 * MIN, to: T0 + 125 * MIN }),
      ).resolves.toEqual({ keys: ['c', 'a'], totalItems: 2 });
      // Started in that range, as the statistics count them: only c.
      await expect(
        keys({ from: T0 + 95 * MIN, to: T0 + 125 * MIN, match: 'started' }),
      ).resolves.toEqual({ keys: ['c'], totalItems: 1 });
      const overlapping = await store.listRecordsOverlapping(
        HUB,
        T0 + 95 * MIN,
        T0 + 125 * MIN,
      );
      expect(overlapping.map(i => i.sourceKey)).toEqual(['a', 'c']);
    });

    it('creates and replaces manual incidents, and only manual ones', async () => {
      const { store } = await createStore();
      const created = await store.createManual(
        HUB,
        {
          title: 'Login broken on four clusters',
          severity: 'critical',
          startedAt: T0,
          detectedAt: T0 + 5 * MIN,
          links: { issue: 'https://github.com/operate-first/support/issues/1' },
        },
        T0 + 10 * MIN,
      );
      expect(created).toMatchObject({
        source: 'manual',
        sourceKey: created.id,
        entityRefs: [HUB],
        status: 'open',
        detectedAt: T0 + 5 * MIN,
        postMortem: false,
        createdAt: T0 + 10 * MIN,
      });
      const updated = await store.updateManual(
        created.id,
        {
          title: 'Login broken on four clusters',
          severity: 'critical',
          startedAt: T0,
          detectedAt: T0 + 5 * MIN,
          acknowledgedAt: T0 + 6 * MIN,
          resolvedAt: T0 + 60 * MIN,
          links: { postMortem: 'https://docs.example/pm' },
        },
        T0 + 70 * MIN,
      );
      expect(updated).toMatchObject({
        status: 'resolved',
        acknowledgedAt: T0 + 6 * MIN,
        resolvedAt: T0 + 60 * MIN,
        links: { postMortem: 'https://docs.example/pm' },
        postMortem: true,
        createdAt: T0 + 10 * MIN,
        updatedAt: T0 + 70 * MIN,
      });

      await store.recordDelivery('github', { observations: [observation()] });
      const [fromGithub] = (
        await store.listRecords(
          { entityRef: HUB, sources: ['github'] },
          { offset: 0, limit: 1 },
        )
      ).items;
      await expect(
        store.updateManual(fromGithub.id, {
          title: 'x',
          severity: 'info',
          startedAt: T0,
        }),
      ).resolves.toBeUndefined();
      await expect(store.getRecord(fromGithub.id)).resolves.toMatchObject({
        title: 'JupyterHub is down',
      });
    });

    it('prunes old delivery ids, so they may be recorded again', async () => {
      const { store } = await createStore();
      await store.recordDelivery(
        'github',
        { deliveryId: 'old', observations: [] },
        1_000,
      );
      await store.recordDelivery(
        'github',
        { deliveryId: 'new', observations: [] },
        5_000,
      );
      await expect(store.pruneDeliveries(2_000)).resolves.toBe(1);
      await expect(
        store.recordDelivery('github', { deliveryId: 'old', observations: [] }),
      ).resolves.toMatchObject({ duplicate: false });
      await expect(
        store.recordDelivery('github', { deliveryId: 'new', observations: [] }),
      ).resolves.toMatchObject({ duplicate: true });
    });

    it('keeps cursors per source and key', async () => {
      const { store } = await createStore();
      await expect(store.readCursor('github', 'repo')).resolves.toBeUndefined();
      await store.writeCursor('github', 'repo', 'one');
      await store.writeCursor('github', 'repo', 'two');
      await store.writeCursor('pagerduty', 'repo', 'three');
      await expect(store.readCursor('github', 'repo')).resolves.toBe('two');
      await expect(store.readCursor('pagerduty', 'repo')).resolves.toBe(
        'three',
      );
    });

    it('stores untrusted text as given', async () => {
      const { store } = await createStore();
      const title = `<img src=x onerror="alert(1)"> '; DROP TABLE incidents; -- ✓`;
      await store.recordDelivery('github', {
        observations: [observation({ title, description: title })],
      });
      const [incident] = (await listAll(store)).items;
      expect(incident.title).toBe(title);
      expect(incident.description).toBe(title);
    });
  },
);
