import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
} from '@airworthy/plugin-operability-common';
import { operabilitySliSourcesExtensionPoint } from '@airworthy/plugin-operability-node';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { buildDeliveries, type DemoEntity } from './deliveries';
import { sendDeliveries } from './deliver';
import { DemoSliSource } from './DemoSliSource';
import { TIME } from '@airworthy/plugin-operability-common';

/** Equality matchers of an alert selector (`a=b,c=d`), as labels; other matchers are skipped. */
export function selectorLabels(selector: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of selector.split(',')) {
    const match = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"?([^"=!~]*)"?\s*$/.exec(
      part,
    );
    if (match) labels[match[1]] = match[2];
  }
  return labels;
}

/**
 * The instant the demo's story ends at: `operability.demo.anchor` (an ISO 8601 instant, e.g.
 * the one a backfilled Prometheus was generated for), or the current hour.
 */
export function readAnchor(
  configured: string | undefined,
  now = Date.now(),
): number {
  if (configured === undefined) return Math.floor(now / TIME.HOUR) * TIME.HOUR;
  const anchor = Date.parse(configured);
  if (!Number.isFinite(anchor)) {
    throw new Error(
      `operability.demo.anchor must be an ISO 8601 instant such as 2026-11-25T10:00:00Z, not ${configured}`,
    );
  }
  return anchor;
}

/**
 * Polls until `list` returns something, and then once more after a pause so that the
 * catalog's processing (annotations, relations) has settled; gives up after `timeoutMs`.
 */
export async function waitForComponents<T>(
  list: () => Promise<T[]>,
  options: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<T[]> {
  const intervalMs = options.intervalMs ?? 3000;
  const deadline = Date.now() + (options.timeoutMs ?? 5 * TIME.MINUTE);
  const pause = () => new Promise(resolve => setTimeout(resolve, intervalMs));
  for (;;) {
    let items: T[] = [];
    try {
      items = await list();
    } catch {
      // The catalog may not answer yet during start-up.
    }
    if (items.length > 0) {
      await pause();
      return list();
    }
    if (Date.now() >= deadline) return [];
    await pause();
  }
}

/**
 * The embedded demo: a community cloud out of the box. It serves generated SLI data for
 * the demo SLOs (as an SLI source), and at start-up delivers the incidents of the last 90
 * days through the real paths: signed webhooks of Alertmanager, GitHub and PagerDuty, and
 * manual incidents through the API. Off unless `operability.demo.enabled` is true.
 *
 * @public
 */
export const operabilityModuleDemo = createBackendModule({
  pluginId: 'operability',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        sliSources: operabilitySliSourcesExtensionPoint,
      },
      async init({
        config,
        logger,
        lifecycle,
        discovery,
        auth,
        catalog,
        sliSources,
      }) {
        const demo = config.getOptionalConfig('operability.demo');
        if (!demo?.getOptionalBoolean('enabled')) return;
        const anchor = readAnchor(demo.getOptionalString('anchor'));

        const sli = demo.getOptionalBoolean('sli') ?? true;
        const deliverIncidents = demo.getOptionalBoolean('incidents') ?? true;
        if (sli) {
          sliSources.addSliSource(
            new DemoSliSource({ anchor, minuteHistoryMs: 9 * TIME.DAY }),
          );
        }

        if (deliverIncidents) {
          const incidents = config.getOptionalConfig('operability.incidents');
          const secrets = {
            alertmanagerToken:
              incidents?.getOptionalString('alertmanager.token'),
            githubWebhookSecret: incidents?.getOptionalString(
              'github.webhookSecret',
            ),
            pagerdutyWebhookSecret: incidents?.getOptionalStringArray(
              'pagerduty.webhookSecrets',
            )?.[0],
          };
          lifecycle.addStartupHook(() => {
            // In the background: start-up does not wait for the demo.
            (async () => {
              // The catalog ingests the demo locations shortly after start-up; the
              // webhooks map incidents to entities through it, so wait for them.
              const items = await waitForComponents(async () => {
                const response = await catalog.getEntities(
                  {
                    filter: { kind: 'Component' },
                    fields: [
                      'kind',
                      'metadata.name',
                      'metadata.namespace',
                      'metadata.annotations',
                    ],
                  },
                  { credentials: await auth.getOwnServiceCredentials() },
                );
                return response.items;
              });
              if (items.length === 0) {
                logger.warn(
                  'Demo incidents were not delivered: the catalog has no Component after 5 minutes',
                );
                return;
              }
              const entities = new Map<string, DemoEntity>();
              for (const entity of items) {
                const annotations = entity.metadata.annotations ?? {};
                const selector = annotations[ANNOTATION_ALERT_SELECTOR];
                entities.set(entity.metadata.name, {
                  entityRef: stringifyEntityRef(entity),
                  alertLabels: selector ? selectorLabels(selector) : undefined,
                  pagerdutyServiceId:
                    annotations[ANNOTATION_PAGERDUTY_SERVICE_ID],
                });
              }
              const deliveries = buildDeliveries({
                anchor,
                now: Date.now(),
                entities,
                secrets,
              });
              const result = await sendDeliveries({
                deliveries,
                discovery,
                auth,
                logger,
              });
              logger.info(
                `Demo incidents delivered: ${result.accepted} accepted, ${result.refused} refused (of ${deliveries.length})`,
              );
            })().catch(error =>
              logger.error(
                `Demo incidents were not delivered: ${
                  (error as Error).message
                }`,
              ),
            );
          });
        }
        logger.info(
          `Airworthy demo is on: ${
            sli ? 'generated SLI data' : 'no generated SLI data'
          }, ${deliverIncidents ? 'demo incidents' : 'no demo incidents'}`,
        );
      },
    });
  },
});
