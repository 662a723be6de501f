import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createOperabilityTestBackend } from '../__testUtils__/testBackend';

const startOperabilityBackend = createOperabilityTestBackend();
const HUB = '/api/operability/entities/component/default/jupyterhub';
const hub = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'jupyterhub', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

describe('policy routes', () => {
  it('answers the deploy gate of an entity, and 404 for an unknown one', async () => {
    const backend = await startOperabilityBackend({ entities: [hub] });
    const gate = await request(backend.server).get(`${HUB}/deploy-gate`);
    expect(gate.status).toBe(200);
    expect(gate.body).toMatchObject({
      entityRef: 'component:default/jupyterhub',
      decision: 'allow',
      slos: [],
      policy: { block: ['exhausted'], warn: ['critical'], source: 'config' },
    });
    const unknown = await request(backend.server).get(
      '/api/operability/entities/component/default/nope/deploy-gate',
    );
    expect(unknown.status).toBe(404);
    // Each answer is logged for the weekly digest, with who asked (the test user here).
    const logged = await backend
      .knex('gate_decisions')
      .select('entity_ref', 'decision', 'caller_kind', 'decided_at');
    expect(logged).toEqual([
      {
        entity_ref: 'component:default/jupyterhub',
        decision: 'allow',
        caller_kind: 'user',
        decided_at: expect.anything(),
      },
    ]);
    expect(Number(logged[0].decided_at)).toBe(Date.parse(gate.body.decidedAt));
  });

  it('grants, lists and revokes exceptions, refusing bad input with 400', async () => {
    const backend = await startOperabilityBackend({ entities: [hub] });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const granted = await request(backend.server)
      .post(`${HUB}/gate-exceptions`)
      .send({ reason: 'Security fix', expiresAt });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      entityRef: 'component:default/jupyterhub',
      reason: 'Security fix',
      state: 'active',
    });

    const missing = await request(backend.server)
      .post(`${HUB}/gate-exceptions`)
      .send({ expiresAt, extra: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/body\.reason/);
    const past = await request(backend.server)
      .post(`${HUB}/gate-exceptions`)
      .send({ reason: 'Late', expiresAt: '2020-01-01' });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toMatch(/is not in the future/);
    const tooLong = await request(backend.server)
      .post(`${HUB}/gate-exceptions`)
      .send({ reason: 'Forever', expiresAt: '2999-01-01' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/at most 30 days from now/);

    const badId = await request(backend.server).delete(
      `${HUB}/gate-exceptions/not-a-uuid`,
    );
    expect(badId.status).toBe(400);
    const revoked = await request(backend.server).delete(
      `${HUB}/gate-exceptions/${granted.body.id}`,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('revoked');
    const again = await request(backend.server).delete(
      `${HUB}/gate-exceptions/${granted.body.id}`,
    );
    expect(again.status).toBe(409);
    const list = await request(backend.server).get(`${HUB}/gate-exceptions`);
    expect(list.body.items.map((e: { state: string }) => e.state)).toEqual([
      'revoked',
    ]);
  });

  it('needs operability.exception.write to grant or revoke', async () => {
    const backend = await startOperabilityBackend({
      entities: [hub],
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const denied = await request(backend.server)
      .post(`${HUB}/gate-exceptions`)
      .send({
        reason: 'Security fix',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'You may not grant or revoke exceptions to the error-budget policy of component:default/jupyterhub (permission operability.exception.write)',
    );
  });
});
