import { EntitySloCard, operabilityPlugin } from './plugin';

describe('legacy plugin', () => {
  it('is the operability plugin and provides its API', () => {
    expect(operabilityPlugin.getId()).toBe('operability');
    expect([...operabilityPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.operability.api',
    ]);
    expect(EntitySloCard).toBeDefined();
  });
});
