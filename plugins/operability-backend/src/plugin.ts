import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { operabilityPermissions } from '@airworthy/plugin-operability-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readSliConfig } from './config';
import { createOperabilityStore } from './database/OperabilityStore';
import { createRouter } from './router';
import { EntityAccess } from './services/EntityAccess';
import { SliService } from './services/SliService';
import { SloRegistry } from './services/SloRegistry';
import { scheduleSliRetention } from './tasks/sliRetention';

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
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        const sliConfig = readSliConfig(config);
        const store = await createOperabilityStore(database, {
          sliLevels: sliConfig.levels,
        });
        const entityAccess = new EntityAccess(catalog, permissions);
        const sloRegistry = new SloRegistry(store, entityAccess);
        const sliService = new SliService({
          store,
          config: sliConfig,
          logger,
        });

        permissionsRegistry.addPermissions(operabilityPermissions);

        await scheduleSliRetention({
          scheduler,
          logger,
          store,
          schedule: sliConfig.retentionSchedule,
        });

        httpRouter.use(
          await createRouter({
            config,
            logger,
            httpAuth,
            entityAccess,
            sloRegistry,
            sliService,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
