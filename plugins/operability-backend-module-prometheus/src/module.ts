import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { operabilitySliSourcesExtensionPoint } from '@airworthy/plugin-operability-node';
import { PrometheusSliSource } from './PrometheusSliSource';

/**
 * Collects SLI data of SLOs whose metric sources are of type Prometheus from the instances
 * configured under `operability.prometheus`.
 *
 * @public
 */
export const operabilityModulePrometheus = createBackendModule({
  pluginId: 'operability',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        sliSources: operabilitySliSourcesExtensionPoint,
      },
      async init({ config, logger, sliSources }) {
        const source = PrometheusSliSource.fromConfig(config);
        sliSources.addSliSource(source);
        logger.info(
          `Prometheus SLI source: ${
            source.instanceNames().join(', ') || 'no instance configured'
          }`,
        );
      },
    });
  },
});
