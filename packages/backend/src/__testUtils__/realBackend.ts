import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import operabilityPlugin from '@airworthy/plugin-operability-backend';
import type { JsonObject } from '@backstage/types';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import permissionPolicy from '../permissionPolicy';

/*
 * A backend as the demo runs it, for tests of who may do what: the real catalog (fed from a
 * catalog file), the real permission backend with the demo's policy, Backstage's HTTP auth,
 * and the operability plugin, each plugin with its own database. Only the token format is
 * the test utils' (mock tokens); users own what `ownership` says.
 */

/** Group memberships: the ownership refs the auth backend would put in each user's token. */
export const OWNERSHIP: Record<string, string[]> = {
  'user:default/maintainer': [
    'user:default/maintainer',
    'group:default/data-science',
  ],
  'user:default/sre': ['user:default/sre', 'group:default/sre'],
  'user:default/visitor': ['user:default/visitor'],
};

export const CATALOG = `
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
metadata:
  name: jupyterhub
  annotations:
    airworthy.dev/public-badge: 'true'
spec: { type: service, lifecycle: production, owner: group:default/data-science }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: thanos }
spec: { type: service, lifecycle: production, owner: group:default/observability }
`;

/** An OpenSLO SLO document named `name`. */
export const sloYaml = (name: string) => `apiVersion: openslo/v1
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

/** An OpenSLO SLO document named `name` in the `enforcing` phase (the deploy gate uses it). */
export const enforcingSloYaml = (name: string) =>
  sloYaml(name).replace(
    `name: ${name}\n`,
    `name: ${name}\n  annotations:\n    airworthy.dev/phase: enforcing\n`,
  );

/**
 * The operability config of tests that arrange SLO states themselves: the demo's SRE group,
 * and no scheduled evaluation while the test runs.
 */
export const OPERABILITY_WITHOUT_EVALUATION = {
  permissions: { sreGroups: ['sre'] },
  evaluation: {
    schedule: {
      frequency: { hours: 6 },
      timeout: { minutes: 10 },
      initialDelay: { hours: 6 },
    },
  },
};

const RESTRICTED = 'mock-restricted-service:';

/**
 * An `Authorization` header of a service principal (an external-access token of a script)
 * whose access restrictions allow only `permissionNames`.
 */
export function restrictedServiceHeader(
  subject: string,
  permissionNames: string[],
): string {
  return `Bearer ${RESTRICTED}${JSON.stringify({ subject, permissionNames })}`;
}

/** The `Authorization` header of a user. */
export const userHeader = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/**
 * The test utils' mock auth, with two things Backstage's real auth service does: it keeps
 * the calling plugin (the actor) of on-behalf-of tokens, which the permission backend needs
 * to accept a plugin's conditional query for a user; and it knows service principals with
 * access restrictions (`restrictedServiceHeader`).
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
      async authenticate(token, options): Promise<BackstageCredentials> {
        if (token.startsWith(RESTRICTED)) {
          const { subject, permissionNames } = JSON.parse(
            token.slice(RESTRICTED.length),
          );
          return mockCredentials.service(subject, { permissionNames });
        }
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
    } as typeof auth;
  },
});

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const userEntityRef = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs: OWNERSHIP[userEntityRef] ?? [userEntityRef],
      };
    },
  }),
});

/**
 * Returns a function that starts the backend (call at the top level of a test file); it
 * resolves once the catalog serves `thanos`. Every plugin has its own SQLite database: the
 * catalog and the operability plugin both keep their migrations in `knex_migrations`, and one
 * shared database makes them race for its lock.
 */
export function createDemoLikeBackend() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'airworthy-backend-'));
    await fs.writeFile(path.join(dir, 'catalog.yaml'), CATALOG);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  return async function start(
    options: { config?: JsonObject; features?: BackendFeature[] } = {},
  ) {
    let operabilityKnex: Awaited<ReturnType<typeof databases.init>> | undefined;
    const database = createServiceFactory({
      service: coreServices.database,
      deps: { plugin: coreServices.pluginMetadata },
      async factory({ plugin }) {
        const knex = await databases.init('SQLITE_3');
        if (plugin.getId() === 'operability') operabilityKnex = knex;
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
        userInfo,
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
            ...options.config,
          },
        }),
        ...(options.features ?? []),
      ],
    });
    // Wait for the catalog to ingest the entities.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await request(backend.server)
        .get('/api/operability/entities/component/default/thanos/slos')
        .set('Authorization', userHeader('sre'));
      if (res.status === 200) break;
      if (Date.now() > deadline) {
        await backend.stop();
        throw new Error(
          `catalog not ready: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    // The operability plugin's database, to arrange stored data (e.g. evaluations).
    return Object.assign(backend, { knex: operabilityKnex! });
  };
}
