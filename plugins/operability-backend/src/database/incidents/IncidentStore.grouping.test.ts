import type { IncidentObservation } from '@airworthy/plugin-operability-node';
import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { applyDatabaseMigrations } from '../migrations';
import { groupRecords } from './incidentGrouping';
import { KnexIncidentStore } from './IncidentStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const MIN = 60_000;
const HOUR = 60 * MIN;
/** The Argo CD networking outage of the demo began at 20:00. */
const S = Date.parse('2026-11-11T20:00:00Z');
const ARGOCD = 'component:default/argocd';
const GRAFANA = 'component:default/grafana';
const GROUPING = { gapMs: 5 * MIN, alertLinkWindowMs: 24 * HOUR };

function observation(
  overrides: Partial<IncidentObservation> & { sourceKey: string },
): IncidentObservation {
  return {
    entityRefs: [ARGOCD],
    title: overrides.sourceKey,
    severity: 'critical',
    status: 'open',
    startedAt: S,
    observedAt: overrides.startedAt ?? S,
    ...overrides,
  };
}

/** The Argo CD outage as each source reports it: firing, paged, filed, handled, closed. */
const ALERT_FIRING = observation({
  sourceKey: 'fp1@2026-11-11T20:02:00.000Z',
  title: 'ArgocdErrorBudgetBurn: Networking issues (argocd)',
  startedAt: S + 2 * MIN,
  correlation: { names: ['alert:fp1'] },
});
const ALERT_RESOLVED = {
  ...ALERT_FIRING,
  status: 'resolved' as const,
  resolvedAt: S + 215 * MIN,
  observedAt: S + 215 * MIN,
};
const PAGE = observation({
  sourceKey: 'Q1ARGO',
  title: 'Networking issues on the MOC clusters infra and smaug (argocd)',
  startedAt: S + 5 * MIN,
  correlation: { references: ['alert:fp1'] },
});
const PAGE_ACKNOWLEDGED = {
  ...PAGE,
  status: 'acknowledged' as const,
  acknowledgedAt: S + 12 * MIN,
  observedAt: S + 12 * MIN,
};
const PAGE_RESOLVED = {
  ...PAGE,
  status: 'resolved' as const,
  resolvedAt: S + 4 * HOUR,
  observedAt: S + 4 * HOUR,
};
const ISSUE = observation({
  sourceKey: 'operate-first/operations#428',
  title: '[INCIDENT][smaug/argocd] Networking issues on the MOC clusters',
  startedAt: S + 5 * MIN,
  correlation: { references: ['pagerduty:Q1ARGO'] },
});
const ISSUE_CLOSED = {
  ...ISSUE,
  status: 'resolved' as const,
  acknowledgedAt: S + 12 * MIN,
  resolvedAt: S + 4 * HOUR,
  observedAt: S + 4 * HOUR,
};

type Delivery = { source: string; observation: IncidentObservation };
const OUTAGE: Delivery[] = [
  { source: 'alertmanager', observation: ALERT_FIRING },
  { source: 'pagerduty', observation: PAGE },
  { source: 'github', observation: ISSUE },
  { source: 'pagerduty', observation: PAGE_ACKNOWLEDGED },
  { source: 'alertmanager', observation: ALERT_RESOLVED },
  { source: 'pagerduty', observation: PAGE_RESOLVED },
  { source: 'github', observation: ISSUE_CLOSED },
];

