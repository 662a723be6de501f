import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { parseSloYaml } from '@airworthy/plugin-operability-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { createOperabilityTestBackend } from '../__testUtils__/testBackend';
import { openSloYaml } from '../__testUtils__/slos';

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
});

const startOperabilityBackend = createOperabilityTestBackend();
const BASE = '/api/operability';
const ENTITY_SLOS = `${BASE}/entities/component/default/jupyterhub/slos`;

async function start(
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const backend = await startOperabilityBackend({
    entities: [entity('jupyterhub'), entity('thanos')],
    features: permission
      ? [mockServices.permissions.factory({ result: permission })]
      : [],
  });
  return backend;
}

async function createFromYaml(
  backend: Awaited<ReturnType<typeof start>>,
  yaml: string,
) {
  return request(backend.server)
    .post(ENTITY_SLOS)
    .set('Content-Type', 'application/yaml')
    .send(yaml);
}

describe('SLO routes', () => {
  it('creates an SLO from OpenSLO YAML and lists it on the entity', async () => {
    const backend = await start();
    const created = await createFromYaml(backend, openSloYaml());
    expect(created.status).toBe(201);
    expect(created.body.items).toEqual([
      expect.objectContaining({
        id: expect.any(String),
        entityRef: 'component:default/jupyterhub',
        name: 'availability',
        ref: 'availability',
        displayName: 'Hub availability',
        source: 'api',
        target: 0.98,
        period: '28d',
        phase: 'informing',
        budgetingMethod: 'Occurrences',
        status: 'no-data',
        // No SLI source in this backend: the SLO waits for pushed data.
        collection: {
          source: null,
          state: 'push',
          detail:
            'No installed SLI source collects metric sources of type Prometheus',
        },
      }),
    ]);

    const list = await request(backend.server).get(ENTITY_SLOS);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      entityRef: 'component:default/jupyterhub',
      items: created.body.items,
      errors: [],
    });
  });

  it('creates one SLO per objective from OpenSLO JSON', async () => {
    const backend = await start();
    const document = parseYaml(openSloYaml({ extraObjective: 0.9 }));
    const created = await request(backend.server)
      .post(ENTITY_SLOS)
      .send([document]);
    expect(created.status).toBe(201);
    expect(
      created.body.items.map(
        (i: { ref: string; target: number; displayName: string }) => [
          i.ref,
          i.target,
          i.displayName,
        ],
      ),
    ).toEqual([
      ['availability', 0.98, 'Hub availability: Available'],
      ['availability/1', 0.9, 'Hub availability: Mostly available'],
    ]);
  });

  it('reads an SLO with its definition and exports it as OpenSLO YAML that parses back', async () => {
    const backend = await start();
    const created = await createFromYaml(
      backend,
      openSloYaml({ extraObjective: 0.9 }),
    );
    const id = created.body.items[0].id;

    const detail = await request(backend.server).get(`${BASE}/slos/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.definition).toMatchObject({
      ref: 'availability',
      target: 0.98,
      indicator: { type: 'ratio', counter: false },
    });

    const exported = await request(backend.server).get(
      `${BASE}/slos/${id}/openslo`,
    );
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/yaml/);
    const reparsed = parseSloYaml(exported.text);
    expect(reparsed.errors).toEqual([]);
    expect(reparsed.slos.map(s => [s.ref, s.target])).toEqual([
      ['availability', 0.98],
      ['availability/1', 0.9],
    ]);
  });

  it('updates an SLO with PUT, adding and removing objectives and keeping the first id', async () => {
    const backend = await start();
    const created = await createFromYaml(
      backend,
      openSloYaml({ extraObjective: 0.9 }),
    );
    const [first, second] = created.body.items;

    const updated = await request(backend.server)
      .put(`${BASE}/slos/${second.id}`)
      .set('Content-Type', 'text/yaml')
      .send(openSloYaml({ target: 0.995 }));
    expect(updated.status).toBe(200);
    expect(updated.body.items).toEqual([
      expect.objectContaining({ id: first.id, target: 0.995 }),
    ]);
    const gone = await request(backend.server).get(`${BASE}/slos/${second.id}`);
    expect(gone.status).toBe(404);
  });

  it('refuses to rename through PUT and to create a name twice', async () => {
    const backend = await start();
    const created = await createFromYaml(backend, openSloYaml());
    const id = created.body.items[0].id;

    const renamed = await request(backend.server)
      .put(`${BASE}/slos/${id}`)
      .set('Content-Type', 'application/yaml')
      .send(openSloYaml({ name: 'other' }));
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toMatch(
      /define other, but this is SLO availability/,
    );

    const twice = await createFromYaml(backend, openSloYaml());
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(
      /already has an SLO named availability/,
    );
  });

  it('deletes an SLO with all its objectives', async () => {
    const backend = await start();
    const created = await createFromYaml(
      backend,
      openSloYaml({ extraObjective: 0.9 }),
    );
    const res = await request(backend.server).delete(
      `${BASE}/slos/${created.body.items[0].id}`,
    );
    expect(res.status).toBe(204);
    const list = await request(backend.server).get(ENTITY_SLOS);
    expect(list.body.items).toEqual([]);
  });

  it('keeps a deleted SLO and its data for the grace period: listed as retired, restorable, purged only on a second delete', async () => {
    const backend = await start();
    const created = await createFromYaml(
      backend,
      openSloYaml({ extraObjective: 0.9 }),
    );
    const [first, second] = created.body.items;
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const pushed = await request(backend.server)
      .post(`${BASE}/slos/${first.id}/sli`)
      .send({
        buckets: [
          { start: new Date(minute).toISOString(), good: 9, total: 10 },
        ],
      });
    expect(pushed.status).toBe(200);

    expect(
      (await request(backend.server).delete(`${BASE}/slos/${first.id}`)).status,
    ).toBe(204);
    const gone = await request(backend.server).get(`${BASE}/slos/${first.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(
      new RegExp(
        `was retired on .* \\(deleted\\); restore it with POST /slos/${first.id}/restore until `,
      ),
    );
    const retired = await request(backend.server).get(`${ENTITY_SLOS}/retired`);
    expect(retired.status).toBe(200);
    expect(retired.body.items.map((r: any) => [r.id, r.retiredReason])).toEqual(
      [
        [first.id, 'deleted'],
        [second.id, 'deleted'],
      ],
    );
    const { retiredAt, purgeAfter } = retired.body.items[0];
    expect(Date.parse(purgeAfter) - Date.parse(retiredAt)).toBe(
      30 * 86_400_000,
    );

    // Creating the same name again would mix two histories: refused with the way out.
    const again = await createFromYaml(backend, openSloYaml());
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(
      `restore it with POST /slos/${first.id}/restore`,
    );

    const restored = await request(backend.server).post(
      `${BASE}/slos/${first.id}/restore`,
    );
    expect(restored.status).toBe(200);
    expect(restored.body.items.map((r: any) => r.id)).toEqual([
      first.id,
      second.id,
    ]);
    const series = await request(backend.server).get(
      `${BASE}/slos/${first.id}/series?from=${new Date(
        minute - 3_600_000,
      ).toISOString()}&to=${new Date(minute + 60_000).toISOString()}`,
    );
    expect(series.status).toBe(200);
    expect(
      series.body.sli.filter((p: any) => p.v !== null).map((p: any) => p.v),
    ).toEqual([0.9]);
    expect(
      (await request(backend.server).post(`${BASE}/slos/${first.id}/restore`))
        .status,
    ).toBe(409);

    // Deleted twice: gone for good, data and all.
    await request(backend.server).delete(`${BASE}/slos/${first.id}`);
    expect(
      (await request(backend.server).delete(`${BASE}/slos/${first.id}`)).status,
    ).toBe(204);
    expect(
      (await request(backend.server).post(`${BASE}/slos/${first.id}/restore`))
        .status,
    ).toBe(404);
    const rows = await backend.knex('sli_buckets').where({ slo_id: first.id });
    expect(rows).toEqual([]);
    expect((await createFromYaml(backend, openSloYaml())).status).toBe(201);
  });

  it('refuses periods the SLI store cannot measure, from 1 minute to its longest retention', async () => {
    const backend = await start();
    for (const duration of ['999999999d', '401d', '2Y']) {
      const res = await createFromYaml(backend, openSloYaml({ duration }));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Invalid SLO documents: document 0 spec.timeWindow[0].duration: must be at most 400d: the SLI store keeps data that long at the most, so a longer budget could not be measured',
      );
    }
    expect(
      (await createFromYaml(backend, openSloYaml({ duration: '400d' }))).status,
    ).toBe(201);

    // A store that keeps data 120 days measures periods up to 120 days.
    const short = await startOperabilityBackend({
      entities: [entity('jupyterhub')],
      config: {
        operability: {
          sli: { rollups: [{ bucket: '1h', retention: '120d' }] },
        },
      },
    });
    const long = await createFromYaml(short, openSloYaml({ duration: '200d' }));
    expect(long.status).toBe(400);
    expect(long.body.error.message).toBe(
      'Invalid SLO documents: document 0 spec.timeWindow: 200d must be at most 120d: the SLI store keeps data that long at the most, so a longer budget could not be measured',
    );
  });

  it('caps objectives per document and SLOs per entity with a 400 naming the setting', async () => {
    const backend = await start();
    const many = Array.from({ length: 21 }, (_, i) => 0.5 + i / 100);
    const crowded = await createFromYaml(
      backend,
      openSloYaml({ objectives: many }),
    );
    expect(crowded.status).toBe(400);
    expect(crowded.body.error.message).toMatch(
      /defines 21 objectives; at most 20 are allowed per document \(operability\.slos\.maxObjectivesPerDocument\)/,
    );
    for (let i = 0; i < 5; i++) {
      const ok = await createFromYaml(
        backend,
        openSloYaml({ name: `slo-${i}`, objectives: many.slice(0, 20) }),
      );
      expect(ok.status).toBe(201);
    }
    const over = await createFromYaml(backend, openSloYaml({ name: 'more' }));
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe(
      'component:default/jupyterhub would have 101 SLOs (objectives counted one by one); at most 100 are allowed per entity (operability.slos.maxPerEntity)',
    );
    const list = await request(backend.server).get(ENTITY_SLOS);
    expect(list.body.items).toHaveLength(100);
  });

  it('refuses invalid documents with 400 naming each problem, storing nothing', async () => {
    const backend = await start();
    const res = await createFromYaml(
      backend,
      openSloYaml({ target: 1.5 }).replace('duration: 28d', 'duration: 28x'),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Invalid SLO documents: /);
    expect(res.body.error.message).toMatch(/spec\.timeWindow/);
    expect(res.body.error.message).toMatch(/target/);
    expect(res.body.error.stack).toBeUndefined();

    for (const [type, body] of [
      ['application/yaml', ''],
      [
        'application/yaml',
        'apiVersion: openslo/v1\nkind: Service\nmetadata: { name: x }\nspec: {}',
      ],
      ['application/yaml', '{ not: yaml: at all'],
      ['application/octet-stream', 'x'],
    ]) {
      const bad = await request(backend.server)
        .post(ENTITY_SLOS)
        .set('Content-Type', type)
        .send(body);
      expect([bad.status, bad.body.error.name]).toEqual([400, 'InputError']);
    }
    const list = await request(backend.server).get(ENTITY_SLOS);
    expect(list.body.items).toEqual([]);
  });

  it('stores the phase an SLO document writes and changes it through PUT /slos/{id}/phase', async () => {
    const backend = await start();
    const created = await createFromYaml(
      backend,
      openSloYaml({ phase: 'enforcing', extraObjective: 0.9 }),
    );
    expect(created.status).toBe(201);
    expect(created.body.items.map((i: { phase: string }) => i.phase)).toEqual([
      'enforcing',
      'enforcing',
    ]);
    const id = created.body.items[0].id;

    const informing = await request(backend.server)
      .put(`${BASE}/slos/${id}/phase`)
      .send({ phase: 'informing' });
    expect(informing.status).toBe(200);
    expect(
      informing.body.items.map((i: { id: string; phase: string }) => [
        i.id,
        i.phase,
      ]),
    ).toEqual(
      created.body.items.map((i: { id: string }) => [i.id, 'informing']),
    );
    const list = await request(backend.server).get(ENTITY_SLOS);
    expect(list.body.items.map((i: { phase: string }) => i.phase)).toEqual([
      'informing',
      'informing',
    ]);
    // The export carries the phase, so that the SLO can move to a file unchanged.
    const exported = await request(backend.server).get(
      `${BASE}/slos/${id}/openslo`,
    );
    expect(exported.text).toContain('airworthy.dev/phase: informing');

    const bad = await request(backend.server)
      .put(`${BASE}/slos/${id}/phase`)
      .send({ phase: 'enforce' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /body\.phase: must be one of informing, enforcing/,
    );
    const typo = await createFromYaml(
      backend,
      openSloYaml({ name: 'other', phase: 'draft' }),
    );
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toContain(
      'The phase (airworthy.dev/phase) of SLO "other" is "draft"',
    );
  });

  it('keeps repo SLOs read-only', async () => {
    const backend = await start();
    await backend.knex('slos').insert({
      id: 'from-repo',
      entity_ref: 'component:default/jupyterhub',
      name: 'availability',
      ref: 'availability',
      source: 'repo',
      source_location: 'https://example.com/slos.yaml',
      target: 0.98,
      period: '28d',
      definition: JSON.stringify(parseSloYaml(openSloYaml()).slos[0]),
      created_at: 1,
      updated_at: 1,
    });
    const put = await request(backend.server)
      .put(`${BASE}/slos/from-repo`)
      .set('Content-Type', 'application/yaml')
      .send(openSloYaml());
    expect(put.status).toBe(409);
    expect(put.body.error.message).toBe(
      'SLO availability of component:default/jupyterhub comes from https://example.com/slos.yaml and cannot be changed here; change the file instead',
    );
    const del = await request(backend.server).delete(`${BASE}/slos/from-repo`);
    expect(del.status).toBe(409);
    const phase = await request(backend.server)
      .put(`${BASE}/slos/from-repo/phase`)
      .send({ phase: 'enforcing' });
    expect(phase.status).toBe(409);
  });

  it('requires the SLO write permission for every write, and credentials for reads', async () => {
    const allowed = await start();
    const created = await createFromYaml(allowed, openSloYaml());
    const id = created.body.items[0].id;
    const anonymous = await request(allowed.server)
      .get(`${BASE}/slos/${id}`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const denied = await start(AuthorizeResult.DENY);
    const post = await createFromYaml(denied, openSloYaml());
    expect(post.status).toBe(403);
    expect(post.body.error.message).toBe(
      'You may not create, change or delete the SLOs of component:default/jupyterhub (permission operability.slo.write)',
    );
  });

  it('lists the retired SLOs of an entity gone from the catalog to those who may write its SLOs, and 404 to others', async () => {
    const gone = `${BASE}/entities/component/default/gone/slos/retired`;
    const sre = await start(AuthorizeResult.ALLOW);
    const listed = await request(sre.server).get(gone);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      entityRef: 'component:default/gone',
      items: [],
    });
    const visitor = await start(AuthorizeResult.DENY);
    const refused = await request(visitor.server).get(gone);
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe(
      'No entity component:default/gone in the catalog',
    );
  });

  it('answers 404 for an unknown entity or SLO and 400 for a malformed id', async () => {
    const backend = await start();
    const unknownEntity = await request(backend.server)
      .post(`${BASE}/entities/component/default/nope/slos`)
      .set('Content-Type', 'application/yaml')
      .send(openSloYaml());
    expect(unknownEntity.status).toBe(404);
    expect(
      (await request(backend.server).get(`${BASE}/slos/nope`)).status,
    ).toBe(404);
    const malformed = await request(backend.server).get(
      `${BASE}/slos/${encodeURIComponent('a b')}`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /params\.id: must be an SLO id/,
    );
  });
});
