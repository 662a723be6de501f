import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import type { Knex } from 'knex';
import { KnexIncidentStore } from './incidents/IncidentStore';
import { migrationsDirectory } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const migrationFiles = fs
  .readdirSync(migrationsDirectory)
  .filter(f => f.endsWith('.js'))
  .sort();

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
        'sli_buckets',
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
    await knex('slos').insert({
      id: 'a',
      entity_ref: 'component:default/x',
      name: 'availability',
      source: 'api',
      target: 0.99,
      period: '28d',
      definition: '{}',
      created_at: 1,
      updated_at: 1,
    });
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
    const row = {
      entity_ref: 'component:default/x',
      name: 'availability',
      source: 'api',
      target: 0.99,
      period: '28d',
      definition: '{}',
      created_at: 1,
      updated_at: 1,
    };
    await knex('slos').insert({ ...row, id: 'a' });
    await knex.migrate.up({ directory: migrationsDirectory, name: registry });

    expect(await knex('slos').select('id', 'ref')).toEqual([
      { id: 'a', ref: 'availability' },
    ]);
    await knex('slos').insert({ ...row, id: 'b', ref: 'availability/1' });
    const duplicate = await knex('slos')
      .insert({ ...row, id: 'c', ref: 'availability' })
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
