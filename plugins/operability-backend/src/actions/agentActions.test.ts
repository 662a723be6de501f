import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  PrivateEntitiesPolicy,
  catalogComponent as component,
  createRealCatalogTestBackend,
} from '../__testUtils__/realCatalog';

jest.setTimeout(180_000);

const BASE = '/api/operability';
const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');

/** Jupyterhub is ready for operations (runbook, dashboard, on-call, alerts); the rest is not. */
const ENTITIES: Entity[] = [
  component('jupyterhub', 'group:default/sig-ops', {
    annotations: {
      'backstage.io/techdocs-ref': 'dir:.',
      'pagerduty.com/service-id': 'PJUPY01',
      'airworthy.dev/alert-selector': 'service=jupyterhub',
    },
    links: [
      { url: 'https://runbooks.example.org/jupyterhub', type: 'runbook' },
      { url: 'https://grafana.example.org/d/jupyterhub', type: 'dashboard' },
    ],
  }),
  component('binderhub', 'group:default/sig-ops'),
  component('trino', 'group:default/data-team'),
  component('secret-lab', 'user:default/alice', {
    labels: { visibility: 'private' },
  }),
];

const startBackend = createRealCatalogTestBackend();

/**
 * The backend with the real actions registry (its HTTP routes under the plugin, as the MCP
 * actions backend calls them), the real catalog and a policy that hides private entities
 * from everyone but their owner; every component scored once.
 */
