import { ANNOTATION_PUBLIC_BADGE } from '@airworthy/plugin-operability-common';
import {
  mockCredentials,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  PrivateEntitiesPolicy,
  createRealCatalogTestBackend,
} from '../__testUtils__/realCatalog';

jest.setTimeout(180_000);

const BASE = '/api/operability';
const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');
const CAROL = mockCredentials.user.header('user:default/carol');

function component(
  name: string,
  spec: { owner: string; system?: string },
  metadata: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...metadata },
    spec: { type: 'service', lifecycle: 'production', ...spec },
  };
}

const ready = {
  annotations: {
    'backstage.io/techdocs-ref': 'dir:.',
    'pagerduty.com/service-id': 'PJUPY01',
    'airworthy.dev/alert-selector': 'service=jupyterhub',
    [ANNOTATION_PUBLIC_BADGE]: 'true',
  },
  links: [
    { url: 'https://runbooks.example.org/jupyterhub', type: 'runbook' },
    { url: 'https://grafana.example.org/d/jupyterhub', type: 'dashboard' },
  ],
};

/**
 * A small open-source foundation: the Jupyter system in the data-science domain, Trino on its
 * own, and two private entities (label `visibility: private`) that only their owners may read.
 */
const ENTITIES: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'data-science' },
    spec: { owner: 'group:default/sig-ops' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'jupyter' },
    spec: { owner: 'group:default/sig-ops', domain: 'data-science' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sig-ops' },
    spec: { type: 'team', children: [] },
  },
  component(
    'jupyterhub',
    { owner: 'group:default/sig-ops', system: 'jupyter' },
    { ...ready, title: '=HYPERLINK("https://evil.example")', tags: ['python'] },
  ),
  component(
    'binderhub',
    { owner: 'group:default/sig-ops', system: 'jupyter' },
    { tags: ['python', 'kubernetes'] },
  ),
  component('trino', { owner: 'group:default/data-team' }, { tags: ['java'] }),
  component(
    'secret-lab',
    { owner: 'user:default/alice', system: 'jupyter' },
    {
      ...ready,
      labels: { visibility: 'private' },
      tags: ['python'],
    },
  ),
  component(
    'carol-experiments',
    { owner: 'user:default/carol' },
    { labels: { visibility: 'private' } },
  ),
];

const startBackend = createRealCatalogTestBackend([
  'SQLITE_3',
  'POSTGRES_15',
  'POSTGRES_16',
  'POSTGRES_17',
  'POSTGRES_18',
]);

