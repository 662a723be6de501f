/* eslint-disable no-script-url -- these tests check that script URLs are refused */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createOperabilityTestBackend } from '../__testUtils__/testBackend';
import { KnexIncidentStore } from '../database/incidents/IncidentStore';

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/sre',
    lifecycle: 'production',
  },
});

const BASE = '/api/operability';
const HUB = `${BASE}/entities/component/default/jupyterhub`;

const startOperabilityBackend = createOperabilityTestBackend();

async function startWithStore(options: { deny?: boolean } = {}) {
  const { server, knex } = await startOperabilityBackend({
    entities: [entity('jupyterhub'), entity('trino')],
    config: { operability: { incidents: { statsPeriodDays: 28 } } },
    features: options.deny
      ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
      : [],
  });
  const store = new KnexIncidentStore(knex, {
    gapMs: 5 * 60_000,
    alertLinkWindowMs: 86_400_000,
  });
  return { server, store };
}

async function startBackend(options: { deny?: boolean } = {}) {
  return (await startWithStore(options)).server;
}

const outage = {
  title: '[INCIDENT][zero/jupyterhub] Login broken: expired certificate',
  severity: 'critical',
  startedAt: '2026-11-03T10:00:00Z',
  detectedAt: '2026-11-03T10:05:00+00:00',
  acknowledgedAt: '2026-11-03T10:12:00Z',
  links: {
    issue: 'https://github.com/operate-first/support/issues/1',
    runbook: 'https://github.com/operate-first/sre/blob/main/runbooks/certs.md',
  },
  labels: ['cluster=zero'],
};

async function createOutage(server: Awaited<ReturnType<typeof startBackend>>) {
  const res = await request(server).post(`${HUB}/incidents`).send(outage);
  expect(res.status).toBe(201);
  return res.body;
}

