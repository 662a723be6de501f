import { TestDatabases } from '@backstage/backend-test-utils';
import { KnexExemptionStore } from './ExemptionStore';
import { applyDatabaseMigrations } from '../migrations';
import { KnexScoreStore, type ScoreRecord } from './ScoreStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const TODAY = Date.parse('2026-11-25T00:00:00Z');

function record(
  entityRef: string,
  score: number | null,
  level: string | null,
  computedAt = TODAY + 3_600_000,
): ScoreRecord {
  return {
    entityRef,
    score,
    level,
    computedAt,
    sloCount: 2,
    worstBudgetRemaining: -0.25,
    sloCompliance: 0.5,
    incidents: 3,
    mttrSeconds: 5400,
    facts: {
      sloCount: 2,
      worstBudgetRemaining: -0.25,
      sloCompliance: 0.5,
      incidents: 3,
      mttrSeconds: 5400,
      periodFrom: '2026-10-28T01:00:00.000Z',
      periodTo: '2026-11-25T01:00:00.000Z',
    },
    detail: {
      categories: [
        { id: 'service-level', title: 'Service level', score, weight: 40 },
      ],
      checks: [],
      exemptions: [],
      exemptionErrors: ['airworthy.dev/exemptions[0].reason: is required'],
    },
  };
}

describe.each(databases.eachSupportedId())('ScoreStore on %s', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    return { scores: new KnexScoreStore(knex), knex };
  }

  it('stores the latest score with its facts and detail, and reads it back', async () => {
    const { scores } = await createStore();
    expect(await scores.get('component:default/trino')).toBeUndefined();
    await scores.save(record('component:default/trino', 62.5, 'walk'), TODAY);
    expect(await scores.get('component:default/trino')).toEqual(
      record('component:default/trino', 62.5, 'walk'),
    );
    // A null score (every check exempt) is kept as null.
    await scores.save(record('component:default/empty', null, null), TODAY);
    expect(await scores.get('component:default/empty')).toMatchObject({
      score: null,
      level: null,
    });
  });

  it('keeps one snapshot per day: the last score computed that day', async () => {
    const { scores } = await createStore();
    const ref = 'component:default/trino';
    await scores.save(
      record(ref, 40, 'crawl', TODAY - 2 * DAY),
      TODAY - 2 * DAY,
    );
    await scores.save(record(ref, 50, 'walk', TODAY + 1000), TODAY);
    await scores.save(record(ref, 55, 'walk', TODAY + 2000), TODAY);
    expect(await scores.history(ref, TODAY - 10 * DAY)).toEqual([
      { entityRef: ref, day: TODAY - 2 * DAY, score: 40, level: 'crawl' },
      { entityRef: ref, day: TODAY, score: 55, level: 'walk' },
    ]);
    expect(await scores.history(ref, TODAY - DAY)).toHaveLength(1);
    expect((await scores.get(ref))?.score).toBe(55);
  });

  it('adds history snapshots only to days without one, and lists the days held', async () => {
    const { scores } = await createStore();
    const a = 'component:default/a';
    const b = 'component:default/b';
    await scores.save(record(a, 70, 'walk', TODAY - DAY + 1000), TODAY - DAY);
    await scores.saveHistorySnapshot(
      record(a, 10, 'crawl', TODAY - 1),
      TODAY - DAY,
    );
    await scores.saveHistorySnapshot(
      record(a, 20, 'crawl', TODAY - DAY - 1),
      TODAY - 2 * DAY,
    );
    await scores.saveHistorySnapshot(
      record(b, 30, 'crawl', TODAY - DAY - 1),
      TODAY - 2 * DAY,
    );
    expect(await scores.history(a, TODAY - 10 * DAY)).toEqual([
      { entityRef: a, day: TODAY - 2 * DAY, score: 20, level: 'crawl' },
      { entityRef: a, day: TODAY - DAY, score: 70, level: 'walk' },
    ]);
    // History never becomes the latest score.
    expect((await scores.get(a))?.score).toBe(70);
    expect(await scores.get(b)).toBeUndefined();
    expect(await scores.snapshotDays(TODAY - 2 * DAY, TODAY - DAY)).toEqual(
      new Map([
        [a, new Set([TODAY - 2 * DAY, TODAY - DAY])],
        [b, new Set([TODAY - 2 * DAY])],
      ]),
    );
    expect(await scores.snapshotDays(TODAY - DAY, TODAY)).toEqual(
      new Map([[a, new Set([TODAY - DAY])]]),
    );
  });

  it('finds, per entity, the newest snapshot on or before a day', async () => {
    const { scores } = await createStore();
    const a = 'component:default/a';
    const b = 'component:default/b';
    for (const [ref, day, score] of [
      [a, TODAY - 40 * DAY, 10],
      [a, TODAY - 30 * DAY, 20],
      [a, TODAY - 27 * DAY, 30],
      [b, TODAY - 10 * DAY, 70],
    ] as const) {
      await scores.save(record(ref, score, 'crawl', day), day);
    }
    const at = await scores.snapshotsAtOrBefore(
      [a, b, 'component:default/none'],
      TODAY - 28 * DAY,
    );
    expect([...at.values()]).toEqual([
      { entityRef: a, day: TODAY - 30 * DAY, score: 20, level: 'crawl' },
    ]);
    expect(
      (await scores.snapshotsAtOrBefore([a, b], TODAY)).get(b)?.score,
    ).toBe(70);
  });

  it('reads summaries of many entities, filtered by level', async () => {
    const { scores } = await createStore();
    const refs = Array.from(
      { length: 1200 },
      (_, i) => `component:default/project-${String(i).padStart(4, '0')}`,
    );
    for (const [i, ref] of refs.entries()) {
      if (i % 3 === 0) continue; // a third was never scored
      await scores.save(record(ref, i % 100, i % 2 ? 'walk' : 'run'), TODAY);
    }
    const all = await scores.summaries(refs);
    expect(all).toHaveLength(800);
    expect(all.find(s => s.entityRef === refs[1])).toEqual({
      entityRef: refs[1],
      score: 1,
      level: 'walk',
      computedAt: TODAY + 3_600_000,
      sloCount: 2,
      worstBudgetRemaining: -0.25,
      sloCompliance: 0.5,
      incidents: 3,
      mttrSeconds: 5400,
    });
    const run = await scores.summaries(refs, { levels: ['run'] });
    expect(run).toHaveLength(400);
    expect(run.every(s => s.level === 'run')).toBe(true);
    expect(await scores.summaries([])).toEqual([]);
  });

  it('forgets entities no longer scored and expires old snapshots', async () => {
    const { scores } = await createStore();
    await scores.save(record('component:default/kept', 1, 'crawl'), TODAY);
    await scores.save(
      record('component:default/gone', 2, 'crawl', TODAY - 500 * DAY),
      TODAY - 500 * DAY,
    );
    expect(
      await scores.deleteScoresExcept(new Set(['component:default/kept'])),
    ).toBe(1);
    expect(await scores.get('component:default/gone')).toBeUndefined();
    expect(await scores.get('component:default/kept')).toBeDefined();
    expect(await scores.expireSnapshots(TODAY - 400 * DAY)).toBe(1);
    expect(await scores.history('component:default/gone', 0)).toEqual([]);
    expect(await scores.history('component:default/kept', 0)).toHaveLength(1);
  });
});

