import {
  operabilitySliWritePermission,
  operabilitySloWritePermission,
} from '@airworthy/plugin-operability-common';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  decideOperabilityPermission,
  OperabilityPermissionPolicy,
  readOperabilityPolicyOptions,
} from './permissions';

const options = { sreGroups: ['group:default/sre'] };
const sloWrite = { permission: operabilitySloWritePermission };
const catalogRead = {
  permission: createPermission({
    name: 'catalog.entity.read',
    attributes: { action: 'read' },
    resourceType: 'catalog-entity',
  }),
};

describe('decideOperabilityPermission', () => {
  it('allows members of an SRE group, whatever the entity', () => {
    expect(
      decideOperabilityPermission(
        sloWrite,
        ['user:default/ana', 'Group:default/SRE'],
        options,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets the catalog decide ownership for everyone else, with the user's refs as claims", () => {
    expect(
      decideOperabilityPermission(
        { permission: operabilitySliWritePermission },
        ['user:default/bo', 'group:default/data-science'],
        options,
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/bo', 'group:default/data-science'] },
      },
    });
  });

  it('denies without a user and leaves other permissions to the rest of the policy', () => {
    expect(decideOperabilityPermission(sloWrite, undefined, options)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(decideOperabilityPermission(sloWrite, [], options)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(
      decideOperabilityPermission(catalogRead, ['group:default/sre'], options),
    ).toBeUndefined();
  });
});

describe('readOperabilityPolicyOptions', () => {
  it('reads SRE groups as canonical group refs', () => {
    expect(
      readOperabilityPolicyOptions(
        new ConfigReader({
          operability: {
            permissions: { sreGroups: ['sre', 'ops/oncall', 'group:x/Y'] },
          },
        }),
      ),
    ).toEqual({
      sreGroups: ['group:default/sre', 'group:ops/oncall', 'group:x/y'],
    });
    expect(readOperabilityPolicyOptions(new ConfigReader({}))).toEqual({
      sreGroups: [],
    });
  });
});

describe('OperabilityPermissionPolicy', () => {
  it("decides with the user's ownership refs and hands other permissions to the fallback", async () => {
    const userInfo = mockServices.userInfo.mock({
      getUserInfo: async () => ({
        userEntityRef: 'user:default/guest',
        ownershipEntityRefs: ['user:default/guest', 'group:default/sre'],
      }),
    });
    const fallback = {
      handle: jest.fn(
        async (): Promise<PolicyDecision> => ({ result: AuthorizeResult.DENY }),
      ),
    };
    const user = {
      credentials: mockCredentials.user('user:default/guest'),
      info: { userEntityRef: 'user:default/guest', ownershipEntityRefs: [] },
    };
    const policy = new OperabilityPermissionPolicy({
      ...options,
      userInfo,
      fallback,
    });
    await expect(policy.handle(sloWrite, user)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(userInfo.getUserInfo).toHaveBeenCalledWith(user.credentials);
    await expect(policy.handle(catalogRead, user)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(fallback.handle).toHaveBeenCalledWith(catalogRead, user);

    const allowAll = new OperabilityPermissionPolicy({ ...options, userInfo });
    await expect(allowAll.handle(catalogRead, user)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(allowAll.handle(sloWrite)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
