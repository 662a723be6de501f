import { operabilityPlugin } from './plugin';

describe('operability', () => {
  it('should export plugin', () => {
    expect(operabilityPlugin).toBeDefined();
  });
});
