import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

export const operabilityModulePagerduty = createBackendModule({
  pluginId: 'operability',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.info('Hello World!');
      },
    });
  },
});
