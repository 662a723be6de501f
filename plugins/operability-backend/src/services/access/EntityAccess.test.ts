import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityAccess } from './EntityAccess';

const REF = 'component:default/jupyterhub';
const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'jupyterhub' },
  spec: { owner: 'group:default/sig-ops' },
};

/** EntityAccess over the catalog's test double, counting its reads, on a clock set by hand. */
function setUp() {
  const catalog = catalogServiceMock({ entities: [ENTITY] });
  const read = jest.spyOn(catalog, 'getEntityByRef');
  const clock = { now: 1_000_000 };
  const access = new EntityAccess(
    catalog,
    mockServices.permissions(),
    mockServices.auth(),
    { now: () => clock.now },
  );
  return { access, read, clock };
}

describe('EntityAccess.requireEntity with maxAgeMs', () => {
  it("answers a service caller from the plugin's own read while it is young enough", async () => {
    const { access, read, clock } = setUp();
    const service = mockCredentials.service('plugin:scripts');
    const options = { maxAgeMs: 5_000 };

    await expect(
      access.requireEntity(REF, service, undefined, options),
    ).resolves.toMatchObject({ entityRef: REF, entity: ENTITY });
    clock.now += 5_000;
    await access.requireEntity(REF, service, undefined, options);
    expect(read).toHaveBeenCalledTimes(1);

    clock.now += 1;
    await access.requireEntity(REF, service, undefined, options);
    expect(read).toHaveBeenCalledTimes(2);

    // Without maxAgeMs every request reads the catalog.
    await access.requireEntity(REF, service);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('keeps an unknown entity as unknown for the same time, and never keeps a user read', async () => {
    const { access, read } = setUp();
    const service = mockCredentials.service('plugin:scripts');
    const missing = 'component:default/nothing';
    for (let i = 0; i < 2; i++) {
      await expect(
        access.requireEntity(missing, service, undefined, { maxAgeMs: 5_000 }),
      ).rejects.toThrow(NotFoundError);
    }
    expect(read).toHaveBeenCalledTimes(1);

    const user = mockCredentials.user('user:default/alice');
    for (let i = 0; i < 2; i++) {
      await access.requireEntity(REF, user, undefined, { maxAgeMs: 5_000 });
    }
    expect(read).toHaveBeenCalledTimes(3);
    expect(read).toHaveBeenLastCalledWith(REF, { credentials: user });
  });
});
