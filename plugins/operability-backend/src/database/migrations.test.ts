import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import { TIME } from '@airworthy/plugin-operability-common';
import { KnexIncidentStore } from './incidents/IncidentStore';
import { applyDatabaseMigrations, migrationsDirectory } from './migrations';
import { KnexSliStore } from './sli/SliStore';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const migrationFiles = fs
  .readdirSync(migrationsDirectory)
  .filter(f => f.endsWith('.js'))
  .sort();

/** A row of the slos table as the first migrations define it. */
const sloRow = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  entity_ref: 'component:default/x',
  name: 'availability',
  source: 'api',
  target: 0.99,
  period: '28d',
  definition: '{}',
  created_at: 1,
  updated_at: 1,
  ...extra,
});

async function tableNames(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const rows = await knex('information_schema.tables')
      .where({ table_schema: 'public' })
      .select('table_name');
    return rows.map((r: { table_name: string }) => r.table_name).sort();
  }
  const rows = await knex('sqlite_master')
    .where({ type: 'table' })
    .andWhereNot('name', 'like', 'sqlite_%')
    .select('name');
  return rows.map((r: { name: string }) => r.name).sort();
}

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('ships at least one migration, all as .js files', () => {
    expect(migrationFiles.length).toBeGreaterThan(0);
  });

  it('runs every migration up and down again, one at a time', async () => {
    const knex = await databases.init(databaseId);
    const before = await tableNames(knex);

    for (const file of migrationFiles) {
      await knex.migrate.up({ directory: migrationsDirectory, name: file });
    }
    const [, pending] = await knex.migrate.list({
      directory: migrationsDirectory,
    });
    expect(pending).toEqual([]);
    expect(await tableNames(knex)).toEqual(
      expect.arrayContaining([
        'slos',
        'sli_chunks',
        'sli_collection',
        'slo_file_errors',
        'slo_evaluations',
        'slo_snapshots',
      ]),
    );

    for (let i = 0; i < migrationFiles.length; i++) {
      await knex.migrate.down({ directory: migrationsDirectory });
    }
    const after = (await tableNames(knex)).filter(
      t => !t.startsWith('knex_migrations'),
    );
    expect(after).toEqual(before.filter(t => !t.startsWith('knex_migrations')));
  });

  it('keeps stored SLOs across a down and up of later migrations', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDirectory });
    await knex('slos').insert(sloRow('a'));
    // Roll back and re-apply everything after the first migration.
    for (let i = 1; i < migrationFiles.length; i++) {
      await knex.migrate.down({ directory: migrationsDirectory });
    }
    await knex.migrate.latest({ directory: migrationsDirectory });
    const rows = await knex('slos').select('id');
    expect(rows).toEqual([{ id: 'a' }]);
  });

  it('keys SLOs by objective ref from 20261125121000 on, and rolls back to the first objectives', async () => {
    const knex = await databases.init(databaseId);
    const registry = '20261125121000_slo_registry.js';
    for (const file of migrationFiles.filter(f => f < registry)) {
      await knex.migrate.up({ directory: migrationsDirectory, name: file });
    }
    await knex('slos').insert(sloRow('a'));
    await knex.migrate.up({ directory: migrationsDirectory, name: registry });

    expect(await knex('slos').select('id', 'ref')).toEqual([
      { id: 'a', ref: 'availability' },
    ]);
    await knex('slos').insert(sloRow('b', { ref: 'availability/1' }));
    const duplicate = await knex('slos')
      .insert(sloRow('c', { ref: 'availability' }))
      .then(
        () => 'stored',
        (error: Error) => error.message,
      );
    expect(duplicate).toMatch(/unique|duplicate/i);
    expect(
      (await knex('slos').where({ ref: 'availability' })).map(r => r.id),
    ).toEqual(['a']);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(await knex('slos').select('id')).toEqual([{ id: 'a' }]);
  });

  it('applies each migration once when replicas migrate one empty database at the same moment', async () => {
    const knex = await databases.init(databaseId);
    // Replicas have their own connections; SQLite in memory has one, shared by two callers.
    const others =
      knex.client.config.client === 'pg'
        ? Array.from({ length: 3 }, () =>
            knexFactory({
              client: 'pg',
              connection: knex.client.config.connection,
            }),
          )
        : [knex];
    try {
      await Promise.all(
        [knex, ...others].map(client => applyDatabaseMigrations(client)),
      );
    } finally {
      await Promise.all(
        others.filter(o => o !== knex).map(other => other.destroy()),
      );
    }
    const applied = await knex('knex_migrations').select('name');
    expect(applied.map((r: { name: string }) => r.name).sort()).toEqual(
      migrationFiles,
    );
    expect(await knex('knex_migrations_lock').select('is_locked')).toEqual([
      { is_locked: 0 },
    ]);
  });

  it('waits while another process holds the migration lock, then migrates', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.up({
      directory: migrationsDirectory,
      name: migrationFiles[0],
    });
    // Another replica's lock, released 300 ms later.
    await knex('knex_migrations_lock').update({ is_locked: 1 });
    const migrated = applyDatabaseMigrations(knex);
    await new Promise(resolve => setTimeout(resolve, 300));
    await knex('knex_migrations_lock').update({ is_locked: 0 });
    await migrated;
    const [, pending] = await knex.migrate.list({
      directory: migrationsDirectory,
    });
    expect(pending).toEqual([]);
  });

  it("repairs knex's lock table when two processes created its row at once", async () => {
    const knex = await databases.init(databaseId);
    // What knex leaves when two processes create its lock row together (knex issue 3538):
    // two rows, so that taking its lock never updates exactly one and always fails.
    await knex.schema.createTable('knex_migrations_lock', table => {
      table.increments('index').primary();
      table.integer('is_locked');
    });
    await knex('knex_migrations_lock').insert([
      { is_locked: 0 },
      { is_locked: 0 },
    ]);
    await expect(
      knex.migrate.latest({ directory: migrationsDirectory }),
    ).rejects.toMatchObject({ name: 'MigrationLocked' });

    await applyDatabaseMigrations(knex, { waitMs: 1000 });
    const [, pending] = await knex.migrate.list({
      directory: migrationsDirectory,
    });
    expect(pending).toEqual([]);
    expect(await knex('knex_migrations_lock').select('is_locked')).toEqual([
      { is_locked: 0 },
    ]);
  });

  it('gives up with MigrationLocked when the lock is never released', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.up({
      directory: migrationsDirectory,
      name: migrationFiles[0],
    });
    await knex('knex_migrations_lock').update({ is_locked: 1 });
    await expect(
      applyDatabaseMigrations(knex, { waitMs: 200 }),
    ).rejects.toMatchObject({ name: 'MigrationLocked' });
  });

  it('moves SLI buckets into chunks at 20261217100000, and back on the way down', async () => {
    const knex = await databases.init(databaseId);
    const chunks = '20261217100000_sli_chunks.js';
    for (const file of migrationFiles.filter(f => f < chunks)) {
      await knex.migrate.up({ directory: migrationsDirectory, name: file });
    }
    // Two days of an SLO as the row-per-bucket store wrote them: minutes of the second day
    // (the first day's minutes expired), hours of both days (the first day's sealed), days.
    const T0 = Date.UTC(2026, 10, 20);
    const rows: Array<Record<string, unknown>> = [];
    const series = (
      width: number,
      from: number,
      count: number,
      counts: (i: number) => [number, number],
      cum: [number, number],
      sealed: (start: number) => boolean = () => false,
    ) => {
      let [cumGood, cumTotal] = cum;
      for (let i = 0; i < count; i++) {
        const [good, total] = counts(i);
        cumGood += good;
        cumTotal += total;
        const start = from + i * width;
        rows.push({
          slo_id: 's',
          resolution_ms: width,
          bucket_start: start,
          good,
          total,
          cum_good: cumGood,
          cum_total: cumTotal,
          sealed: sealed(start),
          updated_at: 1,
        });
      }
    };
    const minute = (i: number): [number, number] => [i % 7 === 0 ? 9 : 10, 10];
    series(MINUTE, T0 + DAY, 24 * 60, minute, [14_400 - 6 * 24 - 1, 14_400]);
    series(
      HOUR,
      T0,
      48,
      () => [591, 600],
      [0, 0],
      start => start < T0 + DAY,
    );
    series(DAY, T0, 2, () => [14_184, 14_400], [0, 0]);
    for (let i = 0; i < rows.length; i += 100) {
      await knex('sli_buckets').insert(rows.slice(i, i + 100));
    }
    await knex('slos').insert(sloRow('s', { ref: 'availability' }));

    await knex.migrate.up({ directory: migrationsDirectory, name: chunks });
    const store = new KnexSliStore(knex, [
      { widthMs: MINUTE, retentionMs: DAY },
      { widthMs: HOUR, retentionMs: 10 * DAY },
      { widthMs: DAY, retentionMs: 100 * DAY },
    ]);
    const now = T0 + 2 * DAY;
    const minutes = await store.getRunningTotals('s', MINUTE, T0 + DAY, now);
    expect(minutes.rows).toHaveLength(24 * 60);
    expect(minutes.rows[6]).toEqual({
      start: T0 + DAY + 6 * MINUTE,
      good: 10,
      total: 10,
      cumGood: Number(rows[6].cum_good),
      cumTotal: Number(rows[6].cum_total),
    });
    await expect(
      store.getCounts('s', T0 + DAY + 3 * MINUTE, T0 + DAY + 10 * MINUTE, now),
    ).resolves.toMatchObject({ good: 69, total: 70 });
    await expect(store.getWritableFrom('s', now)).resolves.toBe(T0 + DAY);
    await expect(
      store.writeBuckets('s', [{ start: T0, good: 1, total: 1 }], now),
    ).rejects.toThrow(/rolled up into 60-minute buckets/);

    await knex.migrate.down({ directory: migrationsDirectory });
    const back = await knex('sli_buckets')
      .orderBy(['resolution_ms', 'bucket_start'])
      .select();
    const normalize = (r: Record<string, unknown>) => ({
      ...r,
      resolution_ms: Number(r.resolution_ms),
      bucket_start: Number(r.bucket_start),
      updated_at: Number(r.updated_at),
      sealed: Boolean(r.sealed),
    });
    expect(back.map(normalize)).toEqual(rows.map(normalize));
  });

  it('gives stored SLOs the phase their definition writes (20261216120000), informing by default', async () => {
    const knex = await databases.init(databaseId);
    const phase = '20261216120000_slo_phase_and_gate_exceptions.js';
    for (const file of migrationFiles.filter(f => f < phase)) {
      await knex.migrate.up({ directory: migrationsDirectory, name: file });
    }
    const row = (id: string, definition: object) => ({
      id,
      entity_ref: 'component:default/x',
      name: id,
      ref: id,
      source: 'api',
      target: 0.99,
      period: '28d',
      definition: JSON.stringify(definition),
      created_at: 1,
      updated_at: 1,
    });
    await knex('slos').insert([
      row('annotated', { annotations: { 'airworthy.dev/phase': 'Enforcing' } }),
      row('labelled', { labels: { airworthy_phase: 'enforcing' } }),
      row('plain', { labels: {}, annotations: {} }),
    ]);
    await knex.migrate.up({ directory: migrationsDirectory, name: phase });
    expect(await knex('slos').select('id', 'phase').orderBy('id')).toEqual([
      { id: 'annotated', phase: 'enforcing' },
      { id: 'labelled', phase: 'enforcing' },
      { id: 'plain', phase: 'informing' },
    ]);
  });

  it('keeps incident records from 20261216100000 on, groups them at start, and rolls back to incidents', async () => {
    const knex = await databases.init(databaseId);
    const grouping = '20261216100000_incident_grouping.js';
    for (const file of migrationFiles.filter(f => f < grouping)) {
      await knex.migrate.up({ directory: migrationsDirectory, name: file });
    }
    const T = Date.parse('2026-11-11T20:00:00Z');
    const row = (id: string, source: string, startedAt: number) => ({
      id,
      source,
      source_key: `${source}-key`,
      title: `${source} saw it`,
      severity: 'critical',
      status: 'resolved',
      started_at: startedAt,
      detected_at: startedAt,
      resolved_at: startedAt + 3_600_000,
      labels: '[]',
      observed_at: startedAt,
      merge_state: '{"resolutions":[]}',
      created_at: startedAt,
      updated_at: startedAt,
    });
    // One outage reported by Alertmanager and PagerDuty, and a later one.
    await knex('incidents').insert([
      row('a', 'alertmanager', T),
      row('b', 'pagerduty', T + 180_000),
      row('c', 'github', T + 86_400_000),
    ]);
    await knex('incident_entities').insert(
      ['a', 'b', 'c'].map(id => ({
        incident_id: id,
        entity_ref: 'component:default/argocd',
      })),
    );

    await knex.migrate.up({ directory: migrationsDirectory, name: grouping });
    expect(
      (await knex('incident_records').orderBy('id').select('id', 'title')).map(
        r => [r.id, r.title],
      ),
    ).toEqual([
      ['a', 'alertmanager saw it'],
      ['b', 'pagerduty saw it'],
      ['c', 'github saw it'],
    ]);
    expect(
      await knex('incident_record_entities')
        .orderBy('record_id')
        .select('record_id', 'incident_id'),
    ).toEqual([
      { record_id: 'a', incident_id: null },
      { record_id: 'b', incident_id: null },
      { record_id: 'c', incident_id: null },
    ]);

    // What the plugin does when it starts, before it serves.
    const store = new KnexIncidentStore(knex, {
      gapMs: 300_000,
      alertLinkWindowMs: 86_400_000,
    });
    await expect(store.regroupStale(T + 2 * 86_400_000)).resolves.toBe(1);
    const { items } = await store.listIncidents(
      { entityRef: 'component:default/argocd' },
      { offset: 0, limit: 10 },
    );
    expect(items.map(i => [i.title, i.sources])).toEqual([
      ['github saw it', ['github']],
      ['pagerduty saw it', ['alertmanager', 'pagerduty']],
    ]);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(
      await knex('incidents').orderBy('id').select('id', 'source'),
    ).toEqual([
      { id: 'a', source: 'alertmanager' },
      { id: 'b', source: 'pagerduty' },
      { id: 'c', source: 'github' },
    ]);
    expect(await knex('incident_entities').count({ n: '*' })).toEqual([
      { n: knex.client.config.client === 'pg' ? '3' : 3 },
    ]);
  });

  it('lets a score have unknown incidents from 20261215100000, and rolls back to 0', async () => {
    const knex = await databases.init(databaseId);
    const migration = '20261215100000_score_incidents_unknown.js';
    for (const file of migrationFiles.filter(f => f < migration)) {
      await knex.migrate.up({ directory: migrationsDirectory, name: file });
    }
    const row = {
      score: 50,
      level: 'walk',
      computed_at: 1,
      slo_count: 0,
      result: '{}',
    };
    await knex('operability_scores').insert({
      ...row,
      entity_ref: 'component:default/a',
      incidents: 3,
    });
    await knex.migrate.up({ directory: migrationsDirectory, name: migration });
    await knex('operability_scores').insert({
      ...row,
      entity_ref: 'component:default/b',
      incidents: null,
    });
    const read = async () =>
      (
        await knex('operability_scores')
          .orderBy('entity_ref')
          .select('entity_ref', 'incidents', 'level')
      ).map(r => [r.entity_ref, r.incidents, r.level]);
    expect(await read()).toEqual([
      ['component:default/a', 3, 'walk'],
      ['component:default/b', null, 'walk'],
    ]);

    await knex.migrate.down({ directory: migrationsDirectory });
    expect(await read()).toEqual([
      ['component:default/a', 3, 'walk'],
      ['component:default/b', 0, 'walk'],
    ]);
  });
});
