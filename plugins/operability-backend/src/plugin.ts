import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  MANUAL_INCIDENT_SOURCE,
  operabilityGateReadPermission,
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
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readOperabilitySettings } from './config';
import { createOperabilityStore } from './database/OperabilityStore';
import { registerOperabilityActions } from './actions/operabilityActions';
import { createRouter } from './router';
import { EntityAccess } from './services/access';
import {
  catalogOwners,
  evaluatedBudgets,
  MonthlyReview,
  NotificationOutbox,
  SloTransitionNotifier,
  WeeklyDigest,
} from './services/notifications';
import { DeployGate } from './services/policy';
import {
  IncidentBudgetCostCalculator,
  IncidentHistory,
} from './services/incidents';
import {
  createDefaultScoreChecks,
  Exemptions,
  OperabilityScorer,
  Portfolio,
  ScoreContextFactory,
} from './services/score';
import { SliCollector, SliIngest } from './services/sli';
import {
  BudgetEvaluator,
  RepoSloSync,
  SloList,
  SloRegistry,
  SloSeries,
} from './services/slo';
import { scheduleIncidentHousekeeping } from './tasks/incidents';
import { scheduleNotificationTasks } from './tasks/notifications';
import { scheduleScoring } from './tasks/score';
import { scheduleSliTasks } from './tasks/sli';
import { scheduleSloTasks } from './tasks/slo';

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
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
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
        actionsRegistry,
        notifications,
      }) {
        const settings = readOperabilitySettings(config, { scoreChecks });

        const store = await createOperabilityStore(database, {
          sliLevels: settings.sli.levels,
          incidentGrouping: settings.incidents.grouping,
        });
        // Records without an incident (after the migration that introduced incidents) and
        // incidents made with other grouping rules are grouped before anything is served.
        const started = Date.now();
        const regrouped = await store.incidents.regroupStale();
        if (regrouped) {
          logger.info(
            `Grouped the incident records of ${regrouped} entities into incidents in ${
              Date.now() - started
            } ms`,
          );
        }
        const entityAccess = new EntityAccess(catalog, permissions, auth);
        const sloRegistry = new SloRegistry(
          store,
          entityAccess,
          () => sliSources,
          { limits: settings.slos },
        );
        const sliIngest = new SliIngest({
          store,
          settings: settings.sli,
          logger,
        });
        const incidentHistory = new IncidentHistory(
          store,
          settings.incidents.history,
          new IncidentBudgetCostCalculator(store),
        );
        for (const source of incidentSources.values()) {
          await source.connect(incidentHistory.connectionFor(source.id));
        }
        await scheduleIncidentHousekeeping({
          settings: settings.incidents.housekeeping,
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
          localDirectories: settings.sloFiles.localDirectories,
          limits: settings.slos,
        });
        const collector = new SliCollector({
          store,
          logger,
          ingest: sliIngest,
          sources: () => sliSources,
          lagMs: settings.collection.lagMs,
          concurrency: settings.collection.concurrency,
          backfillMs: settings.collection.backfillMs,
        });
        // Notifications go through Backstage's notification service; without the
        // notifications backend, sending fails and the outbox logs it once (rows stay
        // pending for operability.notifications.maxPendingAge).
        const outbox = new NotificationOutbox({
          store,
          notifications,
          logger,
          settings: settings.notifications,
        });
        const evaluator = new BudgetEvaluator({
          store,
          logger,
          snapshotIntervalMs: settings.evaluation.snapshotIntervalMs,
          concurrency: settings.evaluation.concurrency,
          notifier: settings.notifications.enabled
            ? new SloTransitionNotifier({ store, outbox, logger })
            : undefined,
        });

        permissionsRegistry.addPermissions([
          ...operabilityPermissions,
          operabilityGateReadPermission,
        ]);

        await scheduleSloTasks({
          scheduler,
          logger,
          repoSync,
          evaluator,
          collector,
          settings,
        });
        await scheduleSliTasks({
          scheduler,
          logger,
          store,
          collector,
          evaluator,
          settings,
        });

        const scorer = new OperabilityScorer({
          store,
          settings: settings.score,
          contexts: new ScoreContextFactory({
            store,
            sloRegistry,
            incidentHistory,
            catalog,
            auth,
            periodDays: settings.score.periodDays,
            evaluator,
          }),
          catalog,
          auth,
          logger,
        });
        await scheduleScoring({ scheduler, logger, scorer });

        const reviewSettings = settings.notifications.monthlyReview;
        await scheduleNotificationTasks({
          scheduler,
          logger,
          store,
          outbox,
          digest: new WeeklyDigest({
            store,
            owners: catalogOwners(catalog, auth),
            outbox,
            budgetAt: evaluatedBudgets(evaluator, Date.now),
          }),
          review: new MonthlyReview({
            store,
            outbox,
            recipients: reviewSettings.broadcast
              ? { type: 'broadcast' }
              : { type: 'entity', entityRef: reviewSettings.recipients },
            levels: [...settings.score.levels]
              .sort((a, b) => a.threshold - b.threshold)
              .map(l => l.id),
          }),
          settings: settings.notifications,
        });

        const deployGate = new DeployGate({
          sloRegistry,
          store,
          settings: settings.policy,
          logger,
        });
        const portfolio = new Portfolio({
          catalog,
          scores: store.scores,
          settings: settings.score,
        });
        httpRouter.use(
          await createRouter({
            middleware: MiddlewareFactory.create({ config, logger }),
            httpAuth,
            auth,
            catalog,
            entityAccess,
            sloRegistry,
            sloList: new SloList({
              store,
              registry: sloRegistry,
              catalog,
              entityAccess,
            }),
            sloSeries: new SloSeries(store),
            sliIngest,
            incidentHistory,
            incidentSources,
            webhookLimits: settings.incidents.webhooks,
            scorer,
            exemptions: new Exemptions(store, scorer),
            portfolio,
            deployGate,
          }),
        );
        registerOperabilityActions({
          actionsRegistry,
          entityAccess,
          sloRegistry,
          deployGate,
          incidentHistory,
          scorer,
          portfolio,
        });
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
