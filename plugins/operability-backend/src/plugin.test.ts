import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createOperabilityTestBackend } from './__testUtils__/testBackend';

const jupyterhub = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'jupyterhub', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/data-science',
    lifecycle: 'production',
  },
};

const startOperabilityBackend = createOperabilityTestBackend();

async function startBackend() {
  const { server } = await startOperabilityBackend({ entities: [jupyterhub] });
  return server;
}

describe('operability backend plugin', () => {
  it('answers /health without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/operability/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('requires credentials for entity routes', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/operability/entities/component/default/jupyterhub/slos')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('lists no SLOs (and no errors) for an entity without any', async () => {
    const server = await startBackend();
    const res = await request(server).get(
      '/api/operability/entities/Component/default/jupyterhub/slos',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: 'component:default/jupyterhub',
      items: [],
      errors: [],
    });
  });

  it('answers 404 for an entity the catalog does not return', async () => {
    const server = await startBackend();
    const res = await request(server).get(
      '/api/operability/entities/component/default/unknown/slos',
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/unknown in the catalog',
    });
  });

  it('refuses malformed entity names with 400 and a message, without a stack trace', async () => {
    const server = await startBackend();
    const res = await request(server).get(
      `/api/operability/entities/component/default/${encodeURIComponent(
        'bad name!',
      )}/slos`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /^Invalid request params: params\.name: must be/,
    );
    expect(res.body.error.stack).toBeUndefined();
  });
});