describe.each(databases.eachSupportedId())(
  'ExemptionStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      return new KnexExemptionStore(knex);
    }

    const exemption = {
      entityRef: 'component:default/website',
      check: 'on-call',
      reason: 'A static site; nobody needs paging',
      author: 'user:default/alice',
      expiresAt: Date.parse('2027-03-01T00:00:00Z'),
      createdAt: Date.parse('2026-11-25T10:00:00Z'),
    };

    it('grants, replaces, lists and revokes exemptions', async () => {
      const store = await createStore();
      await store.put(exemption);
      await store.put({ ...exemption, check: 'dashboard' });
      await store.put({ ...exemption, entityRef: 'component:default/other' });
      const replaced = {
        ...exemption,
        reason: 'Still static',
        author: 'user:default/bob',
        expiresAt: Date.parse('2027-04-01T00:00:00Z'),
        createdAt: Date.parse('2026-11-26T10:00:00Z'),
      };
      await store.put(replaced);
      expect(await store.list(exemption.entityRef)).toEqual([
        { ...exemption, check: 'dashboard' },
        replaced,
      ]);
      const many = await store.listFor([
        exemption.entityRef,
        'component:default/other',
        'component:default/none',
      ]);
      // Ordered by entity ref; entities without exemptions are absent.
      expect([...many.keys()]).toEqual([
        'component:default/other',
        exemption.entityRef,
      ]);
      expect(many.get(exemption.entityRef)?.map(e => e.check)).toEqual([
        'dashboard',
        'on-call',
      ]);
      expect(await store.delete(exemption.entityRef, 'on-call')).toBe(true);
      expect(await store.delete(exemption.entityRef, 'on-call')).toBe(false);
      expect((await store.list(exemption.entityRef)).map(e => e.check)).toEqual(
        ['dashboard'],
      );
    });
  },
);
