import {
  INCIDENT_SEVERITIES,
  type IncidentSeverity,
} from '@airworthy/plugin-operability-common';
import { operabilityIncidentsExtensionPoint } from '@airworthy/plugin-operability-node';
import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  GithubIncidentSource,
  type ConfiguredRepository,
} from './GithubIncidentSource';
import { GithubIssuesClient } from './GithubIssuesClient';
import {
  DEFAULT_INCIDENT_LABEL,
  parseIncidentRepository,
} from './githubIssues';

/** The reconciliation task's id, for `scheduler.triggerTask`. */
export const GITHUB_RECONCILE_TASK_ID =
  'operability-github-incidents-reconcile';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { minutes: 1 },
};

function readSettings(config: RootConfigService) {
  const github = config.getOptionalConfig('operability.incidents.github');
  const defaultLabel = (
    github?.getOptionalString('label') ?? DEFAULT_INCIDENT_LABEL
  ).toLowerCase();
  const repositories: ConfiguredRepository[] = (
    github?.getOptionalConfigArray('repositories') ?? []
  ).map(entry => {
    const label = entry.getOptionalString('label');
    const parsed = parseIncidentRepository(
      `${entry.getString('repository')}:${label ?? defaultLabel}`,
    );
    return {
      ...parsed,
      entityRefs: entry.getOptionalStringArray('entityRefs') ?? [],
    };
  });
  const defaultSeverity = (github?.getOptionalString('defaultSeverity') ??
    'critical') as IncidentSeverity;
  if (!INCIDENT_SEVERITIES.includes(defaultSeverity)) {
    throw new Error(
      `operability.incidents.github.defaultSeverity must be one of ${INCIDENT_SEVERITIES.join(
        ', ',
      )}`,
    );
  }
  const initialLookbackDays =
    github?.getOptionalNumber('initialLookbackDays') ?? 90;
  if (!(initialLookbackDays > 0)) {
    throw new Error(
      'operability.incidents.github.initialLookbackDays must be > 0',
    );
  }
  return {
    webhookSecret: github?.getOptionalString('webhookSecret'),
    host: github?.getOptionalString('host') ?? 'github.com',
    repositories,
    mapping: {
      defaultSeverity,
      postMortemLabels: (
        github?.getOptionalStringArray('postMortemLabels') ?? [
          'post-mortem',
          'postmortem',
        ]
      ).map(l => l.toLowerCase()),
    },
    initialLookbackDays,
    schedule: github?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          github.getConfig('schedule'),
        )
      : DEFAULT_SCHEDULE,
  };
}

/**
 * Incidents from GitHub issues: a webhook receiver at
 * `POST /api/operability/webhooks/github` (`issues` events, `X-Hub-Signature-256`) and a
 * scheduled reconciliation through Backstage's GitHub integration.
 *
 * @public
 */
export const operabilityModuleGithub = createBackendModule({
  pluginId: 'operability',
  moduleId: 'github',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        incidents: operabilityIncidentsExtensionPoint,
      },
      async init({ config, logger, auth, scheduler, catalog, incidents }) {
        const settings = readSettings(config);
        let client: GithubIssuesClient | undefined;
        if (
          config.getOptionalBoolean('operability.incidents.github.reconcile') ??
          true
        ) {
          try {
            client = GithubIssuesClient.fromConfig(config, settings.host);
          } catch (e) {
            logger.warn(
              `GitHub incidents are not reconciled: ${(e as Error).message}`,
            );
          }
        } else {
          logger.info(
            'GitHub incidents are not reconciled (operability.incidents.github.reconcile is false); the webhook alone records them',
          );
        }
        if (!settings.webhookSecret) {
          logger.warn(
            'operability.incidents.github.webhookSecret is not set: the GitHub webhook answers 404',
          );
        }
        const source = new GithubIncidentSource({
          ...settings,
          client,
          catalog,
          auth,
          logger,
        });
        incidents.addIncidentSource(source);
        if (client) {
          await scheduler.scheduleTask({
            id: GITHUB_RECONCILE_TASK_ID,
            scope: 'global',
            ...settings.schedule,
            fn: async () => {
              // The same lines as the plugin's own tasks: started, then done or failed.
              const id = GITHUB_RECONCILE_TASK_ID;
              const started = Date.now();
              logger.info(`${id}: started`);
              try {
                const { repositories, issues } = await source.reconcile();
                logger.info(
                  `${id}: reconciled ${issues} issues of ${repositories} repositories in ${
                    Date.now() - started
                  } ms`,
                );
              } catch (error) {
                logger.warn(
                  `${id}: failed after ${Date.now() - started} ms: ${error}`,
                );
                throw error;
              }
            },
          });
        }
      },
    });
  },
});
