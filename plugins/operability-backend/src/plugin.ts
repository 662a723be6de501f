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
  operabilityScoreChecksExtensionPoint,
  operabilitySliSourcesExtensionPoint,
  type IncidentSource,
  type ScoreCheck,
  type SliSource,
} from '@airworthy/plugin-operability-node';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  readCollectionConfig,
  readEvaluationConfig,
  readSliConfig,
  readSloFilesConfig,
} from './config';
import { createOperabilityStore } from './database/OperabilityStore';
import { createRouter } from './router';
import { scheduleIncidentHousekeeping } from './tasks/incidents';
import { BudgetEvaluator } from './services/slo/BudgetEvaluator';
import { EntityAccess } from './services/access/EntityAccess';
import { RepoSloSync } from './services/slo/RepoSloSync';
import { SliCollector } from './services/sli/SliCollector';
import { SliService } from './services/sli/SliIngest';
import { IncidentBudgetCostCalculator } from './services/incidents/IncidentBudgetCost';
import {
  IncidentHistory,
  readIncidentHistoryOptions,
} from './services/incidents/IncidentHistory';
import { SloRegistry } from './services/slo/SloRegistry';
import { SloSeries } from './services/slo/SloSeries';
import { scheduleOperabilityTasks } from './tasks/slo';
import { Exemptions } from './services/score/Exemptions';
import { OperabilityScorer } from './services/score/OperabilityScorer';
import { Portfolio } from './services/score/Portfolio';
import { ScoreContextFactory } from './services/score/ScoreContext';
import { readScoreSettings } from './config/score';
import { createDefaultScoreChecks } from './services/score/scoreChecks';
import { scheduleScoring } from './tasks/score';

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
    const sliSources: SliSource[] = [];
    env.registerExtensionPoint(operabilitySliSourcesExtensionPoint, {
      addSliSource(...sources) {
        sliSources.push(...sources);
      },
    });

    const scoreChecks: ScoreCheck[] = createDefaultScoreChecks();
    env.registerExtensionPoint(operabilityScoreChecksExtensionPoint, {
      addScoreCheck(...checks) {
        for (const check of checks) {
          const { id } = check.definition;
          if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) {
            throw new Error(
              `Score check id "${id}" must be lower-case letters, digits and "-" (at most 64)`,
            );
          }
          if (scoreChecks.some(c => c.definition.id === id)) {
            throw new Error(`Score check "${id}" is added twice`);
          }
          scoreChecks.push(check);
        }
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        urlReader: coreServices.urlReader,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        auth,
        httpAuth,
        httpRouter,
        urlReader,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        const sliConfig = readSliConfig(config);
        const sloFilesConfig = readSloFilesConfig(config);
        const collectionConfig = readCollectionConfig(config);
        const evaluationConfig = readEvaluationConfig(config);

        const store = await createOperabilityStore(database, {
          sliLevels: sliConfig.levels,
        });
        const entityAccess = new EntityAccess(catalog, permissions);
        const sloRegistry = new SloRegistry(
          store,
          entityAccess,
          () => sliSources,
        );
        const sliService = new SliService({
          store,
          config: sliConfig,
          logger,
        });
        const incidentHistory = new IncidentHistory(
          store,
          readIncidentHistoryOptions(config),
          new IncidentBudgetCostCalculator(store),
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
        const repoSync = new RepoSloSync({
          catalog,
          auth,
          urlReader,
          integrations: ScmIntegrations.fromConfig(config),
          store,
          logger,
          localDirectories: sloFilesConfig.localDirectories,
        });
        const collector = new SliCollector({
          store,
          logger,
          sliService,
          sources: () => sliSources,
          lagMs: collectionConfig.lagMs,
          concurrency: collectionConfig.concurrency,
          backfillMs: collectionConfig.backfillMs,
        });
        const evaluator = new BudgetEvaluator({
          store,
          logger,
          snapshotIntervalMs: evaluationConfig.snapshotIntervalMs,
          concurrency: evaluationConfig.concurrency,
        });

        permissionsRegistry.addPermissions(operabilityPermissions);

        await scheduleOperabilityTasks({
          scheduler,
          logger,
          store,
          repoSync,
          collector,
          evaluator,
          config: {
            sli: sliConfig,
            sloFiles: sloFilesConfig,
            collection: collectionConfig,
            evaluation: evaluationConfig,
          },
        });

        const scoreSettings = readScoreSettings(config, scoreChecks);
        const scorer = new OperabilityScorer({
          store,
          settings: scoreSettings,
          contexts: new ScoreContextFactory({
            store,
            sloRegistry,
            incidentHistory,
            catalog,
            auth,
            periodDays: scoreSettings.periodDays,
            evaluator,
          }),
          catalog,
          auth,
          logger,
        });
        await scheduleScoring({ scheduler, logger, scorer });

        httpRouter.use(
          await createRouter({
            config,
            logger,
            httpAuth,
            entityAccess,
            sloRegistry,
            sliService,
            sloSeries: new SloSeries(store),
            incidentHistory,
            incidentSources,
            score: {
              catalog,
              auth,
              scorer,
              exemptions: new Exemptions(store, scorer),
              portfolio: new Portfolio({
                catalog,
                scores: store.scores,
                settings: scoreSettings,
              }),
            },
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // Webhooks carry their source's credentials (signatures, tokens) instead.
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });
        // Badges of entities that opt in (airworthy.dev/public-badge); others answer 404.
        httpRouter.addAuthPolicy({ path: '/badges', allow: 'unauthenticated' });
      },
    });
  },
});
