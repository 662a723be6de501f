import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  MANUAL_INCIDENT_SOURCE,
  operabilityPermissions,
} from '@airworthy/plugin-operability-common';
import {
  operabilityIncidentsExtensionPoint,
  type IncidentSource,
} from '@airworthy/plugin-operability-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readSliConfig } from './config';
import { createOperabilityStore } from './database/OperabilityStore';
import { createRouter } from './router';
import { scheduleIncidentHousekeeping } from './tasks/incidentTasks';
import { EntityAccess } from './services/EntityAccess';
import { SliService } from './services/SliService';
import {
  IncidentHistory,
  readIncidentHistoryOptions,
} from './services/IncidentHistory';
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
    const incidentSources = new Map<string, IncidentSource>();
    env.registerExtensionPoint(operabilityIncidentsExtensionPoint, {
      addIncidentSource(...sources) {
        for (const source of sources) {
          if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(source.id)) {
            throw new Error(
              `Incident source id "${source.id}" must be lower-case letters, digits and "-" (at most 32)`,
            );
          }
          if (
            incidentSources.has(source.id) ||
            source.id === MANUAL_INCIDENT_SOURCE
          ) {
            throw new Error(`Incident source "${source.id}" is added twice`);
          }
          incidentSources.set(source.id, source);
        }
      },
    });

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
        const incidentHistory = new IncidentHistory(
          store,
          readIncidentHistoryOptions(config),
        );
        for (const source of incidentSources.values()) {
          await source.connect(incidentHistory.connectionFor(source.id));
        }
        await scheduleIncidentHousekeeping({
          config,
          logger,
          scheduler,
          store,
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
            incidentHistory,
            incidentSources,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // Webhooks carry their source's credentials (signatures, tokens) instead.
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
