import request from 'supertest';
import {
  createDemoLikeBackend,
  sloYaml as slo,
} from './__testUtils__/realBackend';
import { mockCredentials } from '@backstage/backend-test-utils';

jest.setTimeout(120_000);

const startBackend = createDemoLikeBackend();

describe('the demo permission policy, with the real catalog and permission backends', () => {
  it('lets owners and SRE group members write SLOs, and only SRE group members delete catalog entities or write locations', async () => {
    const backend = await startBackend();
    try {
      const post = (user: string, entity: string, name: string) =>
        request(backend.server)
          .post(`/api/operability/entities/component/default/${entity}/slos`)
          .set(
            'Authorization',
            mockCredentials.user.header(`user:default/${user}`),
          )
          .set('Content-Type', 'application/yaml')
          .send(slo(name));

      // The maintainer's group owns jupyterhub, not thanos.
      expect((await post('maintainer', 'jupyterhub', 'hub')).status).toBe(201);
      const notOwner = await post('maintainer', 'thanos', 'thanos');
      expect(notOwner.status).toBe(403);
      expect(notOwner.body.error.name).toBe('NotAllowedError');
      // SRE group members may write every entity's SLOs.
      expect((await post('sre', 'thanos', 'thanos')).status).toBe(201);
      // Anyone else may read but not write.
      expect((await post('visitor', 'jupyterhub', 'other')).status).toBe(403);
      const read = await request(backend.server)
        .get('/api/operability/entities/component/default/jupyterhub/slos')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/visitor'),
        );
      expect(read.status).toBe(200);
      expect(read.body.items.map((i: { name: string }) => i.name)).toEqual([
        'hub',
      ]);

      // Catalog deletes and location writes could retire any entity's SLOs: SRE only.
      const as = (user: string) =>
        mockCredentials.user.header(`user:default/${user}`);
      const { body: hub } = await request(backend.server)
        .get('/api/catalog/entities/by-name/component/default/jupyterhub')
        .set('Authorization', as('visitor'));
      for (const user of ['visitor', 'maintainer']) {
        const del = await request(backend.server)
          .delete(`/api/catalog/entities/by-uid/${hub.metadata.uid}`)
          .set('Authorization', as(user));
        expect(del.status).toBe(403);
        const location = await request(backend.server)
          .post('/api/catalog/locations')
          .set('Authorization', as(user))
          .send({
            type: 'url',
            target: 'https://example.com/catalog-info.yaml',
          });
        expect(location.status).toBe(403);
      }
      expect(
        (
          await request(backend.server)
            .get('/api/catalog/entities/by-name/component/default/jupyterhub')
            .set('Authorization', as('visitor'))
        ).status,
      ).toBe(200);
      const sreDelete = await request(backend.server)
        .delete(`/api/catalog/entities/by-uid/${hub.metadata.uid}`)
        .set('Authorization', as('sre'));
      expect(sreDelete.status).toBe(204);
    } finally {
      await backend.stop();
    }
  });
});
