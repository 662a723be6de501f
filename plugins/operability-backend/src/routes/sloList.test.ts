import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { openSloYaml } from '../__testUtils__/slos';
import {
  PrivateEntitiesPolicy,
  catalogComponent as component,
  createRealCatalogTestBackend,
} from '../__testUtils__/realCatalog';

jest.setTimeout(180_000);

const BASE = '/api/operability';
const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');

const ENTITIES: Entity[] = [
  component('jupyterhub', 'group:default/sig-ops', { title: 'JupyterHub' }),
  component('trino', 'group:default/data-team'),
  // Only its owner may read it.
  component('secret-lab', 'user:default/alice', {
    labels: { visibility: 'private' },
  }),
];

const startBackend = createRealCatalogTestBackend();

async function start() {
  const backend = await startBackend({
    entities: ENTITIES,
    policy: new PrivateEntitiesPolicy(),
  });
  const create = async (entity: string, name: string, target: number) => {
    const res = await request(backend.server)
      .post(`${BASE}/entities/component/default/${entity}/slos`)
      .set('Authorization', ALICE)
      .set('Content-Type', 'application/yaml')
      .send(openSloYaml({ name, target }));
    expect(res.status).toBe(201);
    return res.body.items[0].id as string;
  };
  const ids = {
    hubAvailability: await create('jupyterhub', 'availability', 0.99),
    hubLatency: await create('jupyterhub', 'latency', 0.95),
    trino: await create('trino', 'queries', 0.999),
    secret: await create('secret-lab', 'experiments', 0.9),
  };
  // Budgets as an evaluation would store them: latency overspent, availability at 40%.
  const evaluation = (remaining: number, status: string) => ({
    evaluatedAt: '2026-11-25T12:00:00.000Z',
    status,
    budget: {
      from: '2026-10-28T12:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
      good: 990,
      total: 1000,
      sli: 0.99,
      errorBudget: 0.01,
      budgetMinutes: 403.2,
      consumed: 1 - remaining,
      remaining,
      remainingMinutes: 403.2 * remaining,
      timeToExhaustionMs: null,
    },
    burnRates: [
      {
        window: '1h',
        windowMs: 3_600_000,
        good: 90,
        total: 100,
        errorRatio: 0.1,
        burnRate: remaining < 0 ? 10 : 2,
      },
    ],
    alertSeverity: null,
    alerts: [],
  });
  for (const [id, remaining, status] of [
    [ids.hubAvailability, 0.4, 'ok'],
    [ids.hubLatency, -2.5, 'exhausted'],
  ] as const) {
    await backend.knex('slo_evaluations').insert({
      slo_id: id,
      evaluated_at: Date.UTC(2026, 10, 25, 12),
      status,
      result: JSON.stringify(evaluation(remaining, status)),
    });
  }
  return { ...backend, ids };
}

const refs = (body: { items: Array<{ entityRef: string; name: string }> }) =>
  body.items.map(i => `${i.entityRef.split('/')[1]}/${i.name}`);

describe('GET /slos', () => {
  it('lists the SLOs of the entities the caller may read, worst first, with filters, search and pages', async () => {
    const { server, ids } = await start();
    const get = (query: string, as = BOB) =>
      request(server).get(`${BASE}/slos?${query}`).set('Authorization', as);

    // Bob may not read secret-lab: its SLO is neither listed nor counted. Worst first: an
    // exhausted budget, then an SLO without data, then one that is fine.
    const all = await get('');
    expect(all.status).toBe(200);
    expect(refs(all.body)).toEqual([
      'jupyterhub/latency',
      'trino/queries',
      'jupyterhub/availability',
    ]);
    expect(all.body).toMatchObject({
      totalItems: 3,
      offset: 0,
      limit: 50,
      statusCounts: { exhausted: 1, ok: 1, 'no-data': 1, critical: 0 },
    });
    expect(all.body.items[0]).toMatchObject({
      id: ids.hubLatency,
      entityTitle: 'JupyterHub',
      owner: 'group:default/sig-ops',
      source: 'api',
      status: 'exhausted',
      budget: { remaining: -2.5 },
    });
    expect(JSON.stringify(all.body)).not.toContain('secret');
    // Alice owns secret-lab.
    expect((await get('', ALICE)).body.totalItems).toBe(4);

    expect(refs((await get('sort=budget')).body)).toEqual([
      'jupyterhub/latency',
      'jupyterhub/availability',
      'trino/queries',
    ]);
    expect(refs((await get('sort=budget&order=desc')).body)).toEqual([
      'jupyterhub/availability',
      'jupyterhub/latency',
      // Without a budget: last, whatever the order.
      'trino/queries',
    ]);
    expect(refs((await get('sort=target')).body)[0]).toBe('trino/queries');
    expect(refs((await get('status=ok,no-data&sort=name')).body)).toEqual([
      'jupyterhub/availability',
      'trino/queries',
    ]);
    expect(refs((await get('owner=data-team')).body)).toEqual([
      'trino/queries',
    ]);
    expect(refs((await get('entity=jupyterhub&sort=name')).body)).toEqual([
      'jupyterhub/availability',
      'jupyterhub/latency',
    ]);
    expect(refs((await get('q=LATENCY')).body)).toEqual(['jupyterhub/latency']);
    expect(refs((await get('q=JUPYTERHUB&source=api')).body)).toHaveLength(2);
    expect(refs((await get('source=repo')).body)).toEqual([]);
    // Searching for the hidden entity finds nothing.
    expect((await get('q=secret')).body.totalItems).toBe(0);

    const page = await get('sort=name&limit=1&offset=1');
    expect(page.body).toMatchObject({ totalItems: 3, offset: 1, limit: 1 });
    expect(refs(page.body)).toEqual(['jupyterhub/latency']);
  });

  it('answers bad queries with 400 and what to fix', async () => {
    const { server } = await start();
    for (const [query, message] of [
      ['sort=worst', /query.sort: must be one of status, budget/],
      ['status=broken', /query.status.*must be one of exhausted/],
      ['limit=0', /query.limit: must be at least 1/],
      ['source=git', /must be repo or api/],
      ['color=red', /color/],
    ]) {
      const res = await request(server)
        .get(`${BASE}/slos?${query}`)
        .set('Authorization', BOB);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
  });
});

describe('GET /entities/{ref}/slos for a service (a script, CI)', () => {
  it("answers concurrent requests from the catalog's entities, a name's case ignored, and 404 for an unknown one", async () => {
    const { server } = await start();
    const SCRIPTS = mockCredentials.service.header();
    const get = (name: string) =>
      request(server)
        .get(`${BASE}/entities/component/default/${name}/slos`)
        .set('Authorization', SCRIPTS);
    const [hub, capitals, trino, missing] = await Promise.all(
      ['jupyterhub', 'JupyterHub', 'trino', 'nothing'].map(get),
    );
    expect(hub.status).toBe(200);
    expect(hub.body.items.map((i: { name: string }) => i.name).sort()).toEqual([
      'availability',
      'latency',
    ]);
    expect(capitals.status).toBe(200);
    expect(capitals.body.items).toHaveLength(2);
    expect(trino.status).toBe(200);
    expect(trino.body.items).toHaveLength(1);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'No entity component:default/nothing in the catalog',
    );
  });
});
