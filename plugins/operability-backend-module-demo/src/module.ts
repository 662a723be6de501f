import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

export const operabilityModuleDemo = createBackendModule({
  pluginId: 'operability',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.info('Hello World!');
      },
    });
  },
});
