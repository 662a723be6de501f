import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { operabilityPermissions } from '@airworthy/plugin-operability-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createOperabilityStore } from './database/OperabilityStore';
import { createRouter } from './router';
import { EntityAccess } from './services/EntityAccess';
import { SloRegistry } from './services/SloRegistry';

/**
 * The operability backend plugin: SLOs, SLI data, incidents and operability scores of
 * catalog entities, served under `/api/operability`.
 *
 * @public
 */
export const operabilityPlugin = createBackendPlugin({
  pluginId: 'operability',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        permissionsRegistry,
        catalog,
      }) {
        const store = await createOperabilityStore(database);
        const entityAccess = new EntityAccess(catalog);
        const sloRegistry = new SloRegistry(store);

        permissionsRegistry.addPermissions(operabilityPermissions);

        httpRouter.use(
          await createRouter({
            config,
            logger,
            httpAuth,
            entityAccess,
            sloRegistry,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
