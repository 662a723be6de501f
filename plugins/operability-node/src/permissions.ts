import {
  operabilityPermissions,
  OPERABILITY_ENTITY_RESOURCE_TYPE,
  toEntityRef,
} from '@airworthy/plugin-operability-common';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** Who may write operability data besides an entity's owners. @public */
export interface OperabilityPolicyOptions {
  /**
   * Group refs (canonical, e.g. `group:default/sre`) whose members may write the operability
   * data of every entity.
   */
  sreGroups: string[];
}

/**
 * Reads `operability.permissions.sreGroups`: group refs, `group:` and `default/` may be left
 * out (`sre` is `group:default/sre`).
 * @public
 */
export function readOperabilityPolicyOptions(
  config: Config,
): OperabilityPolicyOptions {
  const groups =
    config.getOptionalStringArray('operability.permissions.sreGroups') ?? [];
  return {
    sreGroups: groups.map(group =>
      toEntityRef(group, { defaultKind: 'group', defaultNamespace: 'default' }),
    ),
  };
}

const OPERABILITY_PERMISSION_NAMES = new Set(
  operabilityPermissions.map(p => p.name),
);

/** Whether a policy query is about one of the operability plugin's permissions. @public */
export function isOperabilityPermissionQuery(request: PolicyQuery): boolean {
  return OPERABILITY_PERMISSION_NAMES.has(request.permission.name);
}

/**
 * The operability part of a permission policy. For the operability permissions (writing
 * SLOs, SLI data, incidents, exemptions of an entity):
 * - ALLOW for members of a configured SRE group;
 * - otherwise a conditional decision that the catalog evaluates with its `IS_ENTITY_OWNER`
 *   rule: allowed when one of the user's ownership refs (the user and their groups) owns
 *   the entity;
 * - DENY without a signed-in user.
 * Returns undefined for every other permission, so that your policy decides those.
 *
 * `ownershipEntityRefs` are the user's, from the `UserInfoService`.
 * @public
 */
export function decideOperabilityPermission(
  request: PolicyQuery,
  ownershipEntityRefs: readonly string[] | undefined,
  options: OperabilityPolicyOptions,
): PolicyDecision | undefined {
  if (!isOperabilityPermissionQuery(request)) return undefined;
  const claims = (ownershipEntityRefs ?? []).map(ref => toEntityRef(ref));
  if (claims.length === 0) return { result: AuthorizeResult.DENY };
  if (claims.some(ref => options.sreGroups.includes(ref))) {
    return { result: AuthorizeResult.ALLOW };
  }
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
    conditions: {
      rule: 'IS_ENTITY_OWNER',
      resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
      params: { claims },
    },
  };
}

/**
 * A permission policy that decides the operability permissions with
 * `decideOperabilityPermission` and hands every other query to `fallback` (ALLOW when none
 * is given, as the allow-all policy does).
 * @public
 */
export class OperabilityPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly options: OperabilityPolicyOptions & {
      userInfo: UserInfoService;
      fallback?: PermissionPolicy;
    },
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!isOperabilityPermissionQuery(request)) {
      return this.options.fallback
        ? this.options.fallback.handle(request, user)
        : { result: AuthorizeResult.ALLOW };
    }
    const refs = user
      ? (await this.options.userInfo.getUserInfo(user.credentials))
          .ownershipEntityRefs
      : undefined;
    return decideOperabilityPermission(request, refs, this.options)!;
  }
}
