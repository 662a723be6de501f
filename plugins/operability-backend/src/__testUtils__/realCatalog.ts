import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type BackendFeature,
  type BackstageCredentials,
  type PermissionsService,
  type PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  type AuthorizePermissionRequest,
  type AuthorizePermissionResponse,
  type PolicyDecision,
  type QueryPermissionRequest,
  type QueryPermissionResponse,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import type { Knex } from 'knex';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { operabilityPlugin } from '../plugin';

/** Entities given to the catalog at start-up, as a real entity provider would. */
class StaticEntityProvider implements EntityProvider {
  constructor(private readonly entities: Entity[]) {}

  getProviderName() {
    return 'airworthy-test-entities';
  }

  async connect(connection: EntityProviderConnection) {
    await connection.applyMutation({
      type: 'full',
      entities: this.entities.map(entity => ({
        entity: {
          ...entity,
          metadata: {
            namespace: 'default',
            ...entity.metadata,
            annotations: {
              'backstage.io/managed-by-location':
                'url:https://example.test/catalog-info.yaml',
              'backstage.io/managed-by-origin-location':
                'url:https://example.test/catalog-info.yaml',
              ...entity.metadata.annotations,
            },
          },
        },
        locationKey: 'airworthy-test',
      })),
    });
  }
}

/**
 * A permission policy as an adopter writes one: users may read every catalog entity except
 * those labelled `visibility: private`, unless they own them; everything else is allowed.
 * The catalog turns the conditions into its own query.
 */
export class PrivateEntitiesPolicy implements PermissionPolicy {
  /** Users who may not grant exemptions (every other write is allowed). */
  constructor(private readonly readOnlyUsers: string[] = []) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(request.permission, catalogEntityReadPermission) && user) {
      return createCatalogConditionalDecision(request.permission, {
        anyOf: [
          {
            not: catalogConditions.hasLabel({
              label: 'visibility',
              value: 'private',
            }),
          },
          catalogConditions.isEntityOwner({
            claims: user.info.ownershipEntityRefs ?? [],
          }),
        ],
      });
    }
    if (
      request.permission.name === 'operability.exemption.write' &&
      user &&
      this.readOnlyUsers.includes(user.info.userEntityRef)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/**
 * The permissions service of every plugin, deciding with a policy as the permission
 * backend would (the policy sees the user and their ownership refs; the plugin's own service
 * credentials have no user). Conditional decisions go back to the caller, so the catalog
 * applies them in its own query. The HTTP hop to the permission backend is left out: the
 * test auth service cannot issue the on-behalf-of tokens it needs.
 */
export class PolicyPermissionsService implements PermissionsService {
  constructor(private readonly policy: PermissionPolicy) {}

  private user(credentials: BackstageCredentials): PolicyQueryUser | undefined {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef) return undefined;
    return {
      credentials,
      info: {
        userEntityRef: principal.userEntityRef,
        ownershipEntityRefs: [principal.userEntityRef],
      },
    };
  }

  async authorizeConditional(
    requests: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<QueryPermissionResponse[]> {
    const user = this.user(options.credentials);
    return Promise.all(
      requests.map(r => this.policy.handle({ permission: r.permission }, user)),
    );
  }

  async authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]> {
    const decisions = await this.authorizeConditional(
      requests.map(
        r => ({ permission: r.permission } as QueryPermissionRequest),
      ),
      options,
    );
    return decisions.map((decision, i) => {
      if (decision.result === AuthorizeResult.CONDITIONAL) {
        throw new Error(
          `The test policy answered ${requests[i].permission.name} conditionally; give authorize() definitive decisions`,
        );
      }
      return decision;
    });
  }
}

/**
 * The features of a real catalog (the catalog backend plugin, fed by an entity provider)
 * whose permissions are decided by a policy, for tests of what a user may see.
 */
