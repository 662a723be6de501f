import {
  coreServices,
  createBackendModule,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  OperabilityPermissionPolicy,
  readOperabilityPolicyOptions,
} from '@airworthy/plugin-operability-node';
import {
  catalogEntityDeletePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** Catalog actions that can make entities disappear: the SRE groups' alone. */
const CATALOG_GUARDED = new Set([
  catalogEntityDeletePermission.name,
  catalogLocationCreatePermission.name,
  catalogLocationDeletePermission.name,
]);

/**
 * Everything outside the operability permissions: deleting catalog entities and creating or
 * deleting locations (which can unregister entities) is allowed to members of
 * `operability.permissions.sreGroups` only; everything else is allowed.
 */
export class CatalogGuardPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      sreGroups: string[];
      userInfo: UserInfoService;
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!CATALOG_GUARDED.has(request.permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) return { result: AuthorizeResult.DENY };
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      user.credentials,
    );
    const sre = ownershipEntityRefs.some(ref =>
      this.options.sreGroups.includes(ref),
    );
    return { result: sre ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}

/**
 * The demo's permission policy: the owners of an entity and the members of the groups in
 * `operability.permissions.sreGroups` may write its operability data (SLOs, SLI data,
 * incidents, exemptions); only those groups may delete catalog entities or create and delete
 * locations; everything else is allowed.
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
        const options = readOperabilityPolicyOptions(config);
        policy.setPolicy(
          new OperabilityPermissionPolicy({
            ...options,
            userInfo,
            fallback: new CatalogGuardPolicy({
              sreGroups: options.sreGroups,
              userInfo,
            }),
          }),
        );
      },
    });
  },
});
