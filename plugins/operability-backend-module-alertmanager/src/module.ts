import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

export const operabilityModuleAlertmanager = createBackendModule({
  pluginId: 'operability',
  moduleId: 'alertmanager',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.info('Hello World!');
      },
    });
  },
});