export function realCatalogFeatures(options: {
  entities: Entity[];
  policy?: PermissionPolicy;
}): BackendFeature[] {
  const policy = options.policy ?? new PrivateEntitiesPolicy();
  return [
    catalogPlugin,
    createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => new PolicyPermissionsService(policy),
    }),
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'airworthy-test-entities',
      register(env) {
        env.registerInit({
          deps: { processing: catalogProcessingExtensionPoint },
          async init({ processing }) {
            processing.addEntityProvider(
              new StaticEntityProvider(options.entities),
            );
          },
        });
      },
    }),
  ];
}

/** Config the real catalog needs in a test backend. */
export const REAL_CATALOG_CONFIG = {
  permission: { enabled: true },
  catalog: {
    rules: [
      {
        allow: [
          'Component',
          'System',
          'Domain',
          'Group',
          'User',
          'Resource',
          'API',
        ],
      },
    ],
    processingInterval: { seconds: 1 },
    stitchingStrategy: { mode: 'immediate' },
  },
};

/** Waits until the catalog's search table holds `count` entities (processed and stitched). */
export async function waitForStitchedEntities(
  knex: Knex,
  count: number,
  timeoutMs = 120_000,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    const [{ n }] = await knex('final_entities')
      .whereNotNull('final_entity')
      .count({ n: '*' });
    if (Number(n) >= count) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `The catalog stitched ${n} of ${count} entities in ${timeoutMs} ms`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/**
 * Returns a function that starts a test backend with the operability plugin and the real
 * catalog (fed with the given entities), permissions decided by a policy
 * (`PrivateEntitiesPolicy` by default). Every plugin gets its own database from
 * TestDatabases (SQLite, or PostgreSQL where configured), closed after the test file.
 * Call at the top level of a test file. Resolves once the catalog has stitched every entity.
 * `supportedIds` lists the databases available here (PostgreSQL where a connection string is
 * set), for `describe.each`.
 */
export function createRealCatalogTestBackend(
  databaseIds: TestDatabaseId[] = ['SQLITE_3'],
) {
  const databases = TestDatabases.create({ ids: databaseIds });
  const started: Array<{ stop(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map(backend => backend.stop()));
  });

  async function startRealCatalogBackend(options: {
    entities: Entity[];
    config?: JsonObject;
    features?: BackendFeature[];
    policy?: PermissionPolicy;
    databaseId?: TestDatabaseId;
    /** How long to wait for the catalog to stitch every entity. Default 2 minutes. */
    stitchTimeoutMs?: number;
  }) {
    const knexes = new Map<string, Knex>();
    const databaseId = options.databaseId ?? databaseIds[0];
    const database = createServiceFactory({
      service: coreServices.database,
      deps: { pluginMetadata: coreServices.pluginMetadata },
      async factory({ pluginMetadata }) {
        const knex = await databases.init(databaseId);
        knexes.set(pluginMetadata.getId(), knex);
        return { getClient: async () => knex, migrations: { skip: false } };
      },
    });
    const backend = await startTestBackend({
      features: [
        operabilityPlugin,
        ...realCatalogFeatures(options),
        database,
        mockServices.rootConfig.factory({
          data: { ...REAL_CATALOG_CONFIG, ...options.config },
        }),
        ...(options.features ?? []),
      ],
    });
    started.push(backend);
    await waitForStitchedEntities(
      knexes.get('catalog')!,
      options.entities.length,
      options.stitchTimeoutMs,
    );
    return Object.assign(backend, {
      knex: knexes.get('operability')!,
      catalogKnex: knexes.get('catalog')!,
    });
  }

  return Object.assign(startRealCatalogBackend, {
    /** The given database ids that this machine can run, in the order given. */
    supportedIds: databases.eachSupportedId().map(([id]) => id),
  });
}

/** A production Component of the default namespace, owned by `owner`, for the real catalog. */
export function catalogComponent(
  name: string,
  owner: string,
  metadata: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...metadata },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}