/** Starts the backend and scores every component (each read by a user who may read it). */
async function start(databaseId: TestDatabaseId = 'SQLITE_3') {
  const backend = await startBackend({
    entities: ENTITIES,
    databaseId,
    policy: new PrivateEntitiesPolicy(['user:default/bob']),
  });
  const { server } = backend;
  for (const [name, user] of [
    ['jupyterhub', BOB],
    ['binderhub', BOB],
    ['trino', BOB],
    ['secret-lab', ALICE],
    ['carol-experiments', CAROL],
  ]) {
    const res = await request(server)
      .get(`${BASE}/entities/component/default/${name}/score`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
  }
  return backend;
}

const names = (body: { items: Array<{ name: string }> }) =>
  body.items.map(i => i.name);

describe.each(startBackend.supportedIds)('portfolio on %s', databaseId => {
  it('shows users only the entities they may read: in rows, counts, groups and CSV', async () => {
    const { server } = await start(databaseId);

    const bob = await request(server)
      .get(`${BASE}/portfolio?sort=name&groupBy=owner`)
      .set('Authorization', BOB);
    expect(bob.status).toBe(200);
    expect(names(bob.body)).toEqual(['binderhub', 'jupyterhub', 'trino']);
    expect(bob.body.totalItems).toBe(3);
    expect(bob.body.summary.count).toBe(3);
    expect(bob.body.groups.map((g: { key: string }) => g.key)).toEqual([
      'group:default/data-team',
      'group:default/sig-ops',
    ]);

    const alice = await request(server)
      .get(`${BASE}/portfolio?sort=name`)
      .set('Authorization', ALICE);
    expect(names(alice.body)).toEqual([
      'binderhub',
      'jupyterhub',
      'secret-lab',
      'trino',
    ]);
    expect(alice.body.summary.count).toBe(4);

    // Filtering by the private entity's owner or level does not reveal it either.
    const byOwner = await request(server)
      .get(`${BASE}/portfolio?owner=user:default/alice`)
      .set('Authorization', BOB);
    expect(byOwner.body).toMatchObject({
      items: [],
      totalItems: 0,
      summary: { count: 0 },
    });

    const csv = await request(server)
      .get(`${BASE}/portfolio?format=csv&sort=name`)
      .set('Authorization', BOB);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="operability-portfolio.csv"',
    );
    const lines = csv.text.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^entityRef,kind,namespace,name,title,owner/);
    expect(csv.text).not.toContain('secret-lab');
    expect(csv.text).not.toContain('carol');
    // A title that a spreadsheet would run as a formula is defused.
    expect(csv.text).toContain(`"'=HYPERLINK(""https://evil.example"")"`);

    const grouped = await request(server)
      .get(`${BASE}/portfolio?format=csv&groupBy=system`)
      .set('Authorization', BOB);
    expect(grouped.text.split('\n')[0]).toBe(
      'system,count,scored,mean,median,crawl,walk,run',
    );
    expect(grouped.text).toContain('system:default/jupyter,2,2,');

    // The private entity's own routes answer as for an unknown entity.
    const hidden = await request(server)
      .get(`${BASE}/entities/component/default/secret-lab/score`)
      .set('Authorization', BOB);
    expect(hidden.status).toBe(404);
  });

  it('filters, groups, sorts and pages, with per-entity facts and per-group statistics', async () => {
    const { server } = await start(databaseId);
    const get = (query: string) =>
      request(server)
        .get(`${BASE}/portfolio?${query}`)
        .set('Authorization', ALICE);

    const all = await get('sort=score&order=desc');
    const scores = all.body.items.map((i: { score: number }) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(all.body.items[0]).toMatchObject({
      entityRef: expect.stringMatching(/^component:default\//),
      level: expect.any(String),
      sloCount: 0,
      worstBudgetRemaining: null,
      sloCompliance: null,
      incidents: 0,
      mttrSeconds: null,
      trendDelta: null,
      computedAt: expect.any(String),
    });
    const top = all.body.items[0];

    // Without an incident source the count is unknown, not zero: such rows come last.
    const byIncidents = await get('sort=incidents&order=asc');
    expect(
      byIncidents.body.items.map((i: { name: string; incidents: unknown }) => [
        i.name,
        i.incidents,
      ]),
    ).toEqual([
      ['jupyterhub', 0],
      ['secret-lab', 0],
      ['binderhub', null],
      ['trino', null],
    ]);

    const page = await get('sort=name&limit=2&offset=1');
    expect(page.body).toMatchObject({ totalItems: 4, offset: 1, limit: 2 });
    expect(names(page.body)).toEqual(['jupyterhub', 'secret-lab']);

    expect(names((await get('system=jupyter&sort=name')).body)).toEqual([
      'binderhub',
      'jupyterhub',
      'secret-lab',
    ]);
    expect(names((await get('domain=data-science&sort=name')).body)).toEqual([
      'binderhub',
      'jupyterhub',
      'secret-lab',
    ]);
    expect(names((await get('tag=kubernetes,java&sort=name')).body)).toEqual([
      'binderhub',
      'trino',
    ]);
    expect(names((await get('owner=sig-ops&sort=name')).body)).toEqual([
      'binderhub',
      'jupyterhub',
    ]);
    const atTopLevel = await get(`level=${top.level}`);
    expect(
      atTopLevel.body.items.every(
        (i: { level: string }) => i.level === top.level,
      ),
    ).toBe(true);
    expect(atTopLevel.body.items.length).toBeGreaterThan(0);

    const byTag = await get('groupBy=tag');
    const python = byTag.body.groups.find(
      (g: { key: string }) => g.key === 'python',
    );
    const pythonScores = all.body.items
      .filter((i: { tags: string[] }) => i.tags.includes('python'))
      .map((i: { score: number }) => i.score)
      .sort((a: number, b: number) => a - b);
    expect(python).toMatchObject({
      count: 3,
      scored: 3,
      median: pythonScores[1],
      mean:
        Math.round(
          (pythonScores.reduce((a: number, b: number) => a + b, 0) / 3) * 10,
        ) / 10,
    });
    expect(
      Object.values(python.levels as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      ),
    ).toBe(3);
  });

  it('pages every order the same as the whole list, with the page read in full and only what the caller may read', async () => {
    const { server } = await start(databaseId);
    const get = (user: string, query: string) =>
      request(server)
        .get(`${BASE}/portfolio?${query}`)
        .set('Authorization', user);
    const sorts = ['score', 'level', 'name', 'owner', 'trend', 'budget'];
    for (const [user, visible] of [
      [BOB, ['binderhub', 'jupyterhub', 'trino']],
      [ALICE, ['binderhub', 'jupyterhub', 'secret-lab', 'trino']],
    ] as const) {
      for (const sort of sorts) {
        for (const order of ['asc', 'desc']) {
          const query = `sort=${sort}&order=${order}`;
          // Grouping reads every entity in full: its rows are the reference.
          const whole = await get(user, `${query}&groupBy=owner&limit=100`);
          expect(whole.status).toBe(200);
          expect([...names(whole.body)].sort()).toEqual(visible);
          const pages = [];
          for (let offset = 0; offset < visible.length; offset += 2) {
            const page = await get(user, `${query}&limit=2&offset=${offset}`);
            expect(page.body).toMatchObject({
              totalItems: visible.length,
              summary: whole.body.summary,
            });
            pages.push(...page.body.items);
          }
          expect(pages).toEqual(whole.body.items);
          // The CSV of a page holds the same rows, titles and owners included.
          const csv = await get(user, `${query}&format=csv&limit=2&offset=1`);
          const lines = csv.text.trim().split('\n').slice(1);
          expect(lines.map(l => l.split(',')[0])).toEqual(
            whole.body.items
              .slice(1, 3)
              .map((i: { entityRef: string }) => i.entityRef),
          );
        }
      }
    }
    // The page's rows carry what the catalog says of the entity, not only its ref.
    const jupyterhub = (await get(BOB, 'sort=name&limit=1&offset=1')).body
      .items[0];
    expect(jupyterhub).toMatchObject({
      name: 'jupyterhub',
      title: '=HYPERLINK("https://evil.example")',
      owner: 'group:default/sig-ops',
      system: 'system:default/jupyter',
      domain: 'domain:default/data-science',
      tags: ['python'],
    });
  });

  it('lists entities of several kinds and namespaces, each once, only where the caller may read them', async () => {
    const elsewhere = component(
      'jupyterhub',
      { owner: 'group:default/sig-ops' },
      { namespace: 'labs' },
    );
    const hiddenElsewhere = component(
      'notebook-secrets',
      { owner: 'user:default/alice' },
      { namespace: 'labs', labels: { visibility: 'private' } },
    );
    const { server } = await startBackend({
      entities: [...ENTITIES, elsewhere, hiddenElsewhere],
      databaseId,
      policy: new PrivateEntitiesPolicy(['user:default/bob']),
      config: { operability: { score: { kinds: ['component', 'system'] } } },
    });
    const refs = async (user: string, query: string) =>
      (
        await request(server)
          .get(`${BASE}/portfolio?${query}`)
          .set('Authorization', user)
      ).body.items.map((i: { entityRef: string }) => i.entityRef);
    const bob = [
      'component:default/binderhub',
      'component:default/jupyterhub',
      'component:default/trino',
      'component:labs/jupyterhub',
      'system:default/jupyter',
    ];
    // By score (the facets of refs), then grouped (every entity read): the same rows.
    expect((await refs(BOB, 'sort=score')).sort()).toEqual(bob);
    expect((await refs(BOB, 'sort=score&groupBy=owner')).sort()).toEqual(bob);
    expect((await refs(ALICE, 'sort=name&limit=100')).sort()).toEqual(
      [
        ...bob,
        'component:default/secret-lab',
        'component:labs/notebook-secrets',
      ].sort(),
    );
  });

  it('answers bad queries with 400 and a message saying what to fix', async () => {
    const { server } = await start(databaseId);
    for (const [query, message] of [
      [
        'level=gold',
        'query.level: gold is not a level; the levels are crawl, walk, run',
      ],
      ['kind=system', 'query.kind: system is not scored'],
      ['sort=fame', 'must be one of'],
      ['limit=0', 'must be at least 1'],
      ['format=xml', 'must be json or csv'],
      ['colour=red', 'colour'],
    ]) {
      const res = await request(server)
        .get(`${BASE}/portfolio?${query}`)
        .set('Authorization', BOB);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    const anonymous = await request(server)
      .get(`${BASE}/portfolio`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});

describe('exemptions', () => {
  it('are granted and revoked with the exemption permission, and change the score at once', async () => {
    const { server } = await start();
    const path = `${BASE}/entities/component/default/binderhub`;
    const before = await request(server)
      .get(`${path}/score`)
      .set('Authorization', ALICE);
    const dashboard = before.body.checks.find(
      (c: { id: string }) => c.id === 'dashboard',
    );
    expect(dashboard).toMatchObject({
      credit: 0,
      remediation: expect.any(String),
    });

    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const denied = await request(server)
      .put(`${path}/exemptions/dashboard`)
      .set('Authorization', BOB)
      .send({ reason: 'Static site', expiresAt });
    expect(denied.status).toBe(403);

    const bad = await request(server)
      .put(`${path}/exemptions/dashboard`)
      .set('Authorization', ALICE)
      .send({ reason: '', expiresAt: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.');

    const unknown = await request(server)
      .put(`${path}/exemptions/uptime`)
      .set('Authorization', ALICE)
      .send({ reason: 'x', expiresAt });
    expect(unknown.status).toBe(404);

    const granted = await request(server)
      .put(`${path}/exemptions/dashboard`)
      .set('Authorization', ALICE)
      .send({ reason: '<b>Nothing to chart</b>', expiresAt });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({
      check: 'dashboard',
      reason: '<b>Nothing to chart</b>',
      author: 'user:default/alice',
      source: 'api',
      active: true,
    });

    const after = await request(server)
      .get(`${path}/score`)
      .set('Authorization', BOB);
    expect(
      after.body.checks.find((c: { id: string }) => c.id === 'dashboard'),
    ).toMatchObject({
      status: 'exempt',
      exemption: { author: 'user:default/alice' },
    });
    expect(after.body.score).toBeGreaterThan(before.body.score);
    const listed = await request(server)
      .get(`${path}/exemptions`)
      .set('Authorization', BOB);
    expect(listed.body.items).toHaveLength(1);

    const revoked = await request(server)
      .delete(`${path}/exemptions/dashboard`)
      .set('Authorization', ALICE);
    expect(revoked.status).toBe(204);
    const again = await request(server)
      .get(`${path}/score`)
      .set('Authorization', BOB);
    expect(again.body.score).toBe(before.body.score);
    expect(
      (
        await request(server)
          .delete(`${path}/exemptions/dashboard`)
          .set('Authorization', ALICE)
      ).status,
    ).toBe(404);
  });
});

describe('badges', () => {
  it('serves an SVG without credentials only for entities that opt in; others get the unknown entity answer', async () => {
    const { server } = await start();
    const badge = await request(server).get(
      `${BASE}/badges/component/default/jupyterhub.svg`,
    );
    expect(badge.status).toBe(200);
    expect(badge.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(badge.headers['cache-control']).toBe('public, max-age=300');
    expect(badge.headers['last-modified']).toBeDefined();
    const score = await request(server)
      .get(`${BASE}/entities/component/default/jupyterhub/score`)
      .set('Authorization', BOB);
    // supertest keeps an image body as a Buffer.
    const svg = (badge.body as Buffer).toString('utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(
      `${score.body.level.title.toLowerCase()} ${score.body.score}`,
    );

    const answers = await Promise.all(
      [
        'component/default/binderhub.svg', // not opted in
        'component/default/no-such-thing.svg', // unknown
        'system/default/jupyter.svg', // not a scored kind
        'component/default/jupyterhub.png', // not a badge
      ].map(p => request(server).get(`${BASE}/badges/${p}`)),
    );
    const shape = (res: request.Response) => ({
      status: res.status,
      type: res.headers['content-type'],
      cache: res.headers['cache-control'],
      error: res.body.error?.name,
      keys: Object.keys(res.headers)
        .filter(h => !['date', 'content-length', 'etag'].includes(h))
        .sort(),
    });
    const first = shape(answers[0]);
    expect(first).toMatchObject({ status: 404, error: 'NotFoundError' });
    for (const res of answers) expect(shape(res)).toEqual(first);
    // The message names only the path asked for.
    expect(answers[0].body.error.message).toBe(
      'No public badge at /badges/component/default/binderhub.svg',
    );
    expect(answers[1].body.error.message).toBe(
      'No public badge at /badges/component/default/no-such-thing.svg',
    );
  });

  it('is rate-limited per client', async () => {
    const backend = await startBackend({
      entities: ENTITIES,
      config: {
        operability: {
          score: { badges: { rateLimit: { max: 2, windowSeconds: 60 } } },
        },
      },
    });
    const get = () =>
      request(backend.server).get(
        `${BASE}/badges/component/default/jupyterhub.svg`,
      );
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.body.error.name).toBe('TooManyRequestsError');
  });
});
