import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import operabilityPlugin from '@airworthy/plugin-operability-backend';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import permissionPolicy from './permissionPolicy';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const catalog = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sre }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: data-science }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: jupyterhub }
spec: { type: service, lifecycle: production, owner: group:default/data-science }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: thanos }
spec: { type: service, lifecycle: production, owner: group:default/observability }
`;

/**
 * The test-utils' mock auth drops the calling plugin (the actor) from on-behalf-of tokens,
 * which the permission backend needs to accept a plugin's conditional query for a user.
 * This keeps it, as Backstage's real auth service does.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const prefix = 'mock-service-token:';
    return {
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      isPrincipal: auth.isPrincipal.bind(auth) as typeof auth.isPrincipal,
      getPluginRequestToken: options => auth.getPluginRequestToken(options),
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
      async authenticate(token, options) {
        const credentials = await auth.authenticate(token, options);
        if (token.startsWith(prefix)) {
          const { sub, obo } = JSON.parse(token.slice(prefix.length));
          if (obo) {
            return mockCredentials.user(obo, {
              actor: { subject: sub ?? 'external:test-service' },
            });
          }
        }
        return credentials;
      },
    };
  },
});

/** Who is who: the ownership refs the auth backend would put in each user's token. */
const ownership: Record<string, string[]> = {
  'user:default/maintainer': [
    'user:default/maintainer',
    'group:default/data-science',
  ],
  'user:default/sre': ['user:default/sre', 'group:default/sre'],
  'user:default/visitor': ['user:default/visitor'],
};

const slo = (name: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: x
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: probes
    spec:
      ratioMetric:
        counter: false
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(probe_success)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: count(probe_success)
  objectives:
    - target: 0.98
`;

describe('the demo permission policy, with the real catalog and permission backends', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'airworthy-policy-'));
    await fs.writeFile(path.join(dir, 'catalog.yaml'), catalog);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lets owners and SRE group members write SLOs, and only SRE group members delete catalog entities or write locations', async () => {
    // Each plugin its own database, as in a real backend: the catalog and the operability
    // plugin both keep their migrations in `knex_migrations`, and one shared database makes
    // them race for its lock.
    const database = createServiceFactory({
      service: coreServices.database,
      deps: {},
      async factory() {
        const knex = await databases.init('SQLITE_3');
        return { getClient: async () => knex };
      },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        permissionPlugin,
        permissionPolicy,
        operabilityPlugin,
        database,
        authWithActors,
        httpAuthServiceFactory,
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials) {
              const userEntityRef = (
                credentials.principal as { userEntityRef: string }
              ).userEntityRef;
              return {
                userEntityRef,
                ownershipEntityRefs: ownership[userEntityRef] ?? [
                  userEntityRef,
                ],
              };
            },
          }),
        }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component', 'Group'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'catalog.yaml') },
              ],
              processingInterval: { seconds: 1 },
            },
            operability: { permissions: { sreGroups: ['sre'] } },
          },
        }),
      ],
    });
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

      // Wait for the catalog to ingest the entities.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await request(backend.server)
          .get('/api/operability/entities/component/default/thanos/slos')
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/sre'),
          );
        if (res.status === 200) break;
        if (Date.now() > deadline)
          throw new Error(
            `catalog not ready: ${res.status} ${JSON.stringify(res.body)}`,
          );
        await new Promise(resolve => setTimeout(resolve, 500));
      }

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