describe.each(databases.eachSupportedId())(
  'KnexIncidentStore grouping on %s',
  databaseId => {
    async function createStore(grouping = GROUPING) {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      return { store: new KnexIncidentStore(knex, grouping), knex };
    }

    async function deliver(store: KnexIncidentStore, deliveries: Delivery[]) {
      for (const { source, observation: o } of deliveries) {
        await store.recordDelivery(source, { observations: [o] }, S + 5 * HOUR);
      }
    }

    /** The entity's incidents as lists of `source:sourceKey`, earliest first. */
    async function partition(store: KnexIncidentStore, entityRef = ARGOCD) {
      const { items } = await store.listIncidents(
        { entityRef },
        { offset: 0, limit: 100 },
      );
      return items
        .map(i => i.records.map(r => `${r.source}:${r.sourceKey}`).sort())
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    }

    it('makes one incident of one outage that three sources reported, and lists its records', async () => {
      const { store } = await createStore();
      await deliver(store, OUTAGE);
      const { items, totalItems } = await store.listIncidents(
        { entityRef: ARGOCD },
        { offset: 0, limit: 10 },
      );
      expect(totalItems).toBe(1);
      const [incident] = items;
      expect(incident).toMatchObject({
        entityRef: ARGOCD,
        title: '[INCIDENT][smaug/argocd] Networking issues on the MOC clusters',
        severity: 'critical',
        status: 'resolved',
        startedAt: S + 2 * MIN,
        detectedAt: S + 2 * MIN,
        acknowledgedAt: S + 12 * MIN,
        resolvedAt: S + 4 * HOUR,
        sources: ['alertmanager', 'github', 'pagerduty'],
        recordCount: 3,
      });
      expect(incident.records.map(r => r.source)).toEqual([
        'alertmanager',
        'github',
        'pagerduty',
      ]);
      expect(new Set(incident.records.map(r => r.incidentId))).toEqual(
        new Set([incident.id]),
      );
      // The records are still there one by one, each pointing at the incident.
      const records = await store.listRecords(
        { entityRef: ARGOCD },
        { offset: 0, limit: 10 },
      );
      expect(records.totalItems).toBe(3);
      expect(records.items.every(r => r.incidentId === incident.id)).toBe(true);

      // Redelivering everything neither splits nor duplicates nor touches the incident.
      await deliver(store, OUTAGE);
      await expect(store.getIncident(incident.id)).resolves.toEqual(incident);
    });

    it('joins a late record from another source to the open incident, keeping its id', async () => {
      const { store } = await createStore();
      await deliver(store, [
        { source: 'alertmanager', observation: ALERT_FIRING },
      ]);
      const [first] = (
        await store.listIncidents(
          { entityRef: ARGOCD },
          { offset: 0, limit: 5 },
        )
      ).items;
      // Filed three hours later, while the alert still fires.
      await deliver(store, [
        {
          source: 'github',
          observation: {
            ...ISSUE,
            startedAt: S + 3 * HOUR,
            observedAt: S + 3 * HOUR,
          },
        },
      ]);
      const { items } = await store.listIncidents(
        { entityRef: ARGOCD },
        { offset: 0, limit: 5 },
      );
      expect(items.map(i => [i.id, i.recordCount, i.status])).toEqual([
        [first.id, 2, 'open'],
      ]);
      expect(items[0].title).toBe(ISSUE.title);
    });

    it('regroups when a resolution separates records, and joins records that link each other', async () => {
      const { store } = await createStore();
      const later = observation({
        sourceKey: 'P-LATER',
        title: 'Unrelated page two hours later',
        startedAt: S + 2 * HOUR,
      });
      await deliver(store, [
        { source: 'alertmanager', observation: ALERT_FIRING },
        { source: 'pagerduty', observation: later },
      ]);
      expect(await partition(store)).toEqual([
        ['alertmanager:fp1@2026-11-11T20:02:00.000Z', 'pagerduty:P-LATER'],
      ]);
      const { items: before } = await store.listIncidents(
        { entityRef: ARGOCD },
        { offset: 0, limit: 5 },
      );
      // The alert turns out to have ended at 20:30: the page is another incident.
      await deliver(store, [
        {
          source: 'alertmanager',
          observation: {
            ...ALERT_RESOLVED,
            resolvedAt: S + 30 * MIN,
            observedAt: S + 30 * MIN,
          },
        },
      ]);
      expect(await partition(store)).toEqual([
        ['alertmanager:fp1@2026-11-11T20:02:00.000Z'],
        ['pagerduty:P-LATER'],
      ]);
      const { items: after } = await store.listIncidents(
        { entityRef: ARGOCD },
        { offset: 0, limit: 5 },
      );
      // The earlier incident keeps its id; the page gets a new one.
      expect(after.find(i => i.sources[0] === 'alertmanager')!.id).toBe(
        before[0].id,
      );
      // An issue filed a day later that links the page joins it.
      await deliver(store, [
        {
          source: 'github',
          observation: {
            ...ISSUE,
            startedAt: S + 26 * HOUR,
            observedAt: S + 26 * HOUR,
            correlation: { references: ['pagerduty:P-LATER'] },
          },
        },
      ]);
      expect(await partition(store)).toEqual([
        ['alertmanager:fp1@2026-11-11T20:02:00.000Z'],
        ['github:operate-first/operations#428', 'pagerduty:P-LATER'],
      ]);
    });

    it('keeps people’s merges and splits across later deliveries and new grouping rules', async () => {
      const { store, knex } = await createStore();
      await deliver(store, OUTAGE);
      const [outage] = (
        await store.listIncidents(
          { entityRef: ARGOCD },
          { offset: 0, limit: 5 },
        )
      ).items;
      const alert = outage.records.find(r => r.source === 'alertmanager')!;

      const split = await store.split(
        outage.id,
        alert.id,
        'user:default/sam',
        S + 6 * HOUR,
      );
      expect(split.incident.id).toBe(outage.id);
      expect(split.incident.sources).toEqual(['github', 'pagerduty']);
      expect(split.split.records.map(r => r.id)).toEqual([alert.id]);
      expect(split.split.records[0].decision).toEqual({
        pin: expect.any(String),
        by: 'user:default/sam',
        at: S + 6 * HOUR,
      });

      // A redelivered resolution and a new record overlapping both do not undo it.
      const late = observation({
        sourceKey: 'manual-1',
        title: 'Noted by hand',
        startedAt: S + 10 * MIN,
        resolvedAt: S + 20 * MIN,
        status: 'resolved',
      });
      await deliver(store, [
        { source: 'alertmanager', observation: ALERT_RESOLVED },
        { source: 'manual', observation: late },
      ]);
      // (The manual record overlaps both sides and joins the first in record order.)
      const afterDeliveries = await partition(store);
      expect(afterDeliveries).toEqual([
        ['alertmanager:fp1@2026-11-11T20:02:00.000Z', 'manual:manual-1'],
        ['github:operate-first/operations#428', 'pagerduty:Q1ARGO'],
      ]);

      // Other grouping rules regroup every entity, and the decision still stands.
      const wider = new KnexIncidentStore(knex, {
        gapMs: HOUR,
        alertLinkWindowMs: 24 * HOUR,
      });
      await expect(wider.regroupStale(S + 7 * HOUR)).resolves.toBe(1);
      await expect(wider.regroupStale(S + 7 * HOUR)).resolves.toBe(0);
      expect(await partition(wider)).toEqual(afterDeliveries);

      // Merging them back pins all of them together.
      const [a, b] = (
        await wider.listIncidents(
          { entityRef: ARGOCD },
          { offset: 0, limit: 5 },
        )
      ).items;
      const merged = await wider.merge(
        a.id,
        b.id,
        'user:default/sam',
        S + 8 * HOUR,
      );
      expect(merged.recordCount).toBe(4);
      expect(await partition(wider)).toHaveLength(1);
      await expect(wider.merge(merged.id, merged.id, 'x')).rejects.toThrow(
        /itself/,
      );
      await expect(
        wider.split(merged.id, '00000000-0000-4000-8000-000000000000', 'x'),
      ).rejects.toThrow(/has no record/);
    });

    it('refuses to merge incidents of different entities, and to split a single record', async () => {
      const { store } = await createStore();
      await deliver(store, [
        { source: 'alertmanager', observation: ALERT_FIRING },
        {
          source: 'alertmanager',
          observation: {
            ...ALERT_FIRING,
            sourceKey: 'g@1',
            entityRefs: [GRAFANA],
          },
        },
      ]);
      const [argocd] = (
        await store.listIncidents(
          { entityRef: ARGOCD },
          { offset: 0, limit: 5 },
        )
      ).items;
      const [grafana] = (
        await store.listIncidents(
          { entityRef: GRAFANA },
          { offset: 0, limit: 5 },
        )
      ).items;
      await expect(
        store.merge(argocd.id, grafana.id, 'x'),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      await expect(
        store.split(argocd.id, argocd.records[0].id, 'x'),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('gives a record of two entities an incident in each', async () => {
      const { store } = await createStore();
      await deliver(store, [
        {
          source: 'alertmanager',
          observation: { ...ALERT_FIRING, entityRefs: [ARGOCD, GRAFANA] },
        },
        { source: 'pagerduty', observation: PAGE },
      ]);
      expect(await partition(store, ARGOCD)).toEqual([
        ['alertmanager:fp1@2026-11-11T20:02:00.000Z', 'pagerduty:Q1ARGO'],
      ]);
      expect(await partition(store, GRAFANA)).toEqual([
        ['alertmanager:fp1@2026-11-11T20:02:00.000Z'],
      ]);
    });

    it('filters incidents by severity, status, source and period', async () => {
      const { store } = await createStore();
      await deliver(store, OUTAGE);
      await deliver(store, [
        {
          source: 'alertmanager',
          observation: observation({
            sourceKey: 'old@1',
            severity: 'warning',
            startedAt: S - 30 * 24 * HOUR,
            status: 'resolved',
            resolvedAt: S - 29 * 24 * HOUR,
          }),
        },
      ]);
      const titles = async (
        filter: Omit<Parameters<typeof store.listIncidents>[0], 'entityRef'>,
      ) =>
        (
          await store.listIncidents(
            { entityRef: ARGOCD, ...filter },
            { offset: 0, limit: 10 },
          )
        ).items.map(i => i.title);
      expect(await titles({})).toEqual([ISSUE.title, 'old@1']);
      expect(await titles({ severities: ['warning'] })).toEqual(['old@1']);
      expect(await titles({ statuses: ['resolved'] })).toEqual([
        ISSUE.title,
        'old@1',
      ]);
      expect(await titles({ sources: ['github'] })).toEqual([ISSUE.title]);
      expect(await titles({ sources: ['manual'] })).toEqual([]);
      // The old alert was open during the day after it began, but did not start in it.
      const week = { from: S - 29.5 * 24 * HOUR, to: S - 24 * HOUR };
      expect(await titles(week)).toEqual(['old@1']);
      expect(await titles({ ...week, match: 'started' })).toEqual([]);
      expect(await titles({ from: S, to: S + HOUR, match: 'started' })).toEqual(
        [ISSUE.title],
      );
    });

    it('makes one incident of records of one outage recorded at the same moment', async () => {
      const { store } = await createStore();
      for (let round = 0; round < 5; round++) {
        const at = S + round * 24 * HOUR;
        await Promise.all(
          ['alertmanager', 'pagerduty', 'github', 'manual'].map(source =>
            store.recordDelivery(source, {
              observations: [
                observation({
                  sourceKey: `${source}-${round}`,
                  startedAt: at,
                  status: 'resolved',
                  resolvedAt: at + 10 * MIN,
                  observedAt: at + 10 * MIN,
                }),
              ],
            }),
          ),
        );
      }
      const groups = await partition(store);
      expect(groups).toHaveLength(5);
      expect(groups.every(g => g.length === 4)).toBe(true);
    });

    it('groups records that have none yet (after the migration) when asked', async () => {
      const { store, knex } = await createStore();
      await deliver(store, OUTAGE);
      await knex('incident_record_entities').update({ incident_id: null });
      await knex('incidents').delete();
      await expect(
        store.listIncidents({ entityRef: ARGOCD }, { offset: 0, limit: 5 }),
      ).resolves.toMatchObject({ totalItems: 0 });
      await expect(store.regroupStale(S + 6 * HOUR)).resolves.toBe(1);
      expect(await partition(store)).toEqual([
        [
          'alertmanager:fp1@2026-11-11T20:02:00.000Z',
          'github:operate-first/operations#428',
          'pagerduty:Q1ARGO',
        ],
      ]);
    });

    it('gives the same incidents for the same deliveries in any order, redelivered or not', async () => {
      const { store, knex } = await createStore();
      const sources = ['alertmanager', 'github', 'pagerduty'];
      // A few records per source; each delivery is one state of one record.
      const arbDelivery = fc
        .record({
          source: fc.constantFrom(...sources),
          key: fc.integer({ min: 0, max: 3 }),
          start: fc.integer({ min: 0, max: 240 }),
          seen: fc.integer({ min: 0, max: 60 }),
          length: fc.option(fc.integer({ min: 0, max: 90 }), {
            nil: undefined,
          }),
          reference: fc.option(
            fc.constantFrom(
              'pagerduty:1',
              'alert:alertmanager-2',
              'incident:x',
            ),
            { nil: undefined },
          ),
        })
        .map(d => ({
          source: d.source,
          observation: observation({
            sourceKey: String(d.key),
            // One start per record; later states of it seen later.
            startedAt: S + d.key * 50 * MIN + (d.source.length % 3) * 7 * MIN,
            status: d.length === undefined ? 'open' : 'resolved',
            resolvedAt:
              d.length === undefined
                ? undefined
                : S + d.key * 50 * MIN + d.length * MIN,
            observedAt:
              S + 300 * MIN + d.seen * MIN + (d.length === undefined ? 0 : 1),
            correlation: {
              names:
                d.source === 'alertmanager'
                  ? [`alert:alertmanager-${d.key}`]
                  : [],
              references: d.reference ? [d.reference] : [],
            },
          }),
        }));
      const arbDeliveries = fc.uniqueArray(arbDelivery, {
        minLength: 1,
        maxLength: 10,
        // A source never reports two states of one record at one instant.
        selector: d =>
          `${d.source}:${d.observation.sourceKey}@${d.observation.observedAt}`,
      });
      await fc.assert(
        fc.asyncProperty(
          arbDeliveries,
          fc.func(fc.integer()),
          fc.array(fc.nat(), { maxLength: 3 }),
          async (deliveries, shuffleKey, repeats) => {
            const run = async (order: Delivery[]) => {
              await clear(knex);
              await deliver(store, order);
              return partition(store);
            };
            const inOrder = await run(deliveries);
            const shuffled = deliveries
              .map((d, i) => ({ d, k: shuffleKey(i) }))
              .sort((x, y) => x.k - y.k)
              .map(({ d }) => d);
            for (const r of repeats) {
              shuffled.splice(
                r % (shuffled.length + 1),
                0,
                deliveries[r % deliveries.length],
              );
            }
            expect(await run(shuffled)).toEqual(inOrder);
            // And the same as grouping all the records at once.
            const records = await store.listRecords(
              { entityRef: ARGOCD },
              { offset: 0, limit: 100 },
            );
            const all = groupRecords(
              records.items.map(r => ({
                id: `${r.source}:${r.sourceKey}`,
                source: r.source,
                sourceKey: r.sourceKey,
                startedAt: r.startedAt,
                resolvedAt: r.resolvedAt,
                names: [`${r.source}:${r.sourceKey}`, ...r.correlation.names],
                references: r.correlation.references,
              })),
              GROUPING,
            ).map(g => [...g].sort());
            expect([...all].sort((a, b) => (a[0] < b[0] ? -1 : 1))).toEqual(
              inOrder,
            );
          },
        ),
        { numRuns: databaseId === 'SQLITE_3' ? 60 : 15 },
      );
    });
  },
);

async function clear(knex: Knex) {
  await knex('incident_record_keys').delete();
  await knex('incident_record_entities').delete();
  await knex('incidents').delete();
  await knex('incident_records').delete();
  await knex('incident_deliveries').delete();
}