async function start() {
  const backend = await startBackend({
    entities: ENTITIES,
    policy: new PrivateEntitiesPolicy(['user:default/bob']),
    features: [actionsRegistryServiceFactory],
    config: {
      operability: {
        score: {
          levels: [
            { id: 'crawl', title: 'Crawl', threshold: 0 },
            { id: 'walk', title: 'Walk', threshold: 40 },
            { id: 'run', title: 'Run', threshold: 80 },
          ],
        },
      },
    },
  });
  for (const [name, user] of [
    ['jupyterhub', BOB],
    ['binderhub', BOB],
    ['trino', BOB],
    ['secret-lab', ALICE],
  ]) {
    const res = await request(backend.server)
      .get(`${BASE}/entities/component/default/${name}/score`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
  }
  /** Invokes an action as a client of the registry does: POST .../actions/{id}/invoke. */
  const invoke = (name: string, input: object, user = BOB) =>
    request(backend.server)
      .post(
        `${BASE}/.backstage/actions/v1/actions/${encodeURIComponent(
          `operability:${name}`,
        )}/invoke`,
      )
      .set('Authorization', user)
      .send(input);
  return { backend, invoke };
}

describe('actions for agents, through the actions registry over HTTP', () => {
  it('lists every action with its schemas to an authenticated caller', async () => {
    const { backend } = await start();
    const res = await request(backend.server)
      .get(`${BASE}/.backstage/actions/v1/actions`)
      .set('Authorization', BOB);
    expect(res.status).toBe(200);
    const byName = new Map<string, any>(
      res.body.actions.map((a: { name: string }) => [a.name, a]),
    );
    expect([...byName.keys()].sort()).toEqual([
      'get-deploy-gate',
      'get-operability-score',
      'get-slo-status',
      'list-entities-below-level',
      'list-incidents',
    ]);
    const incidents = byName.get('list-incidents');
    expect(incidents.id).toBe('operability:list-incidents');
    expect(incidents.attributes).toEqual({
      readOnly: true,
      idempotent: true,
      destructive: false,
    });
    expect(incidents.schema.input.required).toEqual(['entityRef']);
    expect(incidents.schema.input.properties.from.description).toMatch(
      /ISO 8601 instant.*default: 28 days before `to`/,
    );
    expect(incidents.schema.input.properties.limit).toMatchObject({
      minimum: 1,
      maximum: 100,
    });
    expect(
      byName.get('list-entities-below-level').schema.input.properties.limit,
    ).toMatchObject({ maximum: 50 });
    expect(
      byName.get('get-operability-score').schema.output.properties.nextSteps
        .description,
    ).toMatch(/largest gain first/);
  });

  it('lists incidents in a period, with duration, sources and budget cost', async () => {
    const { backend, invoke } = await start();
    const hub = `${BASE}/entities/component/default/jupyterhub/incidents`;
    for (const body of [
      {
        title: 'Hub returns 502 on login',
        severity: 'critical',
        startedAt: '2026-11-20T10:00:00Z',
        acknowledgedAt: '2026-11-20T10:05:00Z',
        resolvedAt: '2026-11-20T11:30:00Z',
      },
      {
        title: 'Spawner slow',
        severity: 'warning',
        startedAt: '2026-10-01T08:00:00Z',
        resolvedAt: '2026-10-01T09:00:00Z',
      },
    ]) {
      const res = await request(backend.server)
        .post(hub)
        .set('Authorization', BOB)
        .send(body);
      expect(res.status).toBe(201);
    }

    // Only `to`: the period is the 28 days before it, so October's incident is left out.
    const res = await invoke('list-incidents', {
      entityRef: 'jupyterhub',
      to: '2026-12-01T00:00:00Z',
    });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({
      entityRef: 'component:default/jupyterhub',
      from: '2026-11-03T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      totalItems: 1,
      incidents: [
        {
          id: expect.any(String),
          title: 'Hub returns 502 on login',
          severity: 'critical',
          status: 'resolved',
          startedAt: '2026-11-20T10:00:00.000Z',
          acknowledgedAt: '2026-11-20T10:05:00.000Z',
          resolvedAt: '2026-11-20T11:30:00.000Z',
          durationSeconds: 5400,
          sources: ['manual'],
          recordCount: 1,
          budgetCost: [],
        },
      ],
    });

    const both = await invoke('list-incidents', {
      entityRef: 'component:default/jupyterhub',
      from: '2026-09-01T00:00:00Z',
      to: '2026-12-01T00:00:00Z',
      limit: 1,
    });
    expect(both.body.output.totalItems).toBe(2);
    expect(
      both.body.output.incidents.map((i: { title: string }) => i.title),
    ).toEqual(['Hub returns 502 on login']);
  });

  it('refuses bad periods and bounds as the HTTP API does, with a 400', async () => {
    const { invoke } = await start();
    const cases: Array<[object, RegExp]> = [
      [
        { from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        /input\.to: must be after from/,
      ],
      [{ from: 'yesterday' }, /input\.from: must be an ISO 8601 date/],
      [{ to: '1999-12-31T00:00:00Z' }, /must not be before 2000-01-01/],
      [{ from: '2100-01-01T00:00:00Z' }, /must be before 2100-01-01/],
      [{ limit: 101 }, /Invalid input to action/],
    ];
    for (const [input, message] of cases) {
      const res = await invoke('list-incidents', {
        entityRef: 'jupyterhub',
        ...input,
      });
      expect([input, res.status]).toEqual([input, 400]);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('answers the score with each check and the next steps the score card shows', async () => {
    const { backend, invoke } = await start();
    const res = await invoke('get-operability-score', {
      entityRef: 'binderhub',
    });
    expect(res.status).toBe(200);
    const out = res.body.output;
    const http = await request(backend.server)
      .get(`${BASE}/entities/component/default/binderhub/score`)
      .set('Authorization', BOB);
    expect(out.score).toBe(http.body.score);
    expect(out.level).toBe(http.body.level.id);
    expect(out.checks.map((c: { id: string }) => c.id)).toEqual(
      http.body.checks.map((c: { id: string }) => c.id),
    );
    const runbook = out.checks.find((c: { id: string }) => c.id === 'runbook');
    expect(runbook).toMatchObject({ status: 'not-met', passed: false });
    expect(runbook.remediation).toMatch(/runbook/i);
    const lifecycle = out.checks.find(
      (c: { id: string }) => c.id === 'lifecycle',
    );
    expect(lifecycle).toMatchObject({
      status: 'met',
      passed: true,
      remediation: null,
    });
    // Without an SLO, defining one comes first and opens the way to the SLO checks.
    expect(out.nextSteps.length).toBeGreaterThan(0);
    expect(out.nextSteps.length).toBeLessThanOrEqual(3);
    expect(out.nextSteps[0]).toMatchObject({
      checkId: 'slo-defined',
      unblocks: expect.arrayContaining(['sli-data', 'error-budget']),
    });
    const gains = out.nextSteps.map((s: { gain: number }) => s.gain);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
  });

  it('lists entities below a level, only those the caller may read', async () => {
    const { backend, invoke } = await start();
    const portfolio = await request(backend.server)
      .get(`${BASE}/portfolio?sort=name`)
      .set('Authorization', ALICE);
    const levelOf = new Map<string, string>(
      portfolio.body.items.map((i: { name: string; level: string }) => [
        i.name,
        i.level,
      ]),
    );
    // The configured levels: the ready hub (46.9) reaches walk, the others stay at crawl.
    expect(Object.fromEntries(levelOf)).toEqual({
      binderhub: 'crawl',
      jupyterhub: 'walk',
      'secret-lab': 'crawl',
      trino: 'crawl',
    });

    const bob = await invoke('list-entities-below-level', { level: 'walk' });
    expect(bob.status).toBe(200);
    expect(bob.body.output).toMatchObject({
      level: 'walk',
      levelsBelow: ['crawl'],
      totalItems: 2,
    });
    expect(bob.body.output.entities).toEqual([
      expect.objectContaining({
        entityRef: expect.stringMatching(/binderhub|trino/),
        level: 'crawl',
        sloCount: 0,
        worstSloStatus: null,
      }),
      expect.objectContaining({ level: 'crawl' }),
    ]);
    const scores = bob.body.output.entities.map(
      (e: { score: number }) => e.score,
    );
    expect(scores).toEqual([...scores].sort((a, b) => a - b));

    // Alice owns the private lab: she sees it; Bob never did.
    const alice = await invoke(
      'list-entities-below-level',
      { level: 'walk', owner: 'user:default/alice' },
      ALICE,
    );
    expect(alice.body.output.entities).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/secret-lab',
        owner: 'user:default/alice',
      }),
    ]);
    const bobOwner = await invoke('list-entities-below-level', {
      level: 'walk',
      owner: 'user:default/alice',
    });
    expect(bobOwner.body.output.totalItems).toBe(0);

    const all = await invoke('list-entities-below-level', { level: 'run' });
    expect(all.body.output.levelsBelow).toEqual(['crawl', 'walk']);
    expect(all.body.output.totalItems).toBe(3);

    const lowest = await invoke('list-entities-below-level', {
      level: 'crawl',
    });
    expect(lowest.body.output).toEqual({
      level: 'crawl',
      levelsBelow: [],
      totalItems: 0,
      entities: [],
    });

    const unknown = await invoke('list-entities-below-level', {
      level: 'sprint',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'Invalid request input: input.level: sprint is not a level; the levels are crawl, walk, run',
    );
  });

  it('answers a private entity as unknown, and refuses anonymous calls', async () => {
    const { backend, invoke } = await start();
    for (const name of ['list-incidents', 'get-operability-score']) {
      const res = await invoke(name, {
        entityRef: 'component:default/secret-lab',
      });
      expect([name, res.status]).toEqual([name, 404]);
      expect(res.body.error.message).toBe(
        'No entity component:default/secret-lab in the catalog',
      );
    }
    const own = await invoke(
      'get-operability-score',
      { entityRef: 'secret-lab' },
      ALICE,
    );
    expect(own.status).toBe(200);
    const anonymous = await request(backend.server)
      .post(
        `${BASE}/.backstage/actions/v1/actions/operability%3Alist-incidents/invoke`,
      )
      .set('Authorization', mockCredentials.none.header())
      .send({ entityRef: 'jupyterhub' });
    expect(anonymous.status).toBe(401);
  });
});
