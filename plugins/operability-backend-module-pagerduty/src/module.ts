import { operabilityIncidentsExtensionPoint } from '@airworthy/plugin-operability-node';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { PagerDutyIncidentSource } from './PagerDutyIncidentSource';

/**
 * Incidents from PagerDuty: a v3 webhook receiver at
 * `POST /api/operability/webhooks/pagerduty`, verified with the signing secrets
 * `operability.incidents.pagerduty.webhookSecrets`.
 *
 * @public
 */
export const operabilityModulePagerduty = createBackendModule({
  pluginId: 'operability',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        incidents: operabilityIncidentsExtensionPoint,
      },
      async init({ config, logger, auth, catalog, incidents }) {
        const webhookSecrets =
          config.getOptionalStringArray(
            'operability.incidents.pagerduty.webhookSecrets',
          ) ?? [];
        if (!webhookSecrets.length) {
          logger.warn(
            'operability.incidents.pagerduty.webhookSecrets is not set: the PagerDuty webhook answers 404',
          );
        }
        incidents.addIncidentSource(
          new PagerDutyIncidentSource({ webhookSecrets, catalog, auth }),
        );
      },
    });
  },
});
