import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  OperabilityPermissionPolicy,
  readOperabilityPolicyOptions,
} from '@airworthy/plugin-operability-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/**
 * The demo's permission policy: the owners of an entity and the members of the groups in
 * `operability.permissions.sreGroups` may write its operability data (SLOs, SLI data,
 * incidents, exemptions); everything else is allowed, as with the allow-all policy.
 */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'airworthy-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, userInfo, policy }) {
        policy.setPolicy(
          new OperabilityPermissionPolicy({
            ...readOperabilityPolicyOptions(config),
            userInfo,
          }),
        );
      },
    });
  },
});