describe('incident routes', () => {
  it('creates a manual incident and lists it with the entity, as an incident and as a record', async () => {
    const server = await startBackend();
    const created = await request(server).post(`${HUB}/incidents`).send(outage);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      incidentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: 'manual',
      entityRefs: ['component:default/jupyterhub'],
      title: outage.title,
      severity: 'critical',
      status: 'acknowledged',
      startedAt: '2026-11-03T10:00:00.000Z',
      detectedAt: '2026-11-03T10:05:00.000Z',
      acknowledgedAt: '2026-11-03T10:12:00.000Z',
      links: outage.links,
      postMortem: false,
      labels: ['cluster=zero'],
    });
    expect(created.body.resolvedAt).toBeUndefined();

    const list = await request(server).get(`${HUB}/incidents`);
    expect(list.status).toBe(200);
    const {
      id: _id,
      source: _source,
      sourceKey: _key,
      entityRefs: _refs,
      incidentId,
      ...fields
    } = created.body;
    const incident = {
      ...fields,
      id: incidentId,
      entityRef: 'component:default/jupyterhub',
      sources: ['manual'],
      records: [created.body],
    };
    expect(list.body).toEqual({
      entityRef: 'component:default/jupyterhub',
      // The entity has no SLOs, so no SLO budget to burn.
      items: [{ ...incident, budgetCost: [] }],
      totalItems: 1,
      offset: 0,
      limit: 20,
    });
    const records = await request(server).get(`${HUB}/incidents?view=records`);
    expect(records.body).toEqual({
      entityRef: 'component:default/jupyterhub',
      items: [{ ...created.body, budgetCost: [] }],
      totalItems: 1,
      offset: 0,
      limit: 20,
    });
    const other = await request(server).get(
      `${BASE}/entities/component/default/trino/incidents`,
    );
    expect(other.body.totalItems).toBe(0);

    const one = await request(server).get(`${BASE}/incidents/${incidentId}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(incident);
  });

  it('updates a manual record: resolves it, adds a post-mortem, clears a link', async () => {
    const server = await startBackend();
    const created = await createOutage(server);
    const res = await request(server)
      .patch(`${BASE}/incidents/records/${created.id}`)
      .send({
        resolvedAt: '2026-11-03T11:05:00Z',
        links: { postMortem: 'https://docs.example/pm/1', runbook: null },
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-11-03T11:05:00.000Z',
      postMortem: true,
      links: {
        issue: outage.links.issue,
        postMortem: 'https://docs.example/pm/1',
      },
    });
    expect(res.body.links.runbook).toBeUndefined();

    const incident = await request(server).get(
      `${BASE}/incidents/${created.incidentId}`,
    );
    expect(incident.body).toMatchObject({
      status: 'resolved',
      postMortem: true,
    });

    const reopened = await request(server)
      .patch(`${BASE}/incidents/records/${created.id}`)
      .send({ resolvedAt: null });
    expect(reopened.body.status).toBe('acknowledged');
    expect(reopened.body.resolvedAt).toBeUndefined();
  });

  it('merges two incidents and splits a record out again, as permitted people decide', async () => {
    const server = await startBackend();
    // Resolved at 11:05: the 14:00 record is another incident until people merge them.
    const first = (
      await request(server)
        .post(`${HUB}/incidents`)
        .send({ ...outage, resolvedAt: '2026-11-03T11:05:00Z' })
        .expect(201)
    ).body;
    const second = (
      await request(server)
        .post(`${HUB}/incidents`)
        .send({
          title: 'Hub spawns fail',
          severity: 'warning',
          startedAt: '2026-11-03T14:00:00Z',
        })
        .expect(201)
    ).body;
    expect(second.incidentId).not.toBe(first.incidentId);

    const merged = await request(server)
      .post(`${BASE}/incidents/${first.incidentId}/merge`)
      .send({ incidentId: second.incidentId });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      severity: 'critical',
      title: outage.title,
      sources: ['manual'],
    });
    expect(merged.body.records.map((r: { id: string }) => r.id)).toEqual([
      first.id,
      second.id,
    ]);
    expect(merged.body.records[0].decision).toEqual({
      by: 'user:default/mock',
      at: expect.any(String),
    });
    const list = await request(server).get(`${HUB}/incidents`);
    expect(list.body.totalItems).toBe(1);

    const split = await request(server)
      .post(`${BASE}/incidents/${merged.body.id}/split`)
      .send({ recordId: second.id });
    expect(split.status).toBe(200);
    expect(
      split.body.incident.records.map((r: { id: string }) => r.id),
    ).toEqual([first.id]);
    expect(split.body.split.records.map((r: { id: string }) => r.id)).toEqual([
      second.id,
    ]);
    expect(
      (await request(server).get(`${HUB}/incidents`)).body.totalItems,
    ).toBe(2);

    // Nothing left to split; a record of another incident; an incident of another entity.
    const single = await request(server)
      .post(`${BASE}/incidents/${split.body.split.id}/split`)
      .send({ recordId: second.id });
    expect(single.status).toBe(409);
    const foreign = await request(server)
      .post(`${BASE}/incidents/${split.body.incident.id}/split`)
      .send({ recordId: second.id });
    expect(foreign.status).toBe(404);
    const trino = (
      await request(server)
        .post(`${BASE}/entities/component/default/trino/incidents`)
        .send(outage)
        .expect(201)
    ).body;
    const across = await request(server)
      .post(`${BASE}/incidents/${first.incidentId}/merge`)
      .send({ incidentId: trino.incidentId });
    expect(across.status).toBe(409);
    expect(across.body.error.message).toMatch(/different entities/);
    const malformed = await request(server)
      .post(`${BASE}/incidents/${first.incidentId}/merge`)
      .send({ incident: trino.incidentId });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/body\.incidentId/);
  });

  it('computes statistics over the period', async () => {
    const server = await startBackend();
    await request(server)
      .post(`${HUB}/incidents`)
      .send({ ...outage, resolvedAt: '2026-11-03T11:05:00Z' })
      .expect(201);
    await request(server)
      .post(`${HUB}/incidents`)
      .send({
        title: 'Trino slow',
        severity: 'warning',
        startedAt: '2026-11-04T10:00:00Z',
        resolvedAt: '2026-11-04T10:30:00Z',
      })
      .expect(201);
    const res = await request(server).get(
      `${HUB}/incidents/stats?from=2026-11-01T00:00:00Z&to=2026-11-29T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      count: 2,
      countsBySeverity: { critical: 1, warning: 1, info: 0, unknown: 0 },
      mtta: { count: 1, meanSeconds: 420, medianSeconds: 420 },
      // 60 min (10:05 -> 11:05) and 30 min
      mttr: { count: 2, meanSeconds: 2700, medianSeconds: 2700 },
      incidentMinutes: 65 + 30,
      postMortemCoverage: { eligible: 1, covered: 0, ratio: 0 },
    });
    expect(
      res.body.budgetCost.map((c: { title: string; budgetCost: [] }) => [
        c.title,
        c.budgetCost,
      ]),
    ).toEqual([
      [outage.title, []],
      ['Trino slow', []],
    ]);
  });

  it('filters the list and pages it', async () => {
    const server = await startBackend();
    for (const [severity, day] of [
      ['critical', '01'],
      ['warning', '02'],
      ['info', '03'],
    ]) {
      await request(server)
        .post(`${HUB}/incidents`)
        .send({
          title: severity,
          severity,
          startedAt: `2026-11-${day}T00:00:00Z`,
          resolvedAt: `2026-11-${day}T01:00:00Z`,
        })
        .expect(201);
    }
    const filtered = await request(server).get(
      `${HUB}/incidents?severity=critical,info&status=resolved&source=manual&limit=1&offset=1`,
    );
    expect(filtered.status).toBe(200);
    expect(filtered.body.totalItems).toBe(2);
    expect(filtered.body.items.map((i: { title: string }) => i.title)).toEqual([
      'critical',
    ]);
    const repeated = await request(server).get(
      `${HUB}/incidents?severity=warning&severity=info&from=2026-11-02T12:00:00Z`,
    );
    expect(repeated.body.items.map((i: { title: string }) => i.title)).toEqual([
      'info',
    ]);
    const started = await request(server).get(
      `${HUB}/incidents?from=2026-11-01T00:30:00Z&to=2026-11-02T12:00:00Z&match=started`,
    );
    expect(started.body.items.map((i: { title: string }) => i.title)).toEqual([
      'warning',
    ]);
  });

  it.each([
    [
      'a javascript: link',
      { ...outage, links: { issue: 'javascript:alert(document.cookie)' } },
      /body\.links\.issue: must be an absolute http:\/\/ or https:\/\/ URL/,
    ],
    [
      'times out of order',
      { ...outage, resolvedAt: '2026-11-03T09:00:00Z' },
      /body\.resolvedAt: must not be before startedAt/,
    ],
    [
      'an unknown severity',
      { ...outage, severity: 'sev1' },
      /body\.severity: must be one of critical, warning, info, unknown/,
    ],
    [
      'a date without a time zone',
      { ...outage, startedAt: '2026-11-03 10:00' },
      /body\.startedAt: must be an ISO 8601 date and time with a time zone/,
    ],
    ['an unknown field', { ...outage, owner: 'me' }, /body: Unrecognized key/],
  ])('refuses %s with 400 and stores nothing', async (_what, body, message) => {
    const server = await startBackend();
    const res = await request(server).post(`${HUB}/incidents`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.stack).toBeUndefined();
    const list = await request(server).get(`${HUB}/incidents`);
    expect(list.body.totalItems).toBe(0);
  });

  it('refuses bad list and stats queries with 400', async () => {
    const server = await startBackend();
    const bad = await request(server).get(
      `${HUB}/incidents?severity=huge&limit=1000`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /query\.severity\.0: must be one of/,
    );
    expect(bad.body.error.message).toMatch(/query\.limit: must be at most 100/);
    const range = await request(server).get(
      `${HUB}/incidents/stats?from=2026-11-10T00:00:00Z&to=2026-11-01T00:00:00Z`,
    );
    expect(range.status).toBe(400);
    expect(range.body.error.message).toMatch(/query\.to: must be after from/);
  });

  it('refuses an update that would put times out of order, and keeps the record', async () => {
    const server = await startBackend();
    const created = await createOutage(server);
    const res = await request(server)
      .patch(`${BASE}/incidents/records/${created.id}`)
      .send({ startedAt: '2026-11-03T10:30:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /body\.detectedAt: must not be before startedAt \(after the change\)/,
    );
    const after = await request(server).get(`${HUB}/incidents?view=records`);
    expect(after.body.items).toEqual([{ ...created, budgetCost: [] }]);
  });

  it('refuses writes without the incident write permission, and reads stay open', async () => {
    const server = await startBackend({ deny: true });
    const res = await request(server).post(`${HUB}/incidents`).send(outage);
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(res.body.error.message).toMatch(/operability\.incident\.write/);
    const list = await request(server).get(`${HUB}/incidents`);
    expect(list.status).toBe(200);
    expect(list.body.totalItems).toBe(0);
  });

  it('refuses merges and splits without the incident write permission', async () => {
    // Incidents recorded by a source; the caller may read the entity but not write.
    const { server, store } = await startWithStore({ deny: true });
    for (const key of ['a', 'b']) {
      await store.recordDelivery('alertmanager', {
        observations: [
          {
            sourceKey: key,
            entityRefs: ['component:default/jupyterhub'],
            title: key,
            severity: 'warning',
            status: 'resolved',
            startedAt: Date.parse(`2026-11-0${key === 'a' ? 1 : 5}T00:00:00Z`),
            resolvedAt: Date.parse(`2026-11-0${key === 'a' ? 1 : 5}T01:00:00Z`),
            observedAt: Date.parse(`2026-11-0${key === 'a' ? 1 : 5}T01:00:00Z`),
          },
        ],
      });
    }
    const { items } = (await request(server).get(`${HUB}/incidents`)).body;
    expect(items).toHaveLength(2);
    const merge = await request(server)
      .post(`${BASE}/incidents/${items[0].id}/merge`)
      .send({ incidentId: items[1].id });
    expect(merge.status).toBe(403);
    expect(merge.body.error.message).toMatch(/operability\.incident\.write/);
    const split = await request(server)
      .post(`${BASE}/incidents/${items[0].id}/split`)
      .send({ recordId: items[0].records[0].id });
    expect(split.status).toBe(403);
    expect(
      (await request(server).get(`${HUB}/incidents`)).body.totalItems,
    ).toBe(2);
  });

  it('requires credentials for every incident route', async () => {
    const server = await startBackend();
    for (const [method, path] of [
      ['get', `${HUB}/incidents`],
      ['get', `${HUB}/incidents/stats`],
      ['post', `${HUB}/incidents`],
      ['get', `${BASE}/incidents/00000000-0000-4000-8000-000000000000`],
      ['post', `${BASE}/incidents/00000000-0000-4000-8000-000000000000/merge`],
      ['post', `${BASE}/incidents/00000000-0000-4000-8000-000000000000/split`],
      [
        'patch',
        `${BASE}/incidents/records/00000000-0000-4000-8000-000000000000`,
      ],
    ] as const) {
      const res = await request(server)
        [method](path)
        .set('Authorization', mockCredentials.none.header());
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
  });

  it('answers 404 for unknown incidents and entities, 400 for a malformed id', async () => {
    const server = await startBackend();
    const missing = await request(server).get(
      `${BASE}/incidents/00000000-0000-4000-8000-000000000000`,
    );
    expect(missing.status).toBe(404);
    const malformed = await request(server).get(`${BASE}/incidents/42`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /params\.id: must be an incident id/,
    );
    const noEntity = await request(server).get(
      `${BASE}/entities/component/default/nope/incidents`,
    );
    expect(noEntity.status).toBe(404);
  });
});
