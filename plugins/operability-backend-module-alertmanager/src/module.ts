import { operabilityIncidentsExtensionPoint } from '@airworthy/plugin-operability-node';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AlertmanagerIncidentSource } from './AlertmanagerIncidentSource';

/**
 * Incidents from Alertmanager: a webhook receiver at
 * `POST /api/operability/webhooks/alertmanager` for payload version 4, authenticated with the
 * bearer token `operability.incidents.alertmanager.token`.
 *
 * @public
 */
export const operabilityModuleAlertmanager = createBackendModule({
  pluginId: 'operability',
  moduleId: 'alertmanager',
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
        const token = config.getOptionalString(
          'operability.incidents.alertmanager.token',
        );
        if (!token) {
          logger.warn(
            'operability.incidents.alertmanager.token is not set: the Alertmanager webhook answers 404',
          );
        }
        incidents.addIncidentSource(
          new AlertmanagerIncidentSource({ token, catalog, auth, logger }),
        );
      },
    });
  },
});
